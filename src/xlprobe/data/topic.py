"""Topic classification data (SIB-200): a sentence and its topic.

Local files ``<split>.<lang>.topic.tsv`` have SIB-200's own columns, a header
``index_id<TAB>category<TAB>text`` and a row per sentence (the synthetic world writes them, its
seven topics being its template families). On the hub, SIB-200 (``Davlan/sib200``; Adelani et
al., EACL 2024) has one config per FLORES-200 code (``deu_Latn``) with the columns ``index_id``
(int64), ``category`` (string: ``science/technology``, ``travel``, ``politics``, ``sports``,
``health``, ``entertainment``, ``geography``) and ``text``, read from its parquet export
(revision ``refs/convert/parquet``). ``data.hub_template`` names that dataset once for every
language: ``{code}`` in a value becomes the language's registry code (its FLORES-200 code, see
:mod:`xlprobe.data.languages`), so ``lang.zero_shot`` may list any of SIB-200's 205 languages.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from xlprobe.data.classification import ClassificationDataModule
from xlprobe.data.readers import LabeledSentence, labeled_from_hub, load_hub_split
from xlprobe.errors import InputError
from xlprobe.io import read_text_lines

log = logging.getLogger(__name__)

COLUMNS = ("index_id", "category", "text")


def read_topics(path: str | Path, labels: Sequence[str]) -> list[LabeledSentence]:
    """Read a topic TSV (a header naming at least ``category`` and ``text``, then one row per
    sentence) into sentences with the label id of their category.

    Raises:
        InputError: A missing column, a row with another number of cells, or a category not in
            ``labels``, naming the file and line.
    """
    lines = read_text_lines(path, expected="a header and one sentence per line")
    header = lines[0].split("\t")
    missing = [c for c in ("category", "text") if c not in header]
    if missing:
        raise InputError(
            f"header {lines[0]!r} lacks the column(s) {missing}: expected SIB-200's columns "
            f"{chr(9).join(COLUMNS)!r}",
            path=path,
            line=1,
        )
    ids = {name: i for i, name in enumerate(labels)}
    category, text = header.index("category"), header.index("text")
    examples = []
    for number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise InputError(
                f"{len(cells)} tab-separated cells, the header has {len(header)}",
                path=path,
                line=number,
            )
        if cells[category] not in ids:
            raise InputError(
                f"category {cells[category]!r} is not one of task.labels ({', '.join(labels)})",
                path=path,
                line=number,
            )
        examples.append(LabeledSentence(cells[text].strip(), ids[cells[category]]))
    return examples


def hub_spec_for(template: Mapping[str, Any], lang: str) -> dict[str, Any] | None:
    """The ``data.hub`` entry of ``lang`` from ``template`` (``{code}`` and the other fields of
    the language's :class:`~xlprobe.data.languages.Language` filled in), or None when the
    registry does not know the language or SIB-200 lacks it."""
    from xlprobe.data.languages import lookup

    try:
        language = lookup(lang)
    except InputError:
        return None
    if not language.sib200:
        return None
    fields = {k: v for k, v in dataclasses.asdict(language).items() if isinstance(v, str)}
    return {k: v.format(**fields) if isinstance(v, str) else v for k, v in template.items()}


class TopicDataModule(ClassificationDataModule):
    """Topic classification; local files ``<split>.<lang>.topic.tsv``, SIB-200 on the hub.

    Args:
        labels: The topics, in label-id order (``task.labels``).
        hub_template: A ``data.hub`` entry for every language ``data.hub`` does not name
            (module docstring); None: ``data.hub`` only.
        **kwargs: See :class:`~xlprobe.data.classification.ClassificationDataModule` (without
            ``num_labels``: the number of ``labels``). A hub entry's columns default to
            ``text`` and ``category``, its label names to ``labels``.
    """

    local_ext = "topic.tsv"

    def __init__(
        self,
        tokenizer: Any,
        *,
        labels: Sequence[str],
        hub_template: Mapping[str, Any] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(tokenizer, num_labels=len(labels), **kwargs)
        self.labels = list(labels)
        self.hub_template = dict(hub_template or {})
        for lang in self.eval_langs:
            spec = hub_spec_for(self.hub_template, lang) if self.hub_template else None
            if lang not in self.hub and spec is not None:
                self.hub[lang] = spec

    def check_lang(self, lang: str) -> None:
        super().check_lang(lang)
        if self.source == "hub" and lang not in self.hub and self.hub_template:
            from xlprobe.data.languages import lookup

            language = lookup(lang)  # an unknown code is one line naming close ones
            raise InputError(
                f"language {lang!r} ({language.code}, {language.name}) is not in SIB-200: add "
                f"data.hub.{lang}, or remove it"
            )

    def read_local(self, split: str, lang: str) -> list[LabeledSentence]:
        return read_topics(self.local_files(split, lang)[0], self.labels)

    def read_hub(self, split: str, lang: str) -> list[LabeledSentence]:
        spec = self.hub[lang]
        options = {
            "text": spec.get("text", "text"),
            "label": spec.get("label", "category"),
            "labels": spec.get("labels", {name: i for i, name in enumerate(self.labels)}),
        }
        examples, dropped = labeled_from_hub(
            load_hub_split(spec, split, self.hub_root),
            num_labels=self.num_labels,
            where=f"data.hub.{lang}",
            **options,
        )
        if dropped:
            raise InputError(
                f"data.hub.{lang}: categories {sorted(dropped)} are not in task.labels "
                f"({', '.join(self.labels)}): set task.labels to the dataset's categories"
            )
        return examples
