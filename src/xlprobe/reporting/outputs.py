"""Everything a probe run writes into its run directory, in one call."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from xlprobe.probing.probe_dir import ProbeDir
from xlprobe.probing.report import PLAIN, ProbeReport


def write_outputs(
    report: ProbeReport,
    run_dir: str | Path,
    *,
    train_langs: Sequence[str],
    zero_shot_langs: Sequence[str],
    task_metrics: Iterable[Mapping[str, Any]] = (),
) -> None:
    """Write the report's CSV/JSON files, its PNGs and ``report.html`` into ``run_dir``.

    ``probe_report.csv``, ``probe_examples.csv``, ``probe_timings.json``,
    ``plots/layers_<metric>_<sides>.png`` (metric per layer), ``plots/epochs_<metric>_<sides>.png``
    (metric per epoch at the last layer) and, when task metrics are given,
    ``plots/zero_shot_correlation.png`` (zero-shot languages only, the paper's correlation);
    ``report.html`` (:mod:`xlprobe.reporting.html_report`) when the run has a probe directory
    (``run_dir/probe``). The tables hold every row; the pictures show the plain rows (no
    intervention).
    """
    from xlprobe.reporting.curves import (
        plot_epoch_curves,
        plot_layer_curves,
        plot_zero_shot_correlation,
    )
    from xlprobe.reporting.html_report import write_html_report
    from xlprobe.reporting.tables import write_report

    run_dir = Path(run_dir)
    write_report(report, run_dir)
    report = ProbeReport(rows=report.select(condition=PLAIN))
    for plot in (plot_layer_curves, plot_epoch_curves):
        plot(report, run_dir / "plots", train_langs=train_langs, zero_shot_langs=zero_shot_langs)
    task_metrics = list(task_metrics)
    sides = {r.side_s for r in report.select(metric="calign")}
    if task_metrics and sides:
        plot_zero_shot_correlation(
            report,
            task_metrics,
            run_dir / "plots" / "zero_shot_correlation.png",
            langs=zero_shot_langs,
            # the encoder's CALIGN, or a decoder-only model's (its one stack)
            side_s="encoder" if "encoder" in sides else "decoder",
        )
    if ProbeDir(run_dir / "probe").exists():
        write_html_report(run_dir)
