"""Binary cross-entropy (log loss): from probabilities and, stably, from logits.

Reductions: ``"none"`` gives the loss of each element, ``"sum"`` adds them (as the
article's table does), ``"mean"`` divides that sum by the number of elements (the
default of most frameworks).
"""

from __future__ import annotations

import numpy as np

from ._checks import (
    as_finite_array,
    as_probabilities,
    check_eps,
    check_reduction,
    check_same_shape,
    reduce,
    scale_for,
)
from .activations import _sigmoid, softplus


def _times_log(x: np.ndarray, log_y: np.ndarray) -> np.ndarray:
    """``x · log y`` given ``log y``, with ``0 · log 0 = 0``: where x = 0 the term is 0.

    The one place the convention lives: :func:`xlogy`, :func:`xlog1my`, the categorical
    losses (which get ``log p`` from ``log_softmax``) and the KL divergence call it.
    """
    with np.errstate(invalid="ignore"):  # 0 · -inf in the branch np.where discards
        return np.where(x == 0, 0.0, x * log_y)


def xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x · log y`` with the convention ``0 · log 0 = 0`` (the limit of x log x at 0)."""
    safe_y = np.where(x == 0, 1.0, y)
    with np.errstate(divide="ignore"):
        return _times_log(x, np.log(safe_y))


def xlog1my(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x · log(1 - y)`` with ``0 · log 0 = 0``; ``log1p(-y)`` is exact for small y."""
    safe_y = np.where(x == 0, 0.0, y)
    with np.errstate(divide="ignore"):
        return _times_log(x, np.log1p(-safe_y))


def _bce_with_logits(t: np.ndarray, z: np.ndarray, w=1.0) -> np.ndarray:
    """Elementwise ``L = w t softplus(-z) + (1 - t) softplus(z)`` (checked float arrays).

    ``softplus(-z) = -log σ(z)`` and ``softplus(z) = -log(1 - σ(z))``; for w = 1 this is the
    article's ``max(z, 0) - z t + log(1 + e^{-|z|})``. Shared by
    :func:`binary_cross_entropy_with_logits` and the neuron of ``xent_core.neuron``.
    """
    return w * t * softplus(-z) + (1.0 - t) * softplus(z)


def _bce_with_logits_grad(t: np.ndarray, z: np.ndarray, w=1.0) -> np.ndarray:
    """Elementwise ``dL/dz = (1 - t) σ(z) - w t σ(-z)``, which is ``σ(z) - t`` for w = 1.

    Written with ``σ(-z) = 1 - σ(z)`` so that ``σ(z) - 1`` never cancels when σ(z) ≈ 1:
    the tiny error of a nearly right prediction (t = 1, z = 40) keeps its digits.
    """
    return (1.0 - t) * _sigmoid(z) - w * t * _sigmoid(-z)


def _checked_pair(t, p, eps: float | None, reduction: str) -> tuple[np.ndarray, np.ndarray]:
    check_reduction(reduction)
    check_eps(eps)
    t = as_probabilities(t, "t")
    p = as_probabilities(p, "p")
    check_same_shape(t, p)
    if eps is not None:
        p = np.clip(p, eps, 1.0 - eps)
    return t, p


def binary_cross_entropy(t, p, reduction: str = "mean", eps: float | None = None):
    """``L(t, p) = -(t log p + (1 - t) log(1 - p))`` for each element, then reduced.

    Parameters
    ----------
    t : array_like, targets in [0, 1] (0/1 labels or soft targets)
    p : array_like, predicted probabilities in [0, 1], same shape as ``t``
    reduction : ``"mean"`` (Σ L / number of elements), ``"sum"`` (Σ L) or ``"none"``
    eps : None for the exact loss, or a small number to clip ``p`` to ``[eps, 1 - eps]``

    Returns
    -------
    float for ``"mean"``/``"sum"``; ndarray shaped like ``p`` for ``"none"``.

    Notes
    -----
    For ``t = 1`` the loss is ``-log p``, for ``t = 0`` it is ``-log(1 - p)``: zero for a
    perfect prediction, unbounded for a confident mistake. With ``0 · log 0 = 0`` the exact
    loss is ``+inf`` only for a certain wrong answer (t=1, p=0) and exactly 0 for a certain
    right one (t=0, p=0 or t=1, p=1) — never nan. The article's table
    (``ARTICLE_BINARY_T``, ``ARTICLE_BINARY_P`` in ``xent_core.article``) sums to
    4.460303459760249.
    """
    t, p = _checked_pair(t, p, eps, reduction)
    loss = 0.0 - (xlogy(t, p) + xlog1my(1.0 - t, p))  # 0.0 - x: an exact 0 is +0.0, not -0.0
    return reduce(loss, reduction)


