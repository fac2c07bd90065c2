"""K-means clustering of word occurrences into latent concepts (Mousi et al., ACL 2024, Sec. 2).

Why one long module: the backend registry, the shared starts and each backend's Lloyd must agree
option for option, and are checked side by side here (the torch engine alone is in
cluster_torch.py).

One procedure, several backends. Every backend runs Lloyd's algorithm with scikit-learn's
meaning of the options, from starts that :func:`initial_centroids` draws the same way for all
of them (equal seeds, equal starts):

* ``init``: ``random`` (k distinct rows, uniformly; the default, it costs nothing) or
  ``k-means++`` (scikit-learn's greedy k-means++, ``2 + int(ln k)`` candidates per centroid,
  the best of them kept; what the paper ran).
* ``n_init``: restarts per seed; the run with the lowest inertia (sum of squared distances
  of the points to their centroids) wins, the first on a tie. Restart ``r`` of seed ``s`` is
  seeded from ``(s, r)`` alone (:func:`restart_rng`), on every backend.
* ``max_iter``: at most this many Lloyd iterations (assign every point to its nearest
  centroid, move every centroid to the mean of its points).
* ``tol``: stop once the squared centroid shift of an iteration, summed over the centroids,
  is at most ``tol`` x the mean of the per-feature variances of ``x`` (scikit-learn's rule);
  with ``tol`` 0 a run stops only at a fixed point, where more iterations change nothing.
  The labels are the final centroids' nearest-centroid assignment.

The paper's setting is ``sklearn.cluster.KMeans(n_clusters=600, random_state=212)`` under
scikit-learn 0.24.2: ``init=k-means++, n_init=10, max_iter=300, tol=1e-4``. The defaults here
(``random``, 1, 20, 0) are the cheap setting the demos use. See ``docs/clustering.md`` for how
close each backend comes to scikit-learn and what the paper's setting costs.

Backends (:data:`REGISTRY`; ``auto`` picks cuML on a GPU with RAPIDS, else torch on a GPU,
else faiss):

* ``faiss``: ``faiss.Clustering`` on the CPU (BLAS distances), one iteration per call so that
  ``tol`` can stop it; empty clusters are refilled by splitting a large one
  (``split_clusters`` in faiss's ``Clustering.cpp``).
* ``torch``: exact Lloyd on torch, on CUDA when present, else the CPU
  (:mod:`xlprobe.probing.cluster_torch`): distances in row blocks of at most ``chunk`` x K,
  float32 (or ``tf32``/``bf16`` distance products), empty clusters split as faiss does,
  deterministic on a given device.
* ``cuml``: RAPIDS cuML on a CUDA GPU (the ``[gpu]`` extra), from the shared starts.
* ``sklearn``: ``sklearn.cluster.KMeans`` from the shared starts, the reference (slow).

To add a backend: write a class with ``points`` (the array the starts are drawn from) and
``run(start, tol_abs) -> Fit`` (see :class:`FaissLloyd`), and add one :class:`Backend` entry
to :data:`REGISTRY`; the config group ``conf/cluster/`` gets one YAML file naming it.
"""

from __future__ import annotations

import importlib.util
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol

import numpy as np

from xlprobe.errors import InputError
from xlprobe.probing.lloyd import Fit, centroid_shift, run_lloyd

log = logging.getLogger(__name__)

INITS: tuple[str, ...] = ("k-means++", "random")
PRECISIONS: tuple[str, ...] = ("float32", "tf32", "bf16")
# cuML wants tol > 0; this one stops it only where the centroids no longer move.
_CUML_MIN_TOL = 1e-30


class Engine(Protocol):
    """A backend opened on one array: the points stay where the backend keeps them (one upload
    for all the seeds and restarts of :func:`kmeans_runs`)."""

    points: Any
    """The points as the backend holds them ([N x D] numpy array or torch tensor); the starts
    are drawn from them (:func:`initial_centroids`)."""

    def run(self, start: Any, tol_abs: float) -> Fit:
        """Lloyd from the centroids ``start`` [k x D] (rows of ``points``), stopping when an
        iteration's summed squared centroid shift is at most ``tol_abs``."""


