"""The probe artifact: a long table of CALIGN / COLAP values per epoch, view pair and layer.

One :class:`ProbeRow` per value (Mousi et al., ACL 2024, "Exploring Alignment in Shared
Cross-lingual Spaces", Sec. 3: CALIGN and COLAP, in percent), plus example tables
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
from xlprobe.io import atomic_path

CHANCE_METRICS = {
    "calign": ("calign_chance_partition", "calign_chance_dictionary"),
    "colap": ("colap_chance_partition",),
}
"""Chance levels of each curve metric, computed on the same tokens with the same thresholds
(:mod:`xlprobe.probing.chance`): ``*_chance_partition`` scores size-matched random concepts (the
real labels permuted over the tokens), ``calign_chance_dictionary`` scores the real concepts
with a dictionary whose translation lists are permuted among the source words. Drawn as a
shaded band beside the model's curve, never as a model value. For CALIGN the chance levels are
floors (near 0: random concepts rarely align). For COLAP the random partition is the fully mixed
reference: a random concept holds both languages in their corpus proportions, so nearly every
concept overlaps (about 80-95 % on the e5-small demo, above the model at every layer); a model
below it keeps the languages apart in part of its concepts."""
SEED_METRICS = ("seed_ari", "seed_ari_joint")
"""Agreement of the K-means seeds: mean pairwise adjusted Rand index (in [-1, 1], not percent)
of one clustered set's labelings, ``seed_ari`` for a single view (``side_s``/``lang_s`` the view,
``side_t``/``lang_t`` the same side and the language the decoder was fed from, or the view's own
language) and ``seed_ari_joint`` for a COLAP joint set (the two languages clustered together).
Only with ``probe.n_seeds`` >= 2."""
GEOMETRY_METRICS = (
    "emb_separability",
    "emb_nn_other",
    "emb_nn_entropy",
    "emb_translation",
    "emb_knn_overlap",
    "emb_canon_cos",
    "emb_canon_cos_random",
    "lid_separability",
    "lid_nn_entropy",
)
"""Token-embedding geometry (Wen-Yi & Mimno, EMNLP 2023; defined in
:mod:`xlprobe.probing.embedding_probe`), in percent: ``emb_*`` on the input token-embedding
matrix (layer 0, tokens labelled with a language by the probe corpus; drift from the base model
as ``emb_knn_overlap`` and ``emb_canon_cos``), ``lid_*`` language identity of the word vectors
per layer. ``emb_nn_entropy``, ``lid_nn_entropy`` and ``emb_canon_cos*`` are not count ratios
(numerator and denominator 0). Tabled, not drawn as curves."""
SENTENCE_METRICS = ("retrieval", "abx_form", "abx_meaning")
"""Sentence-level metrics per layer (:mod:`xlprobe.probing.sentence_probe`), in percent, both
directions of a pair pooled: cross-lingual retrieval top-1, ABX language (form) and meaning
discrimination (higher is better, chance 50 %). Drawn as curves beside CALIGN / COLAP."""
METRICS = (
    "calign",
    "colap",
    "dict_coverage",
    *(name for names in CHANCE_METRICS.values() for name in names),
    *SEED_METRICS,
    *GEOMETRY_METRICS,
    *SENTENCE_METRICS,
)
CURVE_METRICS = ("calign", "colap", *SENTENCE_METRICS)
"""Metrics drawn as curves over layers and epochs. ``dict_coverage`` (the share of the source
word types with an n-best translation among the target word types, see
:func:`xlprobe.probing.metrics.dictionary_coverage`) depends on the dictionary and the probed
words only, so it is the same at every layer and epoch: a table value, not a curve."""
SIDES = ("encoder", "decoder")
MODEL_STATES = ("base", "finetuned", "random_init")
UNTRAINED_STATES = ("base", "random_init")
"""Model states probed before any fine-tuning (epoch -1): the pretrained model and the
random-weights control (the same architecture freshly initialised, ``model.random_init``)."""
BASE_EPOCH = -1

ROW_COLUMNS = (
    "epoch",
    "step",
    "model_state",
    "side_s",
    "lang_s",
    "side_t",
    "lang_t",
    "layer",
    "metric",
    "value",
    "numerator",
    "denominator",
    "sd",
    "ci_low",
    "ci_high",
    "n_seeds",
    "condition",
)
ROW_KEY_COLUMNS = (*ROW_COLUMNS[:9], "condition")
SEED_COLUMNS = ROW_COLUMNS[12:16]
"""Columns added with K-means seeds; a CSV written before them reads as one seed."""
PLAIN = "plain"
"""The condition of a row probed on the model as it is (no intervention)."""
OPTIONAL_COLUMNS = (*SEED_COLUMNS, "condition")
"""Columns a CSV written before them may lack (one seed, condition ``plain``)."""

EXAMPLE_COLUMNS = (
    "epoch",
    "model_state",
    "metric",
    "side_s",
    "lang_s",
    "side_t",
    "lang_t",
    "layer",
    "concept_s",
    "concept_t",
    "words_s",
    "words_t",
    "score",
    "condition",
)
EXAMPLE_GROUP_COLUMNS = (*EXAMPLE_COLUMNS[:8], "condition")


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
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
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
        metric: ``"calign"``, ``"colap"``, ``"dict_coverage"`` (the dictionary's coverage of
            a CALIGN pair's source words, the same at every layer), a chance level of
            :data:`CHANCE_METRICS` or a seed agreement of :data:`SEED_METRICS`.
        value: Metric value in percent, the mean over the K-means seeds of
            ``100 * numerator_s / denominator_s`` (0 to 100; NaN when a denominator is 0); for
            :data:`SEED_METRICS` the mean pairwise adjusted Rand index (-1 to 1).
        numerator: Summed over the seeds. CALIGN: source concepts aligned to at least one
            target concept; COLAP: overlapping concepts; dict_coverage: source word types with
            one of their n-best translations among the target word types; SEED_METRICS: the
            number of seed pairs compared.
        denominator: Summed over the seeds. Non-empty source concepts (CALIGN) / non-empty
            concepts (COLAP) / source word types (dict_coverage) / seed pairs (SEED_METRICS).
            With one seed ``value == 100 * numerator / denominator``.
        sd: Sample standard deviation of the per-seed values (0 with one seed).
        ci_low, ci_high: 95 % Student-t interval of the mean over the seeds,
            ``value ∓ t_{0.975, n_seeds-1} · sd / sqrt(n_seeds)``, clipped to the value's range
            (:func:`xlprobe.probing.uncertainty.summarize`); both equal ``value`` with one seed
            (the default when not given).
        n_seeds: K-means seeds the value averages (``probe.n_seeds``).
        condition: ``"plain"`` for the model as it is; otherwise the intervention the model
            was probed under, e.g. ``experts-es-k10`` (``xlprobe experts --concepts-at``).
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
        low, high, unit = (-1.0, 1.0, "an ARI") if self.metric in SEED_METRICS else (0, 100, "")
        if not (math.isnan(self.value) or low <= self.value <= high):
            raise ValueError(
                f"{self.metric} value must be {unit or 'a percentage'} in [{low}, {high}] or "
                f"NaN, got {self.value}"
            )
        if self.n_seeds < 1 or self.sd < 0:
            raise ValueError(f"need n_seeds >= 1 and sd >= 0, got {self.n_seeds} and {self.sd}")
        if not self.ci_low <= self.value <= self.ci_high and not math.isnan(self.value):
            raise ValueError(
                f"need ci_low <= value <= ci_high, got {self.ci_low}, {self.value}, {self.ci_high}"
            )
        if self.metric == "colap" and self.side_s != self.side_t:
            raise ValueError(f"colap rows have side_s == side_t, got {self.side_s}/{self.side_t}")

    @property
    def key(self) -> tuple:
        """The identity of the row: every column but the value columns (see ROW_KEY_COLUMNS)."""
        return tuple(getattr(self, name) for name in ROW_KEY_COLUMNS)

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
        epoch, model_state, metric, side_s, lang_s, side_t, lang_t, layer, condition: As in
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
    def group(self) -> tuple:
        """The (epoch, model_state, metric, view pair, layer, condition) the example belongs
        to."""
        return tuple(getattr(self, name) for name in EXAMPLE_GROUP_COLUMNS)


def scalar_key(row: ProbeRow, section: str = "probe") -> str:
    """W&B scalar key of a row.

    ``<section>/<metric>/<side_s>[-<side_t> if different]/<lang_s>-<lang_t>/layer_<LL>``, e.g.
    ``probe/calign/encoder/de-en/layer_06`` or ``probe/calign/encoder-decoder/de-en/layer_06``;
    the standard deviation over K-means seeds goes under the section ``probe_sd``. A row probed
    under an intervention has its condition after the section: ``probe/experts-es-k10/...``.
    """
    sides = row.side_s if row.side_s == row.side_t else f"{row.side_s}-{row.side_t}"
    if row.condition != PLAIN:
        section = f"{section}/{row.condition}"
    return f"{section}/{row.metric}/{sides}/{row.lang_pair}/layer_{row.layer:02d}"


@dataclass
class ProbeReport:
    """All probe results of a run: metric rows, example concepts and timings.

    Attributes:
        rows: One :class:`ProbeRow` per value, unique on ROW_KEY_COLUMNS.
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

        Rows clash on ROW_KEY_COLUMNS. Examples are replaced group-wise: every example group
        (epoch, model_state, metric, view pair, layer) present in ``other`` drops this report's
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
    def read_csv(cls, path: str | Path) -> ProbeReport:
        """Read rows written by :meth:`to_csv` (examples and timings stay empty); a CSV without
        the SEED_COLUMNS (written before K-means seeds) reads as one seed, one without
        ``condition`` as plain rows.

        Raises:
            InputError: Missing file, missing columns (line 1) or a malformed row (its line).
        """
        required = [c for c in ROW_COLUMNS if c not in OPTIONAL_COLUMNS]
        return cls(rows=_read_csv(path, required, _parse_row))

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
    return _read_csv(path, EXAMPLE_COLUMNS[:-1], _parse_example)


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


