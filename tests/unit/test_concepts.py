"""ConceptSet helpers and the ConceptX cluster file format."""

from __future__ import annotations

import numpy as np
import pytest

from xlprobe.errors import InputError
from xlprobe.probing.concepts import (
    UNKNOWN_LANG,
    ConceptSet,
    TokenTable,
    read_clusters,
    read_sentence_langs,
    write_clusters,
)


def test_from_mapping_counts_occurrences_and_numbers_sentences():
    c = ConceptSet.from_mapping({3: ["a", "b", "a"], 1: ["a"]}, lang="de")
    assert c.tokens.word.tolist() == ["a", "b", "a", "a"]
    assert c.tokens.occurrence.tolist() == [0, 0, 1, 2]
    assert c.tokens.sentence.tolist() == [0, 1, 2, 3]
    assert c.labels.tolist() == [3, 3, 3, 1]
    assert c.languages == ("de",)


def test_concept_ids_word_types_and_top_words():
    c = ConceptSet.from_mapping({5: ["b", "a", "a", "c", "b", "a"], 2: ["x"], 9: []})
    assert c.concept_ids.tolist() == [2, 5]
    assert len(c) == 2
    assert c.word_types() == {2: frozenset({"x"}), 5: frozenset({"a", "b", "c"})}
    assert c.top_words(5) == [("a", 3), ("b", 2), ("c", 1)]
    assert c.top_words(5, k=2) == [("a", 3), ("b", 2)]
    assert c.top_words(7) == []


def test_top_words_ties_keep_first_occurrence_order():
    c = ConceptSet.from_mapping({0: ["z", "y", "y", "z", "x"]})
    assert c.top_words(0) == [("z", 2), ("y", 2), ("x", 1)]


def test_empty_concept_set():
    c = ConceptSet.from_mapping({})
    assert len(c) == 0
    assert c.word_types() == {}
    assert c.languages == ()


def test_write_read_round_trip_with_pipes_and_arabic(tmp_path):
    words = ["a|b", "x|||y", "بيت", "|", "Haus"]
    tokens = TokenTable.from_columns(words, "ar", [0, 0, 1, 2, 2], [0, 1, 0, 3, 4], [0, 0, 0, 0, 1])
    concepts = ConceptSet(tokens=tokens, labels=np.array([4, 4, 0, 12, 4]))
    path = tmp_path / "clusters.txt"
    write_clusters(concepts, path)
    assert path.read_text(encoding="utf-8").splitlines()[1] == "x|||y|||0|||0|||1|||4"
    back = read_clusters(path, lang="ar")
    assert back.tokens.word.tolist() == words
    assert back.tokens.sentence.tolist() == [0, 0, 1, 2, 2]
    assert back.tokens.position.tolist() == [0, 1, 0, 3, 4]
    assert back.tokens.occurrence.tolist() == [0, 0, 0, 0, 1]
    assert back.labels.tolist() == [4, 4, 0, 12, 4]
    assert back.tokens.lang.tolist() == ["ar"] * 5
    assert back.labels.dtype == np.int64


def test_read_skips_blank_lines_and_accepts_crlf(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"a|||0|||0|||0|||1\r\n\r\nb|||0|||1|||0|||2\r\n")
    c = read_clusters(path)
    assert c.tokens.word.tolist() == ["a", "b"]
    assert c.labels.tolist() == [1, 2]
    assert c.tokens.lang.tolist() == [UNKNOWN_LANG, UNKNOWN_LANG]


