"""Translation dictionaries: T(ws) = the ranked translations of source word ws.

Two file formats are read (the format is fixed by the first non-blank line):

* TSV ``src<TAB>tgt<TAB>prob`` (what :func:`write_dictionary` writes), prob a non-negative
  number, e.g. a lexical translation probability p(t|s);
* plain pairs ``src tgt`` separated by whitespace (MUSE style); the rank of a translation is its
  line order, every pair gets probability 1.0.

Files are read by :func:`xlprobe.io.read_text` (a byte-order mark dropped; CR, NUL and other
control characters refused with file and line). Words are whitespace tokens, so whitespace is
never part of one: trailing whitespace of a field (and of a line) is dropped, and a TSV word
that starts with whitespace is an error naming the line.

CALIGN uses the N-best view (Mousi et al., 2024, Sec. 3): the ``n`` most probable translations
of each source word, ties in file order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path

import numpy as np

from xlprobe.errors import InputError
from xlprobe.io import read_text_lines, write_text_atomic
from xlprobe.probing.concepts import factorize, ragged_ranges, sorted_unique

TSV_FORMAT = "src<TAB>tgt<TAB>prob"
PAIRS_FORMAT = "src tgt"
_LEADING_SPACE = re.compile(r"^[^\S\n]", re.MULTILINE)


@dataclass(frozen=True)
class Dictionary:
    """A source→target translation dictionary.

    Attributes:
        translations: source word -> [(target word, p(t|s)), ...] sorted by probability
            descending, ties kept in file (insertion) order.
        counts: source word -> {target word: link count}, when built from word alignments;
            ``None`` for dictionaries read from files.
    """

    translations: dict[str, list[tuple[str, float]]]
    counts: dict[str, dict[str, int]] | None = None

    @cached_property
    def ranked(self) -> RankedTranslations:
        """The translations as flat arrays, built on first use and cached.

        Metrics call it for every concept pair set they score; treat the dictionary as
        immutable once this has been used.
        """
        sources = {w: i for i, w in enumerate(self.translations)}
        lengths = np.fromiter(map(len, self.translations.values()), np.int64, len(sources))
        flat = list(chain.from_iterable(self.translations.values()))
        target_codes, targets = factorize(list(map(itemgetter(0), flat)))
        return RankedTranslations(
            sources=sources,
            offsets=np.concatenate([[0], np.cumsum(lengths)]),
            target_codes=target_codes,
            targets=targets,
            probs=np.fromiter(map(itemgetter(1), flat), np.float64, len(flat)),
        )


@dataclass(frozen=True)
class RankedTranslations:
    """Column view of a dictionary (:attr:`Dictionary.ranked`, :func:`read_ranked`).

    The translations of source word ``w`` are entries ``offsets[i]:offsets[i+1]`` with
    ``i = sources[w]``, most probable first (ties in file order); entry ``e`` translates to
    ``targets[target_codes[e]]`` with probability ``probs[e]``.

    Attributes:
        sources: source word -> row i.
        offsets: [S + 1] int64 start of each source's entries.
        target_codes: [E] int64 index into ``targets`` per entry.
        targets: The distinct target words.
        probs: [E] float64 probability per entry.
    """

    sources: dict[str, int]
    offsets: np.ndarray
    target_codes: np.ndarray
    targets: list[str]
    probs: np.ndarray

    def to_dictionary(self) -> Dictionary:
        """The same translations as a :class:`Dictionary` (with this view cached)."""
        target_words = np.asarray(self.targets, dtype=object)[self.target_codes].tolist()
        entries = list(zip(target_words, self.probs.tolist(), strict=True))
        bounds = self.offsets.tolist()
        d = Dictionary(
            translations={
                w: entries[a:b]
                for w, a, b in zip(self.sources, bounds[:-1], bounds[1:], strict=True)
            }
        )
        d.__dict__["ranked"] = self  # prime the cached_property with what it would compute
        return d

    def n_best_entries(self, words: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
        """The first ``n`` translations of each of ``words``.

        Returns:
            (word_index [K] int64 position in ``words``, target_code [K] int64 into
            ``targets``), one row per (word, translation) pair; words without an entry have
            none.
        """
        rows = np.fromiter(map(self.sources.get, words, repeat(-1)), np.int64, len(words))
        present = np.flatnonzero(rows >= 0)
        starts = self.offsets[rows[present]]
        lengths = np.minimum(self.offsets[rows[present] + 1] - starts, n)
        return np.repeat(present, lengths), self.target_codes[ragged_ranges(starts, lengths)]


def read_dictionary(path: str | Path) -> Dictionary:
    """Read a TSV (``src<TAB>tgt<TAB>prob``) or plain-pairs (``src tgt``) dictionary.

    Blank lines are skipped; trailing whitespace of each field is dropped. A repeated
    (src, tgt) pair keeps its first line. Translations of each source word are sorted by
    probability descending, ties in file order.

    Raises:
        InputError: Unreadable or empty file, text :func:`xlprobe.io.read_text` refuses, a line
            with the wrong number of fields, a TSV word starting with whitespace, or a
            probability that is not a finite non-negative number (names the file and line).
    """
    return read_ranked(path).to_dictionary()


def read_ranked(path: str | Path) -> RankedTranslations:
    """Read a dictionary file (as :func:`read_dictionary`) straight into the column view.

    Skips building the per-word lists of :class:`Dictionary`: what the metrics CLI uses.
    """
    lines = [
        line.rstrip()
        for line in read_text_lines(path, expected=f"lines '{TSV_FORMAT}' or '{PAIRS_FORMAT}'")
    ]
    kept = [line for line in lines if line]
    tsv = "\t" in kept[0]
    try:
        src, tgt, prob = _tsv_columns(kept) if tsv else _pair_columns(kept)
    except ValueError:
        src, tgt, prob = _parse_lines(path, lines, tsv)
    return _rank(src, tgt, prob)


def _tsv_columns(kept: list[str]) -> tuple[list[str], list[str], np.ndarray]:
    """Columns of TSV lines in a few C-level passes; ValueError on any bad line."""
    tabs = np.fromiter(map(str.count, kept, repeat("\t")), dtype=np.int64, count=len(kept))
    if (tabs != 2).any():
        raise ValueError("not 3 fields")
    flat = "\t".join(kept).split("\t")
    src, tgt = list(map(str.rstrip, flat[0::3])), list(map(str.rstrip, flat[1::3]))
    prob = np.fromiter(map(float, flat[2::3]), dtype=np.float64, count=len(kept))
    if not (all(src) and all(tgt) and np.isfinite(prob).all() and (prob >= 0).all()):
        raise ValueError("empty word or bad probability")
    if _LEADING_SPACE.search("\n".join(src)) or _LEADING_SPACE.search("\n".join(tgt)):
        raise ValueError("a word starting with whitespace")
    return src, tgt, prob


def _pair_columns(kept: list[str]) -> tuple[list[str], list[str], np.ndarray]:
    """Columns of plain ``src tgt`` lines; ValueError on any bad line."""
    rows = list(map(str.split, kept))
    if any(len(row) != 2 for row in rows):
        raise ValueError("not 2 fields")
    return [row[0] for row in rows], [row[1] for row in rows], np.ones(len(rows))


def _parse_lines(
    path: str | Path, lines: list[str], tsv: bool
) -> tuple[list[str], list[str], np.ndarray]:
    """Line-by-line parse that raises an InputError naming the first bad line."""
    parse = _parse_tsv if tsv else _parse_pair
    rows = [parse(path, number, line) for number, line in enumerate(lines, start=1) if line]
    return [r[0] for r in rows], [r[1] for r in rows], np.array([r[2] for r in rows])


def _rank(src: list[str], tgt: list[str], prob: np.ndarray) -> RankedTranslations:
    """Group parsed lines by source (sources in file order), each sorted by probability
    descending with ties in file order; a repeated (src, tgt) pair keeps its first line."""
    src_codes, sources = factorize(src)
    tgt_codes, targets = factorize(tgt)
    keys = src_codes * len(targets) + tgt_codes
    if len(sorted_unique(keys)) < len(keys):
        keep = np.sort(np.unique(keys, return_index=True)[1])
        src_codes, tgt_codes, prob = src_codes[keep], tgt_codes[keep], prob[keep]
    same_source = src_codes[1:] == src_codes[:-1]
    presorted = (np.diff(src_codes) >= 0).all() and (prob[1:] <= prob[:-1])[same_source].all()
    order = np.arange(len(src_codes)) if presorted else np.lexsort((-prob, src_codes))
    codes = src_codes[order]
    return RankedTranslations(
        sources={w: i for i, w in enumerate(sources)},
        offsets=np.r_[np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]), len(codes)],
        target_codes=tgt_codes[order],
        targets=targets,
        probs=prob[order],
    )


def write_dictionary(d: Dictionary, path: str | Path) -> None:
    """Write ``d`` as TSV ``src<TAB>tgt<TAB>prob``, atomically.

    Rows are sorted by source word, then probability descending (ties in the dictionary's
    order); probabilities are written with ``repr`` so that reading the file back gives the same
    floats.
    """
    rows = []
    for src in sorted(d.translations):
        for tgt, prob in sorted(d.translations[src], key=lambda item: -item[1]):
            rows.append(f"{src}\t{tgt}\t{float(prob)!r}\n")
    write_text_atomic(path, "".join(rows))


def n_best(d: Dictionary, n: int, *, words: Iterable[str] | None = None) -> dict[str, list[str]]:
    """The ``n`` most probable translations of each source word, ties in file order.

    Relies on the :class:`Dictionary` invariant that translations are sorted by probability
    descending (what :func:`read_dictionary` and the dictionary builder produce).

    Args:
        d: The dictionary.
        n: How many translations to keep per source word (>= 1).
        words: Only these source words (those without an entry are left out); default all.

    Returns:
        source word -> [target word, ...], at most ``n`` each, most probable first.
    """
    if n < 1:
        raise ValueError(f"n_best must be >= 1, got {n}")
    table = d.translations
    sources = table if words is None else [w for w in dict.fromkeys(words) if w in table]
    return {src: [tgt for tgt, _ in table[src][:n]] for src in sources}


def _parse_tsv(path: str | Path, number: int, line: str) -> tuple[str, str, float]:
    fields = [field.rstrip() for field in line.split("\t")]
    if len(fields) != 3 or not fields[0] or not fields[1]:
        raise InputError(
            f"expected 3 tab-separated fields '{TSV_FORMAT}' (the file's first line is TSV), "
            f"got {line[:80]!r}",
            path=path,
            line=number,
        )
    for name, word in (("source", fields[0]), ("target", fields[1])):
        if word[0].isspace():
            raise InputError(
                f"the {name} word {word[:80]!r} starts with whitespace: words are whitespace "
                "tokens, remove it",
                path=path,
                line=number,
            )
    try:
        prob = float(fields[2])
    except ValueError:
        prob = math.nan
    if not math.isfinite(prob) or prob < 0:
        raise InputError(
            f"expected a non-negative number as probability (third field), got {fields[2]!r}",
            path=path,
            line=number,
        )
    return fields[0], fields[1], prob


def _parse_pair(path: str | Path, number: int, line: str) -> tuple[str, str, float]:
    fields = line.split()
    if len(fields) != 2:
        raise InputError(
            f"expected 2 whitespace-separated words '{PAIRS_FORMAT}' (the file's first line "
            f"has no tab, so it is read as plain pairs), got {line[:80]!r}",
            path=path,
            line=number,
        )
    return fields[0], fields[1], 1.0
