"""The probe artifact: a long table of metric values per round, view pair and layer.

Why one long module: the row key, the row and example types, their checks and their CSV reader
and writer are the report's one schema.

One :class:`ProbeRow` per value (CALIGN and COLAP of Mousi et al., ACL 2024, Sec. 3, in
percent, and the metrics of every other probe; which metrics exist and their ranges is the
probe registry's business, :mod:`xlprobe.probing.probes`), plus example tables
(:class:`ConceptExample`: aligned concept pairs for CALIGN, overlapping concepts for COLAP) and
wall-clock timings. The table is written as CSV, saved inside Lightning checkpoints as plain
records, and turned into W&B scalars under keys
``probe/<metric>/<side_s>[-<side_t>]/<lang_s>-<lang_t>/layer_<LL>``.

Pure Python (``csv``, ``dataclasses``); pandas is imported only by :meth:`ProbeReport.to_frame`.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlprobe.errors import InputError
from xlprobe.io import atomic_path, read_text

SIDES = ("encoder", "decoder")
"""The sides a view can be on: the encoder (or the only stack), or the decoder of an
encoder-decoder model."""
MODEL_STATES = ("base", "finetuned", "random_init")
UNTRAINED_STATES = ("base", "random_init")
"""Model states probed before any fine-tuning (epoch -1): the pretrained model and the
random-weights control (the same architecture freshly initialised, ``model.random_init``)."""
BASE_EPOCH = -1
PLAIN = "plain"
"""The condition of a row probed on the model as it is (no intervention)."""
TOKEN_SETS = ("all", "aligned")
"""Which occurrences a row's concepts were clustered from: ``all`` (the first ``max_per_type``
of each word type) or ``aligned`` (those in a word alignment of the parallel pair, the paper's
CALIGN tokens: ``probe.tokens=aligned``)."""


@dataclass(frozen=True)
class RowKey:
    """The identity of a report row (and of an example's group): which round (epoch,
    model_state, condition), which metric, which view pair and which layer. A report holds one
    row per key; its fields are the identity columns of ``probe_report.csv``."""

    epoch: int
    model_state: str
    metric: str
    side_s: str
    lang_s: str
    side_t: str
    lang_t: str
    layer: int
    condition: str = PLAIN
    tokens: str = "all"


KEY_FIELDS = tuple(f.name for f in dataclasses.fields(RowKey))


def _coerce_fields(obj: Any) -> None:
    """Turn numpy scalars into plain int / float in place (checkpoints load plain types only);
    raise ValueError for a non-integral int field or a non-str str field."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.type == "int":
            try:
                object.__setattr__(obj, f.name, operator.index(value))
            except TypeError:
                raise ValueError(f"{f.name} must be an integer, got {value!r}") from None
        elif f.type == "float":
            object.__setattr__(obj, f.name, float(value))
        elif f.type == "str" and not isinstance(value, str):
            raise ValueError(f"{f.name} must be a str, got {value!r}")


def _check_common(item: ProbeRow | ConceptExample) -> None:
    """Validate the fields shared by rows and examples; raise ValueError naming the field."""
    epoch, model_state, metric, layer = item.epoch, item.model_state, item.metric, item.layer
    sides, langs = (item.side_s, item.side_t), (item.lang_s, item.lang_t)
    if model_state not in MODEL_STATES:
        raise ValueError(f"model_state must be one of {MODEL_STATES}, got {model_state!r}")
    if (model_state in UNTRAINED_STATES) != (epoch == BASE_EPOCH):
        raise ValueError(
            f"epoch must be {BASE_EPOCH} exactly for model_state {' or '.join(UNTRAINED_STATES)} "
            f"and >= 0 for 'finetuned', got epoch {epoch} with {model_state!r}"
        )
    if epoch < BASE_EPOCH:
        raise ValueError(f"epoch must be >= {BASE_EPOCH}, got {epoch}")
    if not metric or not metric.replace("_", "").isalnum() or metric != metric.lower():
        raise ValueError(f"metric must be a lower-case word (letters, digits, _), got {metric!r}")
    for side in sides:
        if side not in SIDES:
            raise ValueError(f"side must be one of {SIDES}, got {side!r}")
    for lang in langs:
        if not lang or "/" in lang:
            raise ValueError(f"language code must be non-empty and contain no '/', got {lang!r}")
    if layer < 0:
        raise ValueError(f"layer must be >= 0 (0 = embeddings), got {layer}")
    if not item.condition or item.condition != "".join(item.condition.split()):
        raise ValueError(f"condition must be a non-empty word, got {item.condition!r}")
    if item.tokens not in TOKEN_SETS:
        raise ValueError(f"tokens must be one of {TOKEN_SETS}, got {item.tokens!r}")


