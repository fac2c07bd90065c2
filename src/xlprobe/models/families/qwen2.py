"""Qwen2, Qwen2.5 and Qwen3 (``model_type: qwen2`` / ``qwen3``): Llama-style blocks
(:func:`~xlprobe.models.families.llama.gated_hook_points`; Qwen3 adds q/k norms), byte-level BPE
with Qwen's own pre-split pattern, no BOS, ``<|endoftext|>`` as EOS and pad. The tiny stand-in
has that tokenizer and a tied unembedding (as Qwen2.5-0.5B).
"""

from __future__ import annotations

from xlprobe.models.families.base import ModelFamily, TinyRecipe
from xlprobe.models.families.llama import (
    FINAL_NORM,
    GATED_LORA_TARGETS,
    decoder_sizes,
    gated_hook_points,
)

SPLIT_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
    r"\s*[\r\n]+|\s+(?!\S)|\s+"
)
"""Qwen2's pre-tokenizer pattern (digits one by one; a word keeps one leading non-letter)."""


def _tiny_config(tokenizer, hidden_size: int, num_layers: int, num_heads: int):
    from transformers import Qwen2Config

    return Qwen2Config(
        tie_word_embeddings=True, **decoder_sizes(tokenizer, hidden_size, num_layers, num_heads)
    )


FAMILY = ModelFamily(
    name="qwen2",
    model_types=("qwen2", "qwen3"),
    kind="decoder",
    hook_points=gated_hook_points(),
    final_norm=FINAL_NORM,
    lora_targets=GATED_LORA_TARGETS,
    tiny=TinyRecipe(
        tokenizer="bytelevel-bpe",
        special={"eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>"},
        single="$A",
        pair="$A $B:1",
        config=_tiny_config,
        model_class="Qwen2ForCausalLM",
        split_pattern=SPLIT_PATTERN,
    ),
)
