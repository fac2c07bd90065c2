"""The concept probe: extract word representations, discover concepts, score their alignment.

One *round* probes one model state (the base model, or the model after an epoch):

1. extract, per view (side, language), the word representations of the probe corpus
   (:func:`~xlprobe.probing.extract.extract_view`, streamed to an ActivationStore);
2. per layer, cluster each view on its own (independent discovery, for CALIGN) and the union of
   each language with the pivot language (joint discovery, for COLAP) with K-means, once per
   seed (``probe.n_seeds``, seeds ``seed, seed+1, ...``; :func:`cluster_round`);
3. score CALIGN for every configured pair and COLAP for every joint set, their chance levels and
   the seeds' agreement (:func:`score_round`, pure: it only needs the cluster assignments and
   the dictionaries); values are means over the seeds with sd and a 95 % t-interval.

Cluster assignments of every round are kept in the probe directory as ConceptX files with a
``manifest.json``; :func:`rescore` recomputes the whole report from them with other thresholds,
without a model (Mousi et al., ACL 2024, Sec. 3–4); :func:`recluster` clusters a run's kept
activations again with other cluster settings (K, seeds), also without a model.

Probe directory layout::

    manifest.json                      settings, plan, layers, rounds, language roles
    dictionaries/<src>-<tgt>.tsv       built once from the probe corpus (or given)
    rounds/<round>/<set>/layer_XX.txt  ConceptX cluster files of the first seed, and
                  layer_XX.seedJ.txt   of seed + J for J = 1 .. n_seeds-1; joint sets also hold
                                       sentence_langs.txt (sentence ids offset per language)
    activations/<round>/<view>/        only with keep_activations (the manifest names each
                                       round's stores; with activation_cache they live there)
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xlprobe.errors import InputError
from xlprobe.io import read_text_lines, write_text_atomic
from xlprobe.probing.cluster import BACKENDS, INITS
from xlprobe.probing.concepts import (
    ConceptSet,
    TokenTable,
    read_clusters,
    read_sentence_langs,
    write_clusters,
)
from xlprobe.probing.dictionary import Dictionary, read_dictionary, write_dictionary
from xlprobe.probing.embedding_probe import EmbeddingSettings, read_geometry_rows
from xlprobe.probing.extract import ExtractionSettings
from xlprobe.probing.metrics import COVERAGE_WARNING, DictionaryCoverage
from xlprobe.probing.report import BASE_EPOCH, PLAIN, ConceptExample, ProbeReport, ProbeRow
from xlprobe.probing.sentence_probe import SentenceSettings, read_sentence_rows

logger = logging.getLogger(__name__)

SIDES = ("encoder", "decoder")
MANIFEST = "manifest.json"


def _check_range(
    option: str,
    value: float,
    low: float,
    high: float | None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    """InputError naming ``option`` unless ``value`` lies in the interval [low, high]
    (``low_open`` / ``high_open`` exclude an end; ``high`` None: no upper bound)."""
    below = value <= low if low_open else value < low
    above = high is not None and (value >= high if high_open else value > high)
    if below or above:
        interval = f"{'(' if low_open else '['}{low}, {high if high is not None else '∞'}"
        interval += ")" if high_open or high is None else "]"
        raise InputError(f"{option}={value} is out of range; expected a value in {interval}")


@dataclass(frozen=True)
class CalignSettings:
    """CALIGN thresholds (Mousi et al., 2024, Sec. 3.2): θA, N-best, min types, size ratio
    (``max_size_diff`` 1.0: no size filter)."""

    theta: float = 0.8
    n_best: int = 10
    min_types: int = 5
    max_size_diff: float = 0.4

    def __post_init__(self) -> None:
        _check_range("probe.calign.theta", self.theta, 0, 1, low_open=True)
        _check_range("probe.calign.max_size_diff", self.max_size_diff, 0, 1)
        _check_range("probe.calign.n_best", self.n_best, 1, None)
        _check_range("probe.calign.min_types", self.min_types, 0, None)


@dataclass(frozen=True)
class ColapSettings:
    """COLAP threshold θO (Mousi et al., 2024, Sec. 3.3)."""

    theta: float = 0.3

    def __post_init__(self) -> None:
        _check_range("probe.colap.theta", self.theta, 0, 1, low_open=True)


@dataclass(frozen=True)
class ProbeSettings:
    """Everything a probe round needs besides the model and the corpus.

    Attributes:
        languages: Probed languages; each is paired with ``pivot``.
        pivot: The pivot language (target side of every CALIGN pair).
        layers: Layers to probe (0 = embeddings); ``None`` for all.
        k: K-means clusters per set; ``None`` scales K to the data:
            ``max(2, round(word types / types_per_concept))``.
        types_per_concept: Average word types per concept when ``k`` is ``None``.
        backend: K-means backend (``auto``, ``cuml``, ``faiss``, ``sklearn``).
        init: K-means initialisation, ``random`` or ``k-means++``.
        n_iter: K-means iterations.
        seed: K-means seed (of the first run with ``n_seeds`` > 1).
        n_seeds: K-means runs per set and layer, seeds ``seed .. seed + n_seeds - 1`` on the same
            activations; values are their mean with sd and a 95 % t-interval.
        sides: Sides to probe; ``decoder`` applies to encoder-decoder models only.
        extraction: Word representation settings.
        calign: CALIGN thresholds.
        colap: COLAP threshold.
        n_examples: Example concepts kept per (pair, layer) for the report tables.
        keep_activations: Keep the activation stores in the probe directory.
        activation_cache: Directory of activation stores addressed by content (model digest,
            sentences, extraction settings, view): a probe finds the stores an earlier probe of
            the same model state extracted there and skips extraction; ``None``: no cache.
        dictionaries: ``"<src>-<tgt>"`` -> dictionary file; missing pairs are built from the
            probe corpus with eflomal.
        dictionary_cache: Directory caching built dictionaries per probe corpus (``None``: no
            cache, build in every run).
        embeddings: Token-embedding geometry rows (:mod:`xlprobe.probing.embedding_probe`).
        sentence: Sentence-level rows: retrieval, ABX form / meaning
            (:mod:`xlprobe.probing.sentence_probe`).
    """

    languages: tuple[str, ...]
    pivot: str = "en"
    layers: tuple[int, ...] | None = None
    k: int | None = None
    types_per_concept: int = 10
    backend: str = "auto"
    init: str = "random"
    n_iter: int = 20
    seed: int = 0
    n_seeds: int = 1
    sides: tuple[str, ...] = SIDES
    extraction: ExtractionSettings = field(default_factory=ExtractionSettings)
    calign: CalignSettings = field(default_factory=CalignSettings)
    colap: ColapSettings = field(default_factory=ColapSettings)
    n_examples: int = 3
    keep_activations: bool = False
    activation_cache: str | None = None
    dictionaries: Mapping[str, str] = field(default_factory=dict)
    dictionary_cache: str | None = None
    embeddings: EmbeddingSettings = field(default_factory=EmbeddingSettings)
    sentence: SentenceSettings = field(default_factory=SentenceSettings)

    def __post_init__(self) -> None:
        languages = tuple(lang for lang in self.languages if lang != self.pivot)
        if not languages:
            raise InputError(
                f"probe languages {list(self.languages)} name no language besides the pivot "
                f"{self.pivot!r}: set lang.probe to at least one other language"
            )
        unknown = [s for s in self.sides if s not in SIDES]
        if unknown:
            raise InputError(f"probe.sides: unknown side(s) {unknown}; choose from {list(SIDES)}")
        if self.k is not None and self.k < 2:
            raise InputError(f"probe.k must be at least 2 (or null to scale), got {self.k}")
        _check_range("probe.types_per_concept", self.types_per_concept, 1, None)
        _check_range("probe.n_iter", self.n_iter, 1, None)
        _check_range("probe.n_seeds", self.n_seeds, 1, None)
        if self.init not in INITS:
            raise InputError(f"probe.init={self.init!r}; expected one of {', '.join(INITS)}")
        if self.backend not in BACKENDS:
            raise InputError(
                f"probe.backend={self.backend!r}; expected one of {', '.join(BACKENDS)}"
            )
        object.__setattr__(self, "languages", languages)
        object.__setattr__(self, "sides", tuple(self.sides))
        if self.layers is not None:
            object.__setattr__(self, "layers", tuple(int(x) for x in self.layers))

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> ProbeSettings:
        """Build from plain nested dicts (e.g. a resolved Hydra ``probe`` node); unknown keys are
        an :class:`InputError` naming them."""
        nested = {
            "extraction": ExtractionSettings,
            "calign": CalignSettings,
            "colap": ColapSettings,
            "embeddings": EmbeddingSettings,
            "sentence": SentenceSettings,
        }
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InputError(f"unknown probe setting(s) {unknown}; known: {sorted(known)}")
        kwargs = dict(values)
        extraction = kwargs.get("extraction")
        if isinstance(extraction, Mapping) and extraction.get("layers") is not None:
            raise InputError(
                "set probe.layers, not probe.extraction.layers: the probe chooses them"
            )
        for name, kind in nested.items():
            if name in kwargs and not isinstance(kwargs[name], kind):
                sub = dict(kwargs[name] or {})
                allowed = {f.name for f in dataclasses.fields(kind)}
                bad = sorted(set(sub) - allowed)
                if bad:
                    raise InputError(
                        f"unknown probe.{name} setting(s) {bad}; known: {sorted(allowed)}"
                    )
                kwargs[name] = kind(**sub)
        for name in ("languages", "sides"):
            if name in kwargs:
                kwargs[name] = tuple(kwargs[name])
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict, inverse of :meth:`from_dict`."""
        values = dataclasses.asdict(self)
        values["dictionaries"] = dict(self.dictionaries)
        return values


