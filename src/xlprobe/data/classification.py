"""Sentence classification data (SST-2): a sentence and a label id."""

from __future__ import annotations

from typing import Any

from xlprobe.data.base import TaskDataModule
from xlprobe.data.readers import LabeledSentence, load_hub_split, read_labeled


class ClassificationDataModule(TaskDataModule):
    """Sentence classification; local files ``<split>.<lang>.tsv`` (``sentence<TAB>label``).

    Args:
        num_labels: Number of classes; labels are ids in ``[0, num_labels)``.
        max_length: Truncation in subwords.
        **kwargs: See :class:`xlprobe.data.base.TaskDataModule`.
    """

    local_ext = "tsv"

    def __init__(self, tokenizer: Any, *, num_labels: int, max_length: int = 128, **kwargs) -> None:
        super().__init__(tokenizer, **kwargs)
        self.num_labels = num_labels
        self.max_length = max_length

    def read_local(self, split: str, lang: str) -> list[LabeledSentence]:
        return read_labeled(self.local_files(split, lang)[0], self.num_labels)

    def read_hub(self, split: str, lang: str) -> list[LabeledSentence]:
        rows = load_hub_split(self.hub[lang], split)
        return [LabeledSentence(row["sentence"], int(row["label"])) for row in rows]

    def encode(self, examples: list[LabeledSentence]) -> list[dict[str, Any]]:
        enc = self.tokenizer(
            [ex.text for ex in examples], truncation=True, max_length=self.max_length
        )
        return [
            {
                "input_ids": enc["input_ids"][i],
                "attention_mask": enc["attention_mask"][i],
                "labels": ex.label,
            }
            for i, ex in enumerate(examples)
        ]
