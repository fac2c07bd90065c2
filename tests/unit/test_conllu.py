"""CoNLL-U reader and writer: multiword tokens, empty nodes, comments, round trip, bad lines."""

from __future__ import annotations

import pytest

from xlprobe.data.conllu import (
    EmptyNode,
    MultiwordToken,
    Sentence,
    Word,
    find_cycle,
    format_conllu,
    read_conllu,
    write_conllu,
)
from xlprobe.errors import InputError


def row(*cols: object) -> str:
    return "\t".join(str(c) for c in cols)


# Spanish with two multiword tokens, an empty node, comments (one free-text), a FORM with a
# space, a MISC value holding '=', enhanced DEPS; then a one-word sentence.
SPANISH = "\n".join(
    [
        "# newdoc id = d1",
        "# sent_id = es-1",
        "# text = Vámonos al mar de Nueva York.",
        "# free-text remark without a value",
        row("1-2", "Vámonos", *"_" * 7, "_"),
        row(
            1, "Vamos", "ir", "VERB", "_", "Mood=Imp|Number=Plur|Person=1", 0, "root", "0:root", "_"
        ),
        row(2, "nos", "nosotros", "PRON", "_", "Case=Acc", 1, "obj", "1:obj", "_"),
        row("3-4", "al", *"_" * 7, "_"),
        row(3, "a", "a", "ADP", "_", "_", 5, "case", "5:case", "_"),
        row(4, "el", "el", "DET", "_", "Definite=Def", 5, "det", "5:det", "_"),
        row(5, "mar", "mar", "NOUN", "_", "_", 1, "obl:arg", "1:obl", "Gloss=sea=ocean"),
        row("5.1", "vamos", "ir", "VERB", "_", "_", "_", "_", "1:conj", "_"),
        row(6, "de", "de", "ADP", "_", "_", 7, "case", "_", "_"),
        row(7, "Nueva York", "Nueva York", "PROPN", "_", "_", 5, "nmod", "_", "SpaceAfter=No"),
        row(8, ".", ".", "PUNCT", "_", "_", 1, "punct", "1:punct", "_"),
        "",
        "# sent_id = es-2",
        row(1, "Hola", "hola", "INTJ", "_", "_", 0, "root", "_", "_"),
        "",
        "",
    ]
)


@pytest.fixture
def spanish(tmp_path):
    path = tmp_path / "es.conllu"
    path.write_text(SPANISH, encoding="utf-8")
    return path


def test_words_are_syntactic_words_and_the_rest_is_kept_aside(spanish):
    first, second = read_conllu(spanish)
    assert [w.form for w in first.words] == [
        "Vamos",
        "nos",
        "a",
        "el",
        "mar",
        "de",
        "Nueva York",
        ".",
    ]
    assert [w.id for w in first.words] == list(range(1, 9))
    assert first.heads == [0, 1, 5, 5, 1, 7, 5, 1]
    assert first.words[0].feats == {"Mood": "Imp", "Number": "Plur", "Person": "1"}
    assert first.words[4].deprel == "obl:arg"
    assert first.words[4].misc == "Gloss=sea=ocean"
    assert first.multiword_tokens == (MultiwordToken(1, 2, "Vámonos"), MultiwordToken(3, 4, "al"))
    assert first.empty_nodes == (EmptyNode(5, 1, "vamos", "ir", "VERB", deps="1:conj"),)
    assert first.tokens() == [
        ("Vámonos", 1, 2),
        ("al", 3, 4),
        ("mar", 5, 5),
        ("de", 6, 6),
        ("Nueva York", 7, 7),
        (".", 8, 8),
    ]
    assert len(first.comments) == 4
    assert first.metadata == {
        "newdoc id": "d1",
        "sent_id": "es-1",
        "text": "Vámonos al mar de Nueva York.",
    }
    assert first.line == 1
    assert (second.line, second.metadata, second.heads) == (17, {"sent_id": "es-2"}, [0])


def test_round_trip_gives_the_same_text_and_sentences(spanish, tmp_path):
    sentences = read_conllu(spanish)
    out = tmp_path / "out.conllu"
    write_conllu(sentences, out)
    assert out.read_text(encoding="utf-8") == SPANISH.rstrip("\n") + "\n\n"
    assert [s.words for s in read_conllu(out)] == [s.words for s in sentences]
    assert read_conllu(out) == sentences


