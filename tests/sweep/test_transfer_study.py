"""The transfer study as one multirun, as a user runs it: 5 synthetic languages × 3 tasks
(train.py -m over experiment=transfer_demo_* and lang=...; every job evaluates every language),
then `xlprobe sweep transfer` builds the paper-style central table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from xlprobe.cli import main

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "de", "fr", "es", "ar")
pytestmark = pytest.mark.slow


def test_five_languages_three_tasks_give_the_central_table(tmp_path, capsys):
    sweep_dir = tmp_path / "sweep"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "train.py"),
            "-m",
            "experiment=transfer_demo_pos,transfer_demo_deps,transfer_demo_topic",
            f"lang={','.join(LANGS)}",
            "hydra/launcher=joblib",
            "hydra.launcher.n_jobs=2",
            f"hydra.sweep.dir={sweep_dir}",
            f"paths.cache_dir={tmp_path / 'cache'}",
            "++model.tiny.n_sentences=200",
            "++model.tiny.vocab_size=1000",
            "callbacks=none",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / "transfer"
    assert main(["sweep", "transfer", str(sweep_dir), "--out", str(out), "--n-boot", "200"]) == 0
    printed = capsys.readouterr().out
    for task in ("pos", "deps", "topic"):
        assert f"first for {task}, multilingual, raw:" in printed

    matrix = pd.read_csv(out / "transfer_matrix.csv")
    # 3 tasks x 5 sources x 5 targets, each the metric the paper tabulates for the task
    assert len(matrix) == 75
    assert dict(matrix.groupby("task")["metric"].first()) == {
        "deps": "las",
        "pos": "acc",
        "topic": "acc",
    }
    assert matrix["value"].between(0, 100).all()

    central = pd.read_csv(out / "central_table.csv")
    similarities = {"syntax", "phonology", "inventory", "family", "geography"}
    similarities |= {"word", "char3", "script"}
    for (task, transfer), group in central.groupby(["task", "transfer"]):
        assert set(group["similarity"]) == similarities, (task, transfer)
        assert group["n_targets"].max() == 5
        assert (group["rank"].dropna() >= 1).all() and (group["rank"] == 1).any()
    per_target = pd.read_csv(out / "per_target.csv")
    assert (per_target["n_sources"] == 4).all()
    assert (out / "heatmaps" / "transfer__deps__multilingual.png").is_file()
