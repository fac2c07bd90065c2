"""Tree decoders: always a tree with one ROOT dependent, the best one (brute force on small n)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xlprobe.data.conllu import find_cycle
from xlprobe.tasks.trees import eisner, is_projective, max_spanning_tree

DECODERS = {"mst": max_spanning_tree, "eisner": eisner}


def score_matrices(max_n: int):
    """[n+1 x n+1] finite scores; integers in a small range make ties frequent."""
    values = st.one_of(st.floats(-10, 10, allow_nan=False, width=64), st.integers(-3, 3).map(float))
    return st.integers(1, max_n).flatmap(
        lambda n: arrays(np.float64, (n + 1, n + 1), elements=values)
    )


def tree_score(scores: np.ndarray, heads) -> float:
    return float(sum(scores[h, d] for d, h in enumerate(heads, 1)))


def is_tree(heads) -> bool:
    return sum(h == 0 for h in heads) == 1 and not find_cycle(list(heads))


def brute_force(scores: np.ndarray, projective: bool) -> float:
    """Best score over every head assignment that is a tree with one ROOT dependent."""
    n = len(scores) - 1
    choices = [[h for h in range(n + 1) if h != d] for d in range(1, n + 1)]
    return max(
        tree_score(scores, heads)
        for heads in itertools.product(*choices)
        if is_tree(heads) and (is_projective(heads) or not projective)
    )


@pytest.mark.parametrize("name", sorted(DECODERS))
@settings(max_examples=300, deadline=None)
@given(scores=score_matrices(5))
def test_decoders_find_the_best_tree_with_one_root(name, scores):
    heads = DECODERS[name](scores)
    assert heads.shape == (len(scores) - 1,)
    assert is_tree(heads)
    if name == "eisner":
        assert is_projective(heads)
    best = brute_force(scores, projective=name == "eisner")
    assert tree_score(scores, heads) == pytest.approx(best, abs=1e-9)


@pytest.mark.parametrize("name", sorted(DECODERS))
@settings(max_examples=100, deadline=None)
@given(scores=score_matrices(40))
def test_decoders_always_return_a_tree(name, scores):
    heads = DECODERS[name](scores)
    assert is_tree(heads)
    assert ((heads >= 0) & (heads < len(scores))).all()


def test_every_word_preferring_root_still_gives_one_root():
    """Greedy heads would hang all three words from ROOT; the best single-root tree does not."""
    scores = np.array(
        [
            [0, 10, 9, 8],
            [0, 0, 1, 1],
            [0, 2, 0, 1],
            [0, 1, 3, 0],
        ],
        dtype=float,
    )
    for decode in DECODERS.values():
        heads = decode(scores)
        assert heads.tolist() == [0, 3, 1]  # 10 + 3 + 1: word 1 under ROOT, 3 under 1, 2 under 3


def test_non_projective_optimum_and_its_projective_second_best():
    """Arcs 0->2, 2->1, 1->3, 2->4: (1, 3) crosses (2, 4), which Eisner cannot build."""
    n = 4
    scores = np.zeros((n + 1, n + 1))
    for head, dependent in [(0, 2), (2, 1), (1, 3), (2, 4)]:
        scores[head, dependent] = 10
    mst = max_spanning_tree(scores)
    assert mst.tolist() == [2, 0, 1, 2]
    assert not is_projective(mst)
    projective = eisner(scores)
    assert is_projective(projective)
    assert tree_score(scores, projective) == 30


@pytest.mark.parametrize(
    ("heads", "projective"),
    [
        ([0], True),
        ([2, 0, 2], True),
        ([3, 0, 2, 1], False),
        ([2, 0, 1, 2], False),
        ([0, 3, 1], True),
    ],
)
def test_is_projective(heads, projective):
    assert is_projective(heads) is projective


def test_edge_cases_and_bad_input():
    for decode in DECODERS.values():
        assert decode(np.zeros((1, 1))).tolist() == []
        assert decode(np.zeros((2, 2))).tolist() == [0]
        # column 0 and the diagonal are never read
        scores = np.ones((3, 3))
        scores[:, 0] = np.nan
        np.fill_diagonal(scores, np.inf)
        assert is_tree(decode(scores))
        with pytest.raises(ValueError, match="square"):
            decode(np.zeros((2, 3)))
        bad = np.zeros((3, 3))
        bad[1, 2] = np.nan
        with pytest.raises(ValueError, match="finite"):
            decode(bad)