@dataclass(frozen=True)
class ProbeRow:
    """One metric value for one (epoch, view pair, layer).

    Attributes:
        epoch: 0-based training epoch after which the model was probed; -1 for the base model.
        step: Global optimizer step at probing time (0 for the base model).
        model_state: ``"base"`` (untrained, epoch -1; the paper's dotted lines),
            ``"random_init"`` (the same architecture with fresh random weights, epoch -1: the
            floor training starts from) or ``"finetuned"``.
        side_s: Source view side, ``"encoder"`` or ``"decoder"``.
        lang_s: Source view language. For COLAP: the first jointly clustered language.
        side_t: Target view side (== ``side_s`` for COLAP).
        lang_t: Target view language. For COLAP: the second jointly clustered language.
        layer: Layer index, 0 = embeddings.
        metric: A metric of a registered probe (:func:`xlprobe.probing.probes.metric`
            describes each): ``calign``, ``colap``, ``dict_coverage``, their chance levels, the
            seed agreements ``seed_ari*``, sentence and geometry metrics, ...
        value: Metric value, the mean over the K-means seeds: in percent,
            ``100 * numerator_s / denominator_s`` (NaN when a denominator is 0), or in the
            metric's own unit (the adjusted Rand index of ``seed_ari`` in [-1, 1]).
        numerator: Summed over the seeds. CALIGN: source concepts aligned to at least one
            target concept; COLAP: overlapping concepts; dict_coverage: source word types with
            one of their n-best translations among the target word types; seed_ari: the
            number of seed pairs compared.
        denominator: Summed over the seeds. Non-empty source concepts (CALIGN) / non-empty
            concepts (COLAP) / source word types (dict_coverage) / seed pairs (seed_ari).
            With one seed ``value == 100 * numerator / denominator``.
        sd: Sample standard deviation of the per-seed values (0 with one seed).
        ci_low, ci_high: 95 % Student-t interval of the mean over the seeds,
            ``value ∓ t_{0.975, n_seeds-1} · sd / sqrt(n_seeds)``, clipped to the value's range
            (:func:`xlprobe.probing.uncertainty.summarize`); both equal ``value`` with one seed
            (the default when not given).
        n_seeds: K-means seeds the value averages (``probe.n_seeds``).
        condition: ``"plain"`` for the model as it is; otherwise the intervention the model
            was probed under, e.g. ``experts-es-k10`` (``xlprobe experts --concepts-at``).
        tokens: The occurrences the concepts were clustered from (:data:`TOKEN_SETS`).
    """

    epoch: int
    step: int
    model_state: str
    side_s: str
    lang_s: str
    side_t: str
    lang_t: str
    layer: int
    metric: str
    value: float
    numerator: int
    denominator: int
    sd: float = 0.0
    ci_low: float = math.nan
    ci_high: float = math.nan
    n_seeds: int = 1
    condition: str = PLAIN
    tokens: str = "all"

    def __post_init__(self) -> None:
        for name in ("ci_low", "ci_high"):
            if math.isnan(getattr(self, name)):
                object.__setattr__(self, name, self.value)
        _coerce_fields(self)
        _check_common(self)
        if self.step < 0:
            raise ValueError(f"step must be >= 0, got {self.step}")
        if not 0 <= self.numerator <= self.denominator:
            raise ValueError(
                f"need 0 <= numerator <= denominator, got {self.numerator}/{self.denominator}"
            )
        if self.n_seeds < 1 or self.sd < 0:
            raise ValueError(f"need n_seeds >= 1 and sd >= 0, got {self.n_seeds} and {self.sd}")
        if not self.ci_low <= self.value <= self.ci_high and not math.isnan(self.value):
            raise ValueError(
                f"need ci_low <= value <= ci_high, got {self.ci_low}, {self.value}, {self.ci_high}"
            )

    @property
    def key(self) -> RowKey:
        """The identity of the row (its :class:`RowKey` columns)."""
        return RowKey(**{name: getattr(self, name) for name in KEY_FIELDS})

    @property
    def pair(self) -> tuple[str, str, str]:
        """``(metric, side_s, side_t)``: which curve family (one plot) the row belongs to."""
        return (self.metric, self.side_s, self.side_t)

    @property
    def lang_pair(self) -> str:
        """``"<lang_s>-<lang_t>"``, e.g. ``"de-en"``."""
        return f"{self.lang_s}-{self.lang_t}"


