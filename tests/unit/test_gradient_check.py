"""xent_core.gradient_check: relative error, the naive (integer) pitfall, the five checkable
losses against independent closed forms, the step sweep and the random cases."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import xent_core as xc
from xent_core.gradient_check import (
    CHECKABLE,
    EXPECTED_RELATIVE_ERROR,
    LOSSES,
    MLP_SIZES,
    STEPS,
    TINY,
    GradientCase,
    analytic_gradient,
    as_whole_numbers,
    check_gradient,
    loss_function,
    naive_numerical_gradient,
    random_case,
    relative_error,
    step_sweep,
    with_x,
)

SEED_T = np.array([0, 1, 1, 0, 0, 1, 1], dtype=float)
SEED_P = np.array([0.07, 0.91, 0.74, 0.23, 0.85, 0.17, 0.94])
SEED_SOFTMAX = (0.09003057317038046, 0.24472847105479764, 0.6652409557748218)

# ---------------------------------------------------------------- relative_error


@pytest.mark.parametrize(
    "a, n, expected",
    [
        (1.0, 1.0, 0.0),
        (0.0, 0.0, 0.0),  # 0 / tiny, not 0 / 0
        (3.5, 0.0, 1.0),  # the naive check's all-zeros result
        (0.0, -2.0, 1.0),
        (1.0, -1.0, 2.0),
        (2.0, 1.0, 0.5),
        (-4.0, -3.0, 0.25),
        (1e308, -1e308, 2.0),  # no overflow in a - n
    ],
)
def test_relative_error_examples(a, n, expected):
    assert relative_error(a, n) == expected


def test_relative_error_of_a_one_ulp_difference_is_machine_epsilon():
    assert relative_error(1.0, np.nextafter(1.0, 2.0)) == pytest.approx(2.220446049250313e-16)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-1e6, 1e6),
    st.floats(-1e6, 1e6),
    st.floats(1e-6, 1e6),
)
def test_relative_error_is_symmetric_scale_free_and_between_zero_and_two(a, n, c):
    e = relative_error(a, n)
    assert 0.0 <= e <= 2.0
    assert relative_error(n, a) == e
    biggest = max(abs(a), abs(n))
    assume(biggest == 0 or min(biggest, c * biggest) > TINY)  # below tiny the floor decides
    assert relative_error(c * a, c * n) == pytest.approx(e, rel=1e-9, abs=1e-300)


def test_relative_error_is_elementwise_and_nan_where_a_value_is_not_finite():
    a = np.array([[1.0, np.inf], [np.nan, 2.0]])
    n = np.array([[1.0 + 1e-9, np.inf], [1.0, 0.0]])
    e = relative_error(a, n)
    assert e.shape == (2, 2)
    assert e[0, 0] == pytest.approx(1e-9, rel=1e-6)
    assert math.isnan(e[0, 1]) and math.isnan(e[1, 0])
    assert e[1, 1] == 1.0


def test_relative_error_refuses_arrays_of_different_shapes():
    with pytest.raises(ValueError, match=r"analytic has shape \(2,\) but numeric has shape \(3,\)"):
        relative_error([1.0, 2.0], [1.0, 2.0, 3.0])


def test_relative_error_refuses_text():
    with pytest.raises(ValueError, match="numeric must hold numbers only"):
        relative_error([1.0], ["abc"])


# ---------------------------------------------------------------- the naive pitfall


def square_sum(v):
    return float((np.asarray(v, dtype=float) ** 2).sum())


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint8])
def test_naive_numerical_gradient_of_an_integer_array_is_all_zeros(dtype):
    """np.zeros_like(int x) stores h as 0: both evaluations are at x, every difference is 0."""
    x = np.array([[2, 3, 4], [1, 0, 5]], dtype=dtype)
    g = naive_numerical_gradient(square_sum, x)
    assert g.dtype == np.float64 and g.shape == x.shape
    np.testing.assert_array_equal(g, 0.0)
    np.testing.assert_allclose(xc.numerical_gradient(square_sum, x), 2 * x, rtol=1e-9)


def test_naive_numerical_gradient_of_a_float_array_is_the_fixed_one_exactly():
    x = np.array([[0.3, -1.2], [2.5, 0.0]])
    f = lambda v: float(np.sin(v).sum() + (v**3).sum())  # noqa: E731
    for h in (1e-2, 1e-5, 1e-8):
        np.testing.assert_array_equal(
            naive_numerical_gradient(f, x, h), xc.numerical_gradient(f, x, h)
        )


def test_naive_numerical_gradient_leaves_its_input_alone():
    x = np.array([2, 3, 4])
    naive_numerical_gradient(square_sum, x)
    np.testing.assert_array_equal(x, [2, 3, 4])
    assert x.dtype == np.int64


def test_writing_x_plus_h_into_an_integer_array_truncates_toward_zero():
    """The cousin named in the docstring: x − h becomes x − 1, so that quotient is enormous."""
    x = np.array([2, -2])
    x[0], x[1] = 2 - 1e-5, -2 + 1e-5
    np.testing.assert_array_equal(x, [1, -1])


def test_as_whole_numbers_rounds_to_int64():
    w = as_whole_numbers([2.4, -0.6, 3.5, 1e15])
    assert w.dtype == np.int64
    np.testing.assert_array_equal(w, [2, -1, 4, 10**15])


@pytest.mark.parametrize(
    "bad, message",
    [([1.0, np.inf], r"x\[1\] is inf"), ([1e300], r"too large"), ([np.nan], r"x\[0\] is nan")],
)
def test_as_whole_numbers_refuses_what_cannot_be_a_whole_number(bad, message):
    with pytest.raises(ValueError, match=message):
        as_whole_numbers(bad)


# ---------------------------------------------------------------- the five losses


def test_bce_case_is_the_seed_table_with_its_closed_form_gradient():
    case = GradientCase("bce", SEED_P, SEED_T)
    assert loss_function(case)(SEED_P) == pytest.approx(4.460303459760249, rel=1e-15)
    expected = -SEED_T / SEED_P + (1 - SEED_T) / (1 - SEED_P)
    np.testing.assert_allclose(analytic_gradient(case), expected, rtol=1e-15)
    assert analytic_gradient(case)[0] == pytest.approx(1 / 0.93, rel=1e-15)


def test_bce_from_logits_gradient_is_sigma_minus_t():
    z = xc.logit(SEED_P)
    case = GradientCase("bce_logits", z, SEED_T)
    assert loss_function(case)(z) == pytest.approx(4.460303459760249, rel=1e-12)
    np.testing.assert_allclose(analytic_gradient(case), SEED_P - SEED_T, rtol=1e-12, atol=1e-15)


def test_categorical_gradient_is_minus_one_over_p_on_the_target_and_zero_elsewhere():
    p = np.array([[0.91, 0.04, 0.05], [0.11, 0.80, 0.09], [0.30, 0.10, 0.60], [0.25, 0.40, 0.35]])
    labels = np.array([0, 1, 2, 0])
    case = GradientCase("categorical", p, labels)
    assert loss_function(case)(p) == pytest.approx(2.214574215671332, rel=1e-15)
    expected = np.zeros_like(p)
    expected[np.arange(4), labels] = -1 / p[np.arange(4), labels]
    np.testing.assert_array_equal(analytic_gradient(case), expected)
    check = check_gradient(case)
    np.testing.assert_array_equal(check.numeric[expected == 0], 0.0)  # L does not depend on them
    np.testing.assert_array_equal(check.relative_error[expected == 0], 0.0)


def test_softmax_gradient_at_the_seed_logits_is_p_minus_t():
    case = GradientCase("softmax_ce", np.array([[2.0, 3.0, 4.0]]), np.array([2]))
    g = analytic_gradient(case)
    np.testing.assert_allclose(
        g[0], [SEED_SOFTMAX[0], SEED_SOFTMAX[1], SEED_SOFTMAX[2] - 1], rtol=1e-15
    )
    assert check_gradient(case).worst < EXPECTED_RELATIVE_ERROR


def test_mlp_gradient_is_the_networks_backprop_for_its_first_weights():
    case = random_case("mlp", 3)
    net = xc.MLP(list(MLP_SIZES), "tanh", seed=3)
    net.weights[0] = case.x.copy()
    loss, grads = net.loss_and_gradients(case.points, case.t)
    assert loss_function(case)(case.x) == loss
    np.testing.assert_array_equal(analytic_gradient(case), grads[0][0])
    assert analytic_gradient(case).shape == (2, 4)


@pytest.mark.parametrize("loss", CHECKABLE)
@pytest.mark.parametrize("seed", range(5))
def test_every_analytic_gradient_agrees_with_central_differences(loss, seed):
    """At h = 1e-5 the typical element agrees to 1e-8 and the worst to 1e-6.

    The worst is a p near 0 (truncation h²/3p², see below) or a gradient tiny next to L
    (rounding ≈ ε|L|/h in absolute terms).
    """
    check = check_gradient(random_case(loss, seed))
    assert not check.undefined.any()
    assert check.worst < 1e-6
    assert np.median(check.relative_error) < EXPECTED_RELATIVE_ERROR
    assert check.loss == loss_function(check.case)(check.case.x)


@pytest.mark.parametrize("loss", [name for name in CHECKABLE if LOSSES[name].takes_whole_numbers])
def test_integer_inputs_zero_the_naive_gradient_and_the_cast_fixes_it(loss):
    case = random_case(loss, 0, whole_numbers=True)
    assert case.x.dtype == np.int64
    naive = check_gradient(case, naive=True)
    fixed = check_gradient(case)
    np.testing.assert_array_equal(naive.numeric, 0.0)
    nonzero = naive.analytic != 0
    np.testing.assert_array_equal(naive.relative_error[nonzero], 1.0)
    assert fixed.worst < 1e-7
    np.testing.assert_array_equal(naive.analytic, fixed.analytic)
    assert case.x.dtype == np.int64  # neither check touched the input


@pytest.mark.parametrize("p", [0.5, 0.1, 0.01])
def test_truncation_error_of_minus_log_p_grows_as_h_squared_over_three_p_squared(p):
    """(−log(p+h) + log(p−h)) / 2h = −atanh(u)/h with u = h/p, so the relative error is
    1 − u/atanh(u) ≈ u²/3 = h²/3p²: large near p = 0."""
    h = 1e-3
    case = GradientCase("categorical", np.array([[p, 1 - p]]), np.array([0]))
    error = check_gradient(case, h).relative_error[0, 0]
    u = h / p
    assert error == pytest.approx(1 - u / math.atanh(u), rel=1e-6)
    assert error == pytest.approx(u * u / 3, rel=0.01)


def test_a_step_outside_the_domain_is_undefined_not_an_error():
    """p = 0.05 with h = 0.1: p − h < 0, so that element's difference (only) is nan."""
    case = GradientCase("bce", np.array([0.05, 0.5]), np.array([1.0, 0.0]))
    check = check_gradient(case, h=0.1)
    assert check.undefined.tolist() == [True, False]
    assert math.isnan(check.numeric[0]) and math.isfinite(check.numeric[1])
    assert check.worst == check.relative_error[1]


