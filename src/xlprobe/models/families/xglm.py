"""XGLM (``model_type: xglm``; Lin et al., 2022, 30 languages).

Blocks ``model.layers.<i>`` with the FFN as two linear layers on the block itself: the units are
the input of ``fc2``, GELU(fc1 x); attention writes through ``self_attn.out_proj``. Sinusoidal
positions offset by the padding index inside the model. The tokenizer is SentencePiece with a
``▁`` prefix on every word and ``</s>`` prepended as BOS.
"""

from __future__ import annotations

from xlprobe.models.families.base import HookPoint, ModelFamily

_BLOCK = r"(?:^|\.)layers\.(\d+)\."

FAMILY = ModelFamily(
    name="xglm",
    model_types=("xglm",),
    kind="decoder",
    hook_points={
        "ffn": HookPoint(_BLOCK + r"fc2$", "input"),
        "ffn_out": HookPoint(_BLOCK + r"fc2$"),
        "attention_out": HookPoint(_BLOCK + r"self_attn\.out_proj$"),
    },
    final_norm=r"(?:^|\.)model\.layer_norm$|^layer_norm$",
    lora_targets=("q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"),
)
