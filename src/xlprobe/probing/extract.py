"""Word-level activations of any Hugging Face model, streamed into an ActivationStore.

Why one long module: the subword-to-word mapping, batching and streaming store writes are one loop
whose parts share its plan (the DDP share is in extract_ranks.py).

Words are the whitespace tokens of the probe corpus; the fast tokenizer's ``word_ids()`` maps
subwords to words, and a word's vector is the vector of its last subword (NeuroX default;
``first`` and ``mean`` selectable), per layer, with the embedding output as layer 0 (Mousi et
al., ACL 2024, Sec. 3: "we use the last subword's representation"). Encoder-only models
(BERT, XLM-R) give one view per language; encoder-decoder models (mT5) give an ``encoder`` view
and a ``decoder`` view, where the decoder is fed the target sentence by teacher forcing while
its encoder reads the parallel source sentence. Decoder-only models (BLOOM, Llama, Qwen, ...)
give one ``decoder`` view per language: the one causal stack reads the sentence alone, so a
subword's state has seen only the subwords before it and the word's *last* subword is the first
state that has seen the whole word (and the words before it, never those after): ``last`` is
the aggregation that fits a causal model, ``first`` and ``mean`` mix in states that have not
read the word to its end.

How words become subwords is the model family's
(:meth:`~xlprobe.models.families.base.ModelFamily.tokenize_words`): each word is tokenized as it
reads after a space in running text (a byte-level BPE word gets its leading ``Ġ``, not the
pieces of a word glued to the previous one), BOS/EOS belong to no word, and padding, on the
tokenizer's side, never changes a vector (left-padded causal models get their position ids).

Extraction runs in two passes. The planning pass tokenizes the corpus (no model) and decides
which occurrences are kept: sentences longer than ``max_subwords`` are skipped, words the
tokenizer drops (zero subwords) are skipped, and at most ``max_per_type`` occurrences of each
word type are kept, in corpus order. That fixes the token table and the row count N, so the
forward pass can write every batch's rows in place (see :mod:`xlprobe.probing.store`) and only
runs the sentences that hold a kept word, in batches of similar length.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
import typing
from array import array
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from xlprobe.errors import InputError
from xlprobe.io import atomic_path
from xlprobe.options import Options, option
from xlprobe.probing.aligned import positions_digest
from xlprobe.probing.concepts import TokenTable
from xlprobe.probing.store import STORE_FORMAT, ActivationStore, StoreWriter, write_tokens

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

Aggregation = Literal["last", "first", "mean"]
Side = Literal["encoder", "decoder"]
Pooling = Literal["mean", "last"]
AGGREGATIONS: tuple[str, ...] = typing.get_args(Aggregation)
POOLINGS: tuple[str, ...] = typing.get_args(Pooling)
_PLAN_CHUNK = 1024


@dataclass(frozen=True)
class ExtractionSettings(Options):
    """How word-level activations are extracted (``probe.extraction``).

    Attributes:
        layers: Layer indices to keep (0 = embeddings, L = last layer); ``None`` keeps all L+1.
            The probe sets them from ``probe.layers``.
        aggregation: Subword-to-word aggregation: ``last``, ``first`` or ``mean``.
        max_per_type: Occurrences kept per word type (first ones in corpus order).
        max_subwords: Sentences with more subwords than this (special tokens included) are
            skipped and counted.
        batch_size: Sentences per forward pass.
    """

    prefix: ClassVar[str] = "probe.extraction"

    layers: tuple[int, ...] | None = option(None, low=0)
    aggregation: Aggregation = "last"
    max_per_type: int = option(10, low=1)
    max_subwords: int = option(256, low=1)
    batch_size: int = option(32, low=1)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.layers is not None:
            if not self.layers:
                raise InputError(f"{self.prefix}.layers=[]: expected layer indices or null")
            object.__setattr__(self, "layers", tuple(sorted(set(self.layers))))


def aggregate_subwords(
    states: torch.Tensor, word_ids: Sequence[int | None] | np.ndarray, how: Aggregation = "last"
) -> tuple[torch.Tensor, np.ndarray]:
    """Word vectors from subword vectors.

    Args:
        states: [T x D] one vector per subword position.
        word_ids: [T] the word each position belongs to; ``None`` (or a negative id) for
            positions of no word (special tokens, padding).
        how: ``last``: the word's last subword; ``first``: its first; ``mean``: the average of
            its subwords' vectors.

    Returns:
        ``(vectors, words)``: [W x D] vectors and [W] int64 word ids, ascending, one per distinct
        word that has at least one subword (words without subwords are absent).
    """
    import torch

    if how not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {how!r}")
    if isinstance(word_ids, np.ndarray):
        ids = word_ids.astype(np.int64, copy=False)
    else:
        ids = np.array([-1 if w is None else w for w in word_ids], dtype=np.int64)
    if len(ids) != states.shape[0]:
        raise ValueError(f"{len(ids)} word ids for {states.shape[0]} subword positions")
    positions = np.flatnonzero(ids >= 0)
    words, first, inverse, counts = np.unique(
        ids[positions], return_index=True, return_inverse=True, return_counts=True
    )
    if how == "mean":
        index = torch.as_tensor(positions, device=states.device)
        segment = torch.as_tensor(inverse.reshape(-1), device=states.device)
        sums = states.new_zeros((len(words), states.shape[1]))
        sums.index_add_(0, segment, states.index_select(0, index))
        return sums / torch.as_tensor(counts, device=states.device, dtype=states.dtype)[
            :, None
        ], words
    if how == "first":
        chosen = positions[first]
    else:
        last = np.zeros(len(words), dtype=np.int64)
        np.maximum.at(last, inverse.reshape(-1), np.arange(len(positions)))
        chosen = positions[last]
    return states.index_select(0, torch.as_tensor(chosen, device=states.device)), words


@dataclass(frozen=True)
class _Plan:
    """Kept occurrences (the token table, rows in corpus order) and what was left out."""

    tokens: TokenTable
    lengths: np.ndarray  # [S] subwords of the longest input of each sentence
    sentences_skipped: int
    words_dropped: int
    words_capped: int


def _plan(
    family,
    tokenizer,
    sentences: list[str],
    source: list[str] | None,
    lang: str,
    settings: ExtractionSettings,
    also: Mapping[int, Collection[int]] | None = None,
) -> _Plan:
    """Tokenize the corpus once and choose the kept occurrences (see the module docstring):
    the first ``max_per_type`` of each word type, and every occurrence ``also`` names
    (sentence -> word positions; the alignment-filtered views of the paper's CALIGN)."""
    also = also or {}
    kept_per_type: dict[str, int] = {}
    canonical: dict[str, str] = {}  # one str object per word type, shared by its rows
    words_col: list[str] = []
    ints = {name: array("q") for name in ("sentence", "position", "occurrence")}
    lengths = np.zeros(len(sentences), dtype=np.int64)
    skipped = dropped = capped = 0
    for start in range(0, len(sentences), _PLAN_CHUNK):
        chunk = [s.split() for s in sentences[start : start + _PLAN_CHUNK]]
        _, chunk_word_ids = family.tokenize_words(tokenizer, chunk)
        source_lengths = [0] * len(chunk)
        if source is not None:
            source_chunk = [s.split() for s in source[start : start + _PLAN_CHUNK]]
            source_lengths = [len(ids) for ids in family.tokenize_words(tokenizer, source_chunk)[0]]
        for offset, words in enumerate(chunk):
            i = start + offset
            word_ids = chunk_word_ids[offset]
            lengths[i] = max(len(word_ids), source_lengths[offset])
            if lengths[i] > settings.max_subwords:
                skipped += 1
                continue
            n_subwords = np.bincount([w for w in word_ids if w is not None], minlength=len(words))
            for position, word in enumerate(words):
                if n_subwords[position] == 0:
                    dropped += 1
                    continue
                occurrence = kept_per_type.get(word, 0)
                if occurrence >= settings.max_per_type and position not in also.get(i, ()):
                    capped += 1
                    continue
                kept_per_type[word] = occurrence + 1
                words_col.append(canonical.setdefault(word, word))
                ints["sentence"].append(i)
                ints["position"].append(position)
                ints["occurrence"].append(occurrence)
    tokens = TokenTable.from_columns(
        words_col, lang, ints["sentence"], ints["position"], ints["occurrence"]
    )
    return _Plan(tokens, lengths, skipped, dropped, capped)


def _batches(plan: _Plan, settings: ExtractionSettings, every: bool) -> Iterator[np.ndarray]:
    """Sentence indices holding a kept word (``every``: all not too long), sorted by length, in
    batches."""
    batch_size = settings.batch_size
    if every:
        needed = np.flatnonzero(plan.lengths <= settings.max_subwords)
    else:
        needed = np.unique(plan.tokens.sentence)
    order = needed[np.argsort(plan.lengths[needed], kind="stable")]
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def _row_keys(plan: _Plan, batch: np.ndarray, word_ids: list[list[int | None]]) -> np.ndarray:
    """[B*T] store row of each subword position of a padded batch (-1: no kept word)."""
    sentence_col, position_col = plan.tokens.sentence, plan.tokens.position
    width = len(word_ids[0])
    keys = np.full((len(batch), width), -1, dtype=np.int64)
    for b, i in enumerate(batch.tolist()):
        lo, hi = np.searchsorted(sentence_col, [i, i + 1])
        row_of_word = dict(zip(position_col[lo:hi].tolist(), range(lo, hi), strict=True))
        keys[b] = [-1 if w is None else row_of_word.get(w, -1) for w in word_ids[b]]
    return keys.reshape(-1)


def masked_mean(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over the masked positions: [B x T x D] states, [B x T] bool mask -> [B x D] (zeros
    for a row without a masked position; whatever the other positions hold, NaN included, is
    left out)."""
    import torch

    mask = mask.to(states.device).bool().unsqueeze(-1)
    total = torch.where(mask, states, states.new_zeros(())).sum(1)
    return total / mask.sum(1).clamp(min=1).to(states.dtype)


def pool_states(states: torch.Tensor, mask: torch.Tensor, how: Pooling = "mean") -> torch.Tensor:
    """Sentence vectors from position vectors.

    Args:
        states: [B x T x D] one layer's states of a padded batch.
        mask: [B x T] bool, the positions of the sentence's words (no special token, no
            padding).
        how: ``mean``: the mean over those positions; ``last``: the state at the last of them
            (the last subword of the last word: in a causal model the one state that has read
            the whole sentence).

    Returns:
        [B x D]; zeros for a sentence without a word position.
    """
    import torch

    if how == "mean":
        return masked_mean(states, mask)
    if how != "last":
        raise InputError(f"sentence pooling {how!r}; expected one of {', '.join(POOLINGS)}")
    mask = mask.to(states.device).bool()
    index = (mask.long() * torch.arange(mask.shape[1], device=mask.device)).argmax(1)
    last = states[torch.arange(len(states), device=states.device), index]
    return torch.where(mask.any(1, keepdim=True), last, last.new_zeros(()))


def _forward(model, tokenizer, side: Side, words, source_words, device):
    """Hidden states (L+1 tensors [B x T x D]) and per-row word ids of one batch, from the
    model's family adapter (:meth:`~xlprobe.models.families.base.ModelFamily.hidden_states`)."""
    from xlprobe.models.families import family_of

    return family_of(model).hidden_states(model, tokenizer, side, words, source_words, device)


def _check_inputs(model, side: str, sentences, source_sentences) -> None:
    from xlprobe.models.families import family_of

    family = family_of(model)
    if side not in family.sides:
        raise InputError(
            f"side={side!r} is not a side of {type(model).__name__}; it has "
            f"{', '.join(family.sides)}"
        )
    aligned = source_sentences is not None and len(source_sentences) == len(sentences)
    if side != family.input_side and not aligned:
        raise InputError(
            "the decoder view needs source_sentences line-aligned with sentences "
            f"({len(sentences)} target lines, "
            f"{None if source_sentences is None else len(source_sentences)} source lines)"
        )


def _progress(batches: list[np.ndarray], description: str):
    from rich.console import Console
    from rich.progress import track

    return track(
        batches,
        description=description,
        console=Console(stderr=True),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


def extract_view(
    model,
    tokenizer,
    sentences: list[str],
    *,
    side: Side,
    lang: str,
    out_dir: str | Path,
    settings: ExtractionSettings,
    source_sentences: list[str] | None = None,
    sentence_vectors: dict[int, np.ndarray] | None = None,
    sentence_pooling: Pooling = "mean",
    also: Mapping[int, Collection[int]] | None = None,
) -> ActivationStore:
    """Extract word-level activations of one view (side, language) into a store.

    Args:
        model: A Hugging Face ``PreTrainedModel`` (encoder-only or encoder-decoder, any head).
        tokenizer: Its fast tokenizer.
        sentences: The probe corpus of ``lang``, one whitespace-tokenized sentence per item.
        side: ``encoder``, or ``decoder`` (encoder-decoder models; ``sentences`` are fed to the
            decoder by teacher forcing and ``source_sentences`` to the encoder).
        lang: Language code written to the token table.
        out_dir: Store directory, written atomically; an existing activation store there is
            replaced, any other existing directory is an error.
        settings: Layers, aggregation, caps and batch size.
        source_sentences: Encoder input of the decoder view, line-aligned with ``sentences``.
        sentence_vectors: If given, filled from the same forward pass with ``{layer: [S x D]
            float32}``, each sentence's states pooled over its words' subword positions
            (:mod:`xlprobe.probing.sentences`); every sentence is then run, NaN rows for the
            sentences longer than ``max_subwords``.
        sentence_pooling: How ``sentence_vectors`` pool, ``mean`` or ``last``
            (:func:`pool_states`).
        also: Occurrences kept besides the first ``max_per_type`` of each type: sentence ->
            word positions (:mod:`xlprobe.probing.aligned`); recorded in the store's meta.

    Returns:
        The finished store: ``layer(l)`` is [N x D] for each selected layer l (0 = embeddings,
        up to the model's L layers), float16 where its values fit, float32 otherwise (never
        clipped; ``meta["layer_dtypes"]``), ``tokens`` its N rows.

    Raises:
        InputError: Bad side/source, no word left to extract, or a layer beyond the model's.
    """
    job, plan, batches, info = prepare_view(
        model,
        tokenizer,
        sentences,
        side=side,
        lang=lang,
        settings=settings,
        source_sentences=source_sentences,
        pool=sentence_vectors is not None,
        sentence_pooling=sentence_pooling,
        also=also,
    )
    out_dir = Path(out_dir)
    # A store written earlier (same round probed again) is ours to replace; any other
    # directory is not.
    with atomic_path(out_dir, replace_dir=ActivationStore.is_complete(out_dir)) as tmp:
        tmp.mkdir()
        written = write_batches(job, plan, batches, tmp, sentence_vectors)
        finish_store(tmp, plan, written, info)
    log_extraction(side, lang, plan, written)
    return ActivationStore.open(out_dir)


def prepare_view(
    model,
    tokenizer,
    sentences: list[str],
    *,
    side: Side,
    lang: str,
    settings: ExtractionSettings,
    source_sentences: list[str] | None,
    pool: bool,
    sentence_pooling: Pooling,
    also: Mapping[int, Collection[int]] | None,
) -> tuple[_Job, _Plan, list[np.ndarray], dict]:
    """The plan of a view's extraction (arguments as :func:`extract_view`): the job, the plan,
    the sentence batches in the order they run, and the store's metadata so far. Every rank of
    a shared extraction makes the same (:mod:`xlprobe.probing.extract_ranks`)."""
    from xlprobe.models.families import family_of

    _check_inputs(model, side, sentences, source_sentences)
    plan = _plan(family_of(model), tokenizer, sentences, source_sentences, lang, settings, also)
    if len(plan.tokens) == 0:
        raise InputError(
            f"nothing to extract for {side}/{lang}: {len(sentences)} sentences, "
            f"{plan.sentences_skipped} longer than max_subwords={settings.max_subwords}, "
            f"{plan.words_dropped} words without subwords"
        )
    job = _Job(model, tokenizer, side, sentences, source_sentences, settings, sentence_pooling)
    info = {
        "format": STORE_FORMAT,
        "side": side,
        "lang": lang,
        "model": getattr(model.config, "_name_or_path", ""),
        "model_class": type(model).__name__,
        "settings": dataclasses.asdict(settings),
        "also": positions_digest(also) if also else None,
    }
    return job, plan, list(_batches(plan, settings, pool)), info


@dataclass(frozen=True)
class _Job:
    """What a view's forward passes need besides the plan."""

    model: Any
    tokenizer: Any
    side: str
    sentences: list[str]
    source_sentences: list[str] | None
    settings: ExtractionSettings
    pooling: Pooling


@dataclass
class Written:
    """What :func:`write_batches` wrote: the stored layers, the width, each layer's dtype,
    the non-finite values the model produced and the store rows written."""

    layers: list[int]
    dim: int
    dtypes: dict[int, str]
    nonfinite: int
    rows: np.ndarray


def write_batches(
    job: _Job,
    plan: _Plan,
    batches: Sequence[np.ndarray],
    directory: Path,
    sentence_vectors: dict[int, np.ndarray] | None,
) -> Written | None:
    """Run the forward pass of ``batches`` and write their rows of every layer into the store
    files of ``directory`` (N rows each, the plan's; rows of other batches stay zero); pool
    sentence vectors into ``sentence_vectors`` when given. ``None`` for no batch."""
    import torch

    model, settings = job.model, job.settings
    device = next(model.parameters()).device
    was_training = model.training
    writer: StoreWriter | None = None
    layers: list[int] = []
    nonfinite = 0
    rows_written: list[np.ndarray] = []
    model.eval()
    try:
        with torch.no_grad():
            for batch in _progress(list(batches), f"extract {job.side}/{plan.tokens.lang[0]}"):
                words = [job.sentences[i].split() for i in batch.tolist()]
                source_words = (
                    None
                    if job.source_sentences is None
                    else [job.source_sentences[i].split() for i in batch.tolist()]
                )
                hidden, word_ids = _forward(
                    model, job.tokenizer, job.side, words, source_words, device
                )
                keys = _row_keys(plan, batch, word_ids)
                if writer is None:
                    layers = _select_layers(settings.layers, len(hidden))
                    writer = StoreWriter(directory, layers, len(plan.tokens), hidden[0].shape[-1])
                # With sentence vectors, a batch may hold no kept word.
                for layer in layers if (keys >= 0).any() else ():
                    states = hidden[layer].reshape(-1, hidden[layer].shape[-1])
                    vectors, rows = aggregate_subwords(states, keys, settings.aggregation)
                    values = vectors.float().cpu().numpy()
                    if not (np.isfinite(values.min()) and np.isfinite(values.max())):
                        nonfinite += int(values.size - np.count_nonzero(np.isfinite(values)))
                    writer.write(layer, rows, values)
                    if layer == layers[0]:
                        rows_written.append(np.asarray(rows))
                if sentence_vectors is not None:
                    _pool_sentences(
                        sentence_vectors, hidden, word_ids, batch, layers, plan, job.pooling
                    )
    finally:
        model.train(was_training)
        if writer is not None:
            writer.close()
    if writer is None:
        return None
    rows = np.concatenate(rows_written) if rows_written else np.zeros(0, np.int64)
    return Written(layers, writer.dim, writer.dtypes, nonfinite, np.sort(rows))


def finish_store(directory: Path, plan: _Plan, written: Written, info: dict) -> None:
    """Write the token table and ``meta.json`` (``info`` + what was written) of a store."""
    write_tokens(plan.tokens, directory / "tokens.parquet")
    meta = {
        **info,
        "layers": written.layers,
        "dim": written.dim,
        "n_rows": len(plan.tokens),
        "sentences": len(plan.lengths),
        "sentences_skipped": plan.sentences_skipped,
        "words_dropped": plan.words_dropped,
        "words_capped": plan.words_capped,
        "layer_dtypes": {str(layer): dtype for layer, dtype in written.dtypes.items()},
        "values_nonfinite": written.nonfinite,
    }
    (directory / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def log_extraction(side: str, lang: str, plan: _Plan, written: Written) -> None:
    """Log what a view's store holds (and warn about non-finite values)."""
    wide = [layer for layer, dtype in written.dtypes.items() if dtype != "float16"]
    if wide:
        log.info("%s/%s: layers %s exceed the float16 range, stored in float32", side, lang, wide)
    if written.nonfinite:
        log.warning(
            "%s/%s: the model produced %d infinite or NaN hidden-state values (stored as they "
            "are; K-means rejects them): run the model in float32",
            side,
            lang,
            written.nonfinite,
        )
    log.info(
        "extracted %s/%s: %d occurrences x %d layers; skipped %d long sentences, "
        "%d words without subwords, %d occurrences over max_per_type",
        side,
        lang,
        len(plan.tokens),
        len(written.layers),
        plan.sentences_skipped,
        plan.words_dropped,
        plan.words_capped,
    )


def _pool_sentences(sink, hidden, word_ids, batch, layers, plan: _Plan, how: Pooling) -> None:
    """Write the batch's pooled sentence vectors of every layer into ``sink``."""
    import torch

    mask = torch.tensor([[w is not None for w in ids] for ids in word_ids])
    for layer in layers:
        states = hidden[layer]
        pooled = pool_states(states, mask, how).float().cpu().numpy()
        if layer not in sink:
            sink[layer] = np.full((len(plan.lengths), pooled.shape[1]), np.nan, np.float32)
        sink[layer][batch] = pooled


def _select_layers(requested: list[int] | None, n_states: int) -> list[int]:
    """Validate the requested layers against the model's ``n_states`` (= L+1) hidden states."""
    if requested is None:
        return list(range(n_states))
    too_deep = [layer for layer in requested if layer >= n_states]
    if too_deep:
        raise InputError(
            f"layers {too_deep} do not exist: the model has layers 0 (embeddings) to {n_states - 1}"
        )
    return list(requested)
