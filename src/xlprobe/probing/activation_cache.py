"""Activation stores addressed by content, so that probes of the same model state share one.

A store's address is a digest of everything its contents depend on: the model's weights and
tokenizer (:func:`model_digest`), the view (side, language), its sentences (and, for a decoder
view, the encoder's sentences) and the extraction settings
(:func:`xlprobe.probing.store.cache_key`). Sweep jobs over cluster or threshold settings
(``probe.py -m probe.k=300,600,1200 probe.activation_cache=DIR``) then extract once: every later
job finds the finished store under the same address and only clusters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlprobe.probing.store import cache_key


def model_digest(model: Any, tokenizer: Any) -> str:
    """sha256 (16 hex digits) of a model's weights and its tokenizer.

    Hashes every entry of ``model.state_dict()`` in order (name, dtype, shape, bytes) and the
    tokenizer's serialised form (``backend_tokenizer.to_str()`` of a fast tokenizer, its class
    and vocabulary size otherwise), so a checkpoint, a fine-tuned epoch or a random
    initialisation each get their own digest, while reloading the same weights does not.
    """
    import torch

    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        value = tensor.detach().cpu().contiguous()
        digest.update(f"{name}:{value.dtype}:{tuple(value.shape)}\n".encode())
        digest.update(value.view(-1).view(torch.uint8).numpy().tobytes())
    backend = getattr(tokenizer, "backend_tokenizer", None)
    text = backend.to_str() if backend is not None else f"{type(tokenizer)}:{len(tokenizer)}"
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()[:16]


def store_dir(
    cache_dir: str | Path,
    model_id: str,
    sentences: Sequence[str],
    settings: Any,
    side: str,
    lang: str,
    source_sentences: Sequence[str] | None = None,
    **selection: str,
) -> Path:
    """The directory of a view's store in ``cache_dir``: ``<cache_dir>/<key>`` with the key
    of :func:`~xlprobe.probing.store.cache_key` over the model digest, the sentences, the
    extraction settings, the view, the source sentences' digest (decoder views) and any
    ``selection`` of occurrences kept besides the per-type cap (its digest, e.g. ``also``)."""
    extra = dict(selection)
    if source_sentences is not None:
        source = hashlib.sha256("\n".join(source_sentences).encode("utf-8")).hexdigest()
        extra["source"] = source[:16]
    return Path(cache_dir) / cache_key(model_id, sentences, settings, side, lang, **extra)
