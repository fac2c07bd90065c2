"""Spread of a probe value over K-means seeds: mean, sd, 95 % t-interval, seed agreement (ARI).

K-means is a local search from a random start, so CALIGN and COLAP computed from one run carry
the luck of that start. With ``probe.n_seeds`` = S the probe clusters the same activations S
times (seeds ``seed, seed+1, ..., seed+S-1``) and reports, per value, the mean over the S runs
with its sample standard deviation and a Student-t confidence interval; the agreement of the S
clusterings is their mean pairwise adjusted Rand index (Hubert & Arabie, 1985).

Pure numpy / scipy; no model, no files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

CONFIDENCE = 0.95
"""Coverage of the reported interval (``ci_low``, ``ci_high``)."""


@dataclass(frozen=True)
class SeedSummary:
    """Mean and spread of one value measured once per K-means seed.

    Attributes:
        mean: Mean over the seeds, m = (1/S) sum_s v_s (NaN if any v_s is NaN).
        sd: Sample standard deviation sqrt(sum_s (v_s - m)^2 / (S - 1)); 0 for S = 1.
        ci_low, ci_high: 95 % Student-t interval m ∓ t_{0.975, S-1} · sd / sqrt(S), clipped to
            ``bounds``; both equal ``mean`` for S = 1.
        n: The number of seeds S.
    """

    mean: float
    sd: float
    ci_low: float
    ci_high: float
    n: int


def summarize(
    values: Sequence[float],
    *,
    bounds: tuple[float, float] = (0.0, 100.0),
    confidence: float = CONFIDENCE,
) -> SeedSummary:
    """Mean, sample sd and Student-t interval of per-seed values (see :class:`SeedSummary`).

    A t-interval (not a bootstrap): with the 3–5 seeds a probe affords, a bootstrap only
    resamples the same few numbers and its interval is too narrow.

    Args:
        values: [S] one value per seed, S >= 1 (e.g. CALIGN in percent).
        bounds: The value's range; the interval is clipped to it (a percentage stays in
            [0, 100]).
        confidence: Two-sided coverage of the interval.

    Raises:
        ValueError: No values.
    """
    from scipy.stats import t

    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        raise ValueError("summarize needs at least one value")
    mean = float(x.mean())
    if x.size == 1 or math.isnan(mean):
        return SeedSummary(mean, 0.0 if x.size == 1 else math.nan, mean, mean, int(x.size))
    sd = float(x.std(ddof=1))
    half = float(t.ppf(0.5 + confidence / 2, x.size - 1)) * sd / math.sqrt(x.size)
    low, high = bounds
    return SeedSummary(mean, sd, max(low, mean - half), min(high, mean + half), int(x.size))


def adjusted_rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings of the same N items (Hubert & Arabie, 1985).

    ARI = (sum_ij C(n_ij, 2) - E) / (½(sum_i C(a_i, 2) + sum_j C(b_j, 2)) - E) with
    E = sum_i C(a_i, 2) · sum_j C(b_j, 2) / C(N, 2), n_ij the contingency table and a_i, b_j its
    row and column sums: 1 for identical partitions, about 0 for independent ones.

    Args:
        a, b: [N] integer labels.

    Returns:
        The index in [-1, 1]; 1.0 when both labelings are the same trivial partition.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"labelings of different lengths {a.shape} and {b.shape}")
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    _, cell = np.unique(ai.astype(np.int64) * (int(bi.max(initial=0)) + 1) + bi, return_counts=True)

    def pairs(counts: np.ndarray) -> float:
        counts = counts.astype(np.float64)
        return float((counts * (counts - 1) / 2).sum())

    index = pairs(cell)
    row, col = pairs(np.bincount(ai)), pairs(np.bincount(bi))
    total = len(a) * (len(a) - 1) / 2
    expected = row * col / total if total else 0.0
    maximum = (row + col) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def pairwise_ari(labelings: Sequence[np.ndarray]) -> list[float]:
    """ARI of every pair of seeds' labelings, in ``itertools.combinations`` order
    (S (S - 1) / 2 values; empty for S < 2)."""
    return [adjusted_rand_index(a, b) for a, b in combinations(labelings, 2)]
