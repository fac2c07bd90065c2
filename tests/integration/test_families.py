"""A model family in one file: a tiny BERT registered under another model type (transformers'
Auto classes and xlprobe's family registry, both public APIs) loads, probes, runs the expert
sweep and passes preflight with no other edit. Copy this test for a new family."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import open_dict

from xlprobe.errors import InputError
from xlprobe.models.families import (
    HookPoint,
    ModelFamily,
    TinyRecipe,
    family_of,
    register,
    unregister,
)

CONF = Path(__file__).resolve().parents[2] / "conf"


def _toy_classes():
    """Config and model classes of model type ``toybert`` (a BERT under another name)."""
    from transformers import BertConfig, BertForMaskedLM, BertModel

    class ToyBertConfig(BertConfig):
        model_type = "toybert"

    class ToyBertModel(BertModel):
        config_class = ToyBertConfig

    class ToyBertForMaskedLM(BertForMaskedLM):
        config_class = ToyBertConfig

    return ToyBertConfig, ToyBertModel, ToyBertForMaskedLM


@pytest.fixture(scope="module")
def toy_family():
    """The family: the Auto classes learn ``toybert``, xlprobe's registry the adapter."""
    from transformers import AutoConfig, AutoModel, AutoModelForMaskedLM

    config_class, model_class, masked_lm_class = _toy_classes()
    AutoConfig.register("toybert", config_class, exist_ok=True)
    AutoModel.register(config_class, model_class, exist_ok=True)
    AutoModelForMaskedLM.register(config_class, masked_lm_class, exist_ok=True)

    def tiny_config(tokenizer, hidden_size, num_layers, num_heads):
        return config_class(
            vocab_size=len(tokenizer),
            pad_token_id=tokenizer.pad_token_id,
            hidden_size=hidden_size,
            num_hidden_layers=num_layers,
            num_attention_heads=num_heads,
            intermediate_size=4 * hidden_size,
        )

    adapter = register(
        ModelFamily(
            name="toybert",
            model_types=("toybert",),
            kind="encoder",
            hook_points={"ffn": HookPoint(r"(?:^|\.)encoder\.layer\.(\d+)\.intermediate$")},
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
                config=tiny_config,
                model_class=masked_lm_class,
            ),
        )
    )
    yield adapter
    unregister(adapter.name)


@pytest.fixture(scope="module")
def toy_model(toy_family, tmp_path_factory):
    from xlprobe.models import ModelSpec
    from xlprobe.models.spec import TinySizes

    spec = ModelSpec(family="toybert", tiny=TinySizes(n_sentences=200, vocab_size=800))
    return spec.load("base", cache_dir=tmp_path_factory.mktemp("cache"))


def test_the_family_loads_and_is_its_models_adapter(toy_model, toy_family):
    model, tokenizer = toy_model
    assert model.config.model_type == "toybert" and tokenizer.is_fast
    assert family_of(model) is toy_family
    assert toy_family.num_layers(model.config) == 2


@pytest.mark.slow
def test_the_family_probes(toy_model, synthetic_corpus, tmp_path):
    from xlprobe.data.corpus import ProbeCorpus
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.settings import ProbeSettings

    model, tokenizer = toy_model
    corpus = ProbeCorpus({lang: synthetic_corpus.sentences[lang][:40] for lang in ("de", "en")})
    settings = ProbeSettings(languages=("de",), k=5, options={"embeddings": {"min_size": 5}})
    report = run_probe(model, tokenizer, corpus, settings, probe_dir=tmp_path)
    assert {r.layer for r in report.select(metric="calign")} == {0, 1, 2}
    assert {r.side_s for r in report.rows} == {"encoder"}
    assert report.select(metric="retrieval") and report.select(metric="lid_separability")


@pytest.mark.slow
def test_the_family_runs_the_expert_sweep(toy_model, synthetic_corpus, tmp_path):
    from xlprobe.probing.expert_probe import ExpertSettings, run_experts

    model, tokenizer = toy_model
    split = {lang: synthetic_corpus.sentences[lang][:30] for lang in ("de", "en")}
    hooks_before = sum(len(m._forward_hooks) for m in model.modules())
    results = run_experts(model, tokenizer, split, split, ["de"], ExpertSettings(ks=(3,)), tmp_path)
    assert results.experts["de"]["n_units"] == 2 * 4 * 64  # 2 layers of 4 x 64 FFN units
    assert results.select(target="de", k=3, condition="experts")
    assert sum(len(m._forward_hooks) for m in model.modules()) == hooks_before


def test_preflight_asks_the_family(toy_family, tmp_path):
    from xlprobe.preflight import check_layers, check_task_model

    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(
            "train",
            overrides=["model=tiny_bert", "model.family=toybert", "task=mt", "lang=demo"],
        )
    GlobalHydra.instance().clear()
    with open_dict(cfg):
        cfg.paths.output_dir = str(tmp_path)
    with pytest.raises(InputError, match=r"model\.family=toybert is encoder-only"):
        check_task_model(cfg)
    with pytest.raises(InputError, match="has 2 layers"):
        check_layers(cfg.model, [3])
    check_layers(cfg.model, [0, 2])


def test_an_unknown_model_type_names_the_families_and_the_file_to_add():
    with pytest.raises(InputError, match=r"model_type 'mystery' is not a supported.*one file in"):
        family_of({"model_type": "mystery"})
