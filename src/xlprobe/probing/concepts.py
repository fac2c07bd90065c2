"""Latent concepts: clusters of contextual word occurrences.

A :class:`TokenTable` holds one row per kept word occurrence (the rows of an activation matrix);
a :class:`ConceptSet` adds a cluster id per row. Language is an explicit column, never inferred
from a sentence index.

Cluster files use the ConceptX / NeuroX text format, one occurrence per line::

    word|||occurrence|||sentence|||position|||cluster

Fields are split from the right, so words may contain ``|`` (even ``|||``). The format has no
language column: :func:`read_clusters` takes it from ``lang`` (one code for the whole file) or
``sentence_langs`` (line i = language of sentence i, the way jointly clustered COLAP files are
described).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

from xlprobe.errors import InputError
from xlprobe.io import read_text_lines, write_text_atomic

SEPARATOR = "|||"
CLUSTER_LINE_FORMAT = "word|||occurrence|||sentence|||position|||cluster"
_NON_NEGATIVE = re.compile(r"[0-9]+")
_INTEGER = re.compile(r"-?[0-9]+")
# a column of such integers, one a line (the fast path checks a whole column at once)
# (at most 18 digits, which always fit int64; longer numbers take the checked slow path)
_NON_NEGATIVE_COLUMN = re.compile(r"[0-9]{1,18}(?:\n[0-9]{1,18})*")
_INTEGER_COLUMN = re.compile(r"-?[0-9]{1,18}(?:\n-?[0-9]{1,18})*")
_INT64 = (-(2**63), 2**63 - 1)
_LEADING_SPACE = re.compile(r"^[^\S\n]", re.MULTILINE)
UNKNOWN_LANG = "und"
"""Language code (BCP 47 "undetermined") of occurrences read without ``lang`` or
``sentence_langs``."""


@dataclass(frozen=True)
class TokenTable:
    """Word occurrences, column-wise; all columns have the same length N.

    Attributes:
        word: [N] object array of str, the whitespace token as written in the corpus.
        lang: [N] object array of str, language code of the occurrence (e.g. ``"de"``).
        sentence: [N] int64, 0-based sentence (line) index in the probe corpus.
        position: [N] int64, 0-based word index inside the sentence.
        occurrence: [N] int64, 0-based index of this occurrence among the kept occurrences of
            the same word type (and language), in corpus order.
    """

    word: np.ndarray
    lang: np.ndarray
    sentence: np.ndarray
    position: np.ndarray
    occurrence: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.word)
        for name in ("lang", "sentence", "position", "occurrence"):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"TokenTable column {name!r} has {len(getattr(self, name))} rows, expected {n}"
                )

    def __len__(self) -> int:
        return len(self.word)

    @classmethod
    def from_columns(cls, word, lang, sentence, position, occurrence) -> TokenTable:
        """Build from any sequences; ``lang`` may be a single code applied to every row."""
        word_arr = np.asarray(list(word), dtype=object)
        if isinstance(lang, str):
            lang_arr = np.full(len(word_arr), lang, dtype=object)
        else:
            lang_arr = np.asarray(list(lang), dtype=object)
        return cls(
            word=word_arr,
            lang=lang_arr,
            sentence=np.asarray(sentence, dtype=np.int64).reshape(-1),
            position=np.asarray(position, dtype=np.int64).reshape(-1),
            occurrence=np.asarray(occurrence, dtype=np.int64).reshape(-1),
        )

    @classmethod
    def concat(cls, tables: list[TokenTable]) -> TokenTable:
        """Rows of ``tables`` one after another."""
        if not tables:
            return cls.from_columns([], [], [], [], [])
        return cls(
            word=np.concatenate([t.word for t in tables]),
            lang=np.concatenate([t.lang for t in tables]),
            sentence=np.concatenate([t.sentence for t in tables]),
            position=np.concatenate([t.position for t in tables]),
            occurrence=np.concatenate([t.occurrence for t in tables]),
        )


@dataclass(frozen=True)
class ConceptSet:
    """A clustering of word occurrences into latent concepts.

    A concept is the set of rows sharing a cluster id; only ids that occur are concepts, so every
    concept is non-empty.

    Attributes:
        tokens: The clustered occurrences, N rows.
        labels: [N] int64 cluster id per row (any integer sequence is converted).
    """

    tokens: TokenTable
    labels: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", np.asarray(self.labels, dtype=np.int64).reshape(-1))
        if len(self.labels) != len(self.tokens):
            raise ValueError(
                f"ConceptSet has {len(self.labels)} labels for {len(self.tokens)} tokens"
            )

    @classmethod
    def from_mapping(
        cls, concepts: Mapping[int, Sequence[str]], *, lang: str = UNKNOWN_LANG
    ) -> ConceptSet:
        """Build from cluster id -> words (one occurrence per entry), e.g. for examples/tests.

        Each occurrence becomes its own sentence (position 0), numbered in iteration order;
        ``occurrence`` counts earlier occurrences of the same word.
        """
        words = [w for ws in concepts.values() for w in ws]
        labels = [c for c, ws in concepts.items() for _ in ws]
        seen: Counter[str] = Counter()
        occurrence = []
        for w in words:
            occurrence.append(seen[w])
            seen[w] += 1
        tokens = TokenTable.from_columns(
            words, lang, range(len(words)), [0] * len(words), occurrence
        )
        return cls(tokens=tokens, labels=np.asarray(labels, dtype=np.int64))

    def __len__(self) -> int:
        """Number of (non-empty) concepts."""
        return len(self.concept_ids)

    @property
    def concept_ids(self) -> np.ndarray:
        """[C] int64 sorted ids of the non-empty concepts."""
        return np.unique(np.asarray(self.labels, dtype=np.int64))

    @property
    def languages(self) -> tuple[str, ...]:
        """Sorted language codes present in the tokens."""
        return tuple(sorted(set(self.tokens.lang.tolist())))

    def word_types(self) -> dict[int, frozenset[str]]:
        """Concept id -> its set of word types (duplicate occurrences count once), as CALIGN
        sees a concept (Mousi et al., 2024, Sec. 3)."""
        types: dict[int, set[str]] = {}
        for label, word in zip(self.labels.tolist(), self.tokens.word.tolist(), strict=True):
            types.setdefault(label, set()).add(word)
        return {label: frozenset(words) for label, words in sorted(types.items())}

    def top_words(self, concept: int, k: int = 10) -> list[tuple[str, int]]:
        """The ``k`` most frequent words of one concept with their occurrence counts.

        Ties keep the order of first occurrence in the token table. An id that is not a concept
        gives an empty list.
        """
        words = self.tokens.word[np.asarray(self.labels) == concept]
        return Counter(words.tolist()).most_common(k)


def factorize(values: Sequence) -> tuple[np.ndarray, list]:
    """Integer codes of hashable values, numbered in order of first appearance.

    Returns:
        (codes [N] int64, uniques): ``uniques[codes[i]] == values[i]``.
    """
    index = {v: i for i, v in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    return codes, list(index)


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an int array, by sort + adjacent compare (several times
    faster than ``np.unique`` on large int64 arrays, which hashes)."""
    x = np.sort(x)
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x


