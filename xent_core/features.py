"""Input features for the playground network: the two coordinates and a few functions of them.

A network that sees only ``x1`` and ``x2`` must build curved boundaries out of its hidden
units; given ``x1²`` and ``x2²`` a single linear layer can already separate a circle
(``x1² + x2² < r²`` is linear in those two features).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._checks import as_finite_array

# name -> the feature as a function of the two columns, each (N,) -> (N,)
_FEATURE_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
FEATURES: tuple[str, ...] = tuple(_FEATURE_FUNCTIONS)


def _check_names(names) -> tuple[str, ...]:
    names = (names,) if isinstance(names, str) else tuple(names)
    if not names:
        raise ValueError(f"names is empty: choose at least one feature of {', '.join(FEATURES)}.")
    for i, name in enumerate(names):
        if name not in _FEATURE_FUNCTIONS:
            raise ValueError(
                f"names[{i}] = {name!r} is not a feature: choose from {', '.join(FEATURES)}."
            )
    return names


def features(X, names: Sequence[str]) -> np.ndarray:
    """The chosen features of each point, column by column in the order of ``names``.

    Parameters
    ----------
    X : points (N, 2), columns ``x1`` and ``x2``; finite numbers
    names : feature names from :data:`FEATURES`: ``"x1"``, ``"x2"``, ``"x1^2"``, ``"x2^2"``,
        ``"x1*x2"``, ``"sin(x1)"``, ``"sin(x2)"`` (one name alone is accepted too)

    Returns
    -------
    ndarray (N, len(names)) of float64, a new array: ``F[n, j] = f_j(x1_n, x2_n)``.

    Notes
    -----
    The features are fixed functions, not learned: ``x1^2`` is ``x1²``, ``x1*x2`` the
    product, ``sin`` in radians. The network's first layer then computes
    ``Z_1 = F W_1 + b_1``, so it needs ``sizes[0] = len(names)``.
    """
    names = _check_names(names)
    X = as_finite_array(X, "X")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2), columns x1 and x2; got {X.shape}.")
    x1, x2 = X[:, 0], X[:, 1]  # (N,), (N,)
    out = np.empty((X.shape[0], len(names)))  # (N, F)
    for j, name in enumerate(names):
        out[:, j] = _FEATURE_FUNCTIONS[name](x1, x2)
    return out
