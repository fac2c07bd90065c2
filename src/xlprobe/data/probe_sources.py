"""Parallel sources for probe corpora, and the probe corpus of a run (existing files or built).

A source spec is a one-key mapping (from the config's ``probe.corpus.source`` or the
``xlprobe corpus build`` options):

- ``{files: {fr: dev.fr.txt, en: dev.en.txt}}``: local line-aligned files, two (bilingual) or
  more (multi-parallel);
- ``{hub: {path, name, data_dir, revision, split, hub_root}}``: a hub translation dataset read
  with ``datasets.load_dataset``: a ``translation`` column mapping languages to sentences (IWSLT
  2017, OPUS-100, WMT), or a ``translations`` column of variable languages (multi-parallel TED
  Multi, ``neulab/ted_multi``: rows lacking a language are dropped);
- ``{flores: {path, split, codes, hub_root}}``: FLORES+ (``openlanguagedata/flores_plus``,
  gated), one config per language (``fra_Latn``) with a ``text`` column, rows joined on ``id``;
- ``{task_pairs: {source, local_dir, hub, hub_root, hub_source, splits, pairs}}``: a
  translation task's own data (``task=mt``): for every pair and its validation and test splits,
  the local files ``<split>.<src>.txt`` / ``<split>.<tgt>.txt`` or the pair's hub dataset; on the
  hub, ``hub_source`` (a source spec) replaces the pairs' datasets when it is set.

``hub_root`` (optional) is a directory of local hub snapshots
(:func:`xlprobe.data.readers.hub_dataset_path`).

:func:`load_probe_corpus` is what the probe callback and ``probe.py`` call: the configured corpus
files when they exist, else the corpus built from ``probe.corpus.source``, cached by digest and
copied into the run directory.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from xlprobe.data.probe_corpus import (
    MANIFEST,
    BuildSettings,
    ParallelSource,
    build_probe_corpus,
    corpus_files,
    tokenizer_version,
    write_probe_corpus,
)
from xlprobe.errors import InputError
from xlprobe.options import Options, option

log = logging.getLogger(__name__)

FLORES_PATH = "openlanguagedata/flores_plus"
FLORES_CODES = {
    "ar": "arb_Arab",
    "de": "deu_Latn",
    "en": "eng_Latn",
    "es": "spa_Latn",
    "fr": "fra_Latn",
    "hi": "hin_Deva",
    "ru": "rus_Cyrl",
    "sw": "swh_Latn",
    "tr": "tur_Latn",
    "zh": "cmn_Hans",
}
"""ISO 639-1 code -> FLORES+ config (ISO 639-3 + script); ``codes`` in a spec adds others."""

KINDS = ("files", "hub", "flores", "task_pairs")
HUB_KEYS = ("path", "name", "data_dir", "revision")
TASK_SPLITS = ("validation", "test")
"""The splits of a task's data that a ``task_pairs`` source joins."""
RUN_SUBDIR = "probe_corpus"
"""Where a built probe corpus is copied in the run directory."""


@dataclass(frozen=True)
class CorpusSettings(Options):
    """``probe.corpus``: where a run's probe corpus is, or how it is built (module docstring).

    Attributes:
        dir: Directory of ``<split>.<lang>.txt``.
        split: File name prefix.
        max_sentences: The first sentences probed (``None``: all).
        source: Parallel source specs to build the corpus from when ``dir`` lacks it.
        build: :class:`~xlprobe.data.probe_corpus.BuildSettings` values (checked when built).
        cache_dir: Where built corpora are cached by digest.
    """

    prefix: ClassVar[str] = "probe.corpus"

    dir: str
    split: str = "probe"
    max_sentences: int | None = option(None, low=1)
    source: tuple[Any, ...] | None = None
    build: Mapping[str, Any] = field(default_factory=dict)
    cache_dir: str | None = None


