"""The mission's command with no hand-made probe corpus: `train.py model=tiny_mt5 task=mt
lang=fr-en data.source=local data.local_dir=D`, where D holds only the task's bilingual files;
the probe builds its corpus from them (pivot join), caches it and records it in the run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import open_dict

CONF = Path(__file__).resolve().parents[2] / "conf"
PAIRS = {"train": ["fr"], "validation": ["fr", "de", "es", "ar"], "test": ["fr", "de", "es", "ar"]}


@pytest.fixture
def task_dir(tmp_path: Path) -> Path:
    """Only the translation files of the training pair (fr-en) and the zero-shot pairs
    (de-en, es-en, ar-en), in the local reader's layout: no probe.<lang>.txt."""
    from xlprobe.data.synthetic import WorldSpec, write_synthetic_dataset

    spec = WorldSpec(n_train=32, n_val=24, n_test=24, n_probe=1)
    synthetic = write_synthetic_dataset(tmp_path / "synthetic", spec)
    data = tmp_path / "mt"
    data.mkdir()
    for split, langs in PAIRS.items():
        for lang in [*langs, "en"]:
            shutil.copy(synthetic / f"{split}.{lang}.txt", data / f"{split}.{lang}.txt")
    return data


@pytest.fixture(autouse=True)
def _reset_hydra():
    yield
    GlobalHydra.instance().clear()
    HydraConfig.instance().cfg = None


@pytest.mark.slow
def test_mt_run_builds_its_probe_corpus_from_the_task_pairs(task_dir, tmp_path):
    from xlprobe.training import train

    run_dir = tmp_path / "run"
    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(
            "train",
            overrides=[
                "model=tiny_mt5",
                "task=mt",
                "lang=fr-en",
                "data.source=local",
                f"data.local_dir={task_dir}",
                f"paths.cache_dir={tmp_path / 'cache'}",
                "++model.tiny.n_sentences=200",
                "logger=csv",
                "trainer=cpu",
                "trainer.max_epochs=1",
                "+trainer.limit_train_batches=2",
                "+trainer.limit_val_batches=1",
                "+trainer.limit_test_batches=1",
                "+trainer.enable_model_summary=false",
                "data.batch_size=8",
                "data.max_eval_examples=4",
                "task.module.max_new_tokens=8",
                "probe.probe_base=false",
                "probe.layers=[2]",
                "probe.sides=[encoder]",
            ],
            return_hydra_config=True,
        )
    HydraConfig().set_config(cfg)
    with open_dict(cfg):
        cfg.paths.output_dir = str(run_dir)
    train(cfg)

    corpus_dir = run_dir / "probe_corpus"
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    lines = {
        lang: (corpus_dir / f"probe.{lang}.txt").read_text(encoding="utf-8").splitlines()
        for lang in ("en", "fr", "de", "es", "ar")
    }
    sizes = {len(v) for v in lines.values()}
    assert sizes == {manifest["sentences"]} and manifest["sentences"] > 10
    assert manifest["languages"] == ["en", "fr", "de", "es", "ar"]
    # 4 pairs x (validation, test), each pair's files read from D
    assert len(manifest["sources"]) == 8
    assert all(str(task_dir) in source["name"] for source in manifest["sources"])
    # line-aligned: sentence i of every language is the translation of English sentence i
    english = (task_dir / "validation.en.txt").read_text(encoding="utf-8").splitlines()
    french = (task_dir / "validation.fr.txt").read_text(encoding="utf-8").splitlines()
    from xlprobe.data.probe_corpus import WordTokenizer

    tokenized = {
        WordTokenizer("en")(e): WordTokenizer("fr")(f) for e, f in zip(english, french, strict=True)
    }
    pairs = list(zip(lines["en"], lines["fr"], strict=True))
    assert any(en in tokenized for en, _ in pairs)
    assert all(tokenized[en] == fr for en, fr in pairs if en in tokenized)
    # the probe ran on it: CALIGN/COLAP rows for every zero-shot pair
    report = (run_dir / "probe_report.csv").read_text(encoding="utf-8")
    assert all(f",{lang}," in report for lang in ("fr", "de", "es", "ar"))
    # cached by digest: a second resolution reuses the cache directory
    cached = list((tmp_path / "cache" / "probe_corpora").glob("*/manifest.json"))
    assert len(cached) == 1
    assert json.loads(cached[0].read_text(encoding="utf-8"))["digest"] == manifest["digest"]


def configured_corpus(tmp_path: Path, hub_root: Path, *overrides: str) -> dict:
    """The resolved ``probe.corpus`` node of a hub run, reading the hub snapshots."""
    from omegaconf import OmegaConf

    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(
            "train",
            overrides=[
                "data.source=hub",
                f"paths.hub_root={hub_root}",
                f"paths.cache_dir={tmp_path / 'cache'}",
                f"paths.data_dir={tmp_path / 'no-data'}",
                *overrides,
            ],
        )
    return OmegaConf.to_container(cfg.probe.corpus, resolve=True)


@pytest.mark.parametrize(
    "overrides",
    [
        ("task=ner", "lang=en"),  # TED Multi: the documented default of a non-parallel task
        ("task=mt", "lang=fr-en"),  # TED Multi on the hub (task_pairs.hub_source)
        # the IWSLT 2017 and OPUS-100 pairs joined on English (hub_source=null)
        ("task=mt", "lang=fr-en", "task.probe_source.0.task_pairs.hub_source=null"),
    ],
)
def test_probe_corpus_from_the_hub_datasets(hub_root, tmp_path, overrides):
    from xlprobe.data.probe_sources import RUN_SUBDIR, load_probe_corpus

    corpus_cfg = configured_corpus(tmp_path, hub_root, *overrides)
    corpus = load_probe_corpus(corpus_cfg, ["fr", "de", "es", "ar"], "en", run_dir=tmp_path)
    manifest = json.loads((tmp_path / RUN_SUBDIR / "manifest.json").read_text(encoding="utf-8"))
    assert len(corpus) == manifest["sentences"] > 0
    assert {len(lines) for lines in corpus.sentences.values()} == {len(corpus)}
    paths = {next(iter(s["spec"].values()))["path"] for s in manifest["sources"]}
    if "hub_source=null" in overrides[-1]:
        assert paths == {"IWSLT/iwslt2017", "Helsinki-NLP/opus-100"}
        assert len(manifest["sources"]) == 8  # 4 pairs x (validation, test)
    else:
        assert paths == {"neulab/ted_multi"}
        # every fourth fixture row has no Spanish translation
        assert manifest["dropped"]["missing_language"] == 3
