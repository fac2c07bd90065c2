"""Sentence classification (SST-2) fine-tuning, scored with accuracy per language."""

from __future__ import annotations

from typing import Any

import torch
from torchmetrics import Metric

from xlprobe.tasks.base import TaskModule


class Accuracy(Metric):
    """Accuracy in percent: 100 * #(argmax == label) / #examples. Counts summed across
    processes."""

    full_state_update = False

    def __init__(self) -> None:
        super().__init__()
        self.add_state("correct", default=torch.tensor(0), dist_reduce_fx="sum")
        self.add_state("total", default=torch.tensor(0), dist_reduce_fx="sum")

    def update(self, predictions: torch.Tensor, targets: torch.Tensor) -> None:
        """Args: predictions, targets: [B] class ids."""
        self.correct += (predictions == targets).sum()
        self.total += targets.numel()

    def compute(self) -> torch.Tensor:
        return 100.0 * self.correct.float() / self.total.clamp(min=1)


class ClassificationTask(TaskModule):
    """Sequence-classification fine-tuning, scored with :class:`Accuracy`.

    Args:
        **kwargs: See :class:`xlprobe.tasks.base.TaskModule`.
    """

    metric_name = "acc"

    def make_metric(self) -> Any:
        return Accuracy()

    def update_metric(self, metric: Any, batch: dict[str, Any], outputs: Any) -> None:
        metric.update(outputs.logits.argmax(-1), batch["labels"])
