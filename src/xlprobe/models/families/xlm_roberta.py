"""XLM-RoBERTa encoders (``model_type: xlm-roberta``)."""

from __future__ import annotations

from xlprobe.models.families.base import ModelFamily, TinyRecipe
from xlprobe.models.families.bert import (
    ENCODER_LORA_TARGETS,
    MAX_POSITIONS,
    encoder_hook_points,
    encoder_sizes,
)


def _tiny_config(tokenizer, hidden_size: int, num_layers: int, num_heads: int):
    from transformers import XLMRobertaConfig

    # XLM-R offsets positions by padding_idx + 1, hence the two extra position embeddings.
    return XLMRobertaConfig(
        max_position_embeddings=MAX_POSITIONS + 2,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        **encoder_sizes(hidden_size, num_layers, num_heads),
    )


FAMILY = ModelFamily(
    name="xlmr",
    model_types=("xlm-roberta",),
    kind="encoder",
    hook_points=encoder_hook_points(),
    lora_targets=ENCODER_LORA_TARGETS,
    tiny=TinyRecipe(
        tokenizer="metaspace-bpe",
        special={
            "bos_token": "<s>",
            "pad_token": "<pad>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "mask_token": "<mask>",
        },
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        config=_tiny_config,
        model_class="XLMRobertaForMaskedLM",
    ),
)
