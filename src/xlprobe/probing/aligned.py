"""The tokens the paper clusters for CALIGN: word-aligned occurrences, capped per aligned pair.

For the alignment experiment, Mousi et al. (ACL 2024) keep only the tokens that take part in a
word alignment between the two sentences of a parallel pair, each aligned (source words, target
words) pair at most ``maxfreq`` = 15 times (``code/parallel_frequency_filter_data.py`` with
``minfreq`` 0, as ``activation_extraction_with_filtering.sh`` runs it); the overlap experiment
(COLAP) uses every token. The released script reads per sentence a list of matches (source
words, target words, their positions) from a fast_align mapping; here a match is an *alignment
unit*: a connected component of a sentence pair's links (a source word linked to two target
words is one unit with both, "Haus" ↔ "the house"), so multi-word links keep every word, and an
unaligned word is in no unit. Counting follows the script: units in corpus order (sentences in
order, units by their first source position), the pair key is (source words, target words) as
space-joined strings, and the first ``max_per_pair`` units of a key keep all their words on
both sides; later ones are dropped.

Positions are 0-based word indices of the whitespace-tokenized sentences.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class AlignmentUnit:
    """One connected component of a sentence pair's links.

    Attributes:
        source: Source positions, ascending.
        target: Target positions, ascending.
    """

    source: tuple[int, ...]
    target: tuple[int, ...]


def alignment_units(links: Collection[tuple[int, int]]) -> list[AlignmentUnit]:
    """The connected components of one sentence pair's links (source i linked to target j),
    ordered by their first source position."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j in links:
        a, b = find(("s", i)), find(("t", j))
        if a != b:
            parent[b] = a
    groups: dict[tuple[str, int], tuple[set[int], set[int]]] = {}
    for side, position in list(parent):
        source, target = groups.setdefault(find((side, position)), (set(), set()))
        (source if side == "s" else target).add(position)
    units = [AlignmentUnit(tuple(sorted(s)), tuple(sorted(t))) for s, t in groups.values()]
    return sorted(units, key=lambda unit: unit.source)


@dataclass(frozen=True)
class AlignedTokens:
    """The occurrences an alignment filter keeps on each side of a parallel corpus.

    Attributes:
        source: Per sentence, the kept source positions (ascending).
        target: Per sentence, the kept target positions (ascending).
        units_kept: Alignment units kept.
        units_capped: Units dropped by the per-pair cap.
    """

    source: tuple[tuple[int, ...], ...]
    target: tuple[tuple[int, ...], ...]
    units_kept: int
    units_capped: int


def aligned_tokens(
    src_sentences: Sequence[str],
    tgt_sentences: Sequence[str],
    links: Sequence[Collection[tuple[int, int]]],
    *,
    max_per_pair: int = 15,
) -> AlignedTokens:
    """The word-aligned occurrences of a parallel corpus, each aligned pair kept at most
    ``max_per_pair`` times in corpus order (module docstring).

    Args:
        src_sentences, tgt_sentences: Line-aligned, whitespace-tokenized sentences.
        links: Per sentence pair, its (source position, target position) links.
        max_per_pair: The first units of an aligned (source words, target words) pair kept.

    Returns:
        The kept positions per sentence on each side.
    """
    if not len(src_sentences) == len(tgt_sentences) == len(links):
        raise ValueError(
            f"{len(src_sentences)} source, {len(tgt_sentences)} target sentences and "
            f"{len(links)} link lines must be line-aligned"
        )
    seen: Counter[tuple[str, str]] = Counter()
    source, target = [], []
    kept = capped = 0
    for src, tgt, sentence_links in zip(src_sentences, tgt_sentences, links, strict=True):
        src_words, tgt_words = src.split(), tgt.split()
        keep_s: set[int] = set()
        keep_t: set[int] = set()
        for unit in alignment_units(sentence_links):
            key = (
                " ".join(src_words[i] for i in unit.source),
                " ".join(tgt_words[j] for j in unit.target),
            )
            seen[key] += 1
            if seen[key] > max_per_pair:
                capped += 1
                continue
            kept += 1
            keep_s.update(unit.source)
            keep_t.update(unit.target)
        source.append(tuple(sorted(keep_s)))
        target.append(tuple(sorted(keep_t)))
    return AlignedTokens(tuple(source), tuple(target), kept, capped)


def positions_digest(positions: Mapping[int, Collection[int]]) -> str:
    """sha256 (16 hex digits) of sentence -> positions: identifies a selection of occurrences
    (in store metadata and activation-cache keys)."""
    digest = hashlib.sha256()
    for sentence in sorted(positions):
        kept = sorted(positions[sentence])
        if kept:
            digest.update(f"{sentence}:{','.join(map(str, kept))};".encode())
    return digest.hexdigest()[:16]
