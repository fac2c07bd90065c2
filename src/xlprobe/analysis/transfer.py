"""Zero-shot transfer against language similarity over a multirun that trains on each language.

Why one long module: the matrices, similarity arrays and bootstrap share one [S x T] array layout
and are one pipeline, read top to bottom.

Method (Blaschke et al., Findings of ACL 2025, "Analyzing the Effect of Linguistic Similarity on
Cross-Lingual Transfer: Tasks and Experimental Setups Matter"):

1. Transfer matrices, one per task × input representation: for source s (the job's
   ``lang.train[0]``; ``fr`` for ``fr-en``) and target t (a ``test/<metric>/<t>`` key),
   ``T[s, t]`` = the task's metric (:data:`TASK_METRICS`: POS accuracy, LAS, topic accuracy)
   averaged over the jobs trained on s (training seeds). The representation is
   ``multilingual`` for a pretrained model and ``monolingual`` for ``model.random_init=true``:
   the same architecture with fresh weights, so every representation the task uses is learned
   from the source language alone. Languages are joined by their registry code (``de`` and
   ``deu_Latn`` are one language). Variants (``TRANSFERS``): ``raw``; ``delta``
   ``T[s, t] - T[s, s]`` (the DistaLs case study's normalisation); ``ratio`` ``T[s, t] / T[s, s]``.
2. Similarities ``sim_k[s, t]`` in [0, 1] (:mod:`xlprobe.analysis.similarity`), plus the probe's
   CALIGN / COLAP of the pair {s, t} in the source model's report (last epoch, last layer,
   first side pair, over seeds; / 100).
3. Per target t, Spearman ρ_k(t) between ``sim_k[·, t]`` and ``T[·, t]`` over the sources
   s ≠ t where both are defined (at least 3), with a percentile bootstrap 95 % interval over
   sources resampled with replacement (``n_boot`` resamples, seeded; a resample's ranks are
   recomputed, ties averaged; resamples where ρ is undefined are dropped).
4. The central table per task × representation × transfer variant × similarity: the mean of
   ρ_k(t) over targets with a percentile bootstrap interval over targets, its median,
   quartiles, sd and share of targets with ρ > 0; the pooled ρ over all ordered pairs s ≠ t
   (ranks over all pairs; interval from resampling targets as clusters, with the full sample's
   ranks); and ``rank`` (1 = the similarity with the highest mean ρ: the one that predicts
   transfer best for that task and representation).

Every similarity is "higher = closer", so ρ > 0 means more similar languages transfer better.

Vectorised for the paper's scale (263 × 263, 15 similarities): ranks of a resample come from
cumulative sums of its source counts over the column's sort order (a tied group of total weight
g after weight b gets rank b + (g + 1) / 2), and ρ is the count-weighted Pearson correlation of
those ranks; whole blocks of targets × resamples are one array operation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from xlprobe.analysis.sweep import Job, final_probe_values
from xlprobe.errors import InputError

PROBE_PREDICTORS = ("calign", "colap")
# the task metric tabulated per task.name (Blaschke et al.: POS accuracy, LAS, topic accuracy)
TASK_METRICS = {"pos": "acc", "deps": "las", "topic": "acc", "ner": "f1", "sst2": "acc"}
PREFERRED_METRICS = ("f1", "acc", "las", "bleu", "chrf")
TRANSFERS = ("raw", "delta", "ratio")
MULTILINGUAL, MONOLINGUAL = "multilingual", "monolingual"
# elements of one bootstrap block (resamples × sources × targets): about 16 MB of float32
BLOCK_ELEMENTS = 4_000_000


def lang_of(code: str) -> str:
    """The language of a training/test key: ``fr-en`` -> ``fr`` (source side), ``de`` -> ``de``."""
    return str(code).split("-", 1)[0]


def canonical(code: str) -> str:
    """The registry code of a language key (``de``, ``deu``, ``fr-en`` -> ``deu_Latn``,
    ``fra_Latn``); a code the registry does not know is kept as it is."""
    from xlprobe.data.languages import lookup

    lang = lang_of(code)
    try:
        return lookup(lang).code
    except InputError:
        return lang


def source_of(job: Job) -> str:
    """The job's training (source) language, from its config's ``lang.train[0]`` (registry
    code)."""
    train = (job.config.get("lang") or {}).get("train")
    if not train or not isinstance(train, list):
        raise InputError(
            f"job {job.name}: its config has no lang.train list", path=job.path / ".hydra"
        )
    return canonical(train[0])


def task_of(job: Job) -> str:
    """The job's ``task.name`` (``task`` when its config has none)."""
    return str((job.config.get("task") or {}).get("name") or "task")


