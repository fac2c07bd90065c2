"""Sweep summaries and the transfer analysis on fake multirun directories (files as Hydra,
Lightning's CSVLogger and the probe write them)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xlprobe.analysis.langsim import uriel_distances
from xlprobe.analysis.sweep import parse_overrides, read_job, read_multirun
from xlprobe.analysis.transfer import (
    analyse_transfer,
    canonical,
    pooled_spearman,
    resample_counts,
    similarity_source,
    spearman_columns,
    transfer_matrices,
    weighted_spearman,
)
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


LANGS = ("en", "de", "fr", "es", "ar")


def write_transfer_jobs(root: Path, *, random_init: bool, score, probe: bool = False) -> None:
    """One task=ner job per source language of LANGS; test F1 per target = score(s, t),
    in-language 95; with ``probe``, CALIGN of (target, source) = score / 2 at the last layer
    (plus rows the analysis must skip: an earlier layer, an intervention condition)."""
    start = len(list(root.glob("*"))) if root.is_dir() else 0
    for num, source in enumerate(LANGS, start=start):
        metrics, rows = {}, []
        for target in LANGS:
            value = 95.0 if target == source else score(source, target)
            metrics[f"test/f1/{target}"] = value
            if probe and target != source:
                rows.append((0, target, source, 2, "calign", value / 2, ""))
                rows.append((0, target, source, 1, "calign", 0.0, ""))
                rows.append((0, target, source, 2, "calign", 0.0, "", "experts-de-k5"))
        config = (
            "train: true\ntest: true\ntask: {name: ner}\n"
            f"model: {{random_init: {str(random_init).lower()}}}\nlang:\n  train: [{source}]\n"
        )
        write_job(root, str(num), [f"lang={source}"], config=config, metrics=metrics, probe=rows)


@pytest.fixture
def transfer_multirun(tmp_path: Path) -> Path:
    """Multilingual jobs whose zero-shot F1 falls with the URIEL syntax distance (100 - 100 d)
    and CALIGN that rises with it; monolingual jobs whose F1 is the same for every target but
    the source's own family (high within Indo-European)."""
    syntax = uriel_distances(LANGS)["syntax"]
    root = tmp_path / "transfer"
    write_transfer_jobs(
        root,
        random_init=False,
        score=lambda s, t: 100 - 100 * syntax["-".join(sorted((s, t)))],
        probe=True,
    )
    write_transfer_jobs(root, random_init=True, score=lambda s, t: 10.0 if "ar" in (s, t) else 60.0)
    return root


def analyse(root: Path, **options):
    jobs = [j for j in read_multirun(root) if j.status == "ok"]
    exclude = options.pop("exclude", ())
    matrices = transfer_matrices(jobs, exclude=exclude)
    return analyse_transfer(matrices, similarity_source(jobs), **options)


def test_transfer_recovers_a_known_cause(transfer_multirun: Path) -> None:
    analysis = analyse(transfer_multirun, n_boot=200)
    names = [m.name for m in analysis.matrices]
    assert names == ["ner/monolingual", "ner/multilingual"]
    multi = analysis.matrices[1]
    de, en = canonical("de"), canonical("en")
    assert (de, en) == ("deu_Latn", "eng_Latn")
    assert multi.metric == "f1" and multi.sources == multi.targets
    i, j = multi.sources.index(en), multi.targets.index(de)
    assert multi.values[i, multi.targets.index(en)] == 95.0
    assert multi.transfer("delta")[i, j] == pytest.approx(multi.values[i, j] - 95)
    assert multi.transfer("ratio")[i, j] == pytest.approx(multi.values[i, j] / 95)
    central = analysis.central.set_index(["representation", "transfer", "similarity"])
    syntax = central.loc[("multilingual", "raw", "syntax")]
    # every target ranks its four sources by syntax exactly as by transfer
    assert syntax["mean_rho"] == pytest.approx(1.0) and syntax["n_targets"] == 5
    assert syntax["median_rho"] == pytest.approx(1.0) and syntax["share_positive"] == 1.0
    assert syntax["pooled_rho"] == pytest.approx(1.0) and syntax["n_pairs"] == 20
    assert syntax["rank"] == 1
    assert central.loc[("multilingual", "raw", "calign"), "mean_rho"] == pytest.approx(1.0)
    assert central.loc[("multilingual", "raw", "calign"), "kind"] == "probe"
    per_target = analysis.per_target.set_index(["representation", "transfer", "similarity"])
    rows = per_target.loc[("multilingual", "raw", "syntax")]
    assert (rows["n_sources"] == 4).all() and (rows["ci_high"] <= 1 + 1e-9).all()
    geography = central.loc[("multilingual", "raw", "geography")]
    assert -1 <= geography["ci_low"] <= geography["mean_rho"] <= geography["ci_high"] <= 1
    # monolingual: same script is all that matters, so script ranks first there
    first = analysis.first()
    raw = first[first.transfer == "raw"].groupby("representation")["similarity"].agg(set)
    assert raw["monolingual"] == {"script"}
    assert raw["multilingual"] == {"syntax", "calign"}  # tied at ρ = 1


