"""Every hub dataset the configs name, read offline from local snapshots with the real schemas
through the hub's ``datasets.load_dataset`` path (``paths.hub_root``), and every paper recipe
run for two steps with tiny stand-in models on them."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from hub_fixtures import SNAPSHOTS, covers
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf, open_dict

from xlprobe.data.readers import LabeledSentence, TaggedSentence
from xlprobe.errors import InputError

CONF = Path(__file__).resolve().parents[2] / "conf"
TASK_LANG = {"mt": "fr-en", "ner": "en", "sst2": "en", "pos": "en", "deps": "en", "topic": "en"}
SPLITS = ("train", "validation", "test")
RECIPES = sorted(p.stem for p in (CONF / "experiment").glob("paper_*.yaml"))
# the tiny stand-in of each real model's family
STAND_IN = {"mt5": "tiny_mt5", "bert": "tiny_bert", "xlmr": "tiny_xlmr"}
_HUB_ID = re.compile(r"[\w.-]+/[\w.-]+")


def compose_train(*overrides: str, hydra_config: bool = False) -> DictConfig:
    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        return compose("train", overrides=list(overrides), return_hydra_config=hydra_config)


def hub_specs(node: Any) -> list[dict[str, Any]]:
    """Every mapping in a config that names a hub dataset (a ``path`` of the form owner/name)."""
    if isinstance(node, dict):
        found = []
        path = node.get("path")
        if isinstance(path, str) and _HUB_ID.fullmatch(path):
            found.append(node)
        for value in node.values():
            found.extend(hub_specs(value))
        return found
    if isinstance(node, list):
        return [spec for value in node for spec in hub_specs(value)]
    return []


def configured_hub_specs() -> list[dict[str, Any]]:
    """The hub datasets of every task's config and every experiment."""
    configs = [compose_train(f"task={task}", f"lang={lang}") for task, lang in TASK_LANG.items()]
    configs += [compose_train(f"experiment={p.stem}") for p in (CONF / "experiment").glob("*.yaml")]
    return [spec for cfg in configs for spec in hub_specs(OmegaConf.to_container(cfg))]


def task_hub_entries() -> list[tuple[str, str]]:
    """(task, language) of every hub entry of the tasks' DataModules (``data.hub``, and for
    topic the entries its ``data.hub_template`` makes for the configured languages)."""
    from hydra.utils import instantiate

    entries = []
    for task, lang0 in TASK_LANG.items():
        cfg = compose_train(f"task={task}", f"lang={lang0}")
        entries += [(task, lang) for lang in instantiate(cfg.data, tokenizer=None).hub]
    return entries


def expected_examples(task: str, lang: str, split: str) -> list[Any]:
    """What the DataModule must read from the snapshot of ``split`` (the dataset's split name),
    from the synthetic sentences the snapshot was written with."""
    from hub_fixtures import corpus_for

    corpus = corpus_for(split)
    if task == "mt":
        src, tgt = lang.split("-")
        return list(zip(corpus.sentences[src], corpus.sentences[tgt], strict=True))
    if task == "ner":
        return [
            TaggedSentence(s.split(), tags)
            for s, tags in zip(corpus.sentences[lang], corpus.ner_tags[lang], strict=True)
        ]
    if task == "pos":
        trees = corpus.trees[lang]
        return [TaggedSentence([w.form for w in t.words], [w.upos for w in t.words]) for t in trees]
    if task == "deps":
        return [comparable(t) for t in corpus.trees[lang]]
    if task == "topic":
        from xlprobe.data.synthetic import TOPIC_LABELS

        # the snapshot's SIB-200 categories are the synthetic topics, id for id
        rows = zip(corpus.sentences[lang], corpus.topics, strict=True)
        return [LabeledSentence(s, TOPIC_LABELS.index(t)) for s, t in rows]
    rows = zip(corpus.sentences[lang], corpus.sentiment, strict=True)
    if lang == "en":
        return [LabeledSentence(s, y) for s, y in rows]
    # the tweet sets: every third row is neutral, and dropped
    return [LabeledSentence(s, y) for i, (s, y) in enumerate(rows) if i % 3 != 2]


