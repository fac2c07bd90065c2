"""CoNLL-U files: typed sentences, a strict reader that names file and line, and a writer.

Format (https://universaldependencies.org/format.html): one line per syntactic word with ten
tab-separated columns ``ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC``, ``#`` comment
lines before a sentence's first word, a blank line after each sentence. Besides words
(integer IDs 1, 2, ...) a sentence may hold

* multiword tokens, ID ``first-last`` (``1-2  du``): a surface token split into the words
  ``first..last`` that follow it (``de``, ``le``); kept aside, never counted as words;
* empty nodes, ID ``word.k`` (``8.1``): nodes of the enhanced graph after word ``word``
  (``0.k`` before the first); kept aside, never counted as words.

Field values are parsed with the ``conllu`` package (IDs, HEAD, FEATS, comment metadata); the
reader adds what that package does not check: exactly ten tab-separated columns (a FORM may
hold spaces), word IDs in sequence, HEAD in range, exactly one root and no cycle, and the file
and line of each problem in one :class:`~xlprobe.errors.InputError`. MISC and DEPS are kept
verbatim (MISC values may contain ``=``, which ``conllu``'s dictionary parsing cuts), so reading
and writing a valid file gives the same lines back. The writer's output reads with the CoNLL
2018 evaluation script (``conll18_ud_eval.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from conllu.exceptions import ParseException
from conllu.parser import parse_comment_line, parse_dict_value, parse_id_value, parse_int_value
from conllu.serializer import serialize_field

from xlprobe.errors import InputError
from xlprobe.io import read_text_lines, write_text_atomic

COLUMNS = ("ID", "FORM", "LEMMA", "UPOS", "XPOS", "FEATS", "HEAD", "DEPREL", "DEPS", "MISC")


@dataclass(frozen=True)
class Word:
    """One syntactic word (a line with an integer ID).

    Attributes:
        id: 1-based position in the sentence.
        form, lemma, upos, xpos, deprel: The columns as written (``_`` = unspecified).
        feats: FEATS as ``{name: value}`` in file order (``conllu``'s parsing; empty for ``_``).
        head: ID of the head word, 0 for the root.
        deps: Enhanced dependencies, verbatim.
        misc: MISC, verbatim (``SpaceAfter=No`` etc.).
    """

    id: int
    form: str
    lemma: str = "_"
    upos: str = "_"
    xpos: str = "_"
    feats: Mapping[str, str | None] = field(default_factory=dict)
    head: int = 0
    deprel: str = "_"
    deps: str = "_"
    misc: str = "_"


@dataclass(frozen=True)
class MultiwordToken:
    """A surface token made of the words ``first..last`` (an ID ``first-last`` line)."""

    first: int
    last: int
    form: str
    misc: str = "_"


@dataclass(frozen=True)
class EmptyNode:
    """An empty node of the enhanced graph (ID ``after.index``, e.g. ``8.1``; 0 = before word 1).

    Its columns are kept as in :class:`Word`; HEAD and DEPREL are always ``_``.
    """

    after: int
    index: int
    form: str
    lemma: str = "_"
    upos: str = "_"
    xpos: str = "_"
    feats: Mapping[str, str | None] = field(default_factory=dict)
    deps: str = "_"
    misc: str = "_"


@dataclass(frozen=True)
class Sentence:
    """One sentence: its words (a tree), comments, multiword tokens and empty nodes.

    Attributes:
        words: The syntactic words, IDs 1..n in order.
        comments: The comment lines before the first word, verbatim (each starts with ``#``).
        multiword_tokens: Multiword-token ranges, in order.
        empty_nodes: Empty nodes, in order.
        line: 1-based line of the sentence's first line in its file (None when built in code).
    """

    words: tuple[Word, ...]
    comments: tuple[str, ...] = ()
    multiword_tokens: tuple[MultiwordToken, ...] = ()
    empty_nodes: tuple[EmptyNode, ...] = ()
    line: int | None = None

    @property
    def metadata(self) -> dict[str, str | None]:
        """``# key = value`` comments as a dict, parsed by ``conllu`` (free text left out)."""
        return {k: v for c in self.comments for k, v in parse_comment_line(c)}

    @property
    def heads(self) -> list[int]:
        """HEAD of each word, shape [n] (0 = root)."""
        return [w.head for w in self.words]

    def tokens(self) -> list[tuple[str, int, int]]:
        """The surface tokens as ``(form, first word ID, last word ID)``, in order.

        A multiword token covers its range; every other word is its own token
        (``first == last``).
        """
        ranges = {t.first: t for t in self.multiword_tokens}
        tokens, next_id = [], 1
        for word in self.words:
            if word.id < next_id:
                continue
            mwt = ranges.get(word.id)
            if mwt is None:
                tokens.append((word.form, word.id, word.id))
                next_id = word.id + 1
            else:
                tokens.append((mwt.form, mwt.first, mwt.last))
                next_id = mwt.last + 1
        return tokens


def find_cycle(heads: Sequence[int]) -> list[int]:
    """The words of one cycle in a head assignment, or ``[]`` when there is none.

    Args:
        heads: HEAD of words 1..n, shape [n], each in ``0..n`` (0 = root).

    Returns:
        Word IDs on the cycle, in head-following order (``[3]`` for a word that heads itself).
    """
    state = [0] * (len(heads) + 1)  # 0 unseen, 1 on the current path, 2 reaches the root
    for start in range(1, len(heads) + 1):
        path, node = [], start
        while node != 0 and state[node] == 0:
            state[node] = 1
            path.append(node)
            node = heads[node - 1]
        if node != 0 and state[node] == 1:
            return path[path.index(node) :]
        for visited in path:
            state[visited] = 2
    return []


def read_conllu(path: str | Path) -> list[Sentence]:
    """All sentences of a CoNLL-U file (UTF-8).

    Raises:
        InputError: One line naming the file and line: unreadable or not UTF-8, a line without
            exactly ten tab-separated columns, an empty column, a bad or out-of-sequence ID, a
            non-integer HEAD or one outside the sentence, no root or several, a cycle, a comment
            inside a sentence, or no sentence at all.
    """
    lines = read_text_lines(path, expected="CoNLL-U sentences")
    return list(parse_conllu(lines, path=path))


def parse_conllu(lines: Iterable[str], path: str | Path = "<conllu>") -> Iterator[Sentence]:
    """Sentences from CoNLL-U lines (without line ends); ``path`` names them in errors."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield _parse_sentence(block, path)
            block = []
    if block:
        yield _parse_sentence(block, path)


def _fail(message: str, path: str | Path, line: int) -> InputError:
    return InputError(message, path=path, line=line)


def _columns(line: str, path: str | Path, number: int) -> list[str]:
    columns = line.split("\t")
    if len(columns) != len(COLUMNS):
        raise _fail(
            f"{len(columns)} tab-separated columns, expected 10 ({' '.join(COLUMNS)})",
            path,
            number,
        )
    for name, value in zip(COLUMNS, columns, strict=True):
        if not value:
            raise _fail(f"empty {name} column: write _ for an unspecified value", path, number)
    return columns


def _parse_sentence(block: list[tuple[int, str]], path: str | Path) -> Sentence:
    comments: list[str] = []
    words: list[Word] = []
    word_lines: list[int] = []
    mwts: list[MultiwordToken] = []
    empties: list[EmptyNode] = []
    for number, line in block:
        if line.startswith("#"):
            if words or mwts or empties:
                raise _fail(
                    "comment line inside a sentence: comments go before its first word line",
                    path,
                    number,
                )
            comments.append(line)
            continue
        cols = _columns(line, path, number)
        try:
            ident = parse_id_value(cols[0])
        except ParseException:
            ident = None
        if ident is None:
            raise _fail(
                f"ID {cols[0]!r} is not a word ID (1, 2, ...), a multiword-token range (1-2) "
                "or an empty node (8.1)",
                path,
                number,
            )
        n = len(words)
        feats = parse_dict_value(cols[5]) or {}
        if isinstance(ident, int):
            if ident != n + 1:
                raise _fail(
                    f"word ID {ident}, expected {n + 1} (IDs count 1, 2, ...)", path, number
                )
            words.append(Word(ident, *cols[1:5], feats, _head(cols[6], path, number), *cols[7:]))
            word_lines.append(number)
        elif ident[1] == "-":
            first, last = ident[0], ident[2]
            if first != n + 1 or last <= first or (mwts and mwts[-1].last > n):
                raise _fail(
                    f"multiword token {cols[0]}: expected a range {n + 1}-M (M > {n + 1}) "
                    "before the words it covers, not overlapping the previous range",
                    path,
                    number,
                )
            mwts.append(MultiwordToken(first, last, cols[1], cols[9]))
        else:
            after, index = ident[0], ident[2]
            expected = 1 + sum(e.after == n for e in empties)
            if (after, index) != (n, expected):
                raise _fail(
                    f"empty node {cols[0]} after word {n}: expected {n}.{expected}", path, number
                )
            empties.append(EmptyNode(after, index, *cols[1:5], feats, cols[8], cols[9]))
    first_line = block[0][0]
    if not words:
        raise _fail("sentence without word lines", path, first_line)
    if mwts and mwts[-1].last > len(words):
        raise _fail(
            f"multiword token {mwts[-1].first}-{mwts[-1].last} goes beyond the sentence's last "
            f"word {len(words)}",
            path,
            first_line,
        )
    _check_tree(words, word_lines, path, first_line)
    return Sentence(tuple(words), tuple(comments), tuple(mwts), tuple(empties), first_line)


def _head(value: str, path: str | Path, number: int) -> int:
    try:
        head = parse_int_value(value)
    except ParseException:
        head = None
    if head is None or head < 0:
        raise _fail(f"HEAD {value!r} is not a word ID or 0 (the root)", path, number)
    return head


def _check_tree(words: list[Word], lines: list[int], path: str | Path, first_line: int) -> None:
    n = len(words)
    for word, number in zip(words, lines, strict=True):
        if word.head > n:
            raise _fail(f"HEAD {word.head} points outside the sentence ({n} words)", path, number)
    roots = [w.id for w in words if w.head == 0]
    if not roots:
        raise _fail("no word has HEAD 0: a sentence needs exactly one root", path, first_line)
    if len(roots) > 1:
        raise _fail(
            f"words {roots} all have HEAD 0: a sentence needs exactly one root",
            path,
            lines[roots[1] - 1],
        )
    cycle = find_cycle([w.head for w in words])
    if cycle:
        raise _fail(
            f"HEAD cycle through words {cycle}: no path to the root", path, lines[cycle[0] - 1]
        )


def format_conllu(sentences: Iterable[Sentence]) -> str:
    """CoNLL-U text of ``sentences``: comments, then token, word and empty-node lines, a blank line.

    Raises:
        ValueError: A column value is empty or holds a tab or a line break.
    """
    return "".join(_format_sentence(s) for s in sentences)


def write_conllu(sentences: Iterable[Sentence], path: str | Path) -> None:
    """Write ``sentences`` as a CoNLL-U file (atomically; see :func:`format_conllu`)."""
    write_text_atomic(path, format_conllu(sentences))


def _line(*values: object) -> str:
    cells = [serialize_field(v) if isinstance(v, Mapping) else str(v) for v in values]
    for cell in cells:
        if not cell or any(c in cell for c in "\t\n\r"):
            raise ValueError(f"CoNLL-U column value {cell!r} is empty or holds a tab/line break")
    return "\t".join(cells)


def _format_sentence(sentence: Sentence) -> str:
    ranges = {t.first: t for t in sentence.multiword_tokens}
    lines = list(sentence.comments)

    def empties_after(word_id: int) -> None:
        for e in sentence.empty_nodes:
            if e.after == word_id:
                ident = f"{e.after}.{e.index}"
                lines.append(
                    _line(ident, e.form, e.lemma, e.upos, e.xpos, e.feats, "_", "_", e.deps, e.misc)
                )

    empties_after(0)
    for w in sentence.words:
        if w.id in ranges:
            t = ranges[w.id]
            lines.append(_line(f"{t.first}-{t.last}", t.form, *["_"] * 7, t.misc))
        lines.append(
            _line(w.id, w.form, w.lemma, w.upos, w.xpos, w.feats, w.head, w.deprel, w.deps, w.misc)
        )
        empties_after(w.id)
    return "\n".join(lines) + "\n\n"
