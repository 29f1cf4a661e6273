"""Gradient checking: each loss's analytic gradient against central differences, element by element.

Five checkable losses, each a function of one array ``x`` with everything else held fixed:

====================  ==========================================  ============  =========
name                  loss                                        variable x    reduction
====================  ==========================================  ============  =========
``"bce"``             binary cross-entropy on probabilities       p (N,)        sum
``"bce_logits"``      binary cross-entropy from logits            z (N,)        sum
``"categorical"``     categorical cross-entropy on probabilities  p (N, C)      sum
``"softmax_ce"``      softmax cross-entropy on logits             z (N, C)      sum
``"mlp"``             the MLP's loss w.r.t. its first weights     W₁ (2, 4)     mean
====================  ==========================================  ============  =========

A :class:`GradientCase` holds one such point; :func:`check_gradient` compares the
analytic gradient with central differences and :func:`step_sweep` repeats that over steps h.
:func:`naive_numerical_gradient` is the cautionary version of
:func:`xent_core.numerical_gradient`: it keeps an integer input's dtype, and every
difference it takes is 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ._checks import as_finite_array, check_positive
from .activations import softmax
from .binary import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
)
from .categorical import (
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from .mlp import MLP

LossName = Literal["bce", "bce_logits", "categorical", "softmax_ce", "mlp"]
CHECKABLE: tuple[LossName, ...] = ("bce", "bce_logits", "categorical", "softmax_ce", "mlp")
STEPS = tuple(10.0**-k for k in range(1, 11))  # h = 1e-1, 1e-2, …, 1e-10
EXPECTED_RELATIVE_ERROR = 1e-8  # a correct gradient with h ≈ 1e-5 agrees to about this
TINY = float(np.finfo(np.float64).tiny)  # the denominator floor of relative_error
N_CLASSES = 3  # classes of the random categorical, softmax and MLP cases
MLP_SIZES = (2, 4, 3)  # the MLP case: 2 inputs, 4 tanh hidden units, 3 classes
MLP_ACTIVATION = "tanh"
MLP_POINTS = 5  # points the MLP's loss is averaged over
RANDOM_ROWS = {"bce": 6, "bce_logits": 6, "categorical": 4, "softmax_ce": 4}
MAX_WHOLE = 2.0**53  # beyond this float64 no longer holds every whole number


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
    pitfall is an integer ``x``: a step vector made with ``np.zeros_like(x)`` is an integer
    array, so h is stored as 0 and every difference is 0 (see
    :func:`naive_numerical_gradient`); writing ``x[k] ± h`` back into the integer array
    instead truncates toward 0 (x - h becomes x - 1 for a positive x) and the differences
    are huge. Hence the cast. ``x`` itself is not modified: ``f`` is evaluated on a float64
    copy.
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


@dataclass(frozen=True)
class CheckableLoss:
    """What one checkable loss differentiates, with respect to what, and how it reduces."""

    name: LossName
    title: str
    variable: str  # the name of x on screen: "p", "z" or "W₁"
    reduction: Literal["sum", "mean"]
    takes_whole_numbers: bool  # False for probabilities: a whole-number p is 0 or 1


LOSSES: dict[str, CheckableLoss] = {
    "bce": CheckableLoss("bce", "Binary cross-entropy on p", "p", "sum", False),
    "bce_logits": CheckableLoss(
        "bce_logits", "Binary cross-entropy from logits z", "z", "sum", True
    ),
    "categorical": CheckableLoss(
        "categorical", "Categorical cross-entropy on p", "p", "sum", False
    ),
    "softmax_ce": CheckableLoss(
        "softmax_ce", "Softmax cross-entropy on logits z", "z", "sum", True
    ),
    "mlp": CheckableLoss("mlp", "The MLP's loss w.r.t. its first weights W₁", "W₁", "mean", True),
}


@dataclass(frozen=True)
class GradientCase:
    """One point to check: the loss, the array ``x`` it is differentiated by, and the rest.

    Parameters
    ----------
    loss : one of :data:`CHECKABLE`
    x : the variable, as fed — its dtype matters (an integer ``x`` shows the pitfall):
        p (N,) or z (N,) for the binary losses, p (N, C) or z (N, C) for the categorical
        ones, W₁ (2, 4) for the MLP
    t : the fixed targets: 0/1 or soft targets (N,) for the binary losses, class labels
        (N,) for the categorical ones and the MLP
    points : the MLP's points X (N, 2); None for the other losses
    network_seed : the MLP's other parameters (W₂, b₁, b₂) are those of
        ``MLP(MLP_SIZES, "tanh", seed=network_seed)``
    """

    loss: LossName
    x: np.ndarray
    t: np.ndarray
    points: np.ndarray | None = None
    network_seed: int = 0


@dataclass(frozen=True)
class GradientCheck:
    """Analytic and numeric gradients at one point, and their relative error per element.

    Attributes
    ----------
    case : the point checked
    h : the step of the central differences
    naive : True when the numeric gradient came from :func:`naive_numerical_gradient`
    loss : L(x), float
    analytic, numeric, relative_error : float64 arrays shaped like ``case.x``;
        ``relative_error`` is nan where the central difference is undefined (``x ± h``
        leaves the loss's domain) or either gradient is infinite
    """

    case: GradientCase
    h: float
    naive: bool
    loss: float
    analytic: np.ndarray
    numeric: np.ndarray
    relative_error: np.ndarray = field(repr=False)

    @property
    def undefined(self) -> np.ndarray:
        """Boolean mask of the elements whose relative error is nan."""
        return np.isnan(self.relative_error)

    @property
    def worst(self) -> float:
        """The largest relative error among the defined elements (nan if none is defined)."""
        defined = self.relative_error[~self.undefined]
        return float(defined.max()) if defined.size else float("nan")


@dataclass(frozen=True)
class StepSweep:
    """The worst relative error of a correct central difference at each step h.

    Attributes
    ----------
    steps : the steps h, (S,)
    worst : the largest defined relative error at each step, (S,); nan where no element
        is defined
    undefined : how many elements are undefined at each step (``x ± h`` outside the domain)
    """

    steps: np.ndarray
    worst: np.ndarray
    undefined: np.ndarray


# ---------------------------------------------------------------- the two comparisons


def relative_error(analytic, numeric, tiny: float = TINY) -> np.ndarray:
    """``|a - n| / max(|a|, |n|, tiny)``, elementwise: 0 for equal values, at most 2.

    Parameters
    ----------
    analytic, numeric : array_like of the same shape
    tiny : the floor of the denominator, so that a = n = 0 gives 0 rather than 0/0

    Returns
    -------
    ndarray of float64, shaped like the inputs; nan where either value is nan or ±inf
    (there is nothing to compare).

    Notes
    -----
    Scale-free (for values above ``tiny``), unlike ``|a - n|``: a gradient of 1e6 that is
    off by 1e-2 and one of 1e-6 off by 1e-14 both have a relative error of 1e-8. It is 1 when
    exactly one of the two is 0 (the naive check's all-zeros result) and 2 when they are
    equal and opposite. Each value is divided by the denominator before subtracting, so
    nothing overflows.
    """
    a = _as_float(analytic, "analytic")
    n = _as_float(numeric, "numeric")
    if a.shape != n.shape:
        raise ValueError(
            f"analytic has shape {a.shape} but numeric has shape {n.shape}: compare "
            "gradients of the same array."
        )
    finite = np.isfinite(a) & np.isfinite(n)
    a, n = np.where(finite, a, 0.0), np.where(finite, n, 0.0)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)
    return np.where(finite, np.abs(a / scale - n / scale), np.nan)


def _as_float(x, name: str) -> np.ndarray:
    """``x`` as a float64 array; a ValueError naming ``name`` if it is not numeric."""
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must hold numbers only; got {x!r:.80}") from err


def naive_numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = 1e-5) -> np.ndarray:
    """Central differences WITHOUT casting ``x`` to float: the classic pitfall, on purpose.

    ``∂f/∂x_k ≈ (f(x + h e_k) - f(x - h e_k)) / 2h``, with the step vector ``h e_k``
    built by ``np.zeros_like(x)``, as a first gradient checker often is. This is the
    cautionary version of :func:`xent_core.numerical_gradient`; use that one.

    Parameters
    ----------
    f : a function of an array shaped like ``x`` returning a scalar
    x : array_like, the point; its dtype is kept (that is the mistake)
    h : the step

    Returns
    -------
    ndarray of float64, shaped like ``x``. For a float ``x`` it equals
    ``numerical_gradient(f, x, h)``; for an integer ``x`` every element is exactly 0.

    Notes
    -----
    ``np.zeros_like(x)`` of an integer ``x`` is an integer array, so ``step[k] = h`` stores
    ``int(h) = 0``: ``x + step`` and ``x - step`` are both ``x``, the two evaluations are
    equal and every difference is 0, whatever ``f`` is. Against a correct analytic gradient
    ``a ≠ 0`` the relative error is then exactly ``|a - 0| / |a| = 1``.

    A close cousin fails differently: writing ``x[k] + h`` into the integer array itself
    truncates toward zero, so for a positive ``x[k]`` the "+h" point stays ``x[k]`` and the
    "−h" point becomes ``x[k] - 1``, and the quotient ``(f(x) - f(x - e_k)) / 2h`` is
    enormous rather than 0. The cure for both is the same: ``np.asarray(x, float)`` first.
    ``x`` itself is never modified.
    """
    point = np.array(x)  # a copy that keeps x's dtype: the pitfall
    h = float(h)
    grad = np.zeros(point.shape, dtype=np.float64)
    for k in np.ndindex(point.shape):
        step = np.zeros_like(point)  # x's dtype: for integers, h is stored as 0
        step[k] = h
        grad[k] = (float(f(point + step)) - float(f(point - step))) / (2.0 * h)
    return grad


def as_whole_numbers(x) -> np.ndarray:
    """``x`` rounded to the nearest whole numbers, as an int64 array (the pitfall's input).

    Raises ValueError for a value that is not finite or beyond ±2⁵³.
    """
    a = as_finite_array(x, "x")
    too_big = np.abs(a) > MAX_WHOLE
    if too_big.any():
        k = tuple(int(i) for i in np.argwhere(too_big)[0])
        raise ValueError(f"x{list(k)} = {a[k]:g} is too large to hold as a whole number.")
    return np.rint(a).astype(np.int64)


# ---------------------------------------------------------------- the five losses


def _network(case: GradientCase) -> MLP:
    """The MLP of ``case`` (a fresh object: the caller may set its first weights)."""
    return MLP(list(MLP_SIZES), MLP_ACTIVATION, seed=case.network_seed)


def _check_case(case: GradientCase) -> None:
    if case.loss not in LOSSES:
        raise ValueError(
            f"loss must be one of {', '.join(map(repr, CHECKABLE))}; got {case.loss!r}."
        )
    shape = np.shape(case.x)
    if case.loss == "mlp":
        wanted = (MLP_SIZES[0], MLP_SIZES[1])
        if shape != wanted:
            raise ValueError(f"W₁ must have shape {wanted}, inputs × hidden units; got {shape}.")
        if case.points is None:
            raise ValueError("the MLP case needs its points X (N, 2).")
    elif case.loss in ("categorical", "softmax_ce") and len(shape) != 2:
        raise ValueError(f"x must be a batch (N, C) for {case.loss!r}; got shape {shape}.")
    elif case.loss in ("bce", "bce_logits") and len(shape) != 1:
        raise ValueError(f"x must be one value per row (N,) for {case.loss!r}; got shape {shape}.")


def loss_function(case: GradientCase) -> Callable[[np.ndarray], float]:
    """``x ↦ L(x)`` with the targets (and for the MLP the points and other weights) fixed."""
    _check_case(case)
    t = case.t
    if case.loss == "bce":
        return lambda x: binary_cross_entropy(t, x, reduction="sum")
    if case.loss == "bce_logits":
        return lambda x: binary_cross_entropy_with_logits(t, x, reduction="sum")
    if case.loss == "categorical":
        return lambda x: categorical_cross_entropy(t, x, reduction="sum")
    if case.loss == "softmax_ce":
        return lambda x: softmax_cross_entropy(t, x, reduction="sum")
    net = _network(case)

    def mlp_loss(w1: np.ndarray) -> float:
        net.weights[0] = w1  # (2, 4); net is this closure's own object
        return net.loss_and_gradients(case.points, t)[0]

    return mlp_loss


def analytic_gradient(case: GradientCase) -> np.ndarray:
    """``∂L/∂x`` from the loss's closed form (backpropagation for the MLP), float64.

    Notes
    -----
    ``"bce"``: ``-t/p + (1 - t)/(1 - p)``; ``"bce_logits"``: ``σ(z) - t``;
    ``"categorical"``: ``-t_ij / p_ij``; ``"softmax_ce"``: ``p - t``; ``"mlp"``:
    ``Xᵀ δ₁`` with ``δ₁ = (δ₂ W₂ᵀ) ⊙ (1 - a₁²)`` and ``δ₂ = (P - T) / N``.
    """
    _check_case(case)
    t, x = case.t, case.x
    if case.loss == "bce":
        return binary_cross_entropy_grad(t, x, reduction="sum")
    if case.loss == "bce_logits":
        return binary_cross_entropy_with_logits_grad(t, x, reduction="sum")
    if case.loss == "categorical":
        return categorical_cross_entropy_grad(t, x, reduction="sum")
    if case.loss == "softmax_ce":
        return softmax_cross_entropy_grad(t, x, reduction="sum")
    net = _network(case)
    net.weights[0] = as_finite_array(x, "W₁")
    return net.loss_and_gradients(case.points, t)[1][0][0]  # dW₁, (2, 4)


def _undefined_outside_domain(f: Callable[[np.ndarray], float]) -> Callable[[np.ndarray], float]:
    """``f``, but nan where it refuses its input (``p ± h`` outside [0, 1])."""

    def guarded(x: np.ndarray) -> float:
        try:
            return f(x)
        except ValueError:
            return float("nan")

    return guarded


def check_gradient(case: GradientCase, h: float = 1e-5, *, naive: bool = False) -> GradientCheck:
    """The analytic gradient, a central-difference gradient and their relative error.

    Parameters
    ----------
    case : the loss and the point x (see :class:`GradientCase`)
    h : the step, > 0; about 1e-5 balances truncation against rounding in float64
    naive : False for :func:`xent_core.numerical_gradient` (casts x to float64, the fix),
        True for :func:`naive_numerical_gradient` (keeps an integer x's dtype: all zeros)

    Returns
    -------
    GradientCheck with ``analytic``, ``numeric`` and
    ``relative_error = |a - n| / max(|a|, |n|, tiny)``, each shaped like ``x``.

    Notes
    -----
    The central difference's error is ``h² f'''/6`` (truncation) plus about
    ``ε_mach |f| / h`` (rounding, ε_mach ≈ 2.2e-16), smallest near ``h ≈ ε_mach^{1/3}``.
    A step that takes a probability outside [0, 1] makes the difference undefined: that
    element's numeric gradient and relative error are nan. The loss at the point itself
    must be defined: a ValueError from it (a bad target, a p outside [0, 1]) is raised.
    """
    h = check_positive(h, "h")
    f = loss_function(case)
    loss = float(f(case.x))
    analytic = np.asarray(analytic_gradient(case), dtype=np.float64)
    differences = naive_numerical_gradient if naive else numerical_gradient
    numeric = differences(_undefined_outside_domain(f), case.x, h)
    return GradientCheck(
        case=case,
        h=h,
        naive=naive,
        loss=loss,
        analytic=analytic,
        numeric=numeric,
        relative_error=relative_error(analytic, numeric),
    )


def step_sweep(case: GradientCase, steps=STEPS) -> StepSweep:
    """The worst relative error of the (correct, casting) central difference at each step.

    Parameters
    ----------
    case : the point
    steps : the steps h to try, each > 0 (default 1e-1 … 1e-10)

    Returns
    -------
    StepSweep. Plotted on log axes it is a V: to the right (big h) the truncation error
    ``∝ h²`` dominates, to the left (small h) rounding ``∝ ε_mach / h`` does.
    """
    steps = np.array([check_positive(h, "h") for h in steps])
    checks = [check_gradient(case, h) for h in steps]
    return StepSweep(
        steps=steps,
        worst=np.array([c.worst for c in checks]),
        undefined=np.array([int(c.undefined.sum()) for c in checks]),
    )


# ---------------------------------------------------------------- random points


def random_case(loss: LossName, seed: int = 0, *, whole_numbers: bool = False) -> GradientCase:
    """A seeded random point for ``loss``: same arguments, same case.

    Parameters
    ----------
    loss : one of :data:`CHECKABLE`
    seed : the random seed (also seeds the MLP's other weights)
    whole_numbers : for the logit and weight losses, draw x as whole numbers in an int64
        array (logits −3 … 3, weights −2 … 2), to show the integer pitfall

    Returns
    -------
    GradientCase. Probabilities lie in [0.1, 0.9] (binary, two decimals) or are rows of
    a softmax (categorical); logits have two decimals; binary targets are 0 or 1.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(map(repr, CHECKABLE))}; got {loss!r}.")
    if whole_numbers and not LOSSES[loss].takes_whole_numbers:
        raise ValueError(
            f"{LOSSES[loss].title} takes probabilities: a whole-number p is 0 or 1, where the "
            "loss is 0 or infinite. Pick a loss of logits or weights for whole numbers."
        )
    rng = np.random.default_rng(seed)
    if loss == "mlp":
        points = np.round(rng.normal(size=(MLP_POINTS, MLP_SIZES[0])), 2)  # (N, 2)
        labels = rng.integers(0, MLP_SIZES[-1], MLP_POINTS)  # (N,)
        shape = (MLP_SIZES[0], MLP_SIZES[1])
        w1 = (
            rng.integers(-2, 3, shape)
            if whole_numbers
            else MLP(list(MLP_SIZES), MLP_ACTIVATION, seed=seed).weights[0]
        )
        return GradientCase("mlp", w1, labels, points=points, network_seed=seed)
    n = RANDOM_ROWS[loss]
    if loss in ("bce", "bce_logits"):
        t = rng.integers(0, 2, n).astype(np.float64)  # (N,)
        if loss == "bce":
            x = np.round(rng.uniform(0.1, 0.9, n), 2)
        else:
            x = rng.integers(-3, 4, n) if whole_numbers else np.round(rng.uniform(-4, 4, n), 2)
        return GradientCase(loss, x, t)
    labels = rng.integers(0, N_CLASSES, n)  # (N,)
    logits = np.round(rng.normal(0.0, 1.0, (n, N_CLASSES)), 2)  # (N, C)
    if loss == "categorical":
        return GradientCase(loss, softmax(logits), labels)
    x = rng.integers(-3, 4, (n, N_CLASSES)) if whole_numbers else logits
    return GradientCase(loss, x, labels)


def with_x(case: GradientCase, x) -> GradientCase:
    """The same case at another point ``x`` (the targets, points and network kept)."""
    return GradientCase(case.loss, x, case.t, case.points, case.network_seed)
