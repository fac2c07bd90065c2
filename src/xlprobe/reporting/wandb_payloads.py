"""W&B objects built from a ProbeReport (wandb imported inside each function).

Nothing here logs: the probe callback passes the returned dicts to
``logger.experiment.log(...)``. Scalars come from :meth:`ProbeReport.scalars` (keys from
:func:`xlprobe.probing.report.scalar_key`).
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import Any

from xlprobe.probing.probes import curve_metrics
from xlprobe.probing.report import (
    BASE_EPOCH,
    EXAMPLE_COLUMNS,
    ROW_COLUMNS,
    ProbeReport,
    ProbeRow,
    scalar_key,
)


def curve_key(row: ProbeRow) -> str:
    """Chart key of the row's layer curve: its scalar key without the layer, under
    ``probe_curves/``, e.g. ``probe_curves/calign/encoder-decoder/de-en``."""
    return "probe_curves/" + scalar_key(row).removeprefix("probe/").rsplit("/", 1)[0]


def line_plots(report: ProbeReport, epoch: int | None = None) -> dict[str, Any]:
    """One ``wandb.plot.line_series`` per (metric, sides, language pair) of the curve metrics:
    metric (%) against layer, one line per epoch up to ``epoch`` (the base model as ``"base"``).

    Args:
        report: The probe results.
        epoch: Last epoch to include; ``None`` = all.

    Returns:
        ``{curve_key: CustomChart}``.
    """
    import wandb

    series: dict[str, dict[int, dict[int, float]]] = {}
    curves = curve_metrics()
    for r in sorted(report.rows, key=lambda r: r.step):
        if r.metric in curves and (epoch is None or r.epoch <= epoch):
            series.setdefault(curve_key(r), {}).setdefault(r.epoch, {})[r.layer] = r.value
    charts = {}
    for key, by_epoch in sorted(series.items()):
        epochs = sorted(by_epoch)
        charts[key] = wandb.plot.line_series(
            xs=[sorted(by_epoch[e]) for e in epochs],
            ys=[[by_epoch[e][layer] for layer in sorted(by_epoch[e])] for e in epochs],
            keys=["base" if e == BASE_EPOCH else f"epoch {e}" for e in epochs],
            title=key.removeprefix("probe_curves/") + " per layer (%)",
            xname="layer",
        )
    return charts


def report_table(report: ProbeReport):
    """The long metric table as a ``wandb.Table`` with columns ROW_COLUMNS."""
    import wandb

    return wandb.Table(
        columns=list(ROW_COLUMNS), data=[list(dataclasses.astuple(r)) for r in report.rows]
    )


def examples_table(report: ProbeReport):
    """Example concepts as a ``wandb.Table`` with columns EXAMPLE_COLUMNS (words
    space-separated)."""
    import wandb

    return wandb.Table(columns=list(EXAMPLE_COLUMNS), data=[e.cells() for e in report.examples])


def report_payload(run_dir: str | Path) -> dict[str, Any]:
    """The run's ``report.html`` as a W&B HTML panel (``probe/report``) and its concept kinds
    per layer (``concept_labels.csv``, the paper's Fig. 9) as a table (``probe/concept_labels``);
    files the run does not have are left out."""
    import wandb

    from xlprobe.reporting.html_report import LABELS_CSV, REPORT_HTML

    run_dir = Path(run_dir)
    payload: dict[str, Any] = {}
    if (run_dir / REPORT_HTML).is_file():
        payload["probe/report"] = wandb.Html(str(run_dir / REPORT_HTML), inject=False)
    if (run_dir / LABELS_CSV).is_file():
        with open(run_dir / LABELS_CSV, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        payload["probe/concept_labels"] = wandb.Table(columns=rows[0], data=rows[1:])
    return payload