def binary_cross_entropy_grad(t, p, reduction: str = "mean", eps: float | None = None):
    """``dL/dp = -t/p + (1 - t)/(1 - p)``, elementwise, scaled by the reduction.

    Parameters
    ----------
    t, p, reduction, eps : as in :func:`binary_cross_entropy`

    Returns
    -------
    ndarray shaped like ``p``: the per-element derivative for ``"none"`` and ``"sum"``,
    divided by the number of elements for ``"mean"``. With ``eps`` set it is evaluated at the
    clipped ``p``, so it is finite at p = 0 and p = 1.

    Notes
    -----
    ``d/dp [t log p] = t/p`` and ``d/dp [(1-t) log(1-p)] = -(1-t)/(1-p)``. A term whose
    coefficient is 0 contributes 0, so the exact gradient is ``-inf`` at (t=1, p=0),
    ``+inf`` at (t=0, p=1) and 0 where the prediction is exactly right.
    """
    t, p = _checked_pair(t, p, eps, reduction)
    with np.errstate(divide="ignore"):
        d_pos = np.where(t == 0, 0.0, -t / np.where(t == 0, 1.0, p))
        d_neg = np.where(t == 1, 0.0, (1.0 - t) / np.where(t == 1, 1.0, 1.0 - p))
    return (d_pos + d_neg) * scale_for(reduction, p.size)


def _checked_logits(t, z, pos_weight, reduction: str):
    check_reduction(reduction)
    t = as_probabilities(t, "t")
    z = as_finite_array(z, "z")
    check_same_shape(t, z, "t", "z")
    if pos_weight is None:
        return t, z, 1.0
    w = as_finite_array(pos_weight, "pos_weight")
    try:
        fits = np.broadcast_shapes(w.shape, z.shape) == z.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"pos_weight has shape {w.shape}, which does not fit z's shape {z.shape}: give one "
            "number, or one per column of z."
        )
    if (w < 0).any():
        raise ValueError(f"pos_weight must be ≥ 0; got {pos_weight!r}.")
    return t, z, w


def binary_cross_entropy_with_logits(t, z, reduction: str = "mean", pos_weight=None):
    """BCE of ``p = σ(z)`` computed from the logit ``z`` without ever forming ``p``.

    ``L = -(w t log σ(z) + (1 - t) log(1 - σ(z)))
        = (1 - t) z + (1 + (w - 1) t) log(1 + e^{-z})``.

    Parameters
    ----------
    t : array_like, targets in [0, 1]
    z : array_like of finite logits, same shape as ``t``
    reduction : ``"mean"`` (over elements), ``"sum"`` or ``"none"``
    pos_weight : w ≥ 0 multiplying the positive term (a scalar, or broadcastable to z's
        last axis, as in PyTorch); None means w = 1.

    Returns
    -------
    float for ``"mean"``/``"sum"``; ndarray shaped like ``z`` for ``"none"``.

    Notes
    -----
    Since ``-log σ(z) = softplus(-z)`` and ``-log(1 - σ(z)) = softplus(z)``:
    ``L = w t softplus(-z) + (1 - t) softplus(z)``, where ``softplus(x) = log(1 + e^x)``
    ``= max(x, 0) + log1p(e^{-|x|})`` never overflows. This sum of two non-negative terms is
    the same function as the closed form above (``softplus(z) = z + softplus(-z)``) but
    keeps full relative precision when the loss is tiny. For w = 1 it is the article's
    ``max(z, 0) - z t + log(1 + e^{-|z|})``.
    """
    t, z, w = _checked_logits(t, z, pos_weight, reduction)
    return reduce(_bce_with_logits(t, z, w), reduction)


def binary_cross_entropy_with_logits_grad(t, z, reduction: str = "mean", pos_weight=None):
    """``dL/dz = (1 - t) σ(z) - w t (1 - σ(z))``; for w = 1 this is ``σ(z) - t``.

    Parameters
    ----------
    t, z, reduction, pos_weight : as in :func:`binary_cross_entropy_with_logits`

    Returns
    -------
    ndarray shaped like ``z``; divided by the number of elements for ``"mean"``.

    Notes
    -----
    ``d/dz softplus(z) = σ(z)`` and ``d/dz softplus(-z) = -σ(-z) = -(1 - σ(z))``. With w = 1
    the sigmoid's derivative ``σ'(z)`` has cancelled: the gradient is the error itself,
    largest when the prediction is most wrong.
    """
    t, z, w = _checked_logits(t, z, pos_weight, reduction)
    return _bce_with_logits_grad(t, z, w) * scale_for(reduction, z.size)
