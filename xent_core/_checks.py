"""Input checks shared by every public function.

Each check returns a float64 (or int) *new or read-only-used* array and raises a
``ValueError`` that names the argument, the first offending index and its value,
so a page can show the message to a student as it is.
"""

from __future__ import annotations

import math

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def _where(mask: np.ndarray) -> tuple[int, ...]:
    """Index of the first True element of ``mask`` as a tuple."""
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _fmt_index(name: str, index: tuple[int, ...]) -> str:
    return f"{name}[{', '.join(map(str, index))}]" if index else name


def _float64(x, name: str, allow_empty: bool) -> np.ndarray:
    """``x`` as a float64 array, no value checked; raises if it is not numeric or is empty."""
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must hold numbers only; got {x!r:.80}") from err
    if a.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty: give at least one value.")
    return a


def _reject_nan(a: np.ndarray, name: str) -> None:
    nan = np.isnan(a)
    if nan.any():
        idx = _where(nan)
        raise ValueError(f"{_fmt_index(name, idx)} is nan: every value must be a number.")


def as_float_array(x, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """``x`` as a float64 array; raises if it is not numeric, is empty or holds nan."""
    a = _float64(x, name, allow_empty)
    if not _all_finite(a):  # the usual case in one reduction; the check below finds what is not
        _reject_nan(a, name)
    return a


def _all_finite(a: np.ndarray) -> bool:
    """True when every value of the float64 array ``a`` is finite: then so is their sum.

    (A nan or an inf makes the sum nan or ±inf; a finite sum can only come from finite
    values. A sum that overflows answers False, and the caller then checks value by value.)
    One reduction without temporaries: ~1 µs on a training batch, against ~6 µs for
    ``isnan(a).any()`` and ``isinf(a).any()``, on every MLP step.
    """
    return math.isfinite(_add_reduce(a, axis=None))  # math's test: ~1 µs less than np.isfinite


_add_reduce = np.add.reduce
_min, _max = np.minimum.reduce, np.maximum.reduce


def as_finite_array(x, name: str) -> np.ndarray:
    """``x`` as float64, rejecting nan and ±inf (logits, features, weights)."""
    a = _float64(x, name, False)
    if _all_finite(a):  # one reduction for both checks in the usual case
        return a
    _reject_nan(a, name)
    inf = np.isinf(a)
    if inf.any():
        idx = _where(inf)
        raise ValueError(
            f"{_fmt_index(name, idx)} is {a[idx]}: every value must be a finite number."
        )
    return a


def as_probabilities(x, name: str) -> np.ndarray:
    """``x`` as float64 with every value in [0, 1]."""
    a = as_float_array(x, name)
    outside = (a < 0.0) | (a > 1.0)
    if outside.any():
        idx = _where(outside)
        raise ValueError(
            f"{_fmt_index(name, idx)} = {a[idx]:g} is not a probability: it must lie in [0, 1]."
        )
    return a


def as_labels(t, name: str, n_classes: int) -> np.ndarray:
    """Integer class labels in ``0 .. n_classes-1`` (float values that are whole are accepted)."""
    a = np.asarray(t)
    if a.dtype == np.intp and a.size and _max(a.view(np.uintp), axis=None) < n_classes:
        # Read as unsigned, a negative label is ≥ 2⁶³: one reduction checks 0 ≤ a < n_classes.
        return a  # integer labels in range: nothing else to check
    if (
        a.dtype.kind in "iu"
        and a.size
        and 0 <= _min(a, axis=None)
        and _max(a, axis=None) < n_classes
    ):
        return a.astype(np.intp, copy=False)  # integer labels in range: nothing to check
    a = as_finite_array(a, name)
    fractional = a != np.round(a)
    if fractional.any():
        idx = _where(fractional)
        raise ValueError(
            f"{_fmt_index(name, idx)} = {a[idx]:g} is not a class label: labels are whole "
            f"numbers 0 to {n_classes - 1}."
        )
    out_of_range = (a < 0) | (a >= n_classes)
    if out_of_range.any():
        idx = _where(out_of_range)
        raise ValueError(
            f"{_fmt_index(name, idx)} = {a[idx]:g} is out of range: there are {n_classes} "
            f"classes, so labels run from 0 to {n_classes - 1}."
        )
    return a.astype(np.intp)


def check_same_shape(t: np.ndarray, p: np.ndarray, t_name: str = "t", p_name: str = "p") -> None:
    if t.shape != p.shape:
        raise ValueError(
            f"{t_name} has shape {t.shape} but {p_name} has shape {p.shape}: "
            "they must match, one target per prediction."
        )


def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"reduction must be one of {', '.join(map(repr, REDUCTIONS))}; got {reduction!r}."
        )


def check_eps(eps: float | None) -> None:
    if eps is not None and not (0.0 < eps < 0.5):
        raise ValueError(f"eps must be None or a number in (0, 0.5); got {eps!r}.")


def check_positive(value: float, name: str) -> float:
    v = float(value)
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive, finite number; got {value!r}.")
    return v


def reduce(values: np.ndarray, reduction: str, count: float | None = None):
    """Apply a reduction: ``"none"`` → the array, ``"sum"`` → Σ, ``"mean"`` → Σ / count.

    ``count`` defaults to ``values.size``.
    """
    if reduction == "none":
        return values
    with np.errstate(over="ignore"):  # a sum past 1.8e308 is +inf, its correctly rounded value
        total = values.sum()
    if reduction == "sum":
        return float(total)
    n = values.size if count is None else count
    if np.isinf(total) and np.isfinite(values).all():
        return float((values / n).sum())  # the sum overflowed but the mean may not
    return float(total / n)


def scale_for(reduction: str, count: float) -> float:
    """The factor a per-element gradient is multiplied by under ``reduction``."""
    return 1.0 / count if reduction == "mean" else 1.0
