"""Categorical cross-entropy: on probabilities, and from logits through the softmax.

Targets ``t`` are either integer class labels, shape (N,), or a target distribution per
row, shape (N, C) (one-hot or soft). ``"mean"`` divides by the number of samples N
(or, with class weights, by the total weight of the samples' target classes).
"""

from __future__ import annotations

import numpy as np

from ._checks import (
    as_finite_array,
    as_float_array,
    as_labels,
    as_probabilities,
    check_eps,
    check_reduction,
    reduce,
)
from .activations import _log_softmax, _softmax
from .binary import xlogy


def one_hot(labels, n_classes: int) -> np.ndarray:
    """``T[i, c] = 1`` if ``labels[i] == c`` else 0; shape (N, n_classes), float64."""
    labels = as_labels(labels, "labels", n_classes)
    return np.eye(n_classes)[labels]  # (N,) -> (N, C)


def normalize_rows(p) -> np.ndarray:
    """Each row divided by its sum, ``p_ij / Σ_k p_ik``, so every row is a distribution.

    Parameters
    ----------
    p : non-negative numbers (N, C) (or one row (C,)); every row needs a positive sum

    Returns
    -------
    ndarray shaped like ``p`` whose rows sum to 1.
    """
    p = as_float_array(p, "p")
    negative = p < 0
    if negative.any():
        i = tuple(int(k) for k in np.argwhere(negative)[0])
        raise ValueError(
            f"p{list(i)} = {p[i]:g} is negative: weights to normalise must be ≥ 0."
        )
    sums = p.sum(axis=-1, keepdims=True)
    if (sums <= 0).any() or not np.isfinite(sums).all():
        row = int(np.argmax(((sums <= 0) | ~np.isfinite(sums)).ravel()))
        raise ValueError(
            f"row {row} of p sums to {sums.ravel()[row]:g}: it cannot be normalised."
        )
    return p / sums


def _as_target_matrix(t, n_samples: int, n_classes: int) -> tuple[np.ndarray, bool]:
    """Targets as an (N, C) distribution matrix, and whether they were integer labels."""
    t_arr = np.asarray(t)
    if t_arr.ndim == 1:
        if t_arr.shape[0] != n_samples:
            raise ValueError(
                f"t has {t_arr.shape[0]} labels but there are {n_samples} rows of predictions: "
                "give one class label per row."
            )
        return one_hot(t_arr, n_classes), True
    if t_arr.ndim == 2:
        if t_arr.shape != (n_samples, n_classes):
            raise ValueError(
                f"t has shape {t_arr.shape} but the predictions have shape "
                f"{(n_samples, n_classes)}: a target matrix must match them."
            )
        return as_probabilities(t_arr, "t"), False
    raise ValueError(
        f"t must be class labels (N,) or a target matrix (N, C); got shape {t_arr.shape}."
    )


def _as_rows(x: np.ndarray, name: str) -> np.ndarray:
    """A single sample (C,) becomes one row (1, C); a batch must be (N, C) with C ≥ 2."""
    rows = x[None, :] if x.ndim == 1 else x
    if rows.ndim != 2 or rows.shape[1] < 2:
        raise ValueError(
            f"{name} must be a batch (N, C) with at least 2 classes; got shape {x.shape}."
        )
    return rows


def _single_sample_target(t, x):
    """For one sample x (C,): a scalar label becomes (1,), a distribution (C,) becomes (1, C)."""
    t_arr = np.asarray(t)
    if np.ndim(x) != 1:
        return t
    if t_arr.ndim == 0:
        return t_arr.reshape(1)
    if t_arr.ndim == 1 and t_arr.shape[0] == np.shape(x)[0]:
        return t_arr[None, :]
    return t_arr


def _checked_probabilities(t, p, eps, reduction):
    check_reduction(reduction)
    check_eps(eps)
    p_in = as_probabilities(p, "p")
    p = _as_rows(p_in, "p")
    t_matrix, _ = _as_target_matrix(_single_sample_target(t, p_in), *p.shape)
    if eps is not None:
        p = np.clip(p, eps, 1.0 - eps)
    return t_matrix, p


def categorical_cross_entropy(t, p, reduction: str = "mean", eps: float | None = None):
    """``L_i = -Σ_j t_ij log p_ij`` for each row i, then reduced over the N rows.

    Parameters
    ----------
    t : integer labels (N,) — for label k the loss is ``-log p_ik`` — or targets (N, C)
    p : probabilities (N, C) in [0, 1] (or one sample (C,)); rows are expected to sum to 1
    reduction : ``"mean"`` (Σ_i L_i / N), ``"sum"`` (Σ_i L_i) or ``"none"`` (L_i per row)
    eps : None for the exact loss, or clip ``p`` to ``[eps, 1 - eps]`` first

    Returns
    -------
    float for ``"mean"``/``"sum"``; ndarray (N,) for ``"none"``.

    Notes
    -----
    ``0 · log 0 = 0``: a zero probability on a class whose target is 0 costs nothing; a zero
    probability on the target class is ``+inf`` (when ``eps`` is None). Seed table (targets
    0, 1, 2, 0): sum 2.214574215671332.
    """
    t, p = _checked_probabilities(t, p, eps, reduction)
    loss = 0.0 - xlogy(t, p).sum(
        axis=1
    )  # (N, C) -> (N,); 0.0 - x keeps an exact 0 positive
    return reduce(loss, reduction)


