"""Padding of tokenized sentences, sentence pooling and the family registry's causal fallback:
no model needed."""

from __future__ import annotations

import pytest
import torch

from xlprobe.errors import InputError
from xlprobe.models.families import family, family_of
from xlprobe.models.families.base import pad_batch
from xlprobe.probing.extract import masked_mean, pool_states

IDS = [[5, 6, 7], [8]]
WORDS = [[None, 0, 1], [0]]


def test_right_padding_keeps_positions_and_words_in_place():
    batch = pad_batch(IDS, WORDS, pad_id=0, side="right")
    assert batch.input_ids.tolist() == [[5, 6, 7], [8, 0, 0]]
    assert batch.attention_mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch.position_ids[1, 0].item() == 0
    assert batch.word_ids == [[None, 0, 1], [0, None, None]]


def test_left_padding_counts_positions_from_the_first_token():
    batch = pad_batch(IDS, WORDS, pad_id=9, side="left")
    assert batch.input_ids.tolist() == [[5, 6, 7], [9, 9, 8]]
    assert batch.attention_mask.tolist() == [[1, 1, 1], [0, 0, 1]]
    # the short sentence's one token is at position 0, as when it runs alone
    assert batch.position_ids.tolist()[1][2] == 0
    assert batch.position_ids.tolist()[0] == [0, 1, 2]
    assert batch.word_ids[1] == [None, None, 0]
    with pytest.raises(InputError, match="padding side"):
        pad_batch(IDS, WORDS, pad_id=0, side="middle")


def test_pooling_ignores_padding_even_when_it_holds_nan():
    states = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [float("nan"), 0.0]]])
    mask = torch.tensor([[True, True, False]])
    assert masked_mean(states, mask).tolist() == [[2.0, 3.0]]
    assert pool_states(states, mask, "last").tolist() == [[3.0, 4.0]]
    # the last word position, wherever the padding is
    left = torch.tensor([[[float("nan"), 0.0], [1.0, 2.0], [5.0, 6.0]]])
    assert pool_states(left, torch.tensor([[False, True, True]]), "last").tolist() == [[5.0, 6.0]]
    empty = pool_states(states, torch.zeros(1, 3, dtype=torch.bool), "last")
    assert empty.tolist() == [[0.0, 0.0]]
    with pytest.raises(InputError, match="sentence pooling"):
        pool_states(states, mask, "max")


@pytest.mark.parametrize(
    ("config", "name"),
    [
        ({"model_type": "opt", "architectures": ["OPTForCausalLM"]}, "causal_lm"),
        ({"model_type": "gpt_neox"}, "causal_lm"),
        ({"model_type": "mistral"}, "causal_lm"),
        # a type transformers does not know (remote code): its architecture tells
        ({"model_type": "mystery-lm", "architectures": ["MysteryForCausalLM"]}, "causal_lm"),
        ({"model_type": "qwen3"}, "qwen2"),
        ({"model_type": "gemma3_text"}, "gemma"),
        ({"model_type": "cohere2"}, "cohere"),
    ],
)
def test_decoder_types_get_their_family_or_the_generic_one(config, name):
    adapter = family_of(config)
    assert adapter.name == name and adapter.kind == "decoder"
    assert adapter.sides == ("decoder",) and adapter.input_side == "decoder"


@pytest.mark.parametrize(
    "config",
    [
        {"model_type": "electra", "architectures": ["ElectraForMaskedLM"]},
        # BERT has a causal head (BertLMHeadModel) but is a masked LM
        {"model_type": "roberta", "architectures": ["RobertaForCausalLM"]},
        {"model_type": "bart", "is_encoder_decoder": True},
        {"model_type": "mystery", "architectures": ["MysteryForMaskedLM"]},
    ],
)
def test_unknown_encoders_are_still_one_line(config):
    with pytest.raises(InputError, match=r"not a supported model family.*any decoder-only"):
        family_of(config)


def test_heads_load_the_causal_lm_of_a_decoder_only_family():
    assert family("llama").auto_class("base") == "AutoModelForCausalLM"
    assert family("llama").auto_class("seq2seq") == "AutoModelForCausalLM"
    assert family("gpt2").auto_class("sequence_classification") == (
        "AutoModelForSequenceClassification"
    )
    assert family("bert").auto_class("base") == "AutoModel"
    assert family("mt5").auto_class("seq2seq") == "AutoModelForSeq2SeqLM"
    with pytest.raises(InputError, match="unknown model head"):
        family("llama").auto_class("lm")


def test_layer_count_of_a_multimodal_config_is_its_text_models():
    config = {"model_type": "gemma3", "text_config": {"num_hidden_layers": 34}}
    assert family_of(config).num_layers(config) == 34
