"""Machine translation (seq2seq) fine-tuning, scored with SacreBLEU per language pair."""

from __future__ import annotations

from typing import Any

import torch
from torchmetrics.text import SacreBLEUScore

from xlprobe.tasks.base import TaskModule


class SacreBLEU(SacreBLEUScore):
    """Corpus SacreBLEU (13a tokenization) on the 0-100 scale SacreBLEU reports (torchmetrics
    reports 0-1)."""

    def __init__(self) -> None:
        super().__init__(tokenize="13a")

    def compute(self) -> torch.Tensor:
        return 100.0 * super().compute()


class TranslationTask(TaskModule):
    """Seq2seq fine-tuning; validation and test decode (greedy or beam) and score SacreBLEU
    (13a tokenization, corpus level, 0-100) against the reference strings.

    Args:
        num_beams: Beam size for decoding (1: greedy).
        max_new_tokens: Decoding length limit, in subwords.
        **kwargs: See :class:`xlprobe.tasks.base.TaskModule`.
    """

    metric_name = "bleu"

    def __init__(self, *args: Any, num_beams: int = 1, max_new_tokens: int = 128, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.num_beams = num_beams
        self.max_new_tokens = max_new_tokens

    def make_metric(self) -> Any:
        return SacreBLEU()

    @torch.no_grad()
    def translate(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> list[str]:
        """Decode a batch of source ids [B x T] into strings."""
        generated = self.model.generate(
            input_ids=input_ids,
            attention_mask=attention_mask,
            num_beams=self.num_beams,
            max_new_tokens=self.max_new_tokens,
            do_sample=False,
        )
        return self.tokenizer.batch_decode(generated, skip_special_tokens=True)

    def update_metric(self, metric: Any, batch: dict[str, Any], outputs: Any) -> None:
        hypotheses = self.translate(batch["input_ids"], batch["attention_mask"])
        metric.update([h.strip() for h in hypotheses], [[ref] for ref in batch["target"]])
