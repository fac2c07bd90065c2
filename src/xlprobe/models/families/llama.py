"""Llama 2 and Llama 3 (``model_type: llama``), and the gated-MLP hook points that Qwen, Gemma
and Cohere share.

A Llama block is ``x + o_proj(attn(norm(x)))`` then ``x + down_proj(act(gate_proj(x')) *
up_proj(x'))``. Its FFN units are the input of ``mlp.down_proj``, ``act(W_gate x) * (W_up x)``
(the units LAPE and expert neurons read; Tang et al., ACL 2024). Llama 2's tokenizer is
SentencePiece BPE with byte fallback (``▁`` word prefix, ``<s>`` added), Llama 3's byte-level
BPE (:mod:`xlprobe.models.families.base` tokenizes both right). The tiny stand-in is Llama
2-shaped: byte-fallback BPE, ``<s> A``, no pad token, untied unembedding.
"""

from __future__ import annotations

from xlprobe.models.families.base import HookPoint, ModelFamily, TinyRecipe

MAX_POSITIONS = 512


def gated_hook_points(blocks: str = r"layers") -> dict[str, HookPoint]:
    """The hook points of a Llama-style block ``<blocks>.<i>``: ``ffn`` (input of
    ``mlp.down_proj``: the gated units), ``ffn_out`` (its output: what the MLP adds to the
    residual stream) and ``attention_out`` (output of ``self_attn.o_proj``: what attention
    adds)."""
    block = rf"(?:^|\.){blocks}\.(\d+)\."
    return {
        "ffn": HookPoint(block + r"mlp\.down_proj$", "input"),
        "ffn_out": HookPoint(block + r"mlp\.down_proj$"),
        "attention_out": HookPoint(block + r"self_attn\.o_proj$"),
    }


GATED_LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
"""LoRA targets of a Llama-style block: the attention projections and the gated MLP's three."""

FINAL_NORM = r"(?:^|\.)(?:model|language_model)\.norm$|^norm$"
"""The final RMSNorm of a Llama-style model (``model.norm`` under the LM head, ``norm`` in the
bare transformer, ``language_model.norm`` in a multimodal one)."""


def decoder_sizes(tokenizer, hidden_size: int, num_layers: int, num_heads: int) -> dict:
    """The size and special-token keys of a Llama-style config (grouped-query attention with
    half as many key/value heads, FFN width 4 x hidden)."""
    return {
        "hidden_size": hidden_size,
        "num_hidden_layers": num_layers,
        "num_attention_heads": num_heads,
        "num_key_value_heads": max(1, num_heads // 2),
        "intermediate_size": 4 * hidden_size,
        "max_position_embeddings": MAX_POSITIONS,
        "vocab_size": len(tokenizer),
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }


def _tiny_config(tokenizer, hidden_size: int, num_layers: int, num_heads: int):
    from transformers import LlamaConfig

    return LlamaConfig(
        tie_word_embeddings=False, **decoder_sizes(tokenizer, hidden_size, num_layers, num_heads)
    )


FAMILY = ModelFamily(
    name="llama",
    model_types=("llama",),
    kind="decoder",
    hook_points=gated_hook_points(),
    final_norm=FINAL_NORM,
    lora_targets=GATED_LORA_TARGETS,
    tiny=TinyRecipe(
        tokenizer="bytefallback-bpe",
        special={"unk_token": "<unk>", "bos_token": "<s>", "eos_token": "</s>"},
        single="<s> $A",
        pair="<s> $A $B:1",
        config=_tiny_config,
        model_class="LlamaForCausalLM",
    ),
)
