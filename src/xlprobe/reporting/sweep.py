"""Files of a sweep summary: tables, heatmaps over two swept options, error-band curves, W&B.

Why one long module: each output file's writer is short, and they all read the same summary tables.

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
    labels = [str(c) for c in matrix.columns]
    long = max(map(len, labels), default=0) > 6
    ax.set_xticks(
        range(values.shape[1]), labels, rotation=40 if long else 0, ha="right" if long else "center"
    )
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


# transfer heatmaps: per-language ticks up to this many languages, family ticks beyond
MAX_LANGUAGE_TICKS = 60
# families with fewer members than this share of the languages (and fewer than 3) are one block
SMALL_FAMILY_SHARE = 0.01
OTHER_FAMILIES = "other families"


def language_family(code: str) -> str:
    """The registry's top-level family of a language code (``unknown`` when it has none)."""
    from xlprobe.data.languages import lookup
    from xlprobe.errors import InputError

    try:
        return lookup(code).family or "unknown"
    except InputError:
        return "unknown"


def family_order(codes: Sequence[str]) -> tuple[list[str], list[str]]:
    """Languages ordered by family for a heatmap: large families first (by size, then name),
    languages by code within a family; families smaller than 3 members and
    ``SMALL_FAMILY_SHARE`` of the languages are merged into one block at the end.

    Returns:
        ``(codes in order, the family block of each)``.
    """
    from collections import Counter

    families = {c: language_family(c) for c in codes}
    size = Counter(families.values())
    small = max(3, SMALL_FAMILY_SHARE * len(codes))
    block = {c: f if size[f] >= small else OTHER_FAMILIES for c, f in families.items()}
    block_size = Counter(block.values())

    def key(code: str) -> tuple:
        b = block[code]
        return (b == OTHER_FAMILIES, -block_size[b], b, families[code], code)

    ordered = sorted(codes, key=key)
    return ordered, [block[c] for c in ordered]


def _family_ticks(ax, blocks: Sequence[str], axis: str) -> None:
    """Block names at the middle of each family block and lines between blocks."""
    starts = [i for i, b in enumerate(blocks) if i == 0 or b != blocks[i - 1]]
    ends = [*starts[1:], len(blocks)]
    centers = [(a + b - 1) / 2 for a, b in zip(starts, ends, strict=True)]
    labels = [f"{blocks[a]} ({b - a})" for a, b in zip(starts, ends, strict=True)]
    if axis == "x":
        ax.set_xticks(centers, labels, rotation=90, fontsize=6)
        for a in starts[1:]:
            ax.axvline(a - 0.5, color="white", linewidth=0.6)
    else:
        ax.set_yticks(centers, labels, fontsize=6)
        for a in starts[1:]:
            ax.axhline(a - 0.5, color="white", linewidth=0.6)


def family_heatmap_figure(values, sources: Sequence[str], targets: Sequence[str], *, title: str):
    """Heatmap of a [S, T] transfer matrix with sources and targets ordered by family
    (:func:`family_order`): language codes as ticks up to ``MAX_LANGUAGE_TICKS`` languages,
    family blocks (with their sizes) beyond; NaN cells blank.

    Returns:
        The matplotlib Figure.
    """
    import numpy as np

    rows, row_blocks = family_order(sources)
    cols, col_blocks = family_order(targets)
    r = [list(sources).index(c) for c in rows]
    c = [list(targets).index(x) for x in cols]
    matrix = np.asarray(values, dtype=float)[np.ix_(r, c)]
    width = min(18.0, 3.0 + 0.06 * len(cols) + (0.3 * len(cols) if len(cols) <= 12 else 0))
    height = min(17.0, 2.5 + 0.06 * len(rows) + (0.3 * len(rows) if len(rows) <= 12 else 0))
    fig, ax = _new_axes(max(width, 5.0), max(height, 4.0))
    image = ax.imshow(np.ma.masked_invalid(matrix), cmap="viridis", aspect="auto")
    fig.colorbar(image, ax=ax, shrink=0.6)
    for axis, codes, blocks in (("x", cols, col_blocks), ("y", rows, row_blocks)):
        if len(codes) <= MAX_LANGUAGE_TICKS:
            ticks = (range(len(codes)), codes)
            if axis == "x":
                ax.set_xticks(*ticks, rotation=90, fontsize=7)
            else:
                ax.set_yticks(*ticks, fontsize=7)
        else:
            _family_ticks(ax, blocks, axis)
    if matrix.size <= 144:
        for (i, j), v in np.ndenumerate(matrix):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=7, color="white")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("target (by family)")
    ax.set_ylabel("source (by family)")
    return fig


