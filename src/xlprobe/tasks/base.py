"""The LightningModule shared by the tasks: optimizer, schedule, training loss, and one metric
per (split, language) logged as ``<split>/<metric>/<lang>``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from lightning.pytorch import LightningModule


def linear_warmup_decay(step: int, warmup_steps: int, total_steps: int) -> float:
    """Learning-rate factor: linear ramp 0 -> 1 over ``warmup_steps``, then linear decay to 0 at
    ``total_steps``."""
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    remaining = total_steps - step
    return max(0.0, remaining / max(1, total_steps - warmup_steps))


class TaskModule(LightningModule):
    """Wraps a Hugging Face model; subclasses define the metric and how a batch updates it.

    Attributes:
        model: The Hugging Face ``PreTrainedModel`` being fine-tuned.
        tokenizer: Its tokenizer.

    Args:
        model: The Hugging Face model (its forward returns ``.loss`` when given ``labels``).
        tokenizer: Its tokenizer.
        optimizer: ``params -> Optimizer`` (a Hydra ``_partial_`` node).
        warmup_ratio: Fraction of the optimizer steps in linear warmup, followed by linear decay
            to zero; None keeps the learning rate constant.
    """

    metric_name = ""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        optimizer: Callable[[Iterable[torch.nn.Parameter]], torch.optim.Optimizer],
        warmup_ratio: float | None = None,
    ) -> None:
        super().__init__()
        self.model = model.train()
        self.tokenizer = tokenizer
        self.optimizer_factory = optimizer
        self.warmup_ratio = warmup_ratio
        self.metrics = torch.nn.ModuleDict()
        self.eval_langs: list[str] = []

    def make_metric(self) -> Any:
        """A fresh torchmetrics ``Metric`` for one (split, language)."""
        raise NotImplementedError

    def update_metric(self, metric: Any, batch: dict[str, Any], outputs: Any) -> None:
        """Update ``metric`` with an evaluation batch and the model's ``outputs`` on it."""
        raise NotImplementedError

    def setup(self, stage: str) -> None:
        datamodule = self.trainer.datamodule
        self.eval_langs = list(datamodule.eval_langs)
        for split in ("val", "test"):
            for lang in self.eval_langs:
                key = self.metric_key(split, lang)
                if key not in self.metrics:
                    self.metrics[key] = self.make_metric()

    @staticmethod
    def metric_key(split: str, lang: str) -> str:
        return f"{split}_{lang}"

    def forward(self, **inputs: Any) -> Any:
        return self.model(**inputs)

    @staticmethod
    def model_inputs(batch: dict[str, Any]) -> dict[str, Any]:
        """The tensors of a batch the model takes (drops reference strings and the like)."""
        return {k: v for k, v in batch.items() if isinstance(v, torch.Tensor)}

    def training_step(self, batch: dict[str, Any], batch_idx: int) -> torch.Tensor:
        inputs = self.model_inputs(batch)
        loss = self.model(**inputs).loss
        self.log(
            "train/loss",
            loss,
            on_step=True,
            on_epoch=False,
            prog_bar=True,
            batch_size=len(inputs["input_ids"]),
        )
        return loss

    def _eval_step(self, split: str, batch: dict[str, Any], dataloader_idx: int) -> None:
        lang = self.eval_langs[dataloader_idx]
        inputs = self.model_inputs(batch)
        batch_size = len(inputs["input_ids"])
        outputs = self.model(**inputs)
        self.log(
            f"{split}/loss/{lang}", outputs.loss, batch_size=batch_size, add_dataloader_idx=False
        )
        metric = self.metrics[self.metric_key(split, lang)]
        self.update_metric(metric, batch, outputs)
        self.log(
            f"{split}/{self.metric_name}/{lang}",
            metric,
            on_epoch=True,
            batch_size=batch_size,
            prog_bar=split == "val",
            add_dataloader_idx=False,
        )

    def validation_step(self, batch: dict[str, Any], batch_idx: int, dataloader_idx: int = 0):
        self._eval_step("val", batch, dataloader_idx)

    def test_step(self, batch: dict[str, Any], batch_idx: int, dataloader_idx: int = 0):
        self._eval_step("test", batch, dataloader_idx)

    def configure_optimizers(self) -> Any:
        optimizer = self.optimizer_factory(self.parameters())
        if self.warmup_ratio is None:
            return optimizer
        total = max(1, int(self.trainer.estimated_stepping_batches))
        warmup = max(1, int(self.warmup_ratio * total))
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: linear_warmup_decay(step, warmup, total)
        )
        return {
            "optimizer": optimizer,
            "lr_scheduler": {"scheduler": scheduler, "interval": "step"},
        }
