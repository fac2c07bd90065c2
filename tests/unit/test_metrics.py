"""CALIGN and COLAP on small hand-computed cases (DESIGN.md, "Metric definitions")."""

from __future__ import annotations

import numpy as np
import pytest

from xlprobe.probing.concepts import ConceptSet, TokenTable
from xlprobe.probing.dictionary import Dictionary
from xlprobe.probing.metrics import (
    CALIGN_RULES,
    DictionaryCoverage,
    calign,
    colap,
    dictionary_coverage,
    translation_overlap,
)
from xlprobe.probing.reference import calign_reference


def words(prefix: str, *indices: int) -> list[str]:
    return [f"{prefix}{i}" for i in indices]


def identity_dictionary(n: int, *, skip: tuple[int, ...] = ()) -> Dictionary:
    """s_i -> t_i for i < n, except the indices in ``skip``."""
    return Dictionary({f"s{i}": [(f"t{i}", 1.0)] for i in range(n) if i not in skip})


def test_aligned_exactly_at_theta():
    src = ConceptSet.from_mapping({0: words("s", *range(10))}, lang="de")
    tgt = ConceptSet.from_mapping({0: words("t", *range(10))}, lang="en")
    eight = identity_dictionary(8)
    result = calign(src, tgt, eight)
    assert (result.percent, result.aligned, result.total, result.eligible) == (100.0, 1, 1, 1)
    assert result.pairs == ((0, 0),)
    assert result.matched == {(0, 0): tuple(sorted(words("s", *range(8))))}
    assert result.source_sizes == {0: 10}
    seven = identity_dictionary(7)
    assert calign(src, tgt, seven).aligned == 0
    assert calign(src, tgt, seven, theta=0.7).aligned == 1
    assert calign(src, tgt, Dictionary({}), theta=0.1 + 0.2).aligned == 0
    assert calign(src, tgt, identity_dictionary(3), theta=0.1 + 0.2).aligned == 1


@pytest.mark.parametrize(
    ("n_src", "n_tgt", "max_size_diff", "comparable"),
    [
        (10, 6, 0.4, True),
        (15, 9, 0.4, True),
        (15, 8, 0.4, False),
        (6, 10, 0.4, True),
        (20, 6, 0.7, True),
        (20, 6, 1 - 0.3, True),
        (21, 6, 0.7, False),
        (30, 6, 1.0, True),
    ],
)
def test_size_limit_is_inclusive(n_src, n_tgt, max_size_diff, comparable):
    src = ConceptSet.from_mapping({0: words("s", *range(n_src))})
    tgt = ConceptSet.from_mapping({0: words("t", *range(n_tgt))})
    d = Dictionary({f"s{i}": [(f"t{i % n_tgt}", 1.0)] for i in range(n_src)})
    result = calign(src, tgt, d, max_size_diff=max_size_diff)
    assert result.aligned == int(comparable)


def test_exactly_min_types_types_is_not_eligible():
    five_src = ConceptSet.from_mapping({0: words("s", *range(5))})
    five_tgt = ConceptSet.from_mapping({0: words("t", *range(5))})
    six_src = ConceptSet.from_mapping({0: words("s", *range(6))})
    six_tgt = ConceptSet.from_mapping({0: words("t", *range(6))})
    d = identity_dictionary(6)
    result = calign(five_src, five_tgt, d)
    assert (result.percent, result.aligned, result.total, result.eligible) == (0.0, 0, 1, 0)
    assert calign(five_src, five_tgt, d, min_types=4).aligned == 1
    assert calign(six_src, five_tgt, d, max_size_diff=0.5).aligned == 0
    assert calign(six_src, five_tgt, d, max_size_diff=0.5, min_types=4).aligned == 1
    assert calign(six_src, six_tgt, d).aligned == 1


def test_types_not_tokens_word_in_two_concepts_and_missing_entries():
    # Source concept 0: types s0..s5 (|Cs| = 6); s5 has no dictionary entry and occurs 4 times,
    # so A/|Cs| = 5/6 (types) although only 5 of 9 tokens match.
    # s0 is in both source concepts, t0 in both target concepts.
    src = ConceptSet.from_mapping(
        {0: [*words("s", 0, 1, 2, 3, 4, 5), "s5", "s5", "s5"], 1: words("s", 0, 6, 7, 8, 9, 10)}
    )
    tgt = ConceptSet.from_mapping(
        {0: words("t", 0, 1, 2, 3, 4, 5), 1: [*words("t", 0, 6, 7, 8, 9, 10), "t6"]}
    )
    d = identity_dictionary(11, skip=(5,))
    result = calign(src, tgt, d)
    assert (result.percent, result.aligned, result.total) == (100.0, 2, 2)
    assert result.pairs == ((0, 0), (1, 1))
    assert result.matched == {
        (0, 0): ("s0", "s1", "s2", "s3", "s4"),
        (1, 1): ("s0", "s10", "s6", "s7", "s8", "s9"),
    }
    assert result.source_sizes == {0: 6, 1: 6}
    overlap = translation_overlap(src, tgt, d)
    assert overlap.counts.tolist() == [[5, 1], [1, 6]]


