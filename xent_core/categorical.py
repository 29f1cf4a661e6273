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
from ._rows import row_sum
from .activations import _log_softmax, _softmax
from .binary import _times_log, xlogy


def one_hot(labels, n_classes: int) -> np.ndarray:
    """``T[i, c] = 1`` if ``labels[i] == c`` else 0; shape (N, n_classes), float64."""
    labels = as_labels(labels, "labels", n_classes)
    return np.eye(n_classes)[labels]  # (N,) -> (N, C)


def _mean_nll(log_p: np.ndarray, y: np.ndarray) -> np.float64:
    """``-(1/N) Σ_i log p_{i, y_i}``: the mean negative log-likelihood of the labels.

    ``log_p`` (N, C) are log-probabilities (from ``log_softmax``), ``y`` (N,) checked integer
    labels. The mean cross-entropy of a softmax output with one-hot targets; shared by the
    MLP's loss and temperature scaling. Returns a numpy float64 scalar.
    """
    return -log_p[np.arange(len(y)), y].mean()  # (N, C) -> (N,) -> ()


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
        raise ValueError(f"p{list(i)} = {p[i]:g} is negative: weights to normalise must be ≥ 0.")
    sums = p.sum(axis=-1, keepdims=True)
    if (sums <= 0).any() or not np.isfinite(sums).all():
        row = int(np.argmax(((sums <= 0) | ~np.isfinite(sums)).ravel()))
        raise ValueError(f"row {row} of p sums to {sums.ravel()[row]:g}: it cannot be normalised.")
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
        return np.eye(n_classes)[as_labels(t_arr, "t", n_classes)], True  # one-hot (N, C)
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
        raise ValueError(f"weight[{c}] = {w[c]:g} is negative: class weights must be ≥ 0.")
    return w


def _check_smoothing(label_smoothing: float) -> float:
    eps = float(label_smoothing)
    if not (0.0 <= eps <= 1.0):
        raise ValueError(f"label_smoothing must lie in [0, 1]; got {label_smoothing!r}.")
    return eps


def _coefficients(t, x_in, x_rows, weight, label_smoothing):
    """The matrix ``A`` with ``L_i = -Σ_c A_ic log p_ic``, and the divisor of the mean.

    Integer labels y (PyTorch's ``cross_entropy``):
      ``A_ic = (1 - ε) w_{y_i} [c = y_i] + (ε / C) w_c``, mean divisor ``Σ_i w_{y_i}``.
    Target matrix T: ``A_ic = w_c ((1 - ε) T_ic + ε / C)``, mean divisor N.
    Without weights and smoothing ``A`` is the target matrix and the divisor is N.
    """
    eps = _check_smoothing(label_smoothing)
    n, c = x_rows.shape
    t_matrix, is_labels = _as_target_matrix(_single_sample_target(t, x_in), n, c)
    w = _class_weights(weight, c)
    if is_labels:
        w_target = t_matrix @ w  # (N, C) @ (C,) -> (N,): w_{y_i}
        coef = (1.0 - eps) * t_matrix * w_target[:, None] + (eps / c) * w  # (N, C)
        return coef, w_target.sum()
    return w * ((1.0 - eps) * t_matrix + eps / c), n  # (N, C), N


def smoothed_targets(t, n_classes: int, label_smoothing: float = 0.0) -> np.ndarray:
    """The target distributions after label smoothing, ``T' = (1 - ε) T + ε / C``, (N, C).

    Parameters
    ----------
    t : integer labels (N,) (T is their one-hot matrix) or target distributions (N, C)
    n_classes : C
    label_smoothing : ε in [0, 1]; ε = 0 gives T itself, ε = 1 the uniform distribution
    """
    eps = _check_smoothing(label_smoothing)
    t_arr = np.asarray(t)
    t_matrix = (
        np.eye(n_classes)[as_labels(t_arr, "t", n_classes)]
        if t_arr.ndim == 1
        else as_probabilities(t_arr, "t")
    )
    if t_matrix.ndim != 2 or t_matrix.shape[1] != n_classes:
        raise ValueError(f"t must be labels (N,) or targets (N, {n_classes}); got {t_arr.shape}.")
    return (1.0 - eps) * t_matrix + eps / n_classes


def _checked_probabilities(t, p, eps, reduction, weight=None, label_smoothing=0.0):
    """(A, p as rows (N, C) clipped if eps is set, divisor of the mean)."""
    check_reduction(reduction)
    check_eps(eps)
    p_in = as_probabilities(p, "p")
    p = _as_rows(p_in, "p")
    coef, divisor = _coefficients(t, p_in, p, weight, label_smoothing)
    if eps is not None:
        p = np.clip(p, eps, 1.0 - eps)
    return coef, p, divisor


