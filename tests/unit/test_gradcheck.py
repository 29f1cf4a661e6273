"""numerical_gradient: central differences on functions whose gradient is known."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import xent_core as xc

KNOWN = [
    # (f, exact gradient)
    (lambda x: float((x**2).sum()), lambda x: 2 * x),
    (lambda x: float(np.sin(x).sum()), lambda x: np.cos(x)),
    (lambda x: float(np.exp(x).sum()), lambda x: np.exp(x)),
    (lambda x: float((x**3).sum()), lambda x: 3 * x**2),
    (
        lambda x: float(np.prod(x)),
        lambda x: np.array([np.prod(np.delete(x.ravel(), k)) for k in range(x.size)]).reshape(
            x.shape
        ),
    ),
    (
        lambda x: float(np.log(np.exp(x).sum())),
        lambda x: np.exp(x) / np.exp(x).sum(),
    ),  # log-sum-exp -> softmax
]


@pytest.mark.parametrize("f, grad", KNOWN)
@settings(max_examples=20, deadline=None)
@given(
    arrays(
        np.float64,
        st.one_of(st.tuples(st.integers(1, 6)), st.tuples(st.integers(1, 3), st.integers(1, 3))),
        elements=st.floats(-2, 2),
    )
)
def test_known_gradients(f, grad, x):
    g = xc.numerical_gradient(f, x)
    assert g.shape == x.shape and g.dtype == np.float64
    np.testing.assert_allclose(g, grad(x), rtol=1e-7, atol=1e-8)


def test_linear_function_is_exact_to_rounding():
    a = np.array([[1.0, -2.0], [3.5, 0.25]])
    x = np.array([[0.3, 0.7], [-1.1, 2.0]])
    g = xc.numerical_gradient(lambda v: float((a * v).sum()), x)
    np.testing.assert_allclose(g, a, rtol=0, atol=1e-10)


def test_quadratic_form():
    A = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 4.0]])
    x = np.array([0.5, -1.0, 2.0])
    g = xc.numerical_gradient(lambda v: float(v @ A @ v), x)
    np.testing.assert_allclose(
        g, 2 * A @ x, rtol=0, atol=1e-9
    )  # exact for quadratics up to rounding


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.bool_])
def test_integer_input_is_cast_not_truncated(dtype):
    x = np.array([1, 0, 1], dtype=dtype)
    before = x.copy()
    seen = []

    def f(v):
        seen.append(v.dtype)
        return float((v.astype(np.float64) ** 2).sum())

    g = xc.numerical_gradient(f, x)
    np.testing.assert_allclose(g, 2 * x.astype(np.float64), rtol=1e-9, atol=1e-9)
    assert np.any(g != 0)  # the all-zeros pitfall
    assert all(d == np.float64 for d in seen)
    assert x.dtype == before.dtype
    np.testing.assert_array_equal(x, before)


def test_integer_input_with_a_nonlinear_function():
    x = np.array([[1, 2], [3, -1]])
    before = x.copy()
    g = xc.numerical_gradient(lambda v: float(np.sin(v).sum()), x)
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(x, before)
    assert x.dtype == before.dtype


def test_list_input():
    g = xc.numerical_gradient(lambda v: float((v**2).sum()), [1, 2, 3])
    np.testing.assert_allclose(g, [2.0, 4.0, 6.0], rtol=1e-9)


def test_float_input_not_mutated_and_f_sees_the_unperturbed_point_restored():
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()
    calls = []
    xc.numerical_gradient(lambda v: calls.append(v.copy()) or float(v.sum()), x)
    np.testing.assert_array_equal(x, before)
    assert len(calls) == 2 * x.size
    # each call differs from x in exactly one element, by ±h
    for k, v in enumerate(calls):
        diff = v - before
        assert np.count_nonzero(diff) == 1
        assert abs(diff[k // 2]) == pytest.approx(1e-5, rel=1e-6)


@pytest.mark.parametrize("h", [1e-3, 1e-4, 1e-6])
def test_step_h(h):
    x = np.array([0.3, -0.4])
    g = xc.numerical_gradient(lambda v: float(np.exp(v).sum()), x, h=h)
    # central difference error ≈ h²/6 f'''  (plus rounding ~ 1e-16/h)
    np.testing.assert_allclose(g, np.exp(x), rtol=h**2 + 1e-9)


def test_scalar_input():
    g = xc.numerical_gradient(lambda v: float(v**2), np.array(3.0))
    assert g.shape == ()
    assert float(g) == pytest.approx(6.0, rel=1e-9)
