"""Central differences: the independent reference every analytic gradient is checked against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = 1e-5) -> np.ndarray:
    """``∂f/∂x_k ≈ (f(x + h e_k) - f(x - h e_k)) / 2h`` for every element k of ``x``.

    Parameters
    ----------
    f : a function of an array shaped like ``x`` returning a scalar
    x : array_like, the point; an integer array is cast to float64 first
    h : the step, ≈ 1e-5 for float64

    Returns
    -------
    ndarray of float64, shaped like ``x``.

    Notes
    -----
    The error of the central difference is O(h²) (the O(h) terms cancel), so with
    h = 1e-5 it agrees with a correct analytic gradient to about 1e-8 relative. The classic
    pitfall: with an integer ``x``, ``x[k] + h`` is truncated back to ``x[k]``, both
    evaluations are equal and every difference is 0 — hence the cast. ``x`` itself is not
    modified: ``f`` is evaluated on a float64 copy.
    """
    point = np.array(x, dtype=np.float64)  # a copy; float, so x + h is not truncated
    grad = np.zeros_like(point)
    for k in np.ndindex(point.shape):
        original = point[k]
        point[k] = original + h
        f_plus = float(f(point))
        point[k] = original - h
        f_minus = float(f(point))
        point[k] = original
        grad[k] = (f_plus - f_minus) / (2.0 * h)
    return grad
