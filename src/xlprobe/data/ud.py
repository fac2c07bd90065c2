"""Universal Dependencies data for UPOS tagging and dependency parsing.

Two sources per language, like every task:

* local CoNLL-U files ``<local_dir>/<split>.<lang>.conllu`` (the synthetic world writes them;
  any UD treebank renamed so), read with :func:`xlprobe.data.conllu.read_conllu`;
* the hub's parquet UD release, ``commul/universal_dependencies`` (one config per treebank,
  ``en_ewt``; one revision per UD release, ``2.18``), read with ``datasets.load_dataset``. Its
  rows hold the syntactic words only, column by column (``tokens``, ``lemmas``, ``upos`` as a
  ``ClassLabel`` of :data:`HUB_UPOS_NAMES`, ``xpos``, ``feats``, ``head`` and ``deprel`` as
  strings, ``deps``, ``misc``; ``None`` where a column is unspecified), with the multiword tokens
  (``mwt``: ``id`` ``"1-2"``, ``form``, ``feats``, ``misc``) and empty nodes (``empty_nodes``)
  aside, and ``sent_id``/``text``. :func:`sentences_from_rows` turns them back into CoNLL-U
  lines and reads those, so a hub treebank passes the same checks (one root, no cycle) as a
  file.

The model reads the syntactic words (gold tokenization: a multiword token's words, ``de`` ``le``
for French ``du``); the CoNLL 2018 evaluation scores words, and aligns them to the gold file's
tokens through their characters (:mod:`xlprobe.analysis.ud_score`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from xlprobe.data.base import TaskDataModule
from xlprobe.data.collate import IGNORE_INDEX
from xlprobe.data.conllu import Sentence, parse_conllu, read_conllu
from xlprobe.data.readers import TaggedSentence, load_hub_split
from xlprobe.data.tagging import TaggingDataModule
from xlprobe.errors import InputError

log = logging.getLogger(__name__)

HUB_UPOS_NAMES: tuple[str, ...] = (
    "NOUN",
    "PUNCT",
    "ADP",
    "NUM",
    "SYM",
    "SCONJ",
    "ADJ",
    "PART",
    "DET",
    "CCONJ",
    "PROPN",
    "PRON",
    "X",
    "_",
    "ADV",
    "INTJ",
    "VERB",
    "AUX",
)
"""The ``upos`` ``ClassLabel`` names of the hub's UD release, in id order."""

UD_RELATIONS: tuple[str, ...] = (
    "acl",
    "advcl",
    "advmod",
    "amod",
    "appos",
    "aux",
    "case",
    "cc",
    "ccomp",
    "clf",
    "compound",
    "conj",
    "cop",
    "csubj",
    "dep",
    "det",
    "discourse",
    "dislocated",
    "expl",
    "fixed",
    "flat",
    "goeswith",
    "iobj",
    "list",
    "mark",
    "nmod",
    "nsubj",
    "nummod",
    "obj",
    "obl",
    "orphan",
    "parataxis",
    "punct",
    "reparandum",
    "root",
    "vocative",
    "xcomp",
)
"""The 37 universal dependency relations of UD v2 (without subtypes: the CoNLL 2018 LAS ignores
them, so a parser predicting these loses nothing)."""


def _cell(value: Any) -> str:
    """A CoNLL-U column value from a hub cell (``None`` or empty: ``_``)."""
    return "_" if value is None or value == "" else str(value)


