"""Readable, slow reference implementations of CALIGN and COLAP.

Straight loops over concept pairs that follow the definitions in DESIGN.md ("Metric
definitions") word for word (Mousi et al., ACL 2024, Sec. 3), and for CALIGN's ``released``
rule the rule of the paper's released script ``alignClusters.py`` as
:mod:`xlprobe.probing.metrics` states it. They exist to cross-check the vectorized
:func:`xlprobe.probing.metrics.calign` / :func:`~xlprobe.probing.metrics.colap` (property
tests) and as the baseline of ``benchmarks/bench_metrics.py``; use those instead.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from xlprobe.probing.concepts import ConceptSet
from xlprobe.probing.dictionary import Dictionary
from xlprobe.probing.dictionary import n_best as n_best_view
from xlprobe.probing.metrics import (
    CalignResult,
    ColapResult,
    DictionaryCoverage,
    threshold_fraction,
)


def calign_reference(
    src: ConceptSet,
    tgt: ConceptSet,
    dictionary: Dictionary,
    *,
    n_best: int = 10,
    theta: float = 0.8,
    min_types: int = 5,
    max_size_diff: float = 0.4,
    rule: str = "symmetric",
) -> CalignResult:
    """CALIGN by a loop over every (Cs, Ct) pair; same result as ``metrics.calign``.

    ``symmetric``: both concepts have more than ``min_types`` types, min/max of their sizes is
    at least ``1 - max_size_diff``, and A/|Cs| is at least ``theta``. ``released``: the source
    concept has more than ``min_types`` types, |Cs|/|Ct| is above ``1 - max_size_diff``, and
    A/|Cs| is above ``theta``.
    """
    best = n_best_view(dictionary, n_best)
    th = threshold_fraction(theta)
    ratio = 1 - threshold_fraction(max_size_diff)
    source = src.word_types()
    target = tgt.word_types()
    pairs = []
    matched = {}
    for cs, source_words in source.items():
        for ct, target_words in target.items():
            n_s, n_t = len(source_words), len(target_words)
            if rule == "symmetric":
                comparable = (
                    min(n_s, n_t) > min_types and Fraction(min(n_s, n_t), max(n_s, n_t)) >= ratio
                )
            else:
                comparable = n_s > min_types and Fraction(n_s, n_t) > ratio
            if not comparable:
                continue
            words = tuple(
                sorted(
                    ws for ws in source_words if any(wt in target_words for wt in best.get(ws, []))
                )
            )
            share = Fraction(len(words), n_s)
            if share >= th if rule == "symmetric" else share > th:
                pairs.append((cs, ct))
                matched[(cs, ct)] = words
    aligned = len({cs for cs, _ in pairs})
    source_words = {ws for words in source.values() for ws in words}
    target_words = {wt for words in target.values() for wt in words}
    covered = sum(any(wt in target_words for wt in best.get(ws, [])) for ws in source_words)
    return CalignResult(
        percent=100.0 * aligned / len(source) if source else 0.0,
        aligned=aligned,
        total=len(source),
        eligible=sum(len(words) > min_types for words in source.values()),
        pairs=tuple(pairs),
        matched=matched,
        source_sizes={cs: len(words) for cs, words in source.items()},
        coverage=DictionaryCoverage(covered, len(source_words), n_best),
        params={
            "n_best": n_best,
            "theta": theta,
            "min_types": min_types,
            "max_size_diff": max_size_diff,
            "rule": rule,
        },
    )


def colap_reference(concepts: ConceptSet, *, theta: float = 0.3) -> ColapResult:
    """COLAP by a loop over concepts; same result as ``metrics.colap``."""
    th = threshold_fraction(theta)
    per_concept: dict[int, Counter] = {}
    for label, lang in zip(concepts.labels.tolist(), concepts.tokens.lang.tolist(), strict=True):
        per_concept.setdefault(label, Counter())[lang] += 1
    overlapping = {}
    for cid in sorted(per_concept):
        counts = per_concept[cid]
        size = sum(counts.values())
        if sum(Fraction(c, size) >= th for c in counts.values()) >= 2:
            overlapping[cid] = dict(counts)
    total = len(per_concept)
    return ColapResult(
        percent=100.0 * len(overlapping) / total if total else 0.0,
        overlapping=len(overlapping),
        total=total,
        overlapping_ids=tuple(overlapping),
        language_counts=overlapping,
        params={"theta": theta},
    )
