"""Paper-style curves from a ProbeReport, as PNG files (matplotlib, Agg canvas, no pyplot).

Why one long module: every curve shares the same row selection, band and style helpers.

Mousi et al., ACL 2024, "Exploring Alignment in Shared Cross-lingual Spaces" (Sec. 3 metrics):
CALIGN / COLAP per layer as in the paper's layer-wise figures (base model dotted, fine-tuned model
solid for training language pairs and dashed for zero-shot pairs), each curve the mean over the
K-means seeds with a ± sd band, over a lighter band spanning the chance levels of the same
language pair (each curve metric's ``chance`` metrics in the probe registry,
:mod:`xlprobe.probing.probes`), and the zero-shot correlation
between CALIGN and task performance across languages and epochs. Every plot is built by a
``*_figure`` function that returns the ``matplotlib.figure.Figure`` (tests inspect ``ax.lines``);
the ``plot_*`` functions save them atomically.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xlprobe.io import atomic_path
from xlprobe.probing.probes import curve_metrics, metrics
from xlprobe.probing.report import BASE_EPOCH, ProbeReport, ProbeRow

log = logging.getLogger(__name__)


def _chance(metric: str) -> tuple[str, ...]:
    """The chance-level metrics drawn under ``metric``'s curve."""
    spec = metrics().get(metric)
    return spec.chance if spec is not None else ()


LINESTYLES = {
    "base": ":",
    "random_init": (0, (1, 4)),
    "train": "-",
    "zero_shot": "--",
    "other": "-.",
}
"""Line style per curve role: base model dotted, random-weights control sparsely dotted,
fine-tuned training pair solid, fine-tuned zero-shot pair dashed, fine-tuned pair listed in
neither language list dash-dotted."""

ROLE_LABELS = {"train": "train", "zero_shot": "zero-shot", "other": "not trained"}
SD_ALPHA = 0.25
"""Opacity of the ± sd band around a curve (K-means seeds)."""
CHANCE_ALPHA = 0.1
"""Opacity of a language pair's chance band."""


def _draw_curve(ax, x: Sequence[float], rows: Sequence[ProbeRow], **style: Any) -> None:
    """The rows' values against ``x`` as a line, with a ``value ± sd`` band (same colour,
    :data:`SD_ALPHA`, no legend entry) where the rows average several K-means seeds."""
    value = np.array([r.value for r in rows], dtype=np.float64)
    ax.plot(x, value, **style)
    if any(r.n_seeds > 1 for r in rows):
        sd = np.array([r.sd for r in rows], dtype=np.float64)
        ax.fill_between(
            x, value - sd, value + sd, color=style["color"], alpha=SD_ALPHA, linewidth=0,
            label=f"_{style.get('label')} ± sd",
        )  # fmt: skip


def _draw_chance(ax, rows: Iterable[ProbeRow], x_of, colour: Any, lang_pair: str) -> None:
    """One shaded band per language pair spanning its chance levels, ``min(value - sd)`` to
    ``max(value + sd)`` over the chance metrics (and the drawn model states) at each x.

    Args:
        rows: The chance rows of one language pair.
        x_of: Row -> its x coordinate (layer or epoch).
    """
    low: dict[float, float] = {}
    high: dict[float, float] = {}
    for r in rows:
        x = x_of(r)
        low[x] = min(low.get(x, np.inf), r.value - r.sd)
        high[x] = max(high.get(x, -np.inf), r.value + r.sd)
    if low:
        xs = sorted(low)
        ax.fill_between(
            xs, [low[x] for x in xs], [high[x] for x in xs], color=colour, alpha=CHANCE_ALPHA,
            linewidth=0, label=f"{lang_pair} chance",
        )  # fmt: skip


Pair = tuple[str, str, str]
"""A curve family ``(metric, side_s, side_t)``: one plot."""


