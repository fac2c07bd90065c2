"""Token-embedding geometry as probe rows: the input embeddings every round, plus language
identity of the contextual word vectors per layer.

Why one long module: the input-embedding, unembedding and per-layer language-ID rows are one probe
with one settings block.

A probe plug-in (:class:`EmbeddingsProbe`, on when ``probe.embeddings.enabled``); the
measures are :mod:`xlprobe.probing.token_geometry`'s (Wen-Yi & Mimno, EMNLP 2023). All values
are percentages in ``probe_report.csv`` (tabled, not drawn as curves):

Input token-embedding matrix (the model's input side, ``encoder`` or, for a decoder-only model,
``decoder``; ``layer 0``), over the tokens that the probe corpus labels with one language
(:func:`~xlprobe.probing.token_geometry.language_labels`: at least ``min_share`` of at least
``min_count`` occurrences in that language):

* ``emb_separability`` (lang-lang): balanced one-vs-rest logistic-regression accuracy of the
  language's tokens, ``correct / tested`` held-out tokens.
* ``emb_nn_other`` (lang-lang): share of the language's tokens' k nearest labelled tokens that
  belong to another language, ``other / (queries * k)``.
* ``emb_nn_entropy`` (lang-lang): mean neighbour-language entropy relative to its maximum,
  ``100 * mean_t H_t / ln(#languages)`` (numerator and denominator 0: not a count ratio).
* ``emb_translation`` (lang-pivot): share of the ``<lang>-<pivot>`` dictionary's single-token
  words with one of their ``n_gold`` most probable single-token translations among their k
  nearest labelled tokens, ``hits / words``.
* ``emb_knn_overlap`` (lang-lang, fine-tuned rounds): drift from the base model, mean
  ``|NN_k^base(t) ∩ NN_k^now(t)| / k`` over the language's tokens, ``sum / (queries * k)``.
* ``emb_canon_cos`` / ``emb_canon_cos_random`` (all-all, fine-tuned rounds): ``100 cos θ_1``,
  the largest canonical-angle cosine between the base and the current rows, and of the base
  rows against a random matrix of the same shape (numerator and denominator 0).

Unembedding (output) matrix, where the model has one of its own (a decoder-only LM whose
unembedding is not tied to its input embeddings, e.g. Llama 2/3-8B; tied models and encoders
without an LM head have none): the same rows over the same labelled tokens, named ``unemb_*``
(``unemb_separability``, ``unemb_nn_other``, ``unemb_nn_entropy``, ``unemb_translation``), at
``layer L``, the hidden state the unembedding reads. No drift rows.

Contextual word vectors (the probe's views, one per language and side), per layer:

* ``lid_separability`` (lang-lang): language-ID separability of the word vectors, as above.
* ``lid_nn_entropy`` (lang-lang): normalised neighbour-language entropy of the word vectors.

The base round keeps its labelled rows in ``rounds/base/input_embeddings.npz`` (float16) for
the drift of later rounds; a run without it (``probe_base=false``) has no drift rows. Each round
keeps its rows in ``rounds/<round>/geometry.csv``, which re-scoring (``from_run``) reads back.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from xlprobe.errors import InputError
from xlprobe.options import Options, option
from xlprobe.probing.plan import RoundId
from xlprobe.probing.probes.base import Metric, row_maker
from xlprobe.probing.report import PLAIN, ProbeReport, ProbeRow

if TYPE_CHECKING:
    from xlprobe.probing.probes.base import RowMaker
    from xlprobe.probing.round import Round, StoredRound

logger = logging.getLogger(__name__)

BASE_FILE = "input_embeddings.npz"
ALL = "all"
"""``lang_s`` / ``lang_t`` of rows that describe the whole matrix, not one language."""


@dataclass(frozen=True)
class EmbeddingSettings(Options):
    """Settings of the token-embedding geometry rows (``probe.embeddings``).

    Attributes:
        enabled: Compute them in every probe round.
        k: Neighbours per token (input matrix and word vectors).
        min_share: A token's label is the language with at least this share of its
            occurrences in the probe corpus, in (0.5, 1].
        min_count: ... and at least this many occurrences in all languages.
        min_size: Tokens (or word vectors) a language needs for separability.
        n_folds: Cross-validation folds of the separability.
        max_per_class: Cap on the balanced class size of the separability.
        sample: Neighbour queries: a fraction in (0, 1] or a count of the labelled tokens (and,
            per layer, of the word vectors).
        n_gold: Most probable dictionary translations that count as gold.
        layers: Also compute the per-layer language-ID rows on the word vectors.
        seed: Seed of samples, undersampling and folds.
    """

    prefix: ClassVar[str] = "probe.embeddings"

    enabled: bool = True
    k: int = option(10, low=1)
    min_share: float = option(0.9, low=0.5, high=1, low_open=True)
    min_count: int = option(3, low=1)
    min_size: int = option(20, low=2)
    n_folds: int = option(5, low=2)
    max_per_class: int = option(500, low=2)
    sample: float = option(1000, low=0, low_open=True)
    n_gold: int = option(1, low=1)
    layers: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.sample > 1 and not float(self.sample).is_integer():
            raise InputError(
                f"{self.prefix}.sample={self.sample}: expected a fraction in (0, 1] or a whole "
                "count"
            )

    @property
    def sample_size(self) -> int | float:
        """:attr:`sample` as :func:`~xlprobe.probing.token_geometry.sample_ids` takes it."""
        return float(self.sample) if self.sample <= 1 else int(self.sample)


_METRIC_TEXT = {
    "emb_separability": "language separability of the input token embeddings (balanced "
    "logistic-regression accuracy, %)",
    "emb_nn_other": "% of a language's tokens' nearest labelled tokens that belong to another "
    "language",
    "emb_nn_entropy": "neighbour-language entropy of the input embeddings, % of its maximum",
    "emb_translation": "% of dictionary words with a gold translation among their nearest tokens",
    "emb_knn_overlap": "drift from the base model: % of nearest neighbours kept",
    "emb_canon_cos": "drift from the base model: 100 x the largest canonical-angle cosine",
    "emb_canon_cos_random": "the same against a random matrix (reference)",
    "unemb_separability": "language separability of the unembedding rows (untied LMs), %",
    "unemb_nn_other": "% of a language's tokens' nearest labelled unembedding rows in another "
    "language",
    "unemb_nn_entropy": "neighbour-language entropy of the unembedding rows, % of its maximum",
    "unemb_translation": "% of dictionary words with a gold translation among their nearest "
    "unembedding rows",
    "lid_separability": "language separability of the word vectors per layer, %",
    "lid_nn_entropy": "neighbour-language entropy of the word vectors per layer, % of its maximum",
}
METRICS = tuple(
    Metric(name, f"{text} (Wen-Yi & Mimno 2023)", same_side=True)
    for name, text in _METRIC_TEXT.items()
)


def token_counts(tokenizer: Any, sentences: Sequence[str], vocab_size: int) -> np.ndarray:
    """``[vocab_size]`` occurrences of each token id in the tokenized ``sentences`` (special
    tokens not added; ids beyond ``vocab_size`` are dropped)."""
    ids = tokenizer(list(sentences), add_special_tokens=False)["input_ids"]
    flat = np.fromiter((i for row in ids for i in row), dtype=np.int64)
    return np.bincount(flat[flat < vocab_size], minlength=vocab_size)


def _single_ids(family: Any, tokenizer: Any, words: Sequence[str]) -> list[int | None]:
    """The token id of each word the tokenizer keeps as one piece when the word stands in a
    sentence (the family's word tokenization: a byte-level word with its leading space), else
    None."""
    if not words:
        return []
    ids, word_ids = family.tokenize_words(tokenizer, [[w] for w in words])
    pieces = [
        [i for i, w in zip(row, owners, strict=True) if w == 0]
        for row, owners in zip(ids, word_ids, strict=True)
    ]
    return [p[0] if len(p) == 1 else None for p in pieces]


def language_rows(
    x: np.ndarray,
    labels: np.ndarray,
    settings: EmbeddingSettings,
    make_row: RowMaker,
    *,
    prefix: str,
    layer: int,
    other: bool,
) -> list[ProbeRow]:
    """Separability and neighbour-language rows of one matrix with one language per row.

    Args:
        x: ``[N, D]`` vectors.
        labels: ``[N]`` language per row (``UNLABELLED`` rows take part as neighbours only).
        settings: k, folds, sample sizes, seed.
        make_row: Builds a row from ``(metric, lang_s, lang_t, layer, value, num, den)``.
        prefix: Metric prefix, ``emb`` or ``lid``.
        layer: The rows' layer.
        other: Also the ``<prefix>_nn_other`` rows.
    """
    from xlprobe.probing.token_geometry import UNLABELLED, neighbour_diversity, separability

    rows = []
    sep = separability(
        x,
        labels,
        min_size=settings.min_size,
        n_folds=settings.n_folds,
        max_per_class=settings.max_per_class,
        seed=settings.seed,
    )
    for lang, acc in sep.accuracy.items():
        correct, tested = sep.correct[lang], sep.tested[lang]
        rows.append(
            make_row(f"{prefix}_separability", lang, lang, layer, 100 * acc, correct, tested)
        )
    if (labels != UNLABELLED).sum() == 0 or len(x) <= settings.k:
        return rows
    diversity = neighbour_diversity(
        x, labels, k=settings.k, sample=settings.sample_size, seed=settings.seed
    )
    query_labels = labels[diversity.query_ids]
    max_entropy = math.log(diversity.n_labels) if diversity.n_labels > 1 else float("nan")
    for lang in sorted(set(query_labels.tolist())):
        mask = query_labels == lang
        entropy = 100 * float(diversity.entropy[mask].mean()) / max_entropy
        rows.append(make_row(f"{prefix}_nn_entropy", lang, lang, layer, entropy))
        if other:
            total = int(mask.sum()) * diversity.k
            n_other = int(diversity.other[mask].sum())
            value = 100 * n_other / total
            rows.append(make_row(f"{prefix}_nn_other", lang, lang, layer, value, n_other, total))
    return rows


def _gold_rows(
    family: Any, tokenizer: Any, dictionary: Any, row_of: Mapping[int, int], n_gold: int
) -> dict[int, list[int]]:
    """Row of each single-token dictionary word -> rows of its ``n_gold`` most probable
    single-token translations (words without such a row or translation are left out)."""
    words = list(dictionary.translations)
    best = {w: [t for t, _ in dictionary.translations[w][:n_gold]] for w in words}
    targets = sorted({t for ts in best.values() for t in ts})
    ids = dict(zip(words, _single_ids(family, tokenizer, words), strict=True))
    ids.update(zip(targets, _single_ids(family, tokenizer, targets), strict=True))
    gold = {}
    for word in words:
        source = row_of.get(ids[word])
        rows = [row_of.get(ids[t]) for t in best[word]]
        rows = [r for r in rows if r is not None and r != source]
        if source is not None and rows:
            gold[source] = rows
    return gold


def matrix_rows(
    x: np.ndarray,
    labels: np.ndarray,
    gold: Mapping[str, Mapping[int, list[int]]],
    settings: EmbeddingSettings,
    make_row: RowMaker,
    prefix: str,
    layer: int,
) -> list[ProbeRow]:
    """The language rows (:func:`language_rows`) and the translation hit-rate of one token
    matrix.

    Args:
        x: ``[N, D]`` the labelled tokens' rows.
        labels: ``[N]`` their languages.
        gold: ``"<lang>-<pivot>"`` -> row of a dictionary word -> rows of its gold
            translations (:func:`_gold_rows`).
        settings: The embedding settings.
        make_row: Builds the rows.
        prefix: Metric prefix, ``emb`` (input embeddings) or ``unemb`` (unembedding).
        layer: The rows' layer.
    """
    from xlprobe.probing.token_geometry import translation_hit_rate

    rows = language_rows(x, labels, settings, make_row, prefix=prefix, layer=layer, other=True)
    for pair, pairs in gold.items():
        lang, pivot = pair.split("-", 1)
        hit = translation_hit_rate(x, pairs, k=settings.k)
        if hit.total:
            value = 100 * hit.rate
            metric = f"{prefix}_translation"
            rows.append(make_row(metric, lang, pivot, layer, value, hit.hits, hit.total))
    return rows


def input_embedding_rows(
    model: Any,
    tokenizer: Any,
    sentences: Mapping[str, Sequence[str]],
    dictionaries: Mapping[str, Any],
    settings: EmbeddingSettings,
    fields: Mapping[str, Any],
    *,
    base_file: Path,
    is_base: bool,
) -> list[ProbeRow]:
    """The ``emb_*`` rows of one round, and the ``unemb_*`` rows of a model with an untied
    unembedding (see the module docstring).

    Args:
        model: The probed model (``get_input_embeddings()``, ``get_output_embeddings()``).
        tokenizer: Its tokenizer.
        sentences: Probe sentences per language (labels the tokens).
        dictionaries: ``"<lang>-<pivot>"`` -> :class:`~xlprobe.probing.dictionary.Dictionary`.
        settings: The embedding settings.
        fields: ``epoch``, ``step``, ``model_state``, ``condition`` of the rows.
        base_file: The base round's labelled rows (written when ``is_base``, read otherwise).
        is_base: This round probes the base model.
    """
    import torch

    from xlprobe.io import atomic_path
    from xlprobe.models.families import family_of
    from xlprobe.probing.token_geometry import (
        UNLABELLED,
        canonical_cosines,
        knn_overlap,
        language_labels,
        sample_ids,
    )

    family = family_of(model)
    weight = model.get_input_embeddings().weight
    vocab = min(weight.shape[0], len(tokenizer))
    counts = {lang: token_counts(tokenizer, lines, vocab) for lang, lines in sentences.items()}
    labels = language_labels(counts, min_share=settings.min_share, min_count=settings.min_count)
    labels[[i for i in tokenizer.all_special_ids if i < vocab]] = UNLABELLED
    ids = np.flatnonzero(labels != UNLABELLED)
    if len(ids) <= settings.k:
        logger.warning(
            "probe embeddings: only %d tokens of the probe corpus belong to one language; "
            "no input-embedding rows",
            len(ids),
        )
        return []
    with torch.no_grad():
        x = weight[torch.as_tensor(ids)].float().cpu().numpy()
    labels = labels[ids]

    make_row = row_maker(fields, family.input_side)
    row_of = {int(i): r for r, i in enumerate(ids)}
    gold = {
        pair: _gold_rows(family, tokenizer, dictionary, row_of, settings.n_gold)
        for pair, dictionary in sorted(dictionaries.items())
    }
    rows = matrix_rows(x, labels, gold, settings, make_row, prefix="emb", layer=0)
    unembedding = family.unembedding(model)
    if unembedding is not None:
        with torch.no_grad():
            out = unembedding[torch.as_tensor(ids, device=unembedding.device)].float().cpu()
        top = family.num_layers(model.config) or 0
        rows += matrix_rows(out.numpy(), labels, gold, settings, make_row, "unemb", top)

    if is_base:
        with atomic_path(base_file) as tmp, open(tmp, "wb") as handle:
            np.savez(handle, ids=ids, x=x.astype(np.float16))
        return rows
    if not base_file.is_file():
        logger.info("probe embeddings: no base round (%s), so no drift rows", base_file)
        return rows
    with np.load(base_file) as base:
        base_ids, base_x = base["ids"], base["x"].astype(np.float32)
    shared, in_base, in_now = np.intersect1d(base_ids, ids, return_indices=True)
    if len(shared) <= settings.k:
        return rows
    a, b = base_x[in_base], x[in_now]
    queries = sample_ids(np.arange(len(shared)), settings.sample_size, settings.seed)
    overlap = knn_overlap(a, b, queries, settings.k)
    query_labels = labels[in_now][queries]
    for lang in sorted(set(query_labels.tolist())):
        mask = query_labels == lang
        total = int(mask.sum()) * settings.k
        hits = int(overlap[mask].sum())
        rows.append(make_row("emb_knn_overlap", lang, lang, 0, 100 * hits / total, hits, total))
    noise = np.random.default_rng((settings.seed, 1)).standard_normal(a.shape)
    rows.append(make_row("emb_canon_cos", ALL, ALL, 0, 100 * float(canonical_cosines(a, b)[0])))
    random_cos = 100 * float(canonical_cosines(a, noise)[0])
    rows.append(make_row("emb_canon_cos_random", ALL, ALL, 0, random_cos))
    return rows


def word_vector_rows(
    stores: Mapping[str, Sequence[tuple[str, Any]]],
    layers: Sequence[int],
    settings: EmbeddingSettings,
    fields: Mapping[str, Any],
) -> list[ProbeRow]:
    """The per-layer ``lid_*`` rows: language identity of the probe's word vectors.

    Args:
        stores: Side -> ``(language, ActivationStore)`` of that side's views, one per language.
        layers: Layers to measure.
        settings: The embedding settings.
        fields: ``epoch``, ``step``, ``model_state``, ``condition`` of the rows.
    """
    rows = []
    for side, views in sorted(stores.items()):
        if len(views) < 2:
            continue
        labels = np.concatenate([np.full(len(s.tokens), lang, dtype=object) for lang, s in views])
        make_row = row_maker(fields, side)
        for layer in layers:
            x = np.concatenate([np.asarray(s.layer(layer), dtype=np.float32) for _, s in views])
            rows += language_rows(
                x, labels, settings, make_row, prefix="lid", layer=layer, other=False
            )
    return rows


def embedding_report(round: Round) -> ProbeReport:
    """All token-geometry rows of one probe round.

    Returns:
        A report with the round's rows and the timings ``embeddings/input`` and
        ``embeddings/layers`` (seconds).
    """
    settings = round.settings.embeddings
    fields = round.id.fields
    is_base = round.id.model_state == "base" and round.id.condition == PLAIN
    base_dir = round.dir if is_base else round.probe_dir.round_dir(RoundId())
    tick = time.perf_counter()
    rows = input_embedding_rows(
        round.model,
        round.tokenizer,
        round.corpus.sentences,
        round.dictionaries,
        settings,
        fields,
        base_file=base_dir / BASE_FILE,
        is_base=is_base,
    )
    timings = {"embeddings/input": time.perf_counter() - tick}
    if settings.layers:
        tick = time.perf_counter()
        by_side: dict[str, dict[str, Any]] = {}
        for view in sorted(round.stores, key=lambda v: (v.side, v.lang, v.source_lang or "")):
            by_side.setdefault(view.side, {}).setdefault(view.lang, round.stores[view])
        views = {side: sorted(langs.items()) for side, langs in by_side.items()}
        rows += word_vector_rows(views, round.layers, settings, fields)
        timings["embeddings/layers"] = time.perf_counter() - tick
    return ProbeReport(rows=rows, timings=timings)


class EmbeddingsProbe:
    """Token-embedding geometry and language identity per layer (module docstring)."""

    name: ClassVar[str] = "embeddings"
    options: ClassVar[Mapping[str, type[Options]]] = {"embeddings": EmbeddingSettings}
    metrics: ClassVar[tuple[Metric, ...]] = METRICS
    rescorable: ClassVar[tuple[str, ...]] = ()
    rows_file: ClassVar[str] = "geometry.csv"

    def sentence_pooling(self, settings: Any) -> str | None:
        return None

    def enabled(self, settings: Any) -> bool:
        return settings.embeddings.enabled

    def run(self, round: Round) -> ProbeReport:
        return embedding_report(round)

    def rescore(self, stored: StoredRound) -> None:
        return None
