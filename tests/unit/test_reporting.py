"""Reports from a ProbeReport: curves (figure contents and PNG files), tables, W&B payloads."""

from __future__ import annotations

import dataclasses
import json
import math
import re

import numpy as np
import pytest

from xlprobe.errors import InputError
from xlprobe.probing.report import ConceptExample, ProbeReport, ProbeRow
from xlprobe.reporting.curves import (
    correlation_figure,
    correlation_points,
    epoch_curves_figure,
    layer_curves_figure,
    pair_role,
    plot_epoch_curves,
    plot_layer_curves,
    plot_zero_shot_correlation,
)
from xlprobe.reporting.tables import read_report, summary_table, write_report

LAYERS = range(4)
LANG_PAIRS = ("de-en", "fr-en")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def value(epoch: int, layer: int, lang_pair: str, metric: str) -> tuple[int, int]:
    """A deterministic numerator/denominator (out of 20) distinct per argument."""
    bump = {"de-en": 2, "fr-en": 0, "de-fr": 4}[lang_pair] + {"calign": 0, "colap": 1}[metric]
    return min(20, 2 * layer + 3 * (epoch + 1) + bump), 20


def make_row(epoch, layer, lang_pair, metric="calign", side_t="encoder") -> ProbeRow:
    num, den = value(epoch, layer, lang_pair, metric)
    lang_s, lang_t = lang_pair.split("-")
    return ProbeRow(
        epoch=epoch,
        step=(epoch + 1) * 5,
        model_state="base" if epoch == -1 else "finetuned",
        side_s="encoder",
        lang_s=lang_s,
        side_t=side_t,
        lang_t=lang_t,
        layer=layer,
        metric=metric,
        value=100.0 * num / den,
        numerator=num,
        denominator=den,
    )


@pytest.fixture
def report() -> ProbeReport:
    rows = [
        make_row(epoch, layer, lp, metric, side_t)
        for epoch in (-1, 0, 1)
        for layer in LAYERS
        for lp in LANG_PAIRS
        for metric, side_t in (("calign", "encoder"), ("calign", "decoder"), ("colap", "encoder"))
    ]
    examples = [
        ConceptExample(1, "finetuned", "calign", "encoder", "de", "encoder", "en", 3, 4, 9,
                       ("Haus", "Hütte"), ("house", "hut"), 1.0),
        ConceptExample(1, "finetuned", "colap", "encoder", "de", "encoder", "en", 3, 2, 2,
                       ("Berlin",), ("Paris", "London"), 0.4),
    ]  # fmt: skip
    return ProbeReport(rows=rows, examples=examples, timings={"extract": 1.5, "cluster": 0.25})


MT_LANGS = {"train_langs": ["de-en"], "zero_shot_langs": ["fr-en"]}


@pytest.mark.parametrize(
    ("lang_s", "lang_t", "train", "zero_shot", "role"),
    [
        ("de", "en", ["de-en"], ["fr-en"], "train"),
        ("en", "de", ["de-en"], ["fr-en"], "train"),
        ("fr", "en", ["de-en"], ["fr-en"], "zero_shot"),
        ("es", "en", ["de-en"], ["fr-en"], "other"),
        ("de", "en", ["en"], ["de", "fr"], "zero_shot"),
        ("de", "en", ["en", "de"], ["fr"], "train"),
        ("de", "fr", ["de-en"], ["fr-en"], "other"),
    ],
)
def test_pair_role(lang_s, lang_t, train, zero_shot, role):
    assert pair_role(lang_s, lang_t, train_langs=train, zero_shot_langs=zero_shot) == role


def test_layer_curves_figure_draws_base_dotted_and_last_epoch_by_role(report):
    fig = layer_curves_figure(report, ("calign", "encoder", "encoder"), **MT_LANGS)
    (ax,) = fig.axes
    styles = {line.get_label(): line.get_linestyle() for line in ax.lines}
    assert styles == {
        "de-en base": ":",
        "fr-en base": ":",
        "de-en epoch 1 (train)": "-",
        "fr-en epoch 1 (zero-shot)": "--",
    }
    by_label = {line.get_label(): line for line in ax.lines}
    de_tuned = by_label["de-en epoch 1 (train)"]
    assert list(de_tuned.get_xdata()) == list(LAYERS)
    expected = [100 * value(1, layer, "de-en", "calign")[0] / 20 for layer in LAYERS]
    assert list(de_tuned.get_ydata()) == pytest.approx(expected)
    assert de_tuned.get_color() == by_label["de-en base"].get_color()
    assert de_tuned.get_color() != by_label["fr-en base"].get_color()
    assert ax.get_legend() is not None
    assert "CALIGN encoder" in ax.get_title() and "epoch 1" in ax.get_title()
    assert ax.get_xlabel().startswith("layer") and ax.get_ylabel() == "CALIGN (%)"