def pair_role(
    lang_s: str, lang_t: str, *, train_langs: Iterable[str], zero_shot_langs: Iterable[str]
) -> str:
    """Whether a probed language pair is a training pair, a zero-shot pair or neither.

    Entries of the language lists are pairs (``"fr-en"``, matched in either direction) or single
    languages (``"de"``, matching any pair that contains it), as in the ``lang.train`` /
    ``lang.zero_shot`` configs of MT (pairs) and NER / SST-2 (languages). Zero-shot wins: a pair
    involving a zero-shot language is zero-shot even if the pivot is a training language.

    Returns:
        ``"zero_shot"``, ``"train"`` or ``"other"``.
    """

    def matches(entries: Iterable[str]) -> bool:
        return any(
            e in (f"{lang_s}-{lang_t}", f"{lang_t}-{lang_s}") if "-" in e else e in (lang_s, lang_t)
            for e in entries
        )

    if matches(zero_shot_langs):
        return "zero_shot"
    return "train" if matches(train_langs) else "other"


def pair_name(pair: Pair) -> str:
    """File-name stem of a curve family, e.g. ``calign_encoder-decoder``, ``colap_encoder``."""
    metric, side_s, side_t = pair
    return f"{metric}_{side_s if side_s == side_t else f'{side_s}-{side_t}'}"


def _title(pair: Pair) -> str:
    metric, side_s, side_t = pair
    return f"{metric.upper()} {side_s if side_s == side_t else f'{side_s}→{side_t}'}"


def _tokens(rows: Sequence[ProbeRow]) -> str:
    """`` (aligned tokens)`` in a title when the rows' concepts are the aligned occurrences of
    the paper's CALIGN (``probe.tokens=aligned``)."""
    return " (aligned tokens)" if any(r.tokens == "aligned" for r in rows) else ""


def _colours(lang_pairs: Sequence[str]) -> dict[str, Any]:
    """One stable colour per language pair (tab10, then tab20 for more than 10 pairs)."""
    from matplotlib import colormaps

    cmap = colormaps["tab10" if len(lang_pairs) <= 10 else "tab20"]
    return {lp: cmap(i % cmap.N) for i, lp in enumerate(sorted(lang_pairs))}


def _new_figure(width: float = 6.4, height: float = 4.4):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def save_figure(fig, path: str | Path, *, dpi: int = 120) -> Path:
    """Save ``fig`` as PNG at ``path`` atomically (parents created) and return ``path``."""
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi)
    return path


def _rows_by_lang_pair(
    rows: Iterable[ProbeRow], *, by_metric: bool = False
) -> dict[str, list[ProbeRow]]:
    """Rows grouped by language pair, sorted by layer; the highest step wins per layer (and per
    metric and model state with ``by_metric``, for chance rows of several metrics)."""

    def key(r: ProbeRow) -> tuple:
        return (r.lang_pair, r.layer, *((r.metric, r.model_state) if by_metric else ()))

    latest = {key(r): r for r in sorted(rows, key=lambda r: r.step)}
    grouped: dict[str, list[ProbeRow]] = {}
    for key in sorted(latest):
        grouped.setdefault(key[0], []).append(latest[key])
    return grouped


