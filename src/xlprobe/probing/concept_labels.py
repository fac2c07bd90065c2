"""Simple, documented labels of latent concepts from their words: lexical or semantic.

Mousi et al. (ACL 2024, Sec. 5 and Fig. 9) label each concept as *lexical* (its words share a
form) or *semantic* (its words share a meaning) and count both per layer: semantic concepts grow
with depth. They labelled with an LLM; these rules are a transparent, offline stand-in. Labels
are extras for the report: CALIGN and COLAP never read them.

A concept is given as its word types (``(word, lang)`` with occurrence counts). With ``n`` types
and ``need = ceil(min_share * n)`` (``min_share`` = "most of its types", default 0.6):

Lexical labels (the first that applies, in this order; types of any language pooled):
    ``number``       at least ``need`` types are numerals (digits with ``.,:/`` separators).
    ``punctuation``  at least ``need`` types consist of punctuation or symbol characters only.
    ``name``         at least ``need`` types are title case and their lower-case form is not in
                     ``vocabulary`` (the corpus words seen in lower case); without a vocabulary
                     this rule is off.
    ``casing:upper`` / ``casing:title``  at least ``need`` types are ALL CAPS (2+ letters) /
                     title case.
    ``prefix:X`` / ``suffix:X`` / ``infix:X`` / ``stem:X``  the string X (3 to
                     ``MAX_AFFIX`` letters) contained in the most types, at least ``need``
                     (ties: the longer, then alphabetical): a stem when every type containing it
                     starts with it and X is at least half as long as those types on average,
                     else a prefix; a suffix when every such type ends with it; an infix
                     otherwise (the paper's shared "olog" concept).

Semantic labels (all that apply):
    ``translation``  the concept spans at least two languages and at least ``need_s`` of the
                     types of some language (``need_s = ceil(min_share * types of that
                     language)``) have one of their dictionary translations among the concept's
                     types of another language.
    ``category:C``   at least ``need`` types map to the same category C in ``categories`` (for
                     instance the semantic classes of the synthetic world's words, which the
                     caller gets from ``xlprobe.data.synthetic.word_categories``).

A concept's kind (:func:`concept_kind`) is ``semantic`` when it has a semantic label, else
``lexical`` when it has a lexical label, else ``unlabelled``; concepts with fewer than
``min_types`` types stay unlabelled.

An external labeller (an LLM, as in the paper) plugs in through :class:`Labeller`; none is used
unless a caller passes one.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

KINDS = ("lexical", "semantic", "unlabelled")
MIN_AFFIX = 3
MAX_AFFIX = 8
_NUMERAL = re.compile(r"[+-]?\d+(?:[.,:/]\d+)*%?")

WordType = tuple[str, str]
"""``(word, lang)``."""


@dataclass(frozen=True)
class ConceptLabel:
    """One label of a concept.

    Attributes:
        kind: ``"lexical"`` or ``"semantic"``.
        name: E.g. ``"number"``, ``"suffix:ing"``, ``"infix:olog"``, ``"translation"``,
            ``"category:color"``.
        support: Fraction of the concept's types that carry the property, in [0, 1].
    """

    kind: str
    name: str
    support: float


Labeller = Callable[[Sequence[WordType]], Sequence[ConceptLabel]]
"""An external labeller: the concept's types -> its labels (e.g. an LLM prompt); off by
default."""


def _is_title(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or not word[1:].isupper()) and word.isalpha()


def _is_upper(word: str) -> bool:
    return len(word) > 1 and word.isalpha() and word.isupper()


def _is_punctuation(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PS" for ch in word)


@functools.lru_cache(maxsize=1 << 16)
def _substrings(word: str) -> frozenset[str]:
    """Distinct alphabetic substrings of ``word`` with MIN_AFFIX..MAX_AFFIX characters (cached:
    a report labels the same words at every layer and round)."""
    return frozenset(
        sub
        for k in range(MIN_AFFIX, min(MAX_AFFIX, len(word)) + 1)
        for i in range(len(word) - k + 1)
        if (sub := word[i : i + k]).isalpha()
    )


_SHAPE_RULES = ("number", "punctuation", "casing:upper", "casing:title")


@functools.lru_cache(maxsize=1 << 16)
def _shape(word: str) -> tuple[bool, bool, bool, bool]:
    """Whether ``word`` is a numeral, punctuation, ALL CAPS, title case (_SHAPE_RULES order)."""
    return (
        _NUMERAL.fullmatch(word) is not None,
        _is_punctuation(word),
        _is_upper(word),
        _is_title(word),
    )


def _shared_substring(words: Sequence[str], need: int) -> tuple[str, int] | None:
    """The substring (MIN_AFFIX..MAX_AFFIX letters) found in the most of the distinct
    lower-cased ``words``, at least ``need``, with its count; ties: longer, then alphabetical.

    Only substrings of the first ``d - need + 1`` of the ``d`` distinct words are counted: one
    found in ``need`` words is in at least one of them (pigeonhole)."""
    distinct = list({w.lower() for w in words})
    first = distinct[: max(len(distinct) - need + 1, 0)]
    candidates = frozenset().union(*map(_substrings, first))
    counts = Counter(chain.from_iterable(_substrings(word) & candidates for word in distinct))
    if not counts or max(counts.values()) < need:
        return None
    best = [(s, c) for s, c in counts.items() if c >= need]
    return min(best, key=lambda sc: (-sc[1], -len(sc[0]), sc[0]))


def _affix_label(words: Sequence[str], need: int, n: int) -> ConceptLabel | None:
    found = _shared_substring(words, need)
    if found is None:
        return None
    sub, count = found
    holders = [w.lower() for w in dict.fromkeys(words) if sub in w.lower()]
    if all(w.startswith(sub) for w in holders):
        mean_len = sum(map(len, holders)) / len(holders)
        position = "stem" if len(sub) >= mean_len / 2 else "prefix"
    elif all(w.endswith(sub) for w in holders):
        position = "suffix"
    else:
        position = "infix"
    return ConceptLabel("lexical", f"{position}:{sub}", count / n)


def lexical_labels(
    types: Sequence[WordType], *, min_share: float = 0.6, vocabulary: Collection[str] = ()
) -> list[ConceptLabel]:
    """The first lexical label that applies (module docstring), as a 0- or 1-element list."""
    words = [w for w, _ in types]
    n = len(words)
    need = math.ceil(min_share * n)
    shapes = [_shape(w) for w in words]
    counts = [sum(column) for column in zip(*shapes, strict=True)]
    if vocabulary:
        names = sum(
            1
            for w, shape in zip(words, shapes, strict=True)
            if shape[3] and w.lower() not in vocabulary
        )
        counts.insert(2, names)
    rules = _SHAPE_RULES[:2] + ("name",) * bool(vocabulary) + _SHAPE_RULES[2:]
    for name, count in zip(rules, counts, strict=True):
        if count >= need:
            return [ConceptLabel("lexical", name, count / n)]
    affix = _affix_label(words, need, n)
    return [affix] if affix else []


def semantic_labels(
    types: Sequence[WordType],
    *,
    min_share: float = 0.6,
    translations: Mapping[tuple[str, str], Mapping[str, Collection[str]]] | None = None,
    categories: Mapping[str, str] | None = None,
) -> list[ConceptLabel]:
    """``translation`` and ``category:C`` labels (module docstring).

    Args:
        types: The concept's ``(word, lang)`` types.
        min_share: "Most of its types".
        translations: ``(src_lang, tgt_lang)`` -> source word -> its translations (e.g. each
            word's n-best dictionary entries).
        categories: Word -> category name.
    """
    labels = []
    by_lang: dict[str, set[str]] = {}
    for word, lang in types:
        by_lang.setdefault(lang, set()).add(word)
    best = 0.0
    for (src, tgt), table in (translations or {}).items():
        if src not in by_lang or tgt not in by_lang or src == tgt:
            continue
        words, targets = by_lang[src], by_lang[tgt]
        hits = sum(1 for w in words if targets.intersection(table.get(w, ())))
        if hits >= math.ceil(min_share * len(words)):
            best = max(best, hits / len(words))
    if best:
        labels.append(ConceptLabel("semantic", "translation", best))
    if categories:
        counted = Counter(map(categories.get, (w for w, _ in types)))
        counted.pop(None, None)
        if counted:
            category, count = min(counted.items(), key=lambda kv: (-kv[1], kv[0]))
            if count >= math.ceil(min_share * len(types)):
                labels.append(ConceptLabel("semantic", f"category:{category}", count / len(types)))
    return labels


def label_concept(
    types: Sequence[WordType],
    *,
    min_types: int = 3,
    min_share: float = 0.6,
    vocabulary: Collection[str] = (),
    translations: Mapping[tuple[str, str], Mapping[str, Collection[str]]] | None = None,
    categories: Mapping[str, str] | None = None,
    labeller: Labeller | None = None,
) -> tuple[ConceptLabel, ...]:
    """All labels of one concept: lexical then semantic (module docstring).

    Args:
        types: Distinct ``(word, lang)`` types of the concept.
        min_types: Concepts with fewer types get no label.
        min_share: Fraction of the types a rule needs.
        vocabulary: Lower-case corpus words (enables the ``name`` rule).
        translations: See :func:`semantic_labels`.
        categories: See :func:`semantic_labels`.
        labeller: An external labeller whose labels are appended (off by default).
    """
    types = list(dict.fromkeys(types))
    if len(types) < min_types:
        return ()
    labels = lexical_labels(types, min_share=min_share, vocabulary=vocabulary)
    labels += semantic_labels(
        types, min_share=min_share, translations=translations, categories=categories
    )
    if labeller is not None:
        labels += list(labeller(types))
    return tuple(labels)


def concept_kind(labels: Sequence[ConceptLabel]) -> str:
    """``"semantic"`` if any label is semantic, else ``"lexical"`` if any is, else
    ``"unlabelled"``."""
    kinds = {label.kind for label in labels}
    return next((k for k in KINDS[1::-1] if k in kinds), "unlabelled")


def kind_counts(labelled: Sequence[Sequence[ConceptLabel]]) -> dict[str, int]:
    """``{kind: number of concepts}`` over KINDS (each concept counted once, by
    :func:`concept_kind`): the paper's Fig. 9 for one layer."""
    counts = Counter(concept_kind(labels) for labels in labelled)
    return {kind: counts.get(kind, 0) for kind in KINDS}
