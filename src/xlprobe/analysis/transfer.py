"""Zero-shot transfer against language similarity over a multirun that trains on each language.

Method (Blaschke et al., Findings of ACL 2025, "Analyzing the Effect of Linguistic Similarity on
Cross-Lingual Transfer"; small-scale version):

1. Transfer matrix: for source s (the job's ``lang.train[0]``; ``fr`` for ``fr-en``) and target t
   (a ``test/<metric>/<t>`` key), ``T[s, t]`` = the task metric averaged over the jobs trained on
   s (training seeds). Relative to in-language: ``ΔT[s, t] = T[s, t] - T[s, s]`` (the DistaLs
   case study's normalisation) and ``T[s, t] / T[s, s]``.
2. Predictors per unordered pair: every distance of :mod:`xlprobe.analysis.langsim`, and
   CALIGN / COLAP of the pair {s, t} in the source model's probe report (last epoch, last
   layer, first side pair; averaged over seeds).
3. Spearman ρ between each predictor and T (and ΔT) over the ordered off-diagonal pairs
   (s ≠ t) where both are defined, with a percentile bootstrap interval: resample the pairs
   with replacement ``n_boot`` times (seeded), drop resamples where ρ is undefined, take the
   2.5 and 97.5 percentiles. Pairs sharing a source are not independent, so with five languages
   (20 pairs) the intervals describe this sample only: a demonstration, not evidence.

A distance that predicts transfer gives ρ < 0; CALIGN/COLAP (alignment, higher = closer) ρ > 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from xlprobe.analysis.sweep import Job, final_probe_values
from xlprobe.errors import InputError

PROBE_PREDICTORS = ("calign", "colap")
PREFERRED_METRICS = ("f1", "acc", "bleu", "chrf")


def lang_of(code: str) -> str:
    """The language of a training/test key: ``fr-en`` -> ``fr`` (source side), ``de`` -> ``de``."""
    return str(code).split("-", 1)[0]


def source_of(job: Job) -> str:
    """The job's training (source) language, from its config's ``lang.train[0]``."""
    train = (job.config.get("lang") or {}).get("train")
    if not train:
        raise InputError(
            f"job {job.name}: its config has no lang.train list", path=job.path / ".hydra"
        )
    return lang_of(train[0])


def task_metric_name(jobs: Sequence[Job], metric: str | None = None) -> str:
    """The task metric to tabulate: ``metric`` if given, else the first of PREFERRED_METRICS
    logged as ``test/<metric>/<lang>`` (else the first test metric other than the loss)."""
    names = {k.split("/")[1] for j in jobs for k in j.task_metrics if k.startswith("test/")}
    if metric is not None:
        if metric not in names:
            raise InputError(f"--metric {metric}: the jobs log test/ metrics {sorted(names)}")
        return metric
    for name in (*PREFERRED_METRICS, *sorted(names - {"loss"})):
        if name in names:
            return name
    raise InputError("no test/<metric>/<lang> metric in any usable job")


def transfer_matrix(jobs: Sequence[Job], metric: str):
    """Long transfer table over the usable jobs.

    Returns:
        DataFrame with columns ``source, target, value`` (mean over the source's jobs),
        ``n_jobs``, ``delta`` (``value - T[s, s]``) and ``ratio`` (``value / T[s, s]``).
    """
    import pandas as pd

    records = []
    for job in jobs:
        source = source_of(job)
        for key, value in job.task_metrics.items():
            parts = key.split("/")
            if len(parts) == 3 and parts[0] == "test" and parts[1] == metric:
                records.append({"source": source, "target": lang_of(parts[2]), "value": value})
    if not records:
        raise InputError(f"no test/{metric}/<lang> values in the usable jobs")
    frame = pd.DataFrame(records)
    table = (
        frame.groupby(["source", "target"])["value"].agg(value="mean", n_jobs="size").reset_index()
    )
    own = table[table.source == table.target].set_index("source")["value"]
    in_language = table["source"].map(own)
    table["delta"] = table["value"] - in_language
    table["ratio"] = table["value"] / in_language
    return table


def probe_predictors(jobs: Sequence[Job]) -> dict[str, dict[tuple[str, str], float]]:
    """CALIGN / COLAP of each (source, other language) pair in the source model's report.

    Returns:
        ``{metric: {(source, target): value}}`` averaged over the source's jobs.
    """
    sums: dict[str, dict[tuple[str, str], list[float]]] = {m: {} for m in PROBE_PREDICTORS}
    for job in jobs:
        source = source_of(job)
        for (metric, lang_s, lang_t), value in final_probe_values(job, PROBE_PREDICTORS).items():
            langs = {lang_s, lang_t}
            if source in langs and len(langs) == 2:
                other = (langs - {source}).pop()
                sums[metric].setdefault((source, other), []).append(value)
    return {m: {k: float(np.mean(v)) for k, v in pairs.items()} for m, pairs in sums.items()}


def spearman_bootstrap(
    x: Sequence[float], y: Sequence[float], *, n_boot: int = 2000, seed: int = 0
) -> tuple[float, float, float, int]:
    """Spearman ρ of (x, y) with a percentile bootstrap 95 % interval over resampled pairs.

    Returns:
        ``(rho, ci_low, ci_high, n_valid)``: NaN when ρ (or every resample) is undefined;
        ``n_valid`` resamples had a defined ρ.
    """
    from scipy.stats import spearmanr

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def rho(a: np.ndarray, b: np.ndarray) -> float:
        if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
            return math.nan
        return float(spearmanr(a, b).statistic)

    estimate = rho(x, y)
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(n_boot):
        index = rng.integers(0, len(x), len(x))
        value = rho(x[index], y[index])
        if not math.isnan(value):
            samples.append(value)
    if math.isnan(estimate) or not samples:
        return estimate, math.nan, math.nan, len(samples)
    low, high = np.percentile(samples, [2.5, 97.5])
    return estimate, float(low), float(high), len(samples)


@dataclass
class TransferAnalysis:
    """The tables of one transfer analysis.

    Attributes:
        metric: The task metric (``f1``, ``acc``, ``bleu``).
        matrix: :func:`transfer_matrix`'s long table.
        predictors: ``source, target`` and one column per predictor (distances and probe).
        correlations: ``predictor, kind (distance|probe), transfer (raw|delta), rho, ci_low,
            ci_high, n_pairs, n_boot``.
    """

    metric: str
    matrix: object
    predictors: object
    correlations: object


def analyse_transfer(
    jobs: Sequence[Job],
    distances: Mapping[str, Mapping[str, float | None]],
    *,
    metric: str | None = None,
    exclude: Sequence[str] = (),
    n_boot: int = 2000,
    seed: int = 0,
) -> TransferAnalysis:
    """Transfer matrix, predictors per pair and their Spearman correlations (module docstring).

    Args:
        jobs: Usable jobs of the multirun (one or more per source language).
        distances: :func:`xlprobe.analysis.langsim.language_distances` for the languages.
        metric: Task metric; default per :func:`task_metric_name`.
        exclude: Languages left out as source and as target (e.g. to see whether one outlier
            language carries the correlations).
        n_boot: Bootstrap resamples.
        seed: Bootstrap seed.
    """
    import pandas as pd

    from xlprobe.analysis.langsim import pair_key

    name = task_metric_name(jobs, metric)
    matrix = transfer_matrix(jobs, name)
    matrix = matrix[~matrix.source.isin(exclude) & ~matrix.target.isin(exclude)]
    matrix = matrix.reset_index(drop=True)
    pairs = matrix[matrix.source != matrix.target][["source", "target", "value", "delta"]]
    predictors = pairs[["source", "target"]].copy()
    kinds: dict[str, str] = {}
    for measure, values in distances.items():
        predictors[measure] = [
            _nan(values.get(pair_key(s, t)))
            for s, t in zip(pairs.source, pairs.target, strict=True)
        ]
        kinds[measure] = "distance"
    for measure, values in probe_predictors(jobs).items():
        predictors[measure] = [
            values.get((s, t), math.nan) for s, t in zip(pairs.source, pairs.target, strict=True)
        ]
        kinds[measure] = "probe"
    rows = []
    for measure, kind in kinds.items():
        for transfer in ("value", "delta"):
            x, y = predictors[measure].to_numpy(float), pairs[transfer].to_numpy(float)
            ok = np.isfinite(x) & np.isfinite(y)
            rho, low, high, valid = spearman_bootstrap(x[ok], y[ok], n_boot=n_boot, seed=seed)
            rows.append(
                {
                    "predictor": measure,
                    "kind": kind,
                    "transfer": "raw" if transfer == "value" else "delta",
                    "rho": rho,
                    "ci_low": low,
                    "ci_high": high,
                    "n_pairs": int(ok.sum()),
                    "n_boot": valid,
                }
            )
    return TransferAnalysis(name, matrix, predictors.reset_index(drop=True), pd.DataFrame(rows))


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)