def categorical_cross_entropy(
    t,
    p,
    reduction: str = "mean",
    eps: float | None = None,
    weight=None,
    label_smoothing: float = 0.0,
):
    """``L_i = -Σ_j t_ij log p_ij`` for each row i, then reduced over the N rows.

    Parameters
    ----------
    t : integer labels (N,) — for label k the loss is ``-log p_ik`` — or targets (N, C)
    p : probabilities (N, C) in [0, 1] (or one sample (C,)); rows are expected to sum to 1
    reduction : ``"mean"`` (Σ_i L_i / N), ``"sum"`` (Σ_i L_i) or ``"none"`` (L_i per row)
    eps : None for the exact loss, or clip ``p`` to ``[eps, 1 - eps]`` first
    weight, label_smoothing : class weights (C,) and ε, with the meaning (and the weighted
        mean's divisor ``Σ_i w_{y_i}``) of :func:`softmax_cross_entropy`; the target
        ``t_ij`` above becomes the coefficient ``A_ij`` described there

    Returns
    -------
    float for ``"mean"``/``"sum"``; ndarray (N,) for ``"none"``.

    Notes
    -----
    ``0 · log 0 = 0``: a zero probability on a class whose target is 0 costs nothing; a zero
    probability on the target class is ``+inf`` (when ``eps`` is None). The article's table
    (``ARTICLE_CATEGORICAL_LABELS`` 0, 1, 2, 0 and ``ARTICLE_CATEGORICAL_P`` in
    ``xent_core.article``): sum 2.214574215671332.
    """
    coef, p, divisor = _checked_probabilities(t, p, eps, reduction, weight, label_smoothing)
    loss = 0.0 - row_sum(
        xlogy(coef, p), keepdims=False
    )  # (N, C) -> (N,); 0.0 - x keeps an exact 0 positive
    return reduce(loss, reduction, count=divisor)


def categorical_cross_entropy_grad(
    t,
    p,
    reduction: str = "mean",
    eps: float | None = None,
    weight=None,
    label_smoothing: float = 0.0,
):
    """``∂L/∂p_ij = -t_ij / p_ij`` (0 where ``t_ij = 0``), divided by N for ``"mean"``.

    Parameters
    ----------
    t, p, reduction, eps, weight, label_smoothing : as in :func:`categorical_cross_entropy`

    Returns
    -------
    ndarray (N, C) (a single sample (C,) gives (1, C)). With weights or smoothing ``t`` is
    the coefficient ``A`` and ``"mean"`` divides by the weighted divisor.

    Notes
    -----
    Only the target terms depend on ``p_ij``: ``∂/∂p_ij (-t_ij log p_ij) = -t_ij / p_ij``.
    Pushed back through the softmax Jacobian this becomes ``p - t`` (see
    :func:`softmax_cross_entropy_grad`).
    """
    coef, p, divisor = _checked_probabilities(t, p, eps, reduction, weight, label_smoothing)
    with np.errstate(divide="ignore"):
        grad = np.where(coef == 0, 0.0, -coef / np.where(coef == 0, 1.0, p))
    return grad / divisor if reduction == "mean" else grad


def softmax_cross_entropy_grad_from_probabilities(
    t, p, reduction: str = "mean", weight=None, label_smoothing: float = 0.0
):
    """``∂L/∂z = (Σ_c A_c) p - A`` for a softmax output ``p``, given p rather than z.

    Parameters
    ----------
    t, reduction, weight, label_smoothing : as in :func:`softmax_cross_entropy_grad`
    p : the softmax's output, probabilities (N, C) (rows summing to 1)

    Returns
    -------
    ndarray (N, C), the same as ``softmax_cross_entropy_grad(t, z, …)`` for any z with
    ``softmax(z) = p``; finite even where p = 0 (where no finite z exists): ``p - t`` for
    one-hot targets without weights or smoothing.
    """
    coef, p, divisor = _checked_probabilities(t, p, None, reduction, weight, label_smoothing)
    grad = row_sum(coef) * p - coef  # (N, 1) * (N, C) - (N, C)
    return grad / divisor if reduction == "mean" else grad


def _logit_rows(z):
    z_in = as_finite_array(z, "z")
    return z_in, _as_rows(z_in, "z")


def softmax_cross_entropy(t, z, reduction: str = "mean", weight=None, label_smoothing: float = 0.0):
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
    ``log p`` comes from :func:`log_softmax`, so it is finite for any finite logits (unless
    two logits differ by more than the largest float, ~1.8e308, where ``-log p`` overflows
    to +inf); a zero coefficient contributes exactly 0.
    """
    check_reduction(reduction)
    z_in, z = _logit_rows(z)
    coef, divisor = _coefficients(t, z_in, z, weight, label_smoothing)
    log_p = _log_softmax(z)  # (N, C); -inf only if two logits differ by more than ~1.8e308
    loss = 0.0 - row_sum(_times_log(coef, log_p), keepdims=False)  # 0·log 0 = 0; (N, C) -> (N,)
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
    z_in, z = _logit_rows(z)
    coef, divisor = _coefficients(t, z_in, z, weight, label_smoothing)
    p = _softmax(z)  # (N, C)
    grad = row_sum(coef) * p - coef  # (N, 1) * (N, C) - (N, C)
    return grad / divisor if reduction == "mean" else grad
