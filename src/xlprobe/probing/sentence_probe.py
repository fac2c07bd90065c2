"""Sentence-level rows of a probe round: retrieval top-1 and ABX form / meaning per layer.

For every same-side pair of the round (each probed language X with the pivot P), the
mean-pooled sentence vectors of both views (:func:`xlprobe.probing.sentences.sentence_vectors`)
at every probed layer give three rows of the report, both directions pooled (counts summed):

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
from pathlib import Path
from typing import Any

import numpy as np

from xlprobe.errors import InputError
from xlprobe.probing.report import ProbeReport, ProbeRow

ROWS_FILE = "sentence.csv"


@dataclass(frozen=True)
class SentenceSettings:
    """``probe.sentence``: whether rounds score the sentence-level rows, and the batch size of
    their forward pass."""

    enabled: bool = True
    batch_size: int = 32

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise InputError(f"probe.sentence.batch_size={self.batch_size}; expected >= 1")


def pair_counts(x_s: np.ndarray, x_t: np.ndarray) -> dict[str, Any]:
    """The three metrics of one pair at one layer, both directions summed.

    Args:
        x_s, x_t: [N x D] row-aligned sentence vectors of the two languages (distinct rows).

    Returns:
        ``{metric: Count}`` for :data:`xlprobe.probing.report.SENTENCE_METRICS`.
    """
    from xlprobe.probing.abx import abx_form, abx_meaning
    from xlprobe.probing.retrieval import retrieval_top1

    return {
        "retrieval": retrieval_top1(x_s, x_t) + retrieval_top1(x_t, x_s),
        "abx_form": abx_form(x_s, x_t) + abx_form(x_t, x_s),
        "abx_meaning": abx_meaning(x_s, x_t) + abx_meaning(x_t, x_s),
    }


def sentence_report(
    model: Any,
    tokenizer: Any,
    sentences: Mapping[str, Sequence[str]],
    pairs: Sequence[tuple[Any, Any]],
    layers: Sequence[int],
    settings: SentenceSettings,
    probe_round: Any,
    round_dir: Path,
    vectors: Mapping[Any, Mapping[int, np.ndarray]] | None = None,
) -> ProbeReport:
    """The sentence-level rows of one probe round (the hook :func:`run_probe` calls).

    Args:
        model, tokenizer: The probed model and its fast tokenizer.
        sentences: Probe sentences per language, line-aligned.
        pairs: Same-side view pairs (``.side``, ``.lang``, ``.source_lang``).
        layers: Hidden-state indices to score.
        settings: ``probe.sentence``.
        probe_round: The round (``epoch``, ``step``, ``model_state``).
        round_dir: The round's directory; the rows are written to ``ROWS_FILE`` there.
        vectors: View -> ``{layer: [S x D]}`` sentence vectors already pooled by the word
            extraction's forward pass (NaN rows: sentences it skipped); views not given are
            run here (:func:`~xlprobe.probing.sentences.sentence_vectors`).

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
                        epoch=probe_round.epoch,
                        step=probe_round.step,
                        model_state=probe_round.model_state,
                        side_s=view_s.side,
                        lang_s=view_s.lang,
                        side_t=view_t.side,
                        lang_t=view_t.lang,
                        layer=layer,
                        metric=metric,
                        value=100.0 * count.value,
                        numerator=count.numerator,
                        denominator=count.denominator,
                        condition=probe_round.condition,
                    )
                )
    report = ProbeReport(rows=rows)
    report.to_csv(Path(round_dir) / ROWS_FILE)
    report.timings = {"sentence": time.perf_counter() - tick}
    return report


def read_sentence_rows(round_dir: Path) -> ProbeReport:
    """The rows :func:`sentence_report` kept in ``round_dir`` (empty when it kept none)."""
    path = Path(round_dir) / ROWS_FILE
    return ProbeReport.read_csv(path) if path.is_file() else ProbeReport()
