"""LAPE without a model: the entropy, the thresholds and Tang et al.'s selection on activation
probabilities with a known set of language-specific units, and the random control."""

from __future__ import annotations

import math

import numpy as np
import pytest

from xlprobe.errors import InputError
from xlprobe.probing.probes.lape import (
    LapeSettings,
    lape_entropy,
    layer_matched_random,
    quantile_value,
    select_units,
)


def test_entropy_is_zero_for_one_language_and_ln_n_for_all_alike():
    probs = np.array([[0.8, 0.0, 0.0], [0.3, 0.3, 0.3], [0.5, 0.5, 0.0], [0.0, 0.0, 0.0]])
    entropy = lape_entropy(probs)
    assert entropy[:3] == pytest.approx([0.0, math.log(3), math.log(2)])
    assert math.isnan(entropy[3])  # never active


def test_quantile_value_is_the_kth_smallest_as_tang_et_al_take_it():
    values = np.arange(1, 101, dtype=float)[::-1]
    assert quantile_value(values, 0.95) == 95.0
    assert quantile_value(values, 0.0) == 1.0
    assert quantile_value(values, 1.0) == 100.0


def _planted(seed: int = 0):
    """[M x 4] probabilities: background units active 10-40 % in every language, and planted
    units active 90 % in their language(s) and 1 % elsewhere."""
    rng = np.random.default_rng(seed)
    m, n = 2000, 4
    probs = rng.uniform(0.1, 0.4, size=(m, n))
    planted = {0: [3, 700, 1500], 1: [42, 901], 2: [1999], 3: [1200, 1201]}
    both = 555  # specific to languages 1 and 2
    for lang, units in planted.items():
        for unit in units:
            probs[unit] = 0.01
            probs[unit, lang] = 0.9
    probs[both] = [0.01, 0.9, 0.9, 0.01]
    # active everywhere: above the filter but of maximal entropy
    probs[[10, 11, 12]] = 0.95
    return probs, planted, both


def test_the_selection_finds_exactly_the_planted_units():
    probs, planted, both = _planted()
    n_planted = sum(len(u) for u in planted.values()) + 1
    selection = select_units(probs, filter_rate=0.99, top_rate=n_planted / len(probs))
    assert selection.selected.sum() == n_planted
    for lang, units in planted.items():
        expected = sorted(units + ([both] if lang in (1, 2) else []))
        assert np.flatnonzero(selection.specific[lang]).tolist() == expected
    assert not selection.selected[[10, 11, 12]].any()
    # background units pass the filter too: the entropy, not the filter, leaves them out
    candidates = (probs > selection.filter_value).any(-1)
    assert candidates.sum() > n_planted + 3


def test_no_unit_passes_a_filter_no_probability_exceeds():
    probs, _, _ = _planted()
    selection = select_units(probs, filter_rate=1.0, top_rate=0.01)
    assert not selection.selected.any() and not selection.specific.any()


def test_fewer_candidates_than_the_top_rate_selects_only_candidates():
    probs, _, _ = _planted()
    selection = select_units(probs, filter_rate=0.99, top_rate=0.5)
    candidates = (probs > selection.filter_value).any(-1)
    assert selection.selected.sum() == candidates.sum() < 0.5 * len(probs)


def test_random_control_draws_as_many_units_per_layer():
    layer_of = np.repeat(np.arange(4), 100)
    chosen = np.array([5, 7, 250, 251, 252, 399])
    drawn = layer_matched_random(chosen, layer_of, seed=(0, 1))
    assert np.bincount(layer_of[drawn], minlength=4).tolist() == [2, 0, 3, 1]
    assert len(set(drawn.tolist())) == 6
    assert layer_matched_random(chosen, layer_of, seed=(0, 1)).tolist() == drawn.tolist()
    assert layer_matched_random(chosen[:0], layer_of, seed=0).tolist() == []


def test_thresholds_are_checked_as_options():
    with pytest.raises(InputError, match=r"probe\.lape\.top_rate"):
        LapeSettings(top_rate=0.0)
    with pytest.raises(InputError, match=r"probe\.lape\.bar_rate"):
        LapeSettings(bar_rate=1.5)
