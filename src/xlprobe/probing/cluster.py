"""K-means clustering of word occurrences into latent concepts (Mousi et al., ACL 2024, Sec. 2).

Three interchangeable backends, each a function ``(x [N x D] float32, k, seed, n_iter, init)
-> labels [N] int64`` running Lloyd's algorithm from one seeded initialisation (no restarts):

* ``cuml``: RAPIDS cuML on a CUDA GPU (optional ``[gpu]`` extra).
* ``faiss``: ``faiss.Kmeans`` on the CPU (BLAS distance computations); the default.
* ``sklearn``: ``sklearn.cluster.KMeans`` with ``n_init=1``, the reference implementation.

Initialisation is ``random`` (k distinct points drawn uniformly; faiss's default, and the
default here: it costs nothing) or ``k-means++`` (D²-weighted seeding, Arthur & Vassilvitskii
2007; scikit-learn's default, which the paper used: better starting points on well-separated
data, but one pass over ``x`` per centroid, about 13 Lloyd iterations' worth of CPU time for
50,000 x 768 points and K = 600). The CPU backends share :func:`initial_centroids`, so faiss
and scikit-learn start from the very same centroids for a given seed; cuML seeds on the GPU
with its own implementation of the same strategy (its ``k-means++`` is scalable k-means++),
since a CPU seeding pass would cost more than the whole GPU clustering. Each backend then runs
``n_iter`` Lloyd iterations on all points (faiss's training subsample is disabled) and returns
each point's nearest final centroid.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from typing import Literal

import numpy as np

from xlprobe.errors import InputError
from xlprobe.probing.concepts import ConceptSet, TokenTable

log = logging.getLogger(__name__)

Backend = Literal["auto", "cuml", "faiss", "sklearn"]
Init = Literal["k-means++", "random"]
BACKENDS: tuple[str, ...] = ("auto", "cuml", "faiss", "sklearn")
INITS: tuple[str, ...] = ("k-means++", "random")


def initial_centroids(x: np.ndarray, k: int, *, seed: int = 0, init: Init = "random") -> np.ndarray:
    """Choose k rows of ``x`` [N x D] (float32) as initial centroids [k x D].

    ``random``: k distinct rows, uniformly. ``k-means++``: the first row uniformly, each next
    row with probability D(x)² / sum D², D(x) = distance to the nearest centroid chosen so far
    (one matrix-vector product over ``x`` per centroid). Rows already chosen have D = 0; if
    all remaining points coincide with chosen centroids, the rest is drawn uniformly from the
    unchosen rows.
    """
    rng = np.random.default_rng(seed)
    n = len(x)
    if init == "random":
        return x[np.sort(rng.choice(n, size=k, replace=False))]
    norms = np.einsum("ij,ij->i", x, x)
    chosen = np.empty(k, dtype=np.int64)
    chosen[0] = rng.integers(n)
    nearest = np.full(n, np.inf, dtype=np.float64)
    for j in range(1, k):
        c = x[chosen[j - 1]]
        dist = np.maximum(norms - 2.0 * (x @ c) + norms[chosen[j - 1]], 0.0)
        np.minimum(nearest, dist, out=nearest)
        nearest[chosen[:j]] = 0.0
        total = nearest.sum()
        if total > 0:
            # side="right": the first row whose cumulative weight exceeds the draw, never a
            # row of weight 0.
            draw = rng.random() * total
            chosen[j] = min(np.searchsorted(np.cumsum(nearest), draw, side="right"), n - 1)
        else:
            free = np.setdiff1d(np.arange(n), chosen[:j])
            chosen[j] = rng.choice(free)
    return x[chosen]


def _faiss_kmeans(x: np.ndarray, k: int, seed: int, n_iter: int, init: Init) -> np.ndarray:
    import faiss

    km = faiss.Kmeans(
        x.shape[1],
        k,
        niter=n_iter,
        nredo=1,
        spherical=False,
        verbose=False,
        max_points_per_centroid=-(-len(x) // k),  # >= N/k: train on every point
        min_points_per_centroid=1,
    )
    km.train(x, init_centroids=initial_centroids(x, k, seed=seed, init=init))
    _, labels = km.index.search(x, 1)
    return labels.reshape(-1).astype(np.int64)


def _sklearn_kmeans(x: np.ndarray, k: int, seed: int, n_iter: int, init: Init) -> np.ndarray:
    from sklearn.cluster import KMeans

    centroids = initial_centroids(x, k, seed=seed, init=init)
    km = KMeans(n_clusters=k, init=centroids, n_init=1, max_iter=n_iter, tol=0.0)
    return km.fit_predict(x).astype(np.int64)


def _cuml_kmeans(x: np.ndarray, k: int, seed: int, n_iter: int, init: Init) -> np.ndarray:
    try:
        from cuml.cluster import KMeans
    except ImportError as err:
        raise InputError(
            "cluster backend 'cuml' needs RAPIDS cuML and a CUDA GPU "
            "(pip install 'xlprobe[gpu]'); use backend 'faiss' on a CPU machine"
        ) from err
    km = KMeans(
        n_clusters=k,
        init=init,
        n_init=1,
        max_iter=n_iter,
        tol=0.0,
        random_state=seed,
        output_type="numpy",
    )
    return np.asarray(km.fit_predict(x)).reshape(-1).astype(np.int64)


_IMPLEMENTATIONS: dict[str, Callable[[np.ndarray, int, int, int, Init], np.ndarray]] = {
    "cuml": _cuml_kmeans,
    "faiss": _faiss_kmeans,
    "sklearn": _sklearn_kmeans,
}


def gpu_backend_available() -> bool:
    """Whether cuML is installed and a CUDA device is visible (then ``auto`` means cuML)."""
    if importlib.util.find_spec("cuml") is None or importlib.util.find_spec("cupy") is None:
        return False
    import cupy

    try:
        return cupy.cuda.runtime.getDeviceCount() > 0
    except cupy.cuda.runtime.CUDARuntimeError:
        return False


def resolve_backend(backend: Backend) -> str:
    """The concrete backend ``backend`` stands for (``auto`` is cuML on a GPU, else faiss),
    checked to be installed, so that a run can call this before any expensive work.

    Raises:
        InputError: An unknown backend, or ``cuml`` where RAPIDS cuML is not installed.
    """
    if backend not in BACKENDS:
        raise InputError(f"cluster backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    if backend == "auto":
        return "cuml" if gpu_backend_available() else "faiss"
    if backend == "cuml" and importlib.util.find_spec("cuml") is None:
        raise InputError(
            "probe.backend=cuml: RAPIDS cuML is not installed (pip install 'xlprobe[gpu]' on a "
            "CUDA machine); use cluster=faiss or cluster=auto"
        )
    return backend


def kmeans(
    x: np.ndarray,
    k: int,
    *,
    backend: Backend = "auto",
    seed: int = 0,
    n_iter: int = 20,
    init: Init = "random",
) -> np.ndarray:
    """Cluster the rows of ``x`` into ``k`` clusters with K-means (Lloyd).

    Minimises sum_i ||x_i - c_{label_i}||² by Lloyd iterations from a seeded initialisation
    (scikit-learn stops before ``n_iter`` only if the assignment no longer changes).

    Args:
        x: [N x D] points (any float dtype; clustered as float32).
        k: Number of clusters, 1 <= k <= N.
        backend: ``auto``, ``cuml``, ``faiss`` or ``sklearn`` (see the module docstring).
        seed: Seed of the initialisation; same seed, same labels (per backend, on a CPU).
        n_iter: Lloyd iterations.
        init: ``k-means++`` or ``random`` (see :func:`initial_centroids`).

    Returns:
        [N] int64 cluster id of each row, in [0, k).

    Raises:
        InputError: ``x`` not a finite 2-D array, ``k`` outside [1, N], ``n_iter`` < 1, an
            unknown backend/init, or cuML requested where it is not available.
    """
    x = np.asarray(x)
    if x.ndim != 2 or len(x) == 0:
        raise InputError(f"K-means needs a non-empty [N x D] array, got shape {x.shape}")
    if not 1 <= k <= len(x):
        raise InputError(
            f"K-means with k={k} clusters needs at least k points; got {len(x)} points. "
            "Lower the number of clusters or extract more tokens"
        )
    if n_iter < 1:
        raise InputError(f"n_iter={n_iter}; expected at least 1 K-means iteration")
    if init not in INITS:
        raise InputError(f"K-means init {init!r}; expected one of {', '.join(INITS)}")
    x32 = np.ascontiguousarray(x, dtype=np.float32)
    if not np.isfinite(x32).all():
        raise InputError("K-means input holds NaN or infinite values")
    name = resolve_backend(backend)
    log.info("K-means: %d points x %d dims, k=%d, %s, %d iterations", *x32.shape, k, name, n_iter)
    return _IMPLEMENTATIONS[name](x32, k, seed, n_iter, init)


def cluster_concepts(
    x: np.ndarray,
    tokens: TokenTable,
    k: int,
    *,
    backend: Backend = "auto",
    seed: int = 0,
    n_iter: int = 20,
    init: Init = "random",
) -> ConceptSet:
    """Latent concepts: K-means clusters of the activations ``x`` [N x D] of ``tokens`` (N rows).

    See :func:`kmeans` for the arguments.
    """
    if len(x) != len(tokens):
        raise InputError(f"{len(x)} activation rows for {len(tokens)} tokens")
    labels = kmeans(x, k, backend=backend, seed=seed, n_iter=n_iter, init=init)
    return ConceptSet(tokens=tokens, labels=labels)
