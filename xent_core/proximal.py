"""The L1 penalty's proximal step: soft-thresholding, which lands small weights on exactly 0.

Training with ``λ₁ Σ|w|`` by its subgradient ``λ₁ sign(w)`` makes a small weight jump from
one side of 0 to the other, step after step, and never rest on 0. The proximal step instead
moves the weight towards 0 by at most ``τ = η λ₁`` and stops it at 0 if it would cross:
``w ← sign(w) · max(|w| − τ, 0)``. :meth:`xent_core.MLP.train_step` and the optimisers of
``xent_core.optim`` apply it to every weight matrix (never to biases) after their update
(Adam and RMSprop with ``τ = η λ₁ / (√v + ε)``, weight by weight: see ``xent_core.optim``).
"""

from __future__ import annotations

import numpy as np

from ._checks import as_finite_array


def soft_threshold(w, threshold: float) -> np.ndarray:
    """``sign(w) · max(|w| − τ, 0)`` elementwise: the proximal step of the penalty ``τ |w|``.

    Parameters
    ----------
    w : finite weights, any shape
    threshold : τ ≥ 0, how far each weight moves towards 0 (``η λ₁`` after a step of
        learning rate η with L1 strength λ₁): a number, or an array broadcastable to w's
        shape giving each weight its own τ (Adam's and RMSprop's ``η λ₁ / (√v + ε)``)

    Returns
    -------
    float64 array shaped like ``w``, a new array (``w`` is not changed): each weight with
    ``|w| ≤ τ`` becomes exactly 0 (``+0.0``), every other one keeps its sign and loses τ
    from its size. E.g. with τ = 0.01: 0.003 → 0, −0.003 → 0, 0.5 → 0.49, −2 → −1.99.

    Notes
    -----
    It is the proximal operator of ``f(w) = τ |w|``:
    ``prox(v) = argmin_w ( ½ (w − v)² + τ |w| )``. For ``w ≠ 0`` setting the derivative
    ``w − v + τ sign(w)`` to 0 gives ``w = v − τ sign(v)``, valid only while it keeps v's
    sign, i.e. when ``|v| > τ``; otherwise the minimum is at the kink, ``w = 0``, where the
    subgradient ``[−τ, τ]`` of ``τ |w|`` holds ``v``. A step of gradient descent on the
    rest of the loss followed by this step (proximal gradient descent, ISTA) minimises
    ``loss + λ₁ Σ|w|`` and, unlike the subgradient step, rests weights on exactly 0.
    """
    w = as_finite_array(w, "w")
    tau = as_finite_array(threshold, "threshold")
    if (tau < 0).any():
        raise ValueError(f"threshold must be ≥ 0 (how far weights move to 0); got {threshold!r}.")
    if not _broadcasts_to(tau.shape, w.shape):
        raise ValueError(
            f"threshold, shaped {tau.shape}, must be a number or broadcast to w's shape {w.shape}."
        )
    out = np.array(w, dtype=np.float64)  # a copy: w stays as it was
    _soft_threshold_in_place(out, tau)
    return out


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def _soft_threshold_in_place(w: np.ndarray, tau: float) -> None:
    """``w ← sign(w) · max(|w| − τ, 0)`` in place (w float64; τ ≥ 0, a number or an array
    broadcastable to w's shape, already checked)."""
    size = np.abs(w)  # |w|, same shape as w
    size -= tau
    np.maximum(size, 0.0, out=size)  # max(|w| − τ, 0)
    np.copysign(size, w, out=w)  # sign(w) · max(|w| − τ, 0): copysign is exact
    w += 0.0  # −0.0 (a small negative weight clipped) -> +0.0; any other value unchanged
