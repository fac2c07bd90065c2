"""The ``torch`` K-means backend: exact Lloyd on torch, on CUDA when present, else the CPU.

The points go to the device once (:class:`TorchLloyd`); every start of
:func:`xlprobe.probing.cluster.kmeans_runs` then runs there, the seeding included
(:func:`xlprobe.probing.cluster.initial_centroids` on the device tensor).

One Lloyd iteration:

* **assign**: squared distances ||c||² - 2 x·c (+ ||x||²) in row blocks of ``chunk`` rows, so
  no block is larger than ``chunk`` x K float32 (default: 2^24 distances, 64 MiB); the nearest
  centroid wins, the lowest index on a tie.
* **update**: each centroid becomes the mean of its points: sums in float32 in point order on
  the CPU (``index_add_``, the order faiss sums in), by a sort-based ``index_put_`` on CUDA;
  both deterministic, neither uses the reduced precision of the distance products.
* **empty clusters**: split a large cluster as faiss's ``split_clusters`` does
  (``faiss/Clustering.cpp``): for each empty cluster, walk the clusters cyclically from 0,
  picking cluster j with probability (n_j - 1) / (N - K) from ``std::mt19937(1234)`` reseeded
  every iteration; copy its centroid and push the two copies apart by a relative 1/1024
  (even coordinates x (1 ± 1/1024), odd ones x (1 ∓ 1/1024)); count each as holding half of
  cluster j's points for the next splits. Same generator, same draws, same arithmetic.

``precision`` sets the inputs of the distance products only (norms, sums and the update stay
float32): ``float32`` (default); ``tf32`` (10-bit mantissa inputs, float32 accumulation: the
Ampere+ tensor-core mode, about 8x the float32 matrix rate); ``bf16`` (7-bit mantissa inputs,
float32 accumulation and output, half the memory traffic of the points). Reduced inputs perturb
a distance by about 2^-11 (tf32) or 2^-8 (bf16) of ||x||·||c||, so points whose two nearest
centroids are that close may change cluster: docs/clustering.md gives the measured effect on
labels and inertia. On the CPU both are emulated (inputs rounded, float32 products) with the
same effect on labels and no speed-up.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import numpy as np

from xlprobe.probing.lloyd import Fit, run_lloyd

log = logging.getLogger(__name__)

BLOCK_DISTANCES = 1 << 24  # default bound of one distance block, in float32 entries (64 MiB)
_SPLIT_EPS = 1 / 1024  # faiss's EPS: "a bit above machine epsilon for float16"
_SPLIT_SEED = 1234  # faiss's split_clusters seeds RandomGenerator(1234) every iteration


class TorchLloyd:
    """The points on one torch device and Lloyd's algorithm on them.

    Args:
        x: [N x D] float32 points (uploaded once).
        k: Number of clusters.
        max_iter: Most Lloyd iterations per run.
        chunk: Rows per distance block; ``None``: ``BLOCK_DISTANCES // k``.
        precision: ``float32``, ``tf32`` or ``bf16`` (module docstring).
        device: Torch device; ``None``: CUDA when available, else the CPU.
    """

    def __init__(
        self,
        x: np.ndarray,
        k: int,
        *,
        max_iter: int,
        chunk: int | None = None,
        precision: str = "float32",
        device: str | None = None,
    ) -> None:
        import torch

        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.k, self.max_iter, self.precision = k, max_iter, precision
        self.points = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).to(self.device)
        self.sq_norms = (self.points * self.points).sum(1)
        self.rows = chunk or max(1, BLOCK_DISTANCES // k)
        self.cuda = self.device.type == "cuda"
        self._bf16_products = self.cuda and precision == "bf16" and _has_bf16_products(torch)
        if precision == "bf16" and self.cuda and not self._bf16_products:
            log.warning(
                "torch %s has no bf16 product with float32 output on CUDA: emulating "
                "bf16 inputs in float32 (same labels, no speed-up)",
                torch.__version__,
            )
        self._operand_points = self._operand(self.points)
        log.info(
            "K-means on torch (%s): %d x %d points, %d rows per distance block, %s",
            self.device,
            *self.points.shape,
            self.rows,
            precision,
        )

    def _operand(self, a: Any) -> Any:
        """``a`` as the distance product's input: bf16 on CUDA, else float32 values rounded to
        the precision's mantissa (an emulation on the CPU; TF32 on CUDA is the hardware's)."""
        if self._bf16_products:
            return a.bfloat16()
        if self.precision == "bf16":
            return a.bfloat16().float()
        if self.precision == "tf32" and not self.cuda:
            return round_to_tf32(a)
        return a

    def assign(self, centroids: Any) -> tuple[Any, Any]:
        """Nearest centroid of every point.

        Args:
            centroids: [K x D] float32 on the device.

        Returns:
            ([N] int64 labels, [N] float32 squared distances to them, >= 0), on the device.
        """
        import torch

        n = self.points.shape[0]
        labels = torch.empty(n, dtype=torch.int64, device=self.device)
        dist = torch.empty(n, dtype=torch.float32, device=self.device)
        operand = self._operand(centroids)
        c_norms = (centroids * centroids).sum(1)
        with tf32_products(self.precision == "tf32"), torch.no_grad():
            for start in range(0, n, self.rows):
                stop = min(start + self.rows, n)
                rows = self._operand_points[start:stop]
                # [rows x K]: ||c||² - 2 x·c
                if self._bf16_products:
                    block = torch.mm(rows, operand.T, out_dtype=torch.float32)
                    block.mul_(-2.0).add_(c_norms)
                else:
                    block = torch.addmm(c_norms, rows, operand.T, alpha=-2.0)
                nearest, index = block.min(1)
                labels[start:stop] = index
                dist[start:stop] = (nearest + self.sq_norms[start:stop]).clamp_min_(0.0)
        return labels, dist

    def step(self, centroids: Any) -> tuple[Any, float]:
        """One Lloyd iteration from ``centroids`` [K x D]: (new centroids, summed squared shift)."""
        import torch

        n, k = self.points.shape[0], self.k
        if n == k:  # as faiss: every point its own centroid
            new = self.points.clone()
        else:
            labels, _ = self.assign(centroids)
            counts = torch.bincount(labels, minlength=k)
            sums = torch.zeros_like(centroids)
            if self.cuda:
                sums.index_put_((labels,), self.points, accumulate=True)
            else:
                sums.index_add_(0, labels, self.points)
            scale = torch.where(counts > 0, 1.0 / counts.float(), 0.0)
            new = sums * scale[:, None]
            if bool((counts == 0).any()):
                split_empty_clusters(new, counts.cpu().numpy(), n)
        shift = float((new.double() - centroids.double()).square().sum())
        return new, shift

    def run(self, start: Any, tol_abs: float) -> Fit:
        """Lloyd from ``start`` [K x D] (on the device) to ``tol_abs`` or ``max_iter``."""
        centroids, n_iter = run_lloyd(self.step, start, self.max_iter, tol_abs)
        labels, dist = self.assign(centroids)
        return Fit(labels.cpu().numpy(), float(dist.double().sum()), n_iter)


def split_empty_clusters(centroids: Any, counts: np.ndarray, n: int) -> int:
    """Refill the empty clusters of one iteration as faiss's ``split_clusters`` does (module
    docstring), in place.

    Args:
        centroids: [K x D] float32 torch tensor: the new centroids, those of empty clusters
            anything (they are overwritten).
        counts: [K] points per cluster (host).
        n: Number of points (N > K).

    Returns:
        The number of splits.
    """
    import torch

    k, d = centroids.shape
    assigned = np.asarray(counts, dtype=np.float32).copy()
    draws = _Mt19937Floats(_SPLIT_SEED)
    free = np.float64(np.float32(n - k))
    up = torch.full((d,), 1 + _SPLIT_EPS, dtype=centroids.dtype, device=centroids.device)
    up[1::2] = 1 - _SPLIT_EPS
    down = torch.full_like(up, 1 - _SPLIT_EPS)
    down[1::2] = 1 + _SPLIT_EPS
    splits = 0
    for empty in range(k):
        if assigned[empty] != 0:
            continue
        donor = 0
        while not draws.next() < (np.float64(assigned[donor]) - 1.0) / free:
            donor = (donor + 1) % k
        source = centroids[donor].clone()
        centroids[empty] = source * up
        centroids[donor] = source * down
        assigned[empty] = assigned[donor] / np.float32(2)
        assigned[donor] -= assigned[empty]
        splits += 1
    log.debug("K-means: %d empty cluster(s) refilled by splitting", splits)
    return splits


class _Mt19937Floats:
    """faiss's ``RandomGenerator(seed).rand_float()``: ``std::mt19937(seed)()`` / 2^32 in
    float32. numpy's legacy ``RandomState(seed)`` is the same Mersenne Twister with the same
    seeding; a full-range uint32 ``randint`` returns its raw outputs."""

    _BATCH = 4096

    def __init__(self, seed: int) -> None:
        self._state = np.random.RandomState(seed)
        self._buffer = np.empty(0, dtype=np.float32)
        self._at = 0

    def next(self) -> np.float32:
        if self._at == len(self._buffer):
            raw = self._state.randint(0, 2**32, size=self._BATCH, dtype=np.uint32)
            self._buffer = raw.astype(np.float32) / np.float32(4294967295.0)
            self._at = 0
        self._at += 1
        return self._buffer[self._at - 1]


@contextlib.contextmanager
def tf32_products(enabled: bool):
    """CUDA float32 matrix products in TF32 exactly when ``enabled``, whatever the global flag
    says outside (e.g. after ``torch.set_float32_matmul_precision('high')``); restored after."""
    import torch

    flags = torch.backends.cuda.matmul
    before = flags.allow_tf32
    flags.allow_tf32 = enabled
    try:
        yield
    finally:
        flags.allow_tf32 = before


def round_to_tf32(a: Any) -> Any:
    """Round float32 values to TF32's 10-bit mantissa (nearest, ties away from zero, as the
    tensor cores' conversion), kept in float32. ``a``: a float32 torch tensor."""
    import torch

    bits = a.contiguous().view(torch.int32)
    return ((bits + 0x1000) & ~0x1FFF).view(torch.float32)


def _has_bf16_products(torch: Any) -> bool:
    """Whether ``torch.mm(bf16, bf16, out_dtype=float32)`` runs on this CUDA build."""
    a = torch.ones((2, 2), dtype=torch.bfloat16, device="cuda")
    try:
        torch.mm(a, a, out_dtype=torch.float32)
    except (TypeError, RuntimeError, NotImplementedError):
        return False
    return True
