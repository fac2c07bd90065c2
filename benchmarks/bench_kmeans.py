"""K-means backends: time per Lloyd iteration and per k-means++ start, precision, the paper's
setting.

1. Speed, at the full size (``--n --dim --k``). One Lloyd iteration costs at least the distance
   computation ||x||² - 2 x·c + ||c||², an [N x D] x [D x K] float32 matrix product of 2·N·K·D
   flops; the bound per iteration is that count over this machine's sgemm rate (numpy, same
   shape). Every backend starts from the same random centroids and runs ``--iters`` iterations
   (the mixture does not converge in a few); the final assignment is one more distance pass,
   so time per iteration = total / (iterations + 1). A k-means++ start is timed where the
   backend draws it: numpy on the host for faiss, scikit-learn and cuML, the device for torch.
2. Precision (torch): float32, tf32 and bf16 distance products from the same start: time per
   iteration, and the labels' agreement (ARI) and inertia against float32. On a CPU tf32 and
   bf16 are emulated: the agreement is the GPU's, the time is not.
3. The paper's setting (``init=k-means++, n_init=10, max_iter=300, tol=1e-4``) at the full
   size, projected as 10 x (one start + 300 iterations): an upper bound, tol stops earlier.
4. The paper's setting run for real on ``--data`` (.npy files of activations, rows
   concatenated) or a mixture of overlapping Gaussians (``--paper-*``): time, the best
   restart's iterations and inertia per backend; with ``--sklearn-reference`` also
   ``sklearn.cluster.KMeans(n_clusters=K, random_state=212)`` with the same options (the
   paper's call), each backend's ARI and inertia against it, and scikit-learn's own
   seed-to-seed ARI (random_state 212 vs 213) for scale.

On a machine shared with other jobs, wall times of multi-threaded BLAS swing by 2-4x from run
to run; ``--threads 1`` (the default) pins BLAS, OpenMP, faiss and torch to one thread and the
script reports CPU time as well as wall time (CPU time means nothing for work on a GPU).

    python benchmarks/bench_kmeans.py [--n 50000 --dim 768 --k 600 --iters 3]
        [--backends faiss,torch,cuml,sklearn] [--data L06.npy ... --paper-k 600]
        [--sklearn-reference]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.metrics import adjusted_rand_score

from xlprobe.probing.cluster import (
    PRECISIONS,
    REGISTRY,
    KMeansOptions,
    initial_centroids,
    kmeans_fits,
    partition_inertia,
    resolve_backend,
    torch_sees_a_gpu,
)

PAPER = {"init": "k-means++", "n_init": 10, "max_iter": 300, "tol": 1e-4}


def timed(fn):
    """(result, wall seconds, CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def mixture(n: int, d: int, k: int, seed: int = 0, spread: float = 3.0) -> np.ndarray:
    """[n x d] float32: k Gaussian centres (sd ``spread`` per axis) plus unit noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, d)).astype(np.float32) * spread
    return centres[rng.integers(k, size=n)] + rng.standard_normal((n, d), dtype=np.float32)


def usable(names: list[str]) -> list[str]:
    """The requested backends that can run here, with a line for each that cannot."""
    kept = []
    for name in names:
        problem = REGISTRY[name].problem()
        if problem is None:
            kept.append(name)
        else:
            print(f"{name}: skipped ({problem})")
    return kept


def device_of(name: str) -> str:
    if name == "torch":
        return "torch CUDA" if torch_sees_a_gpu() else "torch CPU"
    return name


def speed(x: np.ndarray, k: int, iters: int, backends: list[str]) -> dict[str, float]:
    """Section 1; returns backend -> seconds of one start + 300 iterations' worth per restart."""
    import torch

    n, d = x.shape
    c = np.ascontiguousarray(x[:k].T)
    x @ c  # warm-up
    _, gemm_wall, gemm_cpu = min((timed(lambda: x @ c) for _ in range(3)), key=lambda t: t[1])
    print(
        f"sgemm [{n} x {d}] x [{d} x {k}]: {gemm_wall:.3f} / {gemm_cpu:.3f} s = "
        f"{2.0 * n * k * d / gemm_wall / 1e9:.1f} GFLOP/s (wall)"
    )
    _, host_wall, host_cpu = timed(lambda: initial_centroids(x, k, init="k-means++"))
    print(f"k-means++ start on the host (numpy): {host_wall:.2f} / {host_cpu:.2f} s")
    restart = {}
    for name in backends:
        options = KMeansOptions(backend=name, max_iter=iters)
        (fit,), wall, cpu = timed(lambda options=options: kmeans_fits(x, k, [0], options))
        passes = fit.n_iter + 1
        print(
            f"{device_of(name):>10}: {wall:.2f} / {cpu:.2f} s for {fit.n_iter} iterations; per "
            f"iteration {wall / passes:.3f} / {cpu / passes:.3f} s = "
            f"{wall / passes / gemm_wall:.2f}x the sgemm bound (wall)"
        )
        start = host_wall
        if name == "torch":
            points = torch.from_numpy(x).to("cuda" if torch_sees_a_gpu() else "cpu")
            _, start, cpu = timed(
                lambda points=points: initial_centroids(points, k, init="k-means++").cpu()
            )
            print(f"{device_of(name):>10}: k-means++ start on the device {start:.2f} / {cpu:.2f} s")
        restart[name] = start + PAPER["max_iter"] * wall / passes
    return restart


def precision(x: np.ndarray, k: int, iters: int) -> None:
    """Section 2."""
    import torch

    from xlprobe.probing.cluster_torch import TorchLloyd

    fits = {}
    for name in PRECISIONS:
        options = KMeansOptions(backend="torch", max_iter=iters, precision=name)
        (fit,), wall, _ = timed(lambda options=options: kmeans_fits(x, k, [0], options))
        fits[name] = fit
        print(
            f"{device_of('torch'):>10} {name:>7}: {wall / (fit.n_iter + 1):.3f} s per iteration; "
            f"after {fit.n_iter}: ARI vs float32 "
            f"{adjusted_rand_score(fits['float32'].labels, fit.labels):.4f}, "
            f"inertia / float32's {fit.inertia / fits['float32'].inertia:.6f}"
        )
    # One assignment from the same centroids (the float32 run's clusters' means): the share of
    # points whose nearest centroid changes, before any cascade through later iterations.
    labels = fits["float32"].labels
    means = np.stack([x[labels == j].mean(0) if (labels == j).any() else x[j] for j in range(k)])
    nearest = {}
    for name in PRECISIONS:
        engine = TorchLloyd(x, k, max_iter=1, precision=name)
        nearest[name] = engine.assign(torch.from_numpy(means).to(engine.device))[0].cpu().numpy()
        changed = float((nearest[name] != nearest["float32"]).mean())
        print(f"{device_of('torch'):>10} {name:>7}: one assignment, {changed:.4%} of points change")


def paper_run(y: np.ndarray, k: int, backends: list[str], reference: bool) -> None:
    """Section 4."""
    from sklearn.cluster import KMeans

    fits = {}
    for name in backends:
        options = KMeansOptions(backend=name, **PAPER)
        (fits[name],), wall, cpu = timed(lambda options=options: kmeans_fits(y, k, [212], options))
        print(
            f"{device_of(name):>10}: {wall:.2f} / {cpu:.2f} s; best restart stopped after "
            f"{fits[name].n_iter} iterations, inertia {fits[name].inertia:.6g}"
        )
    if not reference:
        return
    sk, wall, cpu = timed(lambda: KMeans(n_clusters=k, random_state=212, **PAPER).fit(y))
    print(
        f"sklearn.cluster.KMeans(random_state=212): {wall:.2f} / {cpu:.2f} s, "
        f"{sk.n_iter_} iterations, inertia {sk.inertia_:.6g}"
    )
    other = KMeans(n_clusters=k, random_state=213, **PAPER).fit(y)
    reference_inertia = partition_inertia(y, sk.labels_)
    for name, labels in [("random_state=213", other.labels_)] + [
        (device_of(name), fit.labels) for name, fit in fits.items()
    ]:
        print(
            f"{name:>16} vs KMeans(random_state=212): ARI "
            f"{adjusted_rand_score(sk.labels_, labels):.4f}, inertia ratio "
            f"{partition_inertia(y, labels) / reference_inertia:.5f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--dim", type=int, default=768)
    parser.add_argument("--k", type=int, default=600)
    parser.add_argument("--iters", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/faiss/torch threads")
    parser.add_argument(
        "--backends", default="faiss,torch,cuml", help="comma-separated; add sklearn (slow)"
    )
    parser.add_argument("--data", nargs="*", default=[], help=".npy files for section 4")
    parser.add_argument("--paper-n", type=int, default=4000)
    parser.add_argument("--paper-dim", type=int, default=384)
    parser.add_argument("--paper-k", type=int, default=60)
    parser.add_argument("--sklearn-reference", action="store_true")
    parser.add_argument("--sections", default="1,2,3,4", help="which sections to run")
    args = parser.parse_args()
    sections = set(args.sections.split(","))

    import faiss
    import torch
    from threadpoolctl import threadpool_limits

    faiss.omp_set_num_threads(args.threads)
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)
    backends = usable(args.backends.split(","))
    print(f"{args.threads} thread(s); auto = {resolve_backend('auto')}; times: wall / CPU seconds")
    for name in backends:  # warm-up: imports, CUDA context
        kmeans_fits(mixture(200, 8, 4), 4, [0], KMeansOptions(backend=name, max_iter=1))

    x = mixture(args.n, args.dim, args.k)
    if sections & {"1", "3"}:
        print(f"1. data: {args.n} x {args.dim} float32, K = {args.k}, {args.iters} iterations")
        restart = speed(x, args.k, args.iters, backends)
        if "3" in sections:
            print(f"3. paper's setting at this size: {PAPER['n_init']} x (start + 300 iterations)")
            for name, seconds in restart.items():
                print(f"{device_of(name):>10}: {PAPER['n_init'] * seconds / 60:.1f} min per fit")
    if "2" in sections and "torch" in backends:
        print(f"2. torch precision, same data and start, {args.iters} iterations")
        precision(x, args.k, args.iters)
    if "4" in sections:
        if args.data:
            y = np.concatenate([np.load(path).astype(np.float32) for path in args.data])
            what = f"{len(args.data)} file(s)"
        else:
            n, d, k = args.paper_n, args.paper_dim, args.paper_k
            y = mixture(n, d, 4 * k, seed=1, spread=0.3)  # overlapping: tol stops the runs
            what = f"a mixture of {4 * k} overlapping Gaussians"
        print(f"4. paper's setting run: {y.shape[0]} x {y.shape[1]} ({what}), K = {args.paper_k}")
        paper_run(y, args.paper_k, backends, args.sklearn_reference)


if __name__ == "__main__":
    main()
