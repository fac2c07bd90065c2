"""The two LLM-era probes on real tiny causal LMs: the logit lens against the model's own
output and on a model built so that a middle layer predicts the English word (the known
answer); LAPE's counts, perplexities and deactivations against direct computations; and a probe
round of a tiny Llama writing the rows of both for every layer (an encoder gets none)."""

from __future__ import annotations

import copy
import logging

import numpy as np
import pytest
import torch

from xlprobe.models import load_model, tiny_model_dir
from xlprobe.models.families import family_of
from xlprobe.probing.causal_lm import token_nll
from xlprobe.probing.dictionary import Dictionary
from xlprobe.probing.hooks import capture, hook_point, layer_modules, set_units
from xlprobe.probing.probes.lape import positive_counts
from xlprobe.probing.probes.logit_lens import (
    lens_curves,
    lens_prompts,
    logit_lens,
    sample_prompts,
    word_triples,
)

TINY = {"n_sentences": 200, "vocab_size": 1000, "hidden_size": 64}


def _config_model(model_type: str):
    """A 2-layer causal LM of ``model_type`` with random weights, built from its config (no
    tokenizer needed)."""
    import transformers

    sizes = {
        "vocab_size": 97,
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
    }
    configs = {
        "llama": ("LlamaConfig", "LlamaForCausalLM", {"tie_word_embeddings": False}),
        "qwen2": ("Qwen2Config", "Qwen2ForCausalLM", {}),
        # Cohere scales its logits, Gemma 2 soft-caps them: the lens must do the same
        "cohere": ("CohereConfig", "CohereForCausalLM", {"logit_scale": 0.25}),
        "gemma2": ("Gemma2Config", "Gemma2ForCausalLM", {"final_logit_softcapping": 2.0}),
        "gpt2": ("GPT2Config", "GPT2LMHeadModel", {}),
        "bloom": ("BloomConfig", "BloomForCausalLM", {}),
        "xglm": ("XGLMConfig", "XGLMForCausalLM", {}),
    }
    config_name, model_name, extra = configs[model_type]
    if model_type == "gpt2":
        sizes = {"vocab_size": 97, "n_embd": 32, "n_layer": 2, "n_head": 4}
    elif model_type == "bloom":
        sizes = {"vocab_size": 97, "hidden_size": 32, "n_layer": 2, "n_head": 4}
    elif model_type == "xglm":
        sizes = {"vocab_size": 97, "d_model": 32, "ffn_dim": 64, "num_layers": 2,
                 "attention_heads": 4}  # fmt: skip
    torch.manual_seed(0)
    config = getattr(transformers, config_name)(**sizes, **extra)
    return getattr(transformers, model_name)(config).eval()


@pytest.mark.parametrize("model_type", ["llama", "qwen2", "cohere", "gemma2", "gpt2", "bloom",
                                        "xglm"])  # fmt: skip
def test_the_lens_of_the_last_residual_stream_is_the_models_output(model_type):
    model = _config_model(model_type)
    norm = family_of(model).final_norm_module(model)
    name = next(n for n, m in model.named_modules() if m is norm)
    ids = torch.tensor([[5, 17, 3, 42, 8, 60]])
    with torch.no_grad(), capture(model, name, read="input") as cache:
        logits = model(input_ids=ids).logits
        residual = cache[name]
    assert torch.allclose(logit_lens(model)(residual), logits, atol=1e-5)


@pytest.fixture(scope="module")
def tiny_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny_llms")
    return {
        "gpt2": tiny_model_dir("gpt2", root, num_layers=4, **TINY),
        "llama": tiny_model_dir("llama", root, num_layers=2, **TINY),
    }


@pytest.fixture(scope="module")
def corpus():
    from xlprobe.data.synthetic import generate_corpus

    return generate_corpus(200, seed=0)


DE = Dictionary({"Maus": [("mouse", 1.0)], "Haus": [("house", 1.0)], "Hund": [("dog", 1.0)]})
FR = Dictionary({"souris": [("mouse", 1.0)], "maison": [("house", 1.0)], "chien": [("dog", 1.0)]})


