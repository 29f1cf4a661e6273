"""Squared error, the loss cross-entropy is most often compared with."""

from __future__ import annotations

from ._checks import (
    as_finite_array,
    check_reduction,
    check_same_shape,
    reduce,
    scale_for,
)


def _checked(t, p, reduction):
    check_reduction(reduction)
    t = as_finite_array(t, "t")
    p = as_finite_array(p, "p")
    check_same_shape(t, p)
    return t, p


def squared_error(t, p, reduction: str = "mean"):
    """``L = (p - t)²`` for each element, then reduced.

    Parameters
    ----------
    t : array_like, targets (any finite numbers)
    p : array_like, predictions, same shape as ``t``
    reduction : ``"mean"`` — over all elements, as PyTorch's ``mse_loss`` —, ``"sum"`` or
        ``"none"``

    Returns
    -------
    float for ``"mean"``/``"sum"``; ndarray shaped like ``p`` for ``"none"``.

    Notes
    -----
    With a sigmoid output ``p = σ(z)``: ``dL/dz = 2 (p - t) σ'(z)`` and ``σ'(z) ≤ 1/4``
    vanishes when the neuron saturates — a confidently wrong neuron learns slowly, which
    is the argument for cross-entropy (whose ``dL/dz = p - t`` has no such factor).
    """
    t, p = _checked(t, p, reduction)
    return reduce((p - t) ** 2, reduction)


def squared_error_grad(t, p, reduction: str = "mean"):
    """``dL/dp = 2 (p - t)``, elementwise; divided by the number of elements for ``"mean"``.

    Parameters
    ----------
    t, p, reduction : as in :func:`squared_error`

    Returns
    -------
    ndarray shaped like ``p``.
    """
    t, p = _checked(t, p, reduction)
    return 2.0 * (p - t) * scale_for(reduction, p.size)
