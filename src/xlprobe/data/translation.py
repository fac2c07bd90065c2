"""Parallel text for machine translation: one ``src-tgt`` pair per language entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlprobe.data.base import TaskDataModule
from xlprobe.data.readers import load_hub_split, read_parallel
from xlprobe.errors import InputError


def split_pair(pair: str) -> tuple[str, str]:
    """``"fr-en"`` -> ``("fr", "en")``; anything else is an InputError."""
    src, sep, tgt = pair.partition("-")
    if not sep or not src or not tgt or "-" in tgt:
        raise InputError(
            f"language pair {pair!r}: expected 'src-tgt' like 'fr-en' (MT uses lang=fr-en, ...)"
        )
    return src, tgt


class TranslationDataModule(TaskDataModule):
    """Source/target sentence pairs; local files ``<split>.<src>.txt`` + ``<split>.<tgt>.txt``.

    Encoded examples: ``input_ids``, ``attention_mask``, ``labels`` (target ids) and ``target``
    (the reference string, for BLEU).

    Args:
        max_source_length: Source truncation, in subwords.
        max_target_length: Target truncation, in subwords.
        **kwargs: See :class:`xlprobe.data.base.TaskDataModule`.
    """

    local_ext = "txt"

    def __init__(
        self,
        tokenizer: Any,
        *,
        max_source_length: int = 128,
        max_target_length: int = 128,
        **kwargs,
    ) -> None:
        super().__init__(tokenizer, **kwargs)
        self.max_source_length = max_source_length
        self.max_target_length = max_target_length

    def check_lang(self, lang: str) -> None:
        split_pair(lang)

    def local_files(self, split: str, lang: str) -> list[Path]:
        return [self.local_dir / f"{split}.{side}.txt" for side in split_pair(lang)]

    def read_local(self, split: str, lang: str) -> list[tuple[str, str]]:
        src_path, tgt_path = self.local_files(split, lang)
        return read_parallel(src_path, tgt_path)

    def read_hub(self, split: str, lang: str) -> list[tuple[str, str]]:
        src, tgt = split_pair(lang)
        rows = load_hub_split(self.hub[lang], split, self.hub_root)
        return [(row["translation"][src], row["translation"][tgt]) for row in rows]

    def encode(self, examples: list[tuple[str, str]]) -> list[dict[str, Any]]:
        sources = [src for src, _ in examples]
        targets = [tgt for _, tgt in examples]
        enc = self.tokenizer(sources, truncation=True, max_length=self.max_source_length)
        labels = self.tokenizer(
            text_target=targets, truncation=True, max_length=self.max_target_length
        )["input_ids"]
        return [
            {
                "input_ids": enc["input_ids"][i],
                "attention_mask": enc["attention_mask"][i],
                "labels": labels[i],
                "target": targets[i],
            }
            for i in range(len(examples))
        ]
