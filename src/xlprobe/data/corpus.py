"""The probe corpus as a probe reads it: line-aligned sentences per language.

Files: ``<directory>/<split>.<lang>.txt``, one whitespace-tokenized sentence per line, the same
number of lines in every language (DESIGN.md, "Artifacts"). How one is built from real parallel
data is :mod:`xlprobe.data.probe_corpus`; where a run's corpus comes from is
:mod:`xlprobe.data.probe_sources`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from xlprobe.errors import InputError
from xlprobe.io import read_text_lines

WORLD_MARKER = "world.json"
"""The synthetic world writes this file beside its splits (:mod:`xlprobe.data.synthetic`): a
corpus directory holding it is synthetic."""


@dataclass(frozen=True)
class ProbeCorpus:
    """Line-aligned probe sentences per language (whitespace-tokenized words).

    Attributes:
        sentences: Language -> sentences, the same number in every language.
        directory: The directory the files were read from (``None``: built in memory).
        split: Their file name prefix.
        synthetic: The sentences are the synthetic world's.
    """

    sentences: Mapping[str, Sequence[str]]
    directory: Path | None = None
    split: str = "probe"
    synthetic: bool = False

    def __post_init__(self) -> None:
        sizes = {lang: len(lines) for lang, lines in self.sentences.items()}
        if len(set(sizes.values())) > 1:
            raise InputError(f"probe corpus is not line-aligned: sentences per language {sizes}")

    def __len__(self) -> int:
        return len(next(iter(self.sentences.values()), ()))

    def digest(self, languages: Sequence[str] | None = None) -> str:
        """sha256 (16 hex digits) of the line-aligned sentences of ``languages`` in that order
        (default: all, sorted by code), each line and each language's end marked: identifies
        the corpus a probe saw (and keys the dictionary cache)."""
        digest = hashlib.sha256()
        for lang in sorted(self.sentences) if languages is None else languages:
            for line in self.sentences[lang]:
                digest.update(line.encode("utf-8") + b"\n")
            digest.update(b"\0")
        return digest.hexdigest()[:16]

    @classmethod
    def from_dir(
        cls,
        directory: str | Path,
        languages: Sequence[str],
        *,
        split: str = "probe",
        max_sentences: int | None = None,
    ) -> ProbeCorpus:
        """Read ``<directory>/<split>.<lang>.txt`` for each language (UTF-8, one sentence a line).

        The files are checked for line alignment before ``max_sentences`` keeps their first
        lines: truncation must not hide a misaligned corpus.

        Raises:
            InputError: A missing or non-UTF-8 file, or files with different line counts.
        """
        directory = Path(directory)
        sentences = {}
        for lang in languages:
            path = directory / f"{split}.{lang}.txt"
            if not path.is_file():
                raise InputError(
                    f"probe corpus file missing: expected one sentence per line in "
                    f"'{split}.{lang}.txt' for language {lang!r} (set probe.corpus.dir / "
                    "probe.corpus.split)",
                    path=path,
                )
            sentences[lang] = read_text_lines(
                path, expected="one whitespace-tokenized sentence per line"
            )
        _check_manifest(directory, split, languages)
        sizes = {f"{split}.{lang}.txt": len(lines) for lang, lines in sentences.items()}
        if len(set(sizes.values())) > 1:
            raise InputError(
                f"probe corpus files are not line-aligned: lines per file {sizes}", path=directory
            )
        if max_sentences is not None:
            sentences = {lang: lines[:max_sentences] for lang, lines in sentences.items()}
        return cls(
            sentences=sentences,
            directory=directory.resolve(),
            split=split,
            synthetic=(directory / WORLD_MARKER).is_file(),
        )


def _check_manifest(directory: Path, split: str, languages: Sequence[str]) -> None:
    """Files of a built corpus are the ones its ``manifest.json`` describes: each read file's
    sha256 is the one recorded (a corpus rebuilt in part, or edited by hand, is named). A
    directory without a manifest (a corpus of one's own) or with one of another split, or
    from before file digests were recorded, is not checked."""
    import json

    from xlprobe.data.probe_corpus import MANIFEST, file_sha256

    path = directory / MANIFEST
    if not path.is_file():
        return
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"malformed probe corpus manifest: {err}", path=path) from None
    digests = manifest.get("file_digests") if manifest.get("split") == split else None
    for lang in languages if isinstance(digests, dict) else ():
        file = directory / f"{split}.{lang}.txt"
        if lang in digests and file_sha256(file) != digests[lang]:
            raise InputError(
                f"{file.name} is not the file the corpus manifest describes (its sha256 "
                "differs): the corpus was rebuilt in part or edited; rebuild it (xlprobe corpus "
                "build) or remove manifest.json to use the files as they are",
                path=file,
            )