def representation_of(job: Job) -> str:
    """``monolingual`` for a job with ``model.random_init=true``, else ``multilingual``."""
    model = job.config.get("model") or {}
    return MONOLINGUAL if model.get("random_init") is True else MULTILINGUAL


def metric_for(task: str, jobs: Sequence[Job], metric: str | None = None) -> str:
    """The metric of ``task``'s matrix: ``metric`` if given, else :data:`TASK_METRICS`, else
    the first of :data:`PREFERRED_METRICS` the jobs log as ``test/<metric>/<lang>`` (else the
    first test metric other than the loss)."""
    names = {k.split("/")[1] for j in jobs for k in j.task_metrics if k.count("/") == 2}
    names &= {k.split("/")[1] for j in jobs for k in j.task_metrics if k.startswith("test/")}
    if metric is not None:
        if metric not in names:
            raise InputError(
                f"--metric {metric}: the task={task} jobs log test/ metrics {sorted(names)}"
            )
        return metric
    for name in (TASK_METRICS.get(task), *PREFERRED_METRICS, *sorted(names - {"loss"})):
        if name in names:
            return name
    raise InputError(f"no test/<metric>/<lang> metric in the usable task={task} jobs")


@dataclass(frozen=True)
class TransferMatrix:
    """Zero-shot transfer of one task and input representation.

    Attributes:
        task: ``task.name`` of the jobs.
        representation: ``multilingual`` or ``monolingual``.
        metric: The tabulated metric (``acc``, ``las``, ``f1``).
        sources: Source languages (registry codes), sorted, length S.
        targets: Target languages, sorted, length T.
        values: [S, T] mean metric over the source's jobs; NaN where not evaluated.
        n_jobs: [S, T] number of jobs averaged.
    """

    task: str
    representation: str
    metric: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    values: np.ndarray
    n_jobs: np.ndarray

    @property
    def name(self) -> str:
        """``<task>/<representation>``."""
        return f"{self.task}/{self.representation}"

    def in_language(self) -> np.ndarray:
        """[S] ``T[s, s]`` (NaN where the source was not evaluated on itself)."""
        column = {t: j for j, t in enumerate(self.targets)}
        own = [
            self.values[i, column[s]] if s in column else math.nan
            for i, s in enumerate(self.sources)
        ]
        return np.array(own)

    def transfer(self, kind: str) -> np.ndarray:
        """[S, T] ``raw`` T, ``delta`` T - T[s, s] or ``ratio`` T / T[s, s]."""
        own = self.in_language()[:, None]
        if kind == "raw":
            return self.values
        if kind == "delta":
            return self.values - own
        if kind == "ratio":
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(own != 0, self.values / own, np.nan)
        raise InputError(f"transfer {kind!r}: expected one of {', '.join(TRANSFERS)}")

    def off_diagonal(self) -> np.ndarray:
        """[S, T] True where source and target differ."""
        return np.array(self.sources)[:, None] != np.array(self.targets)[None, :]

    def frame(self):
        """Long table: ``task, representation, metric, source, target, value, n_jobs, delta,
        ratio`` for every evaluated pair."""
        import pandas as pd

        s, t = np.nonzero(np.isfinite(self.values))
        return pd.DataFrame(
            {
                "task": self.task,
                "representation": self.representation,
                "metric": self.metric,
                "source": np.array(self.sources, dtype=object)[s],
                "target": np.array(self.targets, dtype=object)[t],
                "value": self.values[s, t],
                "n_jobs": self.n_jobs[s, t],
                "delta": self.transfer("delta")[s, t],
                "ratio": self.transfer("ratio")[s, t],
            }
        )


