"""Concept alignment (CALIGN) and concept overlap (COLAP), Mousi et al., ACL 2024, Sec. 3
("Exploring Alignment in Shared Cross-lingual Spaces").

Why one long module: CALIGN, COLAP, dictionary coverage and the translation overlap they share
are the paper's metric definitions, read against each other and against its rules.

CALIGN(S, T): concepts are sets of word TYPES. For a source concept Cs and a target concept Ct,
``A(Cs, Ct) = #{ws in Cs : some wt in Ct is among the n_best translations of ws}``. Cs and Ct are
comparable when both have more than ``min_types`` types and
``min(|Cs|, |Ct|) / max(|Cs|, |Ct|) >= 1 - max_size_diff``; Cs is aligned to Ct when they are
comparable and ``A / |Cs| >= theta``.
``CALIGN = 100 * #(source concepts aligned to at least one target concept) / #(non-empty source
concepts)``. This is the ``symmetric`` rule, the paper's text (and DESIGN.md).

The ``released`` rule is the one of the script published with the paper
(``code/alignClusters.py`` of github.com/qcri/multilingual-latent-concepts): Cs and Ct are
comparable when ``|Cs| > min_types`` (the target's types are not checked) and
``|Cs| / |Ct| > 1 - max_size_diff`` (one direction only: a target of any smaller size is
comparable, a larger one up to ``|Cs| / (1 - max_size_diff)`` exclusive); Cs is aligned to Ct
when comparable and ``A / |Cs| > theta``. Every comparison is strict. Everything else is as in
the symmetric rule, as the script does it: concepts are the sets of their word types (a word
occurring several times counts once), A counts source types with at least one n-best
translation in Ct (once each), |Cs| is the source concept's number of types, and the aligned
count is the number of source concepts with at least one aligned target (the script's own
"Aligned Clusters:" line counts every source cluster; the count of source clusters with a
non-empty target set is meant) over all non-empty source concepts. The script's arguments
map as top_n_translations = ``n_best``, matching_threshold = ``theta``, types = ``min_types``
and size_threshold = ``1 - max_size_diff`` (0.6 at the default 0.4). Three details of the
script are its readers', not the rule's: its n-best are the first N lines of a source word in
file order (the same translations when the file lists them most probable first, as the
dictionaries here are); a repeated (source, target) line takes one of the N places there but
is read once here; a cluster word containing ``|||`` is cut at its first ``|||`` there, read
whole here.

COLAP(C over languages L): a concept is a multiset of tokens; ``share_l = #tokens of language l
/ #tokens in C``; C overlaps when at least two languages have ``share_l >= theta``.
``COLAP = 100 * #overlapping / #non-empty concepts``.

Both are computed with array joins, no loop over concept pairs. In matrix terms, with
membership ``M_s [Cs x Vs]`` (concept has type), dictionary ``D [Vs x Vt]`` (wt among the n-best
of ws) and ``M_t [Ct x Vt]``: ``A = M_s @ bool(D @ M_t^T)``, a dense ``[Cs x Ct]`` count matrix,
evaluated on the non-zero entries only (numpy; no scipy import, so the CLI starts fast).

Thresholds are compared exactly: ``theta`` and ``1 - max_size_diff`` are taken as the nearest
fraction p/q with q <= 10^9 (so 0.8 is 4/5 and 1 - 0.4 is 3/5) and ``a/b >= p/q`` is tested as
``a*q >= p*b`` in integers (``>`` likewise). Hence 4/5 >= 0.8 and 6/10 >= 1 - 0.4 hold, and
4/5 > 0.8 does not. The released script compares floats (``4 / 5 > 0.8``); for thresholds
written as short decimals (0.8, 0.4) and counts below 10^6 the answers are the same: a/b and
p/q are then either equal (and so are their floats) or further apart than float rounding.

Dictionary coverage of a pair: ``100 * #{ws in the source words : some wt among the n_best
translations of ws is a target word} / #(source word types)``, over the word types of the two
concept sets. Source words outside the coverage can never count towards A(Cs, Ct), so CALIGN
is bounded by it: a reversed or mismatched dictionary gives 0% coverage and 0% CALIGN.

A percentage over zero concepts (an empty concept set) is 0.0; ``denominator`` tells it apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise, repeat

import numpy as np

from xlprobe.probing.concepts import ConceptSet, factorize, ragged_ranges, sorted_unique
from xlprobe.probing.dictionary import Dictionary, RankedTranslations

_MAX_DENOMINATOR = 10**9
CALIGN_RULES = ("symmetric", "released")
"""The alignment rules of CALIGN: the paper's text (``symmetric``) and its released script
(``released``); see the module docstring."""
COVERAGE_WARNING = 50.0
"""Dictionary coverage (%) below which a CALIGN pair is warned about: most of its source words
can never be matched, as with a reversed or mismatched dictionary."""


def threshold_fraction(x: float) -> Fraction:
    """``x`` as the nearest fraction with denominator <= 10^9 (0.8 -> 4/5, 1 - 0.7 -> 3/10).

    A positive ``x`` below 10^-9 becomes 10^-9, not 0, so that it still requires a positive
    count. For counts below 10^9 the comparison ``count / size >= fraction`` then agrees with
    the decimal value of ``x``.
    """
    frac = Fraction(float(x)).limit_denominator(_MAX_DENOMINATOR)
    return Fraction(1, _MAX_DENOMINATOR) if x > 0 and frac == 0 else frac


def _percent(numerator: int, denominator: int) -> float:
    return 100.0 * numerator / denominator if denominator else 0.0


@dataclass(frozen=True)
class DictionaryCoverage:
    """How much of a source vocabulary the dictionary can match in a target vocabulary.

    Attributes:
        covered: Source word types with at least one of their ``n_best`` translations among the
            target word types (numerator).
        total: Source word types (denominator).
        n_best: The N of the N-best dictionary view.
    """

    covered: int
    total: int
    n_best: int

    @property
    def percent(self) -> float:
        """``100 * covered / total`` (0.0 when ``total`` is 0)."""
        return _percent(self.covered, self.total)

    @property
    def numerator(self) -> int:
        return self.covered

    @property
    def denominator(self) -> int:
        return self.total


@dataclass(frozen=True)
class CalignResult:
    """CALIGN of a source concept set against a target concept set.

    Attributes:
        percent: CALIGN in percent, ``100 * aligned / total`` (0.0 when ``total`` is 0).
        aligned: Number of source concepts aligned to at least one target concept (numerator).
        total: Number of non-empty source concepts (denominator).
        eligible: Number of source concepts with more than ``min_types`` types.
        pairs: Every aligned (source concept id, target concept id), sorted.
        matched: For each aligned pair, the source words of Cs that have one of their n-best
            translations in Ct (sorted); ``len(matched[p]) / source_sizes[p[0]] >= theta``
            (``>`` under the released rule).
        source_sizes: Source concept id -> number of word types |Cs|, for every source concept.
        coverage: The dictionary's coverage of the source words (see the module docstring).
        params: The settings used: ``n_best``, ``theta``, ``min_types``, ``max_size_diff``,
            ``rule``.
    """

    percent: float
    aligned: int
    total: int
    eligible: int
    pairs: tuple[tuple[int, int], ...]
    matched: dict[tuple[int, int], tuple[str, ...]]
    source_sizes: dict[int, int]
    coverage: DictionaryCoverage
    params: dict[str, float | int | str]

    @property
    def numerator(self) -> int:
        return self.aligned

    @property
    def denominator(self) -> int:
        return self.total

    @property
    def aligned_ids(self) -> tuple[int, ...]:
        """Sorted ids of the source concepts aligned to at least one target concept."""
        return tuple(sorted({s for s, _ in self.pairs}))


@dataclass(frozen=True)
class ColapResult:
    """COLAP of a jointly clustered, multilingual concept set.

    Attributes:
        percent: COLAP in percent, ``100 * overlapping / total`` (0.0 when ``total`` is 0).
        overlapping: Number of concepts where at least two languages have share >= theta.
        total: Number of non-empty concepts.
        overlapping_ids: Sorted ids of the overlapping concepts.
        language_counts: For each overlapping concept, language -> token count.
        params: The settings used: ``theta``.
    """

    percent: float
    overlapping: int
    total: int
    overlapping_ids: tuple[int, ...]
    language_counts: dict[int, dict[str, int]]
    params: dict[str, float | int]

    @property
    def numerator(self) -> int:
        return self.overlapping

    @property
    def denominator(self) -> int:
        return self.total


def _concept_rows(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ids [C] sorted distinct labels, rows [N] index of each label in ids), like
    ``np.unique(labels, return_inverse=True)``; by counting when labels are small non-negative
    ints (the usual cluster ids), by sorting otherwise."""
    if len(labels) and labels.min() >= 0 and labels.max() < 4 * len(labels) + 1024:
        present = np.bincount(labels) > 0
        return np.flatnonzero(present), (np.cumsum(present) - 1)[labels]
    ids, rows = np.unique(labels, return_inverse=True)
    return ids, rows.reshape(-1).astype(np.int64)


