"""Tree decoding for a biaffine dependency parser (pure numpy): every output is a tree.

Input: a score matrix ``scores`` of shape [n+1 x n+1], ``scores[h, d]`` the score of an arc from
head ``h`` to dependent ``d`` (row = head, column = dependent; index 0 is ROOT, 1..n the words).
Column 0 (arcs into ROOT) and the diagonal (self-loops) are ignored; every other entry must be
finite. Output: ``heads`` of shape [n], ``heads[d - 1]`` the head of word ``d`` (0 = ROOT), a
tree of maximum total score ``sum_d scores[heads[d - 1], d]`` in which exactly one word hangs
from ROOT, as Universal Dependencies requires.

* :func:`max_spanning_tree`: the maximum spanning arborescence, non-projective (Chu and Liu
  1965; Edmonds 1967; McDonald et al., EMNLP 2005). The one-root constraint: every ROOT arc
  loses a constant ``M = n * (max - min) + 1`` (max, min over the used scores), larger than
  the score difference between any two trees, so the best arborescence has the fewest ROOT arcs
  (one) and is the best of those (Gabow and Tarjan 1984; Zmigrod et al., EMNLP 2020, section 3).
* :func:`eisner`: the best projective tree (Eisner, COLING 1996), O(n^3): complete and
  incomplete spans over the words, ROOT attached once to the word heading the whole sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from xlprobe.data.conllu import find_cycle


def _checked(scores: np.ndarray) -> np.ndarray:
    """A float64 copy with column 0 and the diagonal set to -inf."""
    s = np.array(scores, dtype=np.float64)
    if s.ndim != 2 or s.shape[0] != s.shape[1] or s.shape[0] < 1:
        raise ValueError(f"scores must be a square [n+1 x n+1] matrix, got shape {s.shape}")
    s[:, 0] = -np.inf
    np.fill_diagonal(s, -np.inf)
    used = s[:, 1:][~np.eye(len(s), dtype=bool)[:, 1:]]
    if not np.isfinite(used).all():
        raise ValueError("scores must be finite outside column 0 and the diagonal")
    return s


def _arborescence(s: np.ndarray) -> np.ndarray:
    """Chu-Liu/Edmonds on ``s`` [m x m] (no arcs into 0, none on the diagonal): heads [m]."""
    heads = s.argmax(axis=0)
    heads[0] = 0
    cycle = np.array(find_cycle(heads[1:].tolist()), dtype=np.int64)
    if cycle.size == 0:
        return heads
    outside = np.setdiff1d(np.arange(len(s)), cycle)  # sorted: ROOT stays first
    k = len(outside)
    # the cycle becomes node k; an arc entering it at v replaces v's cycle arc
    entering = s[np.ix_(outside, cycle)] - s[heads[cycle], cycle][None, :]
    leaving = s[np.ix_(cycle, outside)]
    t = np.full((k + 1, k + 1), -np.inf)
    t[:k, :k] = s[np.ix_(outside, outside)]
    t[:k, k] = entering.max(axis=1)
    t[k, :k] = leaving.max(axis=0)
    t[:, 0] = -np.inf
    contracted = _arborescence(t)
    for j in range(1, k):
        h = contracted[j]
        heads[outside[j]] = cycle[leaving[:, j].argmax()] if h == k else outside[h]
    h = contracted[k]
    heads[cycle[entering[h].argmax()]] = outside[h]
    return heads


def max_spanning_tree(scores: np.ndarray) -> np.ndarray:
    """The best tree with one ROOT dependent, projective or not (Chu-Liu/Edmonds).

    Args:
        scores: Arc scores [n+1 x n+1], ``scores[head, dependent]``, index 0 = ROOT.

    Returns:
        heads: int64 [n], 0 = ROOT.

    Raises:
        ValueError: Not a square matrix, or a non-finite score where an arc can be.
    """
    s = _checked(scores)
    n = len(s) - 1
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    finite = s[np.isfinite(s)]
    s[0, 1:] -= n * (finite.max() - finite.min()) + 1.0
    return _arborescence(s)[1:].astype(np.int64)


def eisner(scores: np.ndarray) -> np.ndarray:
    """The best projective tree with one ROOT dependent (Eisner's algorithm).

    Args:
        scores: Arc scores [n+1 x n+1], ``scores[head, dependent]``, index 0 = ROOT.

    Returns:
        heads: int64 [n], 0 = ROOT.

    Raises:
        ValueError: Not a square matrix, or a non-finite score where an arc can be.
    """
    s = _checked(scores)
    n = len(s) - 1
    arc, root = s[1:, 1:], s[0, 1:]  # between words 0..n-1, and ROOT -> word
    # spans [i, j] of words; "left" spans are headed by j, "right" spans by i
    complete_l, complete_r = np.zeros((n, n)), np.zeros((n, n))
    incomplete_l, incomplete_r = np.zeros((n, n)), np.zeros((n, n))
    split_i, split_l, split_r = (np.zeros((n, n), dtype=np.int64) for _ in range(3))
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            pair = complete_r[i, i:j] + complete_l[i + 1 : j + 1, j]
            k = int(pair.argmax())
            incomplete_l[i, j] = pair[k] + arc[j, i]
            incomplete_r[i, j] = pair[k] + arc[i, j]
            split_i[i, j] = i + k
            left = complete_l[i, i:j] + incomplete_l[i:j, j]
            k = int(left.argmax())
            complete_l[i, j] = left[k]
            split_l[i, j] = i + k
            right = incomplete_r[i, i + 1 : j + 1] + complete_r[i + 1 : j + 1, j]
            k = int(right.argmax())
            complete_r[i, j] = right[k]
            split_r[i, j] = i + 1 + k
    best = int((complete_l[0, :] + complete_r[:, n - 1] + root).argmax()) if n else 0
    heads = np.zeros(n, dtype=np.int64)
    stack = [("l", 0, best), ("r", best, n - 1)] if n else []
    while stack:
        kind, i, j = stack.pop()
        if i == j:
            continue
        if kind == "l":
            k = split_l[i, j]
            stack += [("l", i, k), ("il", k, j)]
        elif kind == "r":
            k = split_r[i, j]
            stack += [("ir", i, k), ("r", k, j)]
        else:
            head, dependent = (j, i) if kind == "il" else (i, j)
            heads[dependent] = head + 1
            k = split_i[i, j]
            stack += [("r", i, k), ("l", k + 1, j)]
    return heads


def is_projective(heads: Sequence[int]) -> bool:
    """Whether no two arcs cross (ROOT at position 0, its arc included).

    Args:
        heads: Heads of words 1..n, shape [n], 0 = ROOT.
    """
    arcs = [(min(h, d), max(h, d)) for d, h in enumerate(heads, 1)]
    return not any(a < c < b < e for a, b in arcs for c, e in arcs)
