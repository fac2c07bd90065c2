"""Files of a sweep summary: tables, heatmaps over two swept options, error-band curves, W&B.

``xlprobe sweep summarize MULTIRUN_DIR`` writes into ``--out`` (default ``MULTIRUN_DIR/summary``):

* ``sweep_long.csv``: :func:`xlprobe.analysis.sweep.long_table`, one row per job and metric row;
* ``sweep_summary.csv``: :func:`xlprobe.analysis.sweep.summarize`, mean/sd/n over seeds;
* ``skipped_jobs.csv``: ``job, status, reason, overrides`` of every skipped job (header only when
  none was skipped);
* ``heatmaps/<metric>__<A>__x__<B>__<sides>__<pair>.png``: for every two swept ``probe.*``
  options A, B (e.g. ``probe.calign.theta`` × ``probe.calign.n_best``, the paper's Fig. 30), the
  probe metric at each job's last epoch and last layer, averaged over every other swept key;
* ``curves/<metric>__vs__<option>.png``: each metric against each swept non-seed option, mean ±
  sd over the seeds, one line per value of the other swept options (task metrics: ``test/``
  keys; probe metrics at the last epoch and layer, one line per language pair too), and
  ``curves/layers__<metric>.png`` (mean ± sd over seeds per layer) when only seeds are swept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlprobe.io import atomic_path
from xlprobe.reporting.curves import save_figure

log = logging.getLogger(__name__)

SUMMARY_DIR = "summary"


def _safe(text: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]+", "_", str(text))


def _new_axes(width: float = 6.4, height: float = 4.4):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def heatmap_figure(matrix, *, title: str, xlabel: str, ylabel: str, fmt: str = "{:.1f}"):
    """An annotated heatmap of a DataFrame (rows on y, columns on x); NaN cells left blank.

    Args:
        matrix: pandas DataFrame of numbers, shape [n_rows, n_cols].
        title, xlabel, ylabel: Texts.
        fmt: Format of the cell annotations.

    Returns:
        The matplotlib Figure.
    """
    import numpy as np

    values = matrix.to_numpy(dtype=float)
    fig, ax = _new_axes(1.6 + 0.9 * max(3, values.shape[1]), 1.4 + 0.6 * max(3, values.shape[0]))
    image = ax.imshow(np.ma.masked_invalid(values), cmap="viridis", aspect="auto")
    fig.colorbar(image, ax=ax)
    ax.set_xticks(range(values.shape[1]), [str(c) for c in matrix.columns])
    ax.set_yticks(range(values.shape[0]), [str(i) for i in matrix.index])
    finite = values[np.isfinite(values)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            colour = "black" if v > middle else "white"
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8, color=colour)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def band_figure(lines: dict[str, Any], *, title: str, xlabel: str, ylabel: str):
    """Mean lines with ± sd bands.

    Args:
        lines: label -> DataFrame with columns ``x``, ``mean``, ``sd`` (sd NaN = no band).

    Returns:
        The matplotlib Figure.
    """
    fig, ax = _new_axes()
    for label, frame in lines.items():
        frame = frame.sort_values("x")
        x = [str(v) for v in frame["x"]] if frame["x"].dtype == object else frame["x"]
        ax.plot(x, frame["mean"], marker="o", markersize=3, label=label)
        sd = frame["sd"].fillna(0.0)
        ax.fill_between(x, frame["mean"] - sd, frame["mean"] + sd, alpha=0.2)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    if ax.lines:
        ax.legend(fontsize="x-small")
    return fig


def final_probe_rows(table):
    """Probe rows at each job's last epoch and, per job and sides, the last layer."""
    probe = table[table["kind"] == "probe"]
    if probe.empty:
        return probe
    last_epoch = probe.groupby("job")["epoch"].transform("max")
    probe = probe[probe["epoch"] == last_epoch]
    last_layer = probe.groupby(["job", "side_s", "side_t"])["layer"].transform("max")
    return probe[probe["layer"] == last_layer]


def _pair_groups(rows):
    return rows.groupby(["metric", "side_s", "side_t", "lang_s", "lang_t"], dropna=False)


def write_heatmaps(table, out_dir: Path, options: Sequence[str]) -> list[Path]:
    """One heatmap per (two swept probe options, metric, sides, language pair)."""
    rows = final_probe_rows(table)
    probe_options = [o for o in options if str(o).startswith("probe.")]
    paths = []
    for i, a in enumerate(probe_options):
        for b in probe_options[i + 1 :]:
            for (metric, ss, st, ls, lt), group in _pair_groups(rows):
                matrix = group.pivot_table(index=a, columns=b, values="value", aggfunc="mean")
                fig = heatmap_figure(
                    matrix.sort_index().sort_index(axis=1),
                    title=f"{metric} {ss}/{ls} vs {st}/{lt}: last epoch, last layer",
                    xlabel=b,
                    ylabel=a,
                )
                name = f"{metric}__{_safe(a)}__x__{_safe(b)}__{ss}-{st}__{ls}-{lt}.png"
                paths.append(save_figure(fig, out_dir / "heatmaps" / name))
    return paths


