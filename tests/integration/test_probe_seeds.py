"""K-means seeds, chance levels, re-clustering from kept activations and the random-weights
control, on a tiny real BERT over a small slice of the synthetic corpus."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from itertools import chain
from pathlib import Path

import numpy as np
import pytest

from xlprobe.data.corpus import ProbeCorpus
from xlprobe.probing.chance import chance_rng, random_partition
from xlprobe.probing.cluster import kmeans
from xlprobe.probing.concepts import ConceptSet, read_clusters, read_sentence_langs
from xlprobe.probing.dictionary import Dictionary, read_dictionary, write_dictionary
from xlprobe.probing.metrics import calign, colap
from xlprobe.probing.pipeline import recluster, rescore, run_probe
from xlprobe.probing.plan import RoundId, View
from xlprobe.probing.probe_dir import ProbeDir
from xlprobe.probing.probes import metrics
from xlprobe.probing.report import ProbeReport
from xlprobe.probing.settings import ProbeSettings
from xlprobe.probing.store import ActivationStore

pytestmark = pytest.mark.slow

N_SENTENCES = 40
CHANCE_METRICS = {name: m.chance for name, m in metrics().items() if m.chance}
"""Metric -> the chance levels drawn under it (the probe registry's)."""
CLUSTER_METRICS = ("calign", "colap", "dict_coverage", *chain(*CHANCE_METRICS.values()))
"""The rows computed from the clusters (other probes may add rows of their own)."""
LAYERS = (0, 1, 2)
BASE = RoundId()
JOINT = "joint.encoder.de+encoder.en"


@pytest.fixture(scope="module")
def tiny(tiny_model_dirs, synthetic_corpus, tmp_path_factory):
    """The tiny BERT, a de/en probe corpus and a position-aligned de-en dictionary file."""
    from xlprobe.models import load_model

    model, tokenizer = load_model(tiny_model_dirs["bert"], "base")
    sentences = {
        lang: list(synthetic_corpus.sentences[lang][:N_SENTENCES]) for lang in ("de", "en")
    }
    counts: dict[str, Counter] = defaultdict(Counter)
    for de, en in zip(sentences["de"], sentences["en"], strict=True):
        for s, t in zip(de.split(), en.split(), strict=False):
            counts[s][t] += 1
    dictionary = Dictionary(
        {s: [(t, n / sum(c.values())) for t, n in c.most_common()] for s, c in counts.items()}
    )
    path = tmp_path_factory.mktemp("dict") / "de-en.tsv"
    write_dictionary(dictionary, path)
    return model, tokenizer, ProbeCorpus(sentences), path


def _probe(tiny, probe_dir: Path, **values) -> ProbeReport:
    model, tokenizer, corpus, dictionary = tiny
    settings = ProbeSettings.from_mapping(
        {
            "languages": ("de",),
            "k": 6,
            "backend": "sklearn",
            "dictionaries": {"de-en": str(dictionary)},
            "dictionary_cache": None,
            "sentence": {"enabled": False},
            **values,
        }
    )
    return run_probe(model, tokenizer, corpus, settings, probe_dir=probe_dir)


def _values(report: ProbeReport) -> dict[tuple, tuple]:
    """Value columns by row key, of the rows computed from clusters (and the seeds' ARI)."""
    return {
        r.key: dataclasses.astuple(r)[9:]
        for r in report.rows
        if r.metric in CLUSTER_METRICS or r.metric.startswith("seed_ari")
    }


@pytest.fixture(scope="module")
def kept(tiny, tmp_path_factory) -> tuple[Path, ProbeReport]:
    """A 1-seed probe (seed 0) that kept its activations."""
    probe_dir = tmp_path_factory.mktemp("kept") / "probe"
    return probe_dir, _probe(tiny, probe_dir, keep_activations=True)


@pytest.fixture(scope="module")
def three(tiny, tmp_path_factory) -> tuple[Path, ProbeReport]:
    """A 3-seed probe (seeds 0, 1, 2)."""
    probe_dir = tmp_path_factory.mktemp("three") / "probe"
    return probe_dir, _probe(tiny, probe_dir, n_seeds=3)


def test_one_seed_is_the_single_kmeans_run_with_sd_0(tiny, kept):
    probe_dir, report = kept
    stores = [
        ActivationStore.open(ProbeDir(probe_dir).activation_dir(BASE, View("encoder", lang)))
        for lang in ("de", "en")
    ]
    for row in report.select(metric="calign"):
        concepts = [
            ConceptSet(s.tokens, kmeans(s.layer(row.layer), 6, backend="sklearn", seed=0))
            for s in stores
        ]
        assert row.value == calign(*concepts, read_dictionary(tiny[3])).percent
    rows = [r for r in report.rows if r.metric in CLUSTER_METRICS]
    assert {(r.sd, r.n_seeds) for r in rows} == {(0.0, 1)}
    assert all(r.ci_low == r.value == r.ci_high for r in rows if r.value == r.value)
    assert not [r for r in report.rows if r.metric.startswith("seed_ari")]


def test_three_seeds_average_the_single_seed_runs_and_rescore_reproduces_them(
    kept, three, tmp_path
):
    probe_dir, report = three
    singles = [kept[1]] + [recluster(kept[0], tmp_path / f"seed{j}", {"seed": j}) for j in (1, 2)]
    for row in (r for r in report.rows if r.metric in CLUSTER_METRICS):
        runs = [next(r for r in single.rows if r.key == row.key) for single in singles]
        assert row.n_seeds == 3
        assert row.value == pytest.approx(np.mean([r.value for r in runs]))
        assert row.sd == pytest.approx(np.std([r.value for r in runs], ddof=1))
        assert row.ci_low <= row.value <= row.ci_high
        assert row.numerator == sum(r.numerator for r in runs)
    curves = report.select(metric="calign") + report.select(metric="colap")
    assert [r for r in curves if r.sd > 0], "3 K-means seeds gave the same values at every layer"
    # the seeds' agreement: one row per view and joint set and layer, an index below 1 somewhere
    assert len(report.select(metric="seed_ari")) == 2 * len(LAYERS)
    assert len(report.select(metric="seed_ari_joint")) == len(LAYERS)
    agreement = [r for r in report.rows if r.metric.startswith("seed_ari")]
    assert min(r.value for r in agreement) < 1
    assert {(r.n_seeds, r.denominator) for r in agreement} == {(3, 3)}  # 3 seeds, 3 pairs
    # seed j's cluster file is the cluster file of a 1-seed probe with seed j
    for j, single_dir in enumerate((kept[0], tmp_path / "seed1", tmp_path / "seed2")):
        ours = ProbeDir(probe_dir).cluster_file(BASE, "encoder.de", 1, j)
        single = ProbeDir(single_dir).cluster_file(BASE, "encoder.de", 1)
        assert ours.read_text() == single.read_text()
    assert _values(rescore(probe_dir)) == _values(report)


def test_chance_rows_for_every_pair_and_layer_on_the_same_tokens(three):
    probe_dir, report = three
    assert set(CHANCE_METRICS) == {"calign", "colap"}
    for metric, chance in CHANCE_METRICS.items():
        keys = {(r.side_s, r.lang_s, r.side_t, r.lang_t, r.layer) for r in report.select(
            metric=metric)}  # fmt: skip
        assert len(keys) == len(LAYERS)
        for name in chance:
            rows = report.select(metric=name)
            assert {(r.side_s, r.lang_s, r.side_t, r.lang_t, r.layer) for r in rows} == keys
            assert all(r.n_seeds == 3 for r in rows)
    # colap's partition chance is COLAP of the joint clusters with their labels permuted
    probe = ProbeDir(probe_dir)
    langs = read_sentence_langs(probe.sentence_langs_file(BASE, JOINT))
    for row in report.select(metric="colap_chance_partition"):
        values = []
        for j in range(3):
            joint = read_clusters(
                probe.cluster_file(BASE, JOINT, row.layer, j), sentence_langs=langs
            )
            shuffled = random_partition(joint, chance_rng(j, "partition", JOINT, row.layer))
            assert Counter(shuffled.labels.tolist()) == Counter(joint.labels.tolist())
            values.append(colap(shuffled, theta=0.3).percent)
        assert row.value == pytest.approx(np.mean(values))


def test_recluster_from_kept_activations_equals_a_fresh_probe(tiny, kept, tmp_path):
    again = recluster(kept[0], tmp_path / "again", {"k": 4, "n_seeds": 2})
    fresh = _probe(tiny, tmp_path / "fresh", k=4, n_seeds=2)
    assert _values(again) == _values(fresh)
    # the re-clustered run re-scores, and re-clusters in turn from the first run's activations
    assert _values(rescore(tmp_path / "again")) == _values(fresh)
    back = recluster(tmp_path / "again", tmp_path / "back", {"k": 6, "n_seeds": 1})
    assert _values(back) == _values(kept[1])


def test_random_init_is_seeded_fresh_weights_of_the_same_architecture(tiny, tmp_path):
    import torch

    from xlprobe.models.random_init import random_weights

    model = tiny[0]
    first, again, other = (random_weights(model, seed) for seed in (0, 0, 1))
    name, weight = next(iter(model.state_dict().items()))
    assert type(first) is type(model) and first.config == model.config
    assert torch.equal(first.state_dict()[name], again.state_dict()[name])
    assert not torch.equal(first.state_dict()[name], other.state_dict()[name])
    assert not torch.equal(first.state_dict()[name], weight)
    _, tokenizer, corpus, dictionary = tiny
    settings = ProbeSettings.from_mapping(
        {
            "languages": ("de",),
            "k": 6,
            "backend": "sklearn",
            "dictionaries": {"de-en": str(dictionary)},
            "sentence": {"enabled": False},
        }
    )
    random_init = RoundId(model_state="random_init")
    report = run_probe(first, tokenizer, corpus, settings, probe_dir=tmp_path, round_id=random_init)
    assert {r.model_state for r in report.rows} == {"random_init"}
    assert ProbeDir(tmp_path).cluster_file(random_init, "encoder.de", 1).is_file()
    assert [r.id.name for r in ProbeDir(tmp_path).manifest().rounds] == ["random_init"]


def test_probes_of_the_same_weights_share_content_addressed_stores(tiny, tmp_path, caplog):
    from xlprobe.models.random_init import random_weights

    cache = tmp_path / "cache"
    first = _probe(tiny, tmp_path / "a", activation_cache=str(cache))
    stores = sorted(cache.iterdir())
    assert len(stores) == 2  # encoder.de, encoder.en
    stamps = [(s / "meta.json").stat().st_mtime_ns for s in stores]
    with caplog.at_level("INFO", logger="xlprobe.probing.round"):
        second = _probe(tiny, tmp_path / "b", activation_cache=str(cache), k=4)
    assert caplog.text.count("reusing") == 2
    assert sorted(cache.iterdir()) == stores
    assert [(s / "meta.json").stat().st_mtime_ns for s in stores] == stamps
    # a run without keep_activations re-clusters from the shared stores
    again = recluster(tmp_path / "a", tmp_path / "c", {"k": 4})
    assert _values(again) == _values(second)
    assert _values(first) != _values(second)
    # other weights, other stores
    model, tokenizer, corpus, dictionary = tiny
    settings = ProbeSettings.from_mapping(
        {
            "languages": ("de",),
            "k": 6,
            "backend": "sklearn",
            "dictionaries": {"de-en": str(dictionary)},
            "sentence": {"enabled": False},
            "activation_cache": str(cache),
        }
    )
    run_probe(random_weights(model, 0), tokenizer, corpus, settings, probe_dir=tmp_path / "d")
    assert len(list(cache.iterdir())) == 4
