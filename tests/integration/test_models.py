"""Model factory on tiny real models: build, save, load back through the Auto classes."""

from __future__ import annotations

import math

import pytest

from xlprobe.errors import InputError
from xlprobe.models import build_tiny_model, load_model, tiny_model_dir

pytestmark = pytest.mark.slow

HEADS_BY_ARCH = {
    "bert": ["base", "token_classification", "sequence_classification"],
    "xlmr": ["base", "token_classification", "sequence_classification"],
    "mt5": ["base", "seq2seq", "token_classification", "sequence_classification"],
}


@pytest.mark.parametrize("arch", ["bert", "xlmr", "mt5"])
def test_every_head_loads_with_a_fast_tokenizer(tiny_model_dirs, arch):
    for head in HEADS_BY_ARCH[arch]:
        model, tokenizer = load_model(tiny_model_dirs[arch], head, id2label={0: "O", 1: "B-PER"})
        assert tokenizer.is_fast
        assert model.config.vocab_size == len(tokenizer)
        if head != "base" and head != "seq2seq":
            assert model.config.id2label == {0: "O", 1: "B-PER"}
            assert model.config.label2id == {"O": 0, "B-PER": 1}


@pytest.mark.parametrize("arch", ["bert", "xlmr", "mt5"])
def test_word_ids_map_every_whitespace_word_to_its_subwords(tiny_model_dirs, tiny_texts, arch):
    _, tokenizer = load_model(tiny_model_dirs[arch], "base")
    for text in tiny_texts:
        words = text.split()
        enc = tokenizer(words, is_split_into_words=True)
        word_ids = enc.word_ids()
        assert sorted({w for w in word_ids if w is not None}) == list(range(len(words)))
        assert tokenizer.unk_token_id not in enc["input_ids"]
    # A word unseen in training is split into several subwords, all mapped to it.
    enc = tokenizer(["Hundeparkläufer"], is_split_into_words=True)
    assert enc.word_ids().count(0) > 1


def test_same_seed_gives_identical_weights_and_tokenizer(tmp_path, tiny_texts):
    texts = tiny_texts * 5
    a = build_tiny_model("xlmr", tmp_path / "a", texts, vocab_size=300, seed=3)
    b = build_tiny_model("xlmr", tmp_path / "b", texts, vocab_size=300, seed=3)
    c = build_tiny_model("xlmr", tmp_path / "c", texts, vocab_size=300, seed=4)
    assert (a / "tokenizer.json").read_bytes() == (b / "tokenizer.json").read_bytes()
    assert (a / "model.safetensors").read_bytes() == (b / "model.safetensors").read_bytes()
    assert (a / "model.safetensors").read_bytes() != (c / "model.safetensors").read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_building_leaves_the_global_torch_rng_alone(tmp_path, tiny_texts):
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    build_tiny_model("bert", tmp_path / "m", tiny_texts, vocab_size=200, seed=0)
    assert torch.equal(torch.rand(3), expected)


def test_tiny_mt5_trains_and_generates_as_seq2seq(tiny_model_dirs, tiny_texts):
    model, tokenizer = load_model(tiny_model_dirs["mt5"], "seq2seq")
    batch = tokenizer(
        tiny_texts[1:3], text_target=tiny_texts[0:2], padding=True, return_tensors="pt"
    )
    batch["labels"][batch["labels"] == tokenizer.pad_token_id] = -100
    loss = model(**batch).loss
    assert math.isfinite(loss.item())
    loss.backward()
    generated = model.generate(
        input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], max_new_tokens=4
    )
    assert generated.shape[0] == 2
    assert (generated[:, 0] == model.config.decoder_start_token_id).all()


def test_tiny_model_dir_builds_once_and_reuses(tmp_path):
    first = tiny_model_dir("bert", tmp_path, n_sentences=50, vocab_size=300)
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    again = tiny_model_dir("bert", tmp_path, n_sentences=50, vocab_size=300)
    other = tiny_model_dir("bert", tmp_path, n_sentences=50, vocab_size=300, seed=1)
    assert again == first
    assert (again / "model.safetensors").stat().st_mtime_ns == stamp
    assert other != first
    model, tokenizer = load_model(first, "base")
    assert model.config.num_hidden_layers == 2 and tokenizer.is_fast


@pytest.mark.parametrize("name", ["google/mt5-base", "xlm-roberta-base", "org/model-v1.5"])
def test_unreachable_hub_model_is_a_clear_input_error(monkeypatch, name):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(InputError, match=r"model\.name_or_path.*offline.*tiny model"):
        load_model(name, "seq2seq")


def test_missing_or_empty_local_directory_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such model directory"):
        load_model(str(tmp_path / "nope"), "base")
    with pytest.raises(InputError, match=r"config\.json missing"):
        load_model(tmp_path, "base")


def test_unknown_head_and_arch_are_input_errors(tiny_model_dirs, tmp_path, tiny_texts):
    with pytest.raises(InputError, match="unknown model head"):
        load_model(tiny_model_dirs["bert"], "lm")
    with pytest.raises(InputError, match=r"model\.family='gpt9' is not a supported model family"):
        build_tiny_model("gpt9", tmp_path / "x", tiny_texts)
