"""lang=<any registry code> through the Hydra plugin, eval_langs=all|[...], and the languages a
task's data serves: composed from the real conf/ the way train.py composes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import MissingConfigException
from omegaconf import OmegaConf

from xlprobe.data.lang_sets import missing_task_data, unknown_lang_option
from xlprobe.data.languages import lookup, sib200_languages, with_ud

CONF = Path(__file__).resolve().parents[2] / "conf"
FILES = sorted(p.stem for p in (CONF / "lang").glob("*.yaml"))


def compose_train(*overrides: str):
    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        return compose("train", overrides=list(overrides))


def langs(cfg) -> dict:
    return OmegaConf.to_container(cfg.lang, resolve=True)


@pytest.mark.parametrize("code", ["deu_Latn", "deu", "swh_Latn", "sme"])
def test_any_registry_code_is_a_lang_option(code):
    node = langs(compose_train(f"lang={code}", "task=topic"))
    assert node == {"train": [code], "zero_shot": [], "pivot": code, "probe": []}


def test_a_file_of_conf_lang_wins_over_the_registry():
    # conf/lang/de.yaml: German and the other four synthetic languages
    node = langs(compose_train("lang=de", "task=pos"))
    assert node["train"] == ["de"] and node["zero_shot"] == ["en", "fr", "es", "ar"]


def test_eval_langs_all_is_every_language_the_data_serves():
    # SIB-200 on the hub: every SIB-200 language but the source (German named two ways)
    zero_shot = langs(compose_train("lang=deu_Latn", "task=topic", "++eval_langs=all"))
    assert len(zero_shot["zero_shot"]) == len(sib200_languages()) - 1
    assert "deu_Latn" not in zero_shot["zero_shot"] and "swh_Latn" in zero_shot["zero_shot"]
    # the synthetic world: its five languages, named as its files name them
    cfg = compose_train("experiment=transfer_demo_pos", "lang=es")
    assert list(cfg.lang.zero_shot) == ["en", "de", "fr", "ar"]
    assert list(cfg.data.zero_shot_langs) == ["en", "de", "fr", "ar"]
    assert list(cfg.lang.probe) == ["en", "de", "fr", "ar"]


def test_eval_langs_list_replaces_a_files_targets():
    node = langs(compose_train("lang=en", "task=pos", "++eval_langs=[de, yor_Latn, en]"))
    assert node["zero_shot"] == ["de", "yor_Latn"]  # the source is never its own target


def test_transfer_study_reads_every_ud_language_from_the_hub():
    cfg = compose_train("experiment=transfer_study", "task=pos", "lang=fi")
    hub = OmegaConf.to_container(cfg.data, resolve=True)["hub"]
    assert set(cfg.lang.zero_shot) == set(hub) - {"fi"}
    assert len(hub) == len(with_ud())
    assert hub["fi"] == {
        "path": "commul/universal_dependencies",
        "data_dir": "fi_tdt",  # study.treebanks names it
        "revision": "2.18",
    }
    # a zero-shot language validates on its test split; PUD treebanks only when nothing else
    assert hub[lookup("de").code]["splits"] == {"validation": "test"}
    assert not any(e["data_dir"].endswith("_pud") for e in hub.values())
    # every treebank the study names is one of its language's treebanks in the registry
    for code, treebank in cfg.study.treebanks.items():
        assert treebank in lookup(code).ud_treebank_ids, code
    # topic reads SIB-200 through the task's template: no UD entries
    topic = compose_train("experiment=transfer_study", "task=topic", "lang=fi")
    assert OmegaConf.to_container(topic.data, resolve=True)["hub"] == {}
    assert len(topic.lang.zero_shot) == len(sib200_languages()) - 1


def test_unknown_code_is_one_line_with_close_codes():
    message = unknown_lang_option(["deu_Lat"], FILES)
    assert message is not None and "\n" not in message
    assert message.startswith("lang=deu_Lat: unknown language") and "deu_Latn" in message
    assert unknown_lang_option(["deu_Latn", "fr-en", "null"], FILES) is None
    with pytest.raises(MissingConfigException):
        compose_train("lang=deu_Lat")


def test_missing_task_data_names_every_language_without_data():
    message = missing_task_data("pos", ["de", "ace_Latn", "yor", "bem_Latn"])
    assert message is not None and "\n" not in message
    assert "2 of 4" in message and "ace_Latn (Acehnese (Latin script))" in message
    assert "bem_Latn" in message and " de " not in message
    assert "sme (North Sami)" in missing_task_data("topic", ["de", "sme"])
    assert missing_task_data("pos", ["de", "fi"]) is None
    assert missing_task_data("pos", ["de", "ace_Latn"], source="synthetic") is None
    assert "close:" in missing_task_data("topic", ["deu_Lat"])
