"""GPT-2-style models (``model_type: gpt2``; also mGPT and other multilingual GPT-2 checkpoints).

Blocks ``transformer.h.<i>``: the FFN units are the input of ``mlp.c_proj``, GELU(W_fc x);
attention writes through ``attn.c_proj`` (``Conv1D`` modules, weights stored transposed; the
hooks read activations, so nothing changes). The tokenizer is byte-level BPE with GPT-2's
pattern, one special token ``<|endoftext|>``, no BOS added and no pad token (loading gives it
the EOS as pad, :meth:`~xlprobe.models.families.base.ModelFamily.prepare`). The tiny stand-in
has exactly that tokenizer.
"""

from __future__ import annotations

from xlprobe.models.families.base import HookPoint, ModelFamily, TinyRecipe
from xlprobe.models.families.llama import MAX_POSITIONS

_BLOCK = r"(?:^|\.)h\.(\d+)\."
_END = "<|endoftext|>"


def _tiny_config(tokenizer, hidden_size: int, num_layers: int, num_heads: int):
    from transformers import GPT2Config

    return GPT2Config(
        n_embd=hidden_size,
        n_layer=num_layers,
        n_head=num_heads,
        n_positions=MAX_POSITIONS,
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )


FAMILY = ModelFamily(
    name="gpt2",
    model_types=("gpt2",),
    kind="decoder",
    hook_points={
        "ffn": HookPoint(_BLOCK + r"mlp\.c_proj$", "input"),
        "ffn_out": HookPoint(_BLOCK + r"mlp\.c_proj$"),
        "attention_out": HookPoint(_BLOCK + r"attn\.c_proj$"),
    },
    final_norm=r"(?:^|\.)ln_f$",
    # fused query/key/value, the attention and MLP outputs, the MLP's input (Conv1D modules)
    lora_targets=("c_attn", "c_proj", "c_fc"),
    tiny=TinyRecipe(
        tokenizer="bytelevel-bpe",
        special={"bos_token": _END, "eos_token": _END, "unk_token": _END},
        single="$A",
        pair="$A $B:1",
        config=_tiny_config,
        model_class="GPT2LMHeadModel",
    ),
)