def test_source_aligned_to_two_targets_counts_once_and_percentages():
    src = ConceptSet.from_mapping(
        {0: words("s", *range(6)), 1: words("x", *range(6)), 2: ["lonely"]}
    )
    tgt = ConceptSet.from_mapping({0: words("t", *range(6)), 1: words("u", *range(6))})
    d = Dictionary({f"s{i}": [(f"t{i}", 0.6), (f"u{i}", 0.4)] for i in range(6)})
    result = calign(src, tgt, d)
    assert result.pairs == ((0, 0), (0, 1))
    assert (result.aligned, result.total, result.eligible) == (1, 3, 2)
    assert result.percent == pytest.approx(100 / 3)
    assert result.aligned_ids == (0,)
    assert (result.numerator, result.denominator) == (1, 3)
    assert result.params == {
        "n_best": 10,
        "theta": 0.8,
        "min_types": 5,
        "max_size_diff": 0.4,
        "rule": "symmetric",
    }
    assert calign(src, tgt, d, n_best=1).pairs == ((0, 0),)


def test_more_translations_than_n_best():
    src = ConceptSet.from_mapping({0: words("s", *range(6))})
    tgt = ConceptSet.from_mapping({0: words("t", *range(6))})
    d = Dictionary({f"s{i}": [(f"x{i}", 0.5), (f"y{i}", 0.3), (f"t{i}", 0.2)] for i in range(6)})
    assert calign(src, tgt, d, n_best=2).percent == 0.0
    assert calign(src, tgt, d, n_best=3).percent == 100.0


def test_ties_in_probability_follow_dictionary_order():
    src = ConceptSet.from_mapping({0: words("s", *range(6))})
    tgt = ConceptSet.from_mapping({0: words("t", *range(6))})
    y_first = Dictionary({f"s{i}": [(f"y{i}", 0.5), (f"t{i}", 0.5)] for i in range(6)})
    t_first = Dictionary({f"s{i}": [(f"t{i}", 0.5), (f"y{i}", 0.5)] for i in range(6)})
    assert calign(src, tgt, y_first, n_best=1).aligned == 0
    assert calign(src, tgt, t_first, n_best=1).aligned == 1


def test_arabic_source_words():
    arabic = ["بيت", "شجرة", "كتاب", "قلم", "باب", "نافذة"]
    english = ["house", "tree", "book", "pen", "door", "window"]
    src = ConceptSet.from_mapping({7: arabic}, lang="ar")
    tgt = ConceptSet.from_mapping({3: english}, lang="en")
    d = Dictionary({a: [(e, 0.9)] for a, e in zip(arabic[:5], english[:5], strict=True)})
    result = calign(src, tgt, d)
    assert result.pairs == ((7, 3),)
    assert set(result.matched[(7, 3)]) == set(arabic[:5])


def test_empty_concept_sets():
    empty = ConceptSet.from_mapping({})
    some = ConceptSet.from_mapping({0: words("t", *range(6))})
    d = identity_dictionary(6)
    result = calign(empty, some, d)
    assert (result.percent, result.aligned, result.total, result.eligible) == (0.0, 0, 0, 0)
    assert result.pairs == ()
    src = ConceptSet.from_mapping({0: words("s", *range(6))})
    result = calign(src, empty, d)
    assert (result.percent, result.aligned, result.total) == (0.0, 0, 1)
    result = colap(empty)
    assert (result.percent, result.overlapping, result.total) == (0.0, 0, 0)


def test_overlap_scores_several_thresholds_like_calign():
    src = ConceptSet.from_mapping({0: words("s", *range(10)), 1: words("s", *range(10, 20))})
    tgt = ConceptSet.from_mapping({0: words("t", *range(10)), 1: words("t", *range(10, 20))})
    d = identity_dictionary(17)
    overlap = translation_overlap(src, tgt, d)
    for theta in (0.5, 0.7, 0.8, 1.0):
        assert overlap.score(theta=theta) == calign(src, tgt, d, theta=theta)
    assert overlap.score(theta=0.7).aligned == 2
    assert overlap.score(theta=0.8).aligned == 1