def categorical_cross_entropy_grad(
    t, p, reduction: str = "mean", eps: float | None = None
):
    """``∂L/∂p_ij = -t_ij / p_ij`` (0 where ``t_ij = 0``), divided by N for ``"mean"``.

    Parameters
    ----------
    t, p, reduction, eps : as in :func:`categorical_cross_entropy`

    Returns
    -------
    ndarray (N, C) (a single sample (C,) gives (1, C)).

    Notes
    -----
    Only the target terms depend on ``p_ij``: ``∂/∂p_ij (-t_ij log p_ij) = -t_ij / p_ij``.
    Pushed back through the softmax Jacobian this becomes ``p - t`` (see
    :func:`softmax_cross_entropy_grad`).
    """
    t, p = _checked_probabilities(t, p, eps, reduction)
    with np.errstate(divide="ignore"):
        grad = np.where(t == 0, 0.0, -t / np.where(t == 0, 1.0, p))
    return grad / p.shape[0] if reduction == "mean" else grad


def _class_weights(weight, n_classes: int) -> np.ndarray:
    if weight is None:
        return np.ones(n_classes)
    w = as_finite_array(weight, "weight")
    if w.shape != (n_classes,):
        raise ValueError(
            f"weight must hold one number per class, shape ({n_classes},); got shape {w.shape}."
        )
    if (w < 0).any():
        c = int(np.argmax(w < 0))
        raise ValueError(
            f"weight[{c}] = {w[c]:g} is negative: class weights must be ≥ 0."
        )
    return w


def _softmax_ce_parts(t, z, weight, label_smoothing):
    """The coefficient matrix ``A`` with ``L_i = -Σ_c A_ic log p_ic``, and the mean's divisor.

    Integer labels y (PyTorch's ``cross_entropy``):
      ``A_ic = (1 - ε) w_{y_i} [c = y_i] + (ε / C) w_c``, mean divisor ``Σ_i w_{y_i}``.
    Target matrix T: ``A_ic = w_c ((1 - ε) T_ic + ε / C)``, mean divisor N.
    """
    eps = float(label_smoothing)
    if not (0.0 <= eps <= 1.0):
        raise ValueError(
            f"label_smoothing must lie in [0, 1]; got {label_smoothing!r}."
        )
    z_in = as_finite_array(z, "z")
    z = _as_rows(z_in, "z")
    n, c = z.shape
    t_matrix, is_labels = _as_target_matrix(_single_sample_target(t, z_in), n, c)
    w = _class_weights(weight, c)
    if is_labels:
        w_target = t_matrix @ w  # (N, C) @ (C,) -> (N,): w_{y_i}
        coef = (1.0 - eps) * t_matrix * w_target[:, None] + (eps / c) * w  # (N, C)
        divisor = w_target.sum()
    else:
        coef = w * ((1.0 - eps) * t_matrix + eps / c)  # (N, C)
        divisor = n
    return z, coef, divisor


def softmax_cross_entropy(
    t, z, reduction: str = "mean", weight=None, label_smoothing: float = 0.0
):
    """Cross-entropy of ``p = softmax(z)`` from the logits: ``L_i = -Σ_c A_ic log p_ic``.

    Parameters
    ----------
    t : integer labels (N,) or target distributions (N, C)
    z : finite logits (N, C) (or one sample (C,) with a scalar label)
    reduction : ``"mean"``, ``"sum"`` or ``"none"`` (L_i per row)
    weight : class weights w (C,), ≥ 0; None means all 1
    label_smoothing : ε in [0, 1]

    Returns
    -------
    float for ``"mean"``/``"sum"``; ndarray (N,) for ``"none"``.

    Notes
    -----
    Same meaning as PyTorch's ``cross_entropy``. For integer labels y:
    ``L_i = (1 - ε) w_{y_i} (-log p_{i,y_i}) + (ε / C) Σ_c w_c (-log p_ic)``, and ``"mean"``
    divides Σ_i L_i by ``Σ_i w_{y_i}`` (which is N without weights). For a target matrix T,
    ε mixes it with the uniform distribution, ``T' = (1 - ε) T + ε / C``,
    ``L_i = -Σ_c w_c T'_ic log p_ic``, and ``"mean"`` divides by N.
    ``log p`` comes from :func:`log_softmax`, so it is finite for any finite logits.
    """
    check_reduction(reduction)
    z, coef, divisor = _softmax_ce_parts(t, z, weight, label_smoothing)
    loss = -(coef * _log_softmax(z)).sum(axis=1)  # (N, C) -> (N,)
    return reduce(loss, reduction, count=divisor)


def softmax_cross_entropy_grad(
    t, z, reduction: str = "mean", weight=None, label_smoothing: float = 0.0
):
    """``∂L/∂z_i = (Σ_c A_ic) p_i - A_i``; for one-hot targets without weights: ``p - t``.

    Parameters
    ----------
    t, z, reduction, weight, label_smoothing : as in :func:`softmax_cross_entropy`

    Returns
    -------
    ndarray (N, C): row i is ``∂L_i/∂z_i`` for ``"none"`` and ``"sum"``; divided by the
    mean's divisor (N, or ``Σ_i w_{y_i}`` with weights) for ``"mean"``.

    Notes
    -----
    ``∂ log p_c / ∂z_j = δ_cj - p_j``, so ``∂/∂z_j (-Σ_c A_c log p_c) = (Σ_c A_c) p_j - A_j``.
    For a one-hot or any target that sums to 1 (and no weights, ε = 0) ``Σ_c A_c = 1``
    and the gradient is ``p - t``: the difference between the predicted and the true
    distribution. The same result is ``Jᵀ (-t / p)`` through the softmax Jacobian.
    """
    check_reduction(reduction)
    z, coef, divisor = _softmax_ce_parts(t, z, weight, label_smoothing)
    p = _softmax(z)  # (N, C)
    grad = coef.sum(axis=1, keepdims=True) * p - coef  # (N, 1) * (N, C) - (N, C)
    return grad / divisor if reduction == "mean" else grad
