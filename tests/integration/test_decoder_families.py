"""Decoder-only LLMs through the family adapters, on tiny real models: the tokenization of
pre-split words (leading space, byte fallback, BOS), padding that changes no vector, the hook
points of every family on the module names of the installed transformers, the generic
causal-LM family, probe rounds, expert sweeps and the float32 switch of the store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from xlprobe.errors import InputError
from xlprobe.models import ModelSpec, load_model, save_model, tiny_model_dir
from xlprobe.models.families import family_of
from xlprobe.probing.extract import ExtractionSettings, extract_view
from xlprobe.probing.hooks import capture, hook_point, layer_modules, set_units
from xlprobe.probing.sentences import sentence_vectors

CONF = Path(__file__).resolve().parents[2] / "conf"
TINY = {"n_sentences": 200, "vocab_size": 1000, "hidden_size": 64, "num_layers": 2}
ARCHS = ("llama", "gpt2", "bloom", "qwen2")
# digits, punctuation glued to words, Arabic, accented Latin, characters the tiny tokenizers
# never saw (byte fallback / raw bytes), a word that would split differently glued
WORDS = ["Die", "Datei", "3,5", "(groß)", "12345", "الملف", "كبير؟", "café", "élève.", "日本", "€"]


@pytest.fixture(scope="module")
def decoder_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny_decoders")
    return {arch: tiny_model_dir(arch, root, **TINY) for arch in ARCHS}


@pytest.fixture(scope="module")
def decoders(decoder_dirs):
    return {arch: load_model(path, "base") for arch, path in decoder_dirs.items()}


def _hooks(model) -> int:
    """Forward hooks and pre-hooks on the model's modules (transformers keeps its own output
    recorders on some after the first forward pass, so tests compare counts)."""
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def _model_spec(*overrides: str):
    """The ModelSpec of the composed train config with ``overrides``."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from xlprobe.models import model_spec

    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose("train", overrides=list(overrides))
    GlobalHydra.instance().clear()
    return model_spec(cfg.model)


# --- tokenization -------------------------------------------------------------------------


@pytest.mark.parametrize("arch", ARCHS)
def test_word_ids_equal_each_word_tokenized_alone_after_a_space(decoders, arch):
    model, tokenizer = decoders[arch]
    family = family_of(model)
    ids, word_ids = family.tokenize_words(tokenizer, [WORDS, WORDS[::-1]])
    for sentence, row, owners in zip([WORDS, WORDS[::-1]], ids, word_ids, strict=True):
        reference = [tokenizer(" " + w, add_special_tokens=False)["input_ids"] for w in sentence]
        assert [i for i, w in zip(row, owners, strict=True) if w is not None] == [
            i for pieces in reference for i in pieces
        ]
        assert [w for w in owners if w is not None] == [
            n for n, pieces in enumerate(reference) for _ in pieces
        ]
        # BOS/EOS are never words
        specials = [i for i, w in zip(row, owners, strict=True) if w is None]
        assert set(specials) <= set(tokenizer.all_special_ids)


@pytest.mark.parametrize("arch", ["gpt2", "bloom", "qwen2"])
def test_byte_level_words_carry_their_leading_space(decoders, arch):
    model, tokenizer = decoders[arch]
    ids, word_ids = family_of(model).tokenize_words(tokenizer, [["Die", "Datei"]])
    tokens = tokenizer.convert_ids_to_tokens(ids[0])
    owners = word_ids[0]
    firsts = [tokens[t] for t in range(len(tokens)) if t == 0 or owners[t] != owners[t - 1]]
    assert len(firsts) == 2 and all(t.startswith("Ġ") for t in firsts)
    # the tokenizer alone would glue the second word to the first
    assert tokenizer([["Die", "Datei"]], is_split_into_words=True)["input_ids"] != ids