def test_a_middle_layer_made_to_predict_english_is_seen_by_the_lens(tiny_dirs):
    """GPT-2 blocks with zero attention and MLP weights add their MLP bias to the residual
    stream: block 1 adds C * u_E (the English word's embedding, tied to its unembedding), block
    3 adds C * (u_T - u_E); so hidden states 2 and 3 decode to E, the output (4) to T."""
    model, tokenizer = load_model(tiny_dirs["gpt2"], "base")
    family = family_of(model)
    sampled = sample_prompts(word_triples(DE, FR), n=1, shots=2, seed=0)
    [prompt] = lens_prompts(family, tokenizer, sampled, ("Deutsch", "Français"), None)
    assert prompt.text.endswith(f"Deutsch: {sampled[0][0].source} - Français:")
    [target], [latent] = prompt.target, prompt.latent
    blocks = model.transformer.h
    with torch.no_grad():
        for block in blocks:
            for projection in (block.attn.c_proj, block.mlp.c_proj):
                projection.weight.zero_()
                projection.bias.zero_()
        embeddings = model.transformer.wte.weight
        blocks[1].mlp.c_proj.bias.copy_(1000 * embeddings[latent])
        blocks[3].mlp.c_proj.bias.copy_(1000 * (embeddings[target] - embeddings[latent]))
        model.transformer.ln_f.weight.mul_(100)  # sharp distributions

    curves = lens_curves(model, tokenizer, [prompt], range(5))
    assert curves.layers == (0, 1, 2, 3, 4)
    np.testing.assert_array_less(0.99, curves.latent[0, [2, 3]])
    assert curves.target[0, 4] > 0.99
    np.testing.assert_array_less(curves.target[0, :4], 0.01)
    np.testing.assert_array_less(curves.latent[0, [0, 1, 4]], 0.01)
    np.testing.assert_array_less(curves.entropy[0, 2:], 0.05)
    assert curves.vocab == len(tokenizer)


def test_word_tokens_of_a_batch_are_those_of_each_sentence_alone(tiny_dirs, corpus):
    model, tokenizer = load_model(tiny_dirs["llama"], "base")
    sentences = corpus.sentences["de"][:6]
    point = hook_point(model, "ffn")
    modules = list(layer_modules(model, point))
    batched, tokens = positive_counts(
        model, tokenizer, sentences, modules, read=point.read, batch_size=4
    )
    alone = [positive_counts(model, tokenizer, [s], modules, read=point.read) for s in sentences]
    assert tokens == sum(n for _, n in alone) > 6 * 5
    for name in modules:
        assert batched[name].tolist() == sum(c[name] for c, _ in alone).tolist()
        assert 0 < batched[name].sum() < tokens * len(batched[name])


def test_token_nll_is_the_lms_own_loss(tiny_dirs, corpus):
    model, tokenizer = load_model(tiny_dirs["llama"], "base")
    sentences = corpus.sentences["fr"][:5]
    nll, count = token_nll(model, tokenizer, sentences, batch_size=3)
    ids, _ = family_of(model).tokenize_words(tokenizer, [s.split() for s in sentences])
    expected = 0.0
    with torch.no_grad():
        for row in ids:  # <s> and the words' tokens: every token after <s> is predicted
            ids_t = torch.tensor([row])
            expected += float(model(input_ids=ids_t, labels=ids_t).loss) * (len(row) - 1)
    assert count == sum(len(row) - 1 for row in ids)
    assert nll == pytest.approx(expected, rel=1e-5)


def test_deactivating_every_ffn_unit_is_a_model_without_mlp_input(tiny_dirs, corpus):
    """GELU(0) = 0: GPT-2 with W_fc and b_fc zero feeds zeros to c_proj, as set_units does."""
    model, tokenizer = load_model(tiny_dirs["gpt2"], "base")
    sentences = corpus.sentences["es"][:4]
    point = hook_point(model, "ffn")
    width = model.config.n_inner or 4 * model.config.n_embd
    units = {name: (range(width), [0.0] * width) for name in layer_modules(model, point)}
    with set_units(model, units, read=point.read):
        deactivated = token_nll(model, tokenizer, sentences, batch_size=2)
    plain = token_nll(model, tokenizer, sentences, batch_size=2)
    zeroed = copy.deepcopy(model)
    with torch.no_grad():
        for block in zeroed.transformer.h:
            block.mlp.c_fc.weight.zero_()
            block.mlp.c_fc.bias.zero_()
    assert deactivated[1] == plain[1]
    assert deactivated[0] == pytest.approx(token_nll(zeroed, tokenizer, sentences, batch_size=2)[0])
    assert deactivated[0] != pytest.approx(plain[0])