def test_transfer_exclude_leaves_a_language_out(transfer_multirun: Path) -> None:
    analysis = analyse(transfer_multirun, exclude=["spa_Latn"], n_boot=50, transfers=["raw"])
    assert all(canonical("es") not in m.sources + m.targets for m in analysis.matrices)
    central = analysis.central.set_index(["representation", "similarity"])
    assert central.loc[("multilingual", "syntax"), "n_pairs"] == 12
    assert central.loc[("multilingual", "syntax"), "mean_rho"] == pytest.approx(1.0)
    assert set(analysis.central["transfer"]) == {"raw"}


def test_transfer_cli_writes_tables_and_heatmaps(
    transfer_multirun: Path, tmp_path: Path, capsys
) -> None:
    text = tmp_path / "texts"
    text.mkdir()
    for lang, line in zip(
        LANGS, ("the cat", "die Katze", "le chat", "el gato", "القط"), strict=True
    ):
        (text / f"train.{lang}.txt").write_text(f"{line}\n")
        (text / f"test.{lang}.txt").write_text(f"{line} sleeps\n")
    out = tmp_path / "out"
    args = ["sweep", "transfer", str(transfer_multirun), "--out", str(out), "--n-boot", "100"]
    assert main([*args, "--text-dir", str(text)]) == 0
    printed = capsys.readouterr().out
    assert "first for ner, multilingual, raw:" in printed and "char3" in printed
    for name in ("transfer__ner__multilingual.png", "family__ner__monolingual.png"):
        assert (out / "heatmaps" / name).read_bytes()[:4] == b"\x89PNG"
    assert (out / "rho_distribution__delta.png").is_file()
    similarities = pd.read_csv(out / "similarities.csv")
    expected = {"syntax", "family", "geography", "word", "char3", "script", "calign"}
    assert expected <= set(similarities.columns)
    assert len(similarities) == 2 * 25
    pair = similarities[(similarities.source == "eng_Latn") & (similarities.target == "deu_Latn")]
    # the English training text shares no word with the German test text; "sleeps" is German's
    assert pair["word"].iloc[0] == pytest.approx(0.0)
    own = similarities[(similarities.source == "eng_Latn") & (similarities.target == "eng_Latn")]
    assert own["word"].iloc[0] == pytest.approx(2 / 3)  # {the, cat} vs {the, cat, sleeps}
    central = pd.read_csv(out / "central_table.csv")
    measures = central.groupby(["representation", "transfer"])["similarity"].agg(set)
    uriel = {"syntax", "phonology", "inventory", "family", "geography"}
    assert measures["monolingual", "delta"] == uriel | {"word", "char3", "script"}
    assert measures["multilingual", "raw"] == measures["monolingual", "raw"] | {"calign"}


