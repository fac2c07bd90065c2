"""K-means: the shared starts, scikit-learn's options on every CPU backend, the backend
registry, input errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import yaml
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from xlprobe.errors import InputError
from xlprobe.probing.cluster import (
    BACKENDS,
    REGISTRY,
    KMeansOptions,
    gpu_backend_available,
    initial_centroids,
    kmeans,
    kmeans_runs,
    partition_inertia,
    resolve_backend,
    resolve_options,
    torch_sees_a_gpu,
)

CPU_BACKENDS = ["faiss", "sklearn", "torch"]
CONF = Path(__file__).resolve().parents[2] / "conf" / "cluster"


def blobs(n_per: int = 60, k: int = 8, dim: int = 16, seed: int = 0):
    """k well-separated Gaussian blobs: centres 20 apart per axis, unit noise."""
    rng = np.random.default_rng(seed)
    centres = rng.choice([-20.0, 0.0, 20.0], size=(k, dim))
    truth = np.repeat(np.arange(k), n_per)
    x = centres[truth] + rng.standard_normal((k * n_per, dim))
    return x.astype(np.float32), truth


def rows_of(x: np.ndarray, centroids: np.ndarray) -> list[int]:
    return [int(np.flatnonzero((x == c).all(axis=1))[0]) for c in centroids]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_faiss_and_sklearn_recover_the_same_partition(seed):
    x, truth = blobs(seed=seed)
    faiss_labels = kmeans(x, 8, backend="faiss", seed=seed, init="k-means++")
    sklearn_labels = kmeans(x, 8, backend="sklearn", seed=seed, init="k-means++")
    assert adjusted_rand_score(faiss_labels, sklearn_labels) >= 0.99
    assert adjusted_rand_score(truth, faiss_labels) >= 0.99


@pytest.mark.parametrize("backend", ["sklearn", "torch"])
def test_from_the_same_random_start_backends_reach_the_same_local_optimum(backend):
    # Random seeding often puts two centroids in one blob; the backends then agree anyway.
    x, _ = blobs()
    faiss_labels = kmeans(x, 8, backend="faiss", seed=0, init="random")
    other = kmeans(x, 8, backend=backend, seed=0, init="random")
    assert adjusted_rand_score(faiss_labels, other) >= 0.99


def test_kmeans_plus_plus_seeds_one_centroid_per_separated_blob():
    x, truth = blobs(n_per=30, k=6)
    for seed in range(5):
        for restart in range(3):
            centroids = initial_centroids(x, 6, seed=seed, init="k-means++", restart=restart)
            assert sorted(truth[rows_of(x, centroids)].tolist()) == list(range(6))


def test_greedy_kmeans_plus_plus_starts_lower_than_plain_draws():
    # Greedy k-means++ keeps the best of 2 + ln k candidates per centroid: its starts have a
    # lower potential than random rows on structureless data, on average over seeds.
    x = np.random.default_rng(5).standard_normal((3000, 8)).astype(np.float32)

    def potential(init: str, seed: int) -> float:
        c = initial_centroids(x, 40, seed=seed, init=init).astype(np.float64)
        return float(((x[:, None, :] - c[None]) ** 2).sum(-1).min(1).sum())

    greedy = np.mean([potential("k-means++", s) for s in range(4)])
    random = np.mean([potential("random", s) for s in range(4)])
    assert greedy < 0.9 * random


def test_seeding_picks_distinct_rows_even_with_duplicate_points():
    x = np.zeros((10, 3), dtype=np.float32)
    x[:2] = [[1, 0, 0], [0, 1, 0]]
    for init in ("k-means++", "random"):
        centroids = initial_centroids(x, 4, seed=3, init=init)
        assert centroids.shape == (4, 3)
    # k-means++ takes both distinct points before any duplicate of the zero vector.
    chosen = {tuple(c) for c in initial_centroids(x, 3, seed=0, init="k-means++").tolist()}
    assert chosen == {(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 0.0)}


def test_restarts_draw_their_own_starts_and_restart_zero_is_the_seed_itself():
    x = np.random.default_rng(2).standard_normal((400, 4)).astype(np.float32)
    rows = {
        (seed, restart): tuple(rows_of(x, initial_centroids(x, 5, seed=seed, restart=restart)))
        for seed in range(3)
        for restart in range(3)
    }
    assert len(set(rows.values())) == len(rows)  # no two (seed, restart) share a start
    first = np.sort(np.random.default_rng(1).choice(400, size=5, replace=False))
    assert rows[1, 0] == tuple(first.tolist())


@pytest.mark.parametrize("backend", CPU_BACKENDS)
def test_same_seed_same_labels(backend):
    x = np.random.default_rng(1).standard_normal((500, 8)).astype(np.float32)
    options = KMeansOptions(backend=backend, init="k-means++", n_init=2, max_iter=5, tol=1e-4)
    first, other, again = kmeans_runs(x, 12, [7, 8, 7], options)
    assert first.dtype == np.int64 and first.shape == (500,)
    assert set(first.tolist()) <= set(range(12))
    np.testing.assert_array_equal(first, again)
    assert adjusted_rand_score(first, other) < 1.0


@pytest.mark.parametrize("backend", ["sklearn", "torch"])
def test_n_init_keeps_the_restart_of_lowest_inertia(backend):
    # Run to convergence (tol 0, many iterations): the final centroids are the clusters'
    # means, so the backend's inertia is the partition's, and restart 0 is the n_init=1 run.
    x = np.random.default_rng(3).standard_normal((600, 6)).astype(np.float32)
    one, best = (
        [partition_inertia(x, labels) for labels in kmeans_runs(x, 15, range(3), options)]
        for options in (
            KMeansOptions(backend=backend, n_init=1, max_iter=300),
            KMeansOptions(backend=backend, n_init=4, max_iter=300),
        )
    )
    assert all(b <= o * (1 + 1e-9) for b, o in zip(best, one, strict=True))
    assert any(b < o * (1 - 1e-6) for b, o in zip(best, one, strict=True))


@pytest.mark.parametrize("backend", ["faiss", "torch"])
def test_tol_stops_on_the_centroid_shift_as_sklearn_does(backend):
    x, _ = blobs(n_per=40, k=5, dim=8, seed=3)
    x += np.random.default_rng(0).standard_normal(x.shape).astype(np.float32) * 4
    # tol 0 runs to a fixed point; a positive tol below every shift changes nothing.
    exact = kmeans(x, 9, backend=backend, seed=2, max_iter=50)
    np.testing.assert_array_equal(
        exact, kmeans(x, 9, backend=backend, seed=2, max_iter=50, tol=1e-12)
    )
    # A tol above the first shift stops after one iteration.
    one = kmeans(x, 9, backend=backend, seed=2, max_iter=1)
    np.testing.assert_array_equal(one, kmeans(x, 9, backend=backend, seed=2, max_iter=50, tol=1e3))
    assert not np.array_equal(one, exact)
    # tol 1e-2 stops where scikit-learn stops from the same start.
    sk = kmeans(x, 9, backend="sklearn", seed=2, max_iter=50, tol=1e-2)
    np.testing.assert_array_equal(sk, kmeans(x, 9, backend=backend, seed=2, max_iter=50, tol=1e-2))


@pytest.mark.slow  # 40 s to 2 min on 2 shared cores: 3 x 2 restarts of up to 300 iterations
def test_kmeans_plus_plus_with_restarts_comes_within_one_percent_of_sklearn():
    # The paper's procedure (k-means++, restarts, tol 1e-4), at test size: 20k x 384 random
    # points. Random data has many local optima of nearly equal inertia, so the labels differ
    # from scikit-learn's (docs/clustering.md reports the agreement) but the objective may not.
    x = np.random.default_rng(11).standard_normal((20_000, 384)).astype(np.float32)
    k, n_init, max_iter, tol = 20, 2, 300, 1e-4
    reference = KMeans(k, n_init=n_init, max_iter=max_iter, tol=tol, random_state=0).fit(x)
    options = KMeansOptions(init="k-means++", n_init=n_init, max_iter=max_iter, tol=tol)
    for backend in ("faiss", "torch"):
        (labels,) = kmeans_runs(x, k, [0], KMeansOptions(**{**vars(options), "backend": backend}))
        ratio = partition_inertia(x, labels) / reference.inertia_
        assert abs(ratio - 1) < 0.01, (backend, ratio)


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


@pytest.mark.parametrize("backend", CPU_BACKENDS)
def test_k_equal_to_n_puts_every_point_alone(backend):
    x = np.arange(12, dtype=np.float32).reshape(6, 2) * 10
    labels = kmeans(x, 6, backend=backend, init="random")
    assert sorted(labels.tolist()) == list(range(6))


def test_partition_inertia_is_the_within_cluster_sum_of_squares():
    x = np.array([[0, 0], [2, 0], [10, 10], [10, 14]], dtype=np.float32)
    assert partition_inertia(x, np.array([5, 5, 1, 1])) == pytest.approx(2.0 + 8.0)


@pytest.mark.parametrize(
    "x, k, kwargs, match",
    [
        (np.zeros((5, 2)), 6, {}, "k=6 clusters needs at least k points; got 5"),
        (np.zeros((5, 2)), 0, {}, "k=0"),
        (np.zeros(5), 2, {}, r"\[N x D\]"),
        (np.full((5, 2), np.nan), 2, {}, "NaN"),
        (np.zeros((5, 2)), 2, {"max_iter": 0}, r"probe\.max_iter=0"),
        (np.zeros((5, 2)), 2, {"n_init": 0}, r"probe\.n_init=0"),
        (np.zeros((5, 2)), 2, {"n_init": 1.5}, r"probe\.n_init=1\.5"),
        (np.zeros((5, 2)), 2, {"tol": -1.0}, r"probe\.tol=-1\.0"),
        (np.zeros((5, 2)), 2, {"tol": float("nan")}, r"probe\.tol=nan"),
        (np.zeros((5, 2)), 2, {"chunk": 0}, r"cluster\.chunk=0.*rows per distance block"),
        (np.zeros((5, 2)), 2, {"chunk": "big"}, r"cluster\.chunk='big'"),
        (np.zeros((5, 2)), 2, {"precision": "fp8"}, r"cluster\.precision='fp8'"),
        (np.zeros((5, 2)), 2, {"backend": "kmeans-gpu"}, r"cluster\.backend='kmeans-gpu'"),
        (np.zeros((5, 2)), 2, {"init": "pca"}, r"probe\.init='pca'"),
        (np.zeros((5, 2)), 2, {"seed": -1}, "seed -1"),
        (np.zeros((5, 2)), 2, {"backend": "faiss", "precision": "bf16"}, "cluster=torch only"),
    ],
)
def test_bad_input_is_one_input_error_line(x, k, kwargs, match):
    with pytest.raises(InputError, match=match) as error:
        kmeans(x, k, **kwargs)
    assert "\n" not in str(error.value)


def test_options_from_a_config_node_name_an_unknown_key():
    assert KMeansOptions.from_dict({"backend": "torch", "chunk": 64}).chunk == 64
    with pytest.raises(InputError, match=r"unknown option.*n_iter"):
        KMeansOptions.from_dict({"backend": "faiss", "n_iter": 20})


def test_every_backend_has_a_config_file_and_every_config_file_is_valid():
    files = {path.stem: yaml.safe_load(path.read_text()) for path in CONF.glob("*.yaml")}
    assert set(files) == set(BACKENDS)
    for name, values in files.items():
        assert KMeansOptions.from_dict(values).backend == name


def test_registry_names_are_the_backend_names():
    assert ("auto", *REGISTRY) == BACKENDS
    for name, backend in REGISTRY.items():
        assert backend.name == name


@pytest.mark.skipif(importlib.util.find_spec("cuml") is not None, reason="cuML is installed")
def test_requesting_cuml_without_it_says_how_to_get_it():
    with pytest.raises(InputError, match=r"cluster=cuml: .*cuml.*xlprobe\[gpu\].*cluster=faiss"):
        resolve_backend("cuml")
    with pytest.raises(InputError, match="cluster=cuml"):
        kmeans(np.zeros((5, 2)), 2, backend="cuml")


def test_preflight_of_the_options_refuses_a_precision_the_backend_cannot_honour():
    assert resolve_options(KMeansOptions(backend="torch", precision="bf16")) == "torch"
    with pytest.raises(InputError, match=r"cluster\.precision=tf32 applies to cluster=torch"):
        resolve_options(KMeansOptions(backend="sklearn", precision="tf32"))


def test_unknown_backend_names_the_choices():
    with pytest.raises(InputError, match=r"cluster='kmeans-gpu'.*auto, cuml, torch, faiss"):
        resolve_backend("kmeans-gpu")


@pytest.mark.skipif(gpu_backend_available() or torch_sees_a_gpu(), reason="a GPU is visible")
def test_auto_is_faiss_without_a_gpu():
    assert resolve_backend("auto") == "faiss"
    assert resolve_backend("torch") == "torch"
