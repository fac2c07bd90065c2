"""Minimal-pair ABX discrimination of language (form) and meaning, exact over all triplets.

ABX (Schatz et al., 2013) asks, for a triplet (A, B, X) where X shares the tested attribute with
A but not with B, whether X is closer to A: ``D = mean over triplets of 1[d(A,X) < d(B,X)] +
0.5 * 1[d(A,X) = d(B,X)]``. **Higher is better, chance 0.5**: D = 1 discriminates perfectly,
0.5 not at all (the ABX *error* is 1 - D). d is the cosine distance of sentence vectors
(de Seyssel et al., EMNLP 2025, "Discriminating Form and Meaning in Multilingual Models with
Minimal-Pair ABX Tasks"). For parallel sentences s_{i,l} of languages l1, l2:

* language (form) discrimination, ON language ACROSS meaning:
  A = s_{i,l1}, B = s_{i,l2} (same meaning, other language), X = s_{j,l1}, j != i;
* meaning discrimination, ON meaning ACROSS language:
  A = s_{i,l1}, B = s_{j,l1} (same language, other meaning), X = s_{i,l2}, j != i.

A triplet is fixed by (i, j), so there are N(N - 1) of each and the exact score is a sum over
pairs, not triples: ``O(N^2 D)`` work, one GEMM of the unit vectors u per task, taken in row
blocks of bounded memory (:mod:`xlprobe.probing.cosine_blocks`: the float64 product's counts,
on a GPU when torch sees one). With ``d = 1 - cos``:

* form: ``d(A, X) < d(B, X)`` iff ``(u_{i,1} - u_{i,2}) . u_{j,1} > 0``: the signs of the
  off-diagonal entries of ``(U_1 - U_2) U_1^T`` (a translation pair with equal vectors ties
  with every X, exactly);
* meaning: ``d(A, X) < d(B, X)`` iff ``cos(s_{i,2}, s_{j,1}) < cos(s_{i,2}, s_{i,1})``: how
  each row of ``U_2 U_1^T`` compares with its diagonal entry (the AUC form of retrieval top-1
  from l2 into l1).

Rows must be distinct sentences (see :func:`xlprobe.probing.retrieval.distinct_rows`).
Scores are returned as counts of half-triplets: numerator = 2 * wins + ties, denominator =
2 * triplets.
"""

from __future__ import annotations

import numpy as np

from xlprobe.probing.cosine_blocks import (
    DiagonalCounts,
    SignCounts,
    diagonal_counts,
    off_diagonal_signs,
)
from xlprobe.probing.retrieval import Count, normalize

LABEL = "ABX discrimination (higher is better, chance 0.5)"


def _check(x1: np.ndarray, x2: np.ndarray) -> None:
    if x1.shape != x2.shape:
        raise ValueError(f"vectors of the two languages differ in shape: {x1.shape}, {x2.shape}")


def form_count(signs: SignCounts) -> Count:
    """Half-triplet counts of form discrimination from the signs of ``(U_1 - U_2) U_1^T``
    (positive: a win, zero: a tie)."""
    return Count(2 * signs.positive + signs.zero, 2 * signs.n * (signs.n - 1))


def meaning_count(counts: DiagonalCounts) -> Count:
    """Half-triplet counts of meaning discrimination from the rows of ``U_2 U_1^T`` against
    their diagonal (below: a win, equal: a tie)."""
    return Count(2 * counts.below + counts.equal, 2 * counts.n * (counts.n - 1))


def abx_form(x1: np.ndarray, x2: np.ndarray, *, device: str | None = None) -> Count:
    """Language discrimination of l1 against l2.

    ``D = mean_{i != j} 1[d(s_{i,1}, s_{j,1}) < d(s_{i,2}, s_{j,1})]`` (+ half the ties).

    Args:
        x1: [N x D] sentence vectors of language l1.
        x2: [N x D] sentence vectors of l2, row-aligned translations.
        device: ``"numpy"``, a torch device, or ``None`` (CUDA when present, else numpy).

    Returns:
        Half-triplet counts; ``value`` in [0, 1], chance 0.5.
    """
    _check(x1, x2)
    u1, u2 = normalize(x1), normalize(x2)
    return form_count(off_diagonal_signs(u1 - u2, u1, device=device))


def abx_meaning(x1: np.ndarray, x2: np.ndarray, *, device: str | None = None) -> Count:
    """Meaning discrimination of l1 sentences by their l2 translations.

    ``D = mean_{i != j} 1[d(s_{i,1}, s_{i,2}) < d(s_{j,1}, s_{i,2})]`` (+ half the ties): the
    AUC form of retrieval top-1 from l2 into l1.

    Args:
        x1: [N x D] sentence vectors of language l1.
        x2: [N x D] sentence vectors of l2, row-aligned translations.
        device: ``"numpy"``, a torch device, or ``None`` (CUDA when present, else numpy).

    Returns:
        Half-triplet counts; ``value`` in [0, 1], chance 0.5.
    """
    _check(x1, x2)
    return meaning_count(diagonal_counts(normalize(x2), normalize(x1), device=device))
