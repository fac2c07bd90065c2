"""Readers for the local task corpora and the hub datasets, one format each.

Local files (``<split>.<lang>.<ext>``):

- parallel text ``.txt``: one sentence per line, files of a pair line-aligned;
- CoNLL ``.conll``: ``word<TAB>tag`` per line, a blank line between sentences;
- classification ``.tsv``: ``sentence<TAB>label`` per line, label an integer id.

Every reader raises :class:`xlprobe.errors.InputError` naming the file and line on bad input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlprobe.errors import InputError
from xlprobe.io import read_text_lines


@dataclass(frozen=True)
class TaggedSentence:
    """A sentence of words with one BIO tag per word."""

    words: list[str]
    tags: list[str]


@dataclass(frozen=True)
class LabeledSentence:
    """A sentence with a class label id."""

    text: str
    label: int


def _read_text_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise InputError(
            "file not found: expected a UTF-8 text file (set data.local_dir, or data.source)",
            path=path,
        )
    return read_text_lines(path, expected="one example per line", allow_empty=True)


def read_sentences(path: str | Path) -> list[str]:
    """Read one sentence per line; an empty line is an error.

    Returns:
        The lines, stripped of surrounding whitespace.
    """
    path = Path(path)
    sentences = []
    for number, line in enumerate(_read_text_lines(path), start=1):
        text = line.strip()
        if not text:
            raise InputError("empty line: expected one sentence per line", path=path, line=number)
        sentences.append(text)
    return sentences


def read_parallel(src_path: str | Path, tgt_path: str | Path) -> list[tuple[str, str]]:
    """Read two line-aligned sentence files into (source, target) pairs."""
    src, tgt = read_sentences(src_path), read_sentences(tgt_path)
    if len(src) != len(tgt):
        raise InputError(
            f"{len(src)} lines but {Path(tgt_path)} has {len(tgt)}: parallel files must be "
            "line-aligned",
            path=src_path,
        )
    return list(zip(src, tgt, strict=True))


def read_conll(path: str | Path, labels: Sequence[str]) -> list[TaggedSentence]:
    """Read a CoNLL file: ``word<TAB>tag`` (or whitespace-separated) lines, blank line between
    sentences.

    Args:
        path: The file.
        labels: The allowed tags; any other tag is an error.
    """
    path = Path(path)
    allowed = set(labels)
    sentences: list[TaggedSentence] = []
    words: list[str] = []
    tags: list[str] = []
    for number, line in enumerate(_read_text_lines(path), start=1):
        if not line.strip():
            if words:
                sentences.append(TaggedSentence(words, tags))
                words, tags = [], []
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        if len(fields) != 2 or not fields[0].strip():
            raise InputError(f"expected 'word<TAB>tag', got {line!r}", path=path, line=number)
        word, tag = fields[0].strip(), fields[1].strip()
        if tag not in allowed:
            raise InputError(
                f"unknown tag {tag!r}: expected one of {', '.join(labels)}", path=path, line=number
            )
        words.append(word)
        tags.append(tag)
    if words:
        sentences.append(TaggedSentence(words, tags))
    return sentences


def read_labeled(path: str | Path, num_labels: int) -> list[LabeledSentence]:
    """Read a classification TSV: ``sentence<TAB>label`` lines, label in ``[0, num_labels)``."""
    path = Path(path)
    examples = []
    for number, line in enumerate(_read_text_lines(path), start=1):
        if not line.strip():
            continue
        text, sep, label = line.rpartition("\t")
        if not sep or not text.strip():
            raise InputError(f"expected 'sentence<TAB>label', got {line!r}", path=path, line=number)
        try:
            value = int(label)
        except ValueError:
            value = -1
        if not 0 <= value < num_labels:
            raise InputError(
                f"label {label!r} is not an integer in [0, {num_labels})", path=path, line=number
            )
        examples.append(LabeledSentence(text.strip(), value))
    return examples


def hub_dataset_path(spec: Mapping[str, Any], hub_root: str | Path | None = None) -> str:
    """Where ``datasets.load_dataset`` finds the dataset of a hub spec.

    Args:
        spec: A ``data.hub`` entry; ``path`` is the hub id, e.g. ``google/xtreme``.
        hub_root: A directory of local snapshots of hub dataset repositories, one per id at
            ``<hub_root>/<owner>/<name>``, in the hub's file layout at the revision the spec
            names (e.g. ``hf download --repo-type dataset google/xtreme --local-dir
            <hub_root>/google/xtreme``). None: the hub id itself.

    Returns:
        The hub id, or the snapshot directory under ``hub_root``; ``load_dataset`` resolves a
        snapshot's configs (README ``configs``), ``data_dir`` and splits as it does on the hub.
    """
    if hub_root is None:
        return str(spec["path"])
    local = Path(hub_root) / spec["path"]
    if not local.is_dir():
        revision = f" --revision {spec['revision']}" if spec.get("revision") else ""
        raise InputError(
            f"data.hub_root={hub_root}: no snapshot of {spec['path']!r} at {local}. Download it "
            f"(hf download --repo-type dataset {spec['path']}{revision} --local-dir {local}) "
            "or unset data.hub_root to load from the hub"
        )
    return str(local)


def load_hub_split(spec: Mapping[str, Any], split: str, hub_root: str | Path | None = None) -> Any:
    """Load one split of a hub dataset with ``datasets.load_dataset``.

    Args:
        spec: ``path`` and optionally ``name``, ``data_dir``, ``revision`` (config keys).
        split: The split name in the hub dataset.
        hub_root: Local snapshots of hub datasets (see :func:`hub_dataset_path`); None: the hub.

    Returns:
        A ``datasets.Dataset``.

    Raises:
        InputError: When the dataset cannot be loaded (offline, unknown name or split); the
            message says how to run offline.
    """
    import datasets

    path = hub_dataset_path(spec, hub_root)
    kwargs = {key: spec[key] for key in ("name", "data_dir", "revision") if spec.get(key)}
    try:
        return datasets.load_dataset(path, split=split, **kwargs)
    except Exception as err:
        described = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        raise InputError(
            f"cannot load hub dataset {path!r} ({described or 'default config'}, "
            f"split {split!r}): {type(err).__name__}: {err}. Without network access, use a "
            "warm Hugging Face cache (HF_DATASETS_OFFLINE=1), local snapshots of the hub "
            "datasets (data.hub_root=DIR) or local files: data.source=local "
            "data.local_dir=DIR (or data.source=synthetic for the bundled demo corpus)"
        ) from err


def labeled_from_hub(
    dataset: Any,
    *,
    num_labels: int,
    text: str = "sentence",
    label: str = "label",
    labels: Mapping[Any, int] | None = None,
    where: str = "data.hub",
) -> tuple[list[LabeledSentence], dict[str, int]]:
    """Sentences and task label ids from a hub classification dataset.

    A ``ClassLabel`` column is read by name (``datasets`` stores ids; the names come from the
    dataset's features), any other column by value. ``labels`` maps those names or values to the
    task's ids; rows whose label it does not name are dropped and counted (e.g. ``neutral`` in a
    3-class sentiment set evaluated with SST-2's 2 classes).

    Args:
        dataset: A ``datasets.Dataset``.
        num_labels: The task's number of classes; mapped ids lie in ``[0, num_labels)``.
        text: The sentence column.
        label: The label column.
        labels: Source label name (or value) -> task label id; None keeps integer labels as ids.
        where: The config option of this dataset, for messages (e.g. ``data.hub.de``).

    Returns:
        The examples, and per dropped source label the number of rows dropped.

    Raises:
        InputError: A column is missing, a row is unlabelled (``-1``, e.g. SST-2's hub test
            split), or a kept label is not an id in ``[0, num_labels)``.
    """
    columns = list(dataset.column_names)
    for option, column in (("text", text), ("label", label)):
        if column not in columns:
            raise InputError(
                f"{where}.{option}={column!r}: no such column (the dataset has "
                f"{', '.join(columns)}); set {where}.{option}"
            )
    names = getattr(dataset.features[label], "names", None)
    mapping = dict(labels) if labels is not None else None
    examples, dropped = [], {}
    for sentence, raw in zip(dataset[text], dataset[label], strict=True):
        if names is not None and not 0 <= raw < len(names):
            raise InputError(
                f"{where}: label {raw} is not one of the dataset's classes (-1 marks an "
                f"unlabelled split): map this split to a labelled one in {where}.splits or "
                "data.splits"
            )
        key = names[raw] if names is not None else raw
        if mapping is None:
            value = raw
        elif key in mapping:
            value = mapping[key]
        else:
            dropped[str(key)] = dropped.get(str(key), 0) + 1
            continue
        if not isinstance(value, int) or not 0 <= value < num_labels:
            raise InputError(
                f"{where}: label {key!r} maps to {value!r}, not an id in [0, {num_labels}); "
                f"set {where}.labels (source label -> task label id)"
            )
        examples.append(LabeledSentence(str(sentence), int(value)))
    return examples, dropped