@dataclass(frozen=True)
class _Membership:
    """Word-type membership of a concept set as (concept, word) pairs, indexed both ways.

    Attributes:
        ids: [C] int64 concept ids (sorted).
        words: The V distinct word types.
        sizes: [C] int64 number of types per concept.
        concept_starts: [C + 1] start of each concept's words in ``concept_words``.
        concept_words: [P] int64 word index of each pair, grouped by concept.
        word_starts: [V + 1] start of each word's concepts in ``word_concepts``.
        word_concepts: [P] int64 concept row of each pair, grouped by word.
    """

    ids: np.ndarray
    words: list[str]
    sizes: np.ndarray
    concept_starts: np.ndarray
    concept_words: np.ndarray
    word_starts: np.ndarray
    word_concepts: np.ndarray

    @classmethod
    def of(cls, concepts: ConceptSet) -> _Membership:
        ids, rows = _concept_rows(concepts.labels)
        cols, words = factorize(concepts.tokens.word.tolist())
        n_words = max(len(words), 1)
        pairs = sorted_unique(rows * n_words + cols)  # by concept, then word
        concept_of, word_of = pairs // n_words, pairs % n_words
        by_word = np.argsort(word_of, kind="stable")
        concept_starts = np.searchsorted(concept_of, np.arange(len(ids) + 1))
        return cls(
            ids=ids,
            words=words,
            sizes=np.diff(concept_starts),
            concept_starts=concept_starts,
            concept_words=word_of,
            word_starts=np.searchsorted(word_of[by_word], np.arange(len(words) + 1)),
            word_concepts=concept_of[by_word],
        )

    def concepts_of(self, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(k, concept): one row per (words[k], concept containing it)."""
        starts = self.word_starts[words]
        lengths = self.word_starts[words + 1] - starts
        k = np.repeat(np.arange(len(words)), lengths)
        return k, self.word_concepts[ragged_ranges(starts, lengths)]

    def words_of(self, concepts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(k, word): one row per (concepts[k], word type in it)."""
        starts = self.concept_starts[concepts]
        lengths = self.concept_starts[concepts + 1] - starts
        k = np.repeat(np.arange(len(concepts)), lengths)
        return k, self.concept_words[ragged_ranges(starts, lengths)]


@dataclass(frozen=True)
class TranslationOverlap:
    """The theta-independent part of CALIGN: A(Cs, Ct) for every concept pair.

    Build it once with :func:`translation_overlap`, then :meth:`score` any number of
    (theta, min_types, max_size_diff) settings in milliseconds (threshold sweeps).

    Attributes:
        source_ids: [Cs] int64 source concept ids (sorted).
        target_ids: [Ct] int64 target concept ids (sorted).
        source_sizes: [Cs] int64 word types per source concept.
        target_sizes: [Ct] int64 word types per target concept.
        counts: [Cs x Ct] int64, A(Cs, Ct).
        n_best: The N of the N-best dictionary view.
        hits: [H] int64 sorted keys ``word * Ct + target_row``: source word type ``word`` has an
            n-best translation in the target concept (for matched words).
        source: Type membership of the source concepts (for matched words).
        coverage: Source word types with an n-best translation among the target word types.
    """

    source_ids: np.ndarray
    target_ids: np.ndarray
    source_sizes: np.ndarray
    target_sizes: np.ndarray
    counts: np.ndarray
    n_best: int
    hits: np.ndarray
    source: _Membership
    coverage: DictionaryCoverage

    def score(
        self,
        *,
        theta: float = 0.8,
        min_types: int = 5,
        max_size_diff: float = 0.4,
        rule: str = "symmetric",
    ) -> CalignResult:
        """CALIGN for one setting of the thresholds and one rule (see the module docstring)."""
        if rule not in CALIGN_RULES:
            raise ValueError(f"rule must be one of {', '.join(CALIGN_RULES)}, got {rule!r}")
        if not 0 <= theta <= 1:
            raise ValueError(f"theta must be in [0, 1], got {theta}")
        if not 0 <= max_size_diff <= 1:
            raise ValueError(f"max_size_diff must be in [0, 1], got {max_size_diff}")
        if min_types < 0:
            raise ValueError(f"min_types must be >= 0, got {min_types}")
        th = threshold_fraction(theta)
        ratio = 1 - threshold_fraction(max_size_diff)
        ns = self.source_sizes[:, None]
        nt = self.target_sizes[None, :]
        if rule == "symmetric":
            comparable = (
                (ns > min_types)
                & (nt > min_types)
                & (np.minimum(ns, nt) * ratio.denominator >= ratio.numerator * np.maximum(ns, nt))
            )
            aligned = comparable & (self.counts * th.denominator >= th.numerator * ns)
        else:
            comparable = (ns > min_types) & (ns * ratio.denominator > ratio.numerator * nt)
            aligned = comparable & (self.counts * th.denominator > th.numerator * ns)
        si, ti = np.nonzero(aligned)
        pairs = tuple(zip(self.source_ids[si].tolist(), self.target_ids[ti].tolist(), strict=True))
        n_aligned = int(aligned.any(axis=1).sum())
        total = len(self.source_ids)
        return CalignResult(
            percent=_percent(n_aligned, total),
            aligned=n_aligned,
            total=total,
            eligible=int((self.source_sizes > min_types).sum()),
            pairs=pairs,
            matched=dict(zip(pairs, self._matched_words(si, ti), strict=True)),
            source_sizes=dict(
                zip(self.source_ids.tolist(), self.source_sizes.tolist(), strict=True)
            ),
            coverage=self.coverage,
            params={
                "n_best": self.n_best,
                "theta": theta,
                "min_types": min_types,
                "max_size_diff": max_size_diff,
                "rule": rule,
            },
        )

    def _matched_words(self, si: np.ndarray, ti: np.ndarray) -> list[tuple[str, ...]]:
        """Matched source words of the pairs (si[k], ti[k]) (row indices), sorted."""
        k, word = self.source.words_of(si)
        keys = word * max(len(self.target_ids), 1) + ti[k]
        pos = np.minimum(np.searchsorted(self.hits, keys), max(len(self.hits) - 1, 0))
        hit = self.hits[pos] == keys if len(self.hits) else np.zeros(len(keys), dtype=bool)
        words = np.asarray(self.source.words, dtype=object)[word[hit]].tolist()
        bounds = np.r_[0, np.cumsum(np.bincount(k[hit], minlength=len(si)))].tolist()
        return [tuple(sorted(words[a:b])) for a, b in pairwise(bounds)]


def translation_overlap(
    src: ConceptSet,
    tgt: ConceptSet,
    dictionary: Dictionary | RankedTranslations,
    *,
    n_best: int = 10,
) -> TranslationOverlap:
    """A(Cs, Ct) for all source/target concept pairs, vectorized.

    With D the n-best pairs (ws, wt), the hits are the distinct (ws, Ct) with some (ws, wt) in
    D and wt in Ct, and A(Cs, Ct) counts the hits (ws, Ct) with ws in Cs: two joins and a
    bincount over [Cs x Ct], no loop over concept pairs.

    Args:
        src: Source-language concepts (one view).
        tgt: Target-language concepts (one view).
        dictionary: Source -> target translations, or their column view (from
            :func:`~xlprobe.probing.dictionary.read_ranked`).
        n_best: Use the ``n_best`` most probable translations of each source word (the first
            ``n_best`` of each sorted ``dictionary.translations`` list, ties in file order).

    Returns:
        The overlap counts, sizes and what :meth:`TranslationOverlap.score` needs for matched
        words.
    """
    source, target = _Membership.of(src), _Membership.of(tgt)
    n_source, n_target = len(source.ids), len(target.ids)
    word, translation = _translations_in_target(source.words, target.words, dictionary, n_best)
    k, target_row = target.concepts_of(translation)
    width = max(n_target, 1)
    hits = sorted_unique(word[k] * width + target_row)
    k, source_row = source.concepts_of(hits // width)
    counts = np.bincount(source_row * width + hits[k] % width, minlength=n_source * width)
    return TranslationOverlap(
        source_ids=source.ids,
        target_ids=target.ids,
        source_sizes=source.sizes,
        target_sizes=target.sizes,
        counts=counts.reshape(n_source, width)[:, :n_target],
        n_best=n_best,
        hits=hits,
        source=source,
        coverage=DictionaryCoverage(len(np.unique(word)), len(source.words), n_best),
    )


def _translations_in_target(
    source_words: list[str],
    target_words: list[str],
    dictionary: Dictionary | RankedTranslations,
    n_best: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``(word, translation)``: one row per n-best translation of ``source_words[word]`` that
    is ``target_words[translation]`` (both int64 arrays; words without one are absent)."""
    if n_best < 1:
        raise ValueError(f"n_best must be >= 1, got {n_best}")
    target_index = {w: j for j, w in enumerate(target_words)}
    ranked = dictionary if isinstance(dictionary, RankedTranslations) else dictionary.ranked
    word, codes = ranked.n_best_entries(source_words, n_best)
    in_target = np.fromiter(
        map(target_index.get, ranked.targets, repeat(-1)), dtype=np.int64, count=len(ranked.targets)
    )
    translation = in_target[codes]
    return word[translation >= 0], translation[translation >= 0]


def dictionary_coverage(
    src: ConceptSet,
    tgt: ConceptSet,
    dictionary: Dictionary | RankedTranslations,
    *,
    n_best: int = 10,
) -> DictionaryCoverage:
    """Share of the source concepts' word types that have at least one of their ``n_best``
    translations among the target concepts' word types (see the module docstring).

    The same number as ``calign(...).coverage``, without the concept-pair counts. A value far
    below 100% means the dictionary does not fit the pair (reversed, another language, another
    tokenization), and CALIGN measures the dictionary rather than the model.

    Args:
        src: Source concepts (only their word types matter).
        tgt: Target concepts (only their word types matter).
        dictionary: Source -> target translations (or their column view).
        n_best: Translations considered per source word (the N most probable).

    Returns:
        Covered and total source word types.
    """
    source_words = sorted(set(src.tokens.word.tolist()))
    target_words = sorted(set(tgt.tokens.word.tolist()))
    word, _ = _translations_in_target(source_words, target_words, dictionary, n_best)
    return DictionaryCoverage(len(np.unique(word)), len(source_words), n_best)


def calign(
    src: ConceptSet,
    tgt: ConceptSet,
    dictionary: Dictionary | RankedTranslations,
    *,
    n_best: int = 10,
    theta: float = 0.8,
    min_types: int = 5,
    max_size_diff: float = 0.4,
    rule: str = "symmetric",
) -> CalignResult:
    """CALIGN(src, tgt) in percent (Mousi et al., 2024, Sec. 3); see the module docstring.

    Args:
        src: Source concepts; each concept is the set of its word types.
        tgt: Target concepts.
        dictionary: Source -> target translation dictionary (or its column view).
        n_best: Translations considered per source word (the N most probable).
        theta: Minimum fraction A/|Cs| of matched source types for alignment (``>=``;
            ``>`` under the released rule).
        min_types: Both concepts need MORE than this many types to be comparable (the source
            concept only, under the released rule).
        max_size_diff: Comparable only if min/max of the type counts >= 1 - max_size_diff
            (``|Cs| / |Ct| > 1 - max_size_diff`` under the released rule).
        rule: ``symmetric`` (the paper's text) or ``released`` (the paper's released script
            ``alignClusters.py``, exactly; see the module docstring).

    Returns:
        The percentage, numerator/denominator, aligned pairs and their matched words.
    """
    overlap = translation_overlap(src, tgt, dictionary, n_best=n_best)
    return overlap.score(theta=theta, min_types=min_types, max_size_diff=max_size_diff, rule=rule)


def colap(concepts: ConceptSet, *, theta: float = 0.3) -> ColapResult:
    """COLAP in percent (Mousi et al., 2024, Sec. 3); see the module docstring.

    Args:
        concepts: Jointly clustered tokens of several languages (the ``lang`` column).
        theta: Minimum share of a language's tokens, in (0, 1].

    Returns:
        The percentage, numerator/denominator, the overlapping concept ids and their language
        token counts.
    """
    if not 0 < theta <= 1:
        raise ValueError(f"theta must be in (0, 1], got {theta}")
    th = threshold_fraction(theta)
    concept_ids, rows = _concept_rows(concepts.labels)
    cols, languages = factorize(concepts.tokens.lang.tolist())
    n_langs = max(len(languages), 1)
    counts = np.bincount(rows * n_langs + cols, minlength=len(concept_ids) * n_langs).reshape(
        len(concept_ids), n_langs
    )
    totals = counts.sum(axis=1, keepdims=True)
    meets = (counts > 0) & (counts * th.denominator >= th.numerator * totals)
    overlap = meets.sum(axis=1) >= 2
    ids = concept_ids[overlap].tolist()
    language_counts = {
        cid: {lang: int(c) for lang, c in zip(languages, row.tolist(), strict=True) if c}
        for cid, row in zip(ids, counts[overlap], strict=True)
    }
    return ColapResult(
        percent=_percent(len(ids), len(concept_ids)),
        overlapping=len(ids),
        total=len(concept_ids),
        overlapping_ids=tuple(ids),
        language_counts=language_counts,
        params={"theta": theta},
    )
