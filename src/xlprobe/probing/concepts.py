"""Latent concepts: clusters of contextual word occurrences.

A :class:`TokenTable` holds one row per kept word occurrence (the rows of an activation matrix);
a :class:`ConceptSet` adds a cluster id per row. Language is an explicit column, never inferred
from a sentence index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
                raise ValueError(f"TokenTable column {name!r} has {len(getattr(self, name))} rows, expected {n}")

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

    Attributes:
        tokens: The clustered occurrences, N rows.
        labels: [N] int64 cluster id per row.
    """

    tokens: TokenTable
    labels: np.ndarray

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.tokens):
            raise ValueError(f"ConceptSet has {len(self.labels)} labels for {len(self.tokens)} tokens")
