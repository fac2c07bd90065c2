"""A probe round as one object: what every probe of the round shares, built once.

:class:`Round` holds the model, its tokenizer and family, the corpus, the plan, the
dictionaries, the activation store of every view (extracted once, or found in the activation
cache) with the sentence vectors pooled by the same forward pass, the probed layers and the
directory the round writes into. Each registered probe gets it in ``run(round)``.
:class:`StoredRound` is what a finished round left in a probe directory, for re-scoring.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlprobe.probing.plan import ProbePlan, RoundId, View

if TYPE_CHECKING:
    import numpy as np

    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.probing.dictionary import Dictionary
    from xlprobe.probing.probe_dir import ProbeDir, RoundRecord
    from xlprobe.probing.settings import ProbeSettings
    from xlprobe.probing.store import ActivationStore

logger = logging.getLogger(__name__)


@dataclass
class Round:
    """One probe round (see the module docstring).

    Attributes:
        id: The model state probed (and the intervention, if any).
        settings: The probe settings.
        plan: Views and pairs.
        corpus: The probe sentences.
        probe_dir: The run's probe directory.
        dir: Where the round's files go (a staging directory renamed into place when the round
            is complete).
        dictionaries: ``"<lang>-<pivot>"`` -> dictionary.
        stores: View -> its activation store ([N x D] per layer, N kept occurrences).
        layers: Layers every store holds.
        model, tokenizer: The probed model; ``None`` when the round is re-clustered from kept
            activations (probes that need the model are not run then).
        sentence_vectors: View -> ``{layer: [S x D]}`` mean-pooled sentence vectors of the
            extraction's forward pass (views found in the activation cache have none).
    """

    id: RoundId
    settings: ProbeSettings
    plan: ProbePlan
    corpus: ProbeCorpus | None
    probe_dir: ProbeDir
    dir: Path
    dictionaries: Mapping[str, Dictionary]
    stores: Mapping[View, ActivationStore]
    layers: list[int]
    model: Any = None
    tokenizer: Any = None
    sentence_vectors: Mapping[View, Mapping[int, np.ndarray]] = field(default_factory=dict)

    @property
    def n_sentences(self) -> int:
        """Probe sentences per language (joint sets offset sentence ids by it per view)."""
        return next(iter(self.stores.values())).meta["sentences"]


@dataclass(frozen=True)
class StoredRound:
    """A finished round as a probe directory keeps it, for ``rescore``.

    Attributes:
        record: Its manifest entry (sets and their token counts).
        settings: The settings to score with (the run's, with the overrides applied).
        recorded: The settings the round was probed with.
        plan: Views and pairs.
        layers: Clustered layers.
        probe_dir: The probe directory holding its cluster files and kept rows.
        dictionaries: ``"<lang>-<pivot>"`` -> dictionary to score with.
        out_dir: The round's directory in the re-scoring run's probe directory (what the
            scoring writes, e.g. ``concepts.json``).
    """

    record: RoundRecord
    settings: ProbeSettings
    recorded: ProbeSettings
    plan: ProbePlan
    layers: tuple[int, ...]
    probe_dir: ProbeDir
    dictionaries: Mapping[str, Dictionary]
    out_dir: Path


def round_dictionaries(
    corpus: ProbeCorpus, settings: ProbeSettings, probe_dir: ProbeDir
) -> dict[str, Dictionary]:
    """``"<lang>-<pivot>"`` -> dictionary, each also written to the probe directory (what
    re-scoring reads).

    A dictionary comes from ``settings.dictionaries`` when given there; otherwise it is the one
    already in the probe directory (every round of a run, resumed runs included, scores with
    one dictionary); otherwise the one cached under the corpus digest in
    ``settings.dictionary_cache``, built there with eflomal by the first run that needs it, under
    a file lock: eflomal cannot be seeded, so concurrent runs on one corpus wait for the first
    build and all score with the dictionary the cache holds.
    """
    from xlprobe.probing.alignment import build_dictionary
    from xlprobe.probing.dictionary import read_dictionary, write_dictionary

    dictionaries = {}
    for lang in settings.languages:
        key = f"{lang}-{settings.pivot}"
        src, tgt = corpus.sentences[lang], corpus.sentences[settings.pivot]
        own = probe_dir.dictionary_file(key)
        if key in settings.dictionaries:
            dictionaries[key] = read_dictionary(settings.dictionaries[key])
        elif own.is_file():
            dictionaries[key] = read_dictionary(own)
        elif settings.dictionary_cache:
            dictionaries[key] = _cached_dictionary(corpus, lang, settings, key)
        else:
            logger.info("building the %s dictionary from %d probe sentences", key, len(corpus))
            dictionaries[key] = build_dictionary(src, tgt)
        if not own.is_file():
            write_dictionary(dictionaries[key], own)
    return dictionaries


def _cached_dictionary(corpus: ProbeCorpus, lang: str, settings: ProbeSettings, key: str):
    """The cache's dictionary of ``key`` for this corpus, built under the cache's lock by the
    first run that needs it (see :func:`round_dictionaries`)."""
    from filelock import FileLock

    from xlprobe.probing.alignment import build_dictionary
    from xlprobe.probing.dictionary import read_dictionary, write_dictionary

    src, tgt = corpus.sentences[lang], corpus.sentences[settings.pivot]
    cache = Path(settings.dictionary_cache)
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{key}.{corpus.digest([lang, settings.pivot])}.tsv"
    with FileLock(str(path) + ".lock"):
        if not path.is_file():
            logger.info("building the %s dictionary from %d probe sentences", key, len(corpus))
            write_dictionary(build_dictionary(src, tgt), path)
    return read_dictionary(path)


def extract_round(
    model: Any,
    tokenizer: Any,
    corpus: ProbeCorpus,
    plan: ProbePlan,
    settings: ProbeSettings,
    activation_root: Path,
    pool_sentences: bool,
) -> tuple[dict[View, ActivationStore], dict[View, dict]]:
    """Every view's activation store: extracted into ``activation_root/<view>``, or, with an
    ``activation_cache``, found or extracted under its content address there
    (:mod:`~xlprobe.probing.activation_cache`: the same weights, sentences and settings are
    extracted once).

    Returns:
        View -> store, and view -> ``{layer: [S x D]}`` mean-pooled sentence vectors of the same
        forward pass (``pool_sentences``; empty for a store found in the cache).
    """
    from xlprobe.probing.activation_cache import model_digest, store_dir
    from xlprobe.probing.extract import extract_view
    from xlprobe.probing.store import ActivationStore

    extraction = dataclasses.replace(settings.extraction, layers=settings.layers)
    cache = settings.activation_cache
    model_id = model_digest(model, tokenizer) if cache else None
    stores: dict[View, ActivationStore] = {}
    pooled: dict[View, dict] = {}
    for view in plan.views:
        sentences = list(corpus.sentences[view.lang])
        source = list(corpus.sentences[view.source_lang]) if view.source_lang else None
        out_dir = activation_root / view.name
        if cache:
            out_dir = store_dir(
                cache, model_id, sentences, extraction, view.side, view.lang, source
            )
            if ActivationStore.is_complete(out_dir):
                logger.info("activations of %s: reusing %s", view.name, out_dir)
                stores[view] = ActivationStore.open(out_dir)
                continue
        pooled[view] = {} if pool_sentences else None
        stores[view] = extract_view(
            model,
            tokenizer,
            sentences,
            side=view.side,
            lang=view.lang,
            out_dir=out_dir,
            settings=extraction,
            source_sentences=source,
            sentence_vectors=pooled[view],
        )
    return stores, {view: vectors for view, vectors in pooled.items() if vectors}
