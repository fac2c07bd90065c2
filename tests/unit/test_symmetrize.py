"""grow-diag-final-and on hand-made link sets, and Moses-style lexical probabilities with NULL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlprobe.probing.alignment import grow_diag_final_and, lexical_table


def test_agreeing_directions_are_kept_as_they_are():
    links = {(0, 0), (1, 2), (2, 1)}
    assert grow_diag_final_and(links, set(links), 3, 3) == links


def test_grow_diag_adds_a_diagonal_neighbour_whose_words_are_unaligned():
    forward = {(0, 0), (1, 1)}
    reverse = {(0, 0)}
    assert grow_diag_final_and(forward, reverse, 2, 2) == {(0, 0), (1, 1)}


def test_grow_diag_adds_a_neighbour_when_only_one_of_its_words_is_unaligned():
    # (0, 1) is next to (0, 0); source word 0 is aligned but target word 1 is not.
    forward = {(0, 0), (0, 1)}
    reverse = {(0, 0)}
    assert grow_diag_final_and(forward, reverse, 1, 2) == {(0, 0), (0, 1)}


def test_grow_diag_skips_a_neighbour_whose_words_are_both_aligned():
    forward = {(0, 0), (1, 1)}
    reverse = {(0, 0), (1, 1), (0, 1)}
    assert grow_diag_final_and(forward, reverse, 2, 2) == {(0, 0), (1, 1)}


def test_grow_diag_grows_a_chain_from_the_intersection():
    forward = {(0, 0), (1, 1), (2, 2), (3, 3)}
    reverse = {(0, 0)}
    assert grow_diag_final_and(forward, reverse, 4, 4) == forward


def test_grow_diag_reaches_points_before_the_current_one_in_a_later_scan():
    # (1, 2) is only reachable from (2, 2), which is itself added from (3, 3): the scan that adds
    # (2, 2) has passed (1, 2) already, so a second scan must add it (FINAL-AND would not: target
    # word 2 is aligned by then).
    forward = {(3, 3), (2, 2), (1, 2)}
    reverse = {(3, 3)}
    assert grow_diag_final_and(forward, reverse, 4, 4) == forward


def test_grow_diag_visits_points_added_later_in_the_scan_order_within_the_same_scan():
    # From (0, 2) the scan adds (0, 1) (before it: next scan) and (1, 1) (after it: this scan).
    # (1, 1) is visited first and adds (1, 0); that aligns target word 0, so the next scan's
    # visit of (0, 1) cannot add (0, 0). Visiting (1, 1) only in the next scan would give
    # (0, 0) instead of (1, 0).
    forward = {(1, 0), (0, 2)}
    reverse = {(0, 0), (0, 1), (0, 2), (1, 1)}
    assert grow_diag_final_and(forward, reverse, 2, 3) == {(0, 1), (0, 2), (1, 0), (1, 1)}


def test_final_and_adds_an_isolated_point_whose_words_are_both_unaligned():
    forward = {(0, 0), (2, 3)}
    reverse = {(0, 0)}
    assert grow_diag_final_and(forward, reverse, 3, 4) == {(0, 0), (2, 3)}


def test_final_and_skips_an_isolated_point_with_an_aligned_word():
    # grow-diag-final (without "and") would add (0, 2): its target word is unaligned.
    forward = {(0, 0), (0, 2)}
    reverse = {(0, 0)}
    assert grow_diag_final_and(forward, reverse, 1, 3) == {(0, 0)}


def test_final_and_takes_forward_links_before_reverse_links():
    forward = {(0, 0), (2, 2)}
    reverse = {(0, 0), (2, 3)}
    assert grow_diag_final_and(forward, reverse, 3, 4) == {(0, 0), (2, 2)}
    assert grow_diag_final_and(reverse, forward, 3, 4) == {(0, 0), (2, 3)}


def test_empty_intersection_keeps_only_final_and_points():
    forward = {(0, 1)}
    reverse = {(1, 0), (0, 0)}
    # Nothing to grow from; FINAL-AND takes (0, 1) from forward, then (1, 0) from reverse;
    # (0, 0) has both words aligned by then.
    assert grow_diag_final_and(forward, reverse, 2, 2) == {(0, 1), (1, 0)}


def test_link_outside_the_sentence_pair_is_rejected():
    with pytest.raises(ValueError, match="outside a 2 x 2"):
        grow_diag_final_and({(0, 0)}, {(2, 0)}, 2, 2)


def _koehn_reference(forward, reverse, src_len, tgt_len):
    """Koehn's pseudo-code (statmt.org) transcribed literally, nested loops over the grid."""
    neighbours = [(-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]
    union = forward | reverse
    alignment = forward & reverse

    def aligned_src(e):
        return any(p[0] == e for p in alignment)

    def aligned_tgt(f):
        return any(p[1] == f for p in alignment)

    new_points = True
    while new_points:
        new_points = False
        for e in range(src_len):
            for f in range(tgt_len):
                if (e, f) in alignment:
                    for de, df in neighbours:
                        e_new, f_new = e + de, f + df
                        if (not aligned_src(e_new) or not aligned_tgt(f_new)) and (
                            e_new,
                            f_new,
                        ) in union:
                            alignment.add((e_new, f_new))
                            new_points = True
    for links in (forward, reverse):
        for e_new in range(src_len):
            for f_new in range(tgt_len):
                if not aligned_src(e_new) and not aligned_tgt(f_new) and (e_new, f_new) in links:
                    alignment.add((e_new, f_new))
    return alignment


@st.composite
def _link_sets(draw):
    src_len = draw(st.integers(1, 7))
    tgt_len = draw(st.integers(1, 7))
    points = st.tuples(st.integers(0, src_len - 1), st.integers(0, tgt_len - 1))
    forward = draw(st.sets(points, max_size=src_len * tgt_len))
    reverse = draw(st.sets(points, max_size=src_len * tgt_len))
    return forward, reverse, src_len, tgt_len


@settings(max_examples=300, deadline=None)
@given(_link_sets())
def test_matches_koehn_pseudo_code_on_random_link_sets(case):
    forward, reverse, src_len, tgt_len = case
    result = grow_diag_final_and(forward, reverse, src_len, tgt_len)
    assert result == _koehn_reference(forward, reverse, src_len, tgt_len)
    assert forward & reverse <= result <= forward | reverse


def test_lexical_probabilities_count_unaligned_words_against_null():
    src = [["a", "b"], ["a", "c"], ["a"], ["a"]]
    tgt = [["x", "y"], ["x"], ["x", "y"], ["z"]]
    links = [{(0, 0), (1, 1)}, {(0, 0)}, {(0, 0), (0, 1)}, set()]
    # count(a) = 1 + 1 + 2 links + 1 NULL = 5; count(a, x) = 3, count(a, y) = 1.
    # count(b) = 1 (b-y); c only ever links to NULL, so it has no entry.
    d = lexical_table(src, tgt, links)
    assert d.translations == {"a": [("x", 3 / 5), ("y", 1 / 5)], "b": [("y", 1.0)]}
    assert d.counts == {"a": {"x": 3, "y": 1}, "b": {"y": 1}}


def test_lexical_probabilities_of_the_reverse_direction_use_transposed_links():
    src = [["a", "b"], ["a", "c"], ["a"], ["a"]]
    tgt = [["x", "y"], ["x"], ["x", "y"], ["z"]]
    links = [{(0, 0), (1, 1)}, {(0, 0)}, {(0, 0), (0, 1)}, set()]
    transposed = [{(j, i) for i, j in sentence} for sentence in links]
    # count(x) = 3 (all to a); count(y) = 2 (b, a); z unaligned -> NULL only.
    d = lexical_table(tgt, src, transposed)
    assert d.translations == {"x": [("a", 1.0)], "y": [("a", 0.5), ("b", 0.5)]}


def test_min_count_drops_rare_pairs_without_renormalizing():
    src = [["a"], ["a"], ["a"], ["d"]]
    tgt = [["x"], ["x"], ["y"], ["x"]]
    links = [{(0, 0)}] * 4
    d = lexical_table(src, tgt, links, min_count=2)
    assert d.translations == {"a": [("x", 2 / 3)]}
    assert d.counts == {"a": {"x": 2}}
