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


def load_hub_split(spec: Mapping[str, Any], split: str) -> Any:
    """Load one split of a hub dataset with ``datasets.load_dataset``.

    Args:
        spec: ``path`` and optionally ``name``, ``data_dir``, ``revision`` (config keys).
        split: The split name in the hub dataset.

    Returns:
        A ``datasets.Dataset``.

    Raises:
        InputError: When the dataset cannot be loaded (offline, unknown name or split); the
            message says how to run offline.
    """
    import datasets

    kwargs = {key: spec[key] for key in ("name", "data_dir", "revision") if spec.get(key)}
    try:
        return datasets.load_dataset(spec["path"], split=split, **kwargs)
    except Exception as err:
        described = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        raise InputError(
            f"cannot load hub dataset {spec['path']!r} ({described or 'default config'}, "
            f"split {split!r}): {type(err).__name__}: {err}. Without network access, use a "
            "warm Hugging Face cache (HF_DATASETS_OFFLINE=1) or local files: data.source=local "
            "data.local_dir=DIR (or data.source=synthetic for the bundled demo corpus)"
        ) from err
