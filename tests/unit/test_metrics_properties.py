"""Property tests: vectorized CALIGN/COLAP equal the loop reference and are monotone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xlprobe.probing.concepts import ConceptSet, TokenTable
from xlprobe.probing.dictionary import Dictionary
from xlprobe.probing.metrics import calign, colap
from xlprobe.probing.reference import calign_reference, colap_reference

EXAMPLES = settings(max_examples=60, deadline=None)

SOURCE_WORDS = [f"s{i}" for i in range(14)] + ["بيت", "a|b"]
TARGET_WORDS = [f"t{i}" for i in range(14)] + ["house"]


def concept_sets(vocabulary: list[str]) -> st.SearchStrategy[ConceptSet]:
    """Up to 80 occurrences of words from ``vocabulary`` in up to 6 clusters."""
    rows = st.lists(st.tuples(st.integers(0, 5), st.sampled_from(vocabulary)), max_size=80)
    return rows.map(
        lambda r: ConceptSet(
            tokens=TokenTable.from_columns(
                [w for _, w in r], "xx", range(len(r)), [0] * len(r), [0] * len(r)
            ),
            labels=[c for c, _ in r],
        )
    )


dictionaries = st.dictionaries(
    st.sampled_from(SOURCE_WORDS),
    st.lists(
        st.tuples(st.sampled_from([*TARGET_WORDS, "unseen"]), st.sampled_from([0.1, 0.5, 1.0])),
        max_size=5,
        unique_by=lambda item: item[0],
    ).map(lambda tgts: sorted(tgts, key=lambda item: -item[1])),
).map(Dictionary)

unit = st.floats(0, 1)
calign_settings = st.fixed_dictionaries(
    {
        "n_best": st.integers(1, 5),
        "theta": unit,
        "min_types": st.integers(0, 3),
        "max_size_diff": unit,
    }
)


@EXAMPLES
@given(concept_sets(SOURCE_WORDS), concept_sets(TARGET_WORDS), dictionaries, calign_settings)
def test_calign_equals_reference(src, tgt, d, kwargs):
    assert calign(src, tgt, d, **kwargs) == calign_reference(src, tgt, d, **kwargs)


@EXAMPLES
@given(
    concept_sets(SOURCE_WORDS),
    concept_sets(TARGET_WORDS),
    dictionaries,
    calign_settings,
    unit,
    unit,
)
def test_calign_never_increases_with_theta(src, tgt, d, kwargs, a, b):
    low, high = sorted((a, b))
    kwargs = {**kwargs, "theta": low}
    at_low = calign(src, tgt, d, **kwargs)
    at_high = calign(src, tgt, d, **{**kwargs, "theta": high})
    assert at_high.aligned <= at_low.aligned
    assert set(at_high.pairs) <= set(at_low.pairs)


@EXAMPLES
@given(
    concept_sets(SOURCE_WORDS),
    concept_sets(TARGET_WORDS),
    dictionaries,
    calign_settings,
    st.integers(1, 6),
    st.integers(1, 6),
)
def test_calign_never_decreases_with_n_best(src, tgt, d, kwargs, a, b):
    low, high = sorted((a, b))
    at_low = calign(src, tgt, d, **{**kwargs, "n_best": low})
    at_high = calign(src, tgt, d, **{**kwargs, "n_best": high})
    assert at_high.aligned >= at_low.aligned
    assert set(at_high.pairs) >= set(at_low.pairs)


joint_sets = st.lists(
    st.tuples(st.integers(0, 7), st.sampled_from(["w", "v", "بيت"]), st.sampled_from("abcd")),
    max_size=80,
).map(
    lambda r: ConceptSet(
        tokens=TokenTable.from_columns(
            [w for _, w, _ in r],
            [lang for _, _, lang in r],
            range(len(r)),
            [0] * len(r),
            [0] * len(r),
        ),
        labels=[c for c, _, _ in r],
    )
)
positive_unit = st.floats(0, 1, exclude_min=True)


@EXAMPLES
@given(joint_sets, positive_unit)
def test_colap_equals_reference(concepts, theta):
    assert colap(concepts, theta=theta) == colap_reference(concepts, theta=theta)


@EXAMPLES
@given(joint_sets, positive_unit, positive_unit)
def test_colap_never_increases_with_theta(concepts, a, b):
    low, high = sorted((a, b))
    at_low = colap(concepts, theta=low)
    at_high = colap(concepts, theta=high)
    assert at_high.overlapping <= at_low.overlapping
    assert set(at_high.overlapping_ids) <= set(at_low.overlapping_ids)