@dataclass(frozen=True)
class LanguageRoles:
    """What the probed model did with each language, for the plot styles: trained on it
    (``train``, solid lines) or met it only in zero-shot evaluation (``zero_shot``, dashed).

    Entries are languages (``en``) or pairs (``fr-en``), as in the ``lang`` config.
    """

    train: tuple[str, ...] = ()
    zero_shot: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "train", tuple(self.train))
        object.__setattr__(self, "zero_shot", tuple(self.zero_shot))


@dataclass(frozen=True)
class ProbeCorpus:
    """Line-aligned probe sentences per language (whitespace-tokenized words)."""

    sentences: Mapping[str, Sequence[str]]

    def __post_init__(self) -> None:
        sizes = {lang: len(lines) for lang, lines in self.sentences.items()}
        if len(set(sizes.values())) > 1:
            raise InputError(f"probe corpus is not line-aligned: sentences per language {sizes}")

    def __len__(self) -> int:
        return len(next(iter(self.sentences.values()), ()))

    @classmethod
    def from_dir(
        cls,
        directory: str | Path,
        languages: Sequence[str],
        *,
        split: str = "probe",
        max_sentences: int | None = None,
    ) -> ProbeCorpus:
        """Read ``<directory>/<split>.<lang>.txt`` for each language (UTF-8, one sentence a line).

        The files are checked for line alignment before ``max_sentences`` keeps their first
        lines: truncation must not hide a misaligned corpus.

        Raises:
            InputError: A missing or non-UTF-8 file, or files with different line counts.
        """
        directory = Path(directory)
        sentences = {}
        for lang in languages:
            path = directory / f"{split}.{lang}.txt"
            if not path.is_file():
                raise InputError(
                    f"probe corpus file missing: expected one sentence per line in "
                    f"'{split}.{lang}.txt' for language {lang!r} (set probe.corpus.dir / "
                    "probe.corpus.split)",
                    path=path,
                )
            sentences[lang] = read_text_lines(
                path, expected="one whitespace-tokenized sentence per line"
            )
        sizes = {f"{split}.{lang}.txt": len(lines) for lang, lines in sentences.items()}
        if len(set(sizes.values())) > 1:
            raise InputError(
                f"probe corpus files are not line-aligned: lines per file {sizes}", path=directory
            )
        if max_sentences:
            sentences = {lang: lines[:max_sentences] for lang, lines in sentences.items()}
        return cls(sentences=sentences)