def layer_curves_figure(
    report: ProbeReport,
    pair: Pair,
    *,
    train_langs: Iterable[str],
    zero_shot_langs: Iterable[str],
    epoch: int | None = None,
):
    """Metric (%) against layer for one curve family, one colour per language pair.

    Each language pair gets up to three lines: the base model (epoch -1, dotted), the
    random-weights control (``random_init``, sparsely dotted) and the fine-tuned model at
    ``epoch`` (solid for training pairs, dashed for zero-shot pairs, see :data:`LINESTYLES`);
    each with a ± sd band over the K-means seeds, over a band spanning the pair's chance levels
    at the drawn model states.

    Args:
        report: The probe results.
        pair: ``(metric, side_s, side_t)``.
        train_langs, zero_shot_langs: Language lists, see :func:`pair_role`.
        epoch: Fine-tuned epoch to draw; ``None`` = the last fine-tuned epoch of this family.

    Returns:
        The ``matplotlib.figure.Figure`` (one axes).
    """
    if epoch == BASE_EPOCH:
        raise ValueError(
            f"epoch {BASE_EPOCH} is the base model, drawn anyway; pass a fine-tuned epoch"
        )
    metric, side_s, side_t = pair
    rows = report.select(metric=metric, side_s=side_s, side_t=side_t)
    tuned = sorted({r.epoch for r in rows if r.model_state == "finetuned"})
    if epoch is None and tuned:
        epoch = tuned[-1]
    train_langs, zero_shot_langs = list(train_langs), list(zero_shot_langs)
    colours = _colours(sorted({r.lang_pair for r in report.rows}))
    fig, ax = _new_figure()
    drawn = (("base", BASE_EPOCH), ("random_init", BASE_EPOCH), ("finetuned", epoch))
    chance = [
        r
        for name in _chance(metric)
        for r in report.select(metric=name, side_s=side_s, side_t=side_t)
        if (r.model_state, r.epoch) in drawn
    ]
    for lang_pair, crows in _rows_by_lang_pair(chance, by_metric=True).items():
        _draw_chance(ax, crows, lambda r: r.layer, colours[lang_pair], lang_pair)
    for state, wanted in drawn:
        selected = (r for r in rows if r.epoch == wanted and r.model_state == state)
        for lang_pair, lrows in _rows_by_lang_pair(selected).items():
            if state != "finetuned":
                role, label = state, f"{lang_pair} {state.replace('_', ' ')}"
            else:
                role = pair_role(
                    lrows[0].lang_s,
                    lrows[0].lang_t,
                    train_langs=train_langs,
                    zero_shot_langs=zero_shot_langs,
                )
                label = f"{lang_pair} epoch {epoch} ({ROLE_LABELS[role]})"
            _draw_curve(
                ax,
                [r.layer for r in lrows],
                lrows,
                linestyle=LINESTYLES[role],
                color=colours[lang_pair],
                marker="o" if state == "finetuned" else None,
                markersize=3,
                label=label,
            )
    suffix = "" if epoch is None else f", epoch {epoch}"
    ax.set_title(f"{_title(pair)}{_tokens(rows)} per layer{suffix}")
    ax.set_xlabel("layer (0 = embeddings)")
    ax.set_ylabel(f"{metric.upper()} (%)")
    ax.set_ylim(0, 100)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    if ax.lines:
        ax.legend(fontsize="x-small", ncol=2 if len(ax.lines) > 6 else 1)
    return fig


def plot_layer_curves(
    report: ProbeReport,
    out_dir: str | Path,
    *,
    train_langs: Iterable[str],
    zero_shot_langs: Iterable[str],
    epoch: int | None = None,
) -> list[Path]:
    """Write ``layers_<metric>_<sides>.png`` per curve family of the registry's curve metrics (see
    :func:`layer_curves_figure`).

    Returns:
        The written paths, in :meth:`ProbeReport.pairs` order.
    """
    train_langs, zero_shot_langs = list(train_langs), list(zero_shot_langs)
    paths = []
    for pair in (p for p in report.pairs() if p[0] in curve_metrics()):
        fig = layer_curves_figure(
            report, pair, train_langs=train_langs, zero_shot_langs=zero_shot_langs, epoch=epoch
        )
        paths.append(save_figure(fig, Path(out_dir) / f"layers_{pair_name(pair)}.png"))
    return paths


