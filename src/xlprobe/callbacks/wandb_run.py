"""Keep the W&B run id in every checkpoint, so that a run resumed from it (``ckpt_path=``) logs
to the same W&B run instead of starting a new one."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import lightning as L

logger = logging.getLogger(__name__)

CHECKPOINT_KEY = "wandb_run_id"
"""Top-level checkpoint key holding the W&B run id."""


class WandbRunIdCallback(L.Callback):
    """Write the id of the trainer's W&B run into each checkpoint (``checkpoint["wandb_run_id"]``);
    without a W&B logger it writes nothing. :func:`wandb_run_id` reads it back."""

    def on_save_checkpoint(
        self, trainer: L.Trainer, pl_module: L.LightningModule, checkpoint: dict[str, Any]
    ) -> None:
        for pl_logger in trainer.loggers:
            if isinstance(pl_logger, L.pytorch.loggers.WandbLogger) and pl_logger.version:
                checkpoint[CHECKPOINT_KEY] = pl_logger.version


def wandb_run_id(ckpt_path: str | Path | None) -> str | None:
    """The W&B run id stored in a checkpoint by :class:`WandbRunIdCallback`.

    The checkpoint is memory-mapped, so its weights are not read. None when ``ckpt_path`` is not
    a checkpoint file (None, or one of Lightning's names such as ``last``) or holds no id.
    """
    if not ckpt_path or not Path(ckpt_path).is_file():
        return None
    import torch

    checkpoint = torch.load(ckpt_path, map_location="cpu", mmap=True, weights_only=False)
    run_id = checkpoint.get(CHECKPOINT_KEY)
    if run_id:
        logger.info("W&B: resuming run %s from %s", run_id, ckpt_path)
    return run_id
