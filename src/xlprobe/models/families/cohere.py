"""Cohere Command R and Aya (``model_type: cohere``: Aya 23, Aya Expanse; ``cohere2``: Command
R7B and its successors).

Llama-style blocks with one norm per block (attention and MLP read it in parallel), so the
gated hook points are Llama's (:func:`~xlprobe.models.families.llama.gated_hook_points`). The
tokenizer is byte-level BPE with digits split one by one and ``<BOS_TOKEN>`` added; pre-split
words get their leading space (:mod:`xlprobe.models.families.base`). Its forward multiplies the
head's logits by ``config.logit_scale``.
"""

from __future__ import annotations

from xlprobe.models.families.base import ModelFamily
from xlprobe.models.families.llama import FINAL_NORM, GATED_LORA_TARGETS, gated_hook_points

FAMILY = ModelFamily(
    name="cohere",
    model_types=("cohere", "cohere2"),
    kind="decoder",
    hook_points=gated_hook_points(),
    final_norm=FINAL_NORM,
    lora_targets=GATED_LORA_TARGETS,
    logit_scaling=lambda config, logits: logits * config.logit_scale,
)