def transfer_matrices(
    jobs: Sequence[Job],
    *,
    metrics: Mapping[str, str] | None = None,
    exclude: Sequence[str] = (),
) -> list[TransferMatrix]:
    """One :class:`TransferMatrix` per (task, representation) of the usable jobs.

    Args:
        jobs: Usable jobs (one or more per source language and group).
        metrics: task -> metric (``"*"`` for every task); default per :func:`metric_for`.
        exclude: Languages (any code) left out as source and as target.
    """
    metrics = dict(metrics or {})
    left_out = {canonical(x) for x in exclude}
    groups: dict[tuple[str, str], list[Job]] = {}
    for job in jobs:
        groups.setdefault((task_of(job), representation_of(job)), []).append(job)
    matrices = []
    for (task, representation), members in sorted(groups.items()):
        metric = metric_for(task, members, metrics.get(task, metrics.get("*")))
        sums: dict[tuple[str, str], list[float]] = {}
        for job in members:
            source = source_of(job)
            for key, value in job.task_metrics.items():
                parts = key.split("/")
                if len(parts) == 3 and parts[0] == "test" and parts[1] == metric:
                    sums.setdefault((source, canonical(parts[2])), []).append(value)
        pairs = {k: v for k, v in sums.items() if not {*k} & left_out}
        if not pairs:
            continue
        sources = tuple(sorted({s for s, _ in pairs}))
        targets = tuple(sorted({t for _, t in pairs}))
        row = {s: i for i, s in enumerate(sources)}
        column = {t: j for j, t in enumerate(targets)}
        values = np.full((len(sources), len(targets)), np.nan)
        n_jobs = np.zeros(values.shape, dtype=int)
        for (s, t), found in pairs.items():
            values[row[s], column[t]] = float(np.mean(found))
            n_jobs[row[s], column[t]] = len(found)
        matrices.append(
            TransferMatrix(task, representation, metric, sources, targets, values, n_jobs)
        )
    if not matrices:
        raise InputError("no test/<metric>/<lang> values in the usable jobs")
    return matrices


def probe_similarities(jobs: Sequence[Job], matrix: TransferMatrix) -> dict[str, np.ndarray]:
    """CALIGN / COLAP (/ 100) of each (source, target) pair in the source model's report,
    averaged over the matrix's jobs; [S, T] each, NaN where not probed. Measures no job probed
    are left out."""
    row = {s: i for i, s in enumerate(matrix.sources)}
    column = {t: j for j, t in enumerate(matrix.targets)}
    sums = {m: np.zeros(matrix.values.shape) for m in PROBE_PREDICTORS}
    counts = {m: np.zeros(matrix.values.shape) for m in PROBE_PREDICTORS}
    for job in jobs:
        if (task_of(job), representation_of(job)) != (matrix.task, matrix.representation):
            continue
        source = source_of(job)
        for (metric, lang_s, lang_t), value in final_probe_values(job, PROBE_PREDICTORS).items():
            langs = {canonical(lang_s), canonical(lang_t)}
            if source not in langs or len(langs) != 2 or not math.isfinite(value):
                continue
            other = (langs - {source}).pop()
            if source in row and other in column:
                sums[metric][row[source], column[other]] += value / 100
                counts[metric][row[source], column[other]] += 1
    with np.errstate(divide="ignore", invalid="ignore"):
        return {m: sums[m] / counts[m] for m in PROBE_PREDICTORS if counts[m].any()}


# --- Spearman, vectorised ---------------------------------------------------------------------