def ragged_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ranges ``starts[i] : starts[i] + lengths[i]`` ([sum(lengths)] int64)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    before = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(np.asarray(starts, dtype=np.int64), lengths) + np.arange(len(before)) - before


def read_sentence_langs(path: str | Path) -> list[str]:
    """Read a languages file: line i (0-based) is the language code of sentence i.

    The file is read by :func:`xlprobe.io.read_text` (a byte-order mark dropped, so it never
    makes a language of its own); whitespace around a code is dropped.

    Raises:
        InputError: The file is missing, empty, has a blank line or a line of several words,
            or text :func:`~xlprobe.io.read_text` refuses.
    """
    lines = read_text_lines(path, expected="one language code per line")
    langs = []
    for number, line in enumerate(lines, start=1):
        code = line.strip()
        if not code or len(code.split()) != 1:
            raise InputError(
                f"expected one language code per line (line i = language of sentence i), "
                f"got {_show(line)}",
                path=path,
                line=number,
            )
        langs.append(code)
    return langs


def read_clusters(
    path: str | Path, *, lang: str | None = None, sentence_langs: Sequence[str] | None = None
) -> ConceptSet:
    """Read a ConceptX cluster file (``word|||occurrence|||sentence|||position|||cluster``).

    The file is read by :func:`xlprobe.io.read_text` (a byte-order mark dropped; CR, NUL and
    other control characters refused). Blank lines are skipped and trailing whitespace of every
    field is dropped (a word is a whitespace token: ``"Haus "`` is ``"Haus"``); a word that
    starts with whitespace is an error. Occurrence, sentence and position must be non-negative
    integers, the cluster an integer, each written as plain ASCII digits (a leading ``-`` for
    the cluster only) within the signed 64-bit range: ``" 1"``, ``"+1"``, ``"1_0"`` or a
    20-digit number are malformed lines, not numbers.

    Args:
        path: The cluster file (UTF-8).
        lang: Language code of every occurrence in the file.
        sentence_langs: Language code of each sentence (index = sentence id); for files that
            cluster several languages jointly. Exclusive with ``lang``. Without either, every
            occurrence gets language :data:`UNKNOWN_LANG`.

    Returns:
        The concept set, rows in file order.

    Raises:
        InputError: Unreadable or empty file, text :func:`~xlprobe.io.read_text` refuses, a
            malformed line, or a sentence id with no entry in ``sentence_langs`` (message names
            the file and line).
    """
    if lang is not None and sentence_langs is not None:
        raise ValueError("give either lang or sentence_langs, not both")
    lines = [
        line.rstrip() for line in read_text_lines(path, expected=f"lines '{CLUSTER_LINE_FORMAT}'")
    ]
    words, occurrence_arr, sentence_arr, position_arr, labels = _parse_cluster_lines(path, lines)
    if sentence_langs is not None:
        known = sentence_arr < len(sentence_langs)
        if not known.all():
            bad = int(np.flatnonzero(~known)[0])
            raise InputError(
                f"sentence {sentence_arr[bad]} has no language: the languages file has "
                f"{len(sentence_langs)} lines (line i = language of sentence i, 0-based)",
                path=path,
                line=_non_blank_line_numbers(lines)[bad],
            )
        lang_arr = np.asarray(list(sentence_langs), dtype=object)[sentence_arr]
    else:
        lang_arr = np.full(len(words), lang or UNKNOWN_LANG, dtype=object)
    tokens = TokenTable(
        word=np.asarray(words, dtype=object),
        lang=lang_arr,
        sentence=sentence_arr,
        position=position_arr,
        occurrence=occurrence_arr,
    )
    return ConceptSet(tokens=tokens, labels=labels)


