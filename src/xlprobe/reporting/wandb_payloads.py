"""W&B objects built from a ProbeReport (wandb imported inside each function).

Nothing here logs: the probe callback passes the returned dicts to
``logger.experiment.log(...)``. Scalars come from :meth:`ProbeReport.scalars` (keys from
:func:`xlprobe.probing.report.scalar_key`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from xlprobe.probing.report import (
    BASE_EPOCH,
    CURVE_METRICS,
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
    """One ``wandb.plot.line_series`` per (metric, sides, language pair) of the CURVE_METRICS:
    metric (%) against layer, one line per epoch up to ``epoch`` (the base model as ``"base"``).

    Args:
        report: The probe results.
        epoch: Last epoch to include; ``None`` = all.

    Returns:
        ``{curve_key: CustomChart}``.
    """
    import wandb

    series: dict[str, dict[int, dict[int, float]]] = {}
    for r in sorted(report.rows, key=lambda r: r.step):
        if r.metric in CURVE_METRICS and (epoch is None or r.epoch <= epoch):
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
