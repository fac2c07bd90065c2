"""Scoring a round's concepts: CALIGN, COLAP, their chance levels and the seeds' agreement.

Pure: :func:`score_round` needs only the cluster assignments (one
:class:`~xlprobe.probing.concepts.ConceptSet` per K-means run), the plan and the dictionaries,
so probing and re-scoring cached clusters run the same code (Mousi et al., ACL 2024, Sec. 3).
Besides the rows it returns what ``report.html`` shows of the first seed
(:class:`ScoredRound`): the aligned pairs with their matched words and the overlapping concepts
with their language shares, so the page never scores again.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xlprobe.probing.concepts import ConceptSet
from xlprobe.probing.dictionary import Dictionary
from xlprobe.probing.metrics import COVERAGE_WARNING, DictionaryCoverage
from xlprobe.probing.plan import ProbePlan, RoundId, View
from xlprobe.probing.report import ConceptExample, ProbeReport, ProbeRow

logger = logging.getLogger(__name__)


@dataclass
class ScoredRound:
    """What ``report.html`` shows of a round's first K-means run (``concepts.json``).

    Attributes:
        aligned: ``"<view_s>|<view_t>|<layer>"`` -> per aligned concept pair
            ``[cs, ct, score, matched source words, target words that translate one of them]``
            (best score first; score = A(Cs, Ct) / |Cs|).
        overlapping: ``"<joint set>|<layer>"`` -> per overlapping joint concept ``[cid, share of
            lang_s, share of lang_t]``.
    """

    aligned: dict[str, list[list[Any]]] = field(default_factory=dict)
    overlapping: dict[str, list[list[Any]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"aligned": self.aligned, "overlapping": self.overlapping}


def row(fields: Mapping[str, Any], scored: Sequence[Any], bounds=(0.0, 100.0)) -> ProbeRow:
    """One report row from per-seed results (each with ``percent``, ``numerator``,
    ``denominator``): the mean with its spread (:func:`~xlprobe.probing.uncertainty.summarize`),
    counts summed over the seeds; ``fields`` are the row's key and step."""
    from xlprobe.probing.uncertainty import summarize

    summary = summarize([value.percent for value in scored], bounds=bounds)
    return ProbeRow(
        value=summary.mean,
        numerator=sum(value.numerator for value in scored),
        denominator=sum(value.denominator for value in scored),
        sd=summary.sd,
        ci_low=summary.ci_low,
        ci_high=summary.ci_high,
        n_seeds=summary.n,
        **fields,
    )


def row_fields(round_id: RoundId, metric: str, view_s: View, view_t: View, layer: int):
    """The fields that name a report row of a view pair (its key) and its step; ``tokens`` is
    ``aligned`` for the alignment-filtered views of the paper's CALIGN."""
    return {
        **round_id.fields,
        "metric": metric,
        "side_s": view_s.side,
        "lang_s": view_s.lang,
        "side_t": view_t.side,
        "lang_t": view_t.lang,
        "layer": layer,
        "tokens": "aligned" if view_s.aligned_to else "all",
    }


@dataclass(frozen=True)
class _Agreement:
    """The ARI of one pair of seeds, shaped like a metric result for :func:`row`."""

    percent: float
    numerator: int = 1
    denominator: int = 1


def _seed_agreement_rows(
    runs: Mapping[tuple[str, int], list[ConceptSet]],
    plan: ProbePlan,
    layers: Sequence[int],
    round_id: RoundId,
) -> list[ProbeRow]:
    """``seed_ari`` per view and ``seed_ari_joint`` per joint set and layer: the mean pairwise
    adjusted Rand index of the seeds' labelings, its sd and t-interval over the S (S - 1) / 2
    seed pairs (numerator = denominator = pairs; ``n_seeds`` = S; no rows with a single seed).
    A view's row has ``lang_t`` = the language it is aligned to, else the one its decoder was
    fed from, else its own."""
    from xlprobe.probing.uncertainty import pairwise_ari

    sets = [
        ("seed_ari", v.name, v, View(v.side, v.aligned_to or v.source_lang or v.lang))
        for v in plan.views
    ]
    sets += [("seed_ari_joint", plan.joint_name(p), *p) for p in plan.joint_pairs]
    rows = []
    for layer in layers:
        for metric, name, view_s, view_t in sets:
            labelings = [run.labels for run in runs[(name, layer)]]
            if len(labelings) < 2:
                continue
            fields = row_fields(round_id, metric, view_s, view_t, layer)
            scored = [_Agreement(ari) for ari in pairwise_ari(labelings)]
            summary = row(fields, scored, bounds=(-1.0, 1.0))
            rows.append(dataclasses.replace(summary, n_seeds=len(labelings)))
    return rows


