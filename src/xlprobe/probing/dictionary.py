"""Translation dictionaries: T(ws) = the ranked translations of source word ws.

Two file formats are read (the format is fixed by the first non-blank line):

* TSV ``src<TAB>tgt<TAB>prob`` (what :func:`write_dictionary` writes), prob a non-negative
  number, e.g. a lexical translation probability p(t|s);
* plain pairs ``src tgt`` separated by whitespace (MUSE style); the rank of a translation is its
  line order, every pair gets probability 1.0.

CALIGN uses the N-best view (Mousi et al., 2024, Sec. 3): the ``n`` most probable translations
of each source word, ties in file order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from xlprobe.errors import InputError
from xlprobe.io import write_text_atomic
from xlprobe.probing.concepts import read_text_lines

TSV_FORMAT = "src<TAB>tgt<TAB>prob"
PAIRS_FORMAT = "src tgt"


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


def read_dictionary(path: str | Path) -> Dictionary:
    """Read a TSV (``src<TAB>tgt<TAB>prob``) or plain-pairs (``src tgt``) dictionary.

    Blank lines are skipped. A repeated (src, tgt) pair keeps its first line. Translations of
    each source word are sorted by probability descending, ties in file order.

    Raises:
        InputError: Unreadable or empty file, a line with the wrong number of fields, or a
            probability that is not a finite non-negative number (names the file and line).
    """
    lines = read_text_lines(path, expected=f"lines '{TSV_FORMAT}' or '{PAIRS_FORMAT}'")
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    tsv = "\t" in numbered[0][1]
    translations: dict[str, dict[str, float]] = {}
    for number, line in numbered:
        src, tgt, prob = _parse_tsv(path, number, line) if tsv else _parse_pair(path, number, line)
        translations.setdefault(src, {}).setdefault(tgt, prob)
    return Dictionary(
        translations={
            src: sorted(tgts.items(), key=lambda item: -item[1])
            for src, tgts in translations.items()
        }
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
    return {
        src: [tgt for tgt, _ in sorted(table[src], key=lambda item: -item[1])[:n]]
        for src in sources
    }


def _parse_tsv(path: str | Path, number: int, line: str) -> tuple[str, str, float]:
    fields = line.split("\t")
    if len(fields) != 3 or not fields[0] or not fields[1]:
        raise InputError(
            f"expected 3 tab-separated fields '{TSV_FORMAT}' (the file's first line is TSV), "
            f"got {line[:80]!r}",
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