def epoch_curves_figure(
    report: ProbeReport,
    pair: Pair,
    *,
    train_langs: Iterable[str],
    zero_shot_langs: Iterable[str],
    layer: int | None = None,
):
    """Metric (%) against epoch at one layer, one line per language pair (base at x = -1),
    each with a ± sd band over the K-means seeds, over a band spanning the pair's chance levels
    per epoch. The random-weights control (also epoch -1) is drawn in the layer curves only.

    Args:
        report: The probe results.
        pair: ``(metric, side_s, side_t)``.
        train_langs, zero_shot_langs: Language lists, see :func:`pair_role` (line style).
        layer: Layer to follow; ``None`` = the last layer of this family.

    Returns:
        The ``matplotlib.figure.Figure`` (one axes).
    """
    metric, side_s, side_t = pair
    rows = [
        r
        for r in report.select(metric=metric, side_s=side_s, side_t=side_t)
        if r.model_state != "random_init"
    ]
    if layer is None and rows:
        layer = max(r.layer for r in rows)
    train_langs, zero_shot_langs = list(train_langs), list(zero_shot_langs)
    colours = _colours(sorted({r.lang_pair for r in report.rows}))
    fig, ax = _new_figure()
    chance: dict[str, list[ProbeRow]] = {}
    for name in _chance(metric):
        for r in report.select(metric=name, side_s=side_s, side_t=side_t, layer=layer):
            if r.model_state != "random_init":
                chance.setdefault(r.lang_pair, []).append(r)
    for lang_pair, crows in sorted(chance.items()):
        _draw_chance(ax, crows, lambda r: r.epoch, colours[lang_pair], lang_pair)
    by_pair: dict[str, list[ProbeRow]] = {}
    for r in sorted((r for r in rows if r.layer == layer), key=lambda r: (r.epoch, r.step)):
        by_pair.setdefault(r.lang_pair, []).append(r)
    for lang_pair, lrows in sorted(by_pair.items()):
        role = pair_role(
            lrows[0].lang_s,
            lrows[0].lang_t,
            train_langs=train_langs,
            zero_shot_langs=zero_shot_langs,
        )
        _draw_curve(
            ax,
            [r.epoch for r in lrows],
            lrows,
            linestyle=LINESTYLES[role],
            color=colours[lang_pair],
            marker="o",
            markersize=3,
            label=f"{lang_pair} ({ROLE_LABELS[role]})",
        )
    epochs = sorted({r.epoch for r in rows})
    ax.set_xticks(epochs, ["base" if e == BASE_EPOCH else str(e) for e in epochs])
    ax.set_title(f"{_title(pair)}{_tokens(rows)} per epoch, layer {layer}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"{metric.upper()} (%)")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    if ax.lines:
        ax.legend(fontsize="x-small")
    return fig


def plot_epoch_curves(
    report: ProbeReport,
    out_dir: str | Path,
    *,
    train_langs: Iterable[str],
    zero_shot_langs: Iterable[str],
    layer: int | None = None,
) -> list[Path]:
    """Write ``epochs_<metric>_<sides>.png`` per curve family of the registry's curve metrics (see
    :func:`epoch_curves_figure`)."""
    train_langs, zero_shot_langs = list(train_langs), list(zero_shot_langs)
    paths = []
    for pair in (p for p in report.pairs() if p[0] in curve_metrics()):
        fig = epoch_curves_figure(
            report, pair, train_langs=train_langs, zero_shot_langs=zero_shot_langs, layer=layer
        )
        paths.append(save_figure(fig, Path(out_dir) / f"epochs_{pair_name(pair)}.png"))
    return paths


@dataclass(frozen=True)
class CorrelationPoints:
    """Matched (probe metric, task metric) points for the zero-shot correlation plot.

    Attributes:
        langs: [P] the task record's language or language pair of each point.
        epochs: [P] epoch of each point (-1 = base model).
        x: [P] probe metric in percent (e.g. CALIGN at ``layer``).
        y: [P] task metric (e.g. F1 or BLEU).
        pair: ``(metric, side_s, side_t)`` of x.
        layer: Layer of x.
        task_metric: Name of the task metric (y).
    """

    langs: tuple[str, ...]
    epochs: tuple[int, ...]
    x: np.ndarray
    y: np.ndarray
    pair: Pair
    layer: int | None
    task_metric: str

    @property
    def pearson_r(self) -> float:
        """Pearson r = sum(dx dy) / sqrt(sum dx^2 sum dy^2); NaN below 2 points or no spread."""
        if len(self.x) < 2:
            return float("nan")
        dx, dy = self.x - self.x.mean(), self.y - self.y.mean()
        denom = float(np.sqrt((dx * dx).sum() * (dy * dy).sum()))
        return float((dx * dy).sum() / denom) if denom > 0 else float("nan")


def correlation_points(
    report: ProbeReport,
    task_metrics: Iterable[Mapping[str, Any]],
    *,
    layer: int | None = None,
    side_s: str = "encoder",
    side_t: str | None = None,
    metric: str = "calign",
    langs: Iterable[str] | None = None,
) -> CorrelationPoints:
    """Pair each task-metric record with the probe value of the same epoch and language.

    Args:
        report: The probe results.
        task_metrics: Records ``{"epoch": int, "lang": str, "value": float, "metric_name": str}``;
            ``lang`` is a pair ``"de-en"`` (matched to the probe pair ``lang_s-lang_t``) or a
            language ``"de"`` (matched to the probe pair whose ``lang_s`` it is). All records
            must share one ``metric_name``. Records without a probe value are skipped (logged).
        layer: Probe layer; ``None`` = the last layer of the family.
        side_s, side_t: Probe sides (``side_t`` defaults to ``side_s``).
        metric: Probe metric, ``"calign"`` (the paper's zero-shot correlation) or ``"colap"``.
        langs: Keep only records whose ``lang`` is listed (e.g. the zero-shot languages);
            ``None`` keeps all.

    Returns:
        The matched points, in record order.

    Raises:
        ValueError: A record misses a key, records mix metric names, or a language matches
            several probe pairs.
    """
    pair = (metric, side_s, side_s if side_t is None else side_t)
    rows = report.select(metric=pair[0], side_s=pair[1], side_t=pair[2])
    if layer is None and rows:
        layer = max(r.layer for r in rows)
    at_layer = [r for r in rows if r.layer == layer]
    names: set[str] = set()
    point_langs, epochs, xs, ys = [], [], [], []
    skipped = 0
    keep = None if langs is None else set(langs)
    for record in task_metrics:
        missing = {"epoch", "lang", "value", "metric_name"} - set(record)
        if missing:
            raise ValueError(f"task metric record {dict(record)} lacks {sorted(missing)}")
        if keep is not None and str(record["lang"]) not in keep:
            continue
        names.add(str(record["metric_name"]))
        lang, epoch = str(record["lang"]), int(record["epoch"])
        hits = [
            r
            for r in at_layer
            if r.epoch == epoch and (r.lang_pair == lang if "-" in lang else r.lang_s == lang)
        ]
        if len({r.lang_pair for r in hits}) > 1:
            raise ValueError(
                f"language {lang!r} matches probe pairs {sorted({r.lang_pair for r in hits})}; "
                "give the task metric's language as a pair"
            )
        if not hits:
            skipped += 1
            continue
        point_langs.append(lang)
        epochs.append(epoch)
        xs.append(max(hits, key=lambda r: r.step).value)
        ys.append(float(record["value"]))
    if len(names) > 1:
        raise ValueError(f"task metrics mix several metric names {sorted(names)}; pass one")
    if skipped:
        log.info("%d task metric record(s) have no %s value at layer %s", skipped, pair, layer)
    return CorrelationPoints(
        langs=tuple(point_langs),
        epochs=tuple(epochs),
        x=np.asarray(xs, dtype=np.float64),
        y=np.asarray(ys, dtype=np.float64),
        pair=pair,
        layer=layer,
        task_metric=names.pop() if names else "task metric",
    )


def correlation_figure(points: CorrelationPoints):
    """Scatter of probe metric (x) against task metric (y), one colour per language, each point
    labelled with its epoch, Pearson r and the number of points in the title.

    Returns:
        The ``matplotlib.figure.Figure`` (one axes, one scatter collection per language).
    """
    fig, ax = _new_figure()
    colours = _colours(sorted(set(points.langs)))
    for lang in sorted(set(points.langs)):
        idx = [i for i, name in enumerate(points.langs) if name == lang]
        ax.scatter(points.x[idx], points.y[idx], color=colours[lang], label=lang, s=20)
        for i in idx:
            epoch = "base" if points.epochs[i] == BASE_EPOCH else str(points.epochs[i])
            ax.annotate(
                epoch,
                (points.x[i], points.y[i]),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=6,
                alpha=0.7,
            )
    ax.set_title(
        f"{_title(points.pair)} layer {points.layer} vs {points.task_metric}\n"
        f"Pearson r = {points.pearson_r:.3f} (n = {len(points.x)})"
    )
    ax.set_xlabel(f"{points.pair[0].upper()} (%)")
    ax.set_ylabel(points.task_metric)
    ax.grid(alpha=0.3)
    if points.langs:
        ax.legend(fontsize="x-small")
    return fig


def plot_zero_shot_correlation(
    report: ProbeReport,
    task_metrics: Iterable[Mapping[str, Any]],
    out_path: str | Path,
    *,
    layer: int | None = None,
    side_s: str = "encoder",
    side_t: str | None = None,
    metric: str = "calign",
    langs: Iterable[str] | None = None,
) -> CorrelationPoints:
    """Write the zero-shot correlation scatter (see :func:`correlation_points`) to ``out_path``.

    Returns:
        The plotted points; ``.pearson_r`` is the correlation shown in the title.
    """
    points = correlation_points(
        report, task_metrics, layer=layer, side_s=side_s, side_t=side_t, metric=metric, langs=langs
    )
    save_figure(correlation_figure(points), out_path)
    return points
