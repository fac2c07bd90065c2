"""Bad text and outputs that name inputs, at the file-level tools (issue 26, classes 1 and 4).

Every text input is read one way (``xlprobe.io.read_text``): a UTF-8 byte-order mark is dropped,
CRLF and a final CR end lines, a lone CR inside a line, NUL and other control characters are one
error naming file and line, trailing whitespace in dictionary and cluster fields is not part of
the word. Every command refuses, before any work, an output that is one of its inputs (by
inode: other spellings, symbolic and hard links), or a directory that holds one.

Each refused case exits with code 2 and one last line on stderr naming the file, line or option,
without a traceback, and leaves the input tree byte-for-byte as it was (every file hashed before
and after). Each accepted case (a byte-order mark, CRLF, trailing spaces) gives the same result
as the clean file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from xlprobe.cli import main as xlprobe_main

PYTHON = sys.executable
XLPROBE = shutil.which("xlprobe", path=str(Path(PYTHON).parent))
BOM = "\ufeff"

DE = ("Haus", "Baum", "Buch", "Stift", "Tür", "Fenster")
EN = ("house", "tree", "book", "pen", "door", "window")
CORPUS_DE = ["das Haus ist alt", "der Baum ist grün", "ein Buch", "die Tür", "das Fenster"]
CORPUS_EN = ["the house is old", "the tree is green", "a book", "the door", "the window"]


def cluster_lines(words: Sequence[str], cluster: int, first_sentence: int = 0) -> str:
    return "".join(f"{w}|||0|||{first_sentence + s}|||0|||{cluster}\n" for s, w in enumerate(words))


class Tree:
    """Valid inputs under ``root``, and helpers to write bad ones beside them.

    Attributes:
        src, tgt, dictionary: CALIGN cluster files (de: a 6-type concept and a 2-type one; en:
            one 6-type concept) and their de-en dictionary; CALIGN is 50% (one of two source
            concepts aligned) at every theta, and 0% at theta 0.9 with one word lost.
        joint, langs: A COLAP cluster file (concept 1: two German tokens, concept 2: one English
            token) and its languages file: COLAP is 0%.
        par_de, par_en: A line-aligned parallel text (`xlprobe dict build`, `corpus build`).
        sources: A directory holding a copy of the parallel text, ``dev.de`` and ``dev.en``.
    """

    def __init__(self, root: Path):
        self.root = root
        root.mkdir()
        self.src = self.write("de.clusters", cluster_lines(DE, 1) + cluster_lines(DE[:2], 2, 6))
        self.tgt = self.write("en.clusters", cluster_lines(EN, 7))
        self.dictionary = self.write("de-en.tsv", self.tsv())
        joint = cluster_lines(["Haus", "Baum"], 1) + "house|||0|||2|||0|||2\n"
        self.joint = self.write("joint.clusters", joint)
        self.langs = self.write("joint.langs", "de\nde\nen\n")
        self.par_de = self.write("par.de", "".join(f"{s}\n" for s in CORPUS_DE))
        self.par_en = self.write("par.en", "".join(f"{s}\n" for s in CORPUS_EN))
        self.sources = root / "sources"
        self.write("sources/dev.de", self.par_de.read_bytes())
        self.write("sources/dev.en", self.par_en.read_bytes())

    @staticmethod
    def tsv(de: Sequence[str] = DE, en: Sequence[str] = EN) -> str:
        return "".join(f"{d}\t{e}\t1.0\n" for d, e in zip(de, en, strict=True))

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path

    def link(self, name: str, target: Path, *, hard: bool = False) -> Path:
        path = self.root / name
        if hard:
            os.link(target, path)
        else:
            path.symlink_to(target)
        return path

    def snapshot(self) -> dict[str, str]:
        """Every entry under ``root``: a file's sha256, a link's target, a directory's mark."""
        entries = {}
        for p in sorted(self.root.rglob("*")):
            name = str(p.relative_to(self.root))
            if p.is_symlink():
                entries[name] = f"-> {os.readlink(p)}"
            elif p.is_dir():
                entries[name] = "dir"
            else:
                entries[name] = hashlib.sha256(p.read_bytes()).hexdigest()
        return entries


def calign(t: Tree, src=None, tgt=None, dictionary=None, *extra: str) -> list[str]:
    files = (src or t.src, tgt or t.tgt, dictionary or t.dictionary)
    return ["metrics", "calign", *map(str, files), *extra]


def colap(t: Tree, clusters=None, langs=None) -> list[str]:
    return ["metrics", "colap", str(clusters or t.joint), "--sentence-langs", str(langs or t.langs)]


