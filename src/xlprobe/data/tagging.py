"""Named-entity tagging data: words with BIO tags, labels on the first subword of each word."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlprobe.data.base import TaskDataModule
from xlprobe.data.collate import IGNORE_INDEX
from xlprobe.data.readers import TaggedSentence, load_hub_split, read_conll
from xlprobe.errors import InputError


def first_subword_labels(word_ids: Sequence[int | None], tag_ids: Sequence[int]) -> list[int]:
    """Align word-level tag ids to subwords: the first subword of each word gets the word's tag,
    later subwords and special tokens get :data:`IGNORE_INDEX`.

    Args:
        word_ids: Per subword, the index of its word (None for special tokens), as returned by a
            fast tokenizer's ``word_ids()``.
        tag_ids: Per word, its tag id.

    Returns:
        Per subword, a label id or -100.
    """
    labels = []
    previous = None
    for word in word_ids:
        labels.append(IGNORE_INDEX if word is None or word == previous else tag_ids[word])
        previous = word
    return labels


class TaggingDataModule(TaskDataModule):
    """CoNLL-style tagging; local files ``<split>.<lang>.conll``.

    Args:
        labels: Tag names; the id of a tag is its index.
        max_length: Truncation in subwords (words cut off are not scored).
        **kwargs: See :class:`xlprobe.data.base.TaskDataModule`.
    """

    local_ext = "conll"

    def __init__(
        self, tokenizer: Any, *, labels: Sequence[str], max_length: int = 128, **kwargs
    ) -> None:
        super().__init__(tokenizer, **kwargs)
        self.labels = list(labels)
        self.label_ids = {tag: i for i, tag in enumerate(self.labels)}
        self.max_length = max_length

    def read_local(self, split: str, lang: str) -> list[TaggedSentence]:
        return read_conll(self.local_files(split, lang)[0], self.labels)

    def read_hub(self, split: str, lang: str) -> list[TaggedSentence]:
        rows = load_hub_split(self.hub[lang], split, self.hub_root)
        names = getattr(getattr(rows.features["ner_tags"], "feature", None), "names", None)
        if names is not None and list(names) != self.labels:
            raise InputError(
                f"data.hub.{lang}: the dataset's ner_tags are {names}, but task.labels is "
                f"{self.labels}: set task.labels to the dataset's tags in their order"
            )
        return [
            TaggedSentence(list(row["tokens"]), [self.labels[t] for t in row["ner_tags"]])
            for row in rows
        ]

    def encode(self, examples: list[TaggedSentence]) -> list[dict[str, Any]]:
        if not getattr(self.tokenizer, "is_fast", False):
            raise InputError(
                "tagging needs a fast tokenizer (word_ids() to align tags to subwords); "
                f"{type(self.tokenizer).__name__} is not"
            )
        enc = self.tokenizer(
            [ex.words for ex in examples],
            is_split_into_words=True,
            truncation=True,
            max_length=self.max_length,
        )
        features = []
        for i, ex in enumerate(examples):
            tag_ids = [self.label_ids[tag] for tag in ex.tags]
            features.append(
                {
                    "input_ids": enc["input_ids"][i],
                    "attention_mask": enc["attention_mask"][i],
                    "labels": first_subword_labels(enc.word_ids(i), tag_ids),
                }
            )
        return features
