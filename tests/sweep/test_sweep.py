"""Hydra multirun through `train.py -m`, as a user runs it: parallel jobs, and a failing job that
does not stop the sweep."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

SHRINK = (
    "experiment=demo_sst2",
    "logger=csv",
    "probe=off",
    "data.synthetic.n_train=32",
    "data.synthetic.n_val=8",
    "data.synthetic.n_test=8",
    "data.synthetic.n_probe=8",
    "++trainer.fast_dev_run=true",
)


def sweep(tmp_path: Path, *overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "train.py"),
            "-m",
            *SHRINK,
            f"paths.cache_dir={tmp_path / 'cache'}",
            f"hydra.sweep.dir={tmp_path / 'sweep'}",
            *overrides,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )


def job_log(tmp_path: Path, job: int) -> str:
    return (tmp_path / "sweep" / str(job) / "demo_sst2.log").read_text()


def test_joblib_sweep_runs_each_value(tmp_path):
    result = sweep(tmp_path, "hydra/launcher=joblib", "hydra.launcher.n_jobs=2", "seed=1,2")
    assert result.returncode == 0, result.stderr[-3000:]
    for job, seed in ((0, 1), (1, 2)):
        log = job_log(tmp_path, job)
        # the job seeded the generators with its own value (Lightning's seed_everything logs it)
        assert f"Seed set to {seed}" in log
        assert "Outputs in" in log


def test_failed_job_does_not_stop_the_sweep(tmp_path):
    # job 0 cannot build its data loader (batch size 0); job 1 still runs
    result = sweep(tmp_path, "data.batch_size=0,4")
    assert result.returncode != 0
    assert "Run failed" in job_log(tmp_path, 0)
    assert "Outputs in" in job_log(tmp_path, 1)