def _examples_calign(result, src: ConceptSet, tgt: ConceptSet, n: int, **key):
    sizes = result.source_sizes
    best = sorted(result.pairs, key=lambda p: (-len(result.matched[p]) / sizes[p[0]], p))[:n]
    return [
        ConceptExample(
            concept_s=int(cs),
            concept_t=int(ct),
            words_s=tuple(w for w, _ in src.top_words(cs, 8)),
            words_t=tuple(w for w, _ in tgt.top_words(ct, 8)),
            score=len(result.matched[(cs, ct)]) / sizes[cs],
            **key,
        )
        for cs, ct in best
    ]


def _share(result, cid: int, lang: str) -> float:
    counts = result.language_counts[cid]
    return counts.get(lang, 0) / sum(counts.values())


def _examples_colap(result, joint: ConceptSet, n: int, **key):
    lang_s, lang_t = key["lang_s"], key["lang_t"]

    def share(cid: int) -> float:
        return min(_share(result, cid, lang_s), _share(result, cid, lang_t))

    best = sorted(result.overlapping_ids, key=lambda c: (-share(c), c))[:n]
    examples = []
    for cid in best:
        mask = np.asarray(joint.labels) == cid
        words = {}
        for lang in (lang_s, lang_t):
            in_lang = joint.tokens.word[mask & (joint.tokens.lang == lang)]
            uniq, counts = np.unique(in_lang.astype(str), return_counts=True)
            words[lang] = tuple(uniq[np.argsort(-counts, kind="stable")][:8].tolist())
        examples.append(
            ConceptExample(
                concept_s=int(cid),
                concept_t=int(cid),
                words_s=words[lang_s],
                words_t=words[lang_t],
                score=share(cid),
                **key,
            )
        )
    return examples


def _aligned_entries(result, tgt: ConceptSet, translations: Mapping[str, Sequence[str]]):
    """The ``aligned`` entries of a CALIGN result (:class:`ScoredRound`), best score first."""
    target_types = tgt.word_types()

    def score(pair: tuple[int, int]) -> float:
        return len(result.matched[pair]) / result.source_sizes[pair[0]]

    entries = []
    for cs, ct in sorted(result.pairs, key=lambda p: (-score(p), p)):
        matched = sorted(result.matched[(cs, ct)])
        translated = set().union(*(translations.get(w, ()) for w in matched))
        hits = sorted(translated & set(target_types[ct]))
        entries.append([int(cs), int(ct), round(score((cs, ct)), 6), matched, hits])
    return entries