def test_a_point_outside_the_domain_is_an_error_naming_it():
    with pytest.raises(ValueError, match=r"p\[1\] = 1.5 is not a probability"):
        check_gradient(GradientCase("bce", np.array([0.5, 1.5]), np.array([1.0, 0.0])))


@pytest.mark.parametrize(
    "case, message",
    [
        (GradientCase("mse", np.ones(2), np.ones(2)), "loss must be one of"),
        (GradientCase("bce", np.full((2, 2), 0.5), np.ones(2)), r"one value per row \(N,\)"),
        (GradientCase("softmax_ce", np.ones(3), np.ones(3)), r"a batch \(N, C\)"),
        (GradientCase("mlp", np.ones((2, 3)), np.zeros(5), np.zeros((5, 2))), r"\(2, 4\)"),
        (GradientCase("mlp", np.ones((2, 4)), np.zeros(5)), "needs its points"),
        (GradientCase("softmax_ce", np.ones((2, 3)), np.array([0, 3])), r"t\[1\] = 3 is out"),
    ],
)
def test_bad_cases_are_refused_with_a_message(case, message):
    with pytest.raises(ValueError, match=message):
        check_gradient(case)


@pytest.mark.parametrize("h", [0.0, -1e-5, math.nan, math.inf])
def test_the_step_must_be_positive(h):
    with pytest.raises(ValueError, match="h must be a positive, finite number"):
        check_gradient(random_case("bce", 0), h)


