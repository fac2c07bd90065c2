"""Building a multi-parallel probe corpus: pure functions from parallel rows to aligned lines.

Why one long module: building, caching (locked, digest-checked) and reading a probe corpus share its
manifest.

A probe corpus (DESIGN.md, "Artifacts") is one file per language, line-aligned, one
whitespace-tokenized sentence per line. Real data rarely comes that way: the IWSLT 2017 X–en
sets, for instance, are bilingual, but they translate the same TED talks, so their English sides
overlap. :func:`build_probe_corpus` joins such sources on the pivot-language side:

1. *read*: every sentence is normalised and word-tokenized for its language
   (:class:`WordTokenizer`); a row without one of the languages (``missing_language``, e.g. a
   TED talk not translated into it) or with an empty side (``empty``) is dropped;
2. *dedupe*: sources covering the same languages are concatenated (e.g. a dev and a test split)
   and only the first row of each pivot sentence is kept (``duplicate_pivot``);
3. *join*: a pivot sentence is kept when every group of sources has it; the others are dropped
   per group (``no_match:<langs>``), in the order of the first group;
4. *length*: rows with a sentence of fewer than ``min_tokens`` or more than ``max_tokens`` words
   in some language are dropped (``too_short``, ``too_long``);
5. *sample*: at most ``max_sentences`` rows, drawn uniformly with ``seed`` and kept in corpus
   order (``sampled_out``).

:func:`write_probe_corpus` writes ``<split>.<lang>.txt`` and ``manifest.json`` atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from xlprobe.errors import InputError
from xlprobe.io import atomic_path

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
PROGRESS_MIN_ROWS = 5000
"""Sources with at least this many rows show a progress bar while they are tokenized."""

_ARABIC_TATWEEL = "\u0640"
# Arabic-Indic (and Persian) digits with the Arabic decimal and thousands separators: one token.
_ARABIC_NUMBER = (
    r"[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[\u066b\u066c][0-9\u0660-\u0669\u06f0-\u06f9]+)+"
)
_SPACE = re.compile(r"\s+")


class WordTokenizer:
    """Normalise and word-tokenize sentences of one language (the Moses tools, via sacremoses).

    Normalisation: Unicode NFKC (folds presentation forms and full-width characters), Moses
    punctuation normalisation, whitespace collapsed; for Arabic the tatweel (U+0640, a
    typographic stretch) is removed. Tokenization: ``MosesTokenizer(lang)`` without XML escaping.

    Moses has no Arabic rules and sacremoses falls back to the *English* non-breaking prefixes
    for languages it has no list for; those prefixes are cleared for such languages (a final
    period is always split), and Arabic-Indic numbers with their decimal/thousands separators
    (``٣٫٥``) stay one token instead of three.

    Args:
        lang: ISO 639-1 code (``en``, ``de``, ``fr``, ``es``, ``ar``, ...).
    """

    def __init__(self, lang: str) -> None:
        from sacremoses import MosesPunctNormalizer, MosesTokenizer
        from sacremoses.corpus import NonbreakingPrefixes

        self.lang = lang
        self._normalizer = MosesPunctNormalizer(lang=lang)
        self._tokenizer = MosesTokenizer(lang=lang)
        if lang not in NonbreakingPrefixes().available_langs:
            self._tokenizer.NONBREAKING_PREFIXES = []
            self._tokenizer.NUMERIC_ONLY_PREFIXES = []
        self._protected = [_ARABIC_NUMBER] if lang == "ar" else None

    def normalize(self, text: str) -> str:
        """NFKC, Moses punctuation normalisation, collapsed whitespace (and no tatweel)."""
        text = unicodedata.normalize("NFKC", text)
        if self.lang == "ar":
            text = text.replace(_ARABIC_TATWEEL, "")
        text = _SPACE.sub(" ", text).strip()
        return _SPACE.sub(" ", self._normalizer.normalize(text)).strip()

    def __call__(self, text: str) -> str:
        """The normalised sentence as space-separated words ('' when nothing is left)."""
        text = self.normalize(text)
        if not text:
            return ""
        tokens = self._tokenizer.tokenize(
            text, escape=False, protected_patterns=self._protected, return_str=True
        )
        return _SPACE.sub(" ", tokens).strip()


@cache
def word_tokenizer(lang: str) -> WordTokenizer:
    """One shared :class:`WordTokenizer` per language."""
    return WordTokenizer(lang)


def tokenizer_version() -> str:
    """The word tokenizer, as recorded in manifests and cache keys."""
    from importlib.metadata import version

    return f"sacremoses {version('sacremoses')} (Moses), NFKC"


@dataclass(frozen=True)
class ParallelSource:
    """Rows of one parallel source: each row maps a language to its sentence (raw text).

    Attributes:
        name: Where the rows come from (a hub dataset and split, or file paths), for the manifest.
        languages: The languages of every row.
        rows: The rows, in source order.
        spec: The source as configured (JSON-able), for the manifest.
    """

    name: str
    languages: tuple[str, ...]
    rows: Sequence[Mapping[str, str]]
    spec: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildSettings:
    """How :func:`build_probe_corpus` filters and samples.

    Attributes:
        pivot: The language every source shares; rows are joined on its sentences.
        languages: Languages to output besides the pivot; ``None``: every language the sources
            cover.
        min_tokens: Fewest words a sentence may have, in every language.
        max_tokens: Most words a sentence may have, in every language.
        max_sentences: Rows to keep at most (uniform sample); ``None``: all.
        seed: Seed of the sample.
    """

    pivot: str = "en"
    languages: tuple[str, ...] | None = None
    min_tokens: int = 1
    max_tokens: int = 100
    max_sentences: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.min_tokens < 1:
            raise InputError(f"min_tokens must be at least 1, got {self.min_tokens}")
        if self.max_tokens < self.min_tokens:
            raise InputError(
                f"max_tokens ({self.max_tokens}) is below min_tokens ({self.min_tokens})"
            )
        if self.max_sentences is not None and self.max_sentences < 1:
            raise InputError(f"max_sentences must be at least 1, got {self.max_sentences}")
        if self.languages is not None:
            object.__setattr__(self, "languages", tuple(self.languages))

    def to_dict(self) -> dict[str, Any]:
        values = dict(self.__dict__)
        values["languages"] = None if self.languages is None else list(self.languages)
        return values


@dataclass(frozen=True)
class StageCount:
    """Rows kept after one stage and rows dropped by it, per reason."""

    stage: str
    kept: int
    dropped: Mapping[str, int]

    def __str__(self) -> str:
        dropped = ", ".join(f"{reason} {n}" for reason, n in self.dropped.items() if n)
        return f"{self.stage}: {self.kept} kept" + (f", dropped {dropped}" if dropped else "")


@dataclass(frozen=True)
class BuiltCorpus:
    """A built probe corpus: tokenized, line-aligned sentences per language.

    Attributes:
        sentences: Language -> sentences (space-separated words), all the same length; the pivot
            first.
        pivot: The pivot language.
        stages: Counts per stage, in order.
        sources: The sources' specs, names and row counts.
    """

    sentences: Mapping[str, Sequence[str]]
    pivot: str
    stages: Sequence[StageCount]
    sources: Sequence[Mapping[str, Any]]

    def __len__(self) -> int:
        return len(self.sentences[self.pivot])

    def dropped(self) -> dict[str, int]:
        """Rows dropped per reason, over all stages."""
        totals: dict[str, int] = {}
        for stage in self.stages:
            for reason, n in stage.dropped.items():
                totals[reason] = totals.get(reason, 0) + n
        return totals


def _languages(sources: Sequence[ParallelSource], settings: BuildSettings) -> tuple[str, ...]:
    if not sources:
        raise InputError("no parallel source: give bilingual or multi-parallel sources")
    for source in sources:
        if settings.pivot not in source.languages:
            raise InputError(
                f"source {source.name} has languages {list(source.languages)} but not the pivot "
                f"{settings.pivot!r}: every source must include the pivot language"
            )
    covered = {lang for source in sources for lang in source.languages} - {settings.pivot}
    wanted = settings.languages
    if wanted is None:
        wanted = tuple(sorted(covered))
    wanted = tuple(lang for lang in dict.fromkeys(wanted) if lang != settings.pivot)
    missing = sorted(set(wanted) - covered)
    if missing:
        raise InputError(
            f"no source covers language(s) {missing} (sources cover "
            f"{sorted(covered | {settings.pivot})}): add a source with them or drop them"
        )
    if not wanted:
        raise InputError(f"the sources cover only the pivot {settings.pivot!r}")
    return (settings.pivot, *wanted)


def _groups(
    sources: Sequence[ParallelSource], languages: tuple[str, ...], pivot: str
) -> dict[tuple[str, ...], list[ParallelSource]]:
    """Sources grouped by the requested non-pivot languages they cover."""
    groups: dict[tuple[str, ...], list[ParallelSource]] = {}
    owner: dict[str, tuple[str, ...]] = {}
    for source in sources:
        key = tuple(lang for lang in languages if lang != pivot and lang in source.languages)
        if not key:
            continue
        for lang in key:
            if owner.setdefault(lang, key) != key:
                raise InputError(
                    f"language {lang!r} comes from sources covering {list(owner[lang])} and "
                    f"{list(key)}: each language must come from one kind of source (join them "
                    "on the pivot, or drop one)"
                )
        groups.setdefault(key, []).append(source)
    return groups


def _tokenized_rows(
    source: ParallelSource, languages: Sequence[str], pivot_memo: dict[str, str]
) -> tuple[list[dict[str, str]], dict[str, int]]:
    """The source's rows with every language tokenized; rows without one of the languages
    (``missing_language``) or with an empty side (``empty``) dropped. The pivot (first of
    ``languages``), shared by every source, is tokenized once per sentence (``pivot_memo``)."""
    from rich.progress import track

    tokenizers = {lang: word_tokenizer(lang) for lang in languages}
    rows, empty, missing = [], 0, 0
    for row in track(
        source.rows,
        description=f"tokenizing {source.name}",
        total=len(source.rows),
        disable=len(source.rows) < PROGRESS_MIN_ROWS,
        transient=True,
    ):
        if any(row.get(lang) is None for lang in languages):
            missing += 1
            continue
        tokenized = {lang: tokenizers[lang](row[lang]) for lang in languages[1:]}
        raw = row[languages[0]]
        if raw not in pivot_memo:
            pivot_memo[raw] = tokenizers[languages[0]](raw)
        tokenized[languages[0]] = pivot_memo[raw]
        if all(tokenized.values()):
            rows.append(tokenized)
        else:
            empty += 1
    return rows, {"missing_language": missing, "empty": empty}


def build_probe_corpus(
    sources: Sequence[ParallelSource], settings: BuildSettings | None = None
) -> BuiltCorpus:
    """Join parallel sources on the pivot side into a line-aligned, tokenized probe corpus.

    Args:
        sources: Bilingual (pivot + one language) or multi-parallel sources; every source has
            the pivot. Sources covering the same languages are concatenated; each other
            language must come from one group of sources.
        settings: Pivot, languages, length filters and sampling.

    Returns:
        The corpus (the pivot first, then ``settings.languages`` order) and the counts per stage.

    Raises:
        InputError: A source without the pivot, a language no source covers, or one covered by
            two kinds of source.
    """
    settings = settings or BuildSettings()
    pivot = settings.pivot
    languages = _languages(sources, settings)
    groups = _groups(sources, languages, pivot)
    stages: list[StageCount] = []
    described: list[dict[str, Any]] = []
    joined_groups: list[tuple[tuple[str, ...], dict[str, dict[str, str]]]] = []
    pivot_memo: dict[str, str] = {}
    for key, members in groups.items():
        by_pivot: dict[str, dict[str, str]] = {}
        duplicates = 0
        for source in members:
            rows, dropped = _tokenized_rows(source, (pivot, *key), pivot_memo)
            stages.append(StageCount(f"read {source.name}", len(rows), dropped))
            described.append(
                {"name": source.name, "spec": dict(source.spec), "rows": len(source.rows)}
            )
            for row in rows:
                if row[pivot] in by_pivot:
                    duplicates += 1
                else:
                    by_pivot[row[pivot]] = row
        label = "+".join(key)
        stages.append(StageCount(f"dedupe {label}", len(by_pivot), {"duplicate_pivot": duplicates}))
        joined_groups.append((key, by_pivot))

    common = set.intersection(*(set(rows) for _, rows in joined_groups))
    order = [s for s in joined_groups[0][1] if s in common]
    no_match = {f"no_match:{'+'.join(key)}": len(rows) - len(common) for key, rows in joined_groups}
    stages.append(StageCount("join", len(order), no_match))

    kept, short, long = [], 0, 0
    for sentence in order:
        row = {pivot: sentence}
        for key, rows in joined_groups:
            row.update({lang: rows[sentence][lang] for lang in key})
        lengths = [len(row[lang].split(" ")) for lang in languages]
        if min(lengths) < settings.min_tokens:
            short += 1
        elif max(lengths) > settings.max_tokens:
            long += 1
        else:
            kept.append(row)
    stages.append(StageCount("length", len(kept), {"too_short": short, "too_long": long}))

    if settings.max_sentences is not None and len(kept) > settings.max_sentences:
        chosen = sorted(
            random.Random(settings.seed).sample(range(len(kept)), settings.max_sentences)
        )
        sampled = [kept[i] for i in chosen]
        stages.append(StageCount("sample", len(sampled), {"sampled_out": len(kept) - len(sampled)}))
        kept = sampled
    return BuiltCorpus(
        sentences={lang: [row[lang] for row in kept] for lang in languages},
        pivot=pivot,
        stages=stages,
        sources=described,
    )


def corpus_digest(sentences: Mapping[str, Sequence[str]]) -> str:
    """``sha256:<hex>`` of the corpus: languages in sorted order, each with its lines."""
    digest = hashlib.sha256()
    for lang in sorted(sentences):
        digest.update(f"{lang}\n".encode())
        for line in sentences[lang]:
            digest.update(f"{line}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def corpus_files(directory: str | Path, languages: Iterable[str], split: str = "probe") -> dict:
    """``lang -> <directory>/<split>.<lang>.txt``."""
    return {lang: Path(directory) / f"{split}.{lang}.txt" for lang in languages}


def write_probe_corpus(
    corpus: BuiltCorpus,
    out_dir: str | Path,
    *,
    settings: BuildSettings,
    split: str = "probe",
) -> dict[str, Any]:
    """Write ``<split>.<lang>.txt`` per language and ``manifest.json`` (with each file's
    sha256) into ``out_dir``, whole: they are written into a new sibling directory that
    replaces ``out_dir`` in one rename when complete, so a build that fails leaves the old
    directory as it was. Anything else ``out_dir`` holds is carried into the new one (hard
    links), never removed.

    Returns:
        The manifest: format, pivot, languages, split, sentences, files, file digests, digest,
        tokenizer, settings, sources, stages (kept and dropped per reason) and dropped totals.

    Raises:
        InputError: The directory cannot be written.
    """
    import shutil

    out_dir = Path(out_dir)
    names = {path.name for path in corpus_files(out_dir, corpus.sentences, split).values()}
    try:
        with atomic_path(out_dir, replace_dir=out_dir.is_dir()) as tmp:
            tmp.mkdir()
            for item in out_dir.iterdir() if out_dir.is_dir() else ():
                if item.name in names or item.name == MANIFEST:
                    continue
                if item.is_dir() and not item.is_symlink():
                    shutil.copytree(item, tmp / item.name, copy_function=os.link, symlinks=True)
                else:
                    os.link(item, tmp / item.name, follow_symlinks=False)
            files = corpus_files(tmp, corpus.sentences, split)
            for lang, path in files.items():
                path.write_text("".join(f"{line}\n" for line in corpus.sentences[lang]), "utf-8")
            manifest = {
                "format": FORMAT_VERSION,
                "pivot": corpus.pivot,
                "languages": list(corpus.sentences),
                "split": split,
                "sentences": len(corpus),
                "files": {lang: path.name for lang, path in files.items()},
                "file_digests": {lang: file_sha256(path) for lang, path in files.items()},
                "digest": corpus_digest(corpus.sentences),
                "tokenizer": tokenizer_version(),
                "settings": settings.to_dict(),
                "sources": list(corpus.sources),
                "stages": [
                    {"stage": s.stage, "kept": s.kept, "dropped": dict(s.dropped)}
                    for s in corpus.stages
                ],
                "dropped": corpus.dropped(),
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
    except OSError as err:
        raise InputError(
            f"cannot write the probe corpus ({err.strerror or err})", path=err.filename or out_dir
        ) from err
    return manifest


def file_sha256(path: str | Path) -> str:
    """``sha256:<hex>`` of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"