def score_round(
    concepts: Mapping[tuple[str, int], ConceptSet | Sequence[ConceptSet]],
    plan: ProbePlan,
    layers: Sequence[int],
    dictionaries: Mapping[str, Dictionary],
    settings: Any,
    round_id: RoundId,
) -> tuple[ProbeReport, ScoredRound]:
    """CALIGN, dictionary coverage and COLAP rows (and example concepts) of one round, their
    chance levels and the seeds' agreement, from cluster assignments only; logs each pair's
    coverage and warns below COVERAGE_WARNING %.

    Every value is the mean over the K-means runs (seeds ``settings.seed + j``) with its sd and
    95 % t-interval. Chance levels (see :mod:`xlprobe.probing.chance`) are scored per run on the
    same tokens: the run's labels permuted over the tokens (``*_chance_partition``, seeded by
    seed + j, set name and layer) and, for CALIGN, the run's concepts with the dictionary's
    translation lists permuted among the source words (``calign_chance_dictionary``, seeded by
    seed + j and language pair). Examples and the :class:`ScoredRound` come from the first run.

    Args:
        concepts: ``(set name, layer)`` -> concepts, one ConceptSet per K-means run (a single
            ConceptSet: one run); set name = :attr:`View.name` for single views and
            :meth:`ProbePlan.joint_name` for joint sets.
        plan: The views and pairs.
        layers: Layers to score.
        dictionaries: ``"<lang>-<pivot>"`` -> dictionary.
        settings: :class:`~xlprobe.probing.settings.ProbeSettings` (thresholds, first seed).
        round_id: Epoch / step / model state / condition of the rows.
    """
    from xlprobe.probing.chance import chance_rng, random_partition, shuffled_dictionary
    from xlprobe.probing.dictionary import n_best
    from xlprobe.probing.metrics import calign, colap

    runs = {
        key: [value] if isinstance(value, ConceptSet) else list(value)
        for key, value in concepts.items()
    }
    seeds = [settings.seed + j for j in range(max(map(len, runs.values()), default=1))]
    thresholds = dataclasses.asdict(settings.calign)
    shuffled: dict[tuple[str, int], Dictionary] = {}
    partitions: dict[tuple[str, int, int], ConceptSet] = {}
    translations = {key: n_best(d, settings.calign.n_best) for key, d in dictionaries.items()}

    def partition(name: str, layer: int, j: int) -> ConceptSet:
        if (name, layer, j) not in partitions:
            rng = chance_rng(seeds[j], "partition", name, layer)
            partitions[(name, layer, j)] = random_partition(runs[(name, layer)][j], rng)
        return partitions[(name, layer, j)]

    coverage: dict[tuple[View, View], DictionaryCoverage] = {}
    rows: list[ProbeRow] = []
    examples: list[ConceptExample] = []
    shown = ScoredRound()
    for layer in layers:
        for metric, pairs in (("calign", plan.calign_pairs), ("colap", plan.joint_pairs)):
            for view_s, view_t in pairs:
                fields = row_fields(round_id, metric, view_s, view_t, layer)
                key = {k: v for k, v in fields.items() if k != "step"}
                scored: dict[str, list[Any]] = {}
                if metric == "calign":
                    src, tgt = runs[(view_s.name, layer)], runs[(view_t.name, layer)]
                    pair = f"{view_s.lang}-{view_t.lang}"
                    for j in range(len(src)):
                        if (pair, j) not in shuffled:
                            rng = chance_rng(seeds[j], "dictionary", pair)
                            shuffled[(pair, j)] = shuffled_dictionary(dictionaries[pair], rng)
                        real = calign(src[j], tgt[j], dictionaries[pair], **thresholds)
                        random = calign(
                            partition(view_s.name, layer, j),
                            partition(view_t.name, layer, j),
                            dictionaries[pair],
                            **thresholds,
                        )
                        wrong = calign(src[j], tgt[j], shuffled[(pair, j)], **thresholds)
                        for name, value in (
                            (metric, real),
                            ("dict_coverage", real.coverage),
                            ("calign_chance_partition", random),
                            ("calign_chance_dictionary", wrong),
                        ):
                            scored.setdefault(name, []).append(value)
                        if j == 0:
                            examples += _examples_calign(
                                real, src[0], tgt[0], settings.n_examples, **key
                            )
                            coverage[(view_s, view_t)] = real.coverage
                            shown.aligned[f"{view_s.name}|{view_t.name}|{layer}"] = (
                                _aligned_entries(real, tgt[0], translations[pair])
                            )
                else:
                    name = plan.joint_name((view_s, view_t))
                    joint = runs[(name, layer)]
                    scored[metric] = [colap(run, theta=settings.colap.theta) for run in joint]
                    scored["colap_chance_partition"] = [
                        colap(partition(name, layer, j), theta=settings.colap.theta)
                        for j in range(len(joint))
                    ]
                    first = scored[metric][0]
                    examples += _examples_colap(first, joint[0], settings.n_examples, **key)
                    shown.overlapping[f"{name}|{layer}"] = [
                        [
                            int(cid),
                            round(_share(first, cid, view_s.lang), 6),
                            round(_share(first, cid, view_t.lang), 6),
                        ]
                        for cid in first.overlapping_ids
                    ]
                for name, values in scored.items():
                    rows.append(row({**fields, "metric": name}, values))
    rows += _seed_agreement_rows(runs, plan, layers, round_id)
    _log_coverage(coverage, settings, round_id)
    return ProbeReport(rows=rows, examples=examples), shown


def _log_coverage(
    coverage: Mapping[tuple[View, View], DictionaryCoverage], settings: Any, round_id: RoundId
) -> None:
    """Log each language pair's dictionary coverage (the lowest over its view pairs); warn
    below :data:`~xlprobe.probing.metrics.COVERAGE_WARNING` %, naming the pair and dictionary."""
    lowest: dict[str, DictionaryCoverage] = {}
    for (view_s, view_t), value in coverage.items():
        pair = f"{view_s.lang}-{view_t.lang}"
        if pair not in lowest or value.percent < lowest[pair].percent:
            lowest[pair] = value
    for pair, value in sorted(lowest.items()):
        counts = (value.percent, value.covered, value.total, value.n_best)
        logger.info(
            "probe round %s: the %s dictionary covers %.1f%% of the source word types "
            "(%d of %d have one of their %d-best translations among the target words)",
            round_id.name,
            pair,
            *counts,
        )
        if value.percent < COVERAGE_WARNING:
            source = settings.dictionaries.get(pair) or "built from the probe corpus"
            logger.warning(
                "dictionary coverage of %s is %.1f%%: only %d of %d source word types have one "
                "of their %d-best translations among the target words (dictionary: %s). Is it "
                "reversed or for another language pair? CALIGN counts only covered words",
                pair,
                *counts,
                source,
            )
