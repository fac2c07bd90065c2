"""Sentence classification data (SST-2): a sentence and a label id."""

from __future__ import annotations

import logging
from typing import Any

from xlprobe.data.base import TaskDataModule
from xlprobe.data.readers import LabeledSentence, labeled_from_hub, load_hub_split, read_labeled

log = logging.getLogger(__name__)


class ClassificationDataModule(TaskDataModule):
    """Sentence classification; local files ``<split>.<lang>.tsv`` (``sentence<TAB>label``).

    A hub entry (``data.hub.<lang>``) may name its columns, ``text`` (default ``sentence``) and
    ``label`` (default ``label``), and ``labels``: the dataset's label names -> task label ids
    (rows with other labels are dropped, see :func:`xlprobe.data.readers.labeled_from_hub`).

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
        spec = self.hub[lang]
        options = {key: spec[key] for key in ("text", "label", "labels") if key in spec}
        examples, dropped = labeled_from_hub(
            load_hub_split(spec, split, self.hub_root),
            num_labels=self.num_labels,
            where=f"data.hub.{lang}",
            **options,
        )
        if dropped:
            log.info(
                "%s/%s: dropped rows with labels outside data.hub.%s.labels: %s",
                split,
                lang,
                lang,
                ", ".join(f"{name} {count}" for name, count in sorted(dropped.items())),
            )
        return examples

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