def comparable(example: Any) -> Any:
    """A CoNLL-U sentence as its words' (form, UPOS, head, relation) and its multiword tokens
    (what the UD reader must keep; line numbers and unspecified columns aside), a translation
    pair as (source, target), other examples as they are."""
    from xlprobe.data.conllu import Sentence
    from xlprobe.data.translation import SentencePair

    if isinstance(example, SentencePair):
        return example.source, example.target
    if not isinstance(example, Sentence):
        return example
    words = [(w.form, w.upos, w.head, w.deprel) for w in example.words]
    return words, [(t.first, t.last, t.form) for t in example.multiword_tokens]


def datamodule(hub_root: Path, task: str, *overrides: str) -> Any:
    from hydra.utils import instantiate

    cfg = compose_train(
        f"task={task}", f"lang={TASK_LANG[task]}", f"paths.hub_root={hub_root}", *overrides
    )
    return instantiate(cfg.data, tokenizer=None, _convert_="all")


def test_every_configured_hub_dataset_has_a_snapshot():
    specs = configured_hub_specs()
    # the three tasks' datasets at least: IWSLT, OPUS-100, PAN-X, SST-2 and the tweet sets
    assert {spec["path"] for spec in specs} >= {s.repo for s in SNAPSHOTS}
    missing = [spec for spec in specs if not covers(spec)]
    assert not missing, f"add these to tests/integration/hub_fixtures.py: {missing}"


@pytest.mark.parametrize(("task", "lang"), task_hub_entries())
def test_hub_entry_reads_through_the_datamodule(task, lang, hub_root):
    dm = datamodule(hub_root, task)
    for split in SPLITS:
        source_split = dm.hub_split(split, lang)
        read = [comparable(example) for example in dm.read_hub(source_split, lang)]
        assert read == expected_examples(task, lang, source_split)


def test_sst2_test_split_is_validation_on_the_hub_but_test_for_the_tweets(hub_root):
    dm = datamodule(hub_root, "sst2")
    assert dm.hub_split("test", "en") == "validation"
    assert {dm.hub_split("test", lang) for lang in ("de", "fr", "es", "ar")} == {"test"}


def test_unlabelled_hub_split_is_explained(hub_root):
    dm = datamodule(hub_root, "sst2", "data.splits.test=test")
    with pytest.raises(InputError, match=r"data\.hub\.en: label -1 .*unlabelled.*splits"):
        dm.read_hub(dm.hub_split("test", "en"), "en")


def test_wrong_text_column_is_named(hub_root):
    dm = datamodule(hub_root, "sst2", "data.hub.de.text=sentence")
    with pytest.raises(InputError, match=r"data\.hub\.de\.text='sentence': no such column"):
        dm.read_hub("train", "de")


def test_ner_tags_in_another_order_than_task_labels_fail(hub_root):
    dm = datamodule(hub_root, "ner", "task.labels=[O,B-LOC,I-LOC,B-PER,I-PER,B-ORG,I-ORG]")
    with pytest.raises(InputError, match=r"data\.hub\.en: the dataset's ner_tags are"):
        dm.read_hub("train", "en")


def test_missing_snapshot_fails_preflight_saying_how_to_download_it(tmp_path):
    from xlprobe.preflight import preflight

    cfg = recipe_config("paper_mt5_ted", tmp_path / "run", f"paths.hub_root={tmp_path}")
    with pytest.raises(InputError, match=r"hf download --repo-type dataset IWSLT/iwslt2017 "):
        preflight(cfg, for_training=True)