@dataclass(frozen=True)
class View:
    """Representations of one language on one side of the model.

    Decoder views are computed by teacher forcing: the decoder reads ``lang`` while the encoder
    reads the parallel sentence in ``source_lang``.
    """

    side: str
    lang: str
    source_lang: str | None = None

    @property
    def name(self) -> str:
        """Directory-safe name, e.g. ``encoder.de`` or ``decoder.en.from_de``."""
        suffix = f".from_{self.source_lang}" if self.source_lang else ""
        return f"{self.side}.{self.lang}{suffix}"


@dataclass(frozen=True)
class ProbePlan:
    """Which views to extract, which pairs CALIGN compares, which pairs COLAP clusters jointly."""

    views: tuple[View, ...]
    calign_pairs: tuple[tuple[View, View], ...]
    joint_pairs: tuple[tuple[View, View], ...]

    @staticmethod
    def joint_name(pair: tuple[View, View]) -> str:
        return f"joint.{pair[0].name}+{pair[1].name}"


def plan_views(settings: ProbeSettings, *, seq2seq: bool) -> ProbePlan:
    """Views and pairs for the probed languages X against the pivot P.

    CALIGN pairs: encoder X vs encoder P; for seq2seq models also decoder X (encoder reading P)
    vs decoder P (encoder reading X), and encoder X vs decoder P (the translation direction
    X→P). COLAP joint sets: the two views of each same-side CALIGN pair.
    """
    pivot = settings.pivot
    calign_pairs: list[tuple[View, View]] = []
    for lang in settings.languages:
        encoder_s, encoder_t = View("encoder", lang), View("encoder", pivot)
        decoder_s, decoder_t = View("decoder", lang, pivot), View("decoder", pivot, lang)
        if "encoder" in settings.sides:
            calign_pairs.append((encoder_s, encoder_t))
        if seq2seq and "decoder" in settings.sides:
            calign_pairs.append((decoder_s, decoder_t))
            if "encoder" in settings.sides:
                calign_pairs.append((encoder_s, decoder_t))
    if not calign_pairs:
        raise InputError(
            f"probe.sides={list(settings.sides)} leaves nothing to probe for this model "
            "(decoder applies to encoder-decoder models only)"
        )
    joint_pairs = tuple(p for p in calign_pairs if p[0].side == p[1].side)
    views = tuple(sorted({v for pair in calign_pairs for v in pair}, key=lambda v: v.name))
    return ProbePlan(views=views, calign_pairs=tuple(calign_pairs), joint_pairs=joint_pairs)


@dataclass(frozen=True)
class ProbeRound:
    """Which model state a round probes: ``base`` (epoch -1), ``random_init`` (the random-weights
    control, epoch -1) or ``finetuned`` after an epoch; ``condition``: ``plain``, or the
    intervention the model runs under (e.g. ``experts-es-k10``), which ends the round's name."""

    epoch: int = BASE_EPOCH
    step: int = 0
    model_state: str = "base"
    condition: str = PLAIN

    @property
    def name(self) -> str:
        state = self.model_state
        if self.model_state == "finetuned":
            state = f"epoch_{self.epoch:03d}_step_{self.step}"
        return state if self.condition == PLAIN else f"{state}_{self.condition}"

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ProbeRound:
        """The round of a manifest entry or a report row (one written before conditions is
        plain)."""
        return cls(
            record["epoch"], record["step"], record["model_state"], record.get("condition", PLAIN)
        )


def _num_clusters(tokens: TokenTable, settings: ProbeSettings) -> int:
    """``settings.k``, or ``max(2, round(word types / types_per_concept))`` (types are
    (word, language) pairs), at most one cluster per token."""
    if settings.k is not None:
        return settings.k
    n_types = len(set(zip(tokens.word.tolist(), tokens.lang.tolist(), strict=True)))
    return int(min(max(2, round(n_types / settings.types_per_concept)), len(tokens)))


def _layer_file(directory: Path, layer: int, run: int = 0) -> Path:
    """Cluster file of ``layer`` from the K-means run with seed ``seed + run``."""
    suffix = "" if run == 0 else f".seed{run}"
    return directory / f"layer_{layer:02d}{suffix}.txt"


def _joint_tokens(tables: Sequence[TokenTable], n_sentences: int) -> TokenTable:
    """Concatenate views, offsetting sentence ids by ``i * n_sentences`` for the i-th view so a
    joint ConceptX file stays unambiguous together with its ``sentence_langs.txt`` (a single
    view keeps its ids)."""
    shifted = [
        dataclasses.replace(t, sentence=t.sentence + i * n_sentences) for i, t in enumerate(tables)
    ]
    return TokenTable.concat(shifted)


def _is_seq2seq(model: Any) -> bool:
    return bool(getattr(model.config, "is_encoder_decoder", False))


def _corpus_digest(*columns: Sequence[str]) -> str:
    """sha256 (16 hex digits) of line-aligned sentence columns: identifies a parallel corpus."""
    digest = hashlib.sha256()
    for column in columns:
        for line in column:
            digest.update(line.encode("utf-8") + b"\n")
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def build_or_load_dictionaries(
    corpus: ProbeCorpus, settings: ProbeSettings, directory: Path
) -> dict[str, Dictionary]:
    """``"<lang>-<pivot>"`` -> dictionary, each also written to ``directory/<lang>-<pivot>.tsv``
    (what :func:`rescore` reads).

    A dictionary comes from ``settings.dictionaries`` when given there; otherwise it is the one
    already in ``directory`` (every round of a run, resumed runs included, scores with one
    dictionary); otherwise it is built with eflomal over the probe corpus. eflomal cannot be
    seeded, so builds are cached in ``settings.dictionary_cache`` under the corpus digest: every
    run on the same probe corpus scores with the same dictionary.
    """
    from xlprobe.probing.alignment import build_dictionary

    dictionaries = {}
    for lang in settings.languages:
        key = f"{lang}-{settings.pivot}"
        src, tgt = corpus.sentences[lang], corpus.sentences[settings.pivot]
        cached = (
            Path(settings.dictionary_cache) / f"{key}.{_corpus_digest(src, tgt)}.tsv"
            if settings.dictionary_cache
            else None
        )
        if key in settings.dictionaries:
            dictionaries[key] = read_dictionary(settings.dictionaries[key])
        elif (directory / f"{key}.tsv").is_file():
            dictionaries[key] = read_dictionary(directory / f"{key}.tsv")
        elif cached is not None and cached.is_file():
            dictionaries[key] = read_dictionary(cached)
        else:
            logger.info("building the %s dictionary from %d probe sentences", key, len(corpus))
            dictionaries[key] = build_dictionary(src, tgt)
            if cached is not None:
                write_dictionary(dictionaries[key], cached)
        write_dictionary(dictionaries[key], directory / f"{key}.tsv")
    return dictionaries