@dataclass(frozen=True)
class Backend:
    """One K-means backend in the registry.

    Attributes:
        name: The value of ``cluster.backend`` (and the config file ``conf/cluster/<name>.yaml``).
        summary: One line for ``auto``'s log and the docs.
        modules: Python modules that must be importable.
        install: How to get them (the fix in the error message).
        gpu: ``True`` when the backend needs a CUDA device (not just prefers one).
        options: The options it honours besides init/n_init/max_iter/tol (``chunk``,
            ``precision``).
        open: ``(x [N x D] float32, k, options) -> Engine``; imports the library lazily.
    """

    name: str
    summary: str
    modules: tuple[str, ...]
    install: str
    gpu: bool
    options: frozenset[str]
    open: Callable[[np.ndarray, int, KMeansOptions], Engine]

    def problem(self) -> str | None:
        """Why the backend cannot run here (a missing module or GPU), or ``None``."""
        missing = [m for m in self.modules if importlib.util.find_spec(m) is None]
        if missing:
            return f"{', '.join(missing)} not installed ({self.install})"
        if self.gpu and not _cupy_sees_a_gpu():
            return "no CUDA device visible"
        return None


@dataclass(frozen=True)
class KMeansOptions:
    """Which backend, and scikit-learn's K-means options.

    In the configs, ``backend``, ``chunk`` and ``precision`` are the ``cluster`` group's keys
    (``conf/cluster/<backend>.yaml``) and the procedure (``init``, ``n_init``, ``max_iter``,
    ``tol``) is the probe's (``conf/probe/``); an error names the key where it is set.

    Attributes:
        backend: A :data:`BACKENDS` name.
        init: ``random`` or ``k-means++`` (:func:`initial_centroids`).
        n_init: Restarts per seed; the lowest inertia wins.
        max_iter: Most Lloyd iterations per restart.
        tol: Relative tolerance on the summed squared centroid shift (module docstring).
        chunk: Rows per distance block for ``torch`` (a block holds chunk x K float32
            distances) and ``cuml`` (``max_samples_per_batch``); ``None``: ``torch`` bounds a
            block at 2^24 distances (64 MiB), cuML keeps its default. faiss and scikit-learn
            use bounded blocks of their own.
        precision: Input precision of the ``torch`` distance products: ``float32``, ``tf32``
            or ``bf16`` (:mod:`xlprobe.probing.cluster_torch`); other backends: ``float32``.
    """

    backend: str = "auto"
    init: str = "random"
    n_init: int = 1
    max_iter: int = 20
    tol: float = 0.0
    chunk: int | None = None
    precision: str = "float32"

    def __post_init__(self) -> None:
        _check_choice("backend", self.backend, BACKENDS)
        _check_choice("init", self.init, INITS)
        _check_choice("precision", self.precision, PRECISIONS)
        _check_count("n_init", self.n_init, "restarts per seed")
        _check_count("max_iter", self.max_iter, "Lloyd iterations")
        if self.chunk is not None:
            _check_count("chunk", self.chunk, "rows per distance block, or null for automatic")
        tol = self.tol
        if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 <= tol < math.inf:
            raise InputError(f"{_key('tol')}={tol!r}: expected a finite number >= 0")

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> KMeansOptions:
        """Build from a plain dict (e.g. a resolved config node); an unknown key is an
        :class:`InputError` naming it."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InputError(
                f"K-means: unknown option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        return cls(**dict(values))


def _key(name: str) -> str:
    """The config key of a :class:`KMeansOptions` field."""
    return f"cluster.{name}" if name in ("backend", "chunk", "precision") else f"probe.{name}"


def _check_choice(name: str, value: object, choices: Sequence[str]) -> None:
    if value not in choices:
        raise InputError(f"{_key(name)}={value!r}: expected one of {', '.join(choices)}")


def _check_count(name: str, value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InputError(f"{_key(name)}={value!r}: expected a whole number >= 1 ({what})")


# -- starts ---------------------------------------------------------------------------------


def restart_rng(seed: int, restart: int = 0) -> np.random.Generator:
    """The random generator of restart ``restart`` of seed ``seed``, the same on every backend.

    Restart 0 is ``numpy.random.default_rng(seed)`` (so ``n_init=1`` draws what a single run
    always drew); restart r >= 1 is seeded by ``SeedSequence(seed, spawn_key=(r,))``, a stream
    independent of every seed's restart 0 and of the other restarts.
    """
    if restart == 0:
        return np.random.default_rng(seed)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(restart,)))


def initial_centroids(
    x: Any, k: int, *, seed: int = 0, init: str = "random", restart: int = 0
) -> Any:
    """Choose k rows of ``x`` [N x D] as the initial centroids [k x D] of one K-means run.

    ``random``: k distinct rows, uniformly (sorted by row). ``k-means++`` (scikit-learn's
    greedy variant, Arthur & Vassilvitskii 2007): the first row uniformly; then, per centroid,
    ``2 + int(ln k)`` candidate rows drawn with probability D(x)² / sum D² (D(x): distance to
    the nearest centroid so far), and the candidate that leaves the smallest sum D² kept. Rows
    already chosen have D = 0 and are never drawn; where every remaining row coincides with a
    chosen centroid, the next is drawn uniformly from the rows not chosen.

    The draws come from :func:`restart_rng` (``seed``, ``restart``) on the host; the distances
    are computed where ``x`` lives (a numpy array, or a torch tensor on any device), so every
    backend starts from the same rows, up to floating-point near-ties between devices
    (a candidate draw within rounding of a cumulative-weight boundary).

    Args:
        x: [N x D] float32 points (numpy array or torch tensor).
        k: Centroids, 1 <= k <= N.
        seed: The run's seed (a non-negative integer).
        init: ``random`` or ``k-means++``.
        restart: Restart index (0 for the first).

    Returns:
        [k x D] rows of ``x``, of ``x``'s type and device.
    """
    rng = restart_rng(seed, restart)
    ops = _ops_for(x)
    n = x.shape[0]
    if init == "random":
        rows = np.sort(rng.choice(n, size=k, replace=False))
    else:
        rows = _greedy_kmeans_plus_plus(x, k, rng, ops)
    return ops.take(x, rows)


def _greedy_kmeans_plus_plus(x: Any, k: int, rng: np.random.Generator, ops: Any) -> np.ndarray:
    """Row indices [k] of scikit-learn's greedy k-means++ (see :func:`initial_centroids`)."""
    n = x.shape[0]
    trials = 2 + int(np.log(k))
    norms = ops.sq_norms(x)
    chosen = [int(rng.integers(n))]
    closest = ops.sq_dist(x, norms, np.asarray(chosen))[0]
    for _ in range(1, k):
        cumulative = ops.cumsum(closest)
        total = float(cumulative[-1])
        if total > 0:
            # side="right": the first row whose cumulative weight exceeds the draw, never a row
            # of weight 0.
            candidates = np.minimum(ops.search(cumulative, rng.random(trials) * total), n - 1)
        else:
            candidates = rng.choice(np.setdiff1d(np.arange(n), chosen), size=1)
        dist = ops.minimum(ops.sq_dist(x, norms, candidates), closest)
        best = int(dist.sum(1).argmin())
        chosen.append(int(candidates[best]))
        closest = dist[best]
    return np.asarray(chosen, dtype=np.int64)


