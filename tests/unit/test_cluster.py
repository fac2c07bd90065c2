"""K-means backends: agreement with the scikit-learn reference, seeding, input errors."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from xlprobe.errors import InputError
from xlprobe.probing.cluster import (
    cluster_concepts,
    gpu_backend_available,
    initial_centroids,
    kmeans,
    resolve_backend,
)
from xlprobe.probing.concepts import TokenTable, read_clusters, write_clusters


def blobs(n_per: int = 60, k: int = 8, dim: int = 16, seed: int = 0):
    """k well-separated Gaussian blobs: centres 20 apart per axis, unit noise."""
    rng = np.random.default_rng(seed)
    centres = rng.choice([-20.0, 0.0, 20.0], size=(k, dim))
    truth = np.repeat(np.arange(k), n_per)
    x = centres[truth] + rng.standard_normal((k * n_per, dim))
    return x.astype(np.float32), truth


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_faiss_and_sklearn_recover_the_same_partition(seed):
    x, truth = blobs(seed=seed)
    faiss_labels = kmeans(x, 8, backend="faiss", seed=seed, init="k-means++")
    sklearn_labels = kmeans(x, 8, backend="sklearn", seed=seed, init="k-means++")
    assert adjusted_rand_score(faiss_labels, sklearn_labels) >= 0.99
    assert adjusted_rand_score(truth, faiss_labels) >= 0.99


def test_from_the_same_random_start_backends_reach_the_same_local_optimum():
    # Random seeding often puts two centroids in one blob; both backends then agree anyway.
    x, _ = blobs()
    faiss_labels = kmeans(x, 8, backend="faiss", seed=0, init="random")
    sklearn_labels = kmeans(x, 8, backend="sklearn", seed=0, init="random")
    assert adjusted_rand_score(faiss_labels, sklearn_labels) >= 0.99


def test_kmeans_plus_plus_seeds_one_centroid_per_separated_blob():
    x, truth = blobs(n_per=30, k=6)
    for seed in range(5):
        centroids = initial_centroids(x, 6, seed=seed, init="k-means++")
        rows = [int(np.flatnonzero((x == c).all(axis=1))[0]) for c in centroids]
        assert sorted(truth[rows].tolist()) == list(range(6))


def test_seeding_picks_distinct_rows_even_with_duplicate_points():
    x = np.zeros((10, 3), dtype=np.float32)
    x[:2] = [[1, 0, 0], [0, 1, 0]]
    for init in ("k-means++", "random"):
        centroids = initial_centroids(x, 4, seed=3, init=init)
        assert centroids.shape == (4, 3)
    # k-means++ takes both distinct points before any duplicate of the zero vector.
    chosen = {tuple(c) for c in initial_centroids(x, 3, seed=0, init="k-means++").tolist()}
    assert chosen == {(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 0.0)}


@pytest.mark.parametrize("backend", ["faiss", "sklearn"])
def test_same_seed_same_labels(backend):
    x = np.random.default_rng(1).standard_normal((500, 8)).astype(np.float32)
    first = kmeans(x, 12, backend=backend, seed=7, n_iter=5)
    again = kmeans(x, 12, backend=backend, seed=7, n_iter=5)
    assert first.dtype == np.int64 and first.shape == (500,)
    assert set(first.tolist()) <= set(range(12))
    np.testing.assert_array_equal(first, again)


@pytest.mark.parametrize("backend", ["faiss", "sklearn"])
def test_float16_memmap_input_is_clustered_as_float32(tmp_path, backend):
    # Centres 2000 apart: squared distances (~10^7) overflow float16 (max 65504), so a
    # backend computing in float16 would see every distance as inf and miss the blobs.
    x, truth = blobs(n_per=20, k=3)
    x *= 100
    np.save(tmp_path / "x.npy", x.astype(np.float16))
    x16 = np.load(tmp_path / "x.npy", mmap_mode="r")
    assert x16.dtype == np.float16
    labels = kmeans(x16, 3, backend=backend, seed=4, init="k-means++")
    assert adjusted_rand_score(truth, labels) == 1.0
    np.testing.assert_array_equal(labels, kmeans(x, 3, backend=backend, seed=4, init="k-means++"))


def test_k_equal_to_n_puts_every_point_alone():
    x = np.arange(12, dtype=np.float32).reshape(6, 2) * 10
    labels = kmeans(x, 6, backend="faiss", init="random")
    assert sorted(labels.tolist()) == list(range(6))


@pytest.mark.parametrize(
    "x, k, kwargs, match",
    [
        (np.zeros((5, 2)), 6, {}, "k=6 clusters needs at least k points; got 5"),
        (np.zeros((5, 2)), 0, {}, "k=0"),
        (np.zeros(5), 2, {}, r"\[N x D\]"),
        (np.full((5, 2), np.nan), 2, {}, "NaN"),
        (np.zeros((5, 2)), 2, {"n_iter": 0}, "n_iter"),
        (np.zeros((5, 2)), 2, {"backend": "kmeans-gpu"}, "backend"),
        (np.zeros((5, 2)), 2, {"init": "pca"}, "init"),
    ],
)
def test_bad_input_is_an_input_error(x, k, kwargs, match):
    with pytest.raises(InputError, match=match):
        kmeans(x, k, **kwargs)


@pytest.mark.skipif(importlib.util.find_spec("cuml") is not None, reason="cuML is installed")
def test_requesting_cuml_without_it_says_how_to_get_it():
    with pytest.raises(InputError, match=r"cuML.*xlprobe\[gpu\].*faiss"):
        kmeans(np.zeros((5, 2)), 2, backend="cuml")


@pytest.mark.skipif(gpu_backend_available(), reason="a GPU with cuML is present")
def test_auto_is_faiss_without_a_gpu():
    assert resolve_backend("auto") == "faiss"


@pytest.mark.gpu
@pytest.mark.skipif(not gpu_backend_available(), reason="needs RAPIDS cuML and a CUDA GPU")
def test_cuml_agrees_with_sklearn_on_blobs():
    x, _ = blobs()
    cuml_labels = kmeans(x, 8, backend="cuml", seed=0)
    sklearn_labels = kmeans(x, 8, backend="sklearn", seed=0)
    assert adjusted_rand_score(cuml_labels, sklearn_labels) >= 0.99
    assert resolve_backend("auto") == "cuml"


def test_cluster_concepts_labels_every_token_and_writes_a_conceptx_file(tmp_path):
    x, truth = blobs(n_per=10, k=3, dim=4)
    words = [f"w{i}|x" for i in range(len(x))]
    tokens = TokenTable.from_columns(
        words, "de", np.arange(len(x)) // 5, np.arange(len(x)) % 5, np.zeros(len(x))
    )
    concepts = cluster_concepts(x, tokens, 3, backend="faiss", init="k-means++")
    assert concepts.tokens is tokens
    assert adjusted_rand_score(truth, concepts.labels) == 1.0
    write_clusters(concepts, tmp_path / "clusters.txt")
    back = read_clusters(tmp_path / "clusters.txt", lang="de")
    assert back.tokens.word.tolist() == words
    np.testing.assert_array_equal(back.labels, concepts.labels)
    with pytest.raises(InputError, match="activation rows"):
        cluster_concepts(x[:-1], tokens, 3)
