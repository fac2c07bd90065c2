"""What a probe plug-in is: the :class:`Probe` protocol and the :class:`Metric` it declares.

A probe runs once per probe round on the shared :class:`~xlprobe.probing.round.Round` (model,
tokenizer, corpus, plan, activation stores, dictionaries) and returns report rows. It declares:

* ``name``: its registry name;
* ``options``: the keys of the ``probe`` config node it owns, each with its settings dataclass
  (an :class:`~xlprobe.options.Options`), e.g. ``{"sentence": SentenceSettings}``: they become
  attributes of :class:`~xlprobe.probing.settings.ProbeSettings` (``settings.sentence``) and are
  validated with the rest of the probe settings;
* ``metrics``: every metric its rows use, with its range and whether it is drawn as a curve;
* ``rescorable``: which of its option keys ``probe.py from_run=`` may change without the model;
* ``run(round)``: its rows of the round;
* ``rows_file``: where the pipeline keeps its rows of a round (``rounds/<round>/<rows_file>``)
  for re-scoring to carry them as they are; empty for a probe that re-derives its rows from its
  own files (``rescore``) and from the activation stores alone (re-clustering kept activations
  runs it again without the model), as the concept probe does;
* ``sentence_pooling(settings)``: ``mean`` or ``last`` when the round's extraction should also
  pool sentence vectors for it from the same forward pass (``round.sentence_vectors``), else
  ``None``;
* ``rescore(stored)``: its rows recomputed from what the round kept in the probe directory, or
  ``None`` when its rows are carried;
* ``distributed`` (optional, default false): under several ranks (DDP) it runs on every rank
  and shares the work itself (``round.ranks``, :mod:`xlprobe.probing.ranks`), returning its rows
  on rank 0; otherwise it runs on rank 0 alone.

Register one with :func:`xlprobe.probing.probes.register`; ``docs/extending.md`` shows a probe
in one file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from xlprobe.options import Options
    from xlprobe.probing.report import ProbeReport, ProbeRow
    from xlprobe.probing.round import Round, StoredRound

    RowMaker = Callable[..., ProbeRow]
    """``make_row(metric, lang_s, lang_t, layer, value, numerator=0, denominator=0)``."""


def row_maker(fields: Mapping[str, Any], side: str) -> RowMaker:
    """``make_row(metric, lang_s, lang_t, layer, value, numerator=0, denominator=0)``: a row of
    one round (``fields``: epoch, step, model_state, condition) comparing two views of one side
    (``side_s == side_t == side``)."""
    from xlprobe.probing.report import ProbeRow

    def make_row(metric, lang_s, lang_t, layer, value, numerator=0, denominator=0) -> ProbeRow:
        return ProbeRow(
            **fields,
            side_s=side,
            side_t=side,
            lang_s=lang_s,
            lang_t=lang_t,
            layer=layer,
            metric=metric,
            value=value,
            numerator=numerator,
            denominator=denominator,
        )

    return make_row


@dataclass(frozen=True)
class Metric:
    """One metric of the report.

    Attributes:
        name: Its ``metric`` column value (a lower-case word).
        description: One line: what it measures, its unit, its paper.
        curve: Drawn per layer and epoch (PNG plots, W&B line plots, ``report.html``).
        chance: Metrics drawn as chance bands under this one's curve.
        low, high: The range of a value (NaN is always allowed: an empty denominator).
        same_side: Its rows compare two views of the same side (``side_s == side_t``).
    """

    name: str
    description: str
    curve: bool = False
    chance: tuple[str, ...] = ()
    low: float = 0.0
    high: float = 100.0
    same_side: bool = False

    def check(self, row: ProbeRow) -> None:
        """Raise ValueError when ``row`` does not fit this metric."""
        if not (math.isnan(row.value) or self.low <= row.value <= self.high):
            raise ValueError(
                f"{self.name} value must lie in [{self.low:g}, {self.high:g}] or be NaN, got "
                f"{row.value}"
            )
        if self.same_side and row.side_s != row.side_t:
            raise ValueError(
                f"{self.name} rows have side_s == side_t, got {row.side_s}/{row.side_t}"
            )


class Probe(Protocol):
    """A probe plug-in (see the module docstring)."""

    name: ClassVar[str]
    options: ClassVar[Mapping[str, type[Options]]]
    metrics: ClassVar[tuple[Metric, ...]]
    rescorable: ClassVar[tuple[str, ...]]
    rows_file: ClassVar[str]

    def enabled(self, settings: Any) -> bool:
        """Whether the probe runs with these :class:`ProbeSettings`."""
        ...

    def sentence_pooling(self, settings: Any) -> str | None:
        """How the extraction should pool sentence vectors for this probe, or ``None``."""
        ...

    def run(self, round: Round) -> ProbeReport:
        """The probe's rows (and examples, timings) of one round."""
        ...

    def rescore(self, stored: StoredRound) -> ProbeReport | None:
        """Rows recomputed from the probe directory with ``stored.settings``, or ``None`` to
        carry the rows the round kept."""
        ...