def _int(cells: Mapping[str, str], name: str) -> int:
    try:
        return int(cells[name])
    except ValueError:
        raise ValueError(f"column {name!r}: expected an integer, got {cells[name]!r}") from None


def _float(cells: Mapping[str, str], name: str) -> float:
    try:
        value = float(cells[name])
    except ValueError:
        value = math.inf
    if math.isinf(value):
        raise ValueError(f"column {name!r}: expected a finite number, got {cells[name]!r}")
    return value


def _parse_row(cells: Mapping[str, str]) -> ProbeRow:
    return ProbeRow(
        epoch=_int(cells, "epoch"),
        step=_int(cells, "step"),
        model_state=cells["model_state"],
        side_s=cells["side_s"],
        lang_s=cells["lang_s"],
        side_t=cells["side_t"],
        lang_t=cells["lang_t"],
        layer=_int(cells, "layer"),
        metric=cells["metric"],
        value=_float(cells, "value"),
        numerator=_int(cells, "numerator"),
        denominator=_int(cells, "denominator"),
        **{
            name: (_int if name == "n_seeds" else _float)(cells, name)
            for name in SEED_COLUMNS
            if name in cells
        },
        condition=cells.get("condition") or PLAIN,
    )


def _parse_example(cells: Mapping[str, str]) -> ConceptExample:
    return ConceptExample(
        epoch=_int(cells, "epoch"),
        model_state=cells["model_state"],
        metric=cells["metric"],
        side_s=cells["side_s"],
        lang_s=cells["lang_s"],
        side_t=cells["side_t"],
        lang_t=cells["lang_t"],
        layer=_int(cells, "layer"),
        concept_s=_int(cells, "concept_s"),
        concept_t=_int(cells, "concept_t"),
        words_s=tuple(cells["words_s"].split()),
        words_t=tuple(cells["words_t"].split()),
        score=_float(cells, "score"),
        condition=cells.get("condition") or PLAIN,
    )


def _read_csv(path: str | Path, columns: Sequence[str], parse: Callable[[Mapping[str, str]], Any]):
    """Parse every data line of a CSV with header ``columns`` (any order, extra columns ignored).

    Raises:
        InputError: naming ``path`` and the 1-based line of the problem.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read probe CSV as UTF-8 text: {err}", path=path) from err
    reader = csv.DictReader(text.splitlines(keepends=True))
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
            parsed.append(parse(cells))
        except ValueError as err:
            raise InputError(f"malformed row: {err}", path=path, line=line) from err
    return parsed