def _kind(spec: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(spec, Mapping) or len(spec) != 1 or next(iter(spec)) not in KINDS:
        raise InputError(
            f"probe.corpus.source: each source is one of {{{', '.join(KINDS)}: ...}}, got {spec!r}"
        )
    kind, value = next(iter(spec.items()))
    return kind, dict(value or {})


def expand_sources(specs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``task_pairs`` specs replaced by the ``files`` / ``hub`` specs of their pairs and splits."""
    from xlprobe.data.translation import split_pair

    expanded: list[dict[str, Any]] = []
    for spec in specs:
        kind, value = _kind(spec)
        if kind != "task_pairs":
            expanded.append({kind: value})
            continue
        pairs = [p for group in value.get("pairs", []) for p in _as_list(group)]
        splits = {"validation": "validation", "test": "test", **dict(value.get("splits") or {})}
        on_hub = value.get("source", "local") == "hub"
        if on_hub and value.get("hub_source"):
            expanded.extend(expand_sources([value["hub_source"]]))
            continue
        for pair in dict.fromkeys(pairs):
            src, tgt = split_pair(pair)
            for split in TASK_SPLITS:
                if on_hub:
                    hub = dict(value.get("hub") or {}).get(pair)
                    if hub is None:
                        raise InputError(
                            f"probe.corpus.source: data.hub names no dataset for pair {pair!r}"
                        )
                    name = {**splits, **dict(hub.get("splits") or {})}[split]
                    entry = {k: v for k, v in hub.items() if k in HUB_KEYS}
                    if value.get("hub_root"):
                        entry["hub_root"] = str(value["hub_root"])
                    expanded.append({"hub": {**entry, "split": name}})
                else:
                    local = Path(value["local_dir"])
                    expanded.append(
                        {
                            "files": {
                                lang: str(local / f"{splits[split]}.{lang}.txt")
                                for lang in (src, tgt)
                            }
                        }
                    )
    return expanded


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]


def source_languages(spec: Mapping[str, Any], requested: Sequence[str]) -> set[str] | None:
    """The languages a source covers when the spec alone tells (``files``, ``flores``,
    ``task_pairs``); ``None`` for hub datasets (known only once loaded)."""
    from xlprobe.data.translation import split_pair

    kind, value = _kind(spec)
    if kind == "files":
        return set(value)
    if kind == "flores":
        codes = FLORES_CODES | dict(value.get("codes", {}))
        return {lang for lang in requested if lang in codes}
    if kind == "task_pairs":
        pairs = [p for group in value.get("pairs", []) for p in _as_list(group)]
        return {lang for pair in pairs for lang in split_pair(pair)}
    return None


def hub_error(path: str, err: BaseException) -> InputError | None:
    """A one-line error for a gated hub dataset (``None`` when ``err`` is something else)."""
    gated = type(err).__name__ == "GatedRepoError" or "gated" in str(err).lower()
    if not gated:
        return None
    return InputError(
        f"hub dataset {path!r} is gated: accept its conditions on "
        f"https://huggingface.co/datasets/{path} and give a token (export HF_TOKEN=hf_... or run "
        "`hf auth login` / `huggingface-cli login`), or use local files"
    )


def _load_hub(spec: Mapping[str, Any], split: str) -> Any:
    from xlprobe.data.readers import load_hub_split

    try:
        return load_hub_split(spec, split, spec.get("hub_root"))
    except InputError as err:
        gated = hub_error(spec["path"], err.__cause__) if err.__cause__ else None
        raise (gated or err) from err


def load_source(spec: Mapping[str, Any], requested: Sequence[str]) -> ParallelSource:
    """Read one source (``files``, ``hub`` or ``flores``) into rows ``{lang: sentence}``.

    Args:
        spec: The source spec (module docstring).
        requested: The corpus languages (FLORES+ loads only these).

    Raises:
        InputError: Missing or misaligned files, an unloadable or gated hub dataset, or a hub
            dataset without a ``translation`` column.
    """
    from xlprobe.probing.concepts import read_text_lines

    kind, value = _kind(spec)
    if kind == "files":
        lines = {
            lang: read_text_lines(path, expected="one sentence per line", allow_empty=True)
            for lang, path in value.items()
        }
        sizes = {str(value[lang]): len(rows) for lang, rows in lines.items()}
        if len(set(sizes.values())) > 1:
            raise InputError(f"parallel files are not line-aligned: lines per file {sizes}")
        count = next(iter(sizes.values()), 0)
        rows = [{lang: lines[lang][i] for lang in lines} for i in range(count)]
        name = " + ".join(str(path) for path in value.values())
        return ParallelSource(name, tuple(value), rows, {kind: value})
    if kind == "hub":
        split = value.get("split", "validation")
        data = _load_hub(value, split)
        if "translation" in data.column_names:
            rows = [dict(row) for row in data["translation"]]
            languages = tuple(rows[0]) if rows else ()
        elif "translations" in data.column_names:
            rows = [_variable_languages(row) for row in data["translations"]]
            present = sorted({lang for row in rows for lang in row})
            languages = tuple(requested) if len(requested) > 1 else tuple(present)
        else:
            raise InputError(
                f"hub dataset {value['path']!r} has columns {data.column_names}, expected "
                "'translation' (languages -> sentences) or 'translations' (variable languages)"
            )
        described = ", ".join(f"{k}={v}" for k, v in value.items() if k != "path")
        return ParallelSource(f"{value['path']} ({described})", languages, rows, {kind: value})
    split = value.get("split", "dev")
    path = value.get("path", FLORES_PATH)
    codes = FLORES_CODES | dict(value.get("codes", {}))
    unknown = [lang for lang in requested if lang not in codes]
    if unknown:
        raise InputError(
            f"no FLORES+ config known for language(s) {unknown}: add them to the flores source's "
            "codes (e.g. codes: {it: ita_Latn})"
        )
    by_id: dict[Any, dict[str, str]] = {}
    for lang in requested:
        data = _load_hub(
            {"path": path, "name": codes[lang], "hub_root": value.get("hub_root")}, split
        )
        for row_id, text in zip(data["id"], data["text"], strict=True):
            by_id.setdefault(row_id, {})[lang] = text
    rows = [row for row in by_id.values() if len(row) == len(requested)]
    return ParallelSource(f"{path} ({split})", tuple(requested), rows, {kind: value})


def _variable_languages(row: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """A ``TranslationVariableLanguages`` value (``{"language": [...], "translation": [...]}``)
    as ``{lang: sentence}``, the first translation of each language."""
    translations: dict[str, str] = {}
    for lang, text in zip(row["language"], row["translation"], strict=True):
        translations.setdefault(lang, text)
    return translations


def _spec_key(spec: Mapping[str, Any]) -> Any:
    """What identifies a source's content: a local file's bytes, a hub spec as written."""
    kind, value = _kind(spec)
    if kind != "files":
        return spec
    digests = {}
    for lang, path in value.items():
        if not Path(path).is_file():
            raise InputError(
                f"probe corpus source file for {lang!r} not found (probe.corpus.source)", path=path
            )
        digests[lang] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return {"files": digests}


def cache_key(specs: Sequence[Mapping[str, Any]], settings: BuildSettings) -> str:
    """Digest of the sources (file contents, hub specs), settings and tokenizer: the cache
    directory name of a built corpus."""
    payload = {
        "sources": [_spec_key(spec) for spec in specs],
        "settings": settings.to_dict(),
        "tokenizer": tokenizer_version(),
    }
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_from_specs(
    specs: Sequence[Mapping[str, Any]],
    settings: BuildSettings,
    out_dir: str | Path,
    *,
    split: str = "probe",
) -> dict[str, Any]:
    """Load the sources, build the corpus and write ``<split>.<lang>.txt`` and the manifest to
    ``out_dir``; returns the manifest."""
    requested = [settings.pivot, *(settings.languages or ())]
    sources = [load_source(spec, requested) for spec in expand_sources(specs)]
    corpus = build_probe_corpus(sources, settings)
    if not len(corpus):
        raise InputError(
            f"the probe corpus is empty after joining on {settings.pivot!r}: "
            + "; ".join(str(stage) for stage in corpus.stages)
        )
    return write_probe_corpus(corpus, out_dir, settings=settings, split=split)


def corpus_exists(corpus_cfg: Mapping[str, Any], languages: Sequence[str]) -> bool:
    """Whether ``probe.corpus.dir`` holds ``<split>.<lang>.txt`` for every language."""
    files = corpus_files(corpus_cfg["dir"], languages, corpus_cfg.get("split", "probe"))
    return all(path.is_file() for path in files.values())


def build_settings(
    corpus_cfg: Mapping[str, Any], languages: Sequence[str], pivot: str
) -> BuildSettings:
    """The :class:`BuildSettings` of ``probe.corpus.build`` for these languages.

    Raises:
        InputError: An unknown or out-of-range ``probe.corpus.build`` setting (named).
    """
    values = dict(corpus_cfg.get("build") or {})
    known = {"min_tokens", "max_tokens", "max_sentences", "seed"}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(
            f"probe.corpus.build: unknown setting(s) {unknown}; known: {sorted(known)}"
        )
    try:
        return BuildSettings(pivot=pivot, languages=tuple(languages), **values)
    except InputError as err:
        raise InputError(f"probe.corpus.build.{err.message}") from None


def load_probe_corpus(
    corpus_cfg: Mapping[str, Any],
    languages: Sequence[str],
    pivot: str,
    *,
    run_dir: str | Path | None = None,
):
    """The run's probe corpus: ``probe.corpus.dir`` when its files exist, else built.

    A built corpus (from ``probe.corpus.source``, with ``probe.corpus.build`` settings) is cached
    under ``probe.corpus.cache_dir/<digest>`` (a file lock makes parallel runs build it once) and
    copied with its manifest to ``<run_dir>/probe_corpus``.

    Args:
        corpus_cfg: The ``probe.corpus`` node (dir, split, max_sentences, source, build,
            cache_dir).
        languages: The probed languages (``lang.probe``).
        pivot: The pivot language.
        run_dir: The run directory (``None``: the built corpus is not copied).

    Returns:
        A :class:`~xlprobe.data.corpus.ProbeCorpus` (a built one read from the run's copy when
        there is one, so the run records its own files).
    """
    from filelock import FileLock

    from xlprobe.data.corpus import ProbeCorpus

    wanted = [lang for lang in dict.fromkeys(languages) if lang != pivot]
    max_sentences = corpus_cfg.get("max_sentences")
    if corpus_exists(corpus_cfg, [*wanted, pivot]) or not corpus_cfg.get("source"):
        return ProbeCorpus.from_dir(
            corpus_cfg["dir"],
            [*wanted, pivot],
            split=corpus_cfg.get("split", "probe"),
            max_sentences=max_sentences,
        )
    specs = list(corpus_cfg["source"])
    settings = build_settings(corpus_cfg, wanted, pivot)
    cache_root = Path(corpus_cfg["cache_dir"])
    cached = cache_root / cache_key(expand_sources(specs), settings)
    cache_root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(cached) + ".lock"):
        if not (cached / MANIFEST).is_file():
            log.info("No probe corpus in %s: building one from %s", corpus_cfg["dir"], specs)
            manifest = build_from_specs(specs, settings, cached)
            log.info(
                "Probe corpus %s: %d sentences (%s)",
                cached,
                manifest["sentences"],
                "; ".join(f"{s['stage']}: {s['kept']} kept" for s in manifest["stages"]),
            )
    if run_dir is not None:
        target = Path(run_dir) / RUN_SUBDIR
        shutil.copytree(cached, target, dirs_exist_ok=True)
        cached = target
    return ProbeCorpus.from_dir(cached, [*wanted, pivot], max_sentences=max_sentences)
