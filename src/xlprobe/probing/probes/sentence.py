"""Sentence-level rows of a probe round: retrieval top-1 and ABX form / meaning per layer.

For every same-side pair of the round (each probed language X with the pivot P), the pooled
sentence vectors of both views (:func:`xlprobe.probing.sentences.sentence_vectors`;
``probe.sentence.pooling``: the ``mean`` over the words' positions, or the ``last`` position,
the one a causal LM has read the whole sentence at) at every probed layer give three rows of
the report, both directions pooled (counts summed):

* ``retrieval``: cross-lingual retrieval top-1, X -> P and P -> X, in percent (chance 100/N;
  Sundar et al., ACL 2025);
* ``abx_form``: language (form) discrimination, X against P and P against X;
* ``abx_meaning``: meaning discrimination across the two languages
  (de Seyssel et al., EMNLP 2025).

ABX values are percentages of discrimination: **higher is better, chance 50 %**; numerator and
denominator count half-triplets (2 * wins + ties of 2 * triplets, see
:mod:`xlprobe.probing.abx`). Rows whose sentence repeats an earlier one in either language are
left out (:func:`~xlprobe.probing.retrieval.distinct_rows`). The rows are kept in the round
directory (``sentence.csv``) so that re-scoring a run keeps them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from xlprobe.options import Options, option
from xlprobe.probing.extract import Pooling
from xlprobe.probing.probes.base import Metric
from xlprobe.probing.report import ProbeReport, ProbeRow

if TYPE_CHECKING:
    from xlprobe.probing.round import Round, StoredRound


@dataclass(frozen=True)
class SentenceSettings(Options):
    """``probe.sentence``: whether rounds score the sentence-level rows, the batch size of
    their forward pass, and how a sentence's states become its vector (``pooling``: ``mean``
    over its words' positions, or the ``last`` of them)."""

    prefix: ClassVar[str] = "probe.sentence"

    enabled: bool = True
    batch_size: int = option(32, low=1)
    pooling: Pooling = "mean"


METRICS = (
    Metric(
        "retrieval",
        "cross-lingual retrieval top-1 of pooled sentence vectors, both directions, % "
        "(chance 100/N; Sundar et al. 2025)",
        curve=True,
        same_side=True,
    ),
    Metric(
        "abx_form",
        "ABX language (form) discrimination, % (higher is better, chance 50; de Seyssel et "
        "al. 2025)",
        curve=True,
        same_side=True,
    ),
    Metric(
        "abx_meaning",
        "ABX meaning discrimination across the two languages, % (higher is better, chance 50)",
        curve=True,
        same_side=True,
    ),
)


def pair_counts(x_s: np.ndarray, x_t: np.ndarray, *, device: str | None = None) -> dict[str, Any]:
    """The three metrics of one pair at one layer, both directions summed.

    Exact, from four blockwise GEMMs of the unit vectors U_s, U_t (``4 N^2 D`` multiply-adds,
    the float64 product's counts, memory bounded whatever N;
    :mod:`xlprobe.probing.cosine_blocks`): the rows of
    ``U_s U_t^T`` give retrieval s -> t and ABX meaning of t by s, those of ``U_t U_s^T`` the
    reverse, and ``(U_s - U_t) U_s^T``, ``(U_t - U_s) U_t^T`` the two ABX form directions.

    Args:
        x_s, x_t: [N x D] row-aligned sentence vectors of the two languages (distinct rows).
        device: ``"numpy"``, a torch device, or ``None`` (CUDA when torch sees a GPU, else
            numpy).

    Returns:
        ``{metric: Count}`` for the metrics of :data:`METRICS`.
    """
    from xlprobe.probing.abx import form_count, meaning_count
    from xlprobe.probing.cosine_blocks import diagonal_counts, off_diagonal_signs, resolve_device
    from xlprobe.probing.retrieval import Count, normalize

    if x_s.shape != x_t.shape:
        raise ValueError(f"vectors of the two languages differ in shape: {x_s.shape}, {x_t.shape}")
    device = resolve_device(device)
    u_s, u_t = normalize(x_s), normalize(x_t)
    st = diagonal_counts(u_s, u_t, device=device)
    ts = diagonal_counts(u_t, u_s, device=device)
    return {
        "retrieval": Count(st.first_max, st.n) + Count(ts.first_max, ts.n),
        "abx_form": form_count(off_diagonal_signs(u_s - u_t, u_s, device=device))
        + form_count(off_diagonal_signs(u_t - u_s, u_t, device=device)),
        "abx_meaning": meaning_count(ts) + meaning_count(st),
    }


