"""The concept probe: latent concepts by K-means, scored by CALIGN and COLAP (Mousi et al., ACL
2024, Sec. 2-3).

Per layer, each view is clustered on its own (independent discovery, for CALIGN) and each
same-side pair of views together (joint discovery, for COLAP), once per K-means seed
(``probe.n_seeds``, seeds ``seed, seed+1, ...``); the cluster files are kept in the round
directory, so ``from_run`` re-scores them with other thresholds without the model
(:meth:`ConceptsProbe.rescore`), and re-clustering a run's kept activations runs :meth:`run`
again without the model. Scoring is :func:`xlprobe.probing.scoring.score_round`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from xlprobe.io import write_text_atomic
from xlprobe.options import Options, option
from xlprobe.probing.concepts import ConceptSet, TokenTable, write_clusters
from xlprobe.probing.probes.base import Metric
from xlprobe.probing.report import ProbeReport

if TYPE_CHECKING:
    from xlprobe.probing.plan import View
    from xlprobe.probing.round import Round, StoredRound
    from xlprobe.probing.scoring import ScoredRound


@dataclass(frozen=True)
class CalignSettings(Options):
    """CALIGN thresholds (Mousi et al., 2024, Sec. 3.2): θA, N-best, min types, size ratio
    (``max_size_diff`` 1.0: no size filter) and which alignment rule
    (:func:`xlprobe.probing.metrics.calign`)."""

    prefix: ClassVar[str] = "probe.calign"

    theta: float = option(0.8, low=0, high=1, low_open=True)
    n_best: int = option(10, low=1)
    min_types: int = option(5, low=0)
    max_size_diff: float = option(0.4, low=0, high=1)
    rule: Literal["symmetric", "released"] = "symmetric"


@dataclass(frozen=True)
class ColapSettings(Options):
    """COLAP threshold θO (Mousi et al., 2024, Sec. 3.3)."""

    prefix: ClassVar[str] = "probe.colap"

    theta: float = option(0.3, low=0, high=1, low_open=True)


_PARTITION = "size-matched random concepts on the same tokens (the run's labels permuted over them)"
METRICS = (
    Metric(
        "calign",
        "% of the source view's concepts aligned to a target concept through n-best "
        "translations (Mousi et al. 2024, Sec. 3.2)",
        curve=True,
        chance=("calign_chance_partition", "calign_chance_dictionary"),
    ),
    Metric(
        "colap",
        "% of jointly clustered concepts where two languages each hold >= theta of the tokens "
        "(Mousi et al. 2024, Sec. 3.3)",
        curve=True,
        chance=("colap_chance_partition",),
        same_side=True,
    ),
    Metric(
        "dict_coverage",
        "% of the source word types with an n-best translation among the target word types "
        "(the same at every layer: a table value)",
    ),
    Metric("calign_chance_partition", f"CALIGN chance level: {_PARTITION} (a floor)"),
    Metric(
        "calign_chance_dictionary",
        "CALIGN chance level: the real concepts with the dictionary's translation lists "
        "permuted among the source words (a floor)",
    ),
    Metric(
        "colap_chance_partition",
        f"COLAP chance level: {_PARTITION}; the fully mixed reference, not a floor",
        same_side=True,
    ),
    Metric(
        "seed_ari",
        "mean pairwise adjusted Rand index of one view's K-means seeds (-1 to 1)",
        low=-1.0,
        high=1.0,
    ),
    Metric(
        "seed_ari_joint",
        "mean pairwise adjusted Rand index of a joint set's K-means seeds (-1 to 1)",
        low=-1.0,
        high=1.0,
        same_side=True,
    ),
)


def num_clusters(tokens: TokenTable, settings: Any) -> int:
    """``settings.k``, or ``max(2, round(word types / types_per_concept))`` (types are
    (word, language) pairs), at most one cluster per token."""
    if settings.k is not None:
        return settings.k
    n_types = len(set(zip(tokens.word.tolist(), tokens.lang.tolist(), strict=True)))
    return int(min(max(2, round(n_types / settings.types_per_concept)), len(tokens)))


def joint_tokens(tables: list[TokenTable], n_sentences: int) -> TokenTable:
    """Concatenate views, offsetting sentence ids by ``i * n_sentences`` for the i-th view so a
    joint ConceptX file stays unambiguous together with its ``sentence_langs.txt`` (a single
    view keeps its ids)."""
    import dataclasses

    shifted = [
        dataclasses.replace(t, sentence=t.sentence + i * n_sentences) for i, t in enumerate(tables)
    ]
    return TokenTable.concat(shifted)


def cluster_round(round: Round) -> dict[tuple[str, int], list[ConceptSet]]:
    """K-means of every view (alone) and joint set (the views together) at every layer of the
    round, ``n_seeds`` times with seeds ``seed + j`` (all seeds of a set on one upload to the
    backend, :func:`~xlprobe.probing.cluster.kmeans_runs`), each run written to the round
    directory. Over several ranks the (set, layer) fits are dealt out round-robin and every
    rank gets every fit's labels.

    Returns:
        ``(set name, layer)`` -> one ConceptSet per seed.
    """
    from xlprobe.probing.cluster import kmeans_runs

    settings, plan, n_sentences = round.settings, round.plan, round.n_sentences
    cluster_sets = plan.cluster_sets()
    tokens, ks = {}, {}
    for name, views in cluster_sets.items():
        tokens[name] = joint_tokens([round.stores[v].tokens for v in views], n_sentences)
        ks[name] = num_clusters(tokens[name], settings)
        if len(views) > 1 and round.ranks.leader:
            langs = "".join(f"{v.lang}\n" for v in views for _ in range(n_sentences))
            write_text_atomic(round.dir / name / "sentence_langs.txt", langs)
    options = settings.kmeans_options()
    seeds = [settings.seed + j for j in range(settings.n_seeds)]
    ranks = round.ranks
    jobs = [(name, layer) for layer in round.layers for name in cluster_sets]

    def fit_mine() -> dict[tuple[str, int], list[np.ndarray]]:
        fitted = {}
        vectors: dict[View, np.ndarray] = {}  # the current layer's, read once per view
        current = None
        for index, (name, layer) in enumerate(jobs):
            if not ranks.mine(index):
                continue
            if layer != current:
                vectors, current = {}, layer
            for view in cluster_sets[name]:
                if view not in vectors:
                    vectors[view] = np.asarray(round.stores[view].layer(layer), np.float32)
            x = np.concatenate([vectors[view] for view in cluster_sets[name]])
            fitted[(name, layer)] = kmeans_runs(x, ks[name], seeds, options)
            for j, labels in enumerate(fitted[(name, layer)]):
                suffix = "" if j == 0 else f".seed{j}"
                concepts = ConceptSet(tokens[name], np.asarray(labels, np.int64))
                write_clusters(concepts, round.dir / name / f"layer_{layer:02d}{suffix}.txt")
        return fitted

    labels: dict[tuple[str, int], list[np.ndarray]] = {}
    for fitted in ranks.gather(ranks.run(fit_mine)):
        labels.update(fitted)
    return {
        job: [ConceptSet(tokens[job[0]], np.asarray(run, np.int64)) for run in labels[job]]
        for job in jobs
    }


def write_scored(shown: ScoredRound, path) -> None:
    """Write a round's :class:`~xlprobe.probing.scoring.ScoredRound` (``concepts.json``)."""
    write_text_atomic(path, json.dumps(shown.to_json(), ensure_ascii=False))


