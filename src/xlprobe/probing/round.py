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
from xlprobe.probing.ranks import Ranks

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
        ranks: The processes the round is spread over (:mod:`xlprobe.probing.ranks`).
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
    ranks: Ranks = field(default_factory=Ranks)

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
) -> tuple[dict[str, Dictionary], dict[str, list[frozenset]]]:
    """``"<lang>-<pivot>"`` -> dictionary, and (with ``tokens=aligned``) -> the word alignment
    links of the corpus's sentence pairs, each also written to the probe directory (what
    re-scoring reads).

    A dictionary comes from ``settings.dictionaries`` when given there; otherwise it is the one
    already in the probe directory (every round of a run, resumed runs included, scores with
    one dictionary); otherwise the one cached under the corpus digest in
    ``settings.dictionary_cache``, built there with eflomal by the first run that needs it, under
    a file lock: eflomal cannot be seeded, so concurrent runs on one corpus wait for the first
    build and all score with the dictionary the cache holds. The links come from the same
    alignment run as the dictionary the cache (or this run) built: one alignment per corpus.
    """
    from xlprobe.probing.alignment import build_dictionaries, read_links, write_links
    from xlprobe.probing.dictionary import read_dictionary, write_dictionary

    need_links = settings.tokens == "aligned"
    dictionaries, links = {}, {}
    for lang in settings.languages:
        key = f"{lang}-{settings.pivot}"
        src, tgt = corpus.sentences[lang], corpus.sentences[settings.pivot]
        own, own_links = probe_dir.dictionary_file(key), probe_dir.links_file(key)
        built = None
        if settings.dictionary_cache and (not own.is_file() or need_links):
            built = _cached_alignment(corpus, lang, settings, key, need_links)
        elif not own.is_file() or (need_links and not own_links.is_file()):
            logger.info("aligning the %s sentence pairs (%d) with eflomal", key, len(corpus))
            build = build_dictionaries(src, tgt)
            built = (build.forward, list(build.links))
        if key in settings.dictionaries:
            dictionaries[key] = read_dictionary(settings.dictionaries[key])
        elif own.is_file():
            dictionaries[key] = read_dictionary(own)
        else:
            dictionaries[key] = built[0]
        if not own.is_file():
            write_dictionary(dictionaries[key], own)
        if need_links:
            links[key] = read_links(own_links, len(corpus)) if own_links.is_file() else built[1]
            if not own_links.is_file():
                write_links(links[key], own_links)
    return dictionaries, links


def _cached_alignment(
    corpus: ProbeCorpus, lang: str, settings: ProbeSettings, key: str, need_links: bool
) -> tuple[Dictionary, list[frozenset] | None]:
    """The cache's dictionary of ``key`` for this corpus (and its alignment links), built under
    the cache's lock by the first run that needs it (see :func:`round_dictionaries`). A
    dictionary cached before links were kept is built again, with its links, when links are
    needed."""
    from filelock import FileLock

    from xlprobe.probing.alignment import build_dictionaries, read_links, write_links
    from xlprobe.probing.dictionary import read_dictionary, write_dictionary

    src, tgt = corpus.sentences[lang], corpus.sentences[settings.pivot]
    cache = Path(settings.dictionary_cache)
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{key}.{corpus.digest([lang, settings.pivot])}.tsv"
    links_path = path.with_suffix(".links")
    with FileLock(str(path) + ".lock"):
        if not path.is_file() or (need_links and not links_path.is_file()):
            if path.is_file():
                logger.warning(
                    "the cached %s dictionary has no alignment links (cached before they were "
                    "kept): aligning again, dictionary and links from one run",
                    key,
                )
            logger.info("aligning the %s sentence pairs (%d) with eflomal", key, len(corpus))
            build = build_dictionaries(src, tgt)
            write_links(build.links, links_path)
            write_dictionary(build.forward, path)
    links = read_links(links_path, len(corpus)) if need_links else None
    return read_dictionary(path), links


def view_rows(store: Any, view: View, settings: ProbeSettings, also: Any) -> Any:
    """A view's share of its stream's store (:attr:`View.stream`): for a view of every token the
    first ``max_per_type`` rows of each word type (what extraction keeps for it), for an
    aligned view the rows at its aligned positions ``also`` (sentence -> positions)."""
    import numpy as np

    from xlprobe.probing.store import StoreRows

    tokens = store.tokens
    if view.aligned_to is None:
        seen: dict[str, int] = {}
        keep = np.zeros(len(tokens), dtype=bool)
        for row, word in enumerate(tokens.word.tolist()):
            seen[word] = seen.get(word, 0) + 1
            keep[row] = seen[word] <= settings.extraction.max_per_type
    else:
        pairs = zip(tokens.sentence.tolist(), tokens.position.tolist(), strict=True)
        keep = np.fromiter((p in also.get(i, ()) for i, p in pairs), dtype=bool, count=len(tokens))
    return store if keep.all() else StoreRows(store, np.flatnonzero(keep))