def _examples_calign(result, src: ConceptSet, tgt: ConceptSet, n: int, **common):
    sizes = result.source_sizes
    best = sorted(result.pairs, key=lambda p: (-len(result.matched[p]) / sizes[p[0]], p))[:n]
    return [
        ConceptExample(
            concept_s=int(cs),
            concept_t=int(ct),
            words_s=tuple(w for w, _ in src.top_words(cs, 8)),
            words_t=tuple(w for w, _ in tgt.top_words(ct, 8)),
            score=len(result.matched[(cs, ct)]) / sizes[cs],
            **common,
        )
        for cs, ct in best
    ]


def _examples_colap(result, joint: ConceptSet, n: int, **common):
    lang_s, lang_t = common["lang_s"], common["lang_t"]

    def share(cid: int) -> float:
        counts = result.language_counts[cid]
        total = sum(counts.values())
        return min(counts.get(lang_s, 0), counts.get(lang_t, 0)) / total

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
                **common,
            )
        )
    return examples


def _runs(value: ConceptSet | Sequence[ConceptSet]) -> list[ConceptSet]:
    """The K-means runs of one (set, layer): a single ConceptSet is one run."""
    return [value] if isinstance(value, ConceptSet) else list(value)


def _row_key(
    probe_round: ProbeRound, metric: str, view_s: View, view_t: View, layer: int
) -> dict[str, Any]:
    """The fields that name a report row: round, metric, the two views and the layer."""
    return {
        "epoch": probe_round.epoch,
        "model_state": probe_round.model_state,
        "metric": metric,
        "side_s": view_s.side,
        "lang_s": view_s.lang,
        "side_t": view_t.side,
        "lang_t": view_t.lang,
        "layer": layer,
        "condition": probe_round.condition,
    }


def _row(fields: Mapping[str, Any], step: int, scored: Sequence[Any], bounds=(0.0, 100.0)):
    """One report row from per-seed results (each with ``percent``, ``numerator``,
    ``denominator``): the mean with its spread (:func:`~xlprobe.probing.uncertainty.summarize`),
    counts summed over the seeds."""
    from xlprobe.probing.uncertainty import summarize

    summary = summarize([value.percent for value in scored], bounds=bounds)
    return ProbeRow(
        step=step,
        value=summary.mean,
        numerator=sum(value.numerator for value in scored),
        denominator=sum(value.denominator for value in scored),
        sd=summary.sd,
        ci_low=summary.ci_low,
        ci_high=summary.ci_high,
        n_seeds=summary.n,
        **fields,
    )


@dataclass(frozen=True)
class _Agreement:
    """The ARI of one pair of seeds, shaped like a metric result for :func:`_row`."""

    percent: float
    numerator: int = 1
    denominator: int = 1


def _seed_agreement_rows(
    runs: Mapping[tuple[str, int], list[ConceptSet]],
    plan: ProbePlan,
    layers: Sequence[int],
    probe_round: ProbeRound,
) -> list[ProbeRow]:
    """``seed_ari`` per view and ``seed_ari_joint`` per joint set and layer: the mean pairwise
    adjusted Rand index of the seeds' labelings, its sd and t-interval over the S (S - 1) / 2
    seed pairs (numerator = denominator = pairs; ``n_seeds`` = S; no rows with a single seed)."""
    from xlprobe.probing.uncertainty import pairwise_ari

    sets = [("seed_ari", v.name, v, View(v.side, v.source_lang or v.lang)) for v in plan.views]
    sets += [("seed_ari_joint", plan.joint_name(p), *p) for p in plan.joint_pairs]
    rows = []
    for layer in layers:
        for metric, name, view_s, view_t in sets:
            labelings = [run.labels for run in runs[(name, layer)]]
            if len(labelings) < 2:
                continue
            fields = _row_key(probe_round, metric, view_s, view_t, layer)
            scored = [_Agreement(ari) for ari in pairwise_ari(labelings)]
            row = _row(fields, probe_round.step, scored, bounds=(-1.0, 1.0))
            rows.append(dataclasses.replace(row, n_seeds=len(labelings)))
    return rows