class ConceptsProbe:
    """CALIGN / COLAP with chance levels and seed agreement (module docstring)."""

    name: ClassVar[str] = "concepts"
    options: ClassVar[Mapping[str, type[Options]]] = {
        "calign": CalignSettings,
        "colap": ColapSettings,
    }
    metrics: ClassVar[tuple[Metric, ...]] = METRICS
    rescorable: ClassVar[tuple[str, ...]] = ("calign", "colap")
    rows_file: ClassVar[str] = ""
    distributed: ClassVar[bool] = True

    def sentence_pooling(self, settings: Any) -> str | None:
        return None

    def enabled(self, settings: Any) -> bool:
        return True

    def run(self, round: Round) -> ProbeReport:
        from xlprobe.probing.scoring import score_round

        tick = time.perf_counter()
        concepts = cluster_round(round)
        cluster_time = time.perf_counter() - tick
        if not round.ranks.leader:
            return ProbeReport()
        tick = time.perf_counter()
        report, shown = score_round(
            concepts, round.plan, round.layers, round.dictionaries, round.settings, round.id
        )
        write_scored(shown, round.dir / "concepts.json")
        report.timings = {"cluster": cluster_time, "metrics": time.perf_counter() - tick}
        return report

    def rescore(self, stored: StoredRound) -> ProbeReport:
        """Score the round's cluster files (all its K-means runs) with ``stored.settings``; its
        ``concepts.json`` goes to ``stored.out_dir`` (timings ``load``, ``metrics``)."""
        from xlprobe.probing.scoring import score_round

        tick = time.perf_counter()
        n_runs = stored.recorded.n_seeds
        concepts = {
            (name, layer): [
                stored.probe_dir.read_concepts(stored.record, name, views, layer, j)
                for j in range(n_runs)
            ]
            for layer in stored.layers
            for name, views in stored.plan.cluster_sets().items()
        }
        load = time.perf_counter() - tick
        tick = time.perf_counter()
        report, shown = score_round(
            concepts,
            stored.plan,
            stored.layers,
            stored.dictionaries,
            stored.settings,
            stored.record.id,
        )
        write_scored(shown, stored.out_dir / "concepts.json")
        report.timings = {"load": load, "metrics": time.perf_counter() - tick}
        return report
