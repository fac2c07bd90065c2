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

Both are computed exactly over all N(N-1) triplets with two [N x N] distance matrices (no
sampling). Rows must be distinct sentences (see :func:`xlprobe.probing.retrieval.distinct_rows`).
Scores are returned as counts of half-triplets: numerator = 2 * wins + ties, denominator =
2 * triplets.
"""

from __future__ import annotations

import numpy as np

from xlprobe.probing.retrieval import Count, cosine_similarity

LABEL = "ABX discrimination (higher is better, chance 0.5)"


def _score(closer: np.ndarray, farther: np.ndarray) -> Count:
    """Half-triplet counts of ``closer < farther`` (ties half) over the off-diagonal cells."""
    off = ~np.eye(closer.shape[0], dtype=bool)
    wins = np.count_nonzero((closer < farther) & off)
    ties = np.count_nonzero((closer == farther) & off)
    return Count(2 * wins + ties, 2 * int(off.sum()))


def abx_form(x1: np.ndarray, x2: np.ndarray) -> Count:
    """Language discrimination of l1 against l2.

    ``D = mean_{i != j} 1[d(s_{i,1}, s_{j,1}) < d(s_{i,2}, s_{j,1})]`` (+ half the ties).

    Args:
        x1: [N x D] sentence vectors of language l1.
        x2: [N x D] sentence vectors of l2, row-aligned translations.

    Returns:
        Half-triplet counts; ``value`` in [0, 1], chance 0.5.
    """
    if x1.shape != x2.shape:
        raise ValueError(f"vectors of the two languages differ in shape: {x1.shape}, {x2.shape}")
    d11 = 1.0 - cosine_similarity(x1, x1)  # [i, j] = d(A_i, X_j)
    d21 = 1.0 - cosine_similarity(x2, x1)  # [i, j] = d(B_i, X_j)
    return _score(d11, d21)


def abx_meaning(x1: np.ndarray, x2: np.ndarray) -> Count:
    """Meaning discrimination of l1 sentences by their l2 translations.

    ``D = mean_{i != j} 1[d(s_{i,1}, s_{i,2}) < d(s_{j,1}, s_{i,2})]`` (+ half the ties): the
    AUC form of retrieval top-1 from l2 into l1.

    Args:
        x1: [N x D] sentence vectors of language l1.
        x2: [N x D] sentence vectors of l2, row-aligned translations.

    Returns:
        Half-triplet counts; ``value`` in [0, 1], chance 0.5.
    """
    if x1.shape != x2.shape:
        raise ValueError(f"vectors of the two languages differ in shape: {x1.shape}, {x2.shape}")
    d12 = 1.0 - cosine_similarity(x1, x2)  # [a, x] = d(s_{a,1}, s_{x,2})
    true = np.broadcast_to(np.diag(d12)[None, :], d12.shape)  # [j, i] = d(A_i, X_i)
    return _score(true, d12)  # d12[j, i] = d(B_j, X_i)
