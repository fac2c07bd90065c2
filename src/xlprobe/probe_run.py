"""``probe.py``: probe a base model, a checkpoint or the random-weights control, re-score a run's
cached clusters, or re-cluster its kept activations."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig, OmegaConf, open_dict

from xlprobe.errors import InputError
from xlprobe.utils.runtime import get_metric_value, task_wrapper

if TYPE_CHECKING:
    from xlprobe.probing.plan import LanguageRoles
    from xlprobe.probing.report import ProbeReport

log = logging.getLogger(__name__)


RUN_GROUPS = ("model", "task", "lang", "eval_langs", "data", "experiment")
"""Config nodes the cached results of a run depend on besides the probe settings: ``from_run``
keeps the run's, so an override of them must name the run's own value."""


def rescored_keys(
    overrides: Sequence[str], unchanged: Callable[[str], bool] = lambda key: False
) -> list[str]:
    """The probe settings that a ``from_run`` re-scoring (or re-clustering) changes: the ones the
    command line names. Every other setting keeps the run's value (its manifest), so a sweep over
    one knob leaves the others where the run had them.

    Args:
        overrides: The job's command-line overrides (Hydra's ``overrides.task``), e.g.
            ``["experiment=demo", "from_run=RUN", "probe.calign.n_best=5"]``.
        unchanged: Whether the override of a config key (``probe.layers``, ``lang.probe``,
            ``experiment``) gives it the value the run had: such an override changes nothing
            and is allowed whatever the key.

    Returns:
        Dotted keys below ``probe`` in command-line order, e.g. ``["calign.n_best"]``, or
        ``["calign"]`` for an override of the whole node (``probe.calign={theta:0.7}``).

    Raises:
        InputError: An override that gives another value to a probe setting that needs a new
            extraction (``probe.layers=[1]``, ``probe=paper``) or to what the run's results
            depend on (``model``, ``task``, ``lang``, ``eval_langs``, ``data``,
            ``experiment``).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from xlprobe.probing.settings import ProbeSettings

    changeable = (*rescorable(), *ProbeSettings.RECLUSTERABLE)
    keys = []
    for override in OverridesParser.create().parse_overrides(list(overrides)):
        key = override.key_or_group
        root = key.split(".")[0].split("@")[0]
        if root in RUN_GROUPS and not unchanged(key):
            raise InputError(
                f"{override.input_line}: from_run keeps the {root} of the run it reads (its "
                "cached results depend on it) and this gives it another value: drop it, or "
                "probe the model again (probe.py ckpt=... or train.py)"
            )
        if key != "probe" and not key.startswith("probe."):
            continue
        sub = key.removeprefix("probe").removeprefix(".")
        if sub.split(".")[0] not in changeable:
            if unchanged(key):
                continue
            names = ", ".join(f"probe.{name}" for name in changeable)
            raise InputError(
                f"{override.input_line}: from_run re-scores the run's cached clusters or "
                f"re-clusters its kept activations and can change only {names}; probe the "
                "model again (probe.py ckpt=... or train.py) to change anything else"
            )
        keys.append(sub)
    return keys


def _task_overrides() -> list[str]:
    """The command-line overrides of the running job (none outside Hydra)."""
    from hydra.core.hydra_config import HydraConfig

    return list(HydraConfig.get().overrides.task) if HydraConfig.initialized() else []


def _plain(value: Any) -> Any:
    return OmegaConf.to_container(value, resolve=False) if OmegaConf.is_config(value) else value


def _unchanged(cfg: DictConfig, source: Path) -> Callable[[str], bool]:
    """Whether a config key has the value the run in ``source`` (a run directory) had: probe
    settings against its manifest, other keys against its ``.hydra/config.yaml`` (unresolved,
    as Hydra saved it), ``experiment`` against its ``.hydra/overrides.yaml``."""
    from xlprobe.preflight import config_probe_settings
    from xlprobe.probing.probe_dir import ProbeDir

    recorded = OmegaConf.create(dict(ProbeDir(source / "probe").manifest().settings))
    config, overrides = source / ".hydra" / "config.yaml", source / ".hydra" / "overrides.yaml"
    saved = OmegaConf.load(config) if config.is_file() else None
    run_overrides = list(OmegaConf.load(overrides)) if overrides.is_file() else []

    def unchanged(key: str) -> bool:
        if key == "experiment":
            mine = [o for o in _task_overrides() if o.startswith("experiment=")]
            return mine == [o for o in run_overrides if o.startswith("experiment=")]
        if key == "probe" or key.startswith("probe."):
            values = OmegaConf.create(config_probe_settings(cfg).to_dict())
            sub = key.removeprefix("probe").removeprefix(".")
            if not sub:
                return values == recorded
            return _plain(OmegaConf.select(values, sub)) == _plain(OmegaConf.select(recorded, sub))
        if saved is None:
            return False
        return _plain(OmegaConf.select(cfg, key)) == _plain(OmegaConf.select(saved, key))

    return unchanged


