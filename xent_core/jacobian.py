"""The softmax Jacobian's properties and the chain rule through it.

``J = (diag(p) - p pᵀ) / τ`` (:func:`xent_core.softmax_jacobian`) is symmetric, its rows
and columns sum to 0, it is positive semi-definite and its rank is C - 1. This module
measures each of those facts on a computed ``J`` — in floating point they hold to rounding,
so each comes with the tolerance it is judged by — and pushes a gradient through ``J``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_finite_array, check_positive
from .activations import softmax, softmax_jacobian
from .categorical import categorical_cross_entropy_grad, softmax_cross_entropy_grad

EPS = np.finfo(np.float64).eps  # 2.22e-16, the spacing of float64 numbers near 1


class JacobianProperties(NamedTuple):
    """What :func:`jacobian_properties` measured on a (C, C) matrix, and the tolerance."""

    max_asymmetry: float  # max_ij |J_ij - J_ji|
    max_row_sum: float  # max_i |Σ_j J_ij|
    eigenvalues: np.ndarray  # (C,), of the symmetric part (J + Jᵀ)/2, ascending
    rank: int  # singular values > tol
    tol: float  # what counts as 0

    @property
    def size(self) -> int:
        """C, the number of classes."""
        return len(self.eigenvalues)

    @property
    def expected_rank(self) -> int:
        """C - 1, the rank of a softmax Jacobian in exact arithmetic."""
        return self.size - 1

    @property
    def is_symmetric(self) -> bool:
        """``|J_ij - J_ji| ≤ tol`` for every i, j."""
        return self.max_asymmetry <= self.tol

    @property
    def rows_sum_to_zero(self) -> bool:
        """``|Σ_j J_ij| ≤ tol`` for every row i."""
        return self.max_row_sum <= self.tol

    @property
    def is_positive_semidefinite(self) -> bool:
        """Every eigenvalue ``≥ -tol``."""
        return bool(self.eigenvalues.min() >= -self.tol)

    @property
    def has_rank_c_minus_1(self) -> bool:
        """``rank = C - 1``: exactly one direction (the all-ones vector) is lost."""
        return self.rank == self.expected_rank


def _as_square(J) -> np.ndarray:
    J = as_finite_array(J, "J")
    if J.ndim != 2 or J.shape[0] != J.shape[1] or J.shape[0] < 1:
        raise ValueError(f"J must be a square matrix (C, C); got shape {J.shape}.")
    return J


def jacobian_properties(
    J, temperature: float = 1.0, tol: float | None = None
) -> JacobianProperties:
    """Measure symmetry, row sums, eigenvalues and rank of a softmax Jacobian ``J``.

    Parameters
    ----------
    J : array_like (C, C), finite; typically ``softmax_jacobian(z, temperature)``
    temperature : τ > 0 that ``J`` was divided by; it sets the rounding scale (see Notes)
    tol : what counts as 0; None means ``4 C ε / τ`` with ε = 2.22e-16 (float64)

    Returns
    -------
    JacobianProperties with

    - ``max_asymmetry = max_ij |J_ij - J_ji|`` (0 for a symmetric matrix),
    - ``max_row_sum = max_i |Σ_j J_ij|`` (0 when every row sums to 0),
    - ``eigenvalues``: the C eigenvalues of the symmetric part ``(J + Jᵀ)/2``, ascending
      (they are J's own when J is symmetric; ``xᵀ J x = xᵀ (J + Jᵀ)/2 x``, so J is positive
      semi-definite exactly when they are all ≥ 0),
    - ``rank``: the number of singular values of J above ``tol``,
    - ``tol``, and the checks ``is_symmetric``, ``rows_sum_to_zero``,
      ``is_positive_semidefinite`` (smallest eigenvalue ≥ -tol) and ``has_rank_c_minus_1``.

    Notes
    -----
    In exact arithmetic ``J = (diag(p) - p pᵀ)/τ`` has
    ``J_ij = J_ji`` (``p_i p_j = p_j p_i``);
    ``Σ_j J_ij = p_i (1 - Σ_j p_j) / τ = 0``;
    ``xᵀ J x = (Σ_i p_i x_i² - (Σ_i p_i x_i)²) / τ = Var_p(x) / τ ≥ 0``, a variance;
    and ``J x = 0`` only for constant x (the variance of x under p is 0 only when x is
    constant on classes with p_i > 0), so the rank is C - 1.
    In float64 each entry is a difference of products of probabilities ≤ 1, divided by τ,
    so it carries a rounding error of about ``ε / τ`` — even when the entry itself is tiny
    (``p_i - p_i²`` for ``p_i ≈ 1``). Sums of C such entries, and eigenvalues (computed
    stably, with errors about C ε times the size of the entries' errors), are therefore zero
    to about ``C ε / τ``; the default ``tol`` allows four times that. A probability below
    ``tol · τ`` (a saturated softmax, e.g. at a low temperature) gives a singular value
    below ``tol``: the numerical rank is then less than C - 1 — that direction is lost in
    the rounding.
    """
    J = _as_square(J)
    tau = check_positive(temperature, "temperature")
    c = J.shape[0]
    if tol is None:
        tol = 4.0 * c * EPS / tau
    elif not (np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be None or a finite number ≥ 0; got {tol!r}.")
    singular = np.linalg.svd(J, compute_uv=False)  # (C,), descending
    return JacobianProperties(
        max_asymmetry=float(np.abs(J - J.T).max()),
        max_row_sum=float(np.abs(J.sum(axis=1)).max()),  # (C, C) -> (C,)
        eigenvalues=np.linalg.eigvalsh((J + J.T) / 2.0),  # (C,), ascending
        rank=int((singular > tol).sum()),
        tol=float(tol),
    )


def chain_rule(J, g) -> np.ndarray:
    """``Jᵀ g``: a gradient ``g = ∂L/∂p`` pushed back through ``J = ∂p/∂z`` to ``∂L/∂z``.

    Parameters
    ----------
    J : array_like (C, C), ``J_ij = ∂p_i/∂z_j`` (or a batch (N, C, C))
    g : array_like (C,) or (N, C), ``g_i = ∂L/∂p_i``; one row may go with a single J

    Returns
    -------
    ndarray shaped like ``g``: ``(Jᵀ g)_j = Σ_i J_ij g_i = ∂L/∂z_j``.

    Notes
    -----
    The chain rule: L depends on z only through p, so ``∂L/∂z_j = Σ_i ∂L/∂p_i ∂p_i/∂z_j``.
    For softmax and cross-entropy, ``g = -t/p`` and
    ``(Jᵀ g)_j = Σ_i (-t_i/p_i) p_i (δ_ij - p_j) / τ = (-t_j + p_j Σ_i t_i) / τ
    = (p_j - t_j) / τ`` when ``Σ_i t_i = 1``.
    """
    J = as_finite_array(J, "J")
    g = as_finite_array(g, "g")
    if J.ndim not in (2, 3) or J.shape[-1] != J.shape[-2]:
        raise ValueError(f"J must be (C, C) or a batch (N, C, C); got shape {J.shape}.")
    if g.ndim not in (1, 2) or g.shape[-1] != J.shape[-1]:
        raise ValueError(
            f"g must hold one value per class, (C,) or (N, C) with C = {J.shape[-1]}; "
            f"got shape {g.shape}."
        )
    return np.einsum("...ij,...i->...j", J, g)  # (…, C, C), (…, C) -> (…, C)


class ChainRule(NamedTuple):
    """The three vectors of the chain rule for one sample, and how far apart two of them are."""

    dl_dp: np.ndarray  # (C,), -t/p
    via_jacobian: np.ndarray  # (C,), Jᵀ(-t/p)
    direct: np.ndarray  # (C,), (p - t)/τ
    max_difference: float  # max_j |Jᵀ(-t/p) - (p - t)/τ|_j


def softmax_chain_rule(z, target: int, temperature: float = 1.0) -> ChainRule:
    """``∂L/∂z`` of ``L = -log p_k``, ``p = softmax(z/τ)``, two ways: ``Jᵀ(-t/p)``, ``(p - t)/τ``.

    Parameters
    ----------
    z : array_like (C,), finite logits
    target : k, the class of the one-hot target t, 0 ≤ k < C
    temperature : τ > 0

    Returns
    -------
    ChainRule with ``dl_dp = -t/p`` (:func:`categorical_cross_entropy_grad`, reduction
    ``"sum"``: one sample, no division), ``via_jacobian = Jᵀ(-t/p)`` (:func:`chain_rule`
    with :func:`softmax_jacobian`), ``direct = (p - t)/τ`` (:func:`softmax_cross_entropy_grad`
    of the scaled logits z/τ, reduction ``"sum"``, divided by τ) and their ``max_difference``,
    which is rounding only (about 1e-16 / τ).

    Notes
    -----
    ``∂L/∂z = (∂(z/τ)/∂z) ∂L/∂(z/τ) = (p - t)/τ``: the temperature divides the gradient,
    as it divides the Jacobian.
    """
    z = as_finite_array(z, "z")
    if z.ndim != 1:
        raise ValueError(f"z must be one sample's logits (C,); got shape {z.shape}.")
    tau = check_positive(temperature, "temperature")
    scaled = z / tau  # (C,)
    p = softmax(z, temperature=tau)  # (C,), softmax(z/τ)
    J = softmax_jacobian(z, temperature=tau)  # (C, C)
    dl_dp = categorical_cross_entropy_grad(target, p, reduction="sum")[0]  # (1, C) -> (C,)
    via = chain_rule(J, dl_dp)  # (C, C)ᵀ @ (C,) -> (C,)
    direct = softmax_cross_entropy_grad(target, scaled, reduction="sum")[0] / tau  # (C,)
    return ChainRule(
        dl_dp=dl_dp,
        via_jacobian=via,
        direct=direct,
        max_difference=float(np.abs(via - direct).max()),
    )
