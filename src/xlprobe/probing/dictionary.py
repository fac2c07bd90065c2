"""Translation dictionaries: T(ws) = the ranked translations of source word ws."""

from __future__ import annotations

from dataclasses import dataclass


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