def _mean_sd(frame, by: Sequence[str]):
    stats = frame.groupby(list(by), dropna=False)["value"].agg(["mean", "std"]).reset_index()
    return stats.rename(columns={"std": "sd"})


_PAIR = ["side_s", "side_t", "lang_s", "lang_t"]


def _band_lines(rows, x: str, split: Sequence[str], default: str) -> dict[str, Any]:
    """label -> mean/sd of ``value`` per ``x`` for each combination of the ``split`` columns."""
    if not split:
        return {default: _mean_sd(rows, [x]).rename(columns={x: "x"})}
    lines = {}
    for values, group in rows.groupby(list(split), dropna=False):
        d = dict(zip(split, values if isinstance(values, tuple) else (values,), strict=True))
        parts = (
            [f"{d['lang_s']}-{d['lang_t']} ({d['side_s']}/{d['side_t']})"] if _PAIR[0] in d else []
        )
        parts += [f"{k}={d[k]}" for k in split if k not in _PAIR]
        lines[", ".join(parts)] = _mean_sd(group, [x]).rename(columns={x: "x"})
    return lines


def write_curves(table, out_dir: Path, options: Sequence[str]) -> list[Path]:
    """Error-band curves (± sd over the seeds: one line per value of every other option).

    Each task ``test/`` metric and each probe metric (last epoch and layer, one line per
    language pair) against each swept non-seed option; per layer when only seeds are swept.
    """
    paths = []
    task = table[(table["kind"] == "task") & table["metric"].str.startswith("test/")]
    probe = final_probe_rows(table)
    for option in options:
        others = [o for o in options if o != option]
        for metric, group in task.groupby("metric"):
            fig = band_figure(
                _band_lines(group, option, others, metric),
                title=f"{metric}, mean ± sd over seeds",
                xlabel=option,
                ylabel=metric,
            )
            name = f"{_safe(metric)}__vs__{_safe(option)}.png"
            paths.append(save_figure(fig, out_dir / "curves" / name))
        for metric, group in probe.groupby("metric"):
            fig = band_figure(
                _band_lines(group, option, [*_PAIR, *others], metric),
                title=f"{metric}, last epoch and layer, mean ± sd over seeds",
                xlabel=option,
                ylabel=metric,
            )
            name = f"{metric}__vs__{_safe(option)}.png"
            paths.append(save_figure(fig, out_dir / "curves" / name))
    if not options:
        rows = table[table["kind"] == "probe"]
        rows = rows[rows["epoch"] == rows.groupby("job")["epoch"].transform("max")]
        for metric, group in rows.groupby("metric"):
            fig = band_figure(
                _band_lines(group, "layer", _PAIR, metric),
                title=f"{metric} per layer, last epoch, mean ± sd over seeds",
                xlabel="layer",
                ylabel=metric,
            )
            paths.append(save_figure(fig, out_dir / "curves" / f"layers__{metric}.png"))
    return paths