def score_round(
    concepts: Mapping[tuple[str, int], ConceptSet | Sequence[ConceptSet]],
    plan: ProbePlan,
    layers: Sequence[int],
    dictionaries: Mapping[str, Dictionary],
    settings: ProbeSettings,
    probe_round: ProbeRound,
) -> ProbeReport:
    """CALIGN, dictionary coverage and COLAP rows (and example concepts) of one round, their
    chance levels and the seeds' agreement, from cluster assignments only; logs each pair's
    coverage and warns below COVERAGE_WARNING %.

    Every value is the mean over the K-means runs (seeds ``settings.seed + j``) with its sd and
    95 % t-interval. Chance levels (:data:`~xlprobe.probing.report.CHANCE_METRICS`, see
    :mod:`xlprobe.probing.chance`) are scored per run on the same tokens: the run's labels
    permuted over the tokens (``*_chance_partition``, seeded by seed + j, set name and layer)
    and, for CALIGN, the run's concepts with the dictionary's translation lists permuted among
    the source words (``calign_chance_dictionary``, seeded by seed + j and language pair).
    Examples come from the first run.

    Args:
        concepts: ``(set name, layer)`` -> concepts, one ConceptSet per K-means run (a single
            ConceptSet: one run); set name = :attr:`View.name` for single views and
            :meth:`ProbePlan.joint_name` for joint sets.
        plan: The views and pairs.
        layers: Layers to score.
        dictionaries: ``"<lang>-<pivot>"`` -> dictionary.
        settings: Thresholds and the first seed.
        probe_round: Epoch / step / model state of the rows.
    """
    from xlprobe.probing.chance import chance_rng, random_partition, shuffled_dictionary
    from xlprobe.probing.metrics import calign, colap

    runs = {key: _runs(value) for key, value in concepts.items()}
    seeds = [settings.seed + j for j in range(max(map(len, runs.values()), default=1))]
    thresholds = dataclasses.asdict(settings.calign)
    shuffled: dict[tuple[str, int], Dictionary] = {}
    partitions: dict[tuple[str, int, int], ConceptSet] = {}

    def partition(name: str, layer: int, j: int) -> ConceptSet:
        if (name, layer, j) not in partitions:
            rng = chance_rng(seeds[j], "partition", name, layer)
            partitions[(name, layer, j)] = random_partition(runs[(name, layer)][j], rng)
        return partitions[(name, layer, j)]

    coverage: dict[tuple[View, View], DictionaryCoverage] = {}
    rows: list[ProbeRow] = []
    examples: list[ConceptExample] = []
    for layer in layers:
        for metric, pairs in (("calign", plan.calign_pairs), ("colap", plan.joint_pairs)):
            for view_s, view_t in pairs:
                fields = _row_key(probe_round, metric, view_s, view_t, layer)
                scored: dict[str, list[Any]] = {}
                if metric == "calign":
                    src, tgt = runs[(view_s.name, layer)], runs[(view_t.name, layer)]
                    key = f"{view_s.lang}-{view_t.lang}"
                    for j in range(len(src)):
                        if (key, j) not in shuffled:
                            rng = chance_rng(seeds[j], "dictionary", key)
                            shuffled[(key, j)] = shuffled_dictionary(dictionaries[key], rng)
                        real = calign(src[j], tgt[j], dictionaries[key], **thresholds)
                        random = calign(
                            partition(view_s.name, layer, j),
                            partition(view_t.name, layer, j),
                            dictionaries[key],
                            **thresholds,
                        )
                        wrong = calign(src[j], tgt[j], shuffled[(key, j)], **thresholds)
                        for name, value in (
                            (metric, real),
                            ("dict_coverage", real.coverage),
                            ("calign_chance_partition", random),
                            ("calign_chance_dictionary", wrong),
                        ):
                            scored.setdefault(name, []).append(value)
                        if j == 0:
                            examples += _examples_calign(
                                real, src[0], tgt[0], settings.n_examples, **fields
                            )
                            coverage[(view_s, view_t)] = real.coverage
                else:
                    name = plan.joint_name((view_s, view_t))
                    joint = runs[(name, layer)]
                    scored[metric] = [colap(run, theta=settings.colap.theta) for run in joint]
                    scored["colap_chance_partition"] = [
                        colap(partition(name, layer, j), theta=settings.colap.theta)
                        for j in range(len(joint))
                    ]
                    examples += _examples_colap(
                        scored[metric][0], joint[0], settings.n_examples, **fields
                    )
                for name, values in scored.items():
                    rows.append(_row({**fields, "metric": name}, probe_round.step, values))
    rows += _seed_agreement_rows(runs, plan, layers, probe_round)
    _log_coverage(coverage, settings, probe_round)
    return ProbeReport(rows=rows, examples=examples)