def rescorable() -> tuple[str, ...]:
    """Probe settings re-scoring may change: the core ones and every probe plug-in's."""
    from xlprobe.probing.probes import probes
    from xlprobe.probing.settings import ProbeSettings

    return (*ProbeSettings.RESCORABLE, *(key for p in probes() for key in p.rescorable))


def _load_checkpoint_weights(model: Any, ckpt: str) -> dict[str, Any]:
    """Load the task module's ``model.*`` weights from a Lightning checkpoint into ``model``
    (a LoRA checkpoint into a model built with the run's ``model.lora``, which preflight
    checked)."""
    import torch

    path = Path(ckpt)
    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    state = {
        key.removeprefix("model."): value
        for key, value in checkpoint.get("state_dict", {}).items()
        if key.startswith("model.")
    }
    if not state:
        raise InputError("no model.* weights in the checkpoint's state_dict", path=path)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if "lm_head" not in k]:
        raise InputError(
            f"checkpoint does not match model={model.name_or_path}: missing {missing[:3]}, "
            f"unexpected {unexpected[:3]} (probe with the model/task of the run)",
            path=path,
        )
    return checkpoint


def _probe_model(cfg: DictConfig):
    from xlprobe.data.base import ensure_synthetic
    from xlprobe.data.probe_sources import load_probe_corpus
    from xlprobe.preflight import config_probe_settings
    from xlprobe.probing.pipeline import run_probe
    from xlprobe.probing.plan import LanguageRoles, RoundId
    from xlprobe.probing.ranks import Ranks
    from xlprobe.training import load_task_model

    # The corpus is read before the model loads (preflight has checked the options).
    ranks = Ranks.current()
    settings = config_probe_settings(cfg)
    if cfg.data.source == "synthetic":
        ensure_synthetic(cfg.data.local_dir, cfg.data.synthetic)
    corpus = load_probe_corpus(
        OmegaConf.to_container(cfg.probe.corpus, resolve=True),
        settings.languages,
        settings.pivot,
        run_dir=cfg.paths.output_dir if ranks.leader else None,
    )
    if cfg.model.get("random_init") and cfg.get("ckpt"):
        raise InputError(
            "model.random_init=true probes fresh random weights, ckpt= a trained checkpoint: "
            "drop one of them"
        )
    model, tokenizer = load_task_model(cfg)
    model = _on_this_device(model, cfg)
    round_id = RoundId(model_state="random_init" if cfg.model.get("random_init") else "base")
    if cfg.get("ckpt"):
        checkpoint = _load_checkpoint_weights(model, cfg.ckpt)
        round_id = RoundId(
            int(checkpoint.get("epoch", 0)), int(checkpoint.get("global_step", 0)), "finetuned"
        )
    probe_dir = Path(cfg.paths.output_dir) / "probe"
    roles = LanguageRoles(train=tuple(cfg.lang.train), zero_shot=tuple(cfg.lang.zero_shot))
    report = run_probe(
        model,
        tokenizer,
        corpus,
        settings,
        probe_dir=probe_dir,
        round_id=round_id,
        roles=roles,
    )
    return report, roles


def _on_this_device(model: Any, cfg: DictConfig) -> Any:
    """The model on this process's GPU (``LOCAL_RANK`` under torchrun) when there is one and
    no ``model.device_map`` placed it; else where it is."""
    import os

    import torch

    if cfg.model.get("device_map") or not torch.cuda.is_available():
        return model
    return model.to(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}")


