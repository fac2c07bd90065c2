"""A probe round spread over two ranks (``torchrun probe.py`` on CPU, gloo): each rank extracts
its share of the batches and fits its share of the K-means jobs, rank 0 scores and writes. The
result equals one process's row for row and store for store, and a rank that fails ends both
with its message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xlprobe.probing.report import ProbeReport
from xlprobe.probing.store import ActivationStore

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

ARGS = (
    "experiment=demo_ner",
    "logger=csv",
    "data.synthetic.n_train=40",
    "data.synthetic.n_val=8",
    "data.synthetic.n_test=8",
    "data.synthetic.n_probe=60",
    "++model.tiny.n_sentences=200",
    "torch_threads=1",
    "probe.n_seeds=2",
    "probe.keep_activations=true",
    "probe.extraction.batch_size=8",
    "probe.embeddings.enabled=false",
)


def _probe(run: Path, cache: Path, ranks: int, timeout: int = 300) -> subprocess.CompletedProcess:
    launcher = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={ranks}"]
    launcher += ["--master_port=29541"]
    command = [*(launcher if ranks > 1 else [sys.executable]), str(ROOT / "probe.py")]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [*command, *ARGS, f"paths.cache_dir={cache}", f"hydra.run.dir={run}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=run.parent,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("ddp")
    one, two = root / "one", root / "two"
    for run, ranks in ((one, 1), (two, 2)):
        result = _probe(run, root / "cache", ranks)
        assert result.returncode == 0, result.stderr[-3000:]
    return one, two


def test_two_ranks_give_the_one_process_round_row_for_row(runs):
    one, two = (ProbeReport.read_csv(run / "probe_report.csv") for run in runs)
    assert len(one.rows) > 100
    assert {r.key: r for r in one.rows} == {r.key: r for r in two.rows}


def test_the_store_two_ranks_write_is_the_one_process_store(runs):
    one, two = (run / "probe" / "activations" / "base" for run in runs)
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())  # no rank's partial store is left
    for name in names:
        a, b = ActivationStore.open(one / name), ActivationStore.open(two / name)
        assert a.meta["n_rows"] == b.meta["n_rows"] and a.layers == b.layers
        for layer in a.layers:
            assert np.array_equal(np.asarray(a.layer(layer)), np.asarray(b.layer(layer)))
        assert a.tokens.word.tolist() == b.tokens.word.tolist()


def test_a_rank_that_fails_ends_both_with_its_message(tmp_path, runs):
    run = tmp_path / "run"
    # rank 1's share of the first view cannot be written: a file stands where it goes
    blocked = run / "probe" / "activations" / "base" / ".encoder.ar.rank1"
    blocked.parent.mkdir(parents=True)
    blocked.write_text("in the way", encoding="utf-8")
    result = _probe(run, runs[0].parent / "cache", 2, timeout=240)
    assert result.returncode != 0
    assert "rank 1 failed" in result.stderr  # rank 0 ends with rank 1's message
    assert ".encoder.ar.rank1" in result.stderr
    assert not (run / "probe_report.csv").exists()