@pytest.mark.parametrize(
    ("n_src", "n_tgt", "matched", "symmetric", "released"),
    [
        (10, 10, 8, True, False),  # A/|Cs| = 0.8: >= theta, not > theta
        (10, 10, 9, True, True),
        (6, 10, 6, True, False),  # |Cs|/|Ct| = 0.6: >= 1 - 0.4, not > 1 - 0.4
        (7, 11, 7, True, True),  # 7/11 > 0.6
        (10, 6, 10, True, True),  # the released ratio has no upper bound ...
        (10, 3, 10, False, True),  # ... and the target's types are not checked
        (20, 6, 20, False, True),
        (5, 5, 5, False, False),  # the source needs more than min_types types in both rules
        (6, 5, 6, False, True),
    ],
)
def test_released_rule_is_one_sided_and_strict(n_src, n_tgt, matched, symmetric, released):
    """Cs has n_src types, Ct n_tgt; the first ``matched`` source words translate into Ct."""
    src = ConceptSet.from_mapping({0: words("s", *range(n_src))})
    tgt = ConceptSet.from_mapping({0: words("t", *range(n_tgt))})
    d = Dictionary({f"s{i}": [(f"t{i % n_tgt}", 1.0)] for i in range(matched)})
    assert calign(src, tgt, d).aligned == int(symmetric)
    result = calign(src, tgt, d, rule="released")
    assert result.aligned == int(released)
    assert result.params["rule"] == "released"
    assert result.eligible == int(n_src > 5)


def test_released_rule_equals_its_reference_on_random_concept_sets():
    """Sizes around the thresholds, so that the boundaries (A/|Cs| = theta, |Cs|/|Ct| =
    1 - max_size_diff, |Cs| = min_types) occur."""
    rng = np.random.default_rng(0)
    for _ in range(300):
        n_src, n_tgt = rng.integers(1, 40, size=2)
        src_words = words("s", *range(rng.integers(4, 30)))
        tgt_words = words("t", *range(rng.integers(4, 30)))
        src = ConceptSet.from_mapping(
            {c: rng.choice(src_words, rng.integers(1, 16)).tolist() for c in range(n_src % 9)}
        )
        tgt = ConceptSet.from_mapping(
            {c: rng.choice(tgt_words, rng.integers(1, 16)).tolist() for c in range(n_tgt % 9)}
        )
        d = Dictionary(
            {
                w: [(str(t), 1.0) for t in rng.choice(tgt_words, rng.integers(1, 4), replace=False)]
                for w in src_words
                if rng.random() < 0.8
            }
        )
        kwargs = {
            "n_best": int(rng.integers(1, 4)),
            "theta": float(rng.choice([0.0, 0.5, 0.6, 0.75, 0.8, 1.0])),
            "min_types": int(rng.integers(0, 6)),
            "max_size_diff": float(rng.choice([0.0, 0.25, 0.4, 0.5, 1.0])),
        }
        for rule in CALIGN_RULES:
            expected = calign_reference(src, tgt, d, **kwargs, rule=rule)
            assert calign(src, tgt, d, **kwargs, rule=rule) == expected


def test_unknown_rule_is_refused():
    src = ConceptSet.from_mapping({0: ["a"]})
    with pytest.raises(ValueError, match="symmetric, released"):
        calign(src, src, Dictionary({}), rule="paper")


@pytest.mark.parametrize(
    "kwargs", [{"theta": 1.5}, {"theta": -0.1}, {"max_size_diff": 2}, {"min_types": -1}]
)
def test_calign_rejects_out_of_range_settings(kwargs):
    src = ConceptSet.from_mapping({0: ["a"]})
    with pytest.raises(ValueError):
        calign(src, src, Dictionary({}), **kwargs)


def joint(concepts: dict[int, list[tuple[str, str]]]) -> ConceptSet:
    """Jointly clustered tokens from cluster id -> [(word, lang), ...]."""
    rows = [(c, w, lang) for c, tokens in concepts.items() for w, lang in tokens]
    n = len(rows)
    tokens = TokenTable.from_columns(
        [w for _, w, _ in rows], [lang for _, _, lang in rows], range(n), [0] * n, [0] * n
    )
    return ConceptSet(tokens=tokens, labels=[c for c, _, _ in rows])


