"""Sentence-level representations: mean-pooled hidden states per layer, pooled unit responses.

A sentence's vector at layer l is the mean of the layer-l states over the subword positions of
its words (special tokens and padding excluded):
``e_l(s) = (1/|P(s)|) * sum_{t in P(s)} h_l[t]`` (Sundar et al., ACL 2025, Sec. 3: "mean of the
hidden states"; de Seyssel et al., EMNLP 2025: mean-pooled layer representations). The forward
pass is the one of :mod:`xlprobe.probing.extract` (encoder view, or decoder view by teacher
forcing). :func:`xlprobe.probing.extract.extract_view` fills the same vectors from its own
forward pass when asked (``sentence_vectors=``); :func:`sentence_vectors` here is the standalone
pass (expert interventions, tests).

Unit responses for expert finding pool a hooked module's activation over the same positions:
``z_{m}(s) = max_t a_m[t]`` (ml-selfcond / ml-aura default) or the mean.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

import numpy as np

from xlprobe.errors import InputError
from xlprobe.probing.extract import Side, _check_inputs, _forward, masked_mean

Pool = Literal["max", "mean"]


def _batches(tokenizer, sentences: Sequence[str], batch_size: int) -> Iterator[np.ndarray]:
    """Sentence indices in batches of similar subword length (less padding)."""
    lengths = [
        len(ids)
        for ids in tokenizer([s.split() for s in sentences], is_split_into_words=True)["input_ids"]
    ]
    order = np.argsort(np.asarray(lengths), kind="stable")
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def _run(model, tokenizer, sentences, side, source_sentences, batch_size):
    """Yield ``(batch indices, hidden states, [B x T] word mask)`` per forward pass."""
    import torch

    if not sentences:
        raise InputError("no sentences to embed")
    _check_inputs(model, side, sentences, source_sentences)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for batch in _batches(tokenizer, sentences, batch_size):
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
    side: Side = "encoder",
    source_sentences: Sequence[str] | None = None,
    layers: Sequence[int] | None = None,
    batch_size: int = 32,
) -> dict[int, np.ndarray]:
    """Mean-pooled sentence vectors per layer.

    Args:
        model: A Hugging Face model (encoder-only or encoder-decoder).
        tokenizer: Its fast tokenizer.
        sentences: S whitespace-tokenized sentences.
        side: ``encoder``, or ``decoder`` (teacher forcing, ``source_sentences`` to the encoder).
        source_sentences: Encoder input of the decoder side, line-aligned.
        layers: Hidden-state indices (0 = embeddings); ``None`` = all L+1.
        batch_size: Sentences per forward pass.

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
            pooled = masked_mean(hidden[layer], mask).float().cpu().numpy()
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
    """Pooled responses of every unit of the named modules (encoder side).

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
        for batch, _, mask in _run(model, tokenizer, sentences, "encoder", None, batch_size):
            parts = []
            for name in modules:
                acts = cache[name].float()
                if pool == "mean":
                    parts.append(masked_mean(acts, mask))
                else:
                    parts.append(acts.masked_fill(~mask.unsqueeze(-1), float("-inf")).amax(1))
            block = np.concatenate([p.cpu().numpy() for p in parts], axis=1)
            if columns is None:
                columns = np.zeros((len(sentences), block.shape[1]), np.float32)
            columns[batch] = block
    return columns
