"""BERT-style encoders: mBERT, multilingual-e5 (a ``BertModel``) and any ``model_type: bert``."""

from __future__ import annotations

from xlprobe.models.families.base import HookPoint, ModelFamily, TinyRecipe

MAX_POSITIONS = 512
ENCODER_LORA_TARGETS = ("query", "key", "value", "dense")
"""LoRA targets of a BERT/XLM-R layer: the attention projections and every ``dense`` (attention
output, FFN in and out; the pooler's too)."""


def encoder_hook_points() -> dict[str, HookPoint]:
    """FFN units (GELU(W1 x), the output of ``intermediate``), the FFN block output and the
    attention output of every ``encoder.layer.<i>`` (BERT and XLM-R name them alike)."""
    return {
        "ffn": HookPoint(r"(?:^|\.)encoder\.layer\.(\d+)\.intermediate$"),
        "ffn_out": HookPoint(r"(?:^|\.)encoder\.layer\.(\d+)\.output$"),
        "attention_out": HookPoint(r"(?:^|\.)encoder\.layer\.(\d+)\.attention\.output$"),
    }


def encoder_sizes(hidden_size: int, num_layers: int, num_heads: int) -> dict[str, int]:
    """The size keys of a BERT-like config."""
    return {
        "hidden_size": hidden_size,
        "num_hidden_layers": num_layers,
        "num_attention_heads": num_heads,
        "intermediate_size": 4 * hidden_size,
    }


def _tiny_config(tokenizer, hidden_size: int, num_layers: int, num_heads: int):
    from transformers import BertConfig

    return BertConfig(
        max_position_embeddings=MAX_POSITIONS,
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        **encoder_sizes(hidden_size, num_layers, num_heads),
    )


FAMILY = ModelFamily(
    name="bert",
    model_types=("bert",),
    kind="encoder",
    hook_points=encoder_hook_points(),
    lora_targets=ENCODER_LORA_TARGETS,
    tiny=TinyRecipe(
        tokenizer="wordpiece",
        special={
            "pad_token": "[PAD]",
            "unk_token": "[UNK]",
            "cls_token": "[CLS]",
            "sep_token": "[SEP]",
            "mask_token": "[MASK]",
        },
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        config=_tiny_config,
        model_class="BertForMaskedLM",
    ),
)