def test_layer_curves_figure_for_a_given_epoch_and_sides(report):
    fig = layer_curves_figure(report, ("calign", "encoder", "decoder"), epoch=0, **MT_LANGS)
    (ax,) = fig.axes
    tuned = [line for line in ax.lines if line.get_linestyle() != ":"]
    assert len(ax.lines) == 4 and len(tuned) == 2
    fr = next(line for line in tuned if line.get_label().startswith("fr-en"))
    assert list(fr.get_ydata()) == pytest.approx(
        [100 * value(0, layer, "fr-en", "calign")[0] / 20 for layer in LAYERS]
    )
    assert "encoder→decoder" in ax.get_title()
    with pytest.raises(ValueError, match="base model"):
        layer_curves_figure(report, ("calign", "encoder", "decoder"), epoch=-1, **MT_LANGS)


def test_layer_curves_base_only_report():
    base = ProbeReport(rows=[make_row(-1, layer, "de-en") for layer in LAYERS])
    (ax,) = layer_curves_figure(base, ("calign", "encoder", "encoder"), **MT_LANGS).axes
    assert [line.get_linestyle() for line in ax.lines] == [":"]


def test_plot_layer_and_epoch_curves_write_pngs(tmp_path, report):
    paths = plot_layer_curves(report, tmp_path / "curves", **MT_LANGS)
    assert [p.name for p in paths] == [
        "layers_calign_encoder-decoder.png",
        "layers_calign_encoder.png",
        "layers_colap_encoder.png",
    ]
    paths += plot_epoch_curves(report, tmp_path / "curves", **MT_LANGS)
    for path in paths:
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 5_000
    assert sorted(p.name for p in (tmp_path / "curves").iterdir()) == sorted(p.name for p in paths)


def test_epoch_curves_figure_follows_last_layer(report):
    (ax,) = epoch_curves_figure(report, ("colap", "encoder", "encoder"), **MT_LANGS).axes
    assert [line.get_linestyle() for line in ax.lines] == ["-", "--"]
    de = ax.lines[0]
    assert list(de.get_xdata()) == [-1, 0, 1]
    assert list(de.get_ydata()) == pytest.approx(
        [100 * value(e, 3, "de-en", "colap")[0] / 20 for e in (-1, 0, 1)]
    )
    assert "layer 3" in ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["base", "0", "1"]


TASK = [
    {"epoch": e, "lang": lang, "value": v, "metric_name": "val/f1"}
    for e, lang, v in [
        (-1, "de", 10.0), (0, "de", 40.0), (1, "de", 45.0),
        (-1, "fr", 5.0), (0, "fr", 30.0), (1, "fr", 33.0),
        (1, "es", 20.0),  # no probe value for es: skipped
    ]
]  # fmt: skip


def test_correlation_points_match_probe_values_and_numpy_r(report):
    points = correlation_points(report, TASK, layer=2)
    assert points.langs == ("de", "de", "de", "fr", "fr", "fr")
    assert points.epochs == (-1, 0, 1, -1, 0, 1)
    expected_x = [100 * value(e, 2, lp, "calign")[0] / 20 for lp in LANG_PAIRS for e in (-1, 0, 1)]
    assert list(points.x) == pytest.approx(expected_x)
    assert list(points.y) == [10.0, 40.0, 45.0, 5.0, 30.0, 33.0]
    assert points.pearson_r == pytest.approx(np.corrcoef(points.x, points.y)[0, 1], abs=1e-12)
    assert points.task_metric == "val/f1" and points.layer == 2