class _NumpyOps:
    """The array operations of the seeding, for numpy arrays."""

    @staticmethod
    def take(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return x[rows]

    @staticmethod
    def sq_norms(x: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij->i", x, x).astype(np.float64)

    @staticmethod
    def sq_dist(x: np.ndarray, norms: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """[len(rows) x N] float64 squared distances of rows of ``x`` to all rows, >= 0, and
        exactly 0 from a row to itself."""
        dist = norms[rows][:, None] + norms[None, :] - 2.0 * (x[rows] @ x.T)
        np.maximum(dist, 0.0, out=dist)
        dist[np.arange(len(rows)), rows] = 0.0
        return dist

    @staticmethod
    def cumsum(weights: np.ndarray) -> np.ndarray:
        return np.cumsum(weights)

    @staticmethod
    def search(cumulative: np.ndarray, draws: np.ndarray) -> np.ndarray:
        return np.searchsorted(cumulative, draws, side="right")

    minimum = staticmethod(np.minimum)


class _TorchOps:
    """The array operations of the seeding, for torch tensors (on their own device)."""

    def __init__(self) -> None:
        import torch

        self.torch = torch

    def _index(self, like: Any, rows: np.ndarray) -> Any:
        return self.torch.as_tensor(np.asarray(rows), device=like.device)

    def take(self, x: Any, rows: np.ndarray) -> Any:
        return x[self._index(x, rows)]

    def sq_norms(self, x: Any) -> Any:
        return (x * x).sum(1).double()

    def sq_dist(self, x: Any, norms: Any, rows: np.ndarray) -> Any:
        from xlprobe.probing.cluster_torch import tf32_products

        index = self._index(x, rows)
        with tf32_products(False):  # float32 products, as on the host
            products = x[index] @ x.T
        dist = norms[index][:, None] + norms[None, :] - 2.0 * products.double()
        dist.clamp_min_(0.0)
        dist[self.torch.arange(len(rows), device=x.device), index] = 0.0
        return dist

    def cumsum(self, weights: Any) -> Any:
        return weights.cumsum(0)

    def search(self, cumulative: Any, draws: np.ndarray) -> np.ndarray:
        values = self.torch.as_tensor(draws, dtype=cumulative.dtype, device=cumulative.device)
        return self.torch.searchsorted(cumulative, values, side="right").cpu().numpy()

    def minimum(self, a: Any, b: Any) -> Any:
        return self.torch.minimum(a, b)


def _ops_for(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return _NumpyOps
    if type(x).__module__.split(".")[0] == "torch":
        return _TorchOps()
    raise TypeError(f"initial_centroids needs a numpy array or a torch tensor, got {type(x)}")


# -- backends -------------------------------------------------------------------------------


class FaissLloyd:
    """faiss: ``faiss.Clustering`` one iteration per call (so that ``tol`` can stop it) on all
    the points (no training subsample), final labels from an exact ``IndexFlatL2`` search.
    faiss keeps no state between iterations besides the centroids (its empty-cluster split
    reseeds its generator every iteration), so this equals one ``train`` of ``max_iter``
    iterations wherever ``tol`` does not stop it earlier."""

    def __init__(self, x: np.ndarray, k: int, options: KMeansOptions) -> None:
        import faiss

        self.points, self.k, self.max_iter = x, k, options.max_iter
        params = faiss.ClusteringParameters()
        params.niter = 1
        params.nredo = 1
        params.spherical = False
        params.verbose = False
        params.max_points_per_centroid = -(-len(x) // k)  # >= N/k: train on every point
        params.min_points_per_centroid = 1
        self._params = params

    def _step(self, centroids: np.ndarray) -> tuple[np.ndarray, float]:
        import faiss

        d = self.points.shape[1]
        clustering = faiss.Clustering(d, self.k, self._params)
        faiss.copy_array_to_vector(np.ascontiguousarray(centroids).ravel(), clustering.centroids)
        clustering.train(self.points, faiss.IndexFlatL2(d))
        new = faiss.vector_float_to_array(clustering.centroids).reshape(self.k, d)
        return new, centroid_shift(new, centroids)

    def run(self, start: np.ndarray, tol_abs: float) -> Fit:
        import faiss

        centroids, n_iter = run_lloyd(self._step, start, self.max_iter, tol_abs)
        index = faiss.IndexFlatL2(self.points.shape[1])
        index.add(np.ascontiguousarray(centroids))
        dist, labels = index.search(self.points, 1)
        return Fit(labels.reshape(-1).astype(np.int64), float(dist.sum(dtype=np.float64)), n_iter)


class SklearnLloyd:
    """scikit-learn: ``KMeans(init=start, n_init=1, max_iter, tol)`` per start (its Lloyd loop
    and its own empty-cluster rule: the points farthest from their centroids move there)."""

    def __init__(self, x: np.ndarray, k: int, options: KMeansOptions) -> None:
        self.points, self.k, self.options = x, k, options

    def run(self, start: np.ndarray, tol_abs: float) -> Fit:
        from sklearn.cluster import KMeans

        km = KMeans(
            n_clusters=self.k,
            init=start,
            n_init=1,
            max_iter=self.options.max_iter,
            tol=self.options.tol,  # relative: scikit-learn scales it by the mean variance
        )
        labels = km.fit_predict(self.points).astype(np.int64)
        return Fit(labels, float(km.inertia_), int(km.n_iter_))


class CumlLloyd:
    """RAPIDS cuML on the GPU, the points uploaded once, from the shared starts (drawn on the
    host). cuML stops when the summed squared shift falls below ``tol_abs`` (scikit-learn's
    rule), and also when an iteration lowers the inertia by less than the fraction
    ``tol_abs``, which can stop it a little earlier than scikit-learn; with ``tol`` 0 it runs to
    a fixed point or ``max_iter``. Empty clusters: cuML's own rule."""

    def __init__(self, x: np.ndarray, k: int, options: KMeansOptions) -> None:
        import cupy

        self.points, self.k, self.options = x, k, options
        self._device_points = cupy.asarray(x)

    def run(self, start: np.ndarray, tol_abs: float) -> Fit:
        import cupy
        from cuml.cluster import KMeans

        batch = {} if self.options.chunk is None else {"max_samples_per_batch": self.options.chunk}
        km = KMeans(
            n_clusters=self.k,
            init=cupy.asarray(start),
            n_init=1,
            max_iter=self.options.max_iter,
            tol=max(tol_abs, _CUML_MIN_TOL),
            output_type="numpy",
            **batch,
        )
        labels = np.asarray(km.fit_predict(self._device_points)).reshape(-1).astype(np.int64)
        return Fit(labels, float(km.inertia_), int(km.n_iter_))


def _open_torch(x: np.ndarray, k: int, options: KMeansOptions) -> Engine:
    from xlprobe.probing.cluster_torch import TorchLloyd

    return TorchLloyd(
        x, k, max_iter=options.max_iter, chunk=options.chunk, precision=options.precision
    )


# The registry: one entry per backend, in the order ``auto`` prefers them on a GPU.
REGISTRY: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend(
            name="cuml",
            summary="RAPIDS cuML on a CUDA GPU",
            modules=("cuml", "cupy"),
            install="pip install 'xlprobe[gpu]' on a CUDA machine",
            gpu=True,
            options=frozenset({"chunk"}),
            open=CumlLloyd,
        ),
        Backend(
            name="torch",
            summary="exact Lloyd on torch, on CUDA when present, else the CPU",
            modules=("torch",),
            install="pip install torch",
            gpu=False,
            options=frozenset({"chunk", "precision"}),
            open=_open_torch,
        ),
        Backend(
            name="faiss",
            summary="faiss on the CPU",
            modules=("faiss",),
            install="pip install faiss-cpu",
            gpu=False,
            options=frozenset(),
            open=FaissLloyd,
        ),
        Backend(
            name="sklearn",
            summary="scikit-learn, the reference (slow)",
            modules=("sklearn",),
            install="pip install scikit-learn",
            gpu=False,
            options=frozenset(),
            open=SklearnLloyd,
        ),
    )
}
BACKENDS: tuple[str, ...] = ("auto", *REGISTRY)


def _cupy_sees_a_gpu() -> bool:
    if importlib.util.find_spec("cupy") is None:
        return False
    import cupy

    try:
        return cupy.cuda.runtime.getDeviceCount() > 0
    except cupy.cuda.runtime.CUDARuntimeError:
        return False


def torch_sees_a_gpu() -> bool:
    """Whether torch is installed and a CUDA device is visible (then ``torch`` runs there)."""
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return torch.cuda.is_available()


def gpu_backend_available() -> bool:
    """Whether cuML is installed and a CUDA device is visible (then ``auto`` means cuML)."""
    return REGISTRY["cuml"].problem() is None


def resolve_backend(backend: str) -> str:
    """The concrete backend ``backend`` stands for, checked to be usable here: cheap enough for
    a preflight check before any model loads.

    ``auto`` is cuML where RAPIDS cuML sees a GPU, else torch where torch sees one, else faiss.

    Raises:
        InputError: One line naming ``cluster=<backend>`` and the fix: an unknown backend, or
            one whose library (or GPU) is missing.
    """
    if backend not in BACKENDS:
        raise InputError(
            f"cluster={backend!r}: unknown K-means backend; expected one of {', '.join(BACKENDS)}"
        )
    if backend == "auto":
        if gpu_backend_available():
            return "cuml"
        if torch_sees_a_gpu():
            return "torch"
        backend = "faiss"
    problem = REGISTRY[backend].problem()
    if problem is not None:
        others = [b for b in REGISTRY if b != backend and not REGISTRY[b].gpu][:2]
        raise InputError(
            f"cluster={backend}: {REGISTRY[backend].summary} cannot run here: {problem}; "
            f"install it or use {' or '.join(f'cluster={b}' for b in others)}"
        )
    return backend


def resolve_options(options: KMeansOptions) -> str:
    """:func:`resolve_backend` of ``options.backend``, checked to honour ``options``: the
    preflight check of a whole ``KMeansOptions`` (its values are checked when it is built).

    Raises:
        InputError: As :func:`resolve_backend`, or a ``precision`` other than float32 where the
            backend is not torch.
    """
    name = resolve_backend(options.backend)
    if options.precision != "float32" and "precision" not in REGISTRY[name].options:
        raise InputError(
            f"cluster.precision={options.precision} applies to cluster=torch only "
            f"(cluster={options.backend} runs {name} here): use cluster=torch or "
            "cluster.precision=float32"
        )
    return name


# -- entry points ---------------------------------------------------------------------------


def kmeans_runs(
    x: np.ndarray, k: int, seeds: Sequence[int], options: KMeansOptions | None = None
) -> list[np.ndarray]:
    """K-means of the rows of ``x`` once per seed, on one upload of ``x`` to the backend:
    the labels of :func:`kmeans_fits`.

    Returns:
        One [N] int64 array of cluster ids in [0, k) per seed, in the order of ``seeds``.
    """
    return [fit.labels for fit in kmeans_fits(x, k, seeds, options)]


def kmeans_fits(
    x: np.ndarray, k: int, seeds: Sequence[int], options: KMeansOptions | None = None
) -> list[Fit]:
    """K-means of the rows of ``x`` once per seed, on one upload of ``x`` to the backend.

    Each seed runs ``options.n_init`` restarts (restart r from :func:`initial_centroids` with
    ``seed``, ``r``) and keeps the one of lowest inertia. Minimises sum_i ||x_i - c_{label_i}||²
    by Lloyd iterations (module docstring for the options' meaning).

    Args:
        x: [N x D] points (any float dtype, numpy array or memmap; clustered as float32).
        k: Number of clusters, 1 <= k <= N.
        seeds: The runs' seeds (non-negative integers); same seed, same labels (per backend
            and device).
        options: Backend and K-means options; ``None``: the defaults.

    Returns:
        The kept run of each seed, in the order of ``seeds``: labels [N] int64 in [0, k), its
        inertia and its iterations.

    Raises:
        InputError: ``x`` not a finite 2-D array, ``k`` outside [1, N], a bad seed, a
            ``precision`` the chosen backend cannot honour, or a backend that cannot run here.
    """
    options = options or KMeansOptions()
    x32 = _checked_points(x, k)
    seeds = [_checked_seed(s) for s in seeds]
    name = resolve_options(options)
    tol_abs = options.tol * float(x32.var(axis=0, dtype=np.float64).mean()) if options.tol else 0.0
    log.info(
        "K-means: %d points x %d dims, k=%d, %s, init=%s, n_init=%d, max_iter=%d, tol=%g, seeds %s",
        *x32.shape,
        k,
        name,
        options.init,
        options.n_init,
        options.max_iter,
        options.tol,
        seeds,
    )
    engine = REGISTRY[name].open(x32, k, options)
    fits = []
    for seed in seeds:
        best: Fit | None = None
        for restart in range(options.n_init):
            start = initial_centroids(
                engine.points, k, seed=seed, init=options.init, restart=restart
            )
            fit = engine.run(start, tol_abs)
            log.debug(
                "K-means seed %d restart %d: inertia %.6g after %d iterations",
                seed,
                restart,
                fit.inertia,
                fit.n_iter,
            )
            if best is None or fit.inertia < best.inertia:
                best = fit
        fits.append(best)
    return fits


def kmeans(
    x: np.ndarray,
    k: int,
    *,
    backend: str = "auto",
    seed: int = 0,
    init: str = "random",
    n_init: int = 1,
    max_iter: int = 20,
    tol: float = 0.0,
    chunk: int | None = None,
    precision: str = "float32",
) -> np.ndarray:
    """Cluster the rows of ``x`` into ``k`` clusters: :func:`kmeans_runs` with one seed.

    Args:
        x: [N x D] points (any float dtype; clustered as float32).
        k: Number of clusters, 1 <= k <= N.
        backend, init, n_init, max_iter, tol, chunk, precision: :class:`KMeansOptions`.
        seed: Seed of the starts; same seed, same labels (per backend and device).

    Returns:
        [N] int64 cluster id of each row, in [0, k).

    Raises:
        InputError: As :func:`kmeans_runs`, or a bad option (one line naming it).
    """
    options = KMeansOptions(
        backend=backend,
        init=init,
        n_init=n_init,
        max_iter=max_iter,
        tol=tol,
        chunk=chunk,
        precision=precision,
    )
    return kmeans_runs(x, k, [seed], options)[0]


def partition_inertia(x: np.ndarray, labels: np.ndarray) -> float:
    """The K-means objective of a partition: sum_i ||x_i - mean of x_i's cluster||² (float64).

    Args:
        x: [N x D] points.
        labels: [N] integer cluster ids.
    """
    x64 = np.asarray(x, dtype=np.float64)
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    sums = np.zeros((len(counts), x64.shape[1]))
    np.add.at(sums, inverse.reshape(-1), x64)
    return float(np.square(x64).sum() - (np.square(sums).sum(1) / counts).sum())


def _checked_points(x: np.ndarray, k: int) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 2 or len(x) == 0:
        raise InputError(f"K-means needs a non-empty [N x D] array, got shape {x.shape}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= len(x):
        raise InputError(
            f"K-means with k={k} clusters needs at least k points; got {len(x)} points. "
            "Lower the number of clusters or extract more tokens"
        )
    x32 = np.ascontiguousarray(x, dtype=np.float32)
    if not np.isfinite(x32).all():
        raise InputError("K-means input holds NaN or infinite values")
    return x32


def _checked_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"K-means seed {seed!r}: expected a whole number >= 0")
    return int(seed)
