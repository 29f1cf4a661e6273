"""Entropy, cross-entropy and KL divergence of discrete distributions.

The three are tied by one identity, ``H(t, p) = H(t) + KL(t ‖ p)``: the cross-entropy a
model ``p`` is charged on data drawn from ``t`` is the data's own entropy (what no model can
remove) plus the KL divergence (what the model's mistakes add). Training with cross-entropy
against a fixed ``t`` therefore minimises the KL divergence, and the minimum, at ``p = t``,
is ``H(t)``.

Conventions: distributions lie along the last axis, a vector (C,) or a batch (N, C) of
rows; natural logarithms (nats) unless ``base`` is given (``base=2``: bits);
``0 · log 0 = 0``. Inputs are never mutated.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._checks import as_probabilities, check_positive, check_same_shape
from .binary import _times_log, xlogy

SUM_TOL = 1e-6  # how far a distribution's sum may stray from 1 (typed decimals, rounding)


def _distributions(x, name: str) -> np.ndarray:
    """``x`` as float64 distributions along the last axis: values in [0, 1], each summing to 1."""
    a = as_probabilities(x, name)
    if a.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be one distribution (C,) or a batch of them (N, C); got shape {a.shape}."
        )
    sums = a.sum(axis=-1)  # () or (N,)
    off = np.abs(sums - 1.0) > SUM_TOL
    if np.any(off):
        if a.ndim == 1:
            where = name
            total = float(sums)
        else:
            row = int(np.argmax(off))
            where, total = f"row {row} of {name}", float(sums[row])
        raise ValueError(
            f"{where} sums to {total:.10g}, not 1: the probabilities of a distribution must "
            "add up to 1 (divide each by their sum to normalise)."
        )
    return a


def _pair(t, p) -> tuple[np.ndarray, np.ndarray]:
    t = _distributions(t, "t")
    p = _distributions(p, "p")
    check_same_shape(t, p)
    return t, p


def _log_base(base: float | None) -> float:
    """``ln(base)``, the divisor that turns nats into the unit of ``base`` (1 for nats)."""
    if base is None:
        return 1.0
    b = check_positive(base, "base")
    if b == 1.0:
        raise ValueError(
            "base must not be 1: log base 1 is undefined (use 2 for bits, None for nats)."
        )
    return math.log(b)


def _total(terms: np.ndarray, base: float | None, keep_terms: bool):
    """Per-class terms in the requested unit, or their sum over classes (a float for one row)."""
    terms = terms / _log_base(base)
    if keep_terms:
        return terms
    total = terms.sum(axis=-1)  # (C,) -> () or (N, C) -> (N,)
    return float(total) if terms.ndim == 1 else total


def entropy(p, base: float | None = None, terms: bool = False):
    """``H(p) = -Σ_i p_i log p_i``: the average surprise of outcomes drawn from ``p``.

    Parameters
    ----------
    p : array_like, one distribution (C,) or a batch (N, C); values in [0, 1], each row
        summing to 1 (± 1e-6)
    base : None for nats (natural log), 2 for bits, any positive number ≠ 1
    terms : False for the sum over classes; True for the per-class terms ``-p_i log p_i``

    Returns
    -------
    float for one distribution, ndarray (N,) for a batch; with ``terms=True`` an array
    shaped like ``p``.

    Notes
    -----
    ``0 · log 0 = 0`` (the limit of ``x log x`` at 0), so an impossible outcome adds nothing.
    ``0 ≤ H(p) ≤ log C``: 0 for a certain outcome (one-hot p), ``log C`` for the uniform
    distribution. ``H(p) = H(p, p)``, the cross-entropy of p with itself.
    """
    p = _distributions(p, "p")
    return _total(0.0 - xlogy(p, p), base, terms)  # 0.0 - x: an exact 0 stays +0.0


def cross_entropy(t, p, base: float | None = None, terms: bool = False):
    """``H(t, p) = -Σ_i t_i log p_i``: the average surprise under ``p`` of outcomes from ``t``.

    Parameters
    ----------
    t : array_like, the true (target) distribution (C,) or a batch (N, C)
    p : array_like, the model's distribution, same shape as ``t``
    base, terms : as in :func:`entropy`; the terms are ``-t_i log p_i``

    Returns
    -------
    float for one distribution, ndarray (N,) for a batch; with ``terms=True`` an array
    shaped like ``t``.

    Notes
    -----
    A class with ``t_i = 0`` contributes 0 whatever ``p_i`` is (``0 · log 0 = 0``); a class
    with ``t_i > 0`` and ``p_i = 0`` contributes ``+∞``: the model called possible data
    impossible. With a one-hot ``t`` of class k this is the familiar loss ``-log p_k``.
    ``H(t, p) = H(t) + KL(t ‖ p) ≥ H(t)``, with equality exactly when ``p = t``.
    """
    t, p = _pair(t, p)
    return _total(0.0 - xlogy(t, p), base, terms)


def kl_divergence(t, p, base: float | None = None, terms: bool = False):
    """``KL(t ‖ p) = Σ_i t_i log(t_i / p_i)``: the extra surprise of using ``p`` for ``t``.

    Parameters
    ----------
    t : array_like, the true distribution (C,) or a batch (N, C)
    p : array_like, the model's distribution, same shape as ``t``
    base, terms : as in :func:`entropy`; the terms are ``t_i (log t_i - log p_i)``

    Returns
    -------
    float ≥ 0 for one distribution, ndarray (N,) for a batch; with ``terms=True`` an array
    shaped like ``t`` (single terms may be negative; their sum is not).

    Notes
    -----
    ``KL(t ‖ p) = H(t, p) - H(t)``. Each term is 0 where ``t_i = 0`` and ``+∞`` where
    ``t_i > 0 = p_i``. Gibbs' inequality: the sum is ≥ 0, and 0 only for ``p = t``. It is not
    symmetric: ``KL(t ‖ p) ≠ KL(p ‖ t)`` in general. The term is computed as
    ``t_i (log t_i - log p_i)`` (not ``log(t_i / p_i)``, whose ratio can overflow for a tiny
    ``p_i``); a sum that rounding would leave a few ulps below 0 (only when p ≈ t) is
    returned as 0.
    """
    t, p = _pair(t, p)
    with np.errstate(divide="ignore"):
        log_t = np.log(np.where(t == 0, 1.0, t))
        log_p = np.log(np.where(t == 0, 1.0, p))
    kl_terms = _times_log(t, log_t - log_p)  # t log(t/p); 0 where t = 0, +inf where t > 0 = p
    if terms:
        return _total(kl_terms, base, True)
    total = np.maximum(_total(kl_terms, base, False), 0.0)  # Gibbs: never below 0
    return float(total) if kl_terms.ndim == 1 else total


class Decomposition(NamedTuple):
    """``H(t, p) = H(t) + KL(t ‖ p)``, each side computed on its own, and their difference."""

    entropy: float  # H(t)
    cross_entropy: float  # H(t, p)
    kl_divergence: float  # KL(t ‖ p)
    difference: float  # H(t, p) - (H(t) + KL(t ‖ p)): rounding only; nan if both are +∞

    @property
    def entropy_plus_kl(self) -> float:
        """The right-hand side ``H(t) + KL(t ‖ p)``."""
        return self.entropy + self.kl_divergence


def decomposition(t, p, base: float | None = None) -> Decomposition:
    """The three quantities of one pair of distributions and how far the identity is from exact.

    Parameters
    ----------
    t, p : one true and one model distribution, shape (C,) each
    base : as in :func:`entropy`

    Returns
    -------
    :class:`Decomposition`. ``difference`` is float64 rounding (a few 1e-16) for finite
    values; when ``p_i = 0 < t_i`` both ``H(t, p)`` and ``KL(t ‖ p)`` are ``+∞`` and the
    difference ``∞ - ∞`` is undefined (nan).

    Notes
    -----
    ``-Σ t_i log p_i = -Σ t_i log t_i + Σ t_i (log t_i - log p_i)``: add and subtract
    ``Σ t_i log t_i``. Each side is computed independently here, so the difference is a check.
    """
    t, p = _pair(t, p)
    if t.ndim != 1:
        raise ValueError(f"t and p must each be one distribution (C,); got shape {t.shape}.")
    h = entropy(t, base)
    h_tp = cross_entropy(t, p, base)
    kl = kl_divergence(t, p, base)
    with np.errstate(invalid="ignore"):
        difference = float(np.float64(h_tp) - (np.float64(h) + np.float64(kl)))
    return Decomposition(h, h_tp, kl, difference)


def spread_distribution(p_top, n_classes: int, index: int = 0) -> np.ndarray:
    """Distributions with ``p_top`` on class ``index`` and the rest shared evenly.

    Parameters
    ----------
    p_top : array_like of probabilities in [0, 1], shape (K,) (or a scalar)
    n_classes : C ≥ 2
    index : the class that gets ``p_top``, 0 to C - 1

    Returns
    -------
    ndarray (K, C) (or (C,) for a scalar ``p_top``): row k is ``p_top[k]`` at ``index`` and
    ``(1 - p_top[k]) / (C - 1)`` at every other class, so each row sums to 1.

    Notes
    -----
    The one-parameter family along which the label-smoothing page draws the loss: a
    smoothed one-hot target ``(1 - ε) e_k + ε / C`` is itself in it (with
    ``p_top = 1 - ε + ε / C``), so along this family the cross-entropy is smallest there.
    """
    p_top = as_probabilities(p_top, "p_top")
    if p_top.ndim > 1:
        raise ValueError(f"p_top must be a number or a vector (K,); got shape {p_top.shape}.")
    c = int(n_classes)
    if c != n_classes or c < 2:
        raise ValueError(f"n_classes must be a whole number ≥ 2; got {n_classes!r}.")
    if not (0 <= index < c) or int(index) != index:
        raise ValueError(f"index must be a class 0 to {c - 1}; got {index!r}.")
    rest = (1.0 - p_top) / (c - 1)  # (K,) or ()
    rows = np.repeat(rest[..., None], c, axis=-1)  # (K,) -> (K, C)
    rows[..., int(index)] = p_top
    return rows
