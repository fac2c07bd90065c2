"""Reading, writing and the N-best view of translation dictionaries."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlprobe.errors import InputError
from xlprobe.probing.dictionary import (
    Dictionary,
    n_best,
    read_dictionary,
    read_ranked,
    write_dictionary,
)


def test_read_tsv_sorts_by_probability_with_ties_in_file_order(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("Haus\thome\t0.25\nHaus\thouse\t0.5\nHaus\tbuilding\t0.25\nBaum\ttree\t1\n")
    d = read_dictionary(path)
    assert d.translations == {
        "Haus": [("house", 0.5), ("home", 0.25), ("building", 0.25)],
        "Baum": [("tree", 1.0)],
    }
    assert d.counts is None


def test_read_muse_pairs_rank_is_line_order(tmp_path):
    path = tmp_path / "de-en.txt"
    path.write_text("Haus house\nBaum  tree\n\nHaus home\nبيت house\n")
    d = read_dictionary(path)
    assert d.translations == {
        "Haus": [("house", 1.0), ("home", 1.0)],
        "Baum": [("tree", 1.0)],
        "بيت": [("house", 1.0)],
    }
    assert n_best(d, 1) == {"Haus": ["house"], "Baum": ["tree"], "بيت": ["house"]}


def test_repeated_pair_keeps_first_line(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("a\tx\t0.1\na\ty\t0.2\na\tx\t0.9\n")
    assert read_dictionary(path).translations == {"a": [("y", 0.2), ("x", 0.1)]}


def test_write_sorted_by_source_then_probability_and_round_trips(tmp_path):
    d = Dictionary(
        translations={
            "b": [("x", 0.1), ("y", 0.7), ("z", 0.1)],
            "a": [("q", 1 / 3)],
            "ب": [("b", 0.5)],
        }
    )
    path = tmp_path / "out" / "d.tsv"
    write_dictionary(d, path)
    assert path.read_text(encoding="utf-8").splitlines() == [
        f"a\tq\t{1 / 3!r}",
        "b\ty\t0.7",
        "b\tx\t0.1",
        "b\tz\t0.1",
        "ب\tb\t0.5",
    ]
    back = read_dictionary(path)
    assert back.translations["a"] == [("q", 1 / 3)]
    assert back.translations["b"] == [("y", 0.7), ("x", 0.1), ("z", 0.1)]


def test_n_best_keeps_top_n_and_ties_in_order():
    d = Dictionary(translations={"s": [("a", 0.4), ("b", 0.2), ("c", 0.2), ("d", 0.1)], "t": []})
    assert n_best(d, 2) == {"s": ["a", "b"], "t": []}
    assert n_best(d, 3)["s"] == ["a", "b", "c"]
    assert n_best(d, 10)["s"] == ["a", "b", "c", "d"]
    assert n_best(d, 1, words=["s", "missing", "s"]) == {"s": ["a"]}
    with pytest.raises(ValueError, match=">= 1"):
        n_best(d, 0)


@pytest.mark.parametrize(
    ("content", "line", "expected"),
    [
        ("a\tx\t0.5\nb\ty\tabc\n", 2, "non-negative number as probability"),
        ("a\tx\t0.5\nb\ty\t-0.1\n", 2, "non-negative number as probability"),
        ("a\tx\t0.5\nb\ty\tnan\n", 2, "non-negative number as probability"),
        ("a\tx\t0.5\nb y\n", 2, "3 tab-separated fields"),
        ("a\tx\t0.5\n\nb\ty\t0.5\t7\n", 3, "3 tab-separated fields"),
        ("a x\nb\ty\t0.5\n", 2, "2 whitespace-separated words"),
        ("a x\nb y 0.5\n", 2, "2 whitespace-separated words"),
        ("a\tx\t0.5\n b\ty\t0.5\n", 2, "the source word ' b' starts with whitespace"),
        ("a\tx\t0.5\nb\t\u00a0y\t0.5\n", 2, "the target word .* starts with whitespace"),
        ("a\tx\t0.5\nb\t \t0.5\n", 2, "3 tab-separated fields"),
        ("a\tx\t0.5\nb\ty\x00\t0.5\n", 2, "NUL"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, content, line, expected):
    path = tmp_path / "d.tsv"
    path.write_text(content)
    with pytest.raises(InputError, match=expected) as err:
        read_dictionary(path)
    assert (err.value.path, err.value.line) == (str(path), line)


@pytest.mark.parametrize(
    "content",
    [
        "\ufeffa\tx\t0.5\na\ty\t0.25\n",
        "a \tx\t0.5\na\ty \t0.25\t\n",
        "a\tx\t0.5 \r\na\ty\t0.25\r",
    ],
)
def test_byte_order_mark_and_trailing_whitespace_are_not_part_of_a_word(tmp_path, content):
    path = tmp_path / "d.tsv"
    path.write_text(content)
    assert read_dictionary(path).translations == {"a": [("x", 0.5), ("y", 0.25)]}
    path.write_text(content.replace("\t0.5", "").replace("\t0.25", "").replace("\t", " "))
    assert n_best(read_dictionary(path), 2) == {"a": ["x", "y"]}


def test_empty_dictionary_file(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("\n")
    with pytest.raises(InputError, match="empty file"):
        read_dictionary(path)


def test_interleaved_sources_are_grouped_in_order_of_first_appearance(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("b\tx\t0.1\na\ty\t0.2\nb\tz\t0.3\nb\tw\t0.1\n")
    d = read_dictionary(path)
    assert list(d.translations) == ["b", "a"]
    assert d.translations["b"] == [("z", 0.3), ("x", 0.1), ("w", 0.1)]


def ranked_n_best(d: Dictionary, words: list[str], n: int) -> list[tuple[str, str]]:
    """(source, target) rows of the ranked view's n-best entries, as words."""
    rows, codes = d.ranked.n_best_entries(words, n)
    return [
        (words[r], d.ranked.targets[c]) for r, c in zip(rows.tolist(), codes.tolist(), strict=True)
    ]