def _log_coverage(
    coverage: Mapping[tuple[View, View], DictionaryCoverage],
    settings: ProbeSettings,
    probe_round: ProbeRound,
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
            probe_round.name,
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


def run_probe(
    model: Any,
    tokenizer: Any,
    corpus: ProbeCorpus,
    settings: ProbeSettings,
    *,
    probe_dir: str | Path,
    probe_round: ProbeRound | None = None,
    roles: LanguageRoles | None = None,
) -> ProbeReport:
    """Probe one model state: extract, cluster, score; keep the clusters in ``probe_dir``.

    Args:
        model: A Hugging Face model (encoder-only or encoder-decoder).
        tokenizer: Its fast tokenizer.
        corpus: Parallel probe sentences for ``settings.languages`` and the pivot.
        settings: Probe settings.
        probe_dir: The run's probe directory (manifest, dictionaries, cluster files).
        probe_round: Which model state this is (default: the base model).
        roles: Training and zero-shot languages, recorded in the manifest so that
            :func:`rescore` plots a run the way it was trained (:func:`read_roles`).

    Returns:
        The round's report, with ``timings`` in seconds for ``<round>/dictionary``,
        ``<round>/extract``, ``<round>/cluster``, ``<round>/metrics``, ``<round>/total`` and,
        with ``settings.embeddings.enabled``, ``<round>/embeddings/input`` and
        ``<round>/embeddings/layers`` (the token-geometry rows of
        :mod:`~xlprobe.probing.embedding_probe`) and, with ``settings.sentence.enabled``,
        ``<round>/sentence`` (retrieval and ABX rows, :mod:`~xlprobe.probing.sentence_probe`).
    """
    from xlprobe.probing.embedding_probe import embedding_report
    from xlprobe.probing.sentence_probe import sentence_report

    probe_round = probe_round or ProbeRound()
    probe_dir = Path(probe_dir)
    plan = plan_views(settings, seq2seq=_is_seq2seq(model))
    missing = [v.lang for v in plan.views if v.lang not in corpus.sentences]
    if missing:
        raise InputError(f"probe corpus has no sentences for language(s) {sorted(set(missing))}")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    dictionaries = build_or_load_dictionaries(corpus, settings, probe_dir / "dictionaries")
    timings["dictionary"] = time.perf_counter() - start

    round_dir = probe_dir / "rounds" / probe_round.name
    if settings.keep_activations:
        activation_root = probe_dir / "activations" / probe_round.name
        activation_root.mkdir(parents=True, exist_ok=True)
    else:
        activation_root = Path(tempfile.mkdtemp(prefix="xlprobe-activations-"))
    try:
        tick = time.perf_counter()
        extraction = dataclasses.replace(
            settings.extraction, layers=None if settings.layers is None else list(settings.layers)
        )
        # Sentence vectors for the sentence rows come from the extraction's forward pass.
        pooled: dict[View, dict] = {v: {} for v in plan.views} if settings.sentence.enabled else {}
        stores = _extract_views(
            model,
            tokenizer,
            corpus,
            plan,
            extraction,
            activation_root,
            settings.activation_cache,
            pooled,
        )
        timings["extract"] = time.perf_counter() - tick

        tick = time.perf_counter()
        n_sentences = len(corpus)
        concepts, layers = cluster_round(stores, plan, settings, n_sentences, round_dir)
        timings["cluster"] = time.perf_counter() - tick
        geometry = ProbeReport()
        if settings.embeddings.enabled:
            geometry = embedding_report(
                model,
                tokenizer,
                corpus.sentences,
                stores,
                layers,
                dictionaries,
                settings.embeddings,
                probe_round,
                round_dir=round_dir,
                base_dir=probe_dir / "rounds" / ProbeRound().name,
            )
    finally:
        if not settings.keep_activations:
            shutil.rmtree(activation_root, ignore_errors=True)

    tick = time.perf_counter()
    report = score_round(concepts, plan, layers, dictionaries, settings, probe_round)
    timings["metrics"] = time.perf_counter() - tick
    report.extend(geometry)
    timings.update(geometry.timings)
    if settings.sentence.enabled:
        sentence = sentence_report(
            model,
            tokenizer,
            corpus.sentences,
            plan.joint_pairs,
            layers,
            settings.sentence,
            probe_round,
            round_dir,
            vectors={view: vectors for view, vectors in pooled.items() if vectors},
        )
        report.extend(sentence)
        timings.update(sentence.timings)
    timings["total"] = time.perf_counter() - start
    report.timings = {f"{probe_round.name}/{k}": v for k, v in timings.items()}
    kept = settings.keep_activations or settings.activation_cache is not None
    _update_manifest(
        probe_dir,
        settings,
        plan,
        layers,
        probe_round,
        n_sentences,
        roles=roles,
        stores={v.name: s.path.resolve() for v, s in stores.items()} if kept else None,
    )
    logger.info(
        "probe round %s: %s",
        probe_round.name,
        ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()),
    )
    return report


def _extract_views(
    model: Any,
    tokenizer: Any,
    corpus: ProbeCorpus,
    plan: ProbePlan,
    extraction: ExtractionSettings,
    activation_root: Path,
    activation_cache: str | None,
    pooled: Mapping[View, dict] | None = None,
) -> dict[View, Any]:
    """Every view's activation store: extracted into ``activation_root/<view>``, or, with an
    ``activation_cache``, found or extracted under its content address there
    (:mod:`~xlprobe.probing.activation_cache`: the same weights, sentences and settings are
    extracted once). ``pooled``: view -> a dict the extraction fills with its mean-pooled
    sentence vectors per layer (left empty for a store found in the cache)."""
    from xlprobe.probing.activation_cache import model_digest, store_dir
    from xlprobe.probing.extract import extract_view
    from xlprobe.probing.store import ActivationStore

    model_id = model_digest(model, tokenizer) if activation_cache else None
    stores = {}
    for view in plan.views:
        sentences = list(corpus.sentences[view.lang])
        source = list(corpus.sentences[view.source_lang]) if view.source_lang else None
        out_dir = activation_root / view.name
        if activation_cache:
            out_dir = store_dir(
                activation_cache, model_id, sentences, extraction, view.side, view.lang, source
            )
            if ActivationStore.is_complete(out_dir):
                logger.info("activations of %s: reusing %s", view.name, out_dir)
                stores[view] = ActivationStore.open(out_dir)
                continue
        stores[view] = extract_view(
            model,
            tokenizer,
            sentences,
            side=view.side,
            lang=view.lang,
            out_dir=out_dir,
            settings=extraction,
            source_sentences=source,
            sentence_vectors=(pooled or {}).get(view),
        )
    return stores


def cluster_round(
    stores: Mapping[View, Any],
    plan: ProbePlan,
    settings: ProbeSettings,
    n_sentences: int,
    round_dir: Path,
) -> tuple[dict[tuple[str, int], list[ConceptSet]], list[int]]:
    """K-means of every view (alone) and joint set (the views together) at every layer the
    stores share, ``settings.n_seeds`` times with seeds ``settings.seed + j``, each run written
    to ``round_dir/<set>/`` (:func:`_layer_file`).

    Args:
        stores: View -> its :class:`~xlprobe.probing.store.ActivationStore`.
        plan: The views and joint pairs.
        settings: K (or types per concept), backend, init, iterations, seeds.
        n_sentences: Probe sentences (joint sets offset sentence ids by it per view).
        round_dir: The round's cluster directory.

    Returns:
        ``(set name, layer)`` -> one ConceptSet per seed, and the clustered layers.
    """
    from xlprobe.probing.cluster import kmeans

    layers = sorted(set.intersection(*(set(store.layers) for store in stores.values())))
    cluster_sets = {view.name: (view,) for view in plan.views}
    cluster_sets.update({plan.joint_name(pair): pair for pair in plan.joint_pairs})
    tokens, ks = {}, {}
    for name, views in cluster_sets.items():
        tokens[name] = _joint_tokens([stores[v].tokens for v in views], n_sentences)
        ks[name] = _num_clusters(tokens[name], settings)
        if len(views) > 1:
            langs = "".join(f"{v.lang}\n" for v in views for _ in range(n_sentences))
            write_text_atomic(round_dir / name / "sentence_langs.txt", langs)
    concepts: dict[tuple[str, int], list[ConceptSet]] = {}
    for layer in layers:
        vectors = {v: np.asarray(stores[v].layer(layer), dtype=np.float32) for v in plan.views}
        for name, views in cluster_sets.items():
            x = np.concatenate([vectors[v] for v in views])
            runs = concepts.setdefault((name, layer), [])
            for j in range(settings.n_seeds):
                labels = kmeans(
                    x,
                    ks[name],
                    backend=settings.backend,
                    seed=settings.seed + j,
                    n_iter=settings.n_iter,
                    init=settings.init,
                )
                runs.append(ConceptSet(tokens[name], np.asarray(labels, np.int64)))
                write_clusters(runs[-1], _layer_file(round_dir / name, layer, j))
    return concepts, layers


