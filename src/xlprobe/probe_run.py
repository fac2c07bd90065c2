"""``probe.py``: probe a base model or a checkpoint, or re-score a run's cached clusters."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from xlprobe.errors import InputError
from xlprobe.utils.runtime import get_metric_value, task_wrapper

log = logging.getLogger(__name__)

RESCORABLE = ("calign", "colap")
"""Probe settings that re-scoring may change; everything else needs new clusters."""


def _probe_values(cfg: DictConfig) -> dict[str, Any]:
    values = OmegaConf.to_container(cfg.probe, resolve=True)
    for key in ("enabled", "every_n_epochs", "probe_base", "corpus"):
        values.pop(key, None)
    return {**values, "languages": list(cfg.lang.probe), "pivot": cfg.lang.pivot}


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
    from xlprobe.probing.cluster import resolve_backend
    from xlprobe.probing.pipeline import ProbeCorpus, ProbeRound, ProbeSettings, run_probe
    from xlprobe.training import load_task_model

    # Everything that can be checked without the model is checked before it loads.
    settings = ProbeSettings.from_dict(_probe_values(cfg))
    resolve_backend(settings.backend)
    if cfg.get("ckpt") and not Path(cfg.ckpt).is_file():
        raise InputError("checkpoint not found: set ckpt= to a .ckpt file of a run", path=cfg.ckpt)
    if cfg.data.source == "synthetic":
        ensure_synthetic(cfg.data.local_dir, cfg.data.synthetic)
    corpus = ProbeCorpus.from_dir(
        cfg.probe.corpus.dir,
        (*settings.languages, settings.pivot),
        split=cfg.probe.corpus.split,
        max_sentences=cfg.probe.corpus.max_sentences,
    )
    model, tokenizer = load_task_model(cfg)
    probe_round = ProbeRound()
    if cfg.get("ckpt"):
        checkpoint = _load_checkpoint_weights(model, cfg.ckpt)
        probe_round = ProbeRound(
            int(checkpoint.get("epoch", 0)), int(checkpoint.get("global_step", 0)), "finetuned"
        )
    probe_dir = Path(cfg.paths.output_dir) / "probe"
    return run_probe(
        model, tokenizer, corpus, settings, probe_dir=probe_dir, probe_round=probe_round
    )


def _rescore(cfg: DictConfig):
    from xlprobe.probing.pipeline import rescore

    values = _probe_values(cfg)
    overrides = {key: values[key] for key in RESCORABLE}
    log.info("Re-scoring %s with %s", cfg.from_run, overrides)
    return rescore(Path(cfg.from_run) / "probe", overrides)


@task_wrapper
def probe(cfg: DictConfig) -> dict[str, float]:
    """Probe (or re-score), write the report, CSVs and PNGs to the run dir, log to the loggers.

    Returns:
        The scalars of the last probed round (``probe/calign/encoder/de-en/layer_06`` ...).
    """
    from xlprobe.reporting.outputs import write_outputs
    from xlprobe.reporting.tables import summary_table
    from xlprobe.utils.instantiate import instantiate_loggers, log_config

    report = _rescore(cfg) if cfg.get("from_run") else _probe_model(cfg)
    out = Path(cfg.paths.output_dir)
    write_outputs(report, out, train_langs=cfg.lang.train, zero_shot_langs=cfg.lang.zero_shot)
    loggers = instantiate_loggers(cfg.get("logger"))
    log_config(cfg, loggers)
    for row_epoch in report.epochs():
        scalars = report.scalars(row_epoch)
        step = max(r.step for r in report.rows if r.epoch == row_epoch)
        for pl_logger in loggers:
            pl_logger.log_metrics({**scalars, "probe/epoch": float(row_epoch)}, step=step)
    for pl_logger in loggers:
        pl_logger.finalize("success")
    last = report.epochs()[-1] if report.rows else None
    log.info("Probe report\n%s", summary_table(report, last))
    log.info("Timings: %s", ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()))
    log.info("Outputs in %s", out)
    return report.scalars(last) if last is not None else {}


def run(cfg: DictConfig) -> float | None:
    """Probe and return ``cfg.optimized_metric`` (for a Hydra sweeper)."""
    return get_metric_value(probe(cfg), cfg.get("optimized_metric"))
