"""Multilingual denoising pretraining for tiny seq2seq models (the offline stand-in for mT5).

The paper probes pretrained multilingual models (mT5: span corruption on many languages) before
and after fine-tuning (Mousi et al., ACL 2024, Sec. 4). A tiny mT5 with random weights has no
multilingual base at all: its encoder never sees English during fr→en fine-tuning, so its
"base" concepts are random. This module gives it a short pretraining stage of the same kind:
every language of the synthetic corpus reconstructs itself from a copy with words dropped
(denoising autoencoding, X→X), so the base model has language-specific concepts that
fine-tuning can then bring together.

Objective: for a sentence ``w_1 .. w_n``, the source keeps each word independently with
probability ``1 - drop_prob`` (at least one word is kept) and the target is the full sentence;
the loss is the usual token-level cross-entropy of the decoder.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence
from pathlib import Path

from xlprobe.errors import InputError
from xlprobe.models.loading import load_model, save_model

log = logging.getLogger(__name__)


def denoising_pairs(
    sentences: Mapping[str, Sequence[str]], *, drop_prob: float, seed: int
) -> list[tuple[str, str]]:
    """(noisy source, clean target) pairs: word dropout on every sentence of every language.

    Args:
        sentences: Language -> whitespace-tokenized sentences.
        drop_prob: Probability of dropping each word of the source, in [0, 1).
        seed: Seed of the dropout draws (same arguments, same pairs).

    Returns:
        One pair per non-empty sentence, languages in ``sentences`` order; a source that would
        be empty keeps the sentence's first word.
    """
    if not 0 <= drop_prob < 1:
        raise InputError(f"drop_prob={drop_prob}; expected a probability in [0, 1)")
    rng = random.Random(seed)
    pairs = []
    for lang_sentences in sentences.values():
        for sentence in lang_sentences:
            words = sentence.split()
            if not words:
                continue
            kept = [w for w in words if rng.random() >= drop_prob] or words[:1]
            pairs.append((" ".join(kept), " ".join(words)))
    return pairs


def pretrain_denoising(
    model,
    tokenizer,
    pairs: Sequence[tuple[str, str]],
    *,
    epochs: int,
    lr: float,
    batch_size: int = 64,
    max_length: int = 48,
    warmup_ratio: float = 0.1,
    seed: int = 0,
) -> list[float]:
    """Train a seq2seq ``model`` in place on (source, target) ``pairs``.

    AdamW (weight decay 0.01), linear warmup over ``warmup_ratio`` of the steps then linear
    decay to 0, shuffled batches of ``batch_size`` pairs (seeded), sequences truncated to
    ``max_length`` subwords. The model is left in eval mode.

    Returns:
        Mean training loss of each epoch (nats per target token).
    """
    import torch
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    if epochs < 1 or batch_size < 1:
        raise InputError(f"epochs={epochs}, batch_size={batch_size}; expected positive integers")
    if not pairs:
        raise InputError("pretrain_denoising needs at least one (source, target) pair")
    rng = random.Random(seed)
    order = list(range(len(pairs)))
    steps_per_epoch = -(-len(pairs) // batch_size)
    total = epochs * steps_per_epoch
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    scheduler = get_linear_schedule_with_warmup(optimizer, max(1, int(warmup_ratio * total)), total)
    losses = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model.train()
        for epoch in range(epochs):
            rng.shuffle(order)
            epoch_loss = 0.0
            starts = range(0, len(order), batch_size)
            for start in tqdm(starts, desc=f"pretrain epoch {epoch + 1}/{epochs}", leave=False):
                batch = [pairs[i] for i in order[start : start + batch_size]]
                loss = _batch_loss(model, tokenizer, batch, max_length)
                loss.backward()
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
                epoch_loss += loss.item()
            losses.append(epoch_loss / steps_per_epoch)
            log.info("pretrain epoch %d/%d: loss %.3f", epoch + 1, epochs, losses[-1])
    model.eval()
    return losses


def _batch_loss(model, tokenizer, batch: Sequence[tuple[str, str]], max_length: int):
    sources, targets = zip(*batch, strict=True)
    common = {"return_tensors": "pt", "padding": True, "truncation": True}
    inputs = tokenizer(list(sources), max_length=max_length, **common)
    labels = tokenizer(text_target=list(targets), max_length=max_length, **common).input_ids
    labels[labels == tokenizer.pad_token_id] = -100
    return model(**inputs, labels=labels).loss


def pretrain_tiny_model(
    model_dir: str | Path,
    out_dir: str | Path,
    *,
    n_sentences: int = 2000,
    epochs: int = 4,
    drop_prob: float = 0.3,
    lr: float = 2e-3,
    batch_size: int = 64,
    seed: int = 0,
) -> Path:
    """Denoising-pretrain the tiny mT5 in ``model_dir`` on every synthetic language; save it.

    The pretraining corpus is ``generate_corpus(n_sentences, seed=seed + 123)``: the same
    synthetic world as the demo but other sentences than its train split (seed 0).

    Args:
        model_dir: A tiny seq2seq model directory (from ``tiny_model_dir("mt5", ...)``).
        out_dir: Destination, written atomically (model and tokenizer).
        n_sentences: Sentences per language.
        epochs: Passes over the ``5 * n_sentences`` pairs.
        drop_prob: Word dropout of the sources.
        lr: Peak learning rate.
        batch_size: Pairs per step.
        seed: Seed of the corpus, the dropout and the batch order.

    Returns:
        ``out_dir`` as a Path, loadable with :func:`xlprobe.models.load_model`.
    """
    from xlprobe.data.synthetic import generate_corpus

    model, tokenizer = load_model(str(model_dir), "seq2seq")
    corpus = generate_corpus(n_sentences, seed=seed + 123)
    pairs = denoising_pairs(corpus.sentences, drop_prob=drop_prob, seed=seed)
    losses = pretrain_denoising(
        model, tokenizer, pairs, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed
    )
    out_dir = save_model(model, tokenizer, out_dir)
    log.info(
        "pretrained %s for %d epochs (final loss %.3f) -> %s",
        model_dir,
        epochs,
        losses[-1],
        out_dir,
    )
    return out_dir
