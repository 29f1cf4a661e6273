"""The largest value and the sum of each row of a batch (N, C), class by class.

numpy reduces the last axis of an (N, C) array one row at a time, with its per-row setup
each time: for the few classes xent has, ``z.max(axis=-1)`` of a (2500, 2) grid of logits
took 90 µs and ``.sum(axis=-1)`` 37 µs, against ~5 µs each for the same reductions done a
class at a time over all rows at once (``np.maximum(z[:, 0], z[:, 1])``). The results are
the same bits: a maximum is exact, and numpy adds fewer than 8 values one after another in
their order, starting from 0.0 (from 8 on it sums pairwise, so wider rows go to numpy).
"""

from __future__ import annotations

import numpy as np

FEW = 8  # numpy sums fewer values than this one by one, in order


def _by_class(a: np.ndarray, axis: int) -> bool:
    """True when ``a`` is a batch (N, C) of 1 ≤ C < FEW classes, reduced along its last axis."""
    return a.ndim == 2 and axis in (-1, 1) and 0 < a.shape[1] < FEW


def row_max(a: np.ndarray, axis: int = -1) -> np.ndarray:
    """``max_c a_nc`` of each row, keeping the reduced axis: (N, C) -> (N, 1).

    Any other shape or axis: ``a.max(axis=axis, keepdims=True)``. nan propagates as there.
    """
    if not _by_class(a, axis):
        return np.maximum.reduce(a, axis=axis, keepdims=True)
    out = a[:, 0].copy()
    for c in range(1, a.shape[1]):
        np.maximum(out, a[:, c], out=out)
    return out[:, None]


def row_sum(a: np.ndarray, axis: int = -1, *, keepdims: bool = True) -> np.ndarray:
    """``Σ_c a_nc`` of each row, ``((0 + a_n0) + a_n1) + …`` as numpy adds them: (N, C) -> (N, 1)
    (or (N,) with ``keepdims=False``).

    Any other shape or axis: ``a.sum(axis=axis, keepdims=keepdims)``.
    """
    if not _by_class(a, axis):
        return np.add.reduce(a, axis=axis, keepdims=keepdims)
    out = a[:, 0] + 0.0  # a new array; 0.0 + (-0.0) is 0.0, as numpy's sum starts from 0.0
    for c in range(1, a.shape[1]):
        np.add(out, a[:, c], out=out)
    return out[:, None] if keepdims else out
