"""Denoising pretraining of tiny seq2seq models (xlprobe.models.pretrain)."""

from __future__ import annotations

import pytest

from xlprobe.errors import InputError
from xlprobe.models.pretrain import denoising_pairs, pretrain_denoising, pretrain_tiny_model

SENTENCES = {"en": ["the red cat sat", "Anna saw a dog"], "fr": ["le chat rouge", ""]}


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(word in it for word in short)


def test_denoising_pairs_drop_words_in_order_and_keep_targets():
    pairs = denoising_pairs(SENTENCES, drop_prob=0.5, seed=3)
    assert [t for _, t in pairs] == ["the red cat sat", "Anna saw a dog", "le chat rouge"]
    for source, target in pairs:
        assert source and _is_subsequence(source.split(), target.split())
    assert pairs == denoising_pairs(SENTENCES, drop_prob=0.5, seed=3)


def test_denoising_pairs_edge_probabilities():
    assert denoising_pairs(SENTENCES, drop_prob=0.0, seed=0) == [
        (s, s) for s in ("the red cat sat", "Anna saw a dog", "le chat rouge")
    ]
    # everything dropped: the first word stays so that the source is never empty
    assert [s for s, _ in denoising_pairs(SENTENCES, drop_prob=0.999999, seed=0)] == [
        "the",
        "Anna",
        "le",
    ]
    with pytest.raises(InputError, match="drop_prob"):
        denoising_pairs(SENTENCES, drop_prob=1.0, seed=0)


def test_pretrain_lowers_the_loss_and_saves_a_loadable_model(tmp_path):
    from xlprobe.models import load_model, tiny_model_dir

    base = tiny_model_dir(
        "mt5", tmp_path / "models", n_sentences=50, vocab_size=300, hidden_size=32, num_layers=1
    )
    model, tokenizer = load_model(str(base), "seq2seq")
    pairs = denoising_pairs(SENTENCES, drop_prob=0.3, seed=0)
    losses = pretrain_denoising(model, tokenizer, pairs, epochs=15, lr=1e-2, batch_size=2)
    assert len(losses) == 15 and losses[-1] < 0.5 * losses[0]
    assert not model.training

    import torch

    out = pretrain_tiny_model(base, tmp_path / "pre", n_sentences=4, epochs=2, seed=1)
    reloaded, _ = load_model(str(out), "seq2seq")
    untrained, _ = load_model(str(base), "seq2seq")
    assert not torch.equal(reloaded.shared.weight, untrained.shared.weight)
    assert reloaded.shared.weight.shape == untrained.shared.weight.shape


def test_tiny_model_dir_caches_the_pretrained_model_beside_its_random_base(tmp_path):
    from xlprobe.models import tiny_model_dir

    sizes = {"n_sentences": 20, "vocab_size": 300, "hidden_size": 32, "num_layers": 1}
    pretrained = tiny_model_dir("mt5", tmp_path, pretrain_epochs=1, **sizes)
    base = tiny_model_dir("mt5", tmp_path, **sizes)
    assert pretrained != base and (pretrained / "config.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([base.name, pretrained.name])
    assert tiny_model_dir("mt5", tmp_path, pretrain_epochs=1, **sizes) == pretrained
    with pytest.raises(InputError, match="pretraining is for encoder-decoder tiny models"):
        tiny_model_dir("bert", tmp_path, pretrain_epochs=1, **sizes)