@pytest.mark.slow
def test_a_probe_round_writes_both_probes_rows_for_every_layer(tiny_dirs, corpus, tmp_path, caplog):
    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.settings import ProbeSettings

    model, tokenizer = load_model(tiny_dirs["llama"], "base")
    langs = ("de", "fr", "en")
    probe_corpus = ProbeCorpus({lang: corpus.sentences[lang][:40] for lang in langs})
    settings = ProbeSettings(
        languages=langs,
        k=5,
        options={
            "embeddings": {"enabled": False},
            "sentence": {"enabled": False},
            "logit_lens": {"n_prompts": 5, "shots": 2},
            "lape": {"enabled": True, "heldout": 10, "top_rate": 0.02},
        },
    )
    with caplog.at_level(logging.INFO, logger="xlprobe.probing.probes"):
        report = run_probe(model, tokenizer, probe_corpus, settings, probe_dir=tmp_path / "llama")
    pairs = {("de", "de"), ("de", "fr"), ("fr", "de"), ("fr", "fr")}
    for metric in ("lens_target", "lens_latent", "lens_entropy"):
        rows = report.select(metric=metric)
        assert {(r.lang_s, r.lang_t, r.layer) for r in rows} == {
            (*pair, layer) for pair in pairs for layer in (0, 1, 2)
        }
        assert {r.side_s for r in rows} == {"decoder"}
    units = report.select(metric="lape_units")
    assert {(r.lang_s, r.layer) for r in units} == {
        (lang, layer) for lang in langs for layer in (1, 2)
    }
    # 2 % of 2 x 256 units are selected; each is specific to one language or more
    assert sum(r.numerator for r in units) >= round(0.02 * 512)
    for lang in langs:
        counts = [r.numerator for r in units if r.lang_s == lang]
        if sum(counts):  # the spread over layers adds up to all its units
            assert sum(r.value for r in units if r.lang_s == lang) == pytest.approx(100)
    with_units = {r.lang_s for r in units if r.numerator}
    for metric in ("lape_ppl", "lape_ppl_random"):
        rows = report.select(metric=metric)
        assert {(r.lang_s, r.lang_t, r.layer) for r in rows} == {
            (s, t, 2) for s in with_units for t in langs
        }
    round_dir = tmp_path / "llama" / "rounds" / "base"
    with np.load(round_dir / "lape_units.npz") as kept:
        assert kept["probs"].shape == (512, 3) and kept["specific"].shape == (3, 512)
        assert kept["specific"].sum() == sum(r.numerator for r in units)
    assert (round_dir / "logit_lens.csv").is_file() and (round_dir / "lape.csv").is_file()
    assert "deactivating the" in caplog.text


@pytest.mark.slow
def test_an_encoder_gets_neither_probes_rows_but_a_line_why(tmp_path, corpus, caplog):
    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.settings import ProbeSettings

    model, tokenizer = load_model(tiny_model_dir("bert", tmp_path, num_layers=2, **TINY), "base")
    probe_corpus = ProbeCorpus({lang: corpus.sentences[lang][:30] for lang in ("de", "en")})
    options = {"embeddings": {"enabled": False}, "lape": {"enabled": True}}
    settings = ProbeSettings(languages=("de",), k=5, options=options)
    with caplog.at_level(logging.INFO, logger="xlprobe.probing.probes"):
        report = run_probe(model, tokenizer, probe_corpus, settings, probe_dir=tmp_path / "bert")
    assert not [r for r in report.rows if r.metric.startswith(("lens_", "lape_"))]
    assert report.select(metric="calign")
    assert "probe logit_lens: skipped, the bert family is encoder" in caplog.text
    assert "probe lape: skipped, the bert family is encoder" in caplog.text