# ---------------------------------------------------------------- the step sweep


@pytest.mark.parametrize("loss", CHECKABLE)
def test_step_sweep_is_a_v_truncation_on_the_right_rounding_on_the_left(loss):
    sweep = step_sweep(random_case(loss, 0))
    np.testing.assert_array_equal(sweep.steps, STEPS)
    middle = sweep.worst[STEPS.index(1e-5)]
    assert middle < 1e-7
    assert sweep.worst[1] > 100 * middle  # h = 1e-2: truncation ∝ h²
    assert sweep.worst[-1] > 10 * middle  # h = 1e-10: rounding ∝ ε / h
    assert np.nanargmin(sweep.worst) in range(3, 7)  # best near ε^(1/3) ≈ 6e-6


def test_step_sweep_truncation_error_falls_as_h_squared():
    """Softmax CE, h from 1e-2 to 1e-3: the worst relative error drops by about 100."""
    sweep = step_sweep(random_case("softmax_ce", 0), steps=(1e-2, 1e-3))
    assert sweep.worst[0] / sweep.worst[1] == pytest.approx(100, rel=0.05)


def test_step_sweep_counts_the_undefined_elements():
    case = GradientCase("bce", np.array([0.05, 0.5, 0.97]), np.array([1.0, 0.0, 1.0]))
    sweep = step_sweep(case, steps=(0.1, 0.04, 1e-5))
    assert sweep.undefined.tolist() == [2, 1, 0]


