"""Token classification (NER) fine-tuning, scored with entity-level F1 per language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torchmetrics import Metric

from xlprobe.data.collate import IGNORE_INDEX
from xlprobe.tasks.base import TaskModule
from xlprobe.tasks.entities import entity_counts, f1_score


class EntityF1(Metric):
    """Entity-level micro F1 (seqeval default mode) over the labeled (first-subword) positions,
    in percent (0-100). Counts are summed across processes.

    Args:
        labels: Tag names by id.
    """

    full_state_update = False

    def __init__(self, labels: Sequence[str]) -> None:
        super().__init__()
        self.labels = list(labels)
        for name in ("tp", "n_pred", "n_gold"):
            self.add_state(name, default=torch.tensor(0), dist_reduce_fx="sum")

    def update(self, predictions: torch.Tensor, targets: torch.Tensor) -> None:
        """Args: predictions, targets: [B x T] label ids; targets are -100 where not scored."""
        gold, predicted = [], []
        for pred_row, target_row in zip(predictions.tolist(), targets.tolist(), strict=True):
            kept = [(p, t) for p, t in zip(pred_row, target_row, strict=True) if t != IGNORE_INDEX]
            gold.append([self.labels[t] for _, t in kept])
            predicted.append([self.labels[p] for p, _ in kept])
        tp, n_pred, n_gold = entity_counts(gold, predicted)
        self.tp += tp
        self.n_pred += n_pred
        self.n_gold += n_gold

    def compute(self) -> torch.Tensor:
        return torch.tensor(100.0 * f1_score(int(self.tp), int(self.n_pred), int(self.n_gold)))


class TaggingTask(TaskModule):
    """Token-classification fine-tuning (labels on the first subword of each word).

    Args:
        **kwargs: See :class:`xlprobe.tasks.base.TaskModule`. Tag names come from the model's
            ``config.id2label``.
    """

    metric_name = "f1"

    def make_metric(self) -> Any:
        id2label = self.model.config.id2label
        return EntityF1([id2label[i] for i in range(len(id2label))])

    def update_metric(self, metric: Any, batch: dict[str, Any], outputs: Any) -> None:
        metric.update(outputs.logits.argmax(-1), batch["labels"])
