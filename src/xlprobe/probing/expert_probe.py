"""Steering by language experts: find them on one split, intervene, measure on another.

Sundar et al., ACL 2025, "Steering into New Embedding Spaces" (Sec. 3-5), at small scale:

1. pooled responses of every unit of a hook point (default: the FFN activation of every layer)
   on the *expert* split of every language (:func:`~xlprobe.probing.sentences.unit_responses`);
2. per target language t: AUROC of every unit at telling t's sentences from the other
   languages' (:func:`~xlprobe.probing.experts.auroc`), ranked globally over layers; the top-k
   are set to their mean (or median) response on t at every token
   (:func:`~xlprobe.probing.hooks.set_units`);
3. on the *evaluation* split, last-layer mean-pooled sentence vectors before and after:
   retrieval top-1 for every ordered pair (query, candidate), the *mixed* retrieval (queries
   unintervened, candidates intervened: did the space move?), and language distances
   ``d_centroid(l1, l2) = 1 - cos(mu_l1, mu_l2)`` and
   ``d_parallel(l1, l2) = mean_i (1 - cos(e_{i,l1}, e_{i,l2}))``;
4. the same with k random units set to the experts' values (the control);
5. optional, for the expert counts ``concept_ks``: a whole probe round under each intervention
   (:func:`~xlprobe.probing.pipeline.run_probe`: CALIGN, COLAP and the per-layer sentence rows,
   condition ``experts-<target>-k<k>`` or ``random-<target>-k<k>``) against one plain round;
6. optional, paraphrase pairs (sentence, paraphrase) of one language: within-language retrieval
   Pre (both plain), Post (both intervened) and Mixed (queries plain, candidates intervened):
   the paper's control that meaning within a language survives while the space moves.

Rows repeating a sentence of an earlier row in any language are left out of the evaluation.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xlprobe.errors import InputError
from xlprobe.io import atomic_path, write_text_atomic
from xlprobe.probing.report import ProbeReport

if TYPE_CHECKING:
    from xlprobe.probing.settings import ProbeSettings

log = logging.getLogger(__name__)

RESULT_COLUMNS = (
    "target",
    "k",
    "condition",
    "metric",
    "lang_s",
    "lang_t",
    "layer",
    "pre",
    "post",
    "delta",
)
CONDITIONS = ("experts", "random")
CONCEPT_METRICS = ("calign", "colap")
"""Probe-report metrics copied into the results (rows of the model's input side) with their
plain value as pre."""


@dataclass(frozen=True)
class ExpertSettings:
    """How experts are found and applied.

    Attributes:
        ks: Expert counts to sweep.
        point: Hook point name of the model's family (:mod:`xlprobe.models.families`).
        pool: Response pooling over a sentence's word positions, ``max`` or ``mean``.
        value: Intervention value, ``mean`` or ``median`` response on the target.
        seed: Seed of the random-unit control (``seed + k``).
        batch_size: Sentences per forward pass.
        concept_ks: Expert counts (of ``ks``) at which a whole probe round (CALIGN, COLAP,
            sentence rows per layer) runs under each intervention; empty: none.
    """

    ks: tuple[int, ...] = (2, 5, 10, 25, 50)
    point: str = "ffn"
    pool: str = "max"
    value: str = "mean"
    seed: int = 0
    batch_size: int = 32
    concept_ks: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.ks or min(self.ks) < 1:
            raise InputError(f"k={list(self.ks)}; expected positive expert counts")
        object.__setattr__(self, "ks", tuple(sorted({int(k) for k in self.ks})))
        outside = sorted(set(self.concept_ks) - set(self.ks))
        if outside:
            raise InputError(
                f"concept probes at k={outside}, which the sweep k={list(self.ks)} does not run; "
                "name expert counts of the sweep"
            )
        object.__setattr__(self, "concept_ks", tuple(sorted(set(self.concept_ks))))


@dataclass
class ExpertResults:
    """The sweep's long table (RESULT_COLUMNS) and the chosen experts' summary per target."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    experts: dict[str, dict[str, Any]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def write(self, out_dir: str | Path) -> None:
        """``results.csv`` (the long table) and ``summary.json`` (experts, timings)."""
        out_dir = Path(out_dir)
        with atomic_path(out_dir / "results.csv") as tmp, open(tmp, "w", newline="") as handle:
            writer = csv.DictWriter(handle, RESULT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(self.rows)
        summary = {"experts": self.experts, "timings": self.timings}
        write_text_atomic(out_dir / "summary.json", json.dumps(summary, indent=2))

    def select(self, **columns: Any) -> list[dict[str, Any]]:
        """Rows whose named columns equal the given values."""
        return [r for r in self.rows if all(r[k] == v for k, v in columns.items())]


@dataclass(frozen=True)
class _Space:
    """Last-layer sentence vectors of one model state: ``eval`` language -> [N x D] and
    ``paraphrases`` language -> ([N x D] sentences, [N x D] their paraphrases)."""

    layer: int
    eval: dict[str, np.ndarray]
    paraphrases: dict[str, tuple[np.ndarray, np.ndarray]]


def _last_layer(model, tokenizer, sentences, settings) -> tuple[int, np.ndarray]:
    from xlprobe.probing.sentences import sentence_vectors

    vectors = sentence_vectors(model, tokenizer, sentences, batch_size=settings.batch_size)
    return max(vectors), vectors[max(vectors)]


def _space(model, tokenizer, eval_split, paraphrases, settings) -> _Space:
    """The sentence vectors of the model as it runs now (with whatever hooks are set)."""
    layers, vectors = zip(
        *(_last_layer(model, tokenizer, lines, settings) for lines in eval_split.values()),
        strict=True,
    )
    pairs = {
        lang: tuple(_last_layer(model, tokenizer, side, settings)[1] for side in pair)
        for lang, pair in paraphrases.items()
    }
    return _Space(max(layers), dict(zip(eval_split, vectors, strict=True)), pairs)


def _result(metric: str, lang_s: str, lang_t: str, layer: int, before, after) -> dict[str, Any]:
    before, after = float(before), float(after)
    return {
        "metric": metric,
        "lang_s": lang_s,
        "lang_t": lang_t,
        "layer": layer,
        "pre": before,
        "post": after,
        "delta": after - before,
    }


def paraphrase_rows(
    pre: Mapping[str, tuple[np.ndarray, np.ndarray]],
    post: Mapping[str, tuple[np.ndarray, np.ndarray]],
    layer: int,
) -> list[dict]:
    """Within-language paraphrase retrieval top-1 (sentence -> its paraphrase among all the
    paraphrases) before/after, as result rows without ``target``, ``k``, ``condition``:
    ``paraphrase`` (pre: both plain, post: both intervened) and ``paraphrase_mixed`` (pre: both
    plain, post: sentences plain, paraphrases intervened; Sundar et al.'s Pre/Post/Mixed).

    Args:
        pre, post: Language -> ([N x D] sentences, [N x D] paraphrases), row-aligned.
        layer: The layer the vectors come from.
    """
    from xlprobe.probing.retrieval import retrieval_top1

    rows = []
    for lang, (queries, candidates) in pre.items():
        before = retrieval_top1(queries, candidates).value
        after = retrieval_top1(*post[lang]).value
        mixed = retrieval_top1(queries, post[lang][1]).value
        rows.append(_result("paraphrase", lang, lang, layer, before, after))
        rows.append(_result("paraphrase_mixed", lang, lang, layer, before, mixed))
    return rows


def concept_rows(plain: ProbeReport, intervened: ProbeReport, side: str = "encoder") -> list[dict]:
    """CALIGN and COLAP of ``side`` (the model's input side: the encoder, or the one stack of
    a decoder-only model) per layer and pair under an intervention (post) against the plain
    round (pre), as result rows without ``target``, ``k``, ``condition``."""

    def values(report: ProbeReport) -> dict[tuple, float]:
        return {
            (r.metric, r.lang_s, r.lang_t, r.layer): r.value
            for r in report.rows
            if r.metric in CONCEPT_METRICS and r.side_s == r.side_t == side
        }

    before = values(plain)
    return [_result(*key, before[key], after) for key, after in values(intervened).items()]


def space_rows(
    pre: Mapping[str, np.ndarray], post: Mapping[str, np.ndarray], layer: int
) -> list[dict]:
    """Retrieval, mixed retrieval and language distances before/after, as result rows without
    ``target``, ``k``, ``condition``.

    Args:
        pre, post: Language -> [N x D] row-aligned sentence vectors, unintervened / intervened.
        layer: The layer the vectors come from.
    """
    from xlprobe.probing.retrieval import cosine_similarity, normalize, retrieval_top1

    rows = []

    def add(metric, lang_s, lang_t, before, after):
        rows.append(_result(metric, lang_s, lang_t, layer, before, after))

    langs = list(pre)
    for q in langs:
        for c in langs:
            if q == c:
                continue
            before = retrieval_top1(pre[q], pre[c]).value
            add("retrieval", q, c, before, retrieval_top1(post[q], post[c]).value)
            add("retrieval_mixed", q, c, before, retrieval_top1(pre[q], post[c]).value)
    for i, a in enumerate(langs):
        for b in langs[i + 1 :]:
            centroid = [
                1.0
                - float(
                    cosine_similarity(x[a].mean(0, keepdims=True), x[b].mean(0, keepdims=True))[
                        0, 0
                    ]
                )
                for x in (pre, post)
            ]
            add("d_centroid", a, b, *centroid)
            parallel = [
                float(np.mean(1.0 - np.sum(normalize(x[a]) * normalize(x[b]), axis=1)))
                for x in (pre, post)
            ]
            add("d_parallel", a, b, *parallel)
    return rows


def run_experts(
    model: Any,
    tokenizer: Any,
    expert_split: Mapping[str, Sequence[str]],
    eval_split: Mapping[str, Sequence[str]],
    targets: Sequence[str],
    settings: ExpertSettings,
    out_dir: str | Path,
    *,
    probe: ProbeSettings | None = None,
    paraphrases: Mapping[str, tuple[Sequence[str], Sequence[str]]] | None = None,
) -> ExpertResults:
    """Find experts per target on ``expert_split``, sweep k on ``eval_split``, write the tables.

    Args:
        model, tokenizer: A model of a registered family and its fast tokenizer; the units and
            the sentence vectors are its input side's (an encoder, the encoder of an
            encoder-decoder, or the one stack of a decoder-only model). The intervention holds
            at every token position of every forward pass inside it.
        expert_split: Language -> sentences used to rank and value the units (any sizes).
        eval_split: Language -> line-aligned sentences for retrieval and distances.
        targets: Languages whose experts are found (each must be in ``expert_split``).
        settings: k sweep, hook point, pooling, value, seed, concept-probe counts.
        out_dir: Gets ``experts_<target>.csv`` (:data:`~xlprobe.probing.experts.EXPERT_COLUMNS`,
            the top max(k) units, best first), ``results.csv`` and ``summary.json``; with
            ``settings.concept_ks`` also ``probe_report.csv`` (every row of the plain and the
            intervened rounds, told apart by ``condition``) and the rounds' clusters in
            ``probe/``.
        probe: The :class:`~xlprobe.probing.settings.ProbeSettings` of the concept rounds
            (needed with ``settings.concept_ks``; run on ``eval_split``).
        paraphrases: Language -> (sentences, their paraphrases), line-aligned, for the
            paraphrase control (:func:`paraphrase_rows`).

    Returns:
        The results (also written).
    """
    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.models.families import family_of
    from xlprobe.probing.experts import (
        UnitIndex,
        auroc,
        intervention_values,
        random_units,
        top_units,
        write_experts,
    )
    from xlprobe.probing.hooks import hook_point, layer_modules, set_units
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.plan import RoundId
    from xlprobe.probing.retrieval import distinct_rows
    from xlprobe.probing.sentences import unit_responses

    unknown = [t for t in targets if t not in expert_split]
    if unknown or len(expert_split) < 2:
        raise InputError(
            f"expert targets {unknown or list(targets)} need sentences of themselves and of at "
            f"least one other language; the expert split has {sorted(expert_split)}"
        )
    if settings.concept_ks and probe is None:
        raise InputError(f"concept probes at k={list(settings.concept_ks)} need probe settings")
    out_dir = Path(out_dir)
    results = ExpertResults()
    point = hook_point(model, settings.point)
    modules = layer_modules(model, point)
    tick = time.perf_counter()
    langs = list(expert_split)
    blocks = [
        unit_responses(
            model,
            tokenizer,
            list(expert_split[lang]),
            list(modules),
            read=point.read,
            pool=settings.pool,
            batch_size=settings.batch_size,
        )
        for lang in langs
    ]
    responses = np.concatenate(blocks)
    labels = np.repeat(np.arange(len(langs)), [len(b) for b in blocks])
    widths = _module_widths(model, modules, tokenizer, point.read)
    index = UnitIndex.from_modules(modules, widths)
    results.timings["responses"] = time.perf_counter() - tick

    tick = time.perf_counter()
    keep = distinct_rows(*eval_split.values())
    evaluated = {lang: [lines[i] for i in keep] for lang, lines in eval_split.items()}
    pairs = {}
    for lang, (lines, rephrased) in (paraphrases or {}).items():
        rows = distinct_rows(lines, rephrased)
        pairs[lang] = ([lines[i] for i in rows], [rephrased[i] for i in rows])
    pre = _space(model, tokenizer, evaluated, pairs, settings)
    results.timings["eval_pre"] = time.perf_counter() - tick
    corpus, probe_dir = ProbeCorpus(sentences=evaluated), out_dir / "probe"
    plain, concepts = ProbeReport(), ProbeReport()
    if settings.concept_ks:
        tick = time.perf_counter()
        plain = run_probe(model, tokenizer, corpus, probe, probe_dir=probe_dir)
        concepts.extend(plain)
        results.timings["concepts_pre"] = time.perf_counter() - tick
    tick = time.perf_counter()
    for target in targets:
        positive = labels == langs.index(target)
        scores = auroc(responses, positive)
        values = intervention_values(responses, positive, settings.value)
        top = top_units(scores, max(settings.ks))
        write_experts(out_dir / f"experts_{target}.csv", target, top, index, scores, values)
        results.experts[target] = {
            "n_units": len(scores),
            "auroc_mean": {str(k): float(scores[top[:k]].mean()) for k in settings.ks},
            "per_layer": {
                str(layer): int(np.count_nonzero(index.layer[top] == layer))
                for layer in sorted(set(modules.values()))
            },
        }
        for k in settings.ks:
            chosen = {
                "experts": top[:k],
                "random": random_units(len(scores), k, settings.seed + k),
            }
            for condition, units in chosen.items():
                found = []
                with set_units(model, index.by_module(units, values[top[:k]]), read=point.read):
                    post = _space(model, tokenizer, evaluated, pairs, settings)
                    if k in settings.concept_ks:
                        steered = RoundId(condition=f"{condition}-{target}-k{k}")
                        report = run_probe(
                            model, tokenizer, corpus, probe, probe_dir=probe_dir,
                            round_id=steered,
                        )  # fmt: skip
                        concepts.extend(report)
                        found = concept_rows(plain, report, family_of(model).input_side)
                for row in [
                    *space_rows(pre.eval, post.eval, pre.layer),
                    *paraphrase_rows(pre.paraphrases, post.paraphrases, pre.layer),
                    *found,
                ]:
                    results.rows.append({"target": target, "k": k, "condition": condition, **row})
        log.info("experts of %s: k=%s done", target, list(settings.ks))
    results.timings["interventions"] = time.perf_counter() - tick
    if settings.concept_ks:
        concepts.to_csv(out_dir / "probe_report.csv")
    results.write(out_dir)
    return results


def _module_widths(model, modules: Mapping[str, int], tokenizer, read: str) -> list[int]:
    """Units of each hooked module, read from one tiny forward pass."""
    import torch

    from xlprobe.models.families import family_of
    from xlprobe.probing.hooks import capture

    device = next(model.parameters()).device
    with torch.no_grad(), capture(model, list(modules), read=read) as cache:
        family_of(model).hidden_states(
            model, tokenizer, family_of(model).input_side, [["a"]], None, device
        )
    return [cache[name].shape[-1] for name in modules]
