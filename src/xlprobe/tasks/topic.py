"""Topic classification (SIB-200): accuracy and macro-F1 per language."""

from __future__ import annotations

from typing import Any

import torch
from torchmetrics import Metric

from xlprobe.tasks.classification import ClassificationTask


class ClassScores(Metric):
    """A confusion matrix; :meth:`compute` is accuracy, :meth:`macro_f1` the mean F1 over the
    classes that occur in the gold labels or the predictions (scikit-learn's
    ``f1_score(average="macro")``), both in percent. Counts are summed across processes.

    Args:
        num_classes: Classes C.
    """

    full_state_update = False

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.num_classes = num_classes
        zeros = torch.zeros(num_classes, num_classes, dtype=torch.long)
        self.add_state("confusion", default=zeros, dist_reduce_fx="sum")

    def update(self, predictions: torch.Tensor, targets: torch.Tensor) -> None:
        """Args: predictions, targets: [B] class ids."""
        cells = targets * self.num_classes + predictions
        self.confusion += torch.bincount(cells, minlength=self.num_classes**2).view(
            self.num_classes, self.num_classes
        )

    def compute(self) -> torch.Tensor:
        return 100.0 * self.confusion.diag().sum().float() / self.confusion.sum().clamp(min=1)

    def macro_f1(self) -> torch.Tensor:
        """100 * mean over occurring classes c of 2 tp_c / (gold_c + predicted_c)."""
        tp = self.confusion.diag().float()
        counts = (self.confusion.sum(0) + self.confusion.sum(1)).float()
        occurring = counts > 0
        return 100.0 * (2 * tp[occurring] / counts[occurring]).mean().nan_to_num(0.0)


class TopicTask(ClassificationTask):
    """Sequence classification over topics, accuracy (``<split>/acc/<lang>``) and macro-F1
    (``<split>/macro_f1/<lang>``) per language.

    Args:
        **kwargs: See :class:`xlprobe.tasks.base.TaskModule`.
    """

    def make_metric(self) -> Any:
        return ClassScores(self.model.config.num_labels)

    def on_validation_epoch_end(self) -> None:
        self._log_macro_f1("val")

    def on_test_epoch_end(self) -> None:
        self._log_macro_f1("test")

    def _log_macro_f1(self, split: str) -> None:
        for lang in self.eval_langs:
            metric = self.metrics[self.metric_key(split, lang)]
            with metric.sync_context():
                value = metric.macro_f1()
            self.log(f"{split}/macro_f1/{lang}", value, add_dataloader_idx=False)
