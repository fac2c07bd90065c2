"""BLOOM (``model_type: bloom``; BigScience, 46 languages).

Blocks ``transformer.h.<i>``: the FFN units are the input of ``mlp.dense_4h_to_h``,
GELU(W_h->4h x); attention writes through ``self_attention.dense`` (BLOOM adds the residual
inside its attention and MLP modules, so the points are the projections, not the modules).
Positions are ALiBi biases computed from the attention mask (no position ids). The tokenizer is
byte-level BPE with its own pre-split pattern, no BOS added, ``<pad>`` present. The tiny
stand-in has that tokenizer and a tied unembedding, like the real ones.
"""

from __future__ import annotations

from xlprobe.models.families.base import HookPoint, ModelFamily, TinyRecipe

SPLIT_PATTERN = r" ?[^(\s|[.,!?…。，、।۔،])]+"
"""BLOOM's pre-tokenizer pattern (a word with its leading space; the listed punctuation split
off)."""
_BLOCK = r"(?:^|\.)h\.(\d+)\."


def _tiny_config(tokenizer, hidden_size: int, num_layers: int, num_heads: int):
    from transformers import BloomConfig

    return BloomConfig(
        hidden_size=hidden_size,
        n_layer=num_layers,
        n_head=num_heads,
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


FAMILY = ModelFamily(
    name="bloom",
    model_types=("bloom",),
    kind="decoder",
    hook_points={
        "ffn": HookPoint(_BLOCK + r"mlp\.dense_4h_to_h$", "input"),
        "ffn_out": HookPoint(_BLOCK + r"mlp\.dense_4h_to_h$"),
        "attention_out": HookPoint(_BLOCK + r"self_attention\.dense$"),
    },
    final_norm=r"(?:^|\.)ln_f$",
    # fused query/key/value, attention output, the MLP's two
    lora_targets=("query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h"),
    tiny=TinyRecipe(
        tokenizer="bytelevel-bpe",
        special={
            "unk_token": "<unk>",
            "bos_token": "<s>",
            "eos_token": "</s>",
            "pad_token": "<pad>",
        },
        single="$A",
        pair="$A $B:1",
        config=_tiny_config,
        model_class="BloomForCausalLM",
        split_pattern=SPLIT_PATTERN,
    ),
)
