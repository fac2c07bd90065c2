"""conf/lang/<x>.yaml: each of the five languages as the training language of NER and SST-2
(the transfer sweep `-m lang=en,de,fr,es,ar`), and each X->en pair for MT."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra

CONF = Path(__file__).resolve().parents[2] / "conf"
LANGS = ("en", "de", "fr", "es", "ar")


def compose_train(*overrides: str):
    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        return compose("train", overrides=list(overrides))


@pytest.mark.parametrize("experiment", ["demo_ner", "demo_sst2"])
@pytest.mark.parametrize("lang", LANGS)
def test_each_language_trains_and_the_others_are_zero_shot(experiment, lang):
    cfg = compose_train(f"experiment={experiment}", f"lang={lang}")
    assert list(cfg.lang.train) == [lang]
    assert sorted(cfg.lang.zero_shot) == sorted(set(LANGS) - {lang})
    # the probe compares every other language with the training language
    assert cfg.lang.pivot == lang
    assert sorted(cfg.lang.probe) == sorted(set(LANGS) - {lang})
    assert cfg.data.train_langs == [lang]
    metric = {"demo_ner": "f1", "demo_sst2": "acc"}[experiment]
    assert cfg.task.monitor == f"val/{metric}/{lang}"


@pytest.mark.parametrize("source", ["de", "fr", "es", "ar"])
def test_each_pair_into_english_for_mt(source):
    cfg = compose_train("task=mt", f"lang={source}-en")
    assert list(cfg.lang.train) == [f"{source}-en"]
    assert sorted(cfg.lang.zero_shot) == sorted(
        f"{s}-en" for s in {"de", "fr", "es", "ar"} - {source}
    )
    assert cfg.lang.pivot == "en"