@dataclass(frozen=True)
class ConceptExample:
    """One example concept (pair) for inspection.

    CALIGN: a source concept ``concept_s`` aligned to target concept ``concept_t``, their word
    types and ``score`` = A(Cs, Ct) / |Cs| (fraction of source types with a translation in Ct).
    COLAP: one jointly clustered concept (``concept_s == concept_t``), its word types per
    language (``words_s`` in ``lang_s``, ``words_t`` in ``lang_t``) and ``score`` = the smaller
    of the two language shares.

    Attributes:
        epoch, model_state, metric, side_s, lang_s, side_t, lang_t, layer, condition, tokens: As in
            :class:`ProbeRow`.
        concept_s: Cluster id in the source clustering.
        concept_t: Cluster id in the target clustering.
        words_s: Word types of the source concept (whitespace-free tokens).
        words_t: Word types of the target concept.
        score: Alignment / overlap score in [0, 1].
    """

    epoch: int
    model_state: str
    metric: str
    side_s: str
    lang_s: str
    side_t: str
    lang_t: str
    layer: int
    concept_s: int
    concept_t: int
    words_s: tuple[str, ...]
    words_t: tuple[str, ...]
    score: float
    condition: str = PLAIN
    tokens: str = "all"

    def __post_init__(self) -> None:
        _coerce_fields(self)
        _check_common(self)
        for name in ("words_s", "words_t"):
            words = tuple(getattr(self, name))
            if any(not w or w != "".join(w.split()) for w in words):
                raise ValueError(f"{name} must be non-empty words without whitespace: {words}")
            object.__setattr__(self, name, words)

    def cells(self) -> list[Any]:
        """Values in EXAMPLE_COLUMNS order, word tuples joined by single spaces (for tables)."""
        return [" ".join(v) if isinstance(v, tuple) else v for v in dataclasses.astuple(self)]

    @property
    def group(self) -> RowKey:
        """The row the example illustrates (epoch, model_state, metric, view pair, layer,
        condition)."""
        return RowKey(**{name: getattr(self, name) for name in KEY_FIELDS})


ROW_COLUMNS = tuple(f.name for f in dataclasses.fields(ProbeRow))
"""Columns of ``probe_report.csv`` in order. Those with a default (``sd``, ``ci_low``,
``ci_high``, ``n_seeds``, ``condition``, ``tokens``) may be missing from a CSV written before
them: it reads as one K-means seed and plain rows of every token."""
EXAMPLE_COLUMNS = tuple(f.name for f in dataclasses.fields(ConceptExample))
"""Columns of ``probe_examples.csv`` in order (``condition`` optional, as for rows)."""


def _required(cls: type) -> list[str]:
    """The fields of ``cls`` without a default: the columns a CSV of it must have."""
    return [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING]


def scalar_key(row: ProbeRow, section: str = "probe") -> str:
    """W&B scalar key of a row.

    ``<section>/<metric>/<side_s>[-<side_t> if different]/<lang_s>-<lang_t>/layer_<LL>``, e.g.
    ``probe/calign/encoder/de-en/layer_06`` or ``probe/calign/encoder-decoder/de-en/layer_06``;
    the standard deviation over K-means seeds goes under the section ``probe_sd``. A row probed
    under an intervention has its condition after the section: ``probe/experts-es-k10/...``; a row
    of the aligned tokens has ``aligned`` before the layer: ``.../de-en/aligned/layer_06``.
    """
    sides = row.side_s if row.side_s == row.side_t else f"{row.side_s}-{row.side_t}"
    if row.condition != PLAIN:
        section = f"{section}/{row.condition}"
    if row.tokens != "all":
        return f"{section}/{row.metric}/{sides}/{row.lang_pair}/{row.tokens}/layer_{row.layer:02d}"
    return f"{section}/{row.metric}/{sides}/{row.lang_pair}/layer_{row.layer:02d}"


