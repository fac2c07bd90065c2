"""Lloyd's loop and its result, shared by the K-means backends (:mod:`xlprobe.probing.cluster`,
:mod:`xlprobe.probing.cluster_torch`): one place for scikit-learn's stopping rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class Fit(NamedTuple):
    """One K-means run: labels [N] int64, inertia (sum of squared distances of the points to
    their final centroids), and the Lloyd iterations it took."""

    labels: np.ndarray
    inertia: float
    n_iter: int


def centroid_shift(new: np.ndarray, old: np.ndarray) -> float:
    """Summed squared shift of the centroids [K x D], sum_j ||new_j - old_j||² (float64)."""
    return float(np.square(new.astype(np.float64) - old).sum())


def run_lloyd(
    step: Callable[[Any], tuple[Any, float]], start: Any, max_iter: int, tol_abs: float
) -> tuple[Any, int]:
    """Run ``step`` (one Lloyd iteration: centroids -> (new centroids, summed squared shift))
    from ``start`` at most ``max_iter`` times, stopping after the first iteration whose shift is
    at most ``tol_abs`` (scikit-learn's rule; with ``tol_abs`` 0, at a fixed point, where more
    iterations would change nothing).

    Returns:
        (final centroids, iterations run).
    """
    centroids = start
    for done in range(1, max_iter + 1):
        centroids, shift = step(centroids)
        if shift <= tol_abs:
            return centroids, done
    return centroids, max_iter
