"""Exact comparison counts over a similarity matrix ``C = A B^T``, computed in row blocks.

The sentence metrics (retrieval top-1, ABX form and meaning; :mod:`xlprobe.probing.retrieval`,
:mod:`xlprobe.probing.abx`) only need, per row i of an [N x N] product of two [N x D] matrices,
how its entries compare with the row's own diagonal entry, or with zero. Both counts are taken
block by block: a few hundred rows of C at a time (one GEMM), counted and dropped, so memory
stays at :data:`BLOCK_ELEMENTS` entries whatever N is, and the work is the ``N^2 D``
multiply-adds of the product plus a few passes over each block.

**Exact in float64.** Every count is the one of the float64 product (as the unblocked metrics
had): on torch devices the blocks are float64 GEMMs. On the numpy path (the CPU default) a block
is first a float32 GEMM, twice as fast, whose entries carry a proven error bound: with inputs
rounded to float32 (unit roundoff u = 2^-24) and any summation order,
``|fl32(a . b) - a . b| <= (D + 4) u ||a|| ||b||`` (Higham, *Accuracy and Stability of Numerical
Algorithms*, 2002, Sec. 3.1, with the input rounding). An entry whose float32 difference from
its reference (the diagonal entry, or zero) exceeds that bound has the float64 sign; the few
within it are decided again in float64 (from their rows' dot products, or from a float64 GEMM of
the block when they are many). A count can differ from the float64 GEMM's only where two
similarities agree to float64 rounding.

Two backends, one code path: numpy, or torch on any device (``device="cuda"``, and ``"cpu"``
to test it); ``device=None`` picks CUDA when torch sees a GPU, else numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

BLOCK_ELEMENTS = 1 << 23
"""Entries of C per block (8 Mi: 32 MiB in float32, 64 MiB in float64, plus boolean masks)."""

NUMPY = "numpy"
F32_UNIT = 2.0**-24
"""Unit roundoff of float32."""
REFINE_SHARE = 16
"""A block decides its undecided entries by a float64 GEMM of the whole block when they are
more than 1 / REFINE_SHARE of it (one by one below that)."""

Mode = Literal["diagonal", "sign"]


def resolve_device(device: str | None) -> str:
    """``device`` as given, or for ``None`` ``"cuda"`` when torch sees a GPU, else
    :data:`NUMPY`."""
    if device is not None:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else NUMPY


@dataclass(frozen=True)
class _Operands:
    """The two matrices on their backend, their float64 host copies and the error bound.

    ``slack[i]`` ([N x 1] float32) bounds the error of every entry of row i of the float32
    product; ``None`` for float64 products, which decide by themselves."""

    a: Any
    b: Any
    a64: np.ndarray
    b64: np.ndarray
    slack: np.ndarray | None


def _operands(a: np.ndarray, b: np.ndarray, device: str | None) -> _Operands:
    if np.ndim(a) != 2 or np.shape(a) != np.shape(b):
        raise ValueError(
            f"expected two [N x D] matrices of one shape: {np.shape(a)}, {np.shape(b)}"
        )
    a64 = np.ascontiguousarray(a, dtype=np.float64)
    b64 = np.ascontiguousarray(b, dtype=np.float64)
    device = resolve_device(device)
    if device != NUMPY:
        import torch

        to_device = torch.from_numpy(a64).to(device), torch.from_numpy(b64).to(device)
        return _Operands(*to_device, a64, b64, None)
    largest = np.linalg.norm(b64, axis=1).max(initial=0.0)
    slack = (a64.shape[1] + 5) * F32_UNIT * np.linalg.norm(a64, axis=1) * largest
    slack = slack.astype(np.float32)[:, None]
    return _Operands(a64.astype(np.float32), b64.astype(np.float32), a64, b64, slack)


def _arange(like: Any, start: int, stop: int) -> Any:
    if isinstance(like, np.ndarray):
        return np.arange(start, stop)
    import torch

    return torch.arange(start, stop, device=like.device)


def _count(mask: Any, axis: int | None = None) -> Any:
    """True entries of a boolean numpy array or torch tensor (an int, or per ``axis``)."""
    if isinstance(mask, np.ndarray):
        counted = np.count_nonzero(mask, axis=axis)
    else:
        counted = mask.count_nonzero(dim=axis)
    return int(counted) if axis is None else counted


def _nonzero(mask: Any) -> tuple[Any, Any]:
    """``(rows, columns)`` of the True entries of a contiguous 2-D mask. In numpy the mask is
    scanned 8 entries at a time as uint64 words (about 20x faster than ``nonzero`` on the mostly
    False masks here)."""
    if not isinstance(mask, np.ndarray):
        return mask.nonzero(as_tuple=True)
    flat = mask.reshape(-1)
    whole = flat.size - flat.size % 8
    words = np.flatnonzero(flat[:whole].view(np.uint64))
    candidates = (words[:, None] * 8 + np.arange(8)).reshape(-1)
    hits = np.concatenate([candidates[flat[candidates]], whole + np.flatnonzero(flat[whole:])])
    return np.divmod(hits, mask.shape[1])


def _bincount(x: Any, length: int) -> Any:
    if isinstance(x, np.ndarray):
        return np.bincount(x, minlength=length)
    import torch

    return torch.bincount(x, minlength=length)


def _refined_signs(ops: _Operands, start: int, rows: Any, cols: Any, mode: Mode, r: int) -> Any:
    """The float64 sign (-1, 0, 1) of the undecided entries ``(start + rows, cols)``:
    ``a_i . b_j - a_i . b_i`` (``diagonal``) or ``a_i . b_j`` (``sign``)."""
    if ops.slack is None or not len(rows):  # a float64 product: undecided means equal
        return rows * 0
    i = rows + start
    if len(rows) * REFINE_SHARE > r * len(ops.b64):
        block = ops.a64[start : start + r] @ ops.b64.T
        values = block[rows, cols] - (block[rows, i] if mode == "diagonal" else 0.0)
        return np.sign(values)
    signs = np.empty(len(rows))
    step = max(1, BLOCK_ELEMENTS // max(1, ops.a64.shape[1]))
    for s in range(0, len(rows), step):
        a_i = ops.a64[i[s : s + step]]
        values = np.einsum("kd,kd->k", a_i, ops.b64[cols[s : s + step]])
        if mode == "diagonal":
            values -= np.einsum("kd,kd->k", a_i, ops.b64[i[s : s + step]])
        signs[s : s + step] = np.sign(values)
    return signs


def _blocks(ops: _Operands, mode: Mode, block_rows: int | None):
    """Per row block of ``C = a b^T``: ``(start, above, below, rows, cols, signs)``: boolean
    masks of the entries decided above / below their reference (diagonal entry or zero) and the
    undecided entries' local rows, columns and float64 signs; the diagonal is in none of them."""
    n = len(ops.b)
    if block_rows is None:
        block_rows = max(1, BLOCK_ELEMENTS // max(1, n))
    elif block_rows < 1:
        raise ValueError(f"block_rows={block_rows}: expected at least 1")
    for start in range(0, len(ops.a), block_rows):
        diff = ops.a[start : start + block_rows] @ ops.b.T
        r = len(diff)
        local = _arange(diff, 0, r)
        diagonal = (local, local + start)
        if mode == "diagonal":
            diff -= diff[diagonal][:, None]
        margin = 0.0
        if ops.slack is not None:  # a difference of two entries errs by up to twice as much
            margin = ops.slack[start : start + r] * (2 if mode == "diagonal" else 1)
        above = diff > margin
        below = diff < -margin
        undecided = ~(above | below)
        for mask in (above, below, undecided):
            mask[diagonal] = False
        rows, cols = _nonzero(undecided)
        yield start, above, below, rows, cols, _refined_signs(ops, start, rows, cols, mode, r)


@dataclass(frozen=True)
class DiagonalCounts:
    """How each row of ``C = A B^T`` compares with its own diagonal entry, summed over rows.

    Attributes:
        n: Rows (and columns) N.
        below: ``#{(i, j), j != i : C[i, j] < C[i, i]}``.
        equal: ``#{(i, j), j != i : C[i, j] = C[i, i]}``.
        first_max: ``#{i : argmax_j C[i, j] = i}``, the first maximum of the row (as
            ``numpy.argmax``: row i counts when no entry exceeds ``C[i, i]`` and none before it
            equals it).
    """

    n: int
    below: int
    equal: int
    first_max: int


def diagonal_counts(
    a: np.ndarray, b: np.ndarray, *, device: str | None = None, block_rows: int | None = None
) -> DiagonalCounts:
    """Compare every row of ``a @ b.T`` with its diagonal entry, in row blocks.

    Cost: ``N^2 D`` multiply-adds and ``O(N^2)`` comparisons; memory ``O(N D)`` plus one block.

    Args:
        a, b: [N x D] matrices (e.g. L2-normalised, so that C holds cosines).
        device: :data:`NUMPY`, a torch device, or ``None`` (:func:`resolve_device`).
        block_rows: Rows of C per block; ``None``: as many as :data:`BLOCK_ELEMENTS` allow.
    """
    ops = _operands(a, b, device)
    below = equal = first_max = 0
    for start, above, under, rows, cols, signs in _blocks(ops, "diagonal", block_rows):
        r = len(above)
        below += _count(under) + _count(signs < 0)
        equal += _count(signs == 0)
        exceeded = _count(above, axis=1) + _bincount(rows[signs > 0], r)
        tied_before = _bincount(rows[(signs == 0) & (cols < rows + start)], r)
        first_max += _count((exceeded == 0) & (tied_before == 0))
    return DiagonalCounts(n=len(ops.a), below=below, equal=equal, first_max=first_max)


@dataclass(frozen=True)
class SignCounts:
    """Signs of the off-diagonal entries of ``C = A B^T``.

    Attributes:
        n: Rows (and columns) N; there are ``N (N - 1)`` off-diagonal entries.
        positive: ``#{(i, j), j != i : C[i, j] > 0}``.
        zero: ``#{(i, j), j != i : C[i, j] = 0}``.
    """

    n: int
    positive: int
    zero: int


def off_diagonal_signs(
    a: np.ndarray, b: np.ndarray, *, device: str | None = None, block_rows: int | None = None
) -> SignCounts:
    """Count the positive and zero off-diagonal entries of ``a @ b.T``, in row blocks.

    Cost: ``N^2 D`` multiply-adds and ``O(N^2)`` comparisons; memory ``O(N D)`` plus one block.

    Args:
        a, b: [N x D] matrices.
        device: :data:`NUMPY`, a torch device, or ``None`` (:func:`resolve_device`).
        block_rows: Rows of C per block; ``None``: as many as :data:`BLOCK_ELEMENTS` allow.
    """
    ops = _operands(a, b, device)
    positive = zero = 0
    for _, above, _, _, _, signs in _blocks(ops, "sign", block_rows):
        positive += _count(above) + _count(signs > 0)
        zero += _count(signs == 0)
    return SignCounts(n=len(ops.a), positive=positive, zero=zero)
