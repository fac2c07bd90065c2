"""``probe.py``: probe a base model, a checkpoint or the random-weights control, re-score a run's
cached clusters, or re-cluster its kept activations."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig, OmegaConf

from xlprobe.errors import InputError
from xlprobe.utils.runtime import get_metric_value, task_wrapper

if TYPE_CHECKING:
    from xlprobe.probing.plan import LanguageRoles
    from xlprobe.probing.report import ProbeReport

log = logging.getLogger(__name__)


def rescored_keys(overrides: Sequence[str]) -> list[str]:
    """The probe settings that a ``from_run`` re-scoring (or re-clustering) changes: the ones the
    command line names. Every other setting keeps the run's value (its manifest), so a sweep over
    one knob leaves the others where the run had them.

    Args:
        overrides: The job's command-line overrides (Hydra's ``overrides.task``), e.g.
            ``["experiment=demo", "from_run=RUN", "probe.calign.n_best=5"]``.

    Returns:
        Dotted keys below ``probe`` in command-line order, e.g. ``["calign.n_best"]``, or
        ``["calign"]`` for an override of the whole node (``probe.calign={theta:0.7}``).

    Raises:
        InputError: An override of a probe setting that needs a new extraction
            (``probe.layers=[1]``, ``probe=paper``).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from xlprobe.probing.settings import ProbeSettings

    changeable = (*rescorable(), *ProbeSettings.RECLUSTERABLE)
    keys = []
    for override in OverridesParser.create().parse_overrides(list(overrides)):
        key = override.key_or_group
        if key != "probe" and not key.startswith("probe."):
            continue
        sub = key.removeprefix("probe").removeprefix(".")
        if sub.split(".")[0] not in changeable:
            names = ", ".join(f"probe.{name}" for name in changeable)
            raise InputError(
                f"{override.input_line}: from_run re-scores the run's cached clusters or "
                f"re-clusters its kept activations and can change only {names}; probe the "
                "model again (probe.py ckpt=... or train.py) to change anything else"
            )
        keys.append(sub)
    return keys


def rescorable() -> tuple[str, ...]:
    """Probe settings re-scoring may change: the core ones and every probe plug-in's."""
    from xlprobe.probing.probes import probes
    from xlprobe.probing.settings import ProbeSettings

    return (*ProbeSettings.RESCORABLE, *(key for p in probes() for key in p.rescorable))


def _load_checkpoint_weights(model: Any, ckpt: str) -> dict[str, Any]:
    """Load the task module's ``model.*`` weights from a Lightning checkpoint into ``model``."""
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
    from xlprobe.training import load_task_model

    # The corpus is read before the model loads (preflight has checked the options).
    settings = config_probe_settings(cfg)
    if cfg.data.source == "synthetic":
        ensure_synthetic(cfg.data.local_dir, cfg.data.synthetic)
    corpus = load_probe_corpus(
        OmegaConf.to_container(cfg.probe.corpus, resolve=True),
        settings.languages,
        settings.pivot,
        run_dir=cfg.paths.output_dir,
    )
    if cfg.model.get("random_init") and cfg.get("ckpt"):
        raise InputError(
            "model.random_init=true probes fresh random weights, ckpt= a trained checkpoint: "
            "drop one of them"
        )
    model, tokenizer = load_task_model(cfg)
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
    from hydra.core.hydra_config import HydraConfig

    from xlprobe.probing.pipeline import recluster, rescore
    from xlprobe.probing.plan import LanguageRoles
    from xlprobe.probing.probe_dir import ProbeDir
    from xlprobe.probing.settings import ProbeSettings

    overrides = HydraConfig.get().overrides.task if HydraConfig.initialized() else []
    absent = object()
    changes: dict[str, Any] = {}
    for key in rescored_keys(overrides):
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

    preflight(cfg, for_training=False)
    report, roles = rescore_run(cfg) if cfg.get("from_run") else _probe_model(cfg)
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
