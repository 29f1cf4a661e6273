"""Sigmoid, softmax and the softmax Jacobian: properties, closed forms and extremes."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import xent_core as xc

SETTINGS = settings(max_examples=40, deadline=None)


def logits(low=-50.0, high=50.0, min_c=2, max_c=6):
    """A vector of C finite logits."""
    return st.integers(min_c, max_c).flatmap(
        lambda c: arrays(np.float64, (c,), elements=st.floats(low, high))
    )


def logit_batches(low=-50.0, high=50.0, max_n=5, max_c=6):
    """A batch (N, C) of finite logits."""
    shapes = st.tuples(st.integers(1, max_n), st.integers(2, max_c))
    return shapes.flatmap(lambda s: arrays(np.float64, s, elements=st.floats(low, high)))


temperatures = st.floats(0.05, 20.0)


# ---------------------------------------------------------------- softmax
@SETTINGS
@given(logit_batches(-1e4, 1e4))
def test_softmax_is_a_distribution_even_at_1e4(z):
    p = xc.softmax(z)
    assert p.shape == z.shape
    assert np.all(np.isfinite(p))
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-14)


@SETTINGS
@given(logit_batches(-1e4, 1e4))
def test_log_softmax_is_finite_at_1e4(z):
    lp = xc.log_softmax(z)
    assert np.all(np.isfinite(lp))
    assert np.all(lp <= 0)
    # log-sum-exp of log p is 0: the probabilities sum to 1
    m = lp.max(axis=-1)
    np.testing.assert_allclose(
        m + np.log(np.exp(lp - m[:, None]).sum(axis=-1)), 0.0, rtol=0, atol=1e-12
    )


def test_log_softmax_extreme_values_exact():
    np.testing.assert_array_equal(xc.log_softmax([0.0, 1e4]), [-1e4, 0.0])
    np.testing.assert_array_equal(xc.log_softmax([-1e4, 1e4]), [-2e4, 0.0])
    np.testing.assert_array_equal(xc.softmax([1e4, -1e4]), [1.0, 0.0])
    np.testing.assert_array_equal(xc.softmax([1e4, 1e4]), [0.5, 0.5])


@SETTINGS
@given(logit_batches(), st.floats(-1e3, 1e3))
def test_softmax_shift_invariant(z, c):
    np.testing.assert_allclose(xc.softmax(z + c), xc.softmax(z), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(xc.log_softmax(z + c), xc.log_softmax(z), rtol=1e-10, atol=1e-10)


@SETTINGS
@given(logit_batches())
def test_softmax_per_row_shift_invariant(z):
    shift = np.arange(z.shape[0], dtype=float)[:, None] * 7.0
    np.testing.assert_allclose(xc.softmax(z + shift), xc.softmax(z), rtol=1e-12, atol=1e-15)


@SETTINGS
@given(logit_batches())
def test_log_softmax_is_log_of_softmax(z):
    p = xc.softmax(z)
    assume(np.all(p > 0))
    np.testing.assert_allclose(xc.log_softmax(z), np.log(p), rtol=1e-13, atol=1e-13)


@SETTINGS
@given(logits())
def test_softmax_matches_the_definition(z):
    e = np.exp(z - z.max())
    expected = e / e.sum()
    np.testing.assert_allclose(xc.softmax(z), expected, rtol=1e-14, atol=1e-300)


@SETTINGS
@given(logits(-20, 20))
def test_softmax_matches_the_textbook_formula_for_moderate_logits(z):
    expected = np.exp(z) / np.exp(z).sum()  # no max subtraction: fine for |z| <= 20
    np.testing.assert_allclose(xc.softmax(z), expected, rtol=1e-13)


@SETTINGS
@given(logit_batches())
def test_softmax_axis_0(z):
    np.testing.assert_allclose(xc.softmax(z, axis=0), xc.softmax(z.T).T, rtol=0, atol=0)
    np.testing.assert_allclose(xc.log_softmax(z, axis=0), xc.log_softmax(z.T).T, rtol=0, atol=0)


@SETTINGS
@given(logit_batches(), temperatures)
def test_temperature_divides_the_logits(z, tau):
    np.testing.assert_allclose(
        xc.softmax(z, temperature=tau), xc.softmax(z / tau), rtol=1e-13, atol=1e-15
    )
    np.testing.assert_allclose(
        xc.log_softmax(z, temperature=tau), xc.log_softmax(z / tau), rtol=1e-13, atol=1e-12
    )


def entropy(p):
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


@SETTINGS
@given(logits(-10, 10), temperatures, temperatures)
def test_entropy_grows_with_temperature(z, tau1, tau2):
    lo, hi = sorted((tau1, tau2))
    assert entropy(xc.softmax(z, temperature=lo)) <= entropy(xc.softmax(z, temperature=hi)) + 1e-12


def test_temperature_limits():
    z = np.array([1.0, 3.0, 2.9, -4.0])
    np.testing.assert_allclose(xc.softmax(z, temperature=1e-3), [0, 1, 0, 0], rtol=0, atol=1e-40)
    np.testing.assert_allclose(xc.softmax(z, temperature=1e7), 0.25, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(xc.softmax(z, temperature=1.0), xc.softmax(z))


# ---------------------------------------------------------------- sigmoid
def test_sigmoid_closed_forms():
    for z in (-40.0, -5.0, -1.0, 0.0, 0.5, 3.0, 40.0):
        expected = 1.0 / (1.0 + math.exp(-z))
        assert xc.sigmoid(z) == pytest.approx(expected, rel=1e-15, abs=0)
    assert xc.sigmoid(0.0) == 0.5
    assert xc.sigmoid(40.0) == 1.0 / (1.0 + math.exp(-40.0))
    assert xc.sigmoid(-40.0) == pytest.approx(math.exp(-40.0) / (1.0 + math.exp(-40.0)), rel=1e-15)


def test_sigmoid_tail_keeps_relative_precision():
    # σ(-700) = e^-700 / (1 + e^-700) = e^-700 to every digit
    assert xc.sigmoid(-700.0) == pytest.approx(math.exp(-700.0), rel=1e-14)
    assert xc.sigmoid(-1e4) == 0.0
    assert xc.sigmoid(1e4) == 1.0
    assert np.isfinite(xc.sigmoid([-1e4, 1e4])).all()


def test_log_sigmoid_extremes_exact():
    assert xc.log_sigmoid(-1e4) == -1e4
    assert xc.log_sigmoid(-800.0) == -800.0
    assert xc.log_sigmoid(1e4) == 0.0
    assert xc.log_sigmoid(0.0) == pytest.approx(-math.log(2), rel=1e-15)
    # log σ(40) = -log1p(e^-40) ≈ -e^-40: tiny, and relatively exact
    assert xc.log_sigmoid(40.0) == pytest.approx(-math.log1p(math.exp(-40.0)), rel=1e-15)
    assert xc.log_sigmoid(-40.0) == pytest.approx(-40.0 - math.log1p(math.exp(-40.0)), rel=1e-15)


@SETTINGS
@given(arrays(np.float64, st.integers(1, 8), elements=st.floats(-1e4, 1e4)))
def test_sigmoid_properties(z):
    s = xc.sigmoid(z)
    assert s.shape == z.shape
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s + xc.sigmoid(-z), 1.0, rtol=0, atol=1e-15)
    ls = xc.log_sigmoid(z)
    assert np.all(np.isfinite(ls)) and np.all(ls <= 0)
    # log σ(z) - log σ(-z) = z
    np.testing.assert_allclose(ls - xc.log_sigmoid(-z), z, rtol=1e-13, atol=1e-13)


@SETTINGS
@given(arrays(np.float64, st.integers(1, 8), elements=st.floats(-30, 30)))
def test_log_sigmoid_is_log_of_sigmoid(z):
    np.testing.assert_allclose(xc.log_sigmoid(z), np.log(xc.sigmoid(z)), rtol=1e-13, atol=1e-15)


@SETTINGS
@given(arrays(np.float64, st.integers(1, 8), elements=st.floats(-30, 30)))
def test_logit_inverts_sigmoid(z):
    # σ(z) is rounded to 1 ulp; near 1 that ulp is a z error of ≈ 1.1e-16 · e^|z|
    tol = 1e-15 * np.exp(np.abs(z)) + 1e-13
    assert np.all(np.abs(xc.logit(xc.sigmoid(z)) - z) <= tol)


@SETTINGS
@given(arrays(np.float64, st.integers(1, 8), elements=st.floats(1e-12, 1 - 1e-12)))
def test_sigmoid_inverts_logit(p):
    np.testing.assert_allclose(xc.sigmoid(xc.logit(p)), p, rtol=1e-14, atol=0)


def test_logit_ends():
    np.testing.assert_array_equal(xc.logit([0.0, 0.5, 1.0]), [-np.inf, 0.0, np.inf])
    assert xc.logit(0.9) == pytest.approx(math.log(9.0), rel=1e-15)


def test_sigmoid_and_log_sigmoid_derivatives():
    z = np.array([-3.0, -0.2, 0.0, 1.5, 4.0])
    s = xc.sigmoid(z)
    np.testing.assert_allclose(
        xc.numerical_gradient(lambda v: xc.sigmoid(v).sum(), z), s * (1 - s), rtol=1e-8
    )
    np.testing.assert_allclose(
        xc.numerical_gradient(lambda v: xc.log_sigmoid(v).sum(), z), 1 - s, rtol=1e-8
    )


# --------------------------------------------------------------- Jacobian
def jacobian_reference(z, tau=1.0):
    p = xc.softmax(z, temperature=tau)
    c = len(p)
    return np.array([[p[i] * ((i == j) - p[j]) / tau for j in range(c)] for i in range(c)])


@SETTINGS
@given(logits())
def test_jacobian_matches_the_formula(z):
    # p_i - p_i² cancels when p_i ≈ 1, so agreement is to about one ulp of p
    np.testing.assert_allclose(
        xc.softmax_jacobian(z), jacobian_reference(z), rtol=1e-14, atol=4e-16
    )


@SETTINGS
@given(logits(-1e4, 1e4), st.floats(0.1, 10.0))
def test_jacobian_symmetric_zero_sums_psd(z, tau):
    J = xc.softmax_jacobian(z, temperature=tau)
    C = len(z)
    assert J.shape == (C, C)
    assert np.all(np.isfinite(J))
    np.testing.assert_array_equal(J, J.T)
    np.testing.assert_allclose(J.sum(axis=0), 0.0, rtol=0, atol=1e-15 / tau)
    np.testing.assert_allclose(J.sum(axis=1), 0.0, rtol=0, atol=1e-15 / tau)
    assert np.linalg.eigvalsh(J).min() >= -1e-15 / tau


@SETTINGS
@given(logits(-5, 5))
def test_jacobian_eigenvalues_and_rank(z):
    J = xc.softmax_jacobian(z)
    assert np.linalg.eigvalsh(J).min() >= -1e-15
    # eigenvalues interlace with p, so the smallest non-zero one is ≥ min p ≥ e^-10/6
    assert np.linalg.matrix_rank(J, tol=1e-9) == len(z) - 1
    # the null space is the all-ones direction
    np.testing.assert_allclose(J @ np.ones(len(z)), 0.0, rtol=0, atol=1e-15)


@SETTINGS
@given(logits(-5, 5), st.floats(0.1, 10.0))
def test_jacobian_is_divided_by_temperature(z, tau):
    J = xc.softmax_jacobian(z, temperature=tau)
    np.testing.assert_allclose(J, jacobian_reference(z, tau), rtol=1e-14, atol=4e-16 / tau)
    p = xc.softmax(z, temperature=tau)
    np.testing.assert_allclose(J, (np.diag(p) - np.outer(p, p)) / tau, rtol=1e-14, atol=4e-16 / tau)


@SETTINGS
@given(logit_batches(-30, 30), st.sampled_from([1.0, 0.5, 3.0]))
def test_batch_jacobian_equals_per_row(z, tau):
    J = xc.softmax_jacobian(z, temperature=tau)
    N, C = z.shape
    assert J.shape == (N, C, C)
    for i in range(N):
        np.testing.assert_array_equal(J[i], xc.softmax_jacobian(z[i], temperature=tau))


@settings(max_examples=25, deadline=None)
@given(logits(-5, 5), st.sampled_from([1.0, 0.5, 2.0]))
def test_jacobian_equals_numerical_gradient(z, tau):
    J = xc.softmax_jacobian(z, temperature=tau)
    for i in range(len(z)):
        row = xc.numerical_gradient(lambda v, i=i: xc.softmax(v, temperature=tau)[i], z)
        np.testing.assert_allclose(J[i], row, rtol=1e-6, atol=1e-9)


def test_jacobian_of_equal_logits():
    C = 4
    J = xc.softmax_jacobian(np.zeros(C))
    expected = np.eye(C) / C - 1.0 / C**2
    np.testing.assert_allclose(J, expected, rtol=0, atol=1e-16)


def test_no_floating_point_warnings_at_extremes():
    """Stable by construction: no overflow or divide warning, not just a right answer."""
    import warnings

    z = np.array([-1e4, -800.0, -1.0, 0.0, 1.0, 800.0, 1e4])
    with warnings.catch_warnings(), np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("error")
        xc.sigmoid(z)
        xc.log_sigmoid(z)
        xc.softmax(z)
        xc.log_softmax(z)
        xc.softmax(z, temperature=1e-3)
        xc.softmax_jacobian(z)
        t = np.array([1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.0])
        xc.binary_cross_entropy_with_logits(t, z, pos_weight=2.0)
        xc.binary_cross_entropy_with_logits_grad(t, z, pos_weight=2.0)
        xc.softmax_cross_entropy([0, 6], np.stack([z, z]), label_smoothing=0.1)
        xc.binary_cross_entropy([1, 0, 0, 1], [0.0, 0.0, 1.0, 1.0])
        xc.binary_cross_entropy_grad([1, 0, 0, 1], [0.0, 0.0, 1.0, 1.0])
        xc.categorical_cross_entropy([0, 1], [[1.0, 0.0], [1.0, 0.0]])
        xc.categorical_cross_entropy_grad([0, 1], [[1.0, 0.0], [1.0, 0.0]])
        xc.logit([0.0, 1.0])
