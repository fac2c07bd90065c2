"""The probe pipeline: orchestration only.

Why one long module: probing a model state, re-scoring and re-clustering a directory, and the DDP
sync points around them are one orchestration over Round, ProbeDir and the probe registry (about 460
lines, from 1,225).

:func:`run_probe` probes one model state: it builds the :class:`~xlprobe.probing.round.Round`
(dictionaries, and every view's word representations extracted once into activation stores),
runs each registered probe on it (:mod:`xlprobe.probing.probes`: concepts, embeddings,
sentence, ...), and records the finished round in the probe directory
(:class:`~xlprobe.probing.probe_dir.ProbeDir`). The round's files are written to a staging
directory that takes its place whole, and the manifest is written last: a round the manifest
lists is complete. :func:`rescore` recomputes a run's report from what its rounds kept, with
other thresholds, without the model; :func:`recluster` clusters a run's kept activations again
with other K-means settings, also without the model (Mousi et al., ACL 2024, Sec. 3–4).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import logging
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlprobe.errors import InputError
from xlprobe.io import atomic_path
from xlprobe.probing.plan import LanguageRoles, ProbePlan, RoundId, plan_views
from xlprobe.probing.probe_dir import CorpusRecord, ProbeDir, RoundRecord
from xlprobe.probing.ranks import Ranks
from xlprobe.probing.report import ProbeReport
from xlprobe.probing.round import Round, StoredRound, extract_round, round_dictionaries
from xlprobe.probing.settings import ProbeSettings

if TYPE_CHECKING:
    from xlprobe.data.corpus import ProbeCorpus

logger = logging.getLogger(__name__)


def run_probe(
    model: Any,
    tokenizer: Any,
    corpus: ProbeCorpus,
    settings: ProbeSettings,
    *,
    probe_dir: str | Path | ProbeDir,
    round_id: RoundId | None = None,
    roles: LanguageRoles | None = None,
) -> ProbeReport:
    """Probe one model state with every enabled probe; keep what re-scoring needs.

    Args:
        model: A Hugging Face model of a registered family (:mod:`xlprobe.models.families`).
        tokenizer: Its fast tokenizer.
        corpus: Parallel probe sentences for ``settings.languages`` and the pivot.
        settings: Probe settings.
        probe_dir: The run's probe directory.
        round_id: Which model state this is (default: the base model).
        roles: Training and zero-shot languages, recorded in the manifest so that re-scoring
            plots a run the way it was trained.

    Returns:
        The round's report, with ``timings`` in seconds under ``<round>/``: ``dictionary``,
        ``extract``, each probe's own (``cluster``, ``metrics``, ``embeddings/input``,
        ``embeddings/layers``, ``sentence``, ...) and ``total``.
    """
    from xlprobe.models.families import family_of
    from xlprobe.probing.probes import check_row, probes

    ranks = Ranks.current()
    round_id = round_id or RoundId()
    probe_dir = probe_dir if isinstance(probe_dir, ProbeDir) else ProbeDir(probe_dir)
    plan = plan_views(settings, family_of(model))
    missing = sorted({v.lang for v in plan.views} - set(corpus.sentences))
    if missing:
        raise InputError(f"probe corpus has no sentences for language(s) {missing}")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    # Rank 0 builds the dictionaries while the model extracts (eflomal is a CPU process of its
    # own); the aligned views need the alignment before the extraction, then it waits.
    builder = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    dictionaries_built = (
        builder.submit(_timed, round_dictionaries, corpus, settings, probe_dir)
        if ranks.leader
        else None
    )
    links = None
    if settings.tokens == "aligned":
        (_, links), timings["dictionary"] = _shared_dictionaries(
            dictionaries_built, corpus, settings, probe_dir, ranks
        )
    activation_root = ranks.broadcast(
        _activation_root(settings, probe_dir, round_id) if ranks.leader else None
    )
    report = ProbeReport()
    final_dir = probe_dir.round_dir(round_id)
    staging_dir = atomic_path(final_dir, replace_dir=final_dir.is_dir()) if ranks.leader else None
    try:
        with staging_dir or contextlib.nullcontext() as staging:
            staging = ranks.broadcast(staging)
            if ranks.leader:
                staging.mkdir()
            tick = time.perf_counter()
            pooling = next(
                (p.sentence_pooling(settings) for p in probes() if p.enabled(settings)
                 and p.sentence_pooling(settings)),
                None,
            )  # fmt: skip
            stores, pooled = extract_round(
                model, tokenizer, corpus, plan, settings, activation_root, pooling, links, ranks
            )
            timings["extract"] = time.perf_counter() - tick
            (dictionaries, _), timings["dictionary"] = _shared_dictionaries(
                dictionaries_built, corpus, settings, probe_dir, ranks
            )
            layers = sorted(set.intersection(*(set(s.layers) for s in stores.values())))
            round_ = Round(
                id=round_id,
                settings=settings,
                plan=plan,
                corpus=corpus,
                probe_dir=probe_dir,
                dir=staging,
                dictionaries=dictionaries,
                stores=stores,
                layers=layers,
                model=model,
                tokenizer=tokenizer,
                sentence_vectors=pooled,
                ranks=ranks,
            )
            if ranks.leader:
                _keep_view_rows(stores, staging)
            for probe in probes():
                if probe.enabled(settings):
                    report.extend(_run(probe, round_, ranks))
            sets = _set_sizes(plan, stores)
            kept = settings.keep_activations or settings.activation_cache is not None
            activations = {v.name: str(s.path.resolve()) for v, s in stores.items()} if kept else {}
    finally:
        builder.shutdown(wait=True)
        if ranks.leader and not settings.keep_activations:
            shutil.rmtree(activation_root, ignore_errors=True)
    if not ranks.leader:
        return ProbeReport()
    for row in report.rows:
        check_row(row)
    timings.update(report.timings)
    timings["total"] = time.perf_counter() - start
    report.timings = {f"{round_id.name}/{k}": v for k, v in timings.items()}
    probe_dir.record_round(
        RoundRecord(round_id, sets, activations),
        settings=settings.to_dict(),
        plan=plan,
        layers=layers,
        n_sentences=len(corpus),
        roles=roles,
        corpus=_corpus_record(corpus, plan),
    )
    logger.info(
        "probe round %s: %s",
        round_id.name,
        ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()),
    )
    return report


def _timed(step: Any, *args: Any) -> tuple[Any, float]:
    """``step(*args)`` and the seconds it took."""
    tick = time.perf_counter()
    return step(*args), time.perf_counter() - tick


def _shared_dictionaries(
    built: concurrent.futures.Future | None,
    corpus: ProbeCorpus,
    settings: ProbeSettings,
    probe_dir: ProbeDir,
    ranks: Ranks,
) -> tuple[tuple[dict, dict], float]:
    """The round's dictionaries and links, and the seconds the build took: rank 0's build
    (``built``, run in the background), then on the other ranks what rank 0 wrote (they read
    it after a sync point that carries rank 0's failure)."""
    if ranks.leader:
        return ranks.run(built.result)
    ranks.sync()
    return _timed(round_dictionaries, corpus, settings, probe_dir)


def _activation_root(settings: ProbeSettings, probe_dir: ProbeDir, round_id: RoundId) -> Path:
    """Where the round's activation stores go: the probe directory's (kept) or a temporary
    directory."""
    if not settings.keep_activations:
        return Path(tempfile.mkdtemp(prefix="xlprobe-activations-"))
    root = probe_dir.path / "activations" / round_id.name
    root.mkdir(parents=True, exist_ok=True)
    return root


def _run(probe: Any, round_: Round, ranks: Ranks) -> ProbeReport:
    """One probe's rows of the round: a distributed probe runs on every rank (and syncs
    itself); any other on rank 0 while the others wait at a sync point that carries its
    failure. Rank 0 keeps the rows of a carried probe in the round directory."""
    if getattr(probe, "distributed", False):
        rows = probe.run(round_)
    else:
        rows = ranks.run(lambda: probe.run(round_) if ranks.leader else ProbeReport())
    if ranks.leader:
        _keep(probe, rows, round_.dir)
    return rows


def _keep_view_rows(stores: Mapping[Any, Any], round_dir: Path) -> None:
    """Write which rows of its store each view holds that holds only some
    (:meth:`ProbeDir.rows_of_view`), so re-clustering reads the same tokens."""
    import numpy as np

    from xlprobe.probing.store import StoreRows

    for view, store in stores.items():
        if isinstance(store, StoreRows):
            (round_dir / view.name).mkdir(parents=True, exist_ok=True)
            np.save(round_dir / view.name / "rows.npy", store.rows)


def _open_view(path: Path, rows: Path) -> Any:
    """A kept store, or the rows of it ``rows`` names when that file exists."""
    import numpy as np

    from xlprobe.probing.store import ActivationStore, StoreRows

    store = ActivationStore.open(path)
    return StoreRows(store, np.load(rows)) if rows.is_file() else store


def _keep(probe: Any, rows: ProbeReport, round_dir: Path) -> None:
    """Write the rows of a probe that re-scoring carries (it has a ``rows_file``)."""
    if probe.rows_file:
        ProbeReport(rows=rows.rows).to_csv(round_dir / probe.rows_file)


def _set_sizes(plan: ProbePlan, stores: Mapping[Any, Any]) -> dict[str, int]:
    """Tokens of every clustered set (what its cluster files hold)."""
    return {
        name: sum(len(stores[v].tokens) for v in views)
        for name, views in plan.cluster_sets().items()
    }


def _corpus_record(corpus: ProbeCorpus, plan: ProbePlan) -> CorpusRecord:
    languages = tuple(sorted({v.lang for v in plan.views}))
    return CorpusRecord(
        directory=str(corpus.directory) if corpus.directory is not None else None,
        split=corpus.split,
        languages=languages,
        n_sentences=len(corpus),
        digest=corpus.digest(languages),
        synthetic=corpus.synthetic,
    )


def _settings(manifest: Any, overrides: Mapping[str, Any] | None) -> ProbeSettings:
    """The manifest's probe settings with ``overrides`` (nested dicts) applied."""
    values = dict(manifest.settings)
    for name, sub in (overrides or {}).items():
        values[name] = {**values[name], **sub} if isinstance(sub, Mapping) else sub
    return ProbeSettings.from_mapping(values)


def rescore(
    source: str | Path | ProbeDir,
    overrides: Mapping[str, Any] | None = None,
    *,
    target: str | Path | ProbeDir | None = None,
) -> ProbeReport:
    """Recompute every round's report from what the rounds of ``source`` kept: the concept
    probe re-scores its cluster files (all K-means runs the manifest records) with the new
    thresholds; the other probes' rows are carried as they are.

    Args:
        source: A probe directory written by :func:`run_probe`.
        overrides: Settings replacing the cached ones, as nested dicts, e.g.
            ``{"calign": {"theta": 0.7}, "colap": {"theta": 0.4}}``.
        target: The re-scoring run's probe directory: it gets a manifest naming ``source``
            (whose cluster files stay there), the dictionaries scored with and each round's
            ``concepts.json``, so ``report.html`` and another ``from_run`` can read it.
            ``None``: nothing is written.

    Returns:
        The report over all rounds (timings ``rescore/load``, ``rescore/metrics``).
    """
    from xlprobe.probing.dictionary import write_dictionary
    from xlprobe.probing.probes import check_row, probes

    source = source if isinstance(source, ProbeDir) else ProbeDir(source)
    manifest = source.manifest()
    settings = _settings(manifest, overrides)
    recorded = ProbeSettings.from_mapping(manifest.settings)
    dictionaries = source.dictionaries(manifest.plan, settings.dictionaries)
    out = None if target is None else target if isinstance(target, ProbeDir) else ProbeDir(target)
    scratch = Path(tempfile.mkdtemp(prefix="xlprobe-rescore-")) if out is None else None
    report = ProbeReport()
    timings = {"rescore/load": 0.0, "rescore/metrics": 0.0}
    try:
        for record in manifest.rounds:
            stored = StoredRound(
                record=record,
                settings=settings,
                recorded=recorded,
                plan=manifest.plan,
                layers=manifest.layers,
                probe_dir=source,
                dictionaries=dictionaries,
                out_dir=(out.round_dir(record.id) if out else scratch / record.id.name),
            )
            stored.out_dir.mkdir(parents=True, exist_ok=True)
            for probe in probes():
                rows = probe.rescore(stored)
                if rows is None:
                    rows = _kept_rows(source, record, probe)
                for key in ("load", "metrics"):
                    timings[f"rescore/{key}"] += rows.timings.pop(key, 0.0)
                report.extend(rows)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    for row in report.rows:
        check_row(row)
    if out is not None:
        for key, dictionary in dictionaries.items():
            write_dictionary(dictionary, out.dictionary_file(key))
        root = source.clusters_root
        out.write_manifest(
            dataclasses.replace(
                manifest, settings=settings.to_dict(), source=str(root.path.resolve())
            )
        )
    report.timings = timings
    return report


def _kept_rows(probe_dir: ProbeDir, record: RoundRecord, probe: Any) -> ProbeReport:
    """The rows a carried probe kept for a round (none when it did not run then)."""
    from xlprobe.probing.probes import check_row

    if not probe.rows_file:
        return ProbeReport()
    path = probe_dir.clusters_root.rows_file(record.id, probe.rows_file)
    return ProbeReport.read_csv(path, check=check_row) if path.is_file() else ProbeReport()


def recluster(
    source: str | Path | ProbeDir, target: str | Path | ProbeDir, overrides: Mapping[str, Any]
) -> ProbeReport:
    """Cluster every round of ``source`` again from its kept activations with new K-means
    settings (K, seeds, ...) and score it: a new probe without the model. The probes that need
    the model carry the rows ``source`` kept.

    The activation stores are read where the source run kept them (``probe.keep_activations``
    or ``probe.activation_cache``; each round's manifest entry names them, and a re-clustered
    run's manifest names the same stores, so it can be re-clustered in turn; a manifest from
    before that names none: ``<source>/activations/<round>/<view>``). The new clusters, the
    dictionaries and a manifest go to ``target``; ``source`` is only read. With the source's K
    and seeds the clusters equal the source's.

    Args:
        source: The probe directory of a run made with ``probe.keep_activations=true``.
        target: This run's probe directory (not ``source``).
        overrides: Probe settings replacing the source's, as nested dicts, e.g.
            ``{"k": 300, "n_seeds": 3}``; the extraction settings cannot change.

    Returns:
        The report over every round (timings ``recluster/<round>/cluster`` and
        ``recluster/<round>/metrics``).

    Raises:
        InputError: A round without kept activations (one line naming probe.keep_activations).
    """
    from xlprobe.probing.dictionary import write_dictionary
    from xlprobe.probing.probes import check_row, probes
    from xlprobe.probing.store import ActivationStore

    source = source if isinstance(source, ProbeDir) else ProbeDir(source)
    target = target if isinstance(target, ProbeDir) else ProbeDir(target)
    if source.path.resolve() == target.path.resolve():
        raise InputError("from_run must name another run than this one", path=source.path)
    manifest = source.manifest()
    settings = _settings(manifest, overrides)
    plan = manifest.plan
    paths = {
        (record.id.name, view.name): Path(
            record.activations.get(view.name) or source.activation_dir(record.id, view.stream)
        )
        for record in manifest.rounds
        for view in plan.views
    }
    for (name, _), path in paths.items():
        if not ActivationStore.is_complete(path):
            raise InputError(
                f"round {name} of from_run kept no activations, so it can only be "
                "re-scored (probe.calign, probe.colap, ...): probe the model again with "
                "probe.keep_activations=true to re-cluster without it",
                path=path,
            )
    dictionaries = source.dictionaries(plan, settings.dictionaries)
    report = ProbeReport()
    for record in manifest.rounds:
        root = source.clusters_root
        stores = {
            view: _open_view(paths[(record.id.name, view.name)], root.rows_of_view(record.id, view))
            for view in plan.views
        }
        layers = sorted(set.intersection(*(set(s.layers) for s in stores.values())))
        final_dir = target.round_dir(record.id)
        with atomic_path(final_dir, replace_dir=final_dir.is_dir()) as staging:
            staging.mkdir()
            _keep_view_rows(stores, staging)
            round_ = Round(
                id=record.id,
                settings=settings,
                plan=plan,
                corpus=None,
                probe_dir=target,
                dir=staging,
                dictionaries=dictionaries,
                stores=stores,
                layers=layers,
            )
            for probe in probes():
                if probe.rows_file:  # rows that need the model: carried as they are
                    rows = _kept_rows(source, record, probe)
                    _keep(probe, rows, staging)
                else:
                    rows = probe.run(round_)
                    report.timings[f"recluster/{record.id.name}/cluster"] = rows.timings.pop(
                        "cluster", 0.0
                    )
                    report.timings[f"recluster/{record.id.name}/metrics"] = rows.timings.pop(
                        "metrics", 0.0
                    )
                report.extend(rows)
        for key, dictionary in dictionaries.items():
            write_dictionary(dictionary, target.dictionary_file(key))
        target.record_round(
            RoundRecord(
                record.id,
                _set_sizes(plan, stores),
                {view.name: str(store.path.resolve()) for view, store in stores.items()},
            ),
            settings=settings.to_dict(),
            plan=plan,
            layers=layers,
            n_sentences=manifest.n_sentences,
            roles=manifest.roles,
            corpus=manifest.corpus,
        )
    for row in report.rows:
        check_row(row)
    return report
