"""Rendered words and the per-language token lists every phrase and template builds.

A phrase in the synthetic world is a ``dict[str, Tokens]``: language code -> its words, in
order, each with a concept key (``n:cat``, ``v:buy``, ``num:21``; ``None`` for words with no
counterpart), a BIO named-entity tag, a UPOS tag and its place in the dependency tree.

Dependency trees are built where the words are: a word names its head by the head's
:attr:`Token.node` (an identity that survives :func:`dataclasses.replace`, so a respelt word
keeps its dependents), and a phrase leaves its own head word unattached (``head`` ``None``),
with the relation it will take preset in ``deprel`` where the phrase knows it (a time
adverbial is ``obl`` or ``advmod`` wherever it goes). Whoever combines phrases attaches them
(:func:`attach`): the clause attaches its subject to its verb as ``nsubj``, a coordination its
second conjunct to the first as ``conj``. A finished sentence has one unattached word per
language, its root.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from xlprobe.data.synthetic.lexicon import LANGUAGES

NER_LABELS: tuple[str, ...] = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG")
UPOS_TAGS: tuple[str, ...] = (
    "ADJ",
    "ADP",
    "ADV",
    "AUX",
    "CCONJ",
    "DET",
    "INTJ",
    "NOUN",
    "NUM",
    "PART",
    "PRON",
    "PROPN",
    "PUNCT",
    "SCONJ",
    "SYM",
    "VERB",
    "X",
)
"""The 17 universal part-of-speech tags of Universal Dependencies v2, alphabetical."""


class Node:
    """The identity of one word in a sentence (what dependents name as their head)."""

    __slots__ = ()


@dataclass(frozen=True)
class Token:
    """One rendered word: its concept key (``None``: no counterpart), BIO tag, UPOS tag, and
    its relation ``deprel`` to the word whose :attr:`node` is ``head`` (``None``: not attached
    yet; the sentence's root at the end).

    Only ``word``, ``key`` and ``tag`` take part in comparisons: the annotation does not change
    which renderings count as the same sentence.
    """

    word: str
    key: str | None = None
    tag: str = "O"
    upos: str = field(default="X", compare=False)
    deprel: str = field(default="dep", compare=False)
    head: Node | None = field(default=None, compare=False, repr=False)
    node: Node = field(default_factory=Node, compare=False, repr=False)

    def under(self, head: Token, deprel: str | None = None) -> Token:
        """This word attached to ``head`` (with ``deprel``, else its preset relation)."""
        return dataclasses.replace(self, head=head.node, deprel=deprel or self.deprel)


Tokens = list[Token]


@dataclass(frozen=True)
class Sentence:
    """One generated sentence: its words per language and its sentiment (1 positive, 0
    negative)."""

    tokens: dict[str, Tokens]
    sentiment: int


def words(
    text: str, key: str | None, upos: str = "X", deprel: str = "dep", tag: str = "O"
) -> Tokens:
    """Every space-separated word of ``text`` with the same key: one expression whose first
    word is its head (``upos``, preset ``deprel``) and whose other words are ``fixed`` to it
    (French ``parce que``)."""
    first, *rest = text.split()
    head = Token(first, key, tag, upos, deprel)
    return [head, *(Token(w, key, tag, upos, "fixed", head.node) for w in rest)]


def root(tokens: Tokens) -> Token:
    """The one word of a phrase that is not attached within it.

    Raises:
        ValueError: None or several are unattached (a template bug).
    """
    free = [t for t in tokens if t.head is None]
    if len(free) != 1:
        raise ValueError(f"expected one unattached word, got {[t.word for t in free]}")
    return free[0]


def attach(tokens: Tokens, head: Token, deprel: str | None = None) -> Tokens:
    """``tokens`` with every unattached word attached to ``head`` (as ``deprel``, else with
    its preset relation)."""
    return [t.under(head, deprel) if t.head is None else t for t in tokens]


def as_(tokens: Tokens, deprel: str) -> Tokens:
    """``tokens`` with the relation of their unattached word preset to ``deprel``."""
    return [dataclasses.replace(t, deprel=deprel) if t.head is None else t for t in tokens]


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
