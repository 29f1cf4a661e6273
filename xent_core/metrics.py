"""Accuracy and calibration: how often the network is right, and whether it knows it."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_labels, as_probabilities


def _labels_and_rows(t, p) -> tuple[np.ndarray, np.ndarray]:
    p = as_probabilities(p, "p")
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(f"p must be a batch (N, C) with at least 2 classes; got {p.shape}.")
    t = as_labels(t, "t", p.shape[1])
    if t.shape != (p.shape[0],):
        raise ValueError(f"t must hold one label per row of p ({p.shape[0]}); got {t.shape}.")
    return t, p


def accuracy(t, p) -> float:
    """Fraction of rows whose most probable class is the label: ``mean_i [argmax_c p_ic = t_i]``.

    Parameters
    ----------
    t : integer labels (N,)
    p : probabilities or scores (N, C); ties go to the lowest class index
    """
    t, p = _labels_and_rows(t, p)
    return float(np.mean(p.argmax(axis=1) == t))


class Reliability(NamedTuple):
    """Per confidence bin: edges (B+1,), mean confidence, accuracy and count (B,) each.

    Empty bins have count 0 and nan confidence and accuracy.
    """

    edges: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray
    count: np.ndarray


def reliability_bins(t, p, n_bins: int = 10) -> Reliability:
    """Bin rows by confidence ``max_c p_ic`` into ``n_bins`` equal bins of [0, 1].

    Parameters
    ----------
    t : integer labels (N,)
    p : probabilities (N, C)
    n_bins : number of equal-width bins

    Returns
    -------
    :class:`Reliability`. A calibrated model has accuracy ≈ confidence in every bin
    (the diagonal of the reliability diagram).
    """
    t, p = _labels_and_rows(t, p)
    n_bins = int(n_bins)
    if n_bins < 1:
        raise ValueError(f"n_bins must be ≥ 1; got {n_bins}.")
    confidence = p.max(axis=1)  # (N,)
    correct = (p.argmax(axis=1) == t).astype(np.float64)  # (N,)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.searchsorted(edges, confidence, side="right") - 1, 0, n_bins - 1)
    count = np.bincount(which, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(which, confidence, n_bins) / count
        mean_acc = np.bincount(which, correct, n_bins) / count
    return Reliability(edges, mean_conf, mean_acc, count)


def expected_calibration_error(t, p, n_bins: int = 10) -> float:
    """``ECE = Σ_b (n_b / N) · |accuracy_b - confidence_b|`` over the confidence bins."""
    bins = reliability_bins(t, p, n_bins)
    filled = bins.count > 0
    gaps = np.abs(bins.accuracy[filled] - bins.confidence[filled])
    return float((bins.count[filled] * gaps).sum() / bins.count.sum())