def aligned_positions(
    plan: ProbePlan, corpus: ProbeCorpus, links: dict[str, list[frozenset]], settings: ProbeSettings
) -> dict[View, dict[int, frozenset[int]]]:
    """Aligned view -> sentence -> the positions the paper's alignment filter keeps
    (:func:`~xlprobe.probing.aligned.aligned_tokens` over the pair's links, the source side for
    the probed language's view, the target side for the pivot's)."""
    from xlprobe.probing.aligned import aligned_tokens

    out: dict[View, dict[int, frozenset[int]]] = {}
    for view in plan.views:
        if view.aligned_to is None:
            continue
        probed = view.lang if view.lang != settings.pivot else view.aligned_to
        key = f"{probed}-{settings.pivot}"
        kept = aligned_tokens(
            corpus.sentences[probed],
            corpus.sentences[settings.pivot],
            links[key],
            max_per_pair=settings.aligned.max_per_pair,
        )
        side = kept.source if view.lang == probed else kept.target
        out[view] = {i: frozenset(p) for i, p in enumerate(side) if p}
    return out


def extract_round(
    model: Any,
    tokenizer: Any,
    corpus: ProbeCorpus,
    plan: ProbePlan,
    settings: ProbeSettings,
    activation_root: Path,
    pooling: str | None,
    links: dict[str, list[frozenset]] | None = None,
    ranks: Ranks | None = None,
) -> tuple[dict[View, Any], dict[View, dict]]:
    """Every view's activations, one forward pass per *stream* (a side and language: the view
    of every token and the aligned views that select from it share it,
    :attr:`View.stream`): extracted into ``activation_root/<stream>``, or, with an
    ``activation_cache``, found or extracted under its content address there
    (:mod:`~xlprobe.probing.activation_cache`: the same weights, sentences, settings and
    selection are extracted once). Over several ``ranks`` each extracts its share of the
    batches and rank 0 writes the stores (:mod:`~xlprobe.probing.extract_ranks`).

    Returns:
        View -> its store (or its rows of the stream's store), and stream view ->
        ``{layer: [S x D]}`` sentence vectors pooled (``pooling``: ``mean`` or ``last``; ``None``:
        none) by the same forward pass (none for a store found in the cache).
    """
    from xlprobe.probing.activation_cache import model_digest, store_dir
    from xlprobe.probing.aligned import positions_digest
    from xlprobe.probing.extract import extract_view
    from xlprobe.probing.extract_ranks import extract_view_shared
    from xlprobe.probing.store import ActivationStore

    extraction = dataclasses.replace(settings.extraction, layers=settings.layers)
    cache = settings.activation_cache
    model_id = model_digest(model, tokenizer) if cache else None
    positions = aligned_positions(plan, corpus, links or {}, settings)
    streams: dict[View, dict[int, set[int]]] = {}
    for view in plan.views:
        union = streams.setdefault(view.stream, {})
        for sentence, kept in positions.get(view, {}).items():
            union.setdefault(sentence, set()).update(kept)
    stores: dict[View, ActivationStore] = {}
    pooled: dict[View, dict] = {}
    for stream, also in streams.items():
        sentences = list(corpus.sentences[stream.lang])
        source = list(corpus.sentences[stream.source_lang]) if stream.source_lang else None
        out_dir = activation_root / stream.name
        if cache:
            extra = {"also": positions_digest(also)} if also else {}
            out_dir = store_dir(
                cache, model_id, sentences, extraction, stream.side, stream.lang, source, **extra
            )
            if ActivationStore.is_complete(out_dir):
                logger.info("activations of %s: reusing %s", stream.name, out_dir)
                stores[stream] = ActivationStore.open(out_dir)
                continue
        pooled[stream] = {} if pooling else None
        shared = {} if ranks is None or ranks.world == 1 else {"ranks": ranks}
        stores[stream] = (extract_view_shared if shared else extract_view)(
            model,
            tokenizer,
            sentences,
            side=stream.side,
            lang=stream.lang,
            out_dir=out_dir,
            settings=extraction,
            source_sentences=source,
            sentence_vectors=pooled[stream],
            sentence_pooling=pooling or "mean",
            also=also or None,
            **shared,
        )
    views = {
        view: view_rows(stores[view.stream], view, settings, positions.get(view, {}))
        for view in plan.views
    }
    return views, {view: vectors for view, vectors in pooled.items() if vectors}
