"""Forward passes of a decoder-only (causal) language model with its LM head, for the probes
that read its next-token distribution (:mod:`~xlprobe.probing.probes.logit_lens`,
:mod:`~xlprobe.probing.probes.lape`).

Batches are padded on the right whatever the tokenizer's ``padding_side``: position t of a
causal model reads tokens 0..t only, so padding after a sequence's last token changes none of
its positions, and the positions ``transformers`` counts from 0 are the ones the sequence has
alone (left padding would need explicit position ids, which BLOOM does not take).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

    from xlprobe.models.families.base import WordBatch

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def inference(model: Any) -> Iterator[None]:
    """``model.eval()`` under ``torch.no_grad()``; the training mode is restored on exit."""
    import torch

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        model.train(was_training)


def pad_id(tokenizer: Any) -> int:
    """The id padding positions hold (masked, so any id works): the pad token's, else EOS's,
    else 0."""
    return next((i for i in (tokenizer.pad_token_id, tokenizer.eos_token_id) if i is not None), 0)


def length_batches(lengths: Sequence[int], batch_size: int) -> Iterator[np.ndarray]:
    """Indices of the sequences in batches of similar length (less padding), shortest first."""
    order = np.argsort(np.asarray(lengths), kind="stable")
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def forward(
    model: Any,
    rows: Sequence[Sequence[int]],
    *,
    pad: int,
    word_ids: Sequence[Sequence[int | None]] | None = None,
    hidden_states: bool = False,
) -> tuple[Any, WordBatch]:
    """One forward pass of the LM on token ids padded on the right.

    Args:
        model: A ``*ForCausalLM`` model.
        rows: Token ids per sequence (special tokens included as the tokenizer added them).
        pad: Id of the padding positions.
        word_ids: The word of every token per sequence (``None``: no word), carried into the
            batch; ``None``: no words.
        hidden_states: Also return the L+1 hidden states ([B x T x D], 0 = embeddings).

    Returns:
        The model's output (``logits`` [B x T x V], ``hidden_states``) and the padded batch
        (on the host).
    """
    from xlprobe.models.families.base import pad_batch

    owners = word_ids if word_ids is not None else [[None] * len(row) for row in rows]
    batch = pad_batch(rows, owners, pad_id=pad, side="right")
    device = model.get_input_embeddings().weight.device
    out = model(
        input_ids=batch.input_ids.to(device),
        attention_mask=batch.attention_mask.to(device),
        use_cache=False,
        output_hidden_states=hidden_states,
        return_dict=True,
    )
    return out, batch


def word_batches(
    model: Any,
    tokenizer: Any,
    sentences: Sequence[str],
    *,
    batch_size: int,
    max_tokens: int | None = None,
) -> Iterator[tuple[Any, WordBatch, torch.Tensor]]:
    """Run the LM over whitespace-tokenized sentences, tokenized as the model's family
    tokenizes pre-split words (:meth:`~xlprobe.models.families.base.ModelFamily.tokenize_words`).

    Args:
        model, tokenizer: A causal LM of a registered family and its fast tokenizer.
        sentences: Sentences, words separated by whitespace.
        batch_size: Sentences per forward pass.
        max_tokens: Sentences longer than this many tokens are skipped (and counted in the
            log); ``None``: none.

    Yields:
        ``(output, batch, word mask [B x T])`` per forward pass: the mask is true on the
        tokens of words (not on special tokens nor padding). Call inside :func:`inference`.
    """
    import torch

    from xlprobe.models.families import family_of

    ids, word_ids = family_of(model).tokenize_words(tokenizer, [s.split() for s in sentences])
    keep = [i for i, row in enumerate(ids) if max_tokens is None or len(row) <= max_tokens]
    if len(keep) < len(ids):
        logger.info("%d of %d sentences exceed %s tokens: skipped", len(ids) - len(keep),
                    len(ids), max_tokens)  # fmt: skip
    pad = pad_id(tokenizer)
    for batch in length_batches([len(ids[i]) for i in keep], batch_size):
        chosen = [keep[i] for i in batch.tolist()]
        out, padded = forward(
            model, [ids[i] for i in chosen], pad=pad, word_ids=[word_ids[i] for i in chosen]
        )
        words = torch.tensor([[w is not None for w in row] for row in padded.word_ids])
        yield out, padded, words


def token_nll(
    model: Any,
    tokenizer: Any,
    sentences: Sequence[str],
    *,
    batch_size: int,
    max_tokens: int | None = None,
) -> tuple[float, int]:
    """Summed negative log-likelihood of the sentences' word tokens and their count.

    Every token of a word is predicted from the position before it,
    ``NLL = -sum_t log p(x_t | x_<t)`` over word tokens t >= 1 (a sentence's first token is
    predicted only when the tokenizer puts a BOS before it); perplexity is
    ``exp(NLL / tokens)``.

    Args:
        model, tokenizer, sentences, batch_size, max_tokens: As :func:`word_batches`.

    Returns:
        ``(NLL in nats, tokens)``.
    """
    import torch

    total, count = 0.0, 0
    with inference(model):
        for out, batch, words in word_batches(
            model, tokenizer, sentences, batch_size=batch_size, max_tokens=max_tokens
        ):
            logits = out.logits[:, :-1].float()
            targets = batch.input_ids[:, 1:].to(logits.device)
            scored = words[:, 1:].to(logits.device)
            nll = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none"
            )
            total += float(nll[scored.reshape(-1)].sum())
            count += int(scored.sum())
    return total, count
