"""The torch K-means backend: faiss's result from the same start, chunked distances, faiss's
empty-cluster split, precision options; on CUDA (``gpu``) against the CPU and cuML."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import adjusted_rand_score

from xlprobe.errors import InputError
from xlprobe.probing.cluster import (
    KMeansOptions,
    gpu_backend_available,
    initial_centroids,
    kmeans,
    kmeans_runs,
    partition_inertia,
)
from xlprobe.probing.cluster_torch import TorchLloyd, round_to_tf32

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def blobs(n_per: int = 60, k: int = 8, dim: int = 16, seed: int = 0):
    """k well-separated Gaussian blobs: centres 20 apart per axis, unit noise."""
    rng = np.random.default_rng(seed)
    centres = rng.choice([-20.0, 0.0, 20.0], size=(k, dim))
    truth = np.repeat(np.arange(k), n_per)
    x = centres[truth] + rng.standard_normal((k * n_per, dim))
    return x.astype(np.float32), truth


@pytest.fixture(scope="module")
def random_20k() -> np.ndarray:
    return np.random.default_rng(7).standard_normal((20_000, 384)).astype(np.float32)


@pytest.mark.parametrize("init", ["random", "k-means++"])
def test_torch_equals_faiss_from_the_same_start_on_blobs(init):
    x, truth = blobs(n_per=50, k=10, dim=24, seed=4)
    for seed in range(3):
        faiss_labels = kmeans(x, 10, backend="faiss", seed=seed, init=init, max_iter=10)
        torch_labels = kmeans(x, 10, backend="torch", seed=seed, init=init, max_iter=10)
        np.testing.assert_array_equal(torch_labels, faiss_labels)
        if init == "k-means++":  # one start per blob: the blobs themselves
            assert adjusted_rand_score(truth, torch_labels) == 1.0


def test_torch_objective_is_faiss_objective_on_random_data(random_20k):
    faiss_labels = kmeans(random_20k, 100, backend="faiss", seed=3)
    torch_labels = kmeans(random_20k, 100, backend="torch", seed=3)
    ratio = partition_inertia(random_20k, torch_labels) / partition_inertia(
        random_20k, faiss_labels
    )
    assert abs(ratio - 1) < 1e-3


def test_chunking_does_not_change_labels():
    x = np.random.default_rng(1).standard_normal((400, 16)).astype(np.float32)
    whole = kmeans(x, 20, backend="torch", seed=5, init="k-means++")
    for chunk in (3, 7, 100):
        chunked = kmeans(x, 20, backend="torch", seed=5, init="k-means++", chunk=chunk)
        np.testing.assert_array_equal(whole, chunked)


def test_empty_clusters_are_split_as_faiss_splits_them():
    # Every point twice: a random start holding both copies of a row leaves one centroid
    # without points in the first iteration (the nearest-centroid tie goes to the first).
    x, _ = blobs(n_per=30, k=8, dim=16)
    x = np.concatenate([x, x])
    seed = next(
        s for s in range(500) if len(np.unique(initial_centroids(x, 12, seed=s), axis=0)) < 12
    )
    for max_iter in (1, 2, 20):
        faiss_labels = kmeans(x, 12, backend="faiss", seed=seed, max_iter=max_iter)
        torch_labels = kmeans(x, 12, backend="torch", seed=seed, max_iter=max_iter)
        np.testing.assert_array_equal(torch_labels, faiss_labels)
        assert len(np.unique(torch_labels)) == 12  # the empty cluster was refilled


def test_torch_starts_on_the_device_equal_the_host_starts():
    x = np.random.default_rng(4).standard_normal((5000, 48)).astype(np.float32)
    device = torch.from_numpy(x)
    for init in ("random", "k-means++"):
        for restart in (0, 2):
            host = initial_centroids(x, 50, seed=9, init=init, restart=restart)
            on_device = initial_centroids(device, 50, seed=9, init=init, restart=restart)
            np.testing.assert_array_equal(on_device.numpy(), host)


def test_several_seeds_on_one_upload_equal_one_call_per_seed():
    x, _ = blobs(n_per=40, k=6, dim=8, seed=2)
    options = KMeansOptions(backend="torch", init="k-means++", n_init=3, max_iter=30, tol=1e-4)
    together = kmeans_runs(x, 9, [0, 1, 2], options)
    for seed, labels in zip([0, 1, 2], together, strict=True):
        np.testing.assert_array_equal(labels, kmeans_runs(x, 9, [seed], options)[0])


@pytest.mark.parametrize("precision", ["tf32", "bf16"])
def test_reduced_precision_keeps_separated_blobs_and_stays_close_on_random_data(
    precision, random_20k
):
    x, _ = blobs(seed=6)
    np.testing.assert_array_equal(
        kmeans(x, 8, backend="torch", seed=1, init="k-means++", precision=precision),
        kmeans(x, 8, backend="torch", seed=1, init="k-means++"),
    )
    exact = kmeans(random_20k, 100, backend="torch", seed=3, max_iter=10)
    reduced = kmeans(random_20k, 100, backend="torch", seed=3, max_iter=10, precision=precision)
    ratio = partition_inertia(random_20k, reduced) / partition_inertia(random_20k, exact)
    assert abs(ratio - 1) < 2e-3


def test_round_to_tf32_keeps_ten_mantissa_bits_rounding_to_nearest():
    one = 1.0
    ulp = 2.0**-10  # TF32's spacing above 1
    x = torch.tensor([one + ulp / 4, one + 3 * ulp / 4, -(one + 3 * ulp / 4), 3.0, 0.0])
    expected = torch.tensor([one, one + ulp, -(one + ulp), 3.0, 0.0])
    assert torch.equal(round_to_tf32(x), expected)


def test_a_bad_chunk_is_one_line():
    with pytest.raises(InputError, match=r"^cluster\.chunk=-5: expected a whole number >= 1"):
        kmeans(np.zeros((5, 2)), 2, backend="torch", chunk=-5)


@pytest.mark.gpu
@needs_cuda
def test_cuda_is_deterministic_and_matches_the_cpu(random_20k):
    x, _ = blobs(n_per=50, k=10, dim=24, seed=4)
    cuda = TorchLloyd(x, 10, max_iter=20, device="cuda")
    cpu = TorchLloyd(x, 10, max_iter=20, device="cpu")
    start = initial_centroids(x, 10, seed=1, init="k-means++")
    np.testing.assert_array_equal(
        cuda.run(torch.from_numpy(start).cuda(), 0.0).labels,
        cpu.run(torch.from_numpy(start), 0.0).labels,
    )
    first = kmeans(random_20k, 200, backend="torch", seed=3)
    np.testing.assert_array_equal(first, kmeans(random_20k, 200, backend="torch", seed=3))
    on_cpu = TorchLloyd(random_20k, 200, max_iter=20, device="cpu").run(
        initial_centroids(torch.from_numpy(random_20k), 200, seed=3), 0.0
    )
    ratio = partition_inertia(random_20k, first) / partition_inertia(random_20k, on_cpu.labels)
    assert abs(ratio - 1) < 1e-3


@pytest.mark.gpu
@pytest.mark.skipif(not gpu_backend_available(), reason="needs RAPIDS cuML and a CUDA GPU")
def test_cuml_and_torch_reach_the_same_objective(random_20k):
    options = {"init": "k-means++", "n_init": 2, "max_iter": 100, "tol": 1e-4}
    (cuml_labels,) = kmeans_runs(random_20k, 200, [0], KMeansOptions(backend="cuml", **options))
    (torch_labels,) = kmeans_runs(random_20k, 200, [0], KMeansOptions(backend="torch", **options))
    ratio = partition_inertia(random_20k, cuml_labels) / partition_inertia(random_20k, torch_labels)
    ari = adjusted_rand_score(cuml_labels, torch_labels)
    print(f"cuML vs torch: inertia ratio {ratio:.5f}, ARI {ari:.3f}")
    assert abs(ratio - 1) < 0.01
