"""Sweep summaries and the transfer analysis on fake multirun directories (files as Hydra,
Lightning's CSVLogger and the probe write them)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from xlprobe.analysis.langsim import uriel_distances
from xlprobe.analysis.sweep import parse_overrides, read_job, read_multirun
from xlprobe.analysis.transfer import analyse_transfer, spearman_bootstrap
from xlprobe.cli import main

REPORT_HEADER = (
    "epoch,step,model_state,side_s,lang_s,side_t,lang_t,layer,metric,value,numerator,denominator,"
    "sd,condition"
)


def write_job(
    root: Path,
    name: str,
    overrides: list[str],
    *,
    config: str = "train: true\ntest: true\n",
    metrics: dict[str, float] | None = None,
    probe: list[tuple] | None = None,
    log: str = "",
    entry: str = "train",
) -> Path:
    """One job directory: .hydra files, csv/metrics.csv (a train row, then a test row),
    probe_report.csv rows (epoch, lang_s, lang_t, layer, metric, value, sd[, condition]; plain
    by default) and a log."""
    job = root / name
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))
    (job / ".hydra" / "config.yaml").write_text(config)
    (job / ".hydra" / "hydra.yaml").write_text(f"hydra:\n  job:\n    name: {entry}\n")
    (job / "train.log").write_text(log)
    if metrics is not None:
        (job / "csv").mkdir()
        keys = ["epoch", "step", "train/loss", *metrics]
        with (job / "csv" / "metrics.csv").open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=keys)
            writer.writeheader()
            writer.writerow({"epoch": 0, "step": 10, "train/loss": 0.5})
            writer.writerow({"epoch": 0, "step": 10, **metrics})
    if probe is not None:
        lines = [REPORT_HEADER]
        for epoch, ls, lt, layer, metric, value, sd, *condition in probe:
            lines.append(
                f"{epoch},0,finetuned,encoder,{ls},encoder,{lt},{layer},{metric},{value},,,{sd},"
                + (condition[0] if condition else "plain")
            )
        (job / "probe_report.csv").write_text("\n".join(lines) + "\n")
    return job


def calign_value(theta: float, n_best: int, seed: int, layer: int) -> float:
    return 100 * theta + n_best + seed + layer


@pytest.fixture
def grid_multirun(tmp_path: Path) -> Path:
    """θ ∈ {0.7, 0.8} × n_best ∈ {5, 10} × seed ∈ {1, 2}, plus a failed job (traceback in its
    log), a half-written job (report cut mid-row) and a job without .hydra files."""
    root = tmp_path / "multirun"
    num = 0
    for theta in (0.7, 0.8):
        for n_best in (5, 10):
            for seed in (1, 2):
                rows = [
                    (
                        epoch,
                        "de",
                        "en",
                        layer,
                        "calign",
                        calign_value(theta, n_best, seed, layer),
                        0.5,
                    )
                    for epoch in (-1, 0)
                    for layer in (0, 1)
                ]
                write_job(
                    root,
                    str(num),
                    [
                        f"probe.calign.theta={theta}",
                        f"probe.calign.n_best={n_best}",
                        f"seed={seed}",
                    ],
                    metrics={"test/acc/en": 80.0 + seed, "test/acc/de": 60.0 + n_best},
                    probe=rows,
                )
                num += 1
    write_job(
        root,
        "8",
        ["probe.calign.theta=0.9", "probe.calign.n_best=5", "seed=1"],
        log="[2026-01-01 00:00:00,000][xlprobe.utils.runtime][ERROR] - Run failed\n"
        'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\n'
        "RuntimeError: CUDA out of memory\n",
    )
    half = write_job(
        root,
        "9",
        ["probe.calign.theta=0.9", "probe.calign.n_best=10", "seed=1"],
        metrics={"test/acc/en": 1.0},
        probe=[(0, "de", "en", 0, "calign", 1.0, 0.0)],
    )
    with (half / "probe_report.csv").open("a") as f:
        f.write("0,0,finetuned,encoder,de")
    (root / "10").mkdir()
    (root / "multirun.yaml").write_text("hydra: {}\n")
    (root / "summary").mkdir()  # an earlier summary's folder: not a job
    return root


def test_summarize_fake_multirun(grid_multirun: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "summary"
    assert main(["sweep", "summarize", str(grid_multirun), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "8 of 11 jobs summarised" in printed

    skipped = pd.read_csv(out / "skipped_jobs.csv", dtype=str).set_index("job")
    assert list(skipped.index) == ["8", "9", "10"]
    assert skipped.loc["8", "status"] == "failed"
    assert skipped.loc["8", "reason"] == "Run failed: RuntimeError: CUDA out of memory"
    assert skipped.loc["9", "status"] == "incomplete"
    assert "probe_report.csv" in skipped.loc["9", "reason"]
    assert skipped.loc["10", "reason"].startswith("no .hydra/overrides.yaml")

    long = pd.read_csv(out / "sweep_long.csv")
    assert list(long.columns[:4]) == ["job", "probe.calign.theta", "probe.calign.n_best", "seed"]
    # θ = 0.9 was swept, but only its failed and half-written jobs had it
    assert sorted(long["probe.calign.theta"].unique()) == [0.7, 0.8]
    assert sorted(long["job"].unique()) == list(range(8))
    # per job: 4 probe rows (2 epochs x 2 layers) and the last value of 3 task metrics
    assert len(long) == 8 * (4 + 3)
    task = long[(long["kind"] == "task") & (long["metric"] == "test/acc/de")]
    assert sorted(task["value"].unique()) == [65.0, 70.0]

    summary = pd.read_csv(out / "sweep_summary.csv")
    assert "seed" not in summary.columns
    row = summary[
        (summary["metric"] == "calign")
        & (summary["probe.calign.theta"] == 0.8)
        & (summary["probe.calign.n_best"] == 10)
        & (summary["epoch"] == 0)
        & (summary["layer"] == 1)
    ]
    assert len(row) == 1
    assert row["mean"].item() == pytest.approx(calign_value(0.8, 10, 1.5, 1))
    assert row["sd"].item() == pytest.approx(math.sqrt(0.5))  # seeds 1 and 2: sample sd
    assert row["n"].item() == 2
    assert row["sd_mean"].item() == pytest.approx(0.5)  # the report's own sd, carried through

    heatmap = (
        out
        / "heatmaps"
        / "calign__probe.calign.theta__x__probe.calign.n_best__encoder-encoder__de-en.png"
    )
    assert heatmap.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "curves" / "calign__vs__probe.calign.theta.png").is_file()
    assert (out / "curves" / "test_acc_de__vs__probe.calign.n_best.png").is_file()


def test_parse_overrides() -> None:
    items = ["a=1", "+b.c=x", "++d=[1,2]", "~e", "lang.train=[de]"]
    assert parse_overrides(items) == {
        "a": "1",
        "b.c": "x",
        "d": "[1,2]",
        "e": "~",
        "lang.train": "[de]",
    }
    with pytest.raises(ValueError, match="has no '='"):
        parse_overrides(["f"])


def test_bad_input_failure_is_the_jobs_one_line_error(tmp_path: Path) -> None:
    line = "probe.calign.theta: expected a number in [0, 1], got 2"
    job = write_job(
        tmp_path,
        "0",
        ["probe.calign.theta=2"],
        metrics={"test/acc/en": 50.0},
        log=f"[2026-01-01 00:00:00,000][xlprobe.utils.runtime][ERROR] - train.py: error: {line}\n",
    )
    record = read_job(job)
    assert (record.status, record.reason) == ("failed", f"train.py: error: {line}")


def test_probe_job_needs_no_test_metrics(tmp_path: Path) -> None:
    rows = [(0, "de", "en", 0, "calign", 50.0, "")]
    kwargs = {"probe": rows, "config": "train: true\ntest: true\n"}
    probe_job = write_job(tmp_path, "0", ["probe.calign.theta=0.7"], entry="probe", **kwargs)
    train_job = write_job(tmp_path, "1", ["probe.calign.theta=0.8"], entry="train", **kwargs)
    assert read_job(probe_job).status == "ok"
    # a training job that probed but never reached its test
    assert read_job(train_job).status == "incomplete"


def test_multirun_without_jobs_is_one_line_error(tmp_path: Path, capsys) -> None:
    assert main(["sweep", "summarize", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no job directories" in err[0]


LANGS = ("en", "de", "fr", "es")


@pytest.fixture
def transfer_multirun(tmp_path: Path) -> Path:
    """One job per source language; zero-shot F1 = 100 - 100 * syntax distance, in-language 95;
    CALIGN of (target, source) = 50 + (transfer - 50) / 2 (monotone in transfer)."""
    syntax = uriel_distances(LANGS)["syntax"]
    root = tmp_path / "transfer"
    for num, source in enumerate(LANGS):
        metrics, rows = {}, []
        for target in LANGS:
            if target == source:
                metrics[f"test/f1/{target}"] = 95.0
                continue
            f1 = 100 - 100 * syntax["-".join(sorted((source, target)))]
            metrics[f"test/f1/{target}"] = f1
            rows.append((0, target, source, 2, "calign", 50 + (f1 - 50) / 2, ""))
            rows.append((0, target, source, 1, "calign", 0.0, ""))  # not the last layer
            rows.append((0, target, source, 2, "calign", 0.0, "", "experts-de-k5"))  # not plain
        write_job(
            root,
            str(num),
            [f"lang={source}"],
            config=f"train: true\ntest: true\nlang:\n  train: [{source}]\n",
            metrics=metrics,
            probe=rows,
        )
    return root


def test_transfer_recovers_a_known_cause(transfer_multirun: Path) -> None:
    jobs = read_multirun(transfer_multirun)
    analysis = analyse_transfer(jobs, uriel_distances(LANGS), n_boot=200)
    assert analysis.metric == "f1"
    matrix = analysis.matrix.set_index(["source", "target"])
    assert matrix.loc[("de", "de"), "value"] == 95.0
    assert matrix.loc[("en", "de"), "delta"] == pytest.approx(
        matrix.loc[("en", "de"), "value"] - 95
    )
    corr = analysis.correlations.set_index(["predictor", "transfer"])
    assert corr.loc[("syntax", "raw"), "rho"] == pytest.approx(-1.0)
    assert corr.loc[("syntax", "raw"), "ci_high"] == pytest.approx(-1.0)
    assert corr.loc[("syntax", "raw"), "n_pairs"] == 12
    assert corr.loc[("calign", "raw"), "rho"] == pytest.approx(1.0)
    assert corr.loc[("calign", "raw"), "kind"] == "probe"
    assert (
        -1
        <= corr.loc[("geography", "raw"), "ci_low"]
        <= corr.loc[("geography", "raw"), "ci_high"]
        <= 1
    )


def test_transfer_exclude_leaves_a_language_out(transfer_multirun: Path) -> None:
    jobs = read_multirun(transfer_multirun)
    analysis = analyse_transfer(jobs, uriel_distances(LANGS), exclude=["es"], n_boot=50)
    assert "es" not in set(analysis.matrix.source) | set(analysis.matrix.target)
    corr = analysis.correlations.set_index(["predictor", "transfer"])
    assert corr.loc[("syntax", "raw"), "n_pairs"] == 6
    assert corr.loc[("syntax", "raw"), "rho"] == pytest.approx(-1.0)


def test_transfer_cli_writes_tables_and_heatmap(
    transfer_multirun: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    args = ["sweep", "transfer", str(transfer_multirun), "--out", str(out), "--synthetic", "50"]
    assert main([*args, "--n-boot", "100"]) == 0
    printed = capsys.readouterr().out
    assert "syntax" in printed and "char3" in printed
    assert (out / "transfer_matrix.png").read_bytes()[:4] == b"\x89PNG"
    predictors = pd.read_csv(out / "predictors.csv")
    assert {"syntax", "family", "word", "char3", "script", "calign"} <= set(predictors.columns)
    assert len(predictors) == 12


def test_spearman_bootstrap_undefined_for_constant_input() -> None:
    rho, low, high, valid = spearman_bootstrap([1, 1, 1, 1], [1, 2, 3, 4], n_boot=50)
    assert math.isnan(rho) and math.isnan(low) and math.isnan(high) and valid == 0


def test_wandb_group_of_the_sweep(grid_multirun: Path) -> None:
    from xlprobe.reporting.sweep import wandb_group

    jobs = read_multirun(grid_multirun)
    assert wandb_group(jobs) is None  # the jobs did not log to W&B
    config = jobs[0].path / ".hydra" / "config.yaml"
    config.write_text(config.read_text() + "logger:\n  wandb: {project: xlp, group: null}\n")
    assert wandb_group(read_multirun(grid_multirun)) == ("xlp", "train/multirun")


@pytest.mark.slow
def test_wandb_summary_offline(grid_multirun: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    out = tmp_path / "summary"
    assert main(["sweep", "summarize", str(grid_multirun), "--out", str(out), "--wandb"]) == 0
    runs = list((out / "wandb").glob("offline-run-*/run-*.wandb"))
    assert len(runs) == 1 and runs[0].stat().st_size > 0
