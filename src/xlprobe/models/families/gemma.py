"""Gemma, Gemma 2 and Gemma 3 (``model_type: gemma`` / ``gemma2`` / ``gemma3_text``, and
``gemma3``, the multimodal checkpoints of 4B and up, whose language model has the same blocks).

Llama-style blocks (:func:`~xlprobe.models.families.llama.gated_hook_points`; Gemma 2/3 add
norms before and after the MLP, so ``ffn_out`` is the MLP's output before its post-norm). The
tokenizer is SentencePiece BPE with byte fallback and no dummy prefix: a pre-split word gets its
leading space like a byte-level one (:mod:`xlprobe.models.families.base`); ``<bos>`` is added
and matters (Gemma's outputs degrade without it).
"""

from __future__ import annotations

from xlprobe.models.families.base import ModelFamily
from xlprobe.models.families.llama import FINAL_NORM, gated_hook_points

FAMILY = ModelFamily(
    name="gemma",
    model_types=("gemma", "gemma2", "gemma3_text", "gemma3"),
    kind="decoder",
    hook_points=gated_hook_points(),
    final_norm=FINAL_NORM,
)
