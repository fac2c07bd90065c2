"""Rendered words and the per-language token lists every phrase and template builds.

A phrase in the synthetic world is a ``dict[str, Tokens]``: language code -> its words, in
order, each with a concept key (``n:cat``, ``v:buy``, ``num:21``; ``None`` for words with no
counterpart) and a BIO named-entity tag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xlprobe.data.synthetic.lexicon import LANGUAGES

NER_LABELS: tuple[str, ...] = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG")


@dataclass(frozen=True)
class Token:
    """One rendered word, its concept key (``None``: no counterpart) and its BIO tag."""

    word: str
    key: str | None = None
    tag: str = "O"


Tokens = list[Token]


@dataclass(frozen=True)
class Sentence:
    """One generated sentence: its words per language and its sentiment (1 positive, 0
    negative)."""

    tokens: dict[str, Tokens]
    sentiment: int


def words(text: str, key: str | None) -> Tokens:
    """Every space-separated word of ``text`` with the same key."""
    return [Token(w, key) for w in text.split()]


def join(*parts: dict[str, Tokens] | Callable[[str], Tokens | Token]) -> dict[str, Tokens]:
    """Concatenate per-language token lists (callables are called with the language)."""
    out: dict[str, Tokens] = {lang: [] for lang in LANGUAGES}
    for part in parts:
        for lang in LANGUAGES:
            value = part(lang) if callable(part) else part[lang]
            out[lang].extend([value] if isinstance(value, Token) else value)
    return out


def empty() -> dict[str, Tokens]:
    """No words in any language."""
    return {lang: [] for lang in LANGUAGES}