@dataclass
class ProbeReport:
    """All probe results of a run: metric rows, example concepts and timings.

    Attributes:
        rows: One :class:`ProbeRow` per value, unique on its :class:`RowKey`.
        examples: Example concepts (see :class:`ConceptExample`).
        timings: Wall-clock seconds per named stage (e.g. ``"epoch_00/extract"``).
    """

    rows: list[ProbeRow] = field(default_factory=list)
    examples: list[ConceptExample] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = list(_latest_by(self.rows, lambda r: r.key))
        self.examples = list(self.examples)
        self.timings = {str(k): float(v) for k, v in self.timings.items()}

    def merge(self, other: ProbeReport) -> ProbeReport:
        """A new report with ``other`` appended; on a clash ``other`` (the later run) wins.

        Rows clash on their :class:`RowKey`. Examples are replaced group-wise: every example
        group (the row key it illustrates) present in ``other`` drops this report's
        examples of that group. Timings: ``other``'s value wins per key. So merging the report
        restored from a checkpoint with the report of a resumed epoch never duplicates a value.
        """
        replaced = {e.group for e in other.examples}
        return ProbeReport(
            rows=[*self.rows, *other.rows],
            examples=[e for e in self.examples if e.group not in replaced] + list(other.examples),
            timings={**self.timings, **other.timings},
        )

    def extend(self, other: ProbeReport) -> None:
        """In-place :meth:`merge`: append ``other``, de-duplicated, later wins."""
        merged = self.merge(other)
        self.rows, self.examples, self.timings = merged.rows, merged.examples, merged.timings

    def epochs(self, model_state: str | None = None) -> list[int]:
        """Sorted distinct epochs (-1 = base), optionally of one model_state."""
        return sorted({r.epoch for r in self.rows if model_state in (None, r.model_state)})

    def pairs(self) -> list[tuple[str, str, str]]:
        """Sorted distinct ``(metric, side_s, side_t)`` curve families."""
        return sorted({r.pair for r in self.rows})

    def select(self, **columns: Any) -> list[ProbeRow]:
        """Rows whose named columns equal the given values, e.g. ``select(metric="colap")``."""
        unknown = set(columns) - set(ROW_COLUMNS)
        if unknown:
            raise ValueError(f"unknown column(s) {sorted(unknown)}; columns are {ROW_COLUMNS}")
        return [r for r in self.rows if all(getattr(r, k) == v for k, v in columns.items())]

    def scalars(self, epoch: int, model_state: str | None = None) -> dict[str, float]:
        """``{scalar_key(row): value}`` for the rows of one epoch (and model_state, if given),
        and ``{scalar_key(row, "probe_sd"): sd}`` for rows that average several K-means seeds.

        If several steps of the same epoch were probed, the highest step wins.
        """
        rows = [r for r in self.rows if r.epoch == epoch and model_state in (None, r.model_state)]
        scalars = {}
        for r in sorted(rows, key=lambda r: r.step):
            scalars[scalar_key(r)] = r.value
            if r.n_seeds > 1:
                scalars[scalar_key(r, "probe_sd")] = r.sd
        return scalars

    def to_records(self) -> dict[str, Any]:
        """Plain Python data (lists of dicts of str/int/float) for checkpoints or JSON.

        Returns:
            ``{"rows": [dict per row], "examples": [dict per example], "timings": {...}}``;
            example words are lists of str.
        """
        return {
            "rows": [dataclasses.asdict(r) for r in self.rows],
            "examples": [
                {**dataclasses.asdict(e), "words_s": list(e.words_s), "words_t": list(e.words_t)}
                for e in self.examples
            ],
            "timings": dict(self.timings),
        }

    @classmethod
    def from_records(cls, records: Mapping[str, Any]) -> ProbeReport:
        """Inverse of :meth:`to_records`; missing sections count as empty."""
        return cls(
            rows=[ProbeRow(**r) for r in records.get("rows", [])],
            examples=[ConceptExample(**e) for e in records.get("examples", [])],
            timings=dict(records.get("timings", {})),
        )

    def to_csv(self, path: str | Path) -> None:
        """Write the rows as CSV with header ROW_COLUMNS, atomically."""
        _write_csv(path, ROW_COLUMNS, ([getattr(r, c) for c in ROW_COLUMNS] for r in self.rows))

    @classmethod
    def read_csv(
        cls, path: str | Path, check: Callable[[ProbeRow], None] | None = None
    ) -> ProbeReport:
        """Read rows written by :meth:`to_csv` (examples and timings stay empty); a CSV without
        the optional columns of ROW_COLUMNS reads as one seed and plain rows.

        Args:
            path: The CSV.
            check: Validates each row beyond its own fields (raises ValueError), e.g. the metric
                registry's :func:`xlprobe.probing.probes.check_row`.

        Raises:
            InputError: Missing file, missing columns (line 1) or a malformed row (its line).
        """
        return cls(rows=_read_csv(path, _required(ProbeRow), _parse_row, check))

    def to_frame(self):
        """The rows as a ``pandas.DataFrame`` with columns ROW_COLUMNS."""
        import pandas as pd

        return pd.DataFrame([dataclasses.astuple(r) for r in self.rows], columns=list(ROW_COLUMNS))


