"""xent_core.jacobian: the softmax Jacobian's measured properties and the chain rule."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import xent_core as xc
from xent_core.jacobian import (
    ChainRule,
    JacobianProperties,
    chain_rule,
    jacobian_properties,
    softmax_chain_rule,
)

SETTINGS = settings(max_examples=60, deadline=None)
SOFTMAX_234 = np.array([0.09003057317038046, 0.24472847105479764, 0.6652409557748218])


def logits(lo=-10.0, hi=10.0):
    return st.integers(3, 10).flatmap(
        lambda c: arrays(np.float64, c, elements=st.floats(lo, hi, allow_nan=False))
    )


# ---- jacobian_properties -------------------------------------------------------------------


def test_properties_of_the_seed_jacobian():
    """z = [2, 3, 4]: symmetric, zero row sums, eigenvalues ≥ 0, rank 2."""
    props = jacobian_properties(xc.softmax_jacobian([2.0, 3.0, 4.0]))
    assert isinstance(props, JacobianProperties)
    assert props.max_asymmetry == 0.0
    assert props.max_row_sum < 1e-15
    assert props.eigenvalues.shape == (3,)
    assert np.all(np.diff(props.eigenvalues) >= 0)  # ascending
    assert abs(props.eigenvalues[0]) < 1e-15
    assert props.rank == 2
    assert props.tol == pytest.approx(4 * 3 * np.finfo(float).eps)
    assert props.size == 3
    assert props.expected_rank == 2
    assert props.is_symmetric
    assert props.rows_sum_to_zero
    assert props.is_positive_semidefinite
    assert props.has_rank_c_minus_1


def test_eigenvalues_match_an_independent_computation():
    """The non-zero eigenvalues agree with numpy's general eigensolver on the same matrix."""
    J = xc.softmax_jacobian([2.0, 3.0, 4.0])
    expected = np.sort(np.linalg.eigvals(J).real)
    np.testing.assert_allclose(jacobian_properties(J).eigenvalues, expected, atol=1e-15)
    # trace = Σ p_i (1 - p_i)
    p = SOFTMAX_234
    assert jacobian_properties(J).eigenvalues.sum() == pytest.approx((p * (1 - p)).sum(), abs=1e-15)


def test_equal_logits_have_eigenvalues_zero_and_one_over_c():
    """z = 0 in C classes: J = I/C - 1/C², eigenvalues 0 (once) and 1/C (C - 1 times)."""
    c = 5
    props = jacobian_properties(xc.softmax_jacobian(np.zeros(c)))
    np.testing.assert_allclose(props.eigenvalues, [0.0] + [1 / c] * (c - 1), atol=1e-15)
    assert props.rank == c - 1


@SETTINGS
@given(logits(), st.floats(0.1, 10.0))
def test_softmax_jacobians_pass_every_check(z, tau):
    """Any logits in [-10, 10] at any τ in [0.1, 10]: the three exact checks pass."""
    props = jacobian_properties(xc.softmax_jacobian(z, temperature=tau), temperature=tau)
    assert props.is_symmetric
    assert props.rows_sum_to_zero
    assert props.is_positive_semidefinite
    assert props.rank <= len(z) - 1


@SETTINGS
@given(logits(-3.0, 3.0), st.floats(0.5, 10.0))
def test_unsaturated_softmax_jacobians_have_rank_c_minus_1(z, tau):
    """With no probability near the rounding level the numerical rank is C - 1."""
    props = jacobian_properties(xc.softmax_jacobian(z, temperature=tau), temperature=tau)
    assert props.has_rank_c_minus_1


def test_default_tolerance_scales_with_temperature_and_size():
    """tol = 4 C ε / τ by default."""
    J = xc.softmax_jacobian(np.zeros(4), temperature=0.5)
    assert jacobian_properties(J, temperature=0.5).tol == pytest.approx(
        4 * 4 * np.finfo(float).eps / 0.5
    )
    assert jacobian_properties(J, tol=0.1).tol == 0.1


def test_a_saturated_softmax_loses_rank_in_rounding():
    """τ = 0.1 and logits 20 apart: p ≈ e^-200, so the numerical rank drops below C - 1."""
    props = jacobian_properties(
        xc.softmax_jacobian([10.0, -10.0, 0.0], temperature=0.1), temperature=0.1
    )
    assert props.rank < 2
    assert not props.has_rank_c_minus_1
    assert props.is_symmetric and props.rows_sum_to_zero and props.is_positive_semidefinite


def test_checks_fail_on_a_matrix_that_is_not_a_softmax_jacobian():
    """An asymmetric, indefinite, full-rank matrix fails every check and says by how much."""
    J = np.array([[1.0, 2.0], [0.0, -1.0]])
    props = jacobian_properties(J)
    assert props.max_asymmetry == 2.0
    assert props.max_row_sum == 3.0
    np.testing.assert_allclose(props.eigenvalues, [-np.sqrt(2), np.sqrt(2)])
    assert props.rank == 2
    assert not (props.is_symmetric or props.rows_sum_to_zero or props.is_positive_semidefinite)
    assert not props.has_rank_c_minus_1