def write_clusters(concepts: ConceptSet, path: str | Path) -> None:
    """Write ``concepts`` as a ConceptX cluster file, atomically, rows in table order.

    The language column is not part of the format; keep a languages file (see
    :func:`read_sentence_langs`) or the ``lang`` of each view to read it back.
    """
    t = concepts.tokens
    rows = zip(
        t.word.tolist(),
        t.occurrence.tolist(),
        t.sentence.tolist(),
        t.position.tolist(),
        np.asarray(concepts.labels).tolist(),
        strict=True,
    )
    write_text_atomic(path, "".join(f"{w}|||{o}|||{s}|||{p}|||{c}\n" for w, o, s, p, c in rows))


def _non_blank_line_numbers(lines: list[str]) -> list[int]:
    return [number for number, line in enumerate(lines, start=1) if line]


def _parse_cluster_lines(
    path: str | Path, lines: list[str]
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Columns (words, occurrence, sentence, position, cluster) of the non-blank lines
    (``lines`` are right-stripped: blank lines are empty).

    Fast path, when no line contains ``||||`` and each has exactly four ``|||`` (then every
    ``|||`` is a separator): split the whole text at once and convert with C-level ``int``.
    Otherwise split each line from the right, raising an InputError at the first bad line.
    """
    kept = [line for line in lines if line]
    try:
        return _cluster_columns_fast(kept)
    except ValueError:
        pass
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        parts = [part.rstrip() for part in line.rsplit(SEPARATOR, 4)]
        problem = None
        if len(parts) != 5:
            problem = f"5 fields separated by '{SEPARATOR}'"
        elif not parts[0] or parts[0][0].isspace():
            problem = "a non-empty word that does not start with whitespace"
        elif not all(_is_int(p, allow_negative=False) for p in parts[1:4]):
            problem = "non-negative integers for occurrence, sentence and position"
        elif not _is_int(parts[4], allow_negative=True):
            problem = "an integer cluster id"
        elif not all(_INT64[0] <= int(p) <= _INT64[1] for p in parts[1:]):
            problem = f"integers in the signed 64-bit range [{_INT64[0]}, {_INT64[1]}]"
        if problem:
            raise InputError(
                f"expected '{CLUSTER_LINE_FORMAT}' with {problem}, got {_show(line)}",
                path=path,
                line=number,
            )
        rows.append(parts)
    words = [row[0] for row in rows]
    ints = [np.array([int(row[k]) for row in rows], dtype=np.int64) for k in range(1, 5)]
    return (words, *ints)


def _cluster_columns_fast(
    kept: list[str],
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fast path of :func:`_parse_cluster_lines`; ValueError when it does not apply."""
    text = "\n".join(kept)
    n = len(kept)
    separators = np.fromiter(map(str.count, kept, repeat(SEPARATOR)), dtype=np.int64, count=n)
    if "||||" in text or (separators != 4).any():
        raise ValueError("ambiguous or malformed separators")
    flat = text.replace(SEPARATOR, "\n").split("\n")
    words = list(map(str.rstrip, flat[0::5]))
    columns = ["\n".join(flat[k::5]) for k in range(1, 5)]
    patterns = (_NON_NEGATIVE_COLUMN,) * 3 + (_INTEGER_COLUMN,)
    if not all(words) or not all(p.fullmatch(c) for p, c in zip(patterns, columns, strict=True)):
        raise ValueError("empty word, or a field that is not a plain integer of <= 18 digits")
    if _LEADING_SPACE.search("\n".join(words)):
        raise ValueError("a word starting with whitespace")
    # C-level parsing of the validated columns (plain integers of <= 18 digits: exact in int64)
    ints = [np.fromstring(col, dtype=np.int64, sep="\n") for col in columns]
    if any(len(col) != n for col in ints):
        raise ValueError("a column did not parse to one integer per line")
    return (words, *ints)


def _is_int(text: str, *, allow_negative: bool) -> bool:
    """Whether ``text`` is a plain ASCII decimal integer (``-`` only with ``allow_negative``):
    no spaces, ``+``, ``_`` or non-ASCII digits, which Python's ``int()`` would accept."""
    return (_INTEGER if allow_negative else _NON_NEGATIVE).fullmatch(text) is not None


def _show(line: str, limit: int = 80) -> str:
    """``line`` quoted for an error message, shortened to ``limit`` characters."""
    return repr(line if len(line) <= limit else line[:limit] + "…")