def test_sentencepiece_style_llama_falls_back_to_bytes_and_adds_bos(decoders):
    model, tokenizer = decoders["llama"]
    ids, word_ids = family_of(model).tokenize_words(tokenizer, [["日本", "Datei"]])
    tokens = tokenizer.convert_ids_to_tokens(ids[0])
    assert tokens[0] == "<s>" and word_ids[0][0] is None
    assert "<0xE6>" in tokens  # 日 = E6 97 A5, unseen in training
    assert tokenizer.decode(ids[0], skip_special_tokens=True) == "日本 Datei"


def _pieces(tokenizer):
    """The tiny Llama's vocabulary and merges, to build other SentencePiece-style pipelines."""
    import json

    state = json.loads(tokenizer.backend_tokenizer.to_str())["model"]
    return dict(state["vocab"]), [tuple(m) for m in state["merges"]]


def test_gemma_style_tokenizer_without_dummy_prefix_gets_the_space(decoders):
    from transformers import GemmaTokenizer

    vocab, merges = _pieces(decoders["llama"][1])
    gemma = GemmaTokenizer(vocab=vocab, merges=merges, unk_token="<unk>", bos_token="<s>")
    family = family_of({"model_type": "gemma2"})
    ids, owners = family.tokenize_words(gemma, [WORDS])
    reference = [gemma(" " + w, add_special_tokens=False)["input_ids"] for w in WORDS]
    assert [i for i, w in zip(ids[0], owners[0], strict=True) if w is not None] == [
        i for pieces in reference for i in pieces
    ]
    # alone, Gemma's pipeline would glue every word to the previous one (no ▁ at all)
    glued = gemma([WORDS], is_split_into_words=True)["input_ids"][0]
    assert "▁" not in "".join(gemma.convert_ids_to_tokens(glued))