def test_spearman_per_column_is_scipys_with_exact_bootstrap_ranks() -> None:
    from scipy.stats import spearmanr

    rng = np.random.default_rng(3)
    x = rng.integers(0, 4, (9, 6)).astype(float)  # ties
    y = rng.normal(size=(9, 6))
    x[2, 1], y[4, 3] = np.nan, np.nan
    corr = spearman_columns({"x": x}, {"y": y}, n_boot=0)["y", "x"]
    for j in range(6):
        ok = np.isfinite(x[:, j]) & np.isfinite(y[:, j])
        assert corr.rho[j] == pytest.approx(spearmanr(x[ok, j], y[ok, j]).statistic)
        assert corr.n[j] == ok.sum()
    # a resample's ρ is scipy's on the resample written out (copies tie with each other)
    first = np.argsort(~(np.isfinite(x) & np.isfinite(y)), axis=0, kind="stable")
    x, y = np.take_along_axis(x, first, axis=0), np.take_along_axis(y, first, axis=0)
    valid = np.isfinite(x) & np.isfinite(y)  # now the first n rows of each column
    counts = resample_counts(valid.sum(axis=0), 9, 40, rng)
    assert (counts.sum(axis=0) == valid.sum(axis=0)[:, None]).all() and not counts[~valid].any()
    boot = weighted_spearman(np.where(valid, x, np.nan), np.where(valid, y, np.nan), counts)
    for b in range(40):
        for j in range(6):
            k = counts[:, j, b].astype(int)
            xs, ys = np.repeat(x[:, j], k), np.repeat(y[:, j], k)
            if np.ptp(xs) == 0 or np.ptp(ys) == 0:
                assert math.isnan(boot[b, j])
            else:
                assert boot[b, j] == pytest.approx(spearmanr(xs, ys).statistic, abs=1e-5)


def test_pooled_spearman_is_scipys_over_every_pair() -> None:
    from scipy.stats import spearmanr

    rng = np.random.default_rng(4)
    x = rng.integers(0, 5, (12, 9)).astype(float)
    y = rng.normal(size=(12, 9))
    y[3, 4] = np.nan
    rho, low, high, n_pairs = pooled_spearman(x, y, n_boot=300)
    ok = np.isfinite(y)
    assert rho == pytest.approx(spearmanr(x[ok], y[ok]).statistic)
    assert n_pairs == ok.sum() and -1 <= low <= rho <= high <= 1


def test_spearman_undefined_for_constant_input() -> None:
    x = np.array([[1.0], [1.0], [1.0], [1.0]])
    y = {"y": np.array([[1.0], [2.0], [3.0], [4.0]])}
    corr = spearman_columns({"x": x}, y, n_boot=50)["y", "x"]
    assert math.isnan(corr.rho[0]) and math.isnan(corr.ci_low[0]) and corr.n_boot[0] == 0


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


def test_sweep_texts_reads_what_the_jobs_trained_and_tested_on(tmp_path: Path) -> None:
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from omegaconf import OmegaConf

    from xlprobe.data.base import ensure_synthetic

    sizes = {"n_train": 20, "n_val": 4, "n_test": 6, "n_probe": 2, "seed": 1}
    world = ensure_synthetic(tmp_path / "world", sizes)
    root = tmp_path / "multirun"
    conf = Path(__file__).resolve().parents[2] / "conf"
    for num, (task, source) in enumerate((("topic", "en"), ("topic", "ar"), ("pos", "de"))):
        GlobalHydra.instance().clear()
        with initialize_config_dir(version_base="1.3", config_dir=str(conf)):
            cfg = compose(
                "train",
                [f"experiment=transfer_demo_{task}", f"lang={source}", "data.source=local"],
            )
        cfg.data.local_dir = str(world)
        metrics = {f"test/acc/{t}": 50.0 for t in ("en", "de", "ar")}
        write_job(root, str(num), [], config=OmegaConf.to_yaml(cfg), metrics=metrics)
    out = tmp_path / "texts"
    assert main(["sweep", "texts", str(root), "--out", str(out)]) == 0
    lines = (out / "topic" / "train.ar.txt").read_text().splitlines()
    assert lines == (world / "train.ar.txt").read_text().splitlines()
    assert sorted(p.name for p in (out / "topic").iterdir()) == [
        "test.ar.txt",
        "test.de.txt",
        "test.en.txt",
        "train.ar.txt",
        "train.en.txt",
    ]
    test = (out / "topic" / "test.de.txt").read_text().splitlines()
    assert test == (world / "test.de.txt").read_text().splitlines()[:6]
    # UD data: the syntactic words of each sentence (a contraction is its two words)
    words = (out / "pos" / "train.de.txt").read_text().splitlines()
    assert len(words) == 20 and all(line.split() for line in words)