def write_examples_csv(examples: Iterable[ConceptExample], path: str | Path) -> None:
    """Write examples as CSV with header EXAMPLE_COLUMNS, words space-separated, atomically."""
    _write_csv(path, EXAMPLE_COLUMNS, (e.cells() for e in examples))


def read_examples_csv(path: str | Path) -> list[ConceptExample]:
    """Read examples written by :func:`write_examples_csv` (one written before the condition
    column holds plain examples).

    Raises:
        InputError: Missing file, missing columns (line 1) or a malformed row (its line).
    """
    return _read_csv(path, _required(ConceptExample), _parse_example)


def _latest_by(items: Iterable, key: Callable) -> Iterable:
    """Items unique on ``key``; a later item replaces an earlier one in the earlier's place."""
    latest: dict = {}
    for item in items:
        latest[key(item)] = item
    return latest.values()


def _format(value: Any) -> str:
    """CSV cell text; floats use repr (shortest round-trip form, ``nan`` for NaN)."""
    return repr(value) if isinstance(value, float) else str(value)


def _write_csv(path: str | Path, columns: Sequence[str], records: Iterable[Sequence[Any]]) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_format(v) for v in rec] for rec in records)


def _cell(cells: Mapping[str, str], name: str, kind: str) -> Any:
    """One CSV cell as the field type ``kind`` (``int``, ``float``, ``str`` or a word tuple)."""
    text = cells[name]
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"column {name!r}: expected an integer, got {text!r}") from None
    if kind == "float":
        try:
            value = float(text)
        except ValueError:
            value = math.inf
        if math.isinf(value):
            raise ValueError(f"column {name!r}: expected a finite number, got {text!r}")
        return value
    if kind.startswith("tuple"):
        return tuple(text.split())
    return text


def _parser(cls: type) -> Callable[[Mapping[str, str]], Any]:
    """Build a ``cls`` (ProbeRow or ConceptExample) from its CSV cells: each field parsed by its
    type; a field the header lacks (an optional column) keeps its default."""
    fields = [(f.name, f.type) for f in dataclasses.fields(cls)]

    def parse(cells: Mapping[str, str]) -> Any:
        present = {
            name: _cell(cells, name, kind)
            for name, kind in fields
            if cells.get(name) not in (None, "")
        }
        return cls(**present)

    return parse


def _read_csv(
    path: str | Path,
    columns: Sequence[str],
    parse: Callable[[Mapping[str, str]], Any],
    check: Callable[[Any], None] | None = None,
):
    """Parse every data line of a CSV with header ``columns`` (any order, extra columns ignored);
    ``check`` (raising ValueError) validates each parsed item.

    Raises:
        InputError: naming ``path`` and the 1-based line of the problem.
    """
    text = read_text(path, expected="a probe CSV with a header line")
    reader = csv.DictReader(text.split("\n"))
    header = reader.fieldnames or []
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; expected header {','.join(columns)}",
            path=path,
            line=1,
        )
    parsed = []
    for cells in reader:
        line = reader.line_num
        if None in cells or any(v is None for v in cells.values()):
            found = sum(v is not None for k, v in cells.items() if k is not None)
            found += len(cells.get(None, []))
            raise InputError(
                f"expected {len(header)} comma-separated fields as in the header, got {found}",
                path=path,
                line=line,
            )
        try:
            item = parse(cells)
            if check is not None:
                check(item)
        except ValueError as err:
            raise InputError(f"malformed row: {err}", path=path, line=line) from err
        parsed.append(item)
    return parsed


_parse_row = _parser(ProbeRow)
_parse_example = _parser(ConceptExample)