def build(t: Tree, src=None, tgt=None, *extra: str, out=None) -> list[str]:
    out = out or t.root.parent / "out.tsv"
    pair = ["--src", str(src or t.par_de), "--tgt", str(tgt or t.par_en)]
    return ["dict", "build", *pair, "--out", str(out), *extra]


def corpus(t: Tree, de=None, en=None, *, out=None) -> list[str]:
    out = out or t.root.parent / "corpus"
    files = [f"de={de or t.par_de}", f"en={en or t.par_en}"]
    return ["corpus", "build", "--out", str(out), "--files", *files]


def bad_clusters(t: Tree, line: str | bytes) -> Path:
    """A cluster file whose second line is ``line``."""
    line = line if isinstance(line, bytes) else line.encode("utf-8")
    return t.write("bad.clusters", b"Haus|||0|||0|||0|||1\n" + line + b"\n")


@dataclass(frozen=True)
class Case:
    """``make(tree)`` writes what the case needs and returns it: the `xlprobe` arguments and
    the texts the error's last line must contain (refused cases), or the files that replace the
    clean ones (accepted cases)."""

    id: str
    make: Callable[[Tree], tuple[list[str], tuple[str, ...]]]


REFUSED = [
    # class 1: an output that is an input
    Case(
        "dict-out-is-the-source-text",
        lambda t: (build(t, out=t.par_de), (f"--out={t.par_de}", "is the input")),
    ),
    Case(
        "dict-out-is-the-target-text",
        lambda t: (build(t, out=t.par_en), (f"--out={t.par_en}", "is the input")),
    ),
    Case(
        "dict-reverse-is-the-source-text",
        lambda t: (
            build(t, None, None, "--reverse", str(t.par_de)),
            (f"--reverse={t.par_de}", "is the input"),
        ),
    ),
    Case(
        "dict-out-is-the-source-spelled-otherwise",
        lambda t: (
            build(t, out=f"{t.sources}/../par.de"),
            ("--out=", "is the input", str(t.par_de)),
        ),
    ),
    Case(
        "dict-out-is-a-symlink-to-the-source",
        lambda t: (
            build(t, out=t.link("link.tsv", t.par_de)),
            ("--out=", "link.tsv", "is the input", str(t.par_de)),
        ),
    ),
    Case(
        "dict-out-is-a-hard-link-to-the-source",
        lambda t: (
            build(t, out=t.link("hard.tsv", t.par_de, hard=True)),
            ("--out=", "hard.tsv", "is the input", str(t.par_de)),
        ),
    ),
    Case(
        "dict-reverse-is-the-out-file",
        lambda t: (
            build(t, None, None, "--reverse", str(t.root / "d.tsv"), out=t.root / "d.tsv"),
            (f"--reverse={t.root / 'd.tsv'}", "--out"),
        ),
    ),
    Case(
        "calign-pairs-out-is-the-dictionary",
        lambda t: (
            calign(t, None, None, None, "--pairs-out", str(t.dictionary)),
            (f"--pairs-out={t.dictionary}", "is the input"),
        ),
    ),
    Case(
        "calign-pairs-out-is-the-source-clusters",
        lambda t: (
            calign(t, None, None, None, "--pairs-out", str(t.src)),
            (f"--pairs-out={t.src}", "is the input"),
        ),
    ),
    Case(
        "calign-pairs-out-is-a-symlink-to-the-target-clusters",
        lambda t: (
            calign(t, None, None, None, "--pairs-out", str(t.link("pairs.tsv", t.tgt))),
            ("--pairs-out=", "pairs.tsv", "is the input", str(t.tgt)),
        ),
    ),
    Case(
        "corpus-out-holds-the-source-files",
        lambda t: (
            corpus(t, t.sources / "dev.de", t.sources / "dev.en", out=t.sources),
            (f"--out={t.sources}", "contains the input", str(t.sources / "dev.de")),
        ),
    ),
    Case(
        "corpus-out-above-the-source-files",
        lambda t: (corpus(t, out=t.root), (f"--out={t.root}", "contains the input")),
    ),
    # class 4: text the readers refuse
    Case(
        "dict-build-lone-carriage-return",
        lambda t: (
            build(t, t.write("cr.de", "das Haus\rist alt\nein Buch\n")),
            ("cr.de:1:", "carriage return"),
        ),
    ),
    Case(
        "corpus-lone-carriage-return",
        lambda t: (
            corpus(t, t.write("cr.de", "das Haus ist alt\nder Baum\rist grün\na\nb\nc\n")),
            ("cr.de:2:", "carriage return"),
        ),
    ),
    Case(
        "calign-clusters-lone-carriage-return",
        lambda t: (
            calign(t, bad_clusters(t, "Baum|||0|||1\r|||0|||1")),
            ("bad.clusters:2:", "carriage"),
        ),
    ),
    Case(
        "colap-languages-lone-carriage-return",
        lambda t: (colap(t, None, t.write("l.txt", "de\rde\nen\n")), ("l.txt:1:", "carriage")),
    ),
    Case(
        "calign-dictionary-nul",
        lambda t: (
            calign(t, dictionary=t.write("d.tsv", "Haus\thouse\t1\nBaum\ttr\x00ee\t1\n")),
            ("d.tsv:2:", "NUL"),
        ),
    ),
    Case(
        "calign-clusters-nul",
        lambda t: (
            calign(t, bad_clusters(t, "Ba\x00um|||0|||1|||0|||1")),
            ("bad.clusters:2:", "NUL"),
        ),
    ),
    Case(
        "colap-languages-nul",
        lambda t: (colap(t, None, t.write("l.txt", "de\nde\x00\nen\n")), ("l.txt:2:", "NUL")),
    ),
    Case(
        "dict-build-nul",
        lambda t: (
            build(t, None, t.write("nul.en", b"the house\n\x00\x00\n")),
            ("nul.en:2:", "NUL"),
        ),
    ),
    Case(
        "corpus-escape-character",
        lambda t: (
            corpus(t, t.write("esc.de", "\x1b[1mdas Haus\x1b[0m\nb\nc\nd\ne\n")),
            ("esc.de:1:", "U+001B"),
        ),
    ),
    Case(
        "calign-clusters-c1-control",
        lambda t: (
            calign(t, bad_clusters(t, "Baum\x85|||0|||1|||0|||1")),
            ("bad.clusters:2:", "U+0085"),
        ),
    ),
    Case(
        "calign-dictionary-byte-order-mark-inside",
        lambda t: (
            calign(t, dictionary=t.write("d.tsv", Tree.tsv(DE[:3], EN[:3]) + BOM + Tree.tsv())),
            ("d.tsv:4:", "byte-order mark"),
        ),
    ),
    Case(
        "calign-dictionary-utf16",
        lambda t: (
            calign(t, dictionary=t.write("d.tsv", Tree.tsv().encode("utf-16"))),
            ("d.tsv:1:", "UTF-16"),
        ),
    ),
    Case(
        "calign-clusters-20-digit-sentence",
        lambda t: (
            calign(t, bad_clusters(t, "Baum|||0|||12345678901234567890|||0|||1")),
            ("bad.clusters:2:", "64-bit"),
        ),
    ),
    Case(
        "calign-clusters-20-digit-cluster-id",
        lambda t: (
            calign(t, None, bad_clusters(t, "tree|||0|||1|||0|||-12345678901234567890")),
            ("bad.clusters:2:", "64-bit"),
        ),
    ),
    Case(
        "calign-clusters-occurrence-just-above-int64",
        lambda t: (
            calign(t, bad_clusters(t, "Baum|||9223372036854775808|||1|||0|||1")),
            ("bad.clusters:2:", "64-bit"),
        ),
    ),
    Case(
        "colap-clusters-20-digit-sentence",
        lambda t: (
            colap(t, bad_clusters(t, "house|||0|||99999999999999999999|||0|||2")),
            ("bad.clusters:2:", "64-bit"),
        ),
    ),
    Case(
        "calign-dictionary-word-with-leading-space",
        lambda t: (
            calign(t, dictionary=t.write("d.tsv", "Haus\thouse\t1\n Baum\ttree\t1\n")),
            ("d.tsv:2:", "whitespace"),
        ),
    ),
]


