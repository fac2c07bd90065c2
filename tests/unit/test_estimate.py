"""The estimate of a probe round: kept-token counts by the extraction's rule, and how each
setting moves the FLOPs, store size, memory, time and warnings (no model)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from xlprobe.estimate import (
    CUDA_CONTEXT_BYTES,
    Calibration,
    LanguageCounts,
    ModelShape,
    calibrate,
    count_language,
    estimate_round,
    forward_rate,
    kmeans_pp_trials,
)
from xlprobe.models.families import family
from xlprobe.probing.plan import plan_views
from xlprobe.probing.settings import ProbeSettings

SHAPE = ModelShape(
    name="toy",
    family="bert",
    kind="encoder",
    dim=16,
    layers={"encoder": 3},
    linear={"encoder": 3 * 12 * 16 * 16},
    parameters=50_000,
    weight_bytes=200_000,
)
RATES = Calibration(
    "faiss",
    "cpu",
    gemm_flops=1e10,
    lloyd_latency=1e-3,
    lloyd_flops=1e10,
    seed_latency=1e-4,
    seed_rate=1e9,
)
SENTENCES = {
    "de": ["der Hund der Katze", "die Katze", "der Hund bellt"],
    "fr": ["le chien le chat", "le chat", "le chien aboie"],
    "en": ["the dog the cat", "the cat", "the dog barks"],
}


def _estimate(settings: ProbeSettings, shape: ModelShape = SHAPE, **kwargs):
    counts = {
        lang: count_language(lines, settings.extraction.max_per_type)
        for lang, lines in SENTENCES.items()
    }
    plan = plan_views(settings, family(shape.family))
    options = {
        "subwords": dict.fromkeys(SENTENCES, 6.0),
        "backend": "faiss",
        "kmeans_device": "cpu",
        "forward_rate": RATES.gemm_flops,
        "kmeans": RATES,
        **kwargs,
    }
    return estimate_round(counts, plan, settings, shape, **options)


def _settings(**values) -> ProbeSettings:
    # K 2 over these few tokens, with concepts that count from 2 word types on
    base = {"languages": ["de", "fr"], "pivot": "en", "k": 2, "calign": {"min_types": 1}}
    return ProbeSettings.from_mapping({**base, **values})


def test_kept_occurrences_follow_the_cap_in_corpus_order():
    counts = count_language(["a a b", "a c", "a a", "b"], max_per_type=2)
    # a: 5 occurrences, 2 kept (both in the first sentence); b: 2; c: 1
    assert counts == LanguageCounts(sentences=4, words=8, types=3, kept=5, kept_sentences=3)
    uncapped = count_language(["a a b", "a c", "a a", "b"], max_per_type=10)
    assert uncapped.kept == uncapped.words == 8 and uncapped.kept_sentences == 4


def test_views_and_joint_sets_hold_their_languages_tokens():
    estimate = _estimate(_settings())
    kept = {lang: count_language(lines, 10).kept for lang, lines in SENTENCES.items()}
    assert estimate.views == {f"encoder.{lang}": kept[lang] for lang in ("de", "en", "fr")}
    assert estimate.sets["joint.encoder.de+encoder.en"][0] == kept["de"] + kept["en"]
    assert estimate.layers == SHAPE.layers["encoder"] + 1
    assert estimate.fits == len(estimate.sets) * estimate.layers
    assert estimate.store_bytes == sum(kept[lang] for lang in kept) * estimate.layers * 16 * 2


def test_an_encoder_decoder_has_decoder_views_of_the_tokens_they_read():
    shape = dataclasses.replace(
        SHAPE,
        family="mt5",
        kind="encoder-decoder",
        layers={"encoder": 3, "decoder": 3},
        linear={"encoder": 100, "decoder": 150},
    )
    estimate = _estimate(_settings(), shape)
    assert estimate.views["decoder.de.from_en"] == estimate.views["encoder.de"]
    assert estimate.views["decoder.en.from_de"] == estimate.views["encoder.en"]
    encoder_only = _estimate(_settings(sides=["encoder"]), shape)
    # a decoder view runs the encoder over its source sentence as well
    assert estimate.forward_flops > 3 * encoder_only.forward_flops


def test_k_scales_with_word_types_when_not_given():
    estimate = _estimate(_settings(k=None, types_per_concept=2))
    types = {lang: count_language(lines, 10).types for lang, lines in SENTENCES.items()}
    assert estimate.sets["encoder.de"][1] == round(types["de"] / 2)
    assert estimate.sets["joint.encoder.de+encoder.en"][1] == round((types["de"] + types["en"]) / 2)


def test_kmeans_flops_scale_with_iterations_restarts_and_seeds():
    base = _estimate(_settings(max_iter=9))
    assert _estimate(_settings(max_iter=19)).kmeans_flops == pytest.approx(2 * base.kmeans_flops)
    assert _estimate(_settings(max_iter=9, n_init=3)).kmeans_flops == pytest.approx(
        3 * base.kmeans_flops
    )
    seeds = _estimate(_settings(max_iter=9, n_seeds=4))
    assert seeds.kmeans_flops == pytest.approx(4 * base.kmeans_flops)
    assert seeds.fits == 4 * base.fits
    # per fit: (max_iter + 1) assignments of 2 N K D FLOPs, for every set and layer
    per_layer = sum(10 * 2.0 * n * k * SHAPE.dim for n, k in base.sets.values())
    assert base.kmeans_flops == pytest.approx(base.layers * per_layer)


def test_kmeans_plus_plus_adds_the_greedy_starts():
    random_start = _estimate(_settings())
    greedy = _estimate(_settings(init="k-means++", n_init=2))
    assert random_start.seeding_seconds == 0
    expected = (
        2
        * random_start.layers
        * sum(
            k * (RATES.seed_latency + kmeans_pp_trials(k) * n * SHAPE.dim / RATES.seed_rate)
            for n, k in greedy.sets.values()
        )
    )
    assert greedy.seeding_seconds == pytest.approx(expected)
    assert kmeans_pp_trials(600) == 2 + int(math.log(600)) == 8


def test_probed_layers_restrict_store_fits_and_time():
    every = _estimate(_settings())
    two = _estimate(_settings(layers=[0, 2]))
    assert two.layers == 2 and every.layers == 4
    assert two.store_bytes * 2 == every.store_bytes
    assert two.seconds["cluster"] < every.seconds["cluster"]


def test_pooled_sentence_vectors_run_every_sentence_and_add_the_sentence_rows():
    plain = _estimate(_settings())
    pooled = _estimate(_settings(), pooled=True)
    assert "sentence" in pooled.seconds and "sentence" not in plain.seconds
    assert pooled.forward_flops >= plain.forward_flops
    assert pooled.host_bytes > plain.host_bytes


def test_warnings_name_the_settings_to_change():
    assert _estimate(_settings()).warnings == ()
    slow = dataclasses.replace(RATES, lloyd_flops=1.0)
    (hour,) = _estimate(_settings(), forward_rate=1.0, kmeans=slow).warnings
    assert "over an hour" in hour and "probe.k" in hour
    (host,) = _estimate(_settings(), host_limit=1000).warnings
    assert "host memory" in host and "probe.corpus.max_sentences" in host
    on_gpu = _estimate(_settings(), backend="torch", kmeans_device="cuda", device_limit=1000)
    # the context, the largest set's points in float32 and their distance blocks
    largest = max(n for n, _ in on_gpu.sets.values())
    assert on_gpu.device_bytes > CUDA_CONTEXT_BYTES + largest * SHAPE.dim * 4
    assert any("device memory" in w and "cluster.chunk" in w for w in on_gpu.warnings)


def test_a_k_that_leaves_calign_views_too_few_tokens_per_concept_is_named():
    # 9 tokens of German in 3 concepts: 3 per concept, under the 6 word types a concept needs
    crowded = _estimate(_settings(k=3, calign={"min_types": 5})).warnings
    (line,) = [w for w in crowded if "tokens per concept" in w]
    assert "K=3 leaves about 3.0 tokens per concept" in line and "probe.calign.min_types=5" in line
    assert "lower probe.k" in line
    assert _estimate(_settings(k=3, calign={"min_types": 2})).warnings == ()


def test_the_time_is_an_upper_bound_when_kmeans_may_stop_early_or_views_are_aligned():
    assert "at most" not in _estimate(_settings()).summary()
    assert "time: at most" in _estimate(_settings(tol=1e-4)).summary()
    assert "time: at most" in _estimate(_settings(tokens="aligned")).summary()


def test_summary_names_views_backend_and_phases():
    text = _estimate(_settings()).summary()
    assert "encoder.de" in text and "faiss (cpu)" in text
    assert "extract" in text and "cluster" in text and "per round" in text


def test_cluster_time_is_the_backends_latency_and_rate_per_iteration():
    estimate = _estimate(_settings(max_iter=4, n_seeds=2))
    per_iteration = sum(
        RATES.lloyd_latency + 2.0 * n * k * SHAPE.dim / RATES.lloyd_flops
        for n, k in estimate.sets.values()
    )
    # 4 iterations and the final labelling, for every layer and seed
    assert estimate.seconds["cluster"] == pytest.approx(2 * estimate.layers * 5 * per_iteration)


@pytest.mark.parametrize("backend", ["torch", "sklearn"])
def test_calibration_times_the_backend_where_it_runs(backend):
    rates = calibrate(backend, seconds=0.01)
    assert (rates.backend, rates.device) == (backend, "cpu")
    assert min(rates.gemm_flops, rates.lloyd_flops, rates.seed_rate) > 0
    assert min(rates.lloyd_latency, rates.seed_latency) >= 0


def test_the_forward_calibration_of_a_large_model_times_narrower_layers():
    # 2 layers of this model would be 8 GiB of float32 weights: BERT layers of width 1,024 are
    # timed instead (a few MiB)
    large = dataclasses.replace(
        SHAPE,
        family="llama",
        kind="decoder",
        dim=8192,
        layers={"decoder": 80},
        linear={"decoder": 80 * 12 * 8192**2},
    )
    assert forward_rate(large, 8, seconds=0.01) > 0