def test_colap_hand_computed():
    concepts = joint(
        {
            # en 3/10, de 7/10: exactly at theta -> overlaps
            0: [("a", "en")] * 3 + [(f"d{i}", "de") for i in range(7)],
            # en 2/10 -> only de reaches theta
            1: [("a", "en")] * 2 + [(f"d{i}", "de") for i in range(8)],
            # three languages 4/3/3 of 10 -> overlaps
            2: [("a", "en")] * 4 + [("d", "de")] * 3 + [("بيت", "ar")] * 3,
            # 1/1/1/7: only ar reaches theta
            3: [("a", "en"), ("d", "de"), ("f", "fr")] + [("بيت", "ar")] * 7,
            # one language
            4: [("a", "en"), ("b", "en")],
        }
    )
    result = colap(concepts)
    assert (result.overlapping, result.total) == (2, 5)
    assert result.percent == 40.0
    assert result.overlapping_ids == (0, 2)
    assert result.language_counts == {0: {"en": 3, "de": 7}, 2: {"en": 4, "de": 3, "ar": 3}}
    assert result.params == {"theta": 0.3}
    assert colap(concepts, theta=0.1 + 0.2).overlapping_ids == (0, 2)
    assert colap(concepts, theta=0.2).overlapping_ids == (0, 1, 2)
    assert colap(concepts, theta=0.1).overlapping_ids == (0, 1, 2, 3)
    assert colap(concepts, theta=0.5).overlapping_ids == ()


def test_colap_counts_tokens_not_types():
    # en has one type but 3 of 10 tokens.
    concepts = joint({0: [("a", "en")] * 3 + [(f"d{i}", "de") for i in range(7)]})
    assert colap(concepts).overlapping == 1


@pytest.mark.parametrize("theta", [0.0, 1.2])
def test_colap_rejects_out_of_range_theta(theta):
    with pytest.raises(ValueError):
        colap(joint({0: [("a", "en")]}), theta=theta)


def test_tiny_positive_theta_still_needs_a_match():
    src = ConceptSet.from_mapping({0: words("s", *range(6))})
    tgt = ConceptSet.from_mapping({0: words("t", *range(6))})
    assert calign(src, tgt, Dictionary({}), theta=1e-12).aligned == 0
    assert calign(src, tgt, Dictionary({}), theta=0.0).aligned == 1
    assert calign(src, tgt, identity_dictionary(1), theta=1e-12).aligned == 1
    two_langs = joint({0: [("w", "a"), ("w", "b")], 1: [("w", "a")]})
    assert colap(two_langs, theta=5e-324).overlapping_ids == (0,)


def test_negative_and_huge_cluster_ids_are_kept():
    src = ConceptSet.from_mapping({-5: words("s", *range(6)), 10**12: words("s", *range(6, 12))})
    tgt = ConceptSet.from_mapping({7: words("t", *range(6)), -1: words("t", *range(6, 12))})
    result = calign(src, tgt, identity_dictionary(12))
    assert result.pairs == ((-5, 7), (10**12, -1))
    assert result.source_sizes == {-5: 6, 10**12: 6}
    concepts = joint({-2: [("a", "en"), ("b", "de")], 10**12: [("a", "en")]})
    assert colap(concepts).overlapping_ids == (-2,)


def test_dictionary_coverage_counts_source_types_with_an_n_best_translation_in_the_target():
    # source types: s0 s1 s2 s3 (s0 twice, in two concepts); target types: t0 t1 t2
    src = ConceptSet.from_mapping({0: ["s0", "s1", "s0"], 1: ["s2", "s3", "s0"]}, lang="de")
    tgt = ConceptSet.from_mapping({0: ["t0", "t1"], 1: ["t2"]}, lang="en")
    d = Dictionary(
        {
            "s0": [("t0", 0.9)],  # covered
            "s1": [("x", 0.6), ("t1", 0.4)],  # covered with n_best >= 2 only
            "s2": [("y", 1.0)],  # a translation, but not a target word
            "zz": [("t2", 1.0)],  # not a source word
        }
    )  # s3: no entry
    assert dictionary_coverage(src, tgt, d) == DictionaryCoverage(2, 4, 10)
    assert dictionary_coverage(src, tgt, d).percent == 50.0
    one_best = dictionary_coverage(src, tgt, d, n_best=1)
    assert (one_best.covered, one_best.total, one_best.percent) == (1, 4, 25.0)
    assert calign(src, tgt, d).coverage == DictionaryCoverage(2, 4, 10)
    assert calign(src, tgt, d, n_best=1).coverage == one_best


def test_a_reversed_dictionary_covers_nothing_and_an_empty_source_is_zero():
    src = ConceptSet.from_mapping({0: words("s", *range(6))}, lang="de")
    tgt = ConceptSet.from_mapping({0: words("t", *range(6))}, lang="en")
    forward = identity_dictionary(6)
    reversed_ = Dictionary({f"t{i}": [(f"s{i}", 1.0)] for i in range(6)})
    assert dictionary_coverage(src, tgt, forward).percent == 100.0
    assert dictionary_coverage(src, tgt, reversed_) == DictionaryCoverage(0, 6, 10)
    empty = ConceptSet.from_mapping({}, lang="de")
    assert dictionary_coverage(empty, tgt, forward) == DictionaryCoverage(0, 0, 10)
    assert dictionary_coverage(empty, tgt, forward).percent == 0.0