@pytest.fixture
def tree(tmp_path) -> Tree:
    return Tree(tmp_path / "inputs")


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = xlprobe_main(argv)
    except SystemExit as exit_:  # argparse usage errors
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, expected: tuple[str, ...]) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "no error message"
    assert lines[-1].startswith("xlprobe: error: "), lines[-1]
    for text in expected:
        assert text in lines[-1], lines[-1]


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.id)
def test_refused_with_one_line(case, tree, tmp_path, capsys):
    argv, expected = case.make(tree)
    before = tree.snapshot()
    code, _, err = run(argv, capsys)
    assert_one_line_error(code, err, expected)
    assert tree.snapshot() == before
    assert not (tmp_path / "out.tsv").exists() and not (tmp_path / "corpus").exists()


def calign_json(tree: Tree, capsys, src=None, tgt=None, dictionary=None) -> dict:
    code, out, err = run(calign(tree, src, tgt, dictionary, "--theta", "0.9", "--json"), capsys)
    assert code == 0, err
    return json.loads(out)


def bom(t: Tree, path: Path) -> Path:
    return t.write(f"bom.{path.name}", BOM + path.read_text(encoding="utf-8"))


ACCEPTED_CALIGN = [
    Case("source-clusters-with-byte-order-mark", lambda t: {"src": bom(t, t.src)}),
    Case("target-clusters-with-byte-order-mark", lambda t: {"tgt": bom(t, t.tgt)}),
    Case("dictionary-with-byte-order-mark", lambda t: {"dictionary": bom(t, t.dictionary)}),
    Case(
        "dictionary-source-word-with-trailing-space",
        lambda t: {"dictionary": t.write("s.tsv", Tree.tsv([f"{DE[0]} ", *DE[1:]]))},
    ),
    Case(
        "dictionary-target-word-with-trailing-tab-and-space",
        lambda t: {
            "dictionary": t.write("s.tsv", "Haus\thouse \t1.0 \t\n" + Tree.tsv(DE[1:], EN[1:]))
        },
    ),
    Case(
        "cluster-word-with-trailing-space",
        lambda t: {"tgt": t.write("s.c", "house |||0|||0|||0|||7\n" + cluster_lines(EN[1:], 7, 1))},
    ),
    Case(
        "cluster-line-with-trailing-whitespace",
        lambda t: {"src": t.write("s.c", t.src.read_text().replace("\n", " \t\n"))},
    ),
    Case(
        "dictionary-crlf-and-final-cr",
        lambda t: {"dictionary": t.write("crlf.tsv", Tree.tsv().replace("\n", "\r\n")[:-1])},
    ),
]


