"""Language expert units: ranking by AUROC, intervention values, random controls.

A unit m is an *expert* for a concept (here: a language) when its pooled response z_m separates
the concept's sentences (positives) from the others'. Expertise is the area under the ROC curve,
computed from ranks (Mann-Whitney U):
``AUROC_m = (sum_{i in N+} rank_{m,i} - n+ (n+ + 1) / 2) / (n+ n-)``, ties ranked by their
average (equal to ``sklearn.metrics.roc_auc_score``). The top-k units by AUROC, ranked globally
over layers, are set to their mean (option: median) response over the positives at every token
(Sundar et al., ACL 2025, "Steering into New Embedding Spaces", Sec. 3; Suau et al., 2022).
The control sets k random units to the same values.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from xlprobe.errors import InputError
from xlprobe.io import atomic_path

ValueKind = Literal["mean", "median"]
EXPERT_COLUMNS = ("lang", "rank", "layer", "module", "unit", "auroc", "value")


def auroc(responses: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """AUROC of every unit at telling positives from negatives.

    Args:
        responses: [N x M] pooled responses (N sentences, M units).
        positive: [N] bool, the sentences of the concept.

    Returns:
        [M] float64 in [0, 1]; 0.5 = no separation, 1 = every positive above every negative.

    Raises:
        ValueError: No positive or no negative.
    """
    from scipy.stats import rankdata

    positive = np.asarray(positive, dtype=bool)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"need positives and negatives, got {n_pos} and {n_neg}")
    ranks = rankdata(np.asarray(responses, dtype=np.float64), axis=0)
    return (ranks[positive].sum(axis=0) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def intervention_values(
    responses: np.ndarray, positive: np.ndarray, how: ValueKind = "mean"
) -> np.ndarray:
    """[M] value of each unit under intervention: its mean (or median) response over the
    positives."""
    chosen = np.asarray(responses, dtype=np.float64)[np.asarray(positive, dtype=bool)]
    if how == "mean":
        return chosen.mean(axis=0)
    if how == "median":
        return np.median(chosen, axis=0)
    raise InputError(f"value={how!r}; expected 'mean' or 'median'")


def top_units(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first (ties: lower index first)."""
    if not 0 < k <= len(scores):
        raise InputError(f"k={k}; expected 1 to {len(scores)} (the number of units)")
    return np.argsort(-np.asarray(scores), kind="stable")[:k]


def random_units(n_units: int, k: int, seed: int) -> np.ndarray:
    """k distinct random unit indices (the random-neuron control)."""
    if not 0 < k <= n_units:
        raise InputError(f"k={k}; expected 1 to {n_units} (the number of units)")
    return np.random.default_rng(seed).choice(n_units, size=k, replace=False)


@dataclass(frozen=True)
class UnitIndex:
    """Where the columns of a response matrix live: column c is unit ``unit[c]`` of module
    ``module[c]`` at layer ``layer[c]`` (0-based block)."""

    module: tuple[str, ...]
    layer: np.ndarray
    unit: np.ndarray

    @classmethod
    def from_modules(cls, modules: dict[str, int], widths: Sequence[int]) -> UnitIndex:
        """``modules``: ``{name: layer}`` in column order; ``widths``: units per module."""
        names, layers, units = [], [], []
        for (name, layer), width in zip(modules.items(), widths, strict=True):
            names += [name] * width
            layers.append(np.full(width, layer))
            units.append(np.arange(width))
        return cls(tuple(names), np.concatenate(layers), np.concatenate(units))

    def by_module(self, columns: np.ndarray, values: np.ndarray) -> dict[str, tuple[list, list]]:
        """``{module: (units, values)}`` of the chosen columns, for
        :func:`xlprobe.probing.hooks.set_units`."""
        grouped: dict[str, tuple[list, list]] = {}
        for column, value in zip(columns.tolist(), values.tolist(), strict=True):
            units, vals = grouped.setdefault(self.module[column], ([], []))
            units.append(int(self.unit[column]))
            vals.append(float(value))
        return grouped


def write_experts(
    path: str | Path,
    lang: str,
    columns: np.ndarray,
    index: UnitIndex,
    scores: np.ndarray,
    values: np.ndarray,
) -> None:
    """Write the chosen experts, best first, as CSV with EXPERT_COLUMNS, atomically."""
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EXPERT_COLUMNS)
        for rank, c in enumerate(columns.tolist()):
            writer.writerow(
                [
                    lang,
                    rank,
                    int(index.layer[c]),
                    index.module[c],
                    int(index.unit[c]),
                    repr(float(scores[c])),
                    repr(float(values[c])),
                ]
            )
