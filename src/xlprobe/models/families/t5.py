"""T5 and mT5 encoder-decoders (``model_type: t5`` / ``mt5``)."""

from __future__ import annotations

from xlprobe.models.families.base import HookPoint, ModelFamily, TinyRecipe


def _tiny_config(tokenizer, hidden_size: int, num_layers: int, num_heads: int):
    from transformers import MT5Config

    return MT5Config(
        d_model=hidden_size,
        d_kv=hidden_size // num_heads,
        d_ff=4 * hidden_size,
        num_layers=num_layers,
        num_decoder_layers=num_layers,
        num_heads=num_heads,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
    )


FAMILY = ModelFamily(
    name="mt5",
    model_types=("t5", "mt5"),
    kind="encoder-decoder",
    hook_points={
        # FFN units: the input of DenseReluDense.wo, act(wi_0 x) * wi_1 x (gated in mT5)
        "ffn": HookPoint(r"(?:^|\.)encoder\.block\.(\d+)\.layer\.1\.DenseReluDense\.wo$", "input"),
        "decoder_ffn": HookPoint(
            r"(?:^|\.)decoder\.block\.(\d+)\.layer\.2\.DenseReluDense\.wo$", "input"
        ),
        "ffn_out": HookPoint(r"(?:^|\.)encoder\.block\.(\d+)\.layer\.1$"),
    },
    # attention projections of both stacks (self and cross), the FFN's (wi_0/wi_1 gated in mT5)
    lora_targets=("q", "k", "v", "o", "wi", "wi_0", "wi_1", "wo"),
    tiny=TinyRecipe(
        tokenizer="metaspace-bpe",
        special={"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"},
        single="$A </s>",
        pair="$A </s> $B </s>",
        config=_tiny_config,
        model_class="MT5ForConditionalGeneration",
    ),
)
