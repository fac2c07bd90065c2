"""UPOS tagging as token classification (the first subword of each word labelled, like NER),
scored with accuracy per language."""

from __future__ import annotations

from typing import Any

import torch
from torchmetrics import Metric

from xlprobe.data.collate import IGNORE_INDEX
from xlprobe.tasks.tagging import TaggingTask


class TokenAccuracy(Metric):
    """Accuracy over the labelled (first-subword) positions, in percent (0-100):
    100 * #(argmax == gold) / #words. Counts are summed across processes.

    With gold tokenization this is the CoNLL 2018 UPOS score (aligned accuracy = F1) of the
    words the model reads (words cut off by truncation are not counted).
    """

    full_state_update = False

    def __init__(self) -> None:
        super().__init__()
        self.add_state("correct", default=torch.tensor(0), dist_reduce_fx="sum")
        self.add_state("total", default=torch.tensor(0), dist_reduce_fx="sum")

    def update(self, predictions: torch.Tensor, targets: torch.Tensor) -> None:
        """Args: predictions, targets: [B x T] label ids; targets are -100 where not scored."""
        scored = targets != IGNORE_INDEX
        self.correct += (predictions[scored] == targets[scored]).sum()
        self.total += scored.sum()

    def compute(self) -> torch.Tensor:
        return 100.0 * self.correct.float() / self.total.clamp(min=1)


class PosTask(TaggingTask):
    """UPOS tagging (``task=pos``): token classification over the 17 UPOS tags, accuracy per
    language (``val/acc/<lang>``).

    Args:
        **kwargs: See :class:`xlprobe.tasks.base.TaskModule`.
    """

    metric_name = "acc"

    def make_metric(self) -> Any:
        return TokenAccuracy()
