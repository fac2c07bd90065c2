"""Cross-lingual sentence retrieval top-1 accuracy (cosine), with duplicate sentences merged.

For parallel sentence vectors Q (query language) and C (candidate language), row i of each being
translations of each other:
``top1(Q -> C) = (1/N) * sum_i 1[argmax_j cos(q_i, c_j) = i]`` (Sundar et al., ACL 2025,
Sec. 4.2; the BitextMining score of MTEB). Template corpora repeat sentences, and a query whose
translation appears twice cannot tell the copies apart: :func:`distinct_rows` keeps one row per
repeated sentence before scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from xlprobe.probing.cosine_blocks import diagonal_counts


@dataclass(frozen=True)
class Count:
    """A share as counts: ``value = numerator / denominator`` (NaN when empty)."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float:
        return self.numerator / self.denominator if self.denominator else float("nan")

    def __add__(self, other: Count) -> Count:
        return Count(self.numerator + other.numerator, self.denominator + other.denominator)


def distinct_rows(*columns: Sequence[str]) -> np.ndarray:
    """Row indices to keep so that no kept row repeats a string of an earlier kept row in any
    column (e.g. the two languages of a pair).

    Returns:
        [N'] ascending int64 indices.
    """
    seen: list[set[str]] = [set() for _ in columns]
    keep = []
    for i, row in enumerate(zip(*columns, strict=True)):
        if any(text in s for text, s in zip(row, seen, strict=True)):
            continue
        for text, s in zip(row, seen, strict=True):
            s.add(text)
        keep.append(i)
    return np.asarray(keep, dtype=np.int64)


def normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm (zero rows stay zero). [N x D] -> [N x D] float64."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[N x D], [M x D] -> [N x M] cosine similarities."""
    return normalize(a) @ normalize(b).T


def retrieval_top1(
    queries: np.ndarray, candidates: np.ndarray, *, device: str | None = None
) -> Count:
    """Queries whose most cosine-similar candidate is their own translation (same row).

    Exact (the float64 product's answer), in row blocks of the [N x N] cosine matrix, never held
    whole: ``N^2 D`` multiply-adds, on a GPU when torch sees one
    (:func:`~xlprobe.probing.cosine_blocks.diagonal_counts`). A tie for the maximum goes to the
    first candidate (``numpy.argmax``).

    Args:
        queries: [N x D] sentence vectors of the query language.
        candidates: [N x D] sentence vectors of the candidate language, row-aligned.
        device: ``"numpy"``, a torch device, or ``None`` (CUDA when present, else numpy).

    Returns:
        ``Count(correct, N)``; higher is better, chance 1/N.
    """
    if queries.shape != candidates.shape:
        raise ValueError(f"queries {queries.shape} and candidates {candidates.shape} differ")
    counts = diagonal_counts(normalize(queries), normalize(candidates), device=device)
    return Count(counts.first_max, counts.n)