def rescore_run(cfg: DictConfig) -> tuple[ProbeReport, LanguageRoles]:
    """Re-score the run ``cfg.from_run`` with the settings in its manifest, changing only those
    the command line names (:func:`rescored_keys`), into this run's ``probe/``. A cluster
    setting among them (``ProbeSettings.RECLUSTERABLE``: ``probe.k``, ``probe.seed``,
    ``probe.n_seeds``, ...) re-clusters the run's kept activations
    (:func:`~xlprobe.probing.pipeline.recluster`; one-line InputError for a run made without
    ``probe.keep_activations``); otherwise the run's clusters are re-scored where they are
    (:func:`~xlprobe.probing.pipeline.rescore`).

    Returns:
        The report over every cached round, and the run's training / zero-shot languages (from
        its manifest; from ``cfg.lang`` for a run that recorded none).
    """
    from xlprobe.probing.pipeline import recluster, rescore
    from xlprobe.probing.plan import LanguageRoles
    from xlprobe.probing.probe_dir import ProbeDir
    from xlprobe.probing.settings import ProbeSettings

    absent = object()
    changes: dict[str, Any] = {}
    unchanged = _unchanged(cfg, Path(cfg.from_run))
    for key in rescored_keys(_task_overrides(), unchanged):
        value = OmegaConf.select(cfg.probe, key, default=absent)
        if value is absent:
            continue
        *parents, leaf = key.split(".")
        node = changes
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = (
            OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value
        )
    source = ProbeDir(Path(cfg.from_run) / "probe")
    target = ProbeDir(Path(cfg.paths.output_dir) / "probe")
    if set(changes) & set(ProbeSettings.RECLUSTERABLE):
        log.info("Re-clustering %s's kept activations, changed: %s", cfg.from_run, changes)
        report = recluster(source, target, changes)
    else:
        log.info(
            "Re-scoring %s with the run's settings, changed: %s", cfg.from_run, changes or "none"
        )
        report = rescore(source, changes, target=target)
    roles = source.manifest().roles
    if roles is None:
        log.warning(
            "%s records no training / zero-shot languages (a run from an older xlprobe): the "
            "plots use lang.train and lang.zero_shot of this config",
            source.path,
        )
        roles = LanguageRoles(train=tuple(cfg.lang.train), zero_shot=tuple(cfg.lang.zero_shot))
    return report, roles


@task_wrapper
def probe(cfg: DictConfig) -> dict[str, float]:
    """Probe (or re-score), write the report, CSVs and PNGs to the run dir, log to the loggers.

    Returns:
        The scalars of the last probed round (``probe/calign/encoder/de-en/layer_06`` ...).
    """
    from lightning.pytorch.loggers import WandbLogger

    from xlprobe.preflight import preflight
    from xlprobe.reporting.outputs import write_outputs
    from xlprobe.reporting.tables import summary_table
    from xlprobe.reporting.wandb_payloads import report_payload
    from xlprobe.utils.instantiate import instantiate_loggers, log_config
    from xlprobe.utils.runtime import init_distributed

    preflight(cfg, for_training=False)
    if cfg.get("dry_run"):
        log.info("dry_run=true: stopping after the preflight checks and the estimate")
        return {}
    ranks = init_distributed(cfg.dist_timeout_s)
    if ranks.world > 1:
        # every rank probes into rank 0's run directory; rank 0 writes the outputs
        with open_dict(cfg):
            cfg.paths.output_dir = ranks.broadcast(cfg.paths.output_dir)
        if cfg.get("from_run") and not ranks.leader:
            return {}
    report, roles = rescore_run(cfg) if cfg.get("from_run") else _probe_model(cfg)
    if not ranks.leader:
        return {}
    out = Path(cfg.paths.output_dir)
    write_outputs(report, out, train_langs=roles.train, zero_shot_langs=roles.zero_shot)
    loggers = instantiate_loggers(cfg.get("logger"))
    log_config(cfg, loggers)
    for row_epoch in report.epochs():
        scalars = report.scalars(row_epoch)
        step = max(r.step for r in report.rows if r.epoch == row_epoch)
        for pl_logger in loggers:
            pl_logger.log_metrics({**scalars, "probe/epoch": float(row_epoch)}, step=step)
    for pl_logger in loggers:
        if isinstance(pl_logger, WandbLogger):
            pl_logger.experiment.log(report_payload(out))
        pl_logger.finalize("success")
    last = report.epochs()[-1] if report.rows else None
    log.info("Probe report\n%s", summary_table(report, last))
    log.info("Timings: %s", ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()))
    log.info("Outputs in %s", out)
    return report.scalars(last) if last is not None else {}


def run(cfg: DictConfig) -> float | None:
    """Probe and return ``cfg.optimized_metric`` (for a Hydra sweeper)."""
    return get_metric_value(probe(cfg), cfg.get("optimized_metric"))