def test_correlation_defaults_to_last_layer_and_pair_languages(report):
    pair_records = [dict(r, lang=f"{r['lang']}-en") for r in TASK]
    points = correlation_points(report, pair_records, side_t="decoder")
    assert points.layer == 3 and points.pair == ("calign", "encoder", "decoder")
    assert len(points.x) == 6
    zero_shot = correlation_points(report, pair_records, langs=["fr-en"])
    assert zero_shot.langs == ("fr-en",) * 3


def test_correlation_figure_and_file(tmp_path, report):
    path = tmp_path / "corr.png"
    points = plot_zero_shot_correlation(report, TASK, path, layer=2)
    assert path.read_bytes().startswith(PNG_MAGIC)
    (ax,) = correlation_figure(points).axes
    assert len(ax.collections) == 2  # one scatter per language
    assert f"Pearson r = {points.pearson_r:.3f} (n = 6)" in ax.get_title()


def test_correlation_degenerate_and_bad_records(report):
    assert math.isnan(correlation_points(report, TASK[:1]).pearson_r)
    with pytest.raises(ValueError, match="mix several metric names"):
        correlation_points(report, [*TASK, dict(TASK[0], metric_name="val/acc")])
    with pytest.raises(ValueError, match="lacks"):
        correlation_points(report, [{"epoch": 0, "lang": "de"}])
    extra = report.merge(ProbeReport(rows=[make_row(0, 3, "de-fr")]))
    with pytest.raises(ValueError, match="as a pair"):
        correlation_points(extra, TASK)


def test_summary_table(report):
    text = summary_table(report).splitlines()
    assert text[0] == "probe results, epoch 1 (finetuned), values in %"
    assert text[1].split() == ["metric", "sides", "pair", "L00", "L01", "L02", "L03"]
    assert len(text) == 2 + 3 * 2
    de_line = next(line for line in text if line.startswith("calign") and "decoder" in line)
    assert de_line.split()[:4] == ["calign", "encoder-decoder", "de-en", "40.0"]
    assert "base" in summary_table(report, -1).splitlines()[0]
    partial = ProbeReport(rows=[make_row(0, 0, "de-en"), make_row(0, 2, "fr-en")])
    lines = summary_table(partial).splitlines()
    assert lines[2].split()[-2:] == ["25.0", "-"] and lines[3].split()[-2:] == ["-", "35.0"]
    assert summary_table(ProbeReport()) == "probe: no results"


def test_write_and_read_report(tmp_path, report):
    paths = write_report(report, tmp_path / "run")
    assert {p.name for p in paths.values()} == {
        "probe_report.csv",
        "probe_examples.csv",
        "probe_timings.json",
    }
    assert json.loads(paths["timings"].read_text()) == {"cluster": 0.25, "extract": 1.5}
    back = read_report(tmp_path / "run")
    assert back.to_records() == report.to_records()
    paths["timings"].write_text('{"extract": "fast"}')
    with pytest.raises(InputError, match="seconds"):
        read_report(tmp_path / "run")
    paths["timings"].write_text('{"extract": 1,\n oops}')
    with pytest.raises(InputError) as info:
        read_report(tmp_path / "run")
    assert info.value.line == 2


def test_wandb_payloads_build_and_log_offline(tmp_path, monkeypatch, report):
    wandb = pytest.importorskip("wandb")
    from xlprobe.reporting.wandb_payloads import examples_table, line_plots, report_table

    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    charts = line_plots(report, epoch=0)
    assert len(charts) == 3 * 2
    chart = charts["probe_curves/calign/encoder-decoder/de-en"]
    assert chart.table.columns == ["step", "lineKey", "lineVal"]
    assert {row[1] for row in chart.table.data} == {"base", "epoch 0"}
    assert len(chart.table.data) == 2 * len(LAYERS)
    assert len(line_plots(report)["probe_curves/colap/encoder/fr-en"].table.data) == 3 * 4
    examples = examples_table(report)
    assert examples.data[0][10:12] == ["Haus Hütte", "house hut"]
    rows = report_table(report)
    assert len(rows.data) == len(report.rows)
    run = wandb.init(dir=tmp_path, mode="offline", project="xlprobe-test")
    try:
        run.log({**charts, "probe/examples": examples, **report.scalars(0)})
    finally:
        run.finish()
    assert list(tmp_path.glob("wandb/offline-run-*/run-*.wandb"))