def write_csv(frame, path: Path) -> Path:
    """Write a DataFrame as CSV atomically (parents created)."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)
    return path


def skipped_frame(jobs):
    """``job, status, reason, overrides`` of the skipped jobs."""
    import pandas as pd

    rows = [
        {
            "job": j.name,
            "status": j.status,
            "reason": j.reason,
            "overrides": " ".join(f"{k}={v}" for k, v in j.overrides.items()),
        }
        for j in jobs
        if j.status != "ok"
    ]
    return pd.DataFrame(rows, columns=["job", "status", "reason", "overrides"])


def wandb_group(jobs) -> tuple[str, str] | None:
    """(project, group) of the sweep's W&B runs when its jobs logged to W&B, else None.

    The group is the job config's ``logger.wandb.group`` or, as the training jobs set it
    (:func:`xlprobe.utils.instantiate.wandb_settings`), ``<hydra job name>/<sweep dir name>``.
    """
    for job in jobs:
        node = (job.config.get("logger") or {}).get("wandb")
        if not isinstance(node, dict):
            continue
        group = node.get("group") or f"{job.entry or 'train'}/{job.path.parent.name}"
        return str(node.get("project") or "xlprobe"), str(group)
    return None


def log_wandb_summary(
    project: str, group: str, out_dir: Path, tables: dict[str, Any], images: Sequence[Path]
) -> None:
    """Log the summary tables and figures as one ``sweep-summary`` run in the sweep's group.

    Offline (files under ``out_dir/wandb``, upload with ``wandb sync``) unless W&B credentials
    or ``WANDB_MODE`` are set. A W&B failure is logged as a warning, never raised.
    """
    import os

    import wandb

    from xlprobe.utils.instantiate import wandb_has_credentials

    offline = not os.environ.get("WANDB_MODE") and not wandb_has_credentials()
    try:
        run = wandb.init(
            project=project,
            group=group,
            name=f"{group}/summary",
            job_type="sweep_summary",
            dir=str(out_dir),
            mode="offline" if offline else None,
            reinit="create_new",
        )
        with run:
            run.log(
                {
                    name: wandb.Table(dataframe=frame.astype(object).where(frame.notna(), None))
                    for name, frame in tables.items()
                }
            )
            run.log({f"plots/{p.parent.name}/{p.stem}": wandb.Image(str(p)) for p in images})
    except Exception as err:
        log.warning("W&B summary not logged (%s: %s)", type(err).__name__, err)


def write_sweep_summary(
    multirun_dir: str | Path, out_dir: str | Path | None = None, *, use_wandb: bool | None = None
) -> dict[str, Any]:
    """Read a multirun and write every summary file (module docstring) into ``out_dir``.

    Args:
        multirun_dir: The Hydra sweep directory.
        out_dir: Output folder; default ``multirun_dir/summary``.
        use_wandb: Log the summary to W&B; ``None`` = when the jobs logged to W&B.

    Returns:
        ``{"jobs": n, "usable": n, "skipped": DataFrame, "long": path, "summary": path,
        "heatmaps": [paths], "curves": [paths]}``.

    Raises:
        InputError: ``multirun_dir`` is not a multirun directory.
    """
    from xlprobe.analysis.sweep import SEED_KEYS, long_table, override_columns, read_multirun
    from xlprobe.analysis.sweep import summarize as summarize_table

    jobs = read_multirun(multirun_dir)
    out = Path(out_dir) if out_dir is not None else Path(multirun_dir) / SUMMARY_DIR
    skipped = skipped_frame(jobs)
    for row in skipped.itertuples():
        log.warning("skipped job %s (%s): %s", row.job, row.status, row.reason)
    table = long_table(jobs)
    summary = summarize_table(table)
    options = [o for o in override_columns(table) if o not in SEED_KEYS]
    result = {
        "jobs": len(jobs),
        "usable": len(jobs) - len(skipped),
        "skipped": skipped,
        "long": write_csv(table, out / "sweep_long.csv"),
        "summary": write_csv(summary, out / "sweep_summary.csv"),
        "skipped_csv": write_csv(skipped, out / "skipped_jobs.csv"),
        "heatmaps": write_heatmaps(table, out, options),
        "curves": write_curves(table, out, options),
    }
    target = wandb_group(jobs)
    if use_wandb or (use_wandb is None and target is not None):
        project, group = target or ("xlprobe", f"sweep/{Path(multirun_dir).name}")
        log_wandb_summary(
            project,
            group,
            out,
            {"sweep_summary": summary, "skipped_jobs": skipped},
            [*result["heatmaps"], *result["curves"]],
        )
    return result


def write_transfer(analysis, out_dir: str | Path) -> dict[str, Path]:
    """Write a :class:`~xlprobe.analysis.transfer.TransferAnalysis` into ``out_dir``.

    Files: ``transfer_matrix.csv`` (source, target, value, n_jobs, delta, ratio),
    ``predictors.csv`` (one column per predictor, per ordered pair), ``correlations.csv``,
    ``transfer_matrix.png`` (raw, source × target) and ``transfer_delta.png`` (ΔT).
    """
    out = Path(out_dir)
    paths = {
        "matrix": write_csv(analysis.matrix, out / "transfer_matrix.csv"),
        "predictors": write_csv(analysis.predictors, out / "predictors.csv"),
        "correlations": write_csv(analysis.correlations, out / "correlations.csv"),
    }
    for column, name, label in (
        ("value", "transfer_matrix.png", analysis.metric),
        ("delta", "transfer_delta.png", f"{analysis.metric} − in-language"),
    ):
        matrix = analysis.matrix.pivot(index="source", columns="target", values=column)
        fig = heatmap_figure(
            matrix, title=f"zero-shot transfer: {label}", xlabel="target", ylabel="source"
        )
        paths[column] = save_figure(fig, out / name)
    return paths


def correlation_text(correlations) -> str:
    """The correlation table as aligned text: predictor, transfer, ρ [95 % CI], pairs."""
    lines = [f"{'predictor':<11}{'kind':<9}{'transfer':<9}{'rho':>7}  95% CI            pairs"]
    for r in correlations.itertuples():
        lines.append(
            f"{r.predictor:<11}{r.kind:<9}{r.transfer:<9}{r.rho:>7.2f}  "
            f"[{r.ci_low:>5.2f}, {r.ci_high:>5.2f}]    {r.n_pairs:>5}"
        )
    return "\n".join(lines)
