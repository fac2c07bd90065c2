"""aggregate_subwords: subword vectors -> word vectors, named edge cases (hand-computed)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from xlprobe.probing.extract import aggregate_subwords


def states(t: int) -> torch.Tensor:
    """[t x 2] rows (10*i, 10*i + 1) so each position is recognisable."""
    return torch.tensor([[10.0 * i, 10.0 * i + 1] for i in range(t)])


def test_single_subword_words_are_the_same_for_every_aggregation():
    word_ids = [None, 0, 1, None]
    for how in ("first", "last", "mean"):
        vectors, words = aggregate_subwords(states(4), word_ids, how)
        assert words.tolist() == [0, 1]
        assert vectors.tolist() == [[10.0, 11.0], [20.0, 21.0]]


def test_word_split_into_three_subwords():
    word_ids = [None, 0, 0, 0, 1, None]
    first, _ = aggregate_subwords(states(6), word_ids, "first")
    last, _ = aggregate_subwords(states(6), word_ids, "last")
    mean, words = aggregate_subwords(states(6), word_ids, "mean")
    assert words.tolist() == [0, 1]
    assert first[0].tolist() == [10.0, 11.0]
    assert last[0].tolist() == [30.0, 31.0]
    assert mean[0].tolist() == [20.0, 21.0]
    assert first[1].tolist() == last[1].tolist() == mean[1].tolist() == [40.0, 41.0]


def test_word_without_subwords_is_absent():
    # Word 1 was dropped by the tokenizer: no position maps to it.
    vectors, words = aggregate_subwords(states(5), [None, 0, 2, 2, None], "last")
    assert words.tolist() == [0, 2]
    assert vectors.tolist() == [[10.0, 11.0], [30.0, 31.0]]


def test_only_special_tokens_gives_an_empty_result():
    for how in ("first", "last", "mean"):
        vectors, words = aggregate_subwords(states(3), [None, None, None], how)
        assert vectors.shape == (0, 2)
        assert words.shape == (0,)


def test_padding_marked_negative_in_an_array_is_ignored():
    word_ids = np.array([-1, 5, 5, 7, -1, -1])
    vectors, words = aggregate_subwords(states(6), word_ids, "last")
    assert words.tolist() == [5, 7]
    assert vectors.tolist() == [[20.0, 21.0], [30.0, 31.0]]


def test_word_ids_need_not_start_at_zero_or_be_dense():
    # Keys across a flattened batch are store rows: any ascending non-negative ints.
    vectors, words = aggregate_subwords(states(4), [40, 41, 41, 90], "first")
    assert words.tolist() == [40, 41, 90]
    assert vectors[:, 0].tolist() == [0.0, 10.0, 30.0]


def test_first_subword_at_position_zero_is_kept():
    vectors, words = aggregate_subwords(states(2), [0, 0], "first")
    assert words.tolist() == [0]
    assert vectors.tolist() == [[0.0, 1.0]]


def test_mismatched_lengths_and_unknown_aggregation_are_errors():
    with pytest.raises(ValueError, match="word ids"):
        aggregate_subwords(states(3), [0, 1], "last")
    with pytest.raises(ValueError, match="aggregation"):
        aggregate_subwords(states(2), [0, 1], "max")