def row_lines(row: Mapping[str, Any], upos_names: Sequence[str]) -> list[str]:
    """The CoNLL-U lines of one row of the hub's UD release (see the module docstring).

    Args:
        row: The row's columns.
        upos_names: Names of the ``upos`` class ids (the dataset's ``ClassLabel``).
    """
    lines = [f"# sent_id = {row['sent_id']}", f"# text = {row['text']}"]
    mwts = {int(t["id"].split("-")[0]): t for t in row.get("mwt") or ()}
    empties: dict[int, list[Mapping[str, Any]]] = {}
    for node in row.get("empty_nodes") or ():
        empties.setdefault(int(node["id"].split(".")[0]), []).append(node)

    def empty_lines(after: int) -> None:
        for e in empties.get(after, ()):
            cells = [e[k] for k in ("id", "form", "lemma", "upos", "xpos", "feats")]
            lines.append(
                "\t".join([*map(_cell, cells), "_", "_", _cell(e["deps"]), _cell(e["misc"])])
            )

    empty_lines(0)
    for i, form in enumerate(row["tokens"], 1):
        if i in mwts:
            t = mwts[i]
            lines.append("\t".join([t["id"], _cell(t["form"]), *["_"] * 7, _cell(t["misc"])]))
        upos = row["upos"][i - 1]
        cells = [
            str(i),
            form,
            row["lemmas"][i - 1],
            upos_names[upos] if isinstance(upos, int) else upos,
            row["xpos"][i - 1],
            row["feats"][i - 1],
            row["head"][i - 1],
            row["deprel"][i - 1],
            row["deps"][i - 1],
            row["misc"][i - 1],
        ]
        lines.append("\t".join(map(_cell, cells)))
        empty_lines(i)
    return lines


def sentences_from_rows(
    rows: Iterable[Mapping[str, Any]], upos_names: Sequence[str], where: str
) -> list[Sentence]:
    """Typed CoNLL-U sentences from rows of the hub's UD release.

    Raises:
        InputError: A row that is not a valid sentence (bad HEAD, no root, a cycle...), naming
            ``where`` (the dataset, config and split) and the row.
    """
    sentences = []
    for number, row in enumerate(rows):
        try:
            (sentence,) = parse_conllu(row_lines(row, upos_names), path=f"{where} row {number}")
        except InputError as err:
            raise InputError(f"{err} (sent_id {row.get('sent_id')})") from None
        sentences.append(sentence)
    return sentences


def read_hub_treebank(
    spec: Mapping[str, Any], split: str, hub_root: str | Path | None
) -> list[Sentence]:
    """The sentences of one split of a hub UD treebank (``data.hub`` entry ``spec``)."""
    rows = load_hub_split(spec, split, hub_root)
    feature = getattr(rows.features.get("upos"), "feature", None)
    names = getattr(feature, "names", None) or HUB_UPOS_NAMES
    where = f"{spec['path']} {spec.get('name') or spec.get('data_dir') or ''} {split}".strip()
    return sentences_from_rows(rows, names, where)


def _check_in(values: Iterable[str], allowed: set[str], what: str, sentence: Sentence) -> None:
    unknown = sorted(set(values) - allowed)
    if unknown:
        sent_id = sentence.metadata.get("sent_id", "?")
        raise InputError(
            f"sentence {sent_id} (line {sentence.line}): {what} {unknown} not in the task's "
            f"labels ({', '.join(sorted(allowed))})"
        )


def read_treebank(data: TaskDataModule, split: str, lang: str, *, hub: bool) -> list[Sentence]:
    """The sentences of ``split`` (the source's split name) for ``lang``: the local file
    ``<split>.<lang>.conllu`` of ``data`` or its hub treebank (``data.hub[lang]``)."""
    if hub:
        return read_hub_treebank(data.hub[lang], split, data.hub_root)
    return read_conllu(data.local_files(split, lang)[0])


class UposDataModule(TaggingDataModule):
    """UPOS tagging data: each word's UPOS on its first subword (like NER tags).

    Args:
        labels: The UPOS tags (``task.labels``: the 17 of UD v2).
        **kwargs: See :class:`~xlprobe.data.tagging.TaggingDataModule`.
    """

    local_ext = "conllu"

    def _tagged(self, sentences: list[Sentence]) -> list[TaggedSentence]:
        allowed = set(self.labels)
        out = []
        for s in sentences:
            tags = [w.upos for w in s.words]
            _check_in(tags, allowed, "UPOS", s)
            out.append(TaggedSentence([w.form for w in s.words], tags))
        return out

    def read_local(self, split: str, lang: str) -> list[TaggedSentence]:
        return self._tagged(read_treebank(self, split, lang, hub=False))

    def read_hub(self, split: str, lang: str) -> list[TaggedSentence]:
        return self._tagged(read_treebank(self, split, lang, hub=True))