def test_a_normalizer_that_prepends_the_marker_gets_no_second_one(decoders):
    from tokenizers import normalizers
    from transformers import PreTrainedTokenizerFast

    backend = decoders["llama"][1].backend_tokenizer.__class__.from_str(
        decoders["llama"][1].backend_tokenizer.to_str()
    )
    # Llama 2's tokenizer.json as older conversions wrote it
    backend.normalizer = normalizers.Sequence(
        [normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")]
    )
    backend.pre_tokenizer = None
    legacy = PreTrainedTokenizerFast(tokenizer_object=backend, bos_token="<s>", unk_token="<unk>")
    ids, owners = family_of({"model_type": "llama"}).tokenize_words(legacy, [WORDS])
    reference = [legacy(w, add_special_tokens=False)["input_ids"] for w in WORDS]
    assert [i for i, w in zip(ids[0], owners[0], strict=True) if w is not None] == [
        i for pieces in reference for i in pieces
    ]
    assert not any(t.startswith("▁▁") for t in legacy.convert_ids_to_tokens(ids[0]))


# --- padding ------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("arch", ARCHS)
def test_batched_vectors_equal_one_sentence_at_a_time(decoders, synthetic_corpus, arch, side):
    model, tokenizer = decoders[arch]
    sentences = [*synthetic_corpus.sentences["de"][:7], " ".join(WORDS), "kurz"]
    tokenizer.padding_side = side
    try:
        for pooling in ("mean", "last"):
            batched = sentence_vectors(model, tokenizer, sentences, batch_size=9, pooling=pooling)
            alone = sentence_vectors(model, tokenizer, sentences, batch_size=1, pooling=pooling)
            assert sorted(batched) == [0, 1, 2]
            for layer, vectors in batched.items():
                np.testing.assert_allclose(vectors, alone[layer], atol=2e-5)
    finally:
        tokenizer.padding_side = "right"


def test_a_tokenizer_without_pad_token_batches_without_changing_a_vector(decoder_dirs, tmp_path):
    from transformers import AutoTokenizer

    model, prepared = load_model(decoder_dirs["gpt2"], "base")
    raw = AutoTokenizer.from_pretrained(decoder_dirs["gpt2"])
    assert raw.pad_token is None and prepared.pad_token == prepared.eos_token
    assert model.config.pad_token_id == prepared.eos_token_id
    sentences = ["die Maus schwamm", "Rosa war dankbar weil die neue Mühle ausgezeichnet war"]
    raw.padding_side = "left"
    settings = ExtractionSettings(batch_size=2)
    batched = extract_view(
        model, raw, sentences, side="decoder", lang="de", out_dir=tmp_path / "b", settings=settings
    )
    alone = extract_view(
        model,
        prepared,
        sentences,
        side="decoder",
        lang="de",
        out_dir=tmp_path / "a",
        settings=ExtractionSettings(batch_size=1),
    )
    assert batched.tokens.word.tolist() == alone.tokens.word.tolist() == " ".join(sentences).split()
    for layer in batched.layers:
        np.testing.assert_allclose(batched.layer(layer), alone.layer(layer), atol=2e-3)


def test_last_pooling_is_the_state_of_the_last_words_last_subword(decoders):
    model, tokenizer = decoders["llama"]
    family = family_of(model)
    sentence = "die Maus schwamm"
    last = sentence_vectors(model, tokenizer, [sentence], pooling="last")
    with torch.no_grad():
        hidden, word_ids = family.hidden_states(
            model, tokenizer, "decoder", [sentence.split()], None, "cpu"
        )
    position = max(t for t, w in enumerate(word_ids[0]) if w is not None)
    assert word_ids[0][-1] == 2 and position == len(word_ids[0]) - 1
    for layer, vectors in last.items():
        np.testing.assert_allclose(vectors[0], hidden[layer][0, position].numpy(), atol=1e-6)


# --- hook points on the installed transformers' module names ------------------------------


def _tiny_configs():
    import transformers as t

    gated = {
        "hidden_size": 32,
        "num_hidden_layers": 3,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "intermediate_size": 48,
        "vocab_size": 120,
    }
    return {
        "llama": (t.LlamaConfig(**gated), 48),
        "qwen2": (t.Qwen2Config(**gated), 48),
        "qwen3": (t.Qwen3Config(head_dim=8, **gated), 48),
        "gemma": (t.GemmaConfig(head_dim=8, **gated), 48),
        "gemma2": (t.Gemma2Config(head_dim=8, **gated), 48),
        "gemma3_text": (t.Gemma3TextConfig(head_dim=8, **gated), 48),
        "cohere": (t.CohereConfig(**gated), 48),
        "cohere2": (t.Cohere2Config(**gated), 48),
        "mistral": (t.MistralConfig(**gated), 48),
        "bloom": (t.BloomConfig(hidden_size=32, n_layer=3, n_head=4, vocab_size=120), 128),
        "gpt2": (t.GPT2Config(n_embd=32, n_layer=3, n_head=4, vocab_size=120), 128),
        "xglm": (
            t.XGLMConfig(d_model=32, num_layers=3, attention_heads=4, ffn_dim=48, vocab_size=120),
            48,
        ),
        "opt": (
            t.OPTConfig(
                hidden_size=32,
                num_hidden_layers=3,
                num_attention_heads=4,
                ffn_dim=48,
                word_embed_proj_dim=32,
                vocab_size=120,
            ),
            48,
        ),
        "gpt_neox": (
            t.GPTNeoXConfig(
                hidden_size=32,
                num_hidden_layers=3,
                num_attention_heads=4,
                intermediate_size=48,
                vocab_size=120,
            ),
            48,
        ),
    }


@pytest.mark.parametrize("model_type", sorted(_tiny_configs()))
def test_every_hook_point_finds_one_module_per_layer(model_type):
    from transformers import AutoModelForCausalLM

    config, units = _tiny_configs()[model_type]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = AutoModelForCausalLM.from_config(config).eval()
    family = family_of(model)
    assert family.kind == "decoder" and family.num_layers(model.config) == 3
    assert family.final_norm_module(model) is not None
    tokens = torch.tensor([[3, 4, 5, 6]])
    model(tokens)
    hooks = _hooks(model)
    for name in ("ffn", "ffn_out", "attention_out"):
        point = hook_point(model, name)
        modules = layer_modules(model, point)
        assert sorted(modules.values()) == [0, 1, 2], (model_type, name, modules)
        with torch.no_grad(), capture(model, list(modules), read=point.read) as cache:
            model(tokens)
        widths = {cache[m].shape[-1] for m in modules}
        assert widths == {units if name == "ffn" else 32}
    assert _hooks(model) == hooks


def test_an_intervention_on_ffn_units_holds_at_every_token(decoders):
    model, tokenizer = decoders["llama"]
    point = hook_point(model, "ffn")
    modules = list(layer_modules(model, point))
    units = {modules[0]: ([3, 7], [5.0, -2.0])}
    batch = family_of(model).encode_words(tokenizer, [["die", "Maus"], ["Rosa", "war", "müde"]])
    model(input_ids=batch.input_ids)
    hooks = _hooks(model)
    with set_units(model, units, read="input"), capture(model, modules, read="input") as seen:
        with torch.no_grad():
            model(input_ids=batch.input_ids, attention_mask=batch.attention_mask)
        acts = seen[modules[0]]
        assert acts.shape[:2] == batch.input_ids.shape  # every position of every sentence
        assert torch.all(acts[..., 3] == 5.0) and torch.all(acts[..., 7] == -2.0)
    assert _hooks(model) == hooks


# --- the generic family, configs, loading -------------------------------------------------


@pytest.fixture(scope="module")
def opt_dir(decoders, tmp_path_factory):
    """A tiny OPT (a decoder type no adapter names) with the tiny GPT-2's byte-level BPE."""
    from transformers import OPTConfig, OPTForCausalLM

    _, tokenizer = decoders["gpt2"]
    config = OPTConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        ffn_dim=256,
        word_embed_proj_dim=64,
        max_position_embeddings=512,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = OPTForCausalLM(config).eval()
    return save_model(model, tokenizer, tmp_path_factory.mktemp("opt") / "tiny_opt")


def test_model_hf_reads_the_family_of_an_unnamed_decoder_from_config_json(opt_dir):
    spec = _model_spec("model=hf", f"model.name_or_path={opt_dir}")
    assert spec.family is None
    assert spec.adapter().name == "causal_lm" and spec.num_layers() == 2
    model, tokenizer = spec.load("base", cache_dir=opt_dir.parent)
    assert type(model).__name__ == "OPTForCausalLM" and tokenizer.pad_token is not None
    assert sorted(layer_modules(model, hook_point(model, "ffn")).values()) == [0, 1]


def test_weights_are_counted_from_the_config_alone(decoder_dirs, decoders):
    for arch in ("llama", "gpt2"):
        model, _ = decoders[arch]
        size = ModelSpec(name_or_path=str(decoder_dirs[arch])).weights("bfloat16")
        # parameters() counts a tied unembedding once (gpt2), an untied one twice (llama)
        assert size.parameters == sum(p.numel() for p in model.parameters())
        assert size.bytes == 2 * size.parameters and size.dtype == "bfloat16"
    quantized = ModelSpec(name_or_path=str(decoder_dirs["llama"]), load_in_4bit=True).weights()
    assert quantized.dtype == "int4" and quantized.bytes == quantized.parameters // 2
    assert ModelSpec(family="llama", tiny={"hidden_size": 64}).weights() is None


def test_gated_hub_model_is_one_line_about_hf_token(monkeypatch):
    import transformers

    def refused(*args, **kwargs):
        # what transformers raises when the hub answers 401/403 for a gated repository
        raise OSError(
            "You are trying to access a gated repo.\nMake sure to have access to it at "
            "https://huggingface.co/meta-llama/Llama-3.2-1B.\n403 Client Error."
        )

    monkeypatch.setattr(transformers.AutoConfig, "from_pretrained", refused)
    with pytest.raises(InputError, match=r"gated.*HF_TOKEN") as err:
        load_model("meta-llama/Llama-3.2-1B", "base")
    assert "\n" not in str(err.value)


@pytest.mark.skipif(torch.cuda.is_available(), reason="the refusal is for machines without CUDA")
def test_quantization_without_cuda_is_one_line(decoder_dirs):
    with pytest.raises(InputError, match=r"load_in_4bit=true .* CUDA"):
        load_model(decoder_dirs["gpt2"], "base", quantization="4bit")
    with pytest.raises(InputError, match="both true"):
        ModelSpec(name_or_path="x", load_in_4bit=True, load_in_8bit=True)


def test_a_model_placed_by_device_map_gives_the_same_hidden_states(decoder_dirs):
    placed, tokenizer = load_model(decoder_dirs["gpt2"], "base", device_map="auto")
    plain, _ = load_model(decoder_dirs["gpt2"], "base")
    batch = tokenizer(["der Hund läuft", "the dog runs"], return_tensors="pt", padding=True)
    with torch.no_grad():
        a = placed(**batch, output_hidden_states=True).hidden_states
        b = plain(**batch, output_hidden_states=True).hidden_states
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        torch.testing.assert_close(x, y)


@pytest.mark.parametrize(
    ("config", "family", "name"),
    [
        ("bloom_560m", "bloom", "bigscience/bloom-560m"),
        ("aya_expanse_8b", "cohere", "CohereLabs/aya-expanse-8b"),
        ("llama3_2_1b", "llama", "meta-llama/Llama-3.2-1B"),
        ("qwen2_5_0_5b", "qwen2", "Qwen/Qwen2.5-0.5B"),
        ("xglm_564m", "xglm", "facebook/xglm-564M"),
    ],
)
def test_llm_configs_name_their_family(config, family, name):
    spec = _model_spec(f"model={config}", "model.load_in_4bit=true")
    assert (spec.family, spec.name_or_path, spec.quantization) == (family, name, "4bit")
    assert spec.adapter().generates


# --- probe rounds, experts, the store -----------------------------------------------------


def _probe_corpus(synthetic_corpus, n: int = 40):
    from xlprobe.data.corpus import ProbeCorpus

    return ProbeCorpus({lang: synthetic_corpus.sentences[lang][:n] for lang in ("de", "en")})


@pytest.mark.slow
@pytest.mark.parametrize("arch", ["llama", "gpt2", "bloom"])
def test_a_probe_round_on_a_tiny_decoder_writes_every_layers_rows(
    decoders, synthetic_corpus, arch, tmp_path
):
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.settings import ProbeSettings

    model, tokenizer = decoders[arch]
    settings = ProbeSettings(
        languages=("de",), k=5, options={"embeddings": {"min_size": 5, "n_folds": 2}}
    )
    report = run_probe(
        model, tokenizer, _probe_corpus(synthetic_corpus), settings, probe_dir=tmp_path
    )
    assert {r.side_s for r in report.rows} == {r.side_t for r in report.rows} == {"decoder"}
    for metric in ("calign", "colap", "retrieval", "abx_form", "abx_meaning", "lid_separability"):
        assert {r.layer for r in report.select(metric=metric)} == {0, 1, 2}, metric
    assert {r.layer for r in report.select(metric="emb_separability")} == {0}
    # only Llama's unembedding is its own (GPT-2's and BLOOM's are tied to the embeddings)
    unembedding = {r.layer for r in report.select(metric="unemb_separability")}
    assert unembedding == ({2} if arch == "llama" else set())


@pytest.mark.slow
def test_last_token_sentence_rows_come_from_their_own_pooling(decoders, synthetic_corpus, tmp_path):
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.settings import ProbeSettings

    model, tokenizer = decoders["qwen2"]
    corpus = _probe_corpus(synthetic_corpus)
    values = {}
    for pooling in ("mean", "last"):
        settings = ProbeSettings(
            languages=("de",),
            k=5,
            options={"embeddings": {"enabled": False}, "sentence": {"pooling": pooling}},
        )
        report = run_probe(model, tokenizer, corpus, settings, probe_dir=tmp_path / pooling)
        values[pooling] = {
            (r.metric, r.layer): r.value for r in report.rows if r.metric == "abx_meaning"
        }
    layers = {("abx_meaning", layer) for layer in range(3)}
    assert values["mean"].keys() == values["last"].keys() == layers
    assert values["mean"] != values["last"]


@pytest.mark.slow
def test_the_generic_family_probes_an_unnamed_decoder(opt_dir, synthetic_corpus, tmp_path):
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.settings import ProbeSettings

    model, tokenizer = ModelSpec(name_or_path=str(opt_dir)).load("base", cache_dir=tmp_path)
    settings = ProbeSettings(languages=("de",), k=5, options={"embeddings": {"enabled": False}})
    report = run_probe(
        model, tokenizer, _probe_corpus(synthetic_corpus), settings, probe_dir=tmp_path
    )
    assert {r.layer for r in report.select(metric="calign", side_s="decoder")} == {0, 1, 2}
    assert {r.layer for r in report.select(metric="retrieval")} == {0, 1, 2}


@pytest.mark.slow
def test_experts_on_a_tiny_causal_model(decoder_dirs, synthetic_corpus, tmp_path, capsys):
    import csv

    from xlprobe.cli import main
    from xlprobe.data.synthetic import write_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for split in ("train", "probe"):
        write_corpus(synthetic_corpus, corpus, split)
    out = tmp_path / "out"
    argv = [
        "experts", str(decoder_dirs["llama"]), "--corpus", str(corpus), "--langs", "en", "de",
        "ar", "--targets", "ar", "--max-sentences", "40", "--k", "2", "8", "--concepts-at", "8",
        "--batch-size", "16", "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
    ]  # fmt: skip
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("ar k=2: mean change of retrieval top-1 from ar")
    with open(out / "experts_ar.csv", encoding="utf-8") as handle:
        experts = list(csv.DictReader(handle))
    assert len(experts) == 8 and {e["module"].endswith("mlp.down_proj") for e in experts} == {True}
    with open(out / "results.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["condition"] for r in rows} == {"experts", "random"}
    # CALIGN and COLAP under the intervention, on the decoder-only model's one side
    assert {r["layer"] for r in rows if r["metric"] == "calign"} == {"0", "1", "2"}


@pytest.mark.slow
def test_the_experts_sweep_leaves_no_hook_and_counts_every_ffn_unit(
    decoders, synthetic_corpus, tmp_path
):
    from xlprobe.probing.expert_probe import ExpertSettings, run_experts

    model, tokenizer = decoders["bloom"]
    split = {lang: synthetic_corpus.sentences[lang][:30] for lang in ("de", "en")}
    sentence_vectors(model, tokenizer, split["de"][:1])
    hooks = _hooks(model)
    results = run_experts(model, tokenizer, split, split, ["de"], ExpertSettings(ks=(3,)), tmp_path)
    assert results.experts["de"]["n_units"] == 2 * 4 * 64  # 2 layers of 4 x 64 FFN units
    assert results.select(target="de", k=3, condition="random")
    assert _hooks(model) == hooks


def test_a_llm_layer_beyond_float16_is_stored_in_float32(decoder_dirs, tmp_path):
    model, tokenizer = load_model(decoder_dirs["llama"], "base")
    sentences = ["die Maus schwamm", "Rosa war dankbar"]
    plain = extract_view(
        model, tokenizer, sentences, side="decoder", lang="de", out_dir=tmp_path / "plain",
        settings=ExtractionSettings(),
    )  # fmt: skip
    assert plain.wide_layers == []
    with torch.no_grad():
        model.model.embed_tokens.weight.mul_(1e7)  # a residual stream beyond float16
    wide = extract_view(
        model, tokenizer, sentences, side="decoder", lang="de", out_dir=tmp_path / "wide",
        settings=ExtractionSettings(),
    )  # fmt: skip
    # the embeddings and the residual stream after block 0 are wide; layer 2 is after the
    # final norm, small again
    assert wide.wide_layers == [0, 1]
    assert np.abs(np.asarray(wide.layer(1))).max() > 65504
    assert wide.layer(2).dtype == np.float16