# ---------------------------------------------------------------- random cases


@pytest.mark.parametrize("loss", CHECKABLE)
def test_random_cases_are_reproducible_and_change_with_the_seed(loss):
    a, b, c = random_case(loss, 7), random_case(loss, 7), random_case(loss, 8)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.t, b.t)
    assert not np.array_equal(a.x, c.x)
    assert a.x.dtype == np.float64


def test_random_probabilities_are_inside_zero_one_and_categorical_rows_sum_to_one():
    assert ((p := random_case("bce", 1).x) >= 0.1).all() and (p <= 0.9).all()
    np.testing.assert_allclose(random_case("categorical", 1).x.sum(axis=1), 1.0)


@pytest.mark.parametrize("loss", ["bce", "categorical"])
def test_probability_losses_refuse_whole_numbers(loss):
    with pytest.raises(ValueError, match="a whole-number p is 0 or 1"):
        random_case(loss, 0, whole_numbers=True)


def test_random_case_refuses_an_unknown_loss():
    with pytest.raises(ValueError, match="loss must be one of 'bce'"):
        random_case("hinge", 0)


def test_with_x_keeps_targets_points_and_network():
    case = random_case("mlp", 2)
    moved = with_x(case, np.zeros((2, 4)))
    assert moved.t is case.t and moved.points is case.points
    assert moved.network_seed == 2
    np.testing.assert_array_equal(moved.x, 0.0)


@pytest.mark.parametrize("loss", CHECKABLE)
def test_checks_leave_the_case_arrays_unchanged(loss):
    case = random_case(loss, 4)
    before = [np.copy(a) for a in (case.x, case.t)]
    check_gradient(case)
    check_gradient(case, naive=True)
    step_sweep(case, steps=(1e-3,))
    for original, now in zip(before, (case.x, case.t), strict=True):
        np.testing.assert_array_equal(original, now)
