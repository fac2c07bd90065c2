"""ProbeDir: the one owner of a probe directory's layout and manifest.

Everything that reads or writes a probe directory (the pipeline, re-scoring, re-clustering,
the resume carry-over, ``report.html``, the tests) goes through :class:`ProbeDir`; nothing else
builds a path into it. Layout::

    manifest.json                      settings, plan, layers, corpus, roles, rounds (written
                                       last: a round it lists is complete)
    dictionaries/<src>-<tgt>.tsv       the dictionaries the rounds were scored with
    rounds/<round>/<set>/layer_XX.txt  ConceptX cluster files of the first K-means seed, and
                  layer_XX.seedJ.txt   of seed + J (J = 1 .. n_seeds-1); joint sets also hold
                                       sentence_langs.txt (sentence ids offset per language)
    rounds/<round>/concepts.json       what report.html shows of the first seed: aligned pairs
                                       with their matched words, overlapping concepts with
                                       their language shares
    rounds/<round>/<probe rows file>   rows of the probes that are carried, not re-scored
                                       (sentence.csv, geometry.csv, ...)
    activations/<round>/<view>/        only with keep_activations (the manifest names each
                                       round's stores; with activation_cache they live there)

A directory written by ``from_run`` re-scoring has no cluster files of its own: its manifest's
``source`` names the probe directory whose clusters and kept rows it scored, and it holds its
own dictionaries and ``concepts.json`` files.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlprobe.errors import InputError
from xlprobe.io import write_text_atomic
from xlprobe.probing.plan import LanguageRoles, ProbePlan, RoundId, View

MANIFEST = "manifest.json"
SCORED_CONCEPTS = "concepts.json"
SENTENCE_LANGS = "sentence_langs.txt"
MANIFEST_KEYS = ("settings", "views", "calign_pairs", "joint_pairs", "layers", "rounds")


@dataclass(frozen=True)
class CorpusRecord:
    """The probe corpus a directory was probed on: where its files are and what they hold.

    Attributes:
        directory: Directory of ``<split>.<lang>.txt`` (absolute), or ``None`` (given in
            memory).
        split: File name prefix.
        languages: Languages probed.
        n_sentences: Sentences per language probed (after ``max_sentences``).
        digest: sha256 (16 hex digits) of the probed sentences, line-aligned
            (:meth:`~xlprobe.data.corpus.ProbeCorpus.digest`).
        synthetic: The corpus is the synthetic world's (its word categories label concepts).
    """

    directory: str | None
    split: str
    languages: tuple[str, ...]
    n_sentences: int
    digest: str
    synthetic: bool = False


@dataclass(frozen=True)
class RoundRecord:
    """A finished round in the manifest.

    Attributes:
        id: Which model state (and condition).
        sets: Clustered set name -> token count (what its cluster files must hold).
        activations: View name -> kept activation store directory (when kept).
    """

    id: RoundId
    sets: Mapping[str, int] = field(default_factory=dict)
    activations: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {**self.id.fields, "name": self.id.name, "sets": dict(self.sets)}
        if self.activations:
            record["activations"] = dict(self.activations)
        return record

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> RoundRecord:
        return cls(
            RoundId.from_record(record),
            dict(record.get("sets", {})),
            dict(record.get("activations", {})),
        )


@dataclass(frozen=True)
class Manifest:
    """A probe directory's manifest, typed.

    Attributes:
        settings: The probe settings as plain values (``ProbeSettings.to_dict``).
        plan: Views and pairs.
        layers: Clustered layers.
        n_sentences: Probe sentences per language.
        rounds: Finished rounds in order.
        roles: Training and zero-shot languages (``None``: not recorded).
        corpus: The probe corpus (``None``: not recorded).
        source: The probe directory whose clusters this one scores (``from_run`` re-scoring).
    """

    settings: Mapping[str, Any]
    plan: ProbePlan
    layers: tuple[int, ...]
    n_sentences: int
    rounds: tuple[RoundRecord, ...] = ()
    roles: LanguageRoles | None = None
    corpus: CorpusRecord | None = None
    source: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "settings": dict(self.settings),
            **self.plan.to_records(),
            "layers": list(self.layers),
            "n_sentences": self.n_sentences,
            "rounds": [r.to_json() for r in self.rounds],
        }
        if self.roles is not None:
            data["roles"] = {
                "train": list(self.roles.train),
                "zero_shot": list(self.roles.zero_shot),
            }
        if self.corpus is not None:
            data["corpus"] = {**vars(self.corpus), "languages": list(self.corpus.languages)}
        if self.source is not None:
            data["source"] = self.source
        return data

    def round(self, name: str) -> RoundRecord:
        """The round named ``name``."""
        for record in self.rounds:
            if record.id.name == name:
                return record
        raise KeyError(name)


class ProbeDir:
    """A probe directory (see the module docstring).

    Args:
        path: The directory (need not exist yet for writing).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"ProbeDir({str(self.path)!r})"

    # -- layout ----------------------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    def exists(self) -> bool:
        """Whether the directory has a manifest (at least one finished round)."""
        return self.manifest_path.is_file()

    @property
    def clusters_root(self) -> ProbeDir:
        """The directory whose rounds hold the cluster files and kept rows: this one, or the
        source a re-scored directory scores."""
        source = self.manifest().source if self.exists() else None
        return ProbeDir(source) if source else self

    def round_dir(self, round_id: RoundId | str) -> Path:
        name = round_id if isinstance(round_id, str) else round_id.name
        return self.path / "rounds" / name

    def set_dir(self, round_id: RoundId | str, set_name: str) -> Path:
        return self.round_dir(round_id) / set_name

    def cluster_file(self, round_id: RoundId | str, set_name: str, layer: int, run: int = 0):
        """Cluster file of ``layer`` of the K-means run with seed ``seed + run``."""
        suffix = "" if run == 0 else f".seed{run}"
        return self.set_dir(round_id, set_name) / f"layer_{layer:02d}{suffix}.txt"

    def sentence_langs_file(self, round_id: RoundId | str, set_name: str) -> Path:
        return self.set_dir(round_id, set_name) / SENTENCE_LANGS

    def scored_concepts_file(self, round_id: RoundId | str) -> Path:
        return self.round_dir(round_id) / SCORED_CONCEPTS

    def rows_file(self, round_id: RoundId | str, file_name: str) -> Path:
        """Where a carried probe keeps its rows of a round."""
        return self.round_dir(round_id) / file_name

    def dictionary_file(self, key: str) -> Path:
        """The dictionary ``<src>-<tgt>`` the rounds are scored with."""
        return self.path / "dictionaries" / f"{key}.tsv"

    def links_file(self, key: str) -> Path:
        """The word alignment links of the ``<src>-<tgt>`` sentence pairs (Pharaoh format, one
        line per pair), from the run that built the dictionary: the aligned views' tokens."""
        return self.path / "dictionaries" / f"{key}.links"

    def rows_of_view(self, round_id: RoundId | str, view: View) -> Path:
        """The rows of its stream's store a view holds (``rows.npy``), written for a view that
        holds a share of a store extracted for several views (the aligned views)."""
        return self.set_dir(round_id, view.name) / "rows.npy"

    def activation_dir(self, round_id: RoundId | str, view: View) -> Path:
        name = round_id if isinstance(round_id, str) else round_id.name
        return self.path / "activations" / name / view.name

    # -- manifest --------------------------------------------------------------------------

    def manifest(self) -> Manifest:
        """The manifest, typed.

        Raises:
            InputError: No manifest, not JSON, or one lacking a key (one line naming it).
        """
        path = self.manifest_path
        if not path.is_file():
            raise InputError(
                f"no probe manifest: expected a probe directory with a {MANIFEST} (the probe/ "
                "of a run made with the probe callback or probe.py)",
                path=path,
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise InputError("malformed manifest: not UTF-8 text", path=path) from None
        except json.JSONDecodeError as err:
            raise InputError(f"malformed manifest: {err.msg}", path=path, line=err.lineno) from None
        missing = [key for key in MANIFEST_KEYS if not isinstance(data, dict) or key not in data]
        if missing:
            raise InputError(
                f"incomplete manifest, no {', '.join(missing)}: the probe of this run finished "
                "no round",
                path=path,
            )
        try:
            return Manifest(
                settings=_current_settings(data["settings"]),
                plan=ProbePlan.from_records(data),
                layers=tuple(int(layer) for layer in data["layers"]),
                n_sentences=int(data.get("n_sentences", 0)),
                rounds=tuple(RoundRecord.from_json(r) for r in data["rounds"]),
                roles=LanguageRoles(**data["roles"]) if data.get("roles") else None,
                corpus=_corpus_record(data.get("corpus")),
                source=data.get("source"),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"malformed manifest: {err!r}", path=path) from None

    def write_manifest(self, manifest: Manifest) -> None:
        """Write the manifest atomically (the last file of a round)."""
        write_text_atomic(
            self.manifest_path, json.dumps(manifest.to_json(), indent=2, ensure_ascii=False)
        )

    def record_round(
        self,
        record: RoundRecord,
        *,
        settings: Mapping[str, Any],
        plan: ProbePlan,
        layers: Sequence[int],
        n_sentences: int,
        roles: LanguageRoles | None = None,
        corpus: CorpusRecord | None = None,
        source: str | None = None,
    ) -> None:
        """Record a finished round (replacing one of the same name) with the settings, plan,
        layers, corpus and roles it was probed with."""
        old = self.manifest() if self.exists() else None
        rounds = [r for r in (old.rounds if old else ()) if r.id.name != record.id.name]
        self.write_manifest(
            Manifest(
                settings=dict(settings),
                plan=plan,
                layers=tuple(layers),
                n_sentences=n_sentences,
                rounds=(*rounds, record),
                roles=roles if roles is not None else (old.roles if old else None),
                corpus=corpus if corpus is not None else (old.corpus if old else None),
                source=source,
            )
        )

    # -- reading ---------------------------------------------------------------------------

    def read_concepts(
        self, record: RoundRecord, set_name: str, views: Sequence[View], layer: int, run: int = 0
    ):
        """The :class:`~xlprobe.probing.concepts.ConceptSet` of one clustered set, layer and
        K-means run, with its languages (one view: the view's; a joint set: from its
        ``sentence_langs.txt``), checked against the token count the manifest records.

        Raises:
            InputError: A missing file, or one holding another number of tokens than the
                manifest records (a truncated or replaced file), naming the file.
        """
        from xlprobe.probing.concepts import read_clusters, read_sentence_langs

        root = self.clusters_root
        path = root.cluster_file(record.id, set_name, layer, run)
        if not path.is_file():
            raise InputError(
                f"cluster file missing: round {record.id.name} of this probe directory lists "
                f"set {set_name}, but its layer {layer} file is not there",
                path=path,
            )
        if len(views) > 1:
            langs = read_sentence_langs(root.sentence_langs_file(record.id, set_name))
            concepts = read_clusters(path, sentence_langs=langs)
        else:
            concepts = read_clusters(path, lang=views[0].lang)
        expected = record.sets.get(set_name)
        if expected is not None and len(concepts.tokens) != expected:
            raise InputError(
                f"cluster file holds {len(concepts.tokens)} tokens, the manifest records "
                f"{expected} for {set_name} in round {record.id.name}: the file is truncated or "
                "from another run; probe again or restore it",
                path=path,
            )
        return concepts

    def read_scored_concepts(self, round_id: RoundId | str) -> dict[str, Any] | None:
        """The round's ``concepts.json`` (None when the round has none)."""
        path = self.scored_concepts_file(round_id)
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InputError(f"malformed scored concepts: {err}", path=path) from None

    def dictionaries(self, plan: ProbePlan, given: Mapping[str, str]) -> dict[str, Any]:
        """``"<src>-<tgt>"`` -> the dictionary of each CALIGN language pair: the file ``given``
        names (``probe.dictionaries``), else this directory's (a re-scoring directory without
        its own: its source's)."""
        from xlprobe.probing.dictionary import read_dictionary

        keys = sorted({f"{s.lang}-{t.lang}" for s, t in plan.calign_pairs})
        root = self if self.dictionary_file(keys[0]).is_file() else self.clusters_root
        return {key: read_dictionary(given.get(key) or root.dictionary_file(key)) for key in keys}

    def corpus(self) -> dict[str, list[str]] | None:
        """The probe sentences per language, read from the corpus the manifest records when
        its files are still there and hold the same sentences (digest); else None."""
        from xlprobe.data.corpus import ProbeCorpus

        record = self.manifest().corpus
        if record is None or record.directory is None:
            return None
        try:
            corpus = ProbeCorpus.from_dir(
                record.directory,
                [*record.languages],
                split=record.split,
                max_sentences=record.n_sentences,
            )
        except InputError:
            return None
        if corpus.digest() != record.digest:
            return None
        return {lang: list(lines) for lang, lines in corpus.sentences.items()}

    # -- copying ---------------------------------------------------------------------------

    def import_rounds(self, source: ProbeDir, names: Collection[str]) -> list[str]:
        """Copy the rounds ``names`` of ``source`` into this directory: their files, their
        manifest entries and the dictionaries they were scored with.

        A resumed run does this with the rounds its checkpoint holds, so that its own probe
        directory holds every round and re-scoring it sees the base model and every epoch.
        Rounds already here are kept as they are; the copied ones go first in the manifest,
        which is written last, so an interrupted copy leaves no round that looks complete.

        Returns:
            The names copied, in ``source``'s order (names ``source`` lacks are left out).
        """
        manifest = source.manifest()
        mine = self.manifest() if self.exists() else None
        present = {r.id.name for r in (mine.rounds if mine else ())}
        copied = [r for r in manifest.rounds if r.id.name in names and r.id.name not in present]
        for record in copied:
            shutil.copytree(
                source.round_dir(record.id), self.round_dir(record.id), dirs_exist_ok=True
            )
        for dictionary in sorted((source.path / "dictionaries").glob("*.tsv")):
            target = self.dictionary_file(dictionary.stem)
            if not target.is_file():
                write_text_atomic(target, dictionary.read_text(encoding="utf-8"))
        base = mine or manifest
        self.write_manifest(
            Manifest(
                settings=base.settings,
                plan=base.plan,
                layers=base.layers,
                n_sentences=base.n_sentences,
                rounds=(*copied, *(mine.rounds if mine else ())),
                roles=base.roles,
                corpus=base.corpus,
            )
        )
        return [r.id.name for r in copied]


def _current_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Settings of a manifest in today's names: ``n_iter`` (before ``max_iter``) renamed."""
    settings = dict(settings)
    if "n_iter" in settings:
        settings["max_iter"] = settings.pop("n_iter")
    return settings


def _corpus_record(data: Mapping[str, Any] | None) -> CorpusRecord | None:
    if not data:
        return None
    return CorpusRecord(**{**data, "languages": tuple(data["languages"])})
