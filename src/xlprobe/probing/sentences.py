"""Sentence-level representations: pooled hidden states per layer, pooled unit responses.

A sentence's vector at layer l is, by default, the mean of the layer-l states over the subword
positions of its words (special tokens and padding excluded):
``e_l(s) = (1/|P(s)|) * sum_{t in P(s)} h_l[t]`` (Sundar et al., ACL 2025, Sec. 3: "mean of the
hidden states"; de Seyssel et al., EMNLP 2025: mean-pooled layer representations); or the state
at the last of those positions, ``e_l(s) = h_l[max P(s)]`` (``pooling="last"``: in a causal
LM the one state that has read the whole sentence, the usual sentence vector of decoder-only
models). The forward pass is the one of :mod:`xlprobe.probing.extract` (the model's input side:
an encoder, or the one stack of a decoder-only model; or the decoder of an encoder-decoder by
teacher forcing). :func:`xlprobe.probing.extract.extract_view` fills the same vectors from its
own forward pass when asked (``sentence_vectors=``); :func:`sentence_vectors` here is the
standalone pass (expert interventions, tests).

Unit responses for expert finding pool a hooked module's activation over the same positions of
the input side: ``z_{m}(s) = max_t a_m[t]`` (ml-selfcond / ml-aura default) or the mean.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

import numpy as np

from xlprobe.errors import InputError
from xlprobe.probing.extract import (
    Pooling,
    Side,
    _check_inputs,
    _forward,
    masked_mean,
    pool_states,
)

Pool = Literal["max", "mean"]


def _batches(family, tokenizer, sentences: Sequence[str], batch_size: int) -> Iterator[np.ndarray]:
    """Sentence indices in batches of similar subword length (less padding)."""
    ids, _ = family.tokenize_words(tokenizer, [s.split() for s in sentences])
    order = np.argsort(np.asarray([len(row) for row in ids]), kind="stable")
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def _run(model, tokenizer, sentences, side, source_sentences, batch_size):
    """Yield ``(batch indices, hidden states, [B x T] word mask)`` per forward pass; ``side``
    ``None`` is the model's input side."""
    import torch

    from xlprobe.models.families import family_of

    if not sentences:
        raise InputError("no sentences to embed")
    family = family_of(model)
    side = side or family.input_side
    _check_inputs(model, side, sentences, source_sentences)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for batch in _batches(family, tokenizer, sentences, batch_size):
                words = [sentences[i].split() for i in batch.tolist()]
                source = (
                    None
                    if source_sentences is None
                    else [source_sentences[i].split() for i in batch.tolist()]
                )
                hidden, word_ids = _forward(model, tokenizer, side, words, source, device)
                mask = torch.tensor(
                    [[w is not None for w in ids] for ids in word_ids], device=device
                )
                yield batch, hidden, mask
    finally:
        model.train(was_training)


def sentence_vectors(
    model,
    tokenizer,
    sentences: Sequence[str],
    *,
    side: Side | None = None,
    source_sentences: Sequence[str] | None = None,
    layers: Sequence[int] | None = None,
    batch_size: int = 32,
    pooling: Pooling = "mean",
) -> dict[int, np.ndarray]:
    """Pooled sentence vectors per layer.

    Args:
        model: A Hugging Face model of a registered family (encoder, encoder-decoder or
            decoder-only).
        tokenizer: Its fast tokenizer.
        sentences: S whitespace-tokenized sentences.
        side: ``encoder`` or ``decoder``; ``None``: the model's input side (the encoder, or
            the one stack of a decoder-only model). The decoder of an encoder-decoder is teacher
            forced, ``source_sentences`` to the encoder.
        source_sentences: Encoder input of the decoder side, line-aligned.
        layers: Hidden-state indices (0 = embeddings); ``None`` = all L+1.
        batch_size: Sentences per forward pass.
        pooling: ``mean`` over the words' positions or the ``last`` of them
            (:func:`~xlprobe.probing.extract.pool_states`).

    Returns:
        ``{layer: [S x D] float32}``, rows in the order of ``sentences``.
    """
    out: dict[int, np.ndarray] = {}
    for batch, hidden, mask in _run(
        model, tokenizer, sentences, side, source_sentences, batch_size
    ):
        chosen = range(len(hidden)) if layers is None else layers
        for layer in chosen:
            if layer >= len(hidden):
                raise InputError(
                    f"layer {layer} does not exist: the model has 0 to {len(hidden) - 1}"
                )
            pooled = pool_states(hidden[layer], mask, pooling).float().cpu().numpy()
            if layer not in out:
                out[layer] = np.zeros((len(sentences), pooled.shape[1]), np.float32)
            out[layer][batch] = pooled
    return out


def unit_responses(
    model,
    tokenizer,
    sentences: Sequence[str],
    modules: Sequence[str],
    *,
    read: Literal["output", "input"] = "output",
    pool: Pool = "max",
    batch_size: int = 32,
) -> np.ndarray:
    """Pooled responses of every unit of the named modules, on the model's input side (the
    encoder, or the one stack of a decoder-only model).

    Args:
        modules: Module names (e.g. from :func:`xlprobe.probing.hooks.layer_modules`); their
            activations are [B x T x U_m].
        read: The module's ``output`` or its ``input``.
        pool: ``max`` or ``mean`` over the sentence's word positions.

    Returns:
        [S x M] float32, M = sum of the modules' units, modules in the given order.
    """
    from xlprobe.probing.hooks import capture

    if pool not in ("max", "mean"):
        raise InputError(f"pool={pool!r}; expected 'max' or 'mean'")
    columns: np.ndarray | None = None
    with capture(model, list(modules), read=read) as cache:
        for batch, _, mask in _run(model, tokenizer, sentences, None, None, batch_size):
            parts = []
            for name in modules:
                acts = cache[name].float()
                if pool == "mean":
                    parts.append(masked_mean(acts, mask))
                else:
                    words = mask.to(acts.device).unsqueeze(-1)
                    parts.append(acts.masked_fill(~words, float("-inf")).amax(1))
            block = np.concatenate([p.cpu().numpy() for p in parts], axis=1)
            if columns is None:
                columns = np.zeros((len(sentences), block.shape[1]), np.float32)
            columns[batch] = block
    return columns