def test_sentence_built_in_code_writes_underscores_for_unspecified_columns():
    sentence = Sentence(
        (Word(1, "Hi", upos="INTJ", deprel="root"), Word(2, "!", upos="PUNCT", head=1)),
        comments=("# sent_id = x",),
    )
    assert format_conllu([sentence]) == (
        "# sent_id = x\n1\tHi\t_\tINTJ\t_\t_\t0\troot\t_\t_\n2\t!\t_\tPUNCT\t_\t_\t1\t_\t_\t_\n\n"
    )


@pytest.mark.parametrize("form", ["a\tb", "", "a\nb"])
def test_writer_refuses_a_value_that_would_break_the_columns(form):
    with pytest.raises(ValueError, match="tab/line break"):
        format_conllu([Sentence((Word(1, form),))])


@pytest.mark.parametrize(
    ("heads", "cycle"),
    [([0, 1, 2], []), ([2, 1], [1, 2]), ([0, 3, 2], [2, 3]), ([1], [1]), ([0, 3, 4, 2], [2, 3, 4])],
)
def test_find_cycle(heads, cycle):
    assert find_cycle(heads) == cycle


GOOD = row(1, "a", "_", "X", "_", "_", 0, "root", "_", "_")


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (["# c", "1\ta\t_\tX\t_\t_\t0\troot\t_"], 2, "9 tab-separated columns, expected 10"),
        (["1 a _ X _ _ 0 root _ _"], 1, "1 tab-separated columns, expected 10"),
        ([GOOD, row(2, "b", "_", "X", "", "_", 1, "dep", "_", "_")], 2, "empty XPOS column"),
        ([row("x", "a", *"_" * 4, 0, "root", "_", "_")], 1, "ID 'x' is not a word ID"),
        ([GOOD, row(3, "b", *"_" * 4, 1, "dep", "_", "_")], 2, "word ID 3, expected 2"),
        ([GOOD, row(2, "b", *"_" * 4, "one", "dep", "_", "_")], 2, "HEAD 'one' is not a word ID"),
        ([GOOD, row(2, "b", *"_" * 4, "_", "dep", "_", "_")], 2, "HEAD '_' is not a word ID"),
        ([GOOD, row(2, "b", *"_" * 4, 7, "dep", "_", "_")], 2, "HEAD 7 points outside"),
        (
            [
                GOOD,
                row(2, "b", *"_" * 4, 3, "dep", "_", "_"),
                row(3, "c", *"_" * 4, 2, "x", "_", "_"),
            ],
            2,
            "HEAD cycle through words [2, 3]",
        ),
        (
            [
                "# sent_id = 1",
                row(1, "a", *"_" * 4, 2, "x", "_", "_"),
                row(2, "b", *"_" * 4, 1, "x", "_", "_"),
            ],
            1,
            "no word has HEAD 0",
        ),
        ([GOOD, row(2, "b", *"_" * 4, 0, "root", "_", "_")], 2, "words [1, 2] all have HEAD 0"),
        ([GOOD, "# late comment"], 2, "comment line inside a sentence"),
        ([row("1-2", "ab", *"_" * 8), GOOD], 1, "goes beyond the sentence's last word 1"),
        ([GOOD, row("1-2", "ab", *"_" * 8)], 2, "multiword token 1-2: expected a range 2-M"),
        ([GOOD, row("1.2", "e", *"_" * 8)], 2, "empty node 1.2 after word 1: expected 1.1"),
        (["# only a comment"], 1, "sentence without word lines"),
    ],
)
def test_malformed_input_is_one_line_naming_file_and_line(tmp_path, lines, line, message):
    path = tmp_path / "bad.conllu"
    path.write_text(GOOD + "\n\n" + "\n".join(lines) + "\n\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_conllu(path)
    assert err.value.path == str(path)
    assert err.value.line == line + 2
    assert message in err.value.message
    assert "\n" not in str(err.value)


def test_bad_utf8_and_empty_file_are_one_line(tmp_path):
    path = tmp_path / "latin1.conllu"
    path.write_bytes(
        (GOOD + "\n\n" + row(1, "caf\xe9", *"_" * 4, 0, "root", "_", "_")).encode("latin-1")
    )
    with pytest.raises(InputError, match="not UTF-8") as err:
        read_conllu(path)
    assert err.value.line == 3
    empty = tmp_path / "empty.conllu"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty file, expected CoNLL-U sentences"):
        read_conllu(empty)