# --- the paper recipes, two steps on tiny stand-ins -----------------------------------------


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    """Tiny models and dictionaries, built once for the module."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _reset_hydra():
    yield
    GlobalHydra.instance().clear()
    HydraConfig.instance().cfg = None


def recipe_config(recipe: str, output_dir: Path, *overrides: str) -> DictConfig:
    """A paper recipe with its model swapped for the tiny stand-in of the same architecture,
    on the CPU, reading the hub snapshots; composed like ``train.py`` composes it."""
    family = compose_train(f"experiment={recipe}").model.family
    cfg = compose_train(
        f"experiment={recipe}",
        f"model={STAND_IN[family]}",
        "trainer=cpu",
        "logger=csv",
        "++model.tiny.n_sentences=200",
        *overrides,
        hydra_config=True,
    )
    HydraConfig().set_config(cfg)
    with open_dict(cfg):
        cfg.paths.output_dir = str(output_dir)
    return cfg


@pytest.mark.slow
@pytest.mark.parametrize("recipe", RECIPES)
def test_paper_recipe_runs_two_steps_on_tiny_models(recipe, hub_root, cache_dir, tmp_path):
    from xlprobe.preflight import preflight
    from xlprobe.training import train

    cfg = recipe_config(
        recipe,
        tmp_path,
        f"paths.hub_root={hub_root}",
        f"paths.cache_dir={cache_dir}",
        # no probe corpus files: the probe builds one from the recipe's default parallel source
        # (task.probe_source), read from the hub snapshots like the task data
        f"probe.corpus.dir={tmp_path / 'no_probe_corpus'}",
        # the paper's K=600 and layers up to 12 are for the 12-layer models
        "probe.k=null",
        "probe.layers=null",
        "++trainer.limit_train_batches=2",
        "trainer.log_every_n_steps=1",
        "trainer.max_epochs=1",
        "data.batch_size=4",
        "task.module.max_new_tokens=8" if recipe.startswith("paper_mt5") else "data.max_length=32",
    )
    preflight(cfg, for_training=True)
    metrics = train(cfg)

    assert cfg.data.source == "hub"
    metric = cfg.task.monitor.split("/")[1]
    for lang in [*cfg.lang.train, *cfg.lang.zero_shot]:
        assert 0.0 <= metrics[f"test/{metric}/{lang}"] <= 100.0
    built = tmp_path / "probe_corpus"
    assert (built / "manifest.json").is_file()
    lines = {
        lang: (built / f"probe.{lang}.txt").read_text().splitlines() for lang in cfg.lang.probe
    }
    assert len({len(v) for v in lines.values()}) == 1 and lines[cfg.lang.probe[0]]
    with (tmp_path / "probe_report.csv").open() as f:
        rows = list(csv.DictReader(f))
    # the base model and the model after the two steps, for every probed language
    assert {row["model_state"] for row in rows} >= {"base", "finetuned"}
    assert {row["lang_s"] for row in rows} >= set(cfg.lang.probe)


@pytest.mark.slow
@pytest.mark.parametrize("task", ["pos", "deps", "topic"])
def test_transfer_task_runs_two_steps_on_hub_snapshots(task, hub_root, cache_dir, tmp_path):
    """task=pos/deps/topic with their hub datasets (the UD release, SIB-200) and the probe on:
    composed like train.py composes it, through preflight, two training steps, every language
    tested."""
    from xlprobe.preflight import preflight
    from xlprobe.training import train

    cfg = compose_train(
        f"task={task}",
        "lang=en",
        "model=tiny_xlmr",
        "trainer=cpu",
        "logger=csv",
        "++model.tiny.n_sentences=200",
        f"paths.hub_root={hub_root}",
        f"paths.cache_dir={cache_dir}",
        # no probe corpus files: the probe builds one from the task's parallel source (TED Multi)
        f"probe.corpus.dir={tmp_path / 'no_probe_corpus'}",
        "++trainer.limit_train_batches=2",
        "trainer.log_every_n_steps=1",
        "trainer.max_epochs=1",
        "data.batch_size=4",
        "data.max_length=32",
        hydra_config=True,
    )
    HydraConfig().set_config(cfg)
    with open_dict(cfg):
        cfg.paths.output_dir = str(tmp_path)
    preflight(cfg, for_training=True)
    metrics = train(cfg)

    metric = cfg.task.monitor.split("/")[1]
    for lang in [*cfg.lang.train, *cfg.lang.zero_shot]:
        assert 0.0 <= metrics[f"test/{metric}/{lang}"] <= 100.0
    assert (tmp_path / "probe_report.csv").is_file()
