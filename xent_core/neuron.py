"""One logistic neuron, ``p = σ(w x + b)``, trained with cross-entropy or squared error.

The classic argument for cross-entropy (Nielsen, *Neural Networks and Deep Learning*, ch. 3):
with a sigmoid output, squared error's gradient carries the factor ``σ'(z) ≤ 1/4``, which
vanishes when the neuron is saturated, so a neuron that starts confidently wrong learns
slowly; cross-entropy's gradient ``σ(z) - t`` has no such factor. :func:`train_neuron`
runs that race; the other functions are the two losses as functions of the logit ``z``.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np

from ._checks import (
    as_finite_array,
    as_probabilities,
    check_positive,
    check_reduction,
    check_same_shape,
    reduce,
    scale_for,
)
from .activations import _sigmoid
from .binary import _bce_with_logits, _bce_with_logits_grad

LOSSES = ("cross_entropy", "squared_error")
MAX_STEPS = 100_000


def sigmoid_derivative(z) -> np.ndarray:
    """``σ'(z) = σ(z) (1 - σ(z)) = σ(z) σ(-z)``, elementwise; at most 1/4 (at z = 0).

    Parameters
    ----------
    z : array_like of finite logits, any shape

    Returns
    -------
    ndarray shaped like ``z``, values in [0, 1/4].

    Notes
    -----
    ``1 - σ(z)`` loses every digit once ``σ(z)`` rounds to 1 (z > 37): it is 0 there, while
    ``σ(-z)`` is the same number computed exactly, so ``σ(z) σ(-z)`` stays accurate for
    any z (``σ'(40) = 4.25e-18``, not 0).
    """
    z = as_finite_array(z, "z")
    return _sigmoid(z) * _sigmoid(-z)


def _error(t: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``σ(z) - t``, exact when σ(z) is near 1: binary cross-entropy's gradient from the logit."""
    return _bce_with_logits_grad(t, z)


def _squared_error_dz(err: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Elementwise ``dL/dz = 2 (σ(z) - t) σ'(z)`` given ``err = σ(z) - t``; not reduced."""
    return 2.0 * err * _sigmoid(z) * _sigmoid(-z)  # σ'(z) = σ(z) σ(-z), exact for any z


def _checked(t, z, reduction: str) -> tuple[np.ndarray, np.ndarray]:
    check_reduction(reduction)
    t = as_probabilities(t, "t")
    z = as_finite_array(z, "z")
    check_same_shape(t, z, "t", "z")
    return t, z


def squared_error_with_logits(t, z, reduction: str = "mean"):
    """``L = (σ(z) - t)²`` for each element, then reduced: squared error of a sigmoid output.

    Parameters
    ----------
    t : array_like, targets in [0, 1]
    z : array_like of finite logits, same shape as ``t``
    reduction : ``"mean"`` (Σ L / number of elements), ``"sum"`` (Σ L) or ``"none"``

    Returns
    -------
    float for ``"mean"``/``"sum"``; ndarray shaped like ``z`` for ``"none"``.

    Notes
    -----
    Bounded: ``0 ≤ L ≤ 1``, however wrong the prediction. Cross-entropy on the same output,
    ``-log σ(z)`` for t = 1, grows without bound (linearly in ``-z``) as the neuron becomes
    more confidently wrong. ``σ(z) - t`` is formed as ``(1 - t) σ(z) - t σ(-z)``, so the
    tiny error of a nearly right neuron (t = 1, z = 40) keeps its digits.
    """
    t, z = _checked(t, z, reduction)
    return reduce(_error(t, z) ** 2, reduction)


def squared_error_with_logits_grad(t, z, reduction: str = "mean"):
    """``dL/dz = 2 (σ(z) - t) σ'(z)``, elementwise; divided by the element count for ``"mean"``.

    Parameters
    ----------
    t, z, reduction : as in :func:`squared_error_with_logits`

    Returns
    -------
    ndarray shaped like ``z``.

    Notes
    -----
    Chain rule: ``dL/dp = 2 (p - t)`` and ``dp/dz = σ'(z) = σ(z) σ(-z) ≤ 1/4``. For t = 1 and
    ``z → -∞`` the error tends to -1 but ``σ'(z) ≈ e^{z}`` vanishes, so the gradient does
    too: the most wrong neuron gets the weakest push. Cross-entropy's ``dL/dz = σ(z) - t``
    tends to -1 there instead.
    """
    t, z = _checked(t, z, reduction)
    return _squared_error_dz(_error(t, z), z) * scale_for(reduction, z.size)


class NeuronHistory(NamedTuple):
    """A training run, one entry per step 0 … S (step 0 is the start, before any update).

    ``loss`` is the trained loss, the **mean** over the n samples; ``z`` and ``p = σ(z)`` hold
    the logit and the output on each sample; ``dl_dw``/``dl_db`` are the gradients at that
    step (the last one is never applied). ``x`` and ``t`` are the samples it was trained on.
    """

    loss_name: str
    w: np.ndarray  # (S + 1,)
    b: np.ndarray  # (S + 1,)
    z: np.ndarray  # (S + 1, n)
    p: np.ndarray  # (S + 1, n)
    loss: np.ndarray  # (S + 1,)
    dl_dw: np.ndarray  # (S + 1,)
    dl_db: np.ndarray  # (S + 1,)
    x: np.ndarray  # (n,)
    t: np.ndarray  # (n,)


def _loss_and_dz(loss: str, t: np.ndarray, z: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean loss over the samples and ``dL/dz`` per sample (already divided by n)."""
    n = z.size
    if loss == "cross_entropy":
        per_sample = _bce_with_logits(t, z)  # -log σ(z) for t = 1, -log(1 - σ(z)) for t = 0
        dz = _error(t, z)  # σ(z) - t: σ' has cancelled
    else:
        err = _error(t, z)
        per_sample = err**2
        dz = _squared_error_dz(err, z)  # 2 (σ(z) - t) σ'(z)
    return float(per_sample.sum() / n), dz / n


def _checked_run(loss, w0, b0, lr, steps, x, t):
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(map(repr, LOSSES))}; got {loss!r}.")
    w0 = float(as_finite_array(w0, "w0"))
    b0 = float(as_finite_array(b0, "b0"))
    lr = check_positive(lr, "lr")
    if int(steps) != steps or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 0 to {MAX_STEPS}; got {steps!r}.")
    x = np.atleast_1d(as_finite_array(x, "x"))
    t = np.atleast_1d(as_probabilities(t, "t"))
    if x.ndim != 1:
        raise ValueError(f"x must be one input per sample, shape (n,); got shape {x.shape}.")
    check_same_shape(t, x, "t", "x")
    return w0, b0, lr, int(steps), x, t


def train_neuron(
    loss: Literal["cross_entropy", "squared_error"],
    w0: float,
    b0: float,
    lr: float,
    steps: int,
    x=1.0,
    t=1.0,
) -> NeuronHistory:
    """Gradient descent on one neuron ``p = σ(w x + b)``, from ``(w0, b0)``, for ``steps`` steps.

    Parameters
    ----------
    loss : ``"cross_entropy"`` (``-[t log p + (1 - t) log(1 - p)]``, from the logit) or
        ``"squared_error"`` (``(p - t)²``); the mean over the samples is minimised
    w0, b0 : the starting weight and bias (finite numbers)
    lr : the learning rate η > 0
    steps : number of updates S, 0 to :data:`MAX_STEPS`
    x : the input of each sample, a number or a vector (n,)
    t : the target of each sample in [0, 1], shaped like ``x``

    Returns
    -------
    :class:`NeuronHistory` with S + 1 entries per quantity. The inputs are not changed.

    Notes
    -----
    Full-batch gradient descent: ``z_i = w x_i + b``, ``g_i = dL/dz_i`` (mean over n),
    ``dL/dw = Σ_i g_i x_i``, ``dL/db = Σ_i g_i``, then ``w ← w - η dL/dw``,
    ``b ← b - η dL/db``. Cross-entropy: ``g_i = (σ(z_i) - t_i) / n``; squared error:
    ``g_i = 2 (σ(z_i) - t_i) σ'(z_i) / n``. Deterministic: the same arguments give the same
    history.
    """
    w, b, lr, steps, x, t = _checked_run(loss, w0, b0, lr, steps, x, t)
    n = x.size
    ws, bs = np.empty(steps + 1), np.empty(steps + 1)
    zs, ps = np.empty((steps + 1, n)), np.empty((steps + 1, n))
    losses, gws, gbs = np.empty(steps + 1), np.empty(steps + 1), np.empty(steps + 1)
    for s in range(steps + 1):
        z = w * x + b  # (n,)
        value, dz = _loss_and_dz(loss, t, z)  # (), (n,)
        gw, gb = float(dz @ x), float(dz.sum())  # (n,) @ (n,) -> ()
        ws[s], bs[s], zs[s], ps[s] = w, b, z, _sigmoid(z)
        losses[s], gws[s], gbs[s] = value, gw, gb
        w, b = w - lr * gw, b - lr * gb
    return NeuronHistory(loss, ws, bs, zs, ps, losses, gws, gbs, x.copy(), t.copy())


def steps_to_within(history: NeuronHistory, tol: float = 0.1) -> int | None:
    """The first step at which every output is within ``tol`` of its target, or None.

    Parameters
    ----------
    history : a :class:`NeuronHistory`
    tol : the allowed ``|p_i - t_i|``, in (0, 1]

    Returns
    -------
    int from 0 to S, or None if the run never got that close.
    """
    tol = check_positive(tol, "tol")
    close = np.all(np.abs(history.p - history.t) < tol, axis=1)  # (S + 1, n) -> (S + 1,)
    return int(np.argmax(close)) if close.any() else None