def sentence_report(
    model: Any,
    tokenizer: Any,
    sentences: Mapping[str, Sequence[str]],
    pairs: Sequence[tuple[Any, Any]],
    layers: Sequence[int],
    settings: SentenceSettings,
    round_fields: Mapping[str, Any],
    vectors: Mapping[Any, Mapping[int, np.ndarray]] | None = None,
) -> ProbeReport:
    """The sentence-level rows of one probe round.

    Args:
        model, tokenizer: The probed model and its fast tokenizer.
        sentences: Probe sentences per language, line-aligned.
        pairs: Same-side view pairs (``.side``, ``.lang``, ``.source_lang``).
        layers: Hidden-state indices to score.
        settings: ``probe.sentence``.
        round_fields: The rows' ``epoch``, ``step``, ``model_state``, ``condition``.
        vectors: View -> ``{layer: [S x D]}`` sentence vectors already pooled as
            ``settings.pooling`` says by the word extraction's forward pass (NaN rows: sentences
            it skipped); views not given are run here
            (:func:`~xlprobe.probing.sentences.sentence_vectors`).

    Returns:
        A report with the rows and the timing ``sentence`` (seconds).
    """
    from xlprobe.probing.retrieval import distinct_rows
    from xlprobe.probing.sentences import sentence_vectors

    tick = time.perf_counter()
    vectors = dict(vectors or {})
    for view in {v for pair in pairs for v in pair} - set(vectors):
        vectors[view] = sentence_vectors(
            model,
            tokenizer,
            list(sentences[view.lang]),
            side=view.side,
            source_sentences=list(sentences[view.source_lang]) if view.source_lang else None,
            layers=layers,
            batch_size=settings.batch_size,
            pooling=settings.pooling,
        )
    rows = []
    for view_s, view_t in pairs:
        keep = distinct_rows(sentences[view_s.lang], sentences[view_t.lang])
        first = layers[0]
        finite = np.isfinite(vectors[view_s][first][keep, 0] + vectors[view_t][first][keep, 0])
        keep = keep[finite]
        for layer in layers:
            counts = pair_counts(vectors[view_s][layer][keep], vectors[view_t][layer][keep])
            for metric, count in counts.items():
                rows.append(
                    ProbeRow(
                        **round_fields,
                        side_s=view_s.side,
                        lang_s=view_s.lang,
                        side_t=view_t.side,
                        lang_t=view_t.lang,
                        layer=layer,
                        metric=metric,
                        value=100.0 * count.value,
                        numerator=count.numerator,
                        denominator=count.denominator,
                    )
                )
    return ProbeReport(rows=rows, timings={"sentence": time.perf_counter() - tick})


class SentenceProbe:
    """Retrieval and ABX rows per layer and same-side pair (module docstring)."""

    name: ClassVar[str] = "sentence"
    options: ClassVar[Mapping[str, type[Options]]] = {"sentence": SentenceSettings}
    metrics: ClassVar[tuple[Metric, ...]] = METRICS
    rescorable: ClassVar[tuple[str, ...]] = ()
    rows_file: ClassVar[str] = "sentence.csv"

    def enabled(self, settings: Any) -> bool:
        return settings.sentence.enabled

    def sentence_pooling(self, settings: Any) -> str | None:
        return settings.sentence.pooling

    def run(self, round: Round) -> ProbeReport:
        settings = round.settings.sentence
        return sentence_report(
            round.model,
            round.tokenizer,
            round.corpus.sentences,
            round.plan.joint_pairs,
            round.layers,
            settings,
            round.id.fields,
            vectors=round.sentence_vectors,
        )

    def rescore(self, stored: StoredRound) -> None:
        return None
