"""Sigmoid and softmax, in forms that stay finite for any finite logit.

Naming: ``z`` is a logit (a real number), ``p`` a probability, ``τ`` (``temperature``)
divides the logits before the softmax.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_finite_array, as_probabilities, check_positive
from ._rows import row_max, row_sum


def softplus(z: np.ndarray) -> np.ndarray:
    """``log(1 + e^z)`` without overflow: ``max(z, 0) + log1p(e^{-|z|})``.

    Both terms are exact: ``e^{-|z|} ≤ 1`` never overflows and ``log1p`` keeps the
    tiny values accurate. (Internal: takes an already checked float array.)
    """
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def sigmoid(z) -> np.ndarray:
    """The logistic function ``σ(z) = 1 / (1 + e^{-z})``, elementwise.

    Parameters
    ----------
    z : array_like of finite numbers, any shape

    Returns
    -------
    ndarray, same shape as ``z``, values in [0, 1].

    Notes
    -----
    ``1 / (1 + np.exp(-z))`` overflows ``exp`` for ``z < -709``. With ``e = e^{-|z|} ≤ 1``:
    ``σ(z) = 1 / (1 + e)`` for ``z ≥ 0`` and ``σ(z) = e / (1 + e)`` for ``z < 0``
    (multiply top and bottom by ``e^z``). Derivative: ``σ'(z) = σ(z)(1 - σ(z)) ≤ 1/4``.
    """
    z = as_finite_array(z, "z")
    return _sigmoid(z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def logit(p) -> np.ndarray:
    """The inverse of the sigmoid, ``z = log(p / (1 - p)) = log p - log(1 - p)``.

    Parameters
    ----------
    p : array_like of probabilities in [0, 1], any shape

    Returns
    -------
    ndarray shaped like ``p``: the logit z with ``σ(z) = p``; ``-inf`` at p = 0 and
    ``+inf`` at p = 1 (no finite logit gives a certain prediction).

    Notes
    -----
    ``log1p(-p)`` keeps ``log(1 - p)`` exact for small p. Derivative: ``dz/dp = 1 / (p (1 - p))``.
    """
    p = as_probabilities(p, "p")
    with np.errstate(divide="ignore"):
        return np.log(p) - np.log1p(-p)


def log_sigmoid(z) -> np.ndarray:
    """``log σ(z) = -log(1 + e^{-z}) = -softplus(-z)``, elementwise and exact.

    Parameters
    ----------
    z : array_like of finite numbers, any shape

    Returns
    -------
    ndarray, same shape as ``z``, values ≤ 0. ``log_sigmoid(-1e4) = -1e4`` (not ``-inf``).

    Notes
    -----
    ``np.log(sigmoid(z))`` is ``-inf`` once ``σ(z)`` underflows to 0 (z < -745).
    Derivative: ``d/dz log σ(z) = 1 - σ(z) = σ(-z)``.
    """
    z = as_finite_array(z, "z")
    return -softplus(-z)


def _scaled_logits(z, temperature: float) -> np.ndarray:
    z = as_finite_array(z, "z")
    tau = check_positive(temperature, "temperature")
    return z / tau if tau != 1.0 else z


def softmax(z, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """``p_i = e^{z_i/τ} / Σ_k e^{z_k/τ}`` along ``axis``.

    Parameters
    ----------
    z : array_like of finite logits; a vector (C,) or a batch (N, C) with ``axis=-1``
    axis : int, the class axis
    temperature : τ > 0; τ → 0 approaches arg-max, τ → ∞ the uniform distribution

    Returns
    -------
    ndarray, same shape as ``z``; entries in [0, 1] summing to 1 along ``axis``.

    Notes
    -----
    ``softmax(z) = softmax(z - c)`` for any constant c, since ``e^{-c}`` cancels. With
    ``c = max(z)`` every exponent is ≤ 0, so nothing overflows and the largest term is 1,
    so the sum is ≥ 1 and never underflows. ``softmax([2, 3, 4]) =
    [0.0900..., 0.2447..., 0.6652...]``.
    """
    return _softmax(_scaled_logits(z, temperature), axis)


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    with np.errstate(over="ignore"):  # z - max is -inf only past ±1.8e308: exp gives 0
        e = np.exp(z - row_max(z, axis))  # every exponent ≤ 0
    return e / row_sum(e, axis)


def log_softmax(z, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """``log p_i = z_i/τ - log Σ_k e^{z_k/τ}`` along ``axis``, without forming ``p``.

    Parameters
    ----------
    z, axis, temperature : as in :func:`softmax`

    Returns
    -------
    ndarray, same shape as ``z``, values ≤ 0; finite for any finite logits (the
    smallest class of ``[0, 1e4]`` gets ``-1e4``, where ``log(softmax(z))`` gives ``-inf``),
    unless two logits differ by more than the largest float (~1.8e308): then ``-inf``.

    Notes
    -----
    With ``s = z/τ - max(z/τ)``: ``log p_i = s_i - log Σ_k e^{s_k}`` (log-sum-exp trick).
    Derivative: ``∂ log p_i / ∂z_j = (δ_ij - p_j) / τ``.
    """
    return _log_softmax(_scaled_logits(z, temperature), axis)


def _log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    with np.errstate(over="ignore"):  # -inf only past ±1.8e308, the rounded true value
        s = z - row_max(z, axis)
    return s - np.log(row_sum(np.exp(s), axis))


def softmax_jacobian(z, temperature: float = 1.0) -> np.ndarray:
    """The Jacobian of the softmax, ``J_ij = ∂p_i/∂z_j = p_i (δ_ij - p_j) / τ``.

    Parameters
    ----------
    z : array_like of finite logits, a vector (C,) or a batch (N, C)
    temperature : τ > 0, as in :func:`softmax`

    Returns
    -------
    ndarray (C, C) for a vector, (N, C, C) for a batch: ``J = (diag(p) - p pᵀ) / τ``.

    Notes
    -----
    From ``p_i = e^{z_i} / S`` with ``S = Σ_k e^{z_k}``: ``∂p_i/∂z_j = δ_ij p_i - p_i p_j``
    (quotient rule). ``J`` is symmetric, each row and column sums to 0 (``Σ_i p_i = 1``
    whatever z is), it is positive semi-definite, and its rank is C - 1: the
    null space is the all-ones direction (adding a constant to z changes nothing).
    """
    z = as_finite_array(z, "z")
    if z.ndim not in (1, 2):
        raise ValueError(f"z must be a vector of C logits or a batch (N, C); got shape {z.shape}.")
    tau = check_positive(temperature, "temperature")
    p = _softmax(z / tau)  # (..., C)
    diag = p[..., :, None] * np.eye(p.shape[-1])  # (..., C, C)
    outer = p[..., :, None] * p[..., None, :]  # (..., C, 1) * (..., 1, C) -> (..., C, C)
    return (diag - outer) / tau


def sigmoid_jacobian(z) -> np.ndarray:
    """The Jacobian of an elementwise sigmoid, ``J_ij = ∂σ(z_i)/∂z_j = δ_ij σ(z_i)(1 - σ(z_i))``.

    Parameters
    ----------
    z : array_like of finite logits, a vector (C,) or a batch (N, C)

    Returns
    -------
    ndarray (C, C) for a vector, (N, C, C) for a batch: ``J = diag(σ(z) σ(-z))``.

    Notes
    -----
    Each output depends on its own logit only, so J is diagonal, with the derivative
    ``σ'(z) = σ(z)(1 - σ(z)) ≤ 1/4`` on the diagonal, written ``σ(z) σ(-z)`` so that it keeps
    its digits when σ(z) rounds to 1. Unlike the softmax Jacobian its rows do not sum to 0:
    raising one logit raises that output and leaves the others alone.
    """
    z = as_finite_array(z, "z")
    if z.ndim not in (1, 2):
        raise ValueError(f"z must be a vector of C logits or a batch (N, C); got shape {z.shape}.")
    slope = _sigmoid(z) * _sigmoid(-z)  # (..., C)
    return slope[..., :, None] * np.eye(z.shape[-1])  # (..., C, 1) * (C, C) -> (..., C, C)