def test_byte_order_mark_and_trailing_whitespace_are_not_part_of_a_word(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("\ufeffa|||0|||0|||0|||1\nb |||0|||1|||0|||1\t\nc\u00a0|||0 |||2|||0|||2 \n")
    c = read_clusters(path)
    assert c.tokens.word.tolist() == ["a", "b", "c"]
    assert c.word_types() == {1: frozenset({"a", "b"}), 2: frozenset({"c"})}


def test_integers_up_to_the_int64_bounds_are_read(tmp_path):
    """18 digits take the fast path, 19 and more the checked one; both give the same values."""
    big, low = 2**63 - 1, -(2**63)
    path = tmp_path / "c.txt"
    path.write_text(f"a|||{10**17}|||0|||0|||1\nb|||{big}|||0|||00000000000000000000007|||{low}\n")
    c = read_clusters(path)
    assert c.tokens.occurrence.tolist() == [10**17, big]
    assert c.tokens.position.tolist() == [0, 7]
    assert c.labels.tolist() == [1, low]


def test_read_with_sentence_langs(tmp_path):
    path = tmp_path / "joint.txt"
    path.write_text("Haus|||0|||0|||0|||1\nhouse|||0|||1|||0|||1\nبيت|||0|||2|||0|||1\n")
    c = read_clusters(path, sentence_langs=["de", "en", "ar"])
    assert c.tokens.lang.tolist() == ["de", "en", "ar"]


def test_lang_and_sentence_langs_are_exclusive(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a|||0|||0|||0|||1\n")
    with pytest.raises(ValueError, match="either"):
        read_clusters(path, lang="en", sentence_langs=["en"])


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("a|||0|||0|||1", "5 fields"),
        ("a|||0|||x|||0|||1", "non-negative integers"),
        ("a|||0|||-1|||0|||1", "non-negative integers"),
        ("a|||0|||0|||0|||c1", "integer cluster id"),
        ("|||0|||0|||0|||1", "non-empty word"),
        (" a|||0|||0|||0|||1", "does not start with whitespace"),
        ("a|||0|||12345678901234567890|||0|||1", "signed 64-bit range"),
        ("a|||9223372036854775808|||0|||0|||1", "signed 64-bit range"),
        ("a|||0|||0|||0|||-9223372036854775809", "signed 64-bit range"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, bad, expected):
    path = tmp_path / "c.txt"
    path.write_text(f"ok|||0|||0|||0|||1\n\n{bad}\nok|||1|||1|||0|||1\n")
    with pytest.raises(InputError, match=expected) as err:
        read_clusters(path)
    assert err.value.path == str(path)
    assert err.value.line == 3
    assert "word|||occurrence|||sentence|||position|||cluster" in str(err.value)


def test_sentence_missing_from_languages(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a|||0|||0|||0|||1\nb|||0|||2|||0|||1\n")
    with pytest.raises(InputError, match="sentence 2 has no language") as err:
        read_clusters(path, sentence_langs=["en", "de"])
    assert (err.value.path, err.value.line) == (str(path), 2)


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_cluster_file(tmp_path, content):
    path = tmp_path / "c.txt"
    path.write_text(content)
    with pytest.raises(InputError, match="empty file"):
        read_clusters(path)


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_clusters(tmp_path / "nope.txt")
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"a|||0|||0|||0|||1\n\xe4|||0|||0|||0|||1\n")
    with pytest.raises(InputError, match="UTF-8") as err:
        read_clusters(path)
    assert err.value.line == 2


def test_read_sentence_langs(tmp_path):
    path = tmp_path / "langs"
    path.write_text("\ufeffen\r\nde \nar\n")
    assert read_sentence_langs(path) == ["en", "de", "ar"]
    path.write_text("en\n\nde\n")
    with pytest.raises(InputError, match="one language code") as err:
        read_sentence_langs(path)
    assert err.value.line == 2


def test_pipes_next_to_separators_are_split_from_the_right(tmp_path):
    words = ["a|", "|a", "||", "|||", "plain"]
    path = tmp_path / "c.txt"
    write_clusters(ConceptSet.from_mapping({1: words}), path)
    assert path.read_text().splitlines()[0] == "a||||0|||0|||0|||1"
    assert read_clusters(path).tokens.word.tolist() == words