def word_positions(word_ids: Sequence[int | None], n_words: int, subword: str) -> list[int]:
    """The subword position standing for each word: its ``first`` or ``last`` subword.

    Args:
        word_ids: Per subword, its word (None for special tokens), a fast tokenizer's
            ``word_ids()``.
        n_words: Words in the sentence; words cut off by truncation get no position.
        subword: ``first`` or ``last``.

    Returns:
        Positions of the words that kept a subword, in word order (a prefix of the words).
    """
    positions: dict[int, int] = {}
    for position, word in enumerate(word_ids):
        if word is not None and (subword == "last" or word not in positions):
            positions[word] = position
    return [positions[w] for w in range(n_words) if w in positions]


class DependencyDataModule(TaskDataModule):
    """Dependency parsing data: per sentence the subword position of each word, gold heads and
    relations (UD's universal relations, subtypes dropped), and the gold sentence itself (the
    parser writes its predictions into a copy).

    Args:
        labels: The relations (``task.labels``: :data:`UD_RELATIONS`).
        max_length: Truncation in subwords (words cut off are predicted as dependents of the
            root with the relation ``dep``, and so counted as errors).
        subword: Which subword stands for a word: ``first`` or ``last``.
        **kwargs: See :class:`~xlprobe.data.base.TaskDataModule`.
    """

    local_ext = "conllu"

    def __init__(
        self,
        tokenizer: Any,
        *,
        labels: Sequence[str],
        max_length: int = 128,
        subword: str = "first",
        **kwargs,
    ) -> None:
        super().__init__(tokenizer, **kwargs)
        if subword not in ("first", "last"):
            raise InputError(f"data.subword={subword!r}: expected 'first' or 'last'")
        self.labels = list(labels)
        self.label_ids = {rel: i for i, rel in enumerate(self.labels)}
        self.max_length = max_length
        self.subword = subword

    def transfer_batch_to_device(self, batch: dict[str, Any], device: Any, dataloader_idx: int):
        """Move the tensors; the word lists and gold sentences stay as they are (Lightning's
        default refuses frozen dataclasses)."""
        return {k: v.to(device) if hasattr(v, "to") else v for k, v in batch.items()}

    def _checked(self, sentences: list[Sentence]) -> list[Sentence]:
        allowed = set(self.labels)
        for s in sentences:
            _check_in((w.deprel.split(":")[0] for w in s.words), allowed, "relations", s)
        return sentences

    def read_local(self, split: str, lang: str) -> list[Sentence]:
        return self._checked(read_treebank(self, split, lang, hub=False))

    def read_hub(self, split: str, lang: str) -> list[Sentence]:
        return self._checked(read_treebank(self, split, lang, hub=True))

    def encode(self, examples: list[Sentence]) -> list[dict[str, Any]]:
        if not getattr(self.tokenizer, "is_fast", False):
            raise InputError(
                "parsing needs a fast tokenizer (word_ids() to find each word's subwords); "
                f"{type(self.tokenizer).__name__} is not"
            )
        enc = self.tokenizer(
            [[w.form for w in s.words] for s in examples],
            is_split_into_words=True,
            truncation=True,
            max_length=self.max_length,
        )
        features, truncated = [], 0
        for i, sentence in enumerate(examples):
            relations = [w.deprel.split(":")[0] for w in sentence.words]
            positions = word_positions(enc.word_ids(i), len(sentence.words), self.subword)
            kept = len(positions)
            truncated += kept < len(sentence.words)
            # arcs to or from a word cut off are not trained on
            heads = [w.head if w.head <= kept else IGNORE_INDEX for w in sentence.words[:kept]]
            rels = [
                self.label_ids[r] if h != IGNORE_INDEX else IGNORE_INDEX
                for r, h in zip(relations, heads, strict=False)
            ]
            features.append(
                {
                    "input_ids": enc["input_ids"][i],
                    "attention_mask": enc["attention_mask"][i],
                    "word_index": positions,
                    "heads": heads,
                    "relations": rels,
                    "gold": sentence,
                }
            )
        if truncated:
            log.warning(
                "%d of %d sentences are longer than data.max_length=%d subwords: their last "
                "words are not parsed",
                truncated,
                len(examples),
                self.max_length,
            )
        return features