def _update_manifest(
    probe_dir: Path,
    settings: ProbeSettings,
    plan: ProbePlan,
    layers: Sequence[int],
    probe_round: ProbeRound,
    n_sentences: int,
    roles: LanguageRoles | None = None,
    stores: Mapping[str, Path] | None = None,
) -> None:
    """Record a finished round (with the paths of its kept activation stores, view name ->
    store directory, when given) and the settings, plan and layers in ``probe_dir``'s
    manifest."""
    path = probe_dir / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"rounds": []}
    rounds = [r for r in manifest["rounds"] if r["name"] != probe_round.name]
    entry = {**dataclasses.asdict(probe_round), "name": probe_round.name}
    if stores is not None:
        entry["activations"] = {name: str(store) for name, store in stores.items()}
    rounds.append(entry)
    manifest.update(
        settings=settings.to_dict(),
        views=[dataclasses.asdict(v) for v in plan.views],
        calign_pairs=[[dataclasses.asdict(v) for v in p] for p in plan.calign_pairs],
        joint_pairs=[[dataclasses.asdict(v) for v in p] for p in plan.joint_pairs],
        layers=list(layers),
        n_sentences=n_sentences,
        rounds=rounds,
    )
    if roles is not None:
        manifest["roles"] = dataclasses.asdict(roles)
    write_text_atomic(path, json.dumps(manifest, indent=2))


def _read_manifest(probe_dir: Path) -> dict[str, Any]:
    path = probe_dir / MANIFEST
    if not path.is_file():
        raise InputError(
            "no probe manifest: from_run must point at a run directory whose probe/ holds a "
            f"{MANIFEST} (a run made with the probe callback or probe.py)",
            path=path,
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"malformed manifest: {err.msg}", path=path, line=err.lineno) from None
    keys = ("settings", "views", "calign_pairs", "joint_pairs", "layers", "rounds")
    missing = [key for key in keys if not isinstance(manifest, dict) or key not in manifest]
    if missing:
        raise InputError(
            f"incomplete manifest, no {', '.join(missing)}: from_run must point at a run whose "
            "probe finished at least one round",
            path=path,
        )
    return manifest


def read_roles(probe_dir: str | Path) -> LanguageRoles | None:
    """The training and zero-shot languages recorded in a probe directory's manifest (None for
    a manifest written before roles were recorded)."""
    roles = _read_manifest(Path(probe_dir)).get("roles")
    return None if roles is None else LanguageRoles(**roles)


def import_rounds(source: str | Path, target: str | Path, names: Collection[str]) -> list[str]:
    """Copy the rounds ``names`` of the probe directory ``source`` into ``target``: their
    cluster files, their manifest entries and the dictionaries they were scored with.

    A resumed run does this with the rounds its checkpoint holds, so that its own probe directory
    holds every round and :func:`rescore` on it sees the base model and every epoch. Rounds
    already in ``target`` are kept as they are; the copied ones go first in its manifest. The
    manifest is written last, so an interrupted copy leaves no round that looks complete.

    Args:
        source: The earlier run's probe directory.
        target: This run's probe directory.
        names: Round names (:attr:`ProbeRound.name`) to copy.

    Returns:
        The names copied, in ``source``'s order; names ``source`` does not hold are left out.
    """
    source, target = Path(source), Path(target)
    manifest = _read_manifest(source)
    path = target / MANIFEST
    merged = _read_manifest(target) if path.is_file() else {**manifest, "rounds": []}
    present = {info["name"] for info in merged["rounds"]}
    copied = [
        info for info in manifest["rounds"] if info["name"] in names and info["name"] not in present
    ]
    for info in copied:
        shutil.copytree(
            source / "rounds" / info["name"], target / "rounds" / info["name"], dirs_exist_ok=True
        )
    for dictionary in sorted((source / "dictionaries").glob("*.tsv")):
        copy = target / "dictionaries" / dictionary.name
        if not copy.is_file():
            write_text_atomic(copy, dictionary.read_text(encoding="utf-8"))
    merged["rounds"] = copied + merged["rounds"]
    write_text_atomic(path, json.dumps(merged, indent=2))
    return [info["name"] for info in copied]


def _manifest_settings(manifest: Mapping[str, Any], overrides: Mapping[str, Any] | None):
    """The manifest's probe settings with ``overrides`` (nested dicts) applied."""
    values = dict(manifest["settings"])
    for name, sub in (overrides or {}).items():
        values[name] = {**values[name], **sub} if isinstance(sub, Mapping) else sub
    return ProbeSettings.from_dict(values)


def _manifest_plan(manifest: Mapping[str, Any]) -> ProbePlan:
    return ProbePlan(
        views=tuple(View(**v) for v in manifest["views"]),
        calign_pairs=tuple(tuple(View(**v) for v in p) for p in manifest["calign_pairs"]),
        joint_pairs=tuple(tuple(View(**v) for v in p) for p in manifest["joint_pairs"]),
    )


def _probe_dir_dictionaries(
    probe_dir: Path, settings: ProbeSettings, plan: ProbePlan
) -> dict[str, Dictionary]:
    """The dictionaries a probe directory was scored with (or those ``settings`` names)."""
    return {
        f"{s.lang}-{t.lang}": read_dictionary(
            settings.dictionaries.get(f"{s.lang}-{t.lang}")
            or probe_dir / "dictionaries" / f"{s.lang}-{t.lang}.tsv"
        )
        for s, t in {(s, t) for s, t in plan.calign_pairs}
    }


