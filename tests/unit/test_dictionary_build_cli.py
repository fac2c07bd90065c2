"""`xlprobe dict build` end to end on small hand-made corpora, and its bad-input errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlprobe.cli import main
from xlprobe.probing.dictionary import n_best, read_dictionary

# German-English pairs in which every word co-occurs with exactly one English word.
PAIRS = [
    ("das Haus ist klein", "the house is small"),
    ("der Hund ist gross", "the dog is big"),
    ("die Katze schläft", "the cat sleeps"),
    ("das Haus ist gross", "the house is big"),
    ("der Hund schläft", "the dog sleeps"),
    ("die Katze ist klein", "the cat is small"),
    ("Katze", "cat"),
    ("Hund", "dog"),
    ("Haus", "house"),
]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path):
    pairs = PAIRS * 10
    src = write_lines(tmp_path / "de.txt", [de for de, _ in pairs])
    tgt = write_lines(tmp_path / "en.txt", [en for _, en in pairs])
    return src, tgt


def run(*args: str | Path) -> int:
    return main(["dict", "build", *map(str, args)])


def test_build_writes_both_directions_and_a_summary(corpus, tmp_path, capsys):
    src, tgt = corpus
    out, rev = tmp_path / "de-en.tsv", tmp_path / "en-de.tsv"
    assert run("--src", src, "--tgt", tgt, "--out", out, "--reverse", rev) == 0

    summary = capsys.readouterr().out
    assert summary.count("\n") == 1
    assert "90 pairs aligned (0 empty pairs skipped)" in summary
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(len(row) == 3 for row in rows)
    keys = [(src_word, -float(prob)) for src_word, _, prob in rows]
    assert keys == sorted(keys)
    forward, reverse = read_dictionary(out), read_dictionary(rev)
    assert f"{len(forward.translations)} source types, {len(rows)} entries" in summary
    assert n_best(forward, 1, words=["Katze", "Hund", "Haus"]) == {
        "Katze": ["cat"],
        "Hund": ["dog"],
        "Haus": ["house"],
    }
    assert n_best(reverse, 1, words=["cat", "dog"]) == {"cat": ["Katze"], "dog": ["Hund"]}
    for translations in forward.translations.values():
        assert 0 < sum(prob for _, prob in translations) <= 1 + 1e-9


def test_lowercase_merges_cased_variants(tmp_path, capsys):
    pairs = [("Katze", "cat"), ("katze", "Cat"), ("Hund", "dog"), ("hund", "DOG")] * 10
    src = write_lines(tmp_path / "de.txt", [de for de, _ in pairs])
    tgt = write_lines(tmp_path / "en.txt", [en for _, en in pairs])
    out = tmp_path / "de-en.tsv"
    assert run("--src", src, "--tgt", tgt, "--out", out, "--lowercase") == 0
    assert read_dictionary(out).translations == {"hund": [("dog", 1.0)], "katze": [("cat", 1.0)]}


def test_min_count_drops_rare_pairs(tmp_path, capsys):
    pairs = [("Katze", "cat")] * 20 + [("Hund", "dog")] * 2
    src = write_lines(tmp_path / "de.txt", [de for de, _ in pairs])
    tgt = write_lines(tmp_path / "en.txt", [en for _, en in pairs])
    out = tmp_path / "de-en.tsv"
    assert run("--src", src, "--tgt", tgt, "--out", out, "--min-count", "3") == 0
    assert list(read_dictionary(out).translations) == ["Katze"]


def test_empty_lines_are_skipped_as_pairs_and_counted(corpus, tmp_path, capsys):
    src, tgt = corpus
    src_lines = src.read_text(encoding="utf-8").splitlines()
    tgt_lines = tgt.read_text(encoding="utf-8").splitlines()
    src_lines[3] = ""
    tgt_lines[5] = "   "
    write_lines(src, src_lines)
    write_lines(tgt, tgt_lines)
    out = tmp_path / "de-en.tsv"
    assert run("--src", src, "--tgt", tgt, "--out", out) == 0
    assert "88 pairs aligned (2 empty pairs skipped)" in capsys.readouterr().out


def assert_fails(capsys, tmp_path: Path, *args: str | Path) -> str:
    """Run, expect exit code 2 with a one-line error, and nothing written in ``tmp_path``."""
    before = set(tmp_path.iterdir())
    assert run(*args) == 2
    assert set(tmp_path.iterdir()) == before
    err = capsys.readouterr().err
    assert err.startswith("xlprobe: error: ")
    assert err.count("\n") == 1
    return err


def test_different_line_counts_name_both_files_and_counts(corpus, tmp_path, capsys):
    src, tgt = corpus
    write_lines(tgt, tgt.read_text(encoding="utf-8").splitlines()[:-3])
    err = assert_fails(capsys, tmp_path, "--src", src, "--tgt", tgt, "--out", tmp_path / "o.tsv")
    assert f"{src} has 90 lines but {tgt} has 87" in err


def test_empty_file_is_an_error(tmp_path, capsys):
    src = write_lines(tmp_path / "de.txt", [])
    tgt = write_lines(tmp_path / "en.txt", [])
    err = assert_fails(capsys, tmp_path, "--src", src, "--tgt", tgt, "--out", tmp_path / "o.tsv")
    assert f"{src}: empty file" in err


def test_corpus_without_a_non_empty_pair_is_an_error(tmp_path, capsys):
    src = write_lines(tmp_path / "de.txt", ["Katze", "", "Hund"])
    tgt = write_lines(tmp_path / "en.txt", ["", "cat", ""])
    err = assert_fails(capsys, tmp_path, "--src", src, "--tgt", tgt, "--out", tmp_path / "o.tsv")
    assert "no sentence pair has words on both sides (3 lines, 3 empty pairs" in err
    assert str(src) in err and str(tgt) in err


def test_non_utf8_byte_names_file_and_line(corpus, tmp_path, capsys):
    src, tgt = corpus
    data = tgt.read_bytes().split(b"\n")
    data[6] = b"the caf\xe9 is small"
    tgt.write_bytes(b"\n".join(data))
    err = assert_fails(capsys, tmp_path, "--src", src, "--tgt", tgt, "--out", tmp_path / "o.tsv")
    assert f"{tgt}:7: " in err


def test_missing_file_is_an_error(corpus, tmp_path, capsys):
    src, _ = corpus
    missing = tmp_path / "nope.txt"
    err = assert_fails(
        capsys, tmp_path, "--src", src, "--tgt", missing, "--out", tmp_path / "o.tsv"
    )
    assert f"{missing}: cannot read file" in err


def test_unwritable_reverse_output_leaves_no_forward_output(corpus, tmp_path, capsys):
    src, tgt = corpus
    out, rev = tmp_path / "de-en.tsv", src / "en-de.tsv"  # a path below a file
    err = assert_fails(capsys, tmp_path, "--src", src, "--tgt", tgt, "--out", out, "--reverse", rev)
    assert f"cannot write --reverse={rev}: {src} is a file, not a directory" in err


def test_muse_pairs_file_gives_n_best_in_file_order(tmp_path):
    muse = tmp_path / "de-en.txt"
    muse.write_text("Haus house\nHaus home\nHaus building\nKatze cat\n", encoding="utf-8")
    d = read_dictionary(muse)
    assert n_best(d, 2) == {"Haus": ["house", "home"], "Katze": ["cat"]}
    assert n_best(d, 10) == {"Haus": ["house", "home", "building"], "Katze": ["cat"]}