def test_ranked_view_n_best_entries():
    d = Dictionary({"s": [("a", 0.5), ("b", 0.3), ("c", 0.2)], "t": [("a", 1.0)]})
    assert ranked_n_best(d, ["t", "missing", "s"], 2) == [("t", "a"), ("s", "a"), ("s", "b")]
    assert ranked_n_best(d, ["s"], 5) == [("s", "a"), ("s", "b"), ("s", "c")]
    assert ranked_n_best(Dictionary({}), ["s"], 3) == []


def test_ranked_view_of_read_dictionary_matches_a_fresh_one(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("b\tx\t0.1\na\ty\t0.2\nb\tz\t0.3\nb\tx\t0.9\nb\tw\t0.3\n")
    read = read_dictionary(path)
    fresh = Dictionary(read.translations)
    for n in (1, 2, 3):
        expected = [(w, t) for w in ["a", "b"] for t in n_best(read, n).get(w, [])]
        assert ranked_n_best(read, ["a", "b"], n) == expected
        assert ranked_n_best(fresh, ["a", "b"], n) == expected


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "بيت", "x|y"]),
        st.lists(
            st.tuples(st.sampled_from(["p", "q", "r", "s"]), st.sampled_from([0.1, 0.5, 1.0])),
            min_size=1,
            max_size=4,
            unique_by=lambda item: item[0],
        ).map(lambda tgts: sorted(tgts, key=lambda item: -item[1])),
        min_size=1,
    )
)
def test_write_read_round_trip_property(translations):
    d = Dictionary(translations)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.tsv"
        write_dictionary(d, path)
        back = read_dictionary(path)
    assert {w: back.translations[w] for w in translations} == translations
    words = list(translations)
    for n in (1, 2, 4):
        expected = [(w, t) for w in words for t in n_best(d, n)[w]]
        assert ranked_n_best(back, words, n) == expected


def test_read_ranked_columns(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("b\tx\t0.1\na\ty\t0.2\nb\tz\t0.3\nb\tx\t0.9\n")
    ranked = read_ranked(path)
    assert ranked.sources == {"b": 0, "a": 1}
    assert ranked.offsets.tolist() == [0, 2, 3]
    assert [ranked.targets[c] for c in ranked.target_codes.tolist()] == ["z", "x", "y"]
    assert ranked.probs.tolist() == [0.3, 0.1, 0.2]
    assert ranked.to_dictionary().translations == read_dictionary(path).translations
