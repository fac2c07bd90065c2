"""The paper's alignment filter (parallel_frequency_filter_data.py with minfreq 0): linked
tokens only, multi-word links whole, the first max_per_pair units of an aligned pair kept."""

from __future__ import annotations

from xlprobe.probing.aligned import AlignmentUnit, aligned_tokens, alignment_units
from xlprobe.probing.alignment import read_links, write_links


def test_units_are_the_connected_components_of_the_links():
    # Haus <-> "the house" (one word, two), ist <-> is, alt unaligned, x <-> y and x <-> z and
    # w <-> z: one unit of two source and two target words
    units = alignment_units({(0, 0), (0, 1), (1, 2), (3, 5), (3, 6), (4, 6)})
    assert units == [
        AlignmentUnit((0,), (0, 1)),
        AlignmentUnit((1,), (2,)),
        AlignmentUnit((3, 4), (5, 6)),
    ]
    assert alignment_units(set()) == []


def test_exactly_the_linked_tokens_are_kept_and_unaligned_words_dropped():
    src = ["das Haus ist alt", "ein Buch"]
    tgt = ["the house is old", "a book here"]
    links = [{(0, 0), (1, 1), (2, 2)}, {(0, 0), (1, 1), (1, 2)}]
    kept = aligned_tokens(src, tgt, links)
    assert kept.source == ((0, 1, 2), (0, 1))  # "alt" has no link
    assert kept.target == ((0, 1, 2), (0, 1, 2))  # "book here": a multi-word link, both kept
    assert (kept.units_kept, kept.units_capped) == (5, 0)


def test_the_cap_counts_aligned_pairs_in_corpus_order():
    # "Haus"-"house" eight times, then "Haus"-"home" once: a cap of 3 keeps the first three
    # Haus-house units and the Haus-home one
    src = ["Haus"] * 8 + ["Haus"]
    tgt = ["house"] * 8 + ["home"]
    links = [{(0, 0)}] * 9
    kept = aligned_tokens(src, tgt, links, max_per_pair=3)
    assert kept.source == ((0,),) * 3 + ((),) * 5 + ((0,),)
    assert kept.target == kept.source
    assert (kept.units_kept, kept.units_capped) == (4, 5)
    # the pair key is the words, not the positions: "Haus Tür" <-> "door" is another pair
    kept = aligned_tokens(
        ["Haus Tür", "Haus"], ["door", "house"], [{(0, 0), (1, 0)}, {(0, 0)}], max_per_pair=1
    )
    assert kept.source == ((0, 1), (0,))


def test_links_round_trip_through_pharaoh_files(tmp_path):
    links = [frozenset({(0, 0), (2, 1)}), frozenset(), frozenset({(1, 1)})]
    write_links(links, tmp_path / "de-en.links")
    assert (tmp_path / "de-en.links").read_text() == "0-0 2-1\n\n1-1\n"
    assert read_links(tmp_path / "de-en.links", 3) == links
