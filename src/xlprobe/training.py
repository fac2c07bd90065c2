"""Fine-tuning: build model, data, task, callbacks, loggers and trainer from the Hydra config,
then fit and test. ``train.py`` is the command-line entry point."""

from __future__ import annotations

import logging
from typing import Any

from omegaconf import DictConfig

from xlprobe.utils.runtime import get_metric_value, task_wrapper

log = logging.getLogger(__name__)


def load_task_model(cfg: DictConfig) -> tuple[Any, Any]:
    """The model of ``cfg.model`` with the task's head (``task.head``) and its tokenizer
    (:meth:`~xlprobe.models.ModelSpec.load`; ``model.random_init`` seeded by ``seed``)."""
    from xlprobe.models import model_spec
    from xlprobe.preflight import check_task_model

    check_task_model(cfg)
    labels = cfg.task.get("labels")
    return model_spec(cfg.model).load(
        cfg.task.head,
        cache_dir=cfg.paths.cache_dir,
        labels=None if labels is None else list(labels),
        seed=cfg.seed or 0,
    )


def _test_checkpoint(cfg: DictConfig, trainer: Any) -> str | None:
    if not cfg.get("train"):
        return cfg.get("ckpt_path")
    callback = trainer.checkpoint_callback
    best = getattr(callback, "best_model_path", "") if callback is not None else ""
    if not best:
        log.warning("No best checkpoint: testing the current weights")
        return None
    return best


@task_wrapper
def train(cfg: DictConfig) -> dict[str, float]:
    """Fine-tune ``cfg.model`` on ``cfg.task`` / ``cfg.lang``, then test.

    Returns:
        Every metric logged by the last fit and test (``train/loss``, ``val/bleu/fr-en``,
        ``test/bleu/de-en``, ...), as floats.
    """
    import lightning.pytorch as pl
    import torch

    from xlprobe.callbacks.wandb_run import wandb_run_id
    from xlprobe.preflight import preflight
    from xlprobe.utils.instantiate import (
        instantiate,
        instantiate_callbacks,
        instantiate_loggers,
        log_config,
    )

    preflight(cfg, for_training=True)
    if cfg.get("dry_run"):
        log.info("dry_run=true: stopping after the preflight checks and the estimate")
        return {}
    if cfg.get("seed") is not None:
        pl.seed_everything(cfg.seed, workers=True)
    if cfg.get("torch_threads"):
        torch.set_num_threads(cfg.torch_threads)

    ckpt_path = cfg.get("ckpt_path")
    # Callbacks check their settings (the probe's thresholds...) before the model loads.
    callbacks = instantiate_callbacks(cfg.get("callbacks"))
    model, tokenizer = load_task_model(cfg)
    log.info("DataModule <%s>", cfg.data._target_)
    datamodule = instantiate(cfg.data, tokenizer=tokenizer, _convert_="all")
    log.info("Task <%s>", cfg.task.module._target_)
    task = instantiate(cfg.task.module, model=model, tokenizer=tokenizer)
    loggers = instantiate_loggers(cfg.get("logger"), wandb_run_id=wandb_run_id(ckpt_path))
    trainer = instantiate(cfg.trainer, callbacks=callbacks, logger=loggers or False)
    log_config(cfg, trainer.loggers)

    metrics: dict[str, float] = {}
    if cfg.get("train"):
        log.info("Training")
        trainer.fit(task, datamodule=datamodule, ckpt_path=ckpt_path)
        metrics.update({k: float(v) for k, v in trainer.callback_metrics.items()})
    if cfg.get("test"):
        log.info("Testing")
        trainer.test(task, datamodule=datamodule, ckpt_path=_test_checkpoint(cfg, trainer))
        metrics.update({k: float(v) for k, v in trainer.callback_metrics.items()})
    log.info("Outputs in %s", cfg.paths.output_dir)
    return metrics


def run(cfg: DictConfig) -> float | None:
    """Train and return ``cfg.optimized_metric`` (what a Hydra sweeper optimizes)."""
    metrics = train(cfg)
    return get_metric_value(metrics, cfg.get("optimized_metric"))
