"""Any other causal language model: the fallback family of decoder-only models that no adapter
names (OPT, GPT-NeoX/Pythia, Mistral, Falcon, Phi, OLMo, ... and remote-code models).

The registry (:func:`xlprobe.models.families.family_of`) gives it to a model whose
``model_type`` no family serves when ``transformers`` loads that type with
``AutoModelForCausalLM`` and with neither ``AutoModelForMaskedLM`` nor
``AutoModelForSeq2SeqLM`` (so an unknown encoder such as ELECTRA is still refused), or, for a
type ``transformers`` does not know, when ``config.architectures`` names a ``*ForCausalLM`` /
``*LMHeadModel`` class. Hidden states come from ``output_hidden_states``, as for every family.
Hook points are the usual module names of decoder blocks (``layers``/``h``/``blocks``): a model
whose names differ has none (the point's use says so in one line), and a dedicated adapter
fixes that.
"""

from __future__ import annotations

from xlprobe.models.families.base import HookPoint, ModelFamily

_BLOCK = r"(?:^|\.)(?:layers|h|blocks)\.(\d+)\."
_FFN = (
    _BLOCK + r"(?:(?:mlp|ffn|feed_forward)\.(?:down_proj|dense_4h_to_h|c_proj|fc_out|fc2|w2)|fc2)$"
)
_ATTENTION = (
    _BLOCK + r"(?:self_attn|attn|attention|self_attention)\.(?:o_proj|out_proj|dense|c_proj)$"
)

FAMILY = ModelFamily(
    name="causal_lm",
    model_types=(),
    kind="decoder",
    hook_points={
        "ffn": HookPoint(_FFN, "input"),
        "ffn_out": HookPoint(_FFN),
        "attention_out": HookPoint(_ATTENTION),
    },
    final_norm=r"^(?:\w+\.){0,2}(?:norm|ln_f|final_layer_norm|final_layernorm|norm_f)$",
)


def is_causal_lm(
    model_type: str, architectures: list[str] | None = None, is_encoder_decoder: bool = False
) -> bool:
    """Whether a model of ``model_type`` (and these ``config.architectures``) is a decoder-only
    causal LM (module docstring)."""
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_MASKED_LM_MAPPING_NAMES,
        MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES,
    )

    if is_encoder_decoder:
        return False
    if model_type in CONFIG_MAPPING_NAMES:
        return (
            model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
            and model_type not in MODEL_FOR_MASKED_LM_MAPPING_NAMES
            and model_type not in MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES
        )
    return any(str(a).endswith(("ForCausalLM", "LMHeadModel")) for a in architectures or ())