@pytest.mark.parametrize(
    ("J", "match"),
    [
        (np.ones((2, 3)), r"J must be a square matrix \(C, C\); got shape \(2, 3\)"),
        (np.ones(3), r"got shape \(3,\)"),
        ([[1.0, np.nan], [0.0, 1.0]], r"J\[0, 1\] is nan"),
        ([[1.0, np.inf], [0.0, 1.0]], r"J\[0, 1\] is inf"),
    ],
)
def test_bad_matrices_are_refused_with_a_message(J, match):
    """Non-square, nan or infinite input: a ValueError naming the problem."""
    with pytest.raises(ValueError, match=match):
        jacobian_properties(J)


@pytest.mark.parametrize("tau", [0.0, -1.0, np.inf])
def test_bad_temperature_is_refused(tau):
    """τ must be positive and finite."""
    with pytest.raises(ValueError, match="temperature must be a positive, finite number"):
        jacobian_properties(np.eye(2), temperature=tau)


def test_bad_tolerance_is_refused():
    """tol must be a finite number ≥ 0."""
    with pytest.raises(ValueError, match="tol must be None or a finite number ≥ 0"):
        jacobian_properties(np.eye(2), tol=-1.0)


# ---- chain_rule ----------------------------------------------------------------------------


def test_chain_rule_is_j_transposed_times_g():
    """A non-symmetric J shows the transpose: (Jᵀ g)_j = Σ_i J_ij g_i."""
    J = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = np.array([1.0, 10.0])
    np.testing.assert_array_equal(chain_rule(J, g), [31.0, 42.0])
    np.testing.assert_array_equal(chain_rule(J, g[None, :]), [[31.0, 42.0]])


def test_chain_rule_on_a_batch():
    """(N, C, C) with (N, C): one product per sample."""
    J = np.stack([np.eye(3), 2 * np.eye(3)])
    g = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(chain_rule(J, g), [[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]])


@pytest.mark.parametrize(
    ("J", "g", "match"),
    [
        (np.eye(3), np.ones(2), r"g must hold one value per class.*C = 3.*got shape \(2,\)"),
        (np.ones((2, 3)), np.ones(3), r"J must be \(C, C\)"),
        (np.eye(2), [np.inf, 0.0], r"g\[0\] is inf"),
    ],
)
def test_chain_rule_refuses_mismatched_shapes(J, g, match):
    """Shapes that do not fit: a ValueError naming the shapes."""
    with pytest.raises(ValueError, match=match):
        chain_rule(J, g)


# ---- softmax_chain_rule --------------------------------------------------------------------


def test_seed_chain_rule_gives_p_minus_t():
    """z = [2, 3, 4], target 0: -t/p = [-1/p_0, 0, 0] and both routes give p - t."""
    result = softmax_chain_rule([2.0, 3.0, 4.0], 0)
    assert isinstance(result, ChainRule)
    np.testing.assert_allclose(result.dl_dp, [-1 / SOFTMAX_234[0], 0.0, 0.0], rtol=1e-15)
    expected = SOFTMAX_234 - [1.0, 0.0, 0.0]
    np.testing.assert_allclose(result.via_jacobian, expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(result.direct, expected, rtol=0, atol=1e-16)
    assert result.max_difference < 1e-15


@SETTINGS
@given(logits(), st.floats(0.1, 10.0), st.integers(0, 9))
def test_both_routes_agree_to_rounding(z, tau, k):
    """Jᵀ(-t/p) = (p - t)/τ for any logits, τ and target, to rounding."""
    k = k % len(z)
    p = xc.softmax(z, temperature=tau)
    if p[k] < 1e-300:  # -1/p_k would overflow: not a case the page can reach
        return
    result = softmax_chain_rule(z, k, temperature=tau)
    assert result.max_difference <= 1e-14 / tau
    assert result.max_difference == np.abs(result.via_jacobian - result.direct).max()


@settings(max_examples=25, deadline=None)
@given(logits(-5.0, 5.0), st.sampled_from([0.5, 1.0, 2.0]), st.integers(0, 9))
def test_direct_route_matches_central_differences(z, tau, k):
    """(p - t)/τ is ∂/∂z of -log softmax(z/τ)_k, checked by central differences."""
    k = k % len(z)
    result = softmax_chain_rule(z, k, temperature=tau)
    numeric = xc.numerical_gradient(lambda v: -xc.log_softmax(v, temperature=tau)[k], z)
    np.testing.assert_allclose(result.direct, numeric, rtol=1e-6, atol=1e-9)


def test_temperature_divides_the_gradient():
    """τ = 2: the direct route is (softmax(z/2) - t)/2."""
    result = softmax_chain_rule([2.0, 3.0, 4.0], 1, temperature=2.0)
    p = xc.softmax([1.0, 1.5, 2.0])
    np.testing.assert_allclose(result.direct, (p - [0.0, 1.0, 0.0]) / 2, rtol=0, atol=1e-16)


@pytest.mark.parametrize(
    ("z", "k", "match"),
    [
        ([2.0, 3.0, 4.0], 3, "out of range: there are 3 classes"),
        ([2.0, 3.0, 4.0], -1, "out of range"),
        ([[2.0, 3.0, 4.0]], 0, r"z must be one sample's logits \(C,\)"),
        ([2.0, np.nan, 4.0], 0, r"z\[1\] is nan"),
    ],
)
def test_softmax_chain_rule_refuses_bad_input(z, k, match):
    """A target outside 0..C-1 or logits that are not one finite vector: a clear ValueError."""
    with pytest.raises(ValueError, match=match):
        softmax_chain_rule(z, k)