def test_dict_coverage_rows_are_tabled_and_logged_but_not_drawn(tmp_path, report):
    coverage = [
        dataclasses.replace(
            r,
            metric="dict_coverage",
            value=75.0,
            numerator=15,
            denominator=20,
            ci_low=75.0,
            ci_high=75.0,
        )
        for r in report.select(metric="calign")
    ]
    full = ProbeReport(rows=[*report.rows, *coverage], examples=report.examples)
    layer_pngs = plot_layer_curves(full, tmp_path / "plots", **MT_LANGS)
    epoch_pngs = plot_epoch_curves(full, tmp_path / "plots", **MT_LANGS)
    assert [p.name for p in layer_pngs + epoch_pngs] == [
        f"{kind}_{family}.png"
        for kind in ("layers", "epochs")
        for family in ("calign_encoder-decoder", "calign_encoder", "colap_encoder")
    ]
    assert "dict_coverage  encoder-decoder  de-en  75.0  75.0  75.0  75.0" in summary_table(full, 0)
    write_report(full, tmp_path / "run")
    assert read_report(tmp_path / "run").select(metric="dict_coverage") == coverage
    pytest.importorskip("wandb")
    from xlprobe.reporting.wandb_payloads import line_plots

    assert line_plots(full).keys() == line_plots(report).keys()
    assert not [key for key in line_plots(full) if "dict_coverage" in key]


def test_curves_draw_mean_with_sd_band_over_the_chance_band(report):
    seeded = [
        dataclasses.replace(r, sd=5.0, ci_low=r.value - 9, ci_high=r.value + 9, n_seeds=3)
        for r in report.select(metric="calign")
    ]
    chance = [
        dataclasses.replace(
            r, metric=name, value=v, numerator=0, sd=1.0, n_seeds=3, ci_low=v - 1, ci_high=v + 1
        )
        for r in report.select(metric="calign")
        for name, v in (("calign_chance_partition", 2.0), ("calign_chance_dictionary", 6.0))
    ]
    full = ProbeReport(rows=[*report.rows, *seeded, *chance])
    pair = ("calign", "encoder", "encoder")
    for ax, x in (
        (layer_curves_figure(full, pair, **MT_LANGS).axes[0], list(LAYERS)),
        (epoch_curves_figure(full, pair, **MT_LANGS).axes[0], [-1, 0, 1]),
    ):
        bands = {c.get_label(): c.get_paths()[0].vertices for c in ax.collections}
        # the chance band of a language pair spans min(value - sd) .. max(value + sd)
        de_chance = bands["de-en chance"]
        assert sorted(set(de_chance[:, 0])) == x
        assert de_chance[:, 1].min() == pytest.approx(1.0)
        assert de_chance[:, 1].max() == pytest.approx(7.0)
        # every model curve has a ± sd band of its own colour around its mean
        for line in ax.lines:
            band = bands[f"_{line.get_label()} ± sd"]
            assert band[:, 1].max() == pytest.approx(max(line.get_ydata()) + 5.0)
    assert [c for c in ax.collections if c.get_label() == "fr-en chance"]
    assert re.search(r"\ncalign +encoder +de-en +10\.0±5\.0 ", summary_table(full, -1))
    # one seed: no sd band, the curve as before
    (ax,) = layer_curves_figure(report, pair, **MT_LANGS).axes
    assert not ax.collections


def test_random_init_rounds_are_drawn_in_the_layer_curves_only(report):
    control = [
        dataclasses.replace(
            r, model_state="random_init", value=1.0, numerator=0, ci_low=1.0, ci_high=1.0
        )
        for r in report.select(metric="calign", epoch=-1)
    ]
    full = ProbeReport(rows=[*report.rows, *control])
    pair = ("calign", "encoder", "encoder")
    (ax,) = layer_curves_figure(full, pair, **MT_LANGS).axes
    lines = {line.get_label(): line for line in ax.lines}
    assert list(lines["de-en random init"].get_ydata()) == [1.0] * len(LAYERS)
    assert lines["de-en base"].get_ydata()[0] == 100 * value(-1, 0, "de-en", "calign")[0] / 20
    (ax,) = epoch_curves_figure(full, pair, **MT_LANGS).axes
    assert all(1.0 not in line.get_ydata() for line in ax.lines)