def rescore(probe_dir: str | Path, overrides: Mapping[str, Any] | None = None) -> ProbeReport:
    """Recompute every round's CALIGN / COLAP from cached cluster files, with new thresholds.

    Reads the ``n_seeds`` K-means runs the manifest records (one for a directory written
    before seeds), so the means and spreads are those of the probe.

    Args:
        probe_dir: A probe directory written by :func:`run_probe`.
        overrides: Threshold settings replacing the cached ones, as nested dicts, e.g.
            ``{"calign": {"theta": 0.7}, "colap": {"theta": 0.4}}``.

    Returns:
        The report over all cached rounds (timings: ``rescore/load``, ``rescore/metrics``).
    """
    probe_dir = Path(probe_dir)
    manifest = _read_manifest(probe_dir)
    settings = _manifest_settings(manifest, overrides)
    n_seeds = ProbeSettings.from_dict(manifest["settings"]).n_seeds
    plan = _manifest_plan(manifest)
    layers = manifest["layers"]
    dictionaries = _probe_dir_dictionaries(probe_dir, settings, plan)
    report = ProbeReport()
    load = score = 0.0
    for info in manifest["rounds"]:
        tick = time.perf_counter()
        probe_round = ProbeRound.from_record(info)
        round_dir = probe_dir / "rounds" / probe_round.name
        joint_langs = {
            plan.joint_name(pair): read_sentence_langs(
                round_dir / plan.joint_name(pair) / "sentence_langs.txt"
            )
            for pair in plan.joint_pairs
        }
        concepts: dict[tuple[str, int], list[ConceptSet]] = {}
        for layer in layers:
            for view in plan.views:
                concepts[(view.name, layer)] = [
                    read_clusters(_layer_file(round_dir / view.name, layer, j), lang=view.lang)
                    for j in range(n_seeds)
                ]
            for name, langs in joint_langs.items():
                concepts[(name, layer)] = [
                    read_clusters(_layer_file(round_dir / name, layer, j), sentence_langs=langs)
                    for j in range(n_seeds)
                ]
        load += time.perf_counter() - tick
        tick = time.perf_counter()
        report.extend(score_round(concepts, plan, layers, dictionaries, settings, probe_round))
        report.extend(read_sentence_rows(round_dir))
        report.extend(read_geometry_rows(round_dir))
        score += time.perf_counter() - tick
    report.timings = {"rescore/load": load, "rescore/metrics": score}
    return report


def recluster(
    source_dir: str | Path, probe_dir: str | Path, overrides: Mapping[str, Any]
) -> ProbeReport:
    """Cluster every round of a probe directory again from its kept activations, with new
    cluster settings (K, seeds, ...), and score it: a new probe without the model.

    The activation stores are read where the source run kept them (``probe.keep_activations``
    or ``probe.activation_cache``; each round's manifest entry names them, and a re-clustered
    run's manifest names the same stores, so it can be re-clustered in turn; a manifest from
    before that names none: ``<source_dir>/activations/<round>/<view>``). The new clusters, the
    dictionaries and a manifest go to ``probe_dir``; the source is only read. With the source's
    K and seeds the clusters equal the source's.

    Args:
        source_dir: The probe directory of a run made with ``probe.keep_activations=true``.
        probe_dir: This run's probe directory (not ``source_dir``).
        overrides: Probe settings replacing the source's, as nested dicts, e.g.
            ``{"k": 300, "n_seeds": 3}``; the extraction settings cannot change.

    Returns:
        The report over every round (timings ``recluster/<round>/cluster`` and
        ``recluster/<round>/metrics``).

    Raises:
        InputError: A round without kept activations (one line naming probe.keep_activations).
    """
    from xlprobe.probing.store import ActivationStore

    source_dir, probe_dir = Path(source_dir), Path(probe_dir)
    if source_dir.resolve() == probe_dir.resolve():
        raise InputError("from_run must name another run than this one", path=source_dir)
    manifest = _read_manifest(source_dir)
    settings = _manifest_settings(manifest, overrides)
    plan = _manifest_plan(manifest)
    rounds = [ProbeRound.from_record(info) for info in manifest["rounds"]]
    paths = {
        (probe_round.name, view.name): Path(
            info.get("activations", {}).get(view.name)
            or source_dir / "activations" / probe_round.name / view.name
        )
        for probe_round, info in zip(rounds, manifest["rounds"], strict=True)
        for view in plan.views
    }
    for (name, _), path in paths.items():
        if not ActivationStore.is_complete(path):
            raise InputError(
                f"round {name} of from_run kept no activations, so it can only be "
                "re-scored (probe.calign, probe.colap, ...): probe the model again with "
                "probe.keep_activations=true to re-cluster without it",
                path=path,
            )
    dictionaries = _probe_dir_dictionaries(source_dir, settings, plan)
    for key, dictionary in dictionaries.items():
        write_dictionary(dictionary, probe_dir / "dictionaries" / f"{key}.tsv")
    roles = manifest.get("roles")
    report = ProbeReport()
    for probe_round in rounds:
        stores = {
            view: ActivationStore.open(paths[(probe_round.name, view.name)]) for view in plan.views
        }
        tick = time.perf_counter()
        concepts, layers = cluster_round(
            stores, plan, settings, manifest["n_sentences"], probe_dir / "rounds" / probe_round.name
        )
        report.timings[f"recluster/{probe_round.name}/cluster"] = time.perf_counter() - tick
        tick = time.perf_counter()
        report.extend(score_round(concepts, plan, layers, dictionaries, settings, probe_round))
        report.timings[f"recluster/{probe_round.name}/metrics"] = time.perf_counter() - tick
        _update_manifest(
            probe_dir,
            settings,
            plan,
            layers,
            probe_round,
            manifest["n_sentences"],
            roles=None if roles is None else LanguageRoles(**roles),
            stores={view.name: store.path.resolve() for view, store in stores.items()},
        )
    return report
