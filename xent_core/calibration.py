"""Temperature scaling: the one-parameter fix for a network that is too sure (or too unsure).

A trained classifier's softmax probabilities are often miscalibrated: among the points it
gives 90 % confidence, far fewer (or more) than 90 % are right. Temperature scaling divides
every logit by one number τ > 0 before the softmax, ``p = softmax(z / τ)``. It never changes
which class is most probable (so the accuracy stays), only how sure the network says it is.
τ is chosen to minimise the mean cross-entropy on held-out points; that same τ is usually
(near) the one with the smallest expected calibration error.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_finite_array, as_labels, check_positive
from .activations import _log_softmax, _softmax
from .categorical import _mean_nll
from .metrics import expected_calibration_error

# τ from 1/20 to 20, evenly spaced in log τ: 1 is a grid point (index 40).
DEFAULT_TEMPERATURES = np.geomspace(0.05, 20.0, 81)


class TemperatureFit(NamedTuple):
    """The τ minimising the mean held-out cross-entropy, and that cross-entropy on a grid.

    ``temperature`` and ``cross_entropy`` are the refined optimum; ``temperatures`` (T,)
    and ``cross_entropies`` (T,) the grid searched. ``at_bound`` is True when the cross-entropy
    is still falling at an end of the grid (τ* would lie outside it: ``temperature`` is
    then that end) or is the same for every τ (logits all equal: ``temperature`` is 1).
    """

    temperature: float
    cross_entropy: float
    temperatures: np.ndarray
    cross_entropies: np.ndarray
    at_bound: bool


class EceCurve(NamedTuple):
    """The expected calibration error after scaling by each τ of a grid, and its smallest.

    ``temperatures`` (T,), ``ece`` (T,); ``temperature`` is the grid τ with the smallest
    ECE (the first one on a tie) and ``minimum`` that ECE.
    """

    temperatures: np.ndarray
    ece: np.ndarray
    temperature: float
    minimum: float


def _check_logits_and_labels(logits, labels) -> tuple[np.ndarray, np.ndarray]:
    z = as_finite_array(logits, "logits")
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(
            f"logits must be a batch (N, C) with at least 2 classes; got shape {z.shape}."
        )
    y = as_labels(labels, "labels", z.shape[1])
    if y.shape != (z.shape[0],):
        raise ValueError(
            f"labels must hold one class per row of logits ({z.shape[0]}); got shape {y.shape}."
        )
    return z, y


def _check_temperatures(temperatures) -> np.ndarray:
    if temperatures is None:
        return DEFAULT_TEMPERATURES.copy()
    taus = as_finite_array(temperatures, "temperatures")
    if taus.ndim != 1:
        raise ValueError(f"temperatures must be a 1-D list of τ; got shape {taus.shape}.")
    bad = taus <= 0
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"temperatures[{i}] = {taus[i]:g}: every τ must be > 0.")
    return np.sort(taus)


def _check_scalable(z: np.ndarray, largest_beta: float) -> None:
    """``β z`` and its row differences must stay finite for every β searched."""
    with np.errstate(over="ignore"):
        reach = 2.0 * float(np.abs(z).max()) * largest_beta
    if not np.isfinite(reach):
        raise ValueError(
            f"logits up to {float(np.abs(z).max()):.3g} in size overflow when divided by "
            f"τ = {1.0 / largest_beta:g}: scale them down first."
        )


def _cross_entropy(z: np.ndarray, y: np.ndarray, beta: float) -> float:
    """Mean cross-entropy of ``softmax(β z)`` against the labels (β = 1/τ)."""
    return float(_mean_nll(_log_softmax(beta * z), y))  # (N, C) -> ()


def _slope_and_curvature(z: np.ndarray, y: np.ndarray, beta: float) -> tuple[float, float]:
    """``dCE/dβ = mean_i (E_p[z_i] - z_{i,y_i})`` and ``d²CE/dβ² = mean_i Var_p[z_i] ≥ 0``."""
    p = _softmax(beta * z)  # (N, C)
    mean_z = (p * z).sum(axis=1)  # (N,) E_p[z_i]
    var_z = (p * (z - mean_z[:, None]) ** 2).sum(axis=1)  # (N,) Var_p[z_i]
    return float((mean_z - z[np.arange(len(y)), y]).mean()), float(var_z.mean())


def _newton_on_slope(z, y, lo: float, hi: float, *, tol: float = 1e-15, max_iter: int = 100):
    """The β in [lo, hi] where the slope dCE/dβ crosses 0 (it increases with β).

    Safeguarded Newton (``rtsafe``): a Newton step β ← β - CE'/CE'' when it stays inside
    the bracket, else bisection; the bracket shrinks to the side where the slope changes sign.
    """
    beta = 0.5 * (lo + hi)
    for _ in range(max_iter):
        slope, curvature = _slope_and_curvature(z, y, beta)
        if slope == 0.0:
            return beta
        if slope > 0:
            hi = beta
        else:
            lo = beta
        step = slope / curvature if curvature > 0 else np.inf
        new = beta - step
        if not lo < new < hi:
            new = 0.5 * (lo + hi)
        if abs(new - beta) <= tol * max(1.0, beta) or hi - lo <= tol * max(1.0, beta):
            return new
        beta = new
    return beta


def temperature_scale(logits, labels, temperatures=None) -> TemperatureFit:
    """The temperature τ* minimising the mean cross-entropy of ``softmax(z / τ)``.

    Parameters
    ----------
    logits : (N, C) finite logits z of held-out points (not the ones the network trained on)
    labels : (N,) integer classes 0 .. C-1
    temperatures : 1-D grid of τ > 0 to search (sorted here); default 81 values from 0.05 to
        20, evenly spaced in log τ

    Returns
    -------
    :class:`TemperatureFit`: τ*, the mean cross-entropy there, the grid and the mean
    cross-entropy at every grid τ.

    Notes
    -----
    With ``β = 1/τ`` the mean cross-entropy is

    ``CE(β) = (1/N) Σ_i [log Σ_c e^{β z_ic} - β z_{i,y_i}]``,

    ``CE'(β) = (1/N) Σ_i (E_{p_i}[z_i] - z_{i,y_i})`` and
    ``CE''(β) = (1/N) Σ_i Var_{p_i}[z_i] ≥ 0`` with ``p_i = softmax(β z_i)``:
    log-sum-exp is convex, so CE is convex in β and has one minimum, and it is unimodal in
    τ too (β = 1/τ is monotone). The grid finds the best grid τ_k; the minimum lies between
    its neighbours τ_{k-1} and τ_{k+1}, where a safeguarded Newton iteration on
    ``CE'(β) = 0`` refines it to ~1e-15 relative. At the optimum ``CE'(β*) = 0`` says the
    logit of the true class equals, on average, the logit expected under the model: the
    network is as sure as it is right, in the cross-entropy's sense.
    """
    z, y = _check_logits_and_labels(logits, labels)
    taus = _check_temperatures(temperatures)
    _check_scalable(z, 1.0 / taus[0])
    ce = np.array([_cross_entropy(z, y, 1.0 / tau) for tau in taus])  # (T,)
    if _slope_and_curvature(z, y, 1.0)[1] == 0.0:  # every row's logits equal: CE = log C
        return TemperatureFit(1.0, _cross_entropy(z, y, 1.0), taus, ce, True)
    k = int(np.argmin(ce))
    beta_lo = 1.0 / taus[min(k + 1, len(taus) - 1)]  # the larger τ is the smaller β
    beta_hi = 1.0 / taus[max(k - 1, 0)]
    at_bound = False
    if k in (0, len(taus) - 1):
        # Is CE still falling past the end of the grid? Its slope in β says so.
        slope = _slope_and_curvature(z, y, 1.0 / taus[k])[0]
        at_bound = slope < 0 if k == 0 else slope > 0
    if at_bound or len(taus) == 1:
        return TemperatureFit(float(taus[k]), float(ce[k]), taus, ce, at_bound)
    beta = _newton_on_slope(z, y, beta_lo, beta_hi)
    tau = 1.0 / beta
    return TemperatureFit(float(tau), _cross_entropy(z, y, beta), taus, ce, False)


def calibrated_probabilities(logits, temperature: float) -> np.ndarray:
    """``p = softmax(z / τ)`` row by row: (N, C) logits -> (N, C) probabilities.

    Parameters
    ----------
    logits : (N, C) finite logits
    temperature : τ > 0; τ > 1 softens the probabilities towards uniform, τ < 1 sharpens
        them. The most probable class of each row is the same for every τ.
    """
    z = as_finite_array(logits, "logits")
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(
            f"logits must be a batch (N, C) with at least 2 classes; got shape {z.shape}."
        )
    tau = check_positive(temperature, "temperature")
    _check_scalable(z, 1.0 / tau)
    return _softmax(z / tau)


def ece_by_temperature(logits, labels, temperatures=None, n_bins: int = 10) -> EceCurve:
    """The expected calibration error of ``softmax(z / τ)`` for each τ of a grid.

    Parameters
    ----------
    logits : (N, C) finite logits of held-out points
    labels : (N,) integer classes 0 .. C-1
    temperatures : 1-D grid of τ > 0 (sorted here); default as :func:`temperature_scale`
    n_bins : equal-width confidence bins of [0, 1] (see ``expected_calibration_error``)

    Returns
    -------
    :class:`EceCurve`. ``ECE(τ) = Σ_b (n_b / N) |accuracy_b - confidence_b|`` is a step-wise,
    non-convex function of τ (points cross bin edges), so its smallest value is taken on the
    grid, not refined.
    """
    z, y = _check_logits_and_labels(logits, labels)
    taus = _check_temperatures(temperatures)
    _check_scalable(z, 1.0 / taus[0])
    ece = np.array(
        [expected_calibration_error(y, _softmax(z / tau), n_bins) for tau in taus]
    )  # (T,)
    k = int(np.argmin(ece))
    return EceCurve(taus, ece, float(taus[k]), float(ece[k]))