def sorted_ranks(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Average ranks in a weighted sample, in the sort order of each column of ``x``.

    A column sorted, a tied group of total weight g after total weight b gets rank
    ``b + (g + 1) / 2``: with the cumulative weights c, ``b`` is c before the group's first
    entry and ``b + g`` is c at its last, carried over the group by a running max / min.
    Resamples are the last, contiguous axis, so every step runs over whole rows of them.

    Args:
        x: [S, C] values; entries with zero weight may be NaN (sorted last).
        w: [S, C, B] non-negative counts (a resample's multiplicities, or 0/1 for a subset).

    Returns:
        ``(order, w_sorted, ranks)``: [S, C] the sort order of each column, [S, C, B] the
        weights and the 1-based ranks in that order (undefined where the weight is 0).
    """
    order = np.argsort(x, axis=0, kind="stable")
    xs = np.take_along_axis(x, order, axis=0)
    first = np.ones(xs.shape, dtype=bool)
    first[1:] = xs[1:] != xs[:-1]  # NaN != NaN: a NaN is its own group
    last = np.ones(xs.shape, dtype=bool)
    last[:-1] = first[1:]
    ws = w[order, np.arange(x.shape[1])[None, :]]
    upto = _running(np.add, ws.copy())
    if first.all():  # no ties: each entry's copies are its group
        return order, ws, upto - (ws - 1) / 2
    below = _running(np.maximum, np.where(first[..., None], upto - ws, 0))
    upto = _running(np.minimum, np.where(last[..., None], upto, np.inf)[::-1])[::-1]
    return order, ws, below + (upto - below + 1) / 2


def _running(ufunc: np.ufunc, a: np.ndarray) -> np.ndarray:
    """``ufunc.accumulate(a, axis=0)`` in place, one row at a time: each step is one
    vectorised operation over a whole [C, B] row (numpy's accumulate along the first axis of a
    3-d array runs element by element)."""
    for i in range(1, a.shape[0]):
        ufunc(a[i - 1], a[i], out=a[i])
    return a


def weighted_ranks(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Average ranks of each column's values in a sample holding entry i ``w[i, :, b]`` times.

    Args:
        x: [S, C] values; entries with zero weight may be NaN.
        w: [S, C, B] non-negative counts (a resample's multiplicities, or 0/1 for a subset).

    Returns:
        [S, C, B] the 1-based rank each entry has in its column and resample b (ties, copies
        included, get the average rank); undefined where ``w`` is 0.
    """
    order, _, ranks = sorted_ranks(x, w)
    return ranks[np.argsort(order, axis=0), np.arange(x.shape[1])[None, :]]


def rank_correlation(
    rx: np.ndarray, ry: np.ndarray, w: np.ndarray, n: np.ndarray, syy: np.ndarray | None = None
) -> np.ndarray:
    """Weighted Pearson correlation of ranks whose weighted mean is known.

    Ranks of a sample of ``n`` entries (ties averaged) sum to ``n (n + 1) / 2``, so with
    ``m = (n + 1) / 2``: ``cov = Σ w rx ry - n m²``, ``var_x = Σ w rx² - n m²``; three weighted
    sums instead of centring, in the inputs' precision (float32 for resamples: ρ to about
    1e-4). The smallest variance of ranks that are not all tied is about ``n²/4`` (one entry
    apart from the rest), ``n m² / n`` in scale; a variance below a tenth of that is a constant
    variable's rounding and gives NaN.

    Args:
        rx, ry: [S, C, B] ranks of x and y, both in the same row order as ``w``.
        w: [S, C, B] the weights the ranks were computed with.
        n: [C] the weights' sum per column (the same in every resample).
        syy: [C, B] ``Σ w ry²`` when already known (it does not depend on the row order).

    Returns:
        [B, C] ρ; NaN where n < 3 or x or y is constant in the resample.
    """
    a = w * rx
    sxy = np.einsum("scb,scb->cb", a, ry).astype(np.float64)
    sxx = np.einsum("scb,scb->cb", a, rx).astype(np.float64)
    if syy is None:
        syy = np.einsum("scb,scb->cb", w * ry, ry).astype(np.float64)
    centre = (n * ((n + 1) / 2) ** 2)[:, None]
    vx, vy = sxx - centre, syy - centre
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = (sxy - centre) / np.sqrt(vx * vy)
    tiny = 0.1 * centre / np.maximum(n, 1)[:, None]
    rho[(vx <= tiny) | (vy <= tiny) | np.broadcast_to((n < 3)[:, None], rho.shape)] = np.nan
    return np.clip(rho, -1.0, 1.0).T


def weighted_spearman(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Spearman ρ per resample and column: the ``w``-weighted Pearson correlation of the
    weighted ranks of x and y (:func:`rank_correlation`).

    Args:
        x, y: [S, C] values (NaN only where ``w`` is 0).
        w: [S, C, B] counts; every resample of a column has the same total.

    Returns:
        [B, C] ρ; NaN where the weights cover fewer than 3 entries or x or y is constant.
    """
    order, ws, rx = sorted_ranks(x, w)
    ry = weighted_ranks(y, w)[order, np.arange(x.shape[1])[None, :]]
    return rank_correlation(rx, ry, ws, w[..., 0].sum(axis=0))


def resample_counts(n: np.ndarray, rows: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap multiplicities: per column c, ``n[c]`` draws with replacement from its first
    ``n[c]`` rows.

    Args:
        n: [C] rows to resample per column (the caller puts a column's valid rows first).
        rows: S, the rows of the output (>= max n).
        n_boot: Resamples B.
        rng: The generator.

    Returns:
        [S, C, B] float32 counts: zero from row ``n[c]`` on, and each column sums to ``n[c]``
        in every resample.
    """
    columns = n.size
    if (n == n[0]).all():
        pick = rng.integers(0, max(int(n[0]), 1), (rows, columns, n_boot), dtype=np.int64)
    else:
        draws = rng.random((rows, columns, n_boot), dtype=np.float32)
        draws *= n.astype(np.float32)[:, None]
        pick = np.minimum(draws.astype(np.int64), np.maximum(n - 1, 0)[:, None])
    # the draws past a column's n land in an extra bin (row ``rows``), dropped below
    pick[np.arange(rows)[:, None] >= n[None, :]] = rows
    pick *= columns * n_boot
    pick += np.arange(columns * n_boot).reshape(columns, n_boot)
    counts = np.bincount(pick.ravel(), minlength=(rows + 1) * columns * n_boot)
    return counts[: rows * columns * n_boot].reshape(rows, columns, n_boot).astype(np.float32)


@dataclass(frozen=True)
class Correlation:
    """Spearman ρ per column with its bootstrap interval.

    Attributes:
        rho, ci_low, ci_high: [C] (NaN where undefined).
        n: [C] entries (pairs) ρ is computed over.
        n_boot: [C] resamples with a defined ρ.
    """

    rho: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n: np.ndarray
    n_boot: np.ndarray


def spearman_columns(
    xs: Mapping[str, np.ndarray],
    ys: Mapping[str, np.ndarray],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    block: int = BLOCK_ELEMENTS,
) -> dict[tuple[str, str], Correlation]:
    """Spearman ρ of each x with each y in every column, over the rows where both are finite,
    with a percentile bootstrap 95 % interval (rows resampled per column; module docstring).

    Pairs whose defined rows match share their resamples (a paired bootstrap: the similarities
    and transfer variants of a target are compared on the same resampled sources) and the
    ranks of each y in them; blocks of ``block`` elements (rows × columns × resamples) are one
    array operation each.

    Args:
        xs: name -> [S, C] values, NaN = undefined.
        ys: name -> [S, C] values.
        n_boot: Resamples (0: no interval).
        seed: Bootstrap seed.
        block: Elements per array operation.

    Returns:
        (y name, x name) -> :class:`Correlation` over the C columns.
    """
    groups: dict[bytes, list[tuple[str, str]]] = {}
    masks = {}
    for y_name, y in ys.items():
        for x_name, x in xs.items():
            mask = np.isfinite(x) & np.isfinite(y)
            masks[y_name, x_name] = mask
            groups.setdefault(np.packbits(mask).tobytes(), []).append((y_name, x_name))
    out = {}
    for number, pairs in enumerate(groups.values()):
        valid = masks[pairs[0]]
        n = valid.sum(axis=0)
        # each column's defined rows first (ρ does not depend on the row order)
        first = np.argsort(~valid, axis=0, kind="stable")
        valid = np.take_along_axis(valid, first, axis=0)

        def defined_first(values: np.ndarray, valid=valid, first=first) -> np.ndarray:
            return np.where(valid, np.take_along_axis(values, first, axis=0), np.nan)

        yv = {y: defined_first(ys[y]) for y in dict.fromkeys(y for y, _ in pairs)}
        xv = {x: defined_first(xs[x]) for x in dict.fromkeys(x for _, x in pairs)}
        ones = valid[..., None].astype(np.float64)
        rho = {(y, x): weighted_spearman(xv[x], yv[y], ones)[0] for y, x in pairs}
        low = {pair: np.full(n.shape, np.nan) for pair in pairs}
        high = {pair: np.full(n.shape, np.nan) for pair in pairs}
        defined = {pair: np.zeros(n.shape, dtype=int) for pair in pairs}
        if n_boot:
            rng = np.random.default_rng([seed, number])
            rows = valid.shape[0]
            step = max(1, block // max(1, n_boot * rows))
            for start in range(0, valid.shape[1], step):
                cols = slice(start, start + step)
                counts = resample_counts(n[cols], rows, n_boot, rng)
                index = np.arange(counts.shape[1])[None, :]
                ry, syy = {}, {}
                for y in yv:
                    ry[y] = weighted_ranks(yv[y][:, cols], counts)
                    syy[y] = np.einsum("scb,scb->cb", counts * ry[y], ry[y]).astype(np.float64)
                for x in xv:
                    order, ws, rx = sorted_ranks(xv[x][:, cols], counts)
                    for y in (y for y, x_name in pairs if x_name == x):
                        ryx = ry[y][order, index]
                        boot = rank_correlation(rx, ryx, ws, n[cols], syy[y])
                        d = defined[y, x][cols]
                        d[:] = np.isfinite(boot).sum(axis=0)
                        ok = (d > 0) & np.isfinite(rho[y, x][cols])
                        if ok.any():
                            bounds = np.nanpercentile(boot[:, ok], [2.5, 97.5], axis=0)
                            low[y, x][cols][ok], high[y, x][cols][ok] = bounds
        for pair in pairs:
            out[pair] = Correlation(rho[pair], low[pair], high[pair], n, defined[pair])
    return out


def average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of a 1-d array, ties given their average rank (``scipy.stats.rankdata``)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(values.size, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], values.size)
    ranks = np.empty(values.size)
    ranks[order] = ((starts + ends + 1) / 2)[np.cumsum(first) - 1]
    return ranks


def pooled_spearman(
    x: np.ndarray, y: np.ndarray, *, n_boot: int = 1000, seed: int = 0
) -> tuple[float, float, float, int]:
    """Spearman ρ over every (row, column) pair where both are finite, with a percentile
    interval from resampling columns (targets) as clusters, each resample scored with the full
    sample's ranks (pairs of one target are not independent).

    Returns:
        ``(rho, ci_low, ci_high, n_pairs)``.
    """
    valid = np.isfinite(x) & np.isfinite(y)
    n_pairs = int(valid.sum())
    if n_pairs < 3 or np.ptp(x[valid]) == 0 or np.ptp(y[valid]) == 0:
        return math.nan, math.nan, math.nan, n_pairs
    rx, ry = np.zeros(x.shape), np.zeros(y.shape)
    rx[valid], ry[valid] = average_ranks(x[valid]), average_ranks(y[valid])
    # per-column sums: n, Σx, Σy, Σx², Σy², Σxy
    sums = np.stack(
        [valid.sum(0), rx.sum(0), ry.sum(0), (rx**2).sum(0), (ry**2).sum(0), (rx * ry).sum(0)]
    ).astype(np.float64)

    def rho(weights: np.ndarray) -> np.ndarray:
        n, sx, sy, sxx, syy, sxy = sums @ weights.T
        with np.errstate(divide="ignore", invalid="ignore"):
            return (n * sxy - sx * sy) / np.sqrt((n * sxx - sx**2) * (n * syy - sy**2))

    estimate = float(rho(np.ones(x.shape[1])))
    used = np.flatnonzero(valid.any(axis=0))
    if not n_boot or used.size < 2:
        return estimate, math.nan, math.nan, n_pairs
    rng = np.random.default_rng(seed)
    weights = np.zeros((n_boot, x.shape[1]))
    drawn = used[rng.integers(0, used.size, (n_boot, used.size))]
    np.add.at(weights, (np.arange(n_boot)[:, None], drawn), 1.0)
    boot = rho(weights)
    boot = boot[np.isfinite(boot)]
    if not boot.size:
        return estimate, math.nan, math.nan, n_pairs
    low, high = np.percentile(boot, [2.5, 97.5])
    return estimate, float(low), float(high), n_pairs


def mean_interval(values: np.ndarray, *, n_boot: int, seed: int) -> tuple[float, float]:
    """Percentile bootstrap 95 % interval of the mean of ``values`` (finite ones)."""
    values = values[np.isfinite(values)]
    if values.size < 2 or not n_boot:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, values.size, (n_boot, values.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


# --- the analysis -----------------------------------------------------------------------------


@dataclass
class TransferAnalysis:
    """The tables of one transfer analysis (pandas DataFrames).

    Attributes:
        matrices: The :class:`TransferMatrix` of each task × representation.
        transfer: Every matrix's long table (:meth:`TransferMatrix.frame`).
        similarities: ``task, representation, source, target`` and one column per similarity.
        per_target: ``task, representation, metric, transfer, similarity, kind, target, rho,
            ci_low, ci_high, n_sources, n_boot``.
        central: The paper's central table: ``task, representation, metric, transfer,
            similarity, kind, n_targets, mean_rho, ci_low, ci_high, median_rho, q25, q75,
            sd_rho, share_positive, pooled_rho, pooled_ci_low, pooled_ci_high, n_pairs, rank``.
    """

    matrices: list[TransferMatrix]
    transfer: object
    similarities: object
    per_target: object
    central: object

    def first(self):
        """The rank-1 similarity of each task × representation × transfer variant."""
        central = self.central
        return central[central["rank"] == 1].reset_index(drop=True)


SimilarityFn = Callable[[TransferMatrix], Mapping[str, tuple[str, np.ndarray]]]


def analyse_matrix(
    matrix: TransferMatrix,
    similarities: Mapping[str, tuple[str, np.ndarray]],
    *,
    transfers: Sequence[str] = ("raw", "delta"),
    n_boot: int = 1000,
    seed: int = 0,
):
    """Per-target Spearman and the central-table rows of one matrix.

    Args:
        matrix: The transfer matrix.
        similarities: name -> (kind, [S, T] similarity).
        transfers: Variants of T correlated (:data:`TRANSFERS`).
        n_boot: Bootstrap resamples (per target, and of the mean over targets).
        seed: Bootstrap seed.

    Returns:
        ``(per_target, central)`` DataFrames (central without ``rank``).
    """
    import pandas as pd

    off = matrix.off_diagonal()
    targets = np.array(matrix.targets, dtype=object)
    per_target, central = [], []
    head = {"task": matrix.task, "representation": matrix.representation}
    head["metric"] = matrix.metric
    ys = {t: np.where(off, matrix.transfer(t), np.nan) for t in transfers}
    xs = {name: np.where(off, x, np.nan) for name, (_, x) in similarities.items()}
    correlations = spearman_columns(xs, ys, n_boot=n_boot, seed=seed)
    for transfer in transfers:
        y = ys[transfer]
        for name, (kind, _) in similarities.items():
            corr = correlations[transfer, name]
            keys = head | {"transfer": transfer, "similarity": name, "kind": kind}
            per_target.append(
                pd.DataFrame(
                    keys
                    | {
                        "target": targets,
                        "rho": corr.rho,
                        "ci_low": corr.ci_low,
                        "ci_high": corr.ci_high,
                        "n_sources": corr.n,
                        "n_boot": corr.n_boot,
                    }
                )
            )
            rho = corr.rho[np.isfinite(corr.rho)]
            low, high = mean_interval(rho, n_boot=n_boot, seed=seed)
            pooled, pooled_low, pooled_high, n_pairs = pooled_spearman(
                xs[name], y, n_boot=n_boot, seed=seed
            )
            quartiles = np.percentile(rho, [25, 50, 75]) if rho.size else [math.nan] * 3
            central.append(
                keys
                | {
                    "n_targets": int(rho.size),
                    "mean_rho": float(rho.mean()) if rho.size else math.nan,
                    "ci_low": low,
                    "ci_high": high,
                    "median_rho": float(quartiles[1]),
                    "q25": float(quartiles[0]),
                    "q75": float(quartiles[2]),
                    "sd_rho": float(rho.std(ddof=1)) if rho.size > 1 else math.nan,
                    "share_positive": float((rho > 0).mean()) if rho.size else math.nan,
                    "pooled_rho": pooled,
                    "pooled_ci_low": pooled_low,
                    "pooled_ci_high": pooled_high,
                    "n_pairs": n_pairs,
                }
            )
    return pd.concat(per_target, ignore_index=True), pd.DataFrame(central)


def similarity_frame(matrix: TransferMatrix, similarities: Mapping[str, tuple[str, np.ndarray]]):
    """``task, representation, source, target`` and one column per similarity, for every
    ordered pair of the matrix."""
    import pandas as pd

    s, t = np.indices(matrix.values.shape).reshape(2, -1)
    columns = {
        "task": matrix.task,
        "representation": matrix.representation,
        "source": np.array(matrix.sources, dtype=object)[s],
        "target": np.array(matrix.targets, dtype=object)[t],
    }
    columns |= {name: x[s, t] for name, (_, x) in similarities.items()}
    return pd.DataFrame(columns)


def analyse_transfer(
    matrices: Sequence[TransferMatrix],
    similarity: SimilarityFn,
    *,
    transfers: Sequence[str] = ("raw", "delta"),
    n_boot: int = 1000,
    seed: int = 0,
) -> TransferAnalysis:
    """The full analysis (module docstring) over every matrix.

    Args:
        matrices: :func:`transfer_matrices`.
        similarity: matrix -> {name: (kind, [S, T] similarity)} for that matrix's languages.
        transfers: Variants of T (:data:`TRANSFERS`).
        n_boot: Bootstrap resamples.
        seed: Bootstrap seed.
    """
    import pandas as pd

    unknown = sorted(set(transfers) - set(TRANSFERS))
    if unknown:
        raise InputError(f"--transfer {unknown}: expected some of {', '.join(TRANSFERS)}")
    per_target, central, sims, frames = [], [], [], []
    for matrix in matrices:
        measures = similarity(matrix)
        rows, summary = analyse_matrix(
            matrix, measures, transfers=transfers, n_boot=n_boot, seed=seed
        )
        per_target.append(rows)
        central.append(summary)
        sims.append(similarity_frame(matrix, measures))
        frames.append(matrix.frame())
    table = pd.concat(central, ignore_index=True)
    group = ["task", "representation", "transfer"]
    table["rank"] = (
        table.groupby(group)["mean_rho"].rank(ascending=False, method="min").astype("Int64")
    )
    return TransferAnalysis(
        list(matrices),
        pd.concat(frames, ignore_index=True),
        pd.concat(sims, ignore_index=True),
        pd.concat(per_target, ignore_index=True),
        table,
    )


# --- similarities of a matrix -----------------------------------------------------------------

Texts = tuple[Mapping[str, Sequence[str]], Mapping[str, Sequence[str]]]


def similarity_source(
    jobs: Sequence[Job],
    *,
    texts: Callable[[str], Texts | None] | None = None,
    tokenize: Callable[[str], Sequence[str]] | None = None,
) -> SimilarityFn:
    """The similarity function of :func:`analyse_transfer`: URIEL, overlap (where ``texts``
    gives a task's training and test text), script and the jobs' CALIGN/COLAP.

    Args:
        jobs: The usable jobs (for CALIGN/COLAP).
        texts: task -> (training texts, test texts) keyed by language (any code), or None.
        tokenize: Sentence -> subwords, for the subword overlap.
    """
    from xlprobe.analysis.similarity import (
        OVERLAP_MEASURES,
        SCRIPT_MEASURE,
        similarity_matrices,
    )

    def canonical_keys(by_lang: Mapping[str, Sequence[str]]) -> dict[str, Sequence[str]]:
        return {canonical(lang): sentences for lang, sentences in by_lang.items()}

    def similarity(matrix: TransferMatrix) -> dict[str, tuple[str, np.ndarray]]:
        found = texts(matrix.task) if texts is not None else None
        train, test = (canonical_keys(t) for t in found) if found else (None, None)
        values = similarity_matrices(
            matrix.sources, matrix.targets, train_texts=train, test_texts=test, tokenize=tokenize
        )
        kinds = {m: "overlap" for m in OVERLAP_MEASURES} | {SCRIPT_MEASURE: "script"}
        out = {name: (kinds.get(name, "uriel"), x) for name, x in values.items()}
        return out | {m: ("probe", x) for m, x in probe_similarities(jobs, matrix).items()}

    return similarity
