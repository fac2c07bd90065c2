"""experiment=transfer_study on the hub snapshots (the UD release, SIB-200): the data.hub entries
the study writes for its UD languages read, preflight passes, two training steps run and every
target language is tested; with model.random_init=true (the monolingual condition) too."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import open_dict

CONF = Path(__file__).resolve().parents[2] / "conf"
TARGETS = ("de", "fr", "es", "ar")


@pytest.fixture(autouse=True)
def _reset_hydra():
    yield
    GlobalHydra.instance().clear()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("task", "random_init"), [("pos", False), ("deps", False), ("topic", True)]
)
def test_study_trains_two_steps_and_tests_every_target(task, random_init, hub_root, tmp_path):
    from xlprobe.preflight import preflight
    from xlprobe.training import train

    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(
            "train",
            overrides=[
                "experiment=transfer_study",
                f"task={task}",
                "lang=en",
                f"eval_langs=[{', '.join(TARGETS)}]",
                f"model.random_init={str(random_init).lower()}",
                # the XLM-R architecture, tiny, on a CPU
                "model=tiny_xlmr",
                "++model.tiny.n_sentences=200",
                "trainer=cpu",
                "callbacks=none",
                f"paths.hub_root={hub_root}",
                f"paths.cache_dir={tmp_path / 'cache'}",
                "++trainer.limit_train_batches=2",
                "trainer.max_epochs=1",
                "data.batch_size=4",
                "data.max_length=32",
            ],
            return_hydra_config=True,
        )
    HydraConfig().set_config(cfg)
    with open_dict(cfg):
        cfg.paths.output_dir = str(tmp_path)
    preflight(cfg, for_training=True)
    metrics = train(cfg)

    assert list(cfg.lang.zero_shot) == list(TARGETS)
    assert cfg.model.random_init is random_init
    metric = {"pos": "acc", "deps": "las", "topic": "acc"}[task]
    for lang in ("en", *TARGETS):
        assert 0.0 <= metrics[f"test/{metric}/{lang}"] <= 100.0
