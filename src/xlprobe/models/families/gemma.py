"""Gemma, Gemma 2 and Gemma 3 (``model_type: gemma`` / ``gemma2`` / ``gemma3_text``, and
``gemma3``, the multimodal checkpoints of 4B and up, whose language model has the same blocks).

Llama-style blocks (:func:`~xlprobe.models.families.llama.gated_hook_points`; Gemma 2/3 add
norms before and after the MLP, so ``ffn_out`` is the MLP's output before its post-norm). The
tokenizer is SentencePiece BPE with byte fallback and no dummy prefix: a pre-split word gets its
leading space like a byte-level one (:mod:`xlprobe.models.families.base`); ``<bos>`` is added
and matters (Gemma's outputs degrade without it). Gemma 2/3's forward soft-caps the logits,
``tanh(logits / c) * c`` with ``c = config.final_logit_softcapping``.
"""

from __future__ import annotations

from typing import Any

from xlprobe.models.families.base import ModelFamily
from xlprobe.models.families.llama import FINAL_NORM, GATED_LORA_TARGETS, gated_hook_points


def soft_cap(config: Any, logits: Any) -> Any:
    """``tanh(logits / c) * c`` when the config sets a cap ``c`` (Gemma 2/3), else ``logits``."""
    import torch

    cap = getattr(config, "final_logit_softcapping", None)
    return logits if cap is None else torch.tanh(logits / cap) * cap


FAMILY = ModelFamily(
    name="gemma",
    model_types=("gemma", "gemma2", "gemma3_text", "gemma3"),
    kind="decoder",
    hook_points=gated_hook_points(),
    final_norm=FINAL_NORM,
    lora_targets=GATED_LORA_TARGETS,
    logit_scaling=soft_cap,
)