@pytest.mark.parametrize("case", ACCEPTED_CALIGN, ids=lambda c: c.id)
def test_calign_reads_the_clean_words(case, tree, capsys):
    """At theta 0.9 one lost word (5 of 6 matched) unaligns the 6-type concept: the result is
    the clean files' 50% only when no byte-order mark or space became part of a word."""
    clean = calign_json(tree, capsys)
    assert clean["calign"] == 50.0
    files = case.make(tree)
    before = tree.snapshot()
    assert calign_json(tree, capsys, **files) == clean
    assert tree.snapshot() == before


def test_colap_byte_order_mark_is_not_a_language(tree, capsys):
    """'\\ufeffde' is not a second language: the German-only concept does not overlap."""
    langs = bom(tree, tree.langs)
    before = tree.snapshot()
    code, out, err = run([*colap(tree, None, langs), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["colap"] == 0.0
    assert tree.snapshot() == before


def test_dict_build_byte_order_mark_is_not_part_of_a_word(tree, tmp_path, capsys):
    """Every word of the dictionary is a word of the corpus (eflomal is not seeded, so the
    dictionary itself can differ between runs)."""
    de, en = bom(tree, tree.par_de), bom(tree, tree.par_en)
    before = tree.snapshot()
    code, _, err = run(build(tree, de, en, out=tmp_path / "bom.tsv"), capsys)
    assert code == 0, err
    rows = [line.split("\t") for line in (tmp_path / "bom.tsv").read_text().splitlines()]
    assert rows
    assert {row[0] for row in rows} <= {w for s in CORPUS_DE for w in s.split()}
    assert {row[1] for row in rows} <= {w for s in CORPUS_EN for w in s.split()}
    assert tree.snapshot() == before


def test_corpus_build_byte_order_mark_is_not_part_of_a_word(tree, tmp_path, capsys):
    assert run(corpus(tree, out=tmp_path / "clean"), capsys)[0] == 0
    de = bom(tree, tree.par_de)
    before = tree.snapshot()
    code, _, err = run(corpus(tree, de, out=tmp_path / "bom"), capsys)
    assert code == 0, err
    for name in ("probe.de.txt", "probe.en.txt"):
        assert (tmp_path / "bom" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes()
    assert tree.snapshot() == before


def test_console_script_refuses_out_equal_to_source(tree, tmp_path):
    """`xlprobe dict build --src par.de --tgt par.en --out par.de` as a process: exit 2, one
    line, no traceback, the German text intact."""
    before = tree.snapshot()
    proc = subprocess.run(
        [XLPROBE, *build(tree, out=tree.par_de)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_one_line_error(proc.returncode, proc.stderr, (f"--out={tree.par_de}", "is the input"))
    assert tree.snapshot() == before