def family_mean_matrix(values, sources: Sequence[str], targets: Sequence[str]):
    """Mean transfer per (source family, target family), off-diagonal language pairs only:
    a DataFrame with the families in :func:`family_order`'s order (small ones merged)."""
    import numpy as np
    import pandas as pd

    rows, row_blocks = family_order(sources)
    cols, col_blocks = family_order(targets)
    src_block, tgt_block = (
        dict(zip(rows, row_blocks, strict=True)),
        dict(zip(cols, col_blocks, strict=True)),
    )
    s, t = np.indices(np.shape(values)).reshape(2, -1)
    frame = pd.DataFrame(
        {
            "source": [src_block[sources[i]] for i in s],
            "target": [tgt_block[targets[j]] for j in t],
            "value": np.asarray(values, dtype=float)[s, t],
            "off": np.array(sources, dtype=object)[s] != np.array(targets, dtype=object)[t],
        }
    )
    frame = frame[frame["off"]]
    table = frame.pivot_table(index="source", columns="target", values="value", aggfunc="mean")
    order = list(dict.fromkeys(row_blocks)), list(dict.fromkeys(col_blocks))
    return table.reindex(index=order[0], columns=order[1])


def rho_distribution_figure(per_target, *, transfer: str):
    """Box plots of the per-target Spearman ρ of each similarity, one panel per task ×
    representation (the central table's distributions)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = per_target[(per_target["transfer"] == transfer) & per_target["rho"].notna()]
    groups = list(rows.groupby(["task", "representation"], sort=True))
    fig = Figure(figsize=(4.0 * max(1, len(groups)), 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, max(1, len(groups)), squeeze=False)[0]
    for ax, ((task, representation), group) in zip(axes, groups, strict=False):
        names = list(dict.fromkeys(group["similarity"]))
        ax.boxplot([group.loc[group["similarity"] == n, "rho"] for n in names], vert=False)
        ax.set_yticks(range(1, len(names) + 1), names, fontsize=7)
        ax.invert_yaxis()
        ax.axvline(0, color="grey", linewidth=0.6)
        ax.set_xlim(-1.05, 1.05)
        ax.set_title(f"{task}, {representation}", fontsize=9)
        ax.set_xlabel("Spearman ρ per target")
    fig.suptitle(f"similarity vs transfer ({transfer}), per target over sources", fontsize=9)
    return fig


def write_transfer(analysis, out_dir: str | Path) -> dict[str, Path]:
    """Write a :class:`~xlprobe.analysis.transfer.TransferAnalysis` into ``out_dir``.

    Files: ``transfer_matrix.csv`` (task, representation, metric, source, target, value,
    n_jobs, delta, ratio), ``similarities.csv`` (one column per similarity, per ordered pair),
    ``per_target.csv`` (Spearman per target), ``central_table.csv`` (mean and distribution per
    task × representation × transfer × similarity, ``rank``); per task × representation
    ``heatmaps/transfer__<task>__<representation>.png`` (languages ordered by family) and
    ``heatmaps/family__<task>__<representation>.png`` (mean per family pair); and
    ``rho_distribution__<transfer>.png``.
    """
    out = Path(out_dir)
    paths = {
        "matrix": write_csv(analysis.transfer, out / "transfer_matrix.csv"),
        "similarities": write_csv(analysis.similarities, out / "similarities.csv"),
        "per_target": write_csv(analysis.per_target, out / "per_target.csv"),
        "central": write_csv(analysis.central, out / "central_table.csv"),
    }
    for matrix in analysis.matrices:
        name = f"{_safe(matrix.task)}__{matrix.representation}"
        title = f"zero-shot {matrix.metric}: {matrix.task}, {matrix.representation}"
        fig = family_heatmap_figure(matrix.values, matrix.sources, matrix.targets, title=title)
        heatmaps = out / "heatmaps"
        paths[f"heatmap/{matrix.name}"] = save_figure(fig, heatmaps / f"transfer__{name}.png")
        families = family_mean_matrix(matrix.values, matrix.sources, matrix.targets)
        fig = heatmap_figure(
            families,
            title=f"{title}, mean per family pair (s ≠ t)",
            xlabel="target family",
            ylabel="source family",
        )
        paths[f"family/{matrix.name}"] = save_figure(fig, heatmaps / f"family__{name}.png")
    for transfer in dict.fromkeys(analysis.per_target["transfer"]):
        fig = rho_distribution_figure(analysis.per_target, transfer=transfer)
        paths[f"rho/{transfer}"] = save_figure(fig, out / f"rho_distribution__{transfer}.png")
    return paths


def central_text(central) -> str:
    """The central table as aligned text: mean ρ over targets [95 % CI], median, share ρ > 0,
    pooled ρ, per task × representation × transfer, similarities by rank."""
    import pandas as pd

    lines = []
    for (task, representation, transfer), group in central.groupby(
        ["task", "representation", "transfer"], sort=True
    ):
        lines.append(f"{task}, {representation}, {transfer} (rank by mean ρ over targets):")
        lines.append(
            f"  {'#':>2} {'similarity':<11}{'mean ρ':>7}  95% CI            median  ρ>0   "
            f"pooled  targets"
        )
        for r in group.sort_values(["rank", "similarity"]).itertuples():
            rank = "-" if pd.isna(r.rank) else str(r.rank)
            lines.append(
                f"  {rank:>2} {r.similarity:<11}{r.mean_rho:>7.2f}  "
                f"[{r.ci_low:>5.2f}, {r.ci_high:>5.2f}]  {r.median_rho:>6.2f}  "
                f"{r.share_positive:>4.0%}  {r.pooled_rho:>6.2f}  {r.n_targets:>7}"
            )
    return "\n".join(lines)


def job_data_node(job, root: str | Path | None = None) -> dict:
    """A job's ``data`` node resolved from its ``.hydra/config.yaml`` (``paths.root_dir`` set
    to ``root`` when given: the checkout the job ran in, for paths below it)."""
    from omegaconf import OmegaConf

    from xlprobe.data.lang_sets import register_resolvers

    register_resolvers()
    cfg = OmegaConf.create(job.config)
    if root is not None:
        OmegaConf.update(cfg, "paths.root_dir", str(root), force_add=True)
    return OmegaConf.to_container(cfg.data, resolve=True)


def write_task_texts(jobs, out_dir: str | Path, *, root: str | Path | None = None) -> list[Path]:
    """The text each job trained on and each language it was tested on, for the overlap
    measures of ``xlprobe sweep transfer --text-dir``: ``<out>/<task>/train.<source>.txt``
    (each source from its own job's data) and ``<out>/<task>/test.<target>.txt``, one sentence
    a line, read through the jobs' DataModules (hub or local data).

    Returns:
        The written files.
    """
    from xlprobe.analysis.similarity import datamodule_texts
    from xlprobe.analysis.transfer import task_of
    from xlprobe.io import write_text_atomic

    written = []
    by_task: dict[str, list] = {}
    for job in jobs:
        by_task.setdefault(task_of(job), []).append(job)
    for task, members in sorted(by_task.items()):
        folder = Path(out_dir) / _safe(task)
        targets: dict[str, None] = {}
        for job in members:
            source = str((job.config.get("lang") or {}).get("train", [""])[0])
            data = job_data_node(job, root)
            for lang, lines in datamodule_texts(data, [source], "train").items():
                written.append(folder / f"train.{lang}.txt")
                write_text_atomic(written[-1], "".join(f"{s}\n" for s in lines))
            parts = (k.split("/") for k in job.task_metrics if k.startswith("test/"))
            targets |= dict.fromkeys(p[2] for p in parts if len(p) == 3)
        texts = datamodule_texts(job_data_node(members[0], root), list(targets), "test")
        for lang, lines in texts.items():
            written.append(folder / f"test.{lang}.txt")
            write_text_atomic(written[-1], "".join(f"{s}\n" for s in lines))
    return written
