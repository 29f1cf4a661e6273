"""One logistic neuron: σ', squared error from logits and its gradient against central
differences and closed forms, and the cross-entropy vs squared-error race."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import xent_core as xc
from xent_core.neuron import (
    LOSSES,
    MAX_STEPS,
    sigmoid_derivative,
    squared_error_with_logits,
    squared_error_with_logits_grad,
    steps_to_within,
    train_neuron,
)

SETTINGS = settings(max_examples=30, deadline=None)
GRAD_TOL = dict(rtol=1e-6, atol=1e-9)
REDUCTIONS = ["mean", "sum", "none"]
# The page's default race: x = 1, t = 1, w0 = b0 = -2 (z0 = -4, p0 ≈ 0.018), η = 0.15.
RACE = dict(w0=-2.0, b0=-2.0, lr=0.15, steps=300, x=1.0, t=1.0)

logits = arrays(np.float64, st.integers(1, 6), elements=st.floats(-12, 12))


def summed(fn, reduction):
    """A scalar function of z for numerical_gradient ("none" -> the sum of the elements)."""
    return lambda z: float(np.sum(fn(z))) if reduction == "none" else fn(z)


# ---------------------------------------------------------------- σ'


@SETTINGS
@given(logits)
def test_sigmoid_derivative_matches_central_differences(z):
    """σ'(z) against (σ(z+h) − σ(z−h)) / 2h, element by element."""
    expected = np.array([xc.numerical_gradient(lambda v: xc.sigmoid(v)[0], [zi])[0] for zi in z])
    np.testing.assert_allclose(sigmoid_derivative(z), expected, **GRAD_TOL)


def test_sigmoid_derivative_peaks_at_a_quarter_at_zero():
    """σ'(0) = 1/4 exactly, and σ' ≤ 1/4 everywhere."""
    assert sigmoid_derivative([0.0])[0] == 0.25
    assert sigmoid_derivative(np.linspace(-30, 30, 6001)).max() == 0.25


@pytest.mark.parametrize("z", [40.0, -40.0, 700.0])
def test_sigmoid_derivative_keeps_its_digits_when_saturated(z):
    """σ'(±40) = e^{-40}/(1 + e^{-40})² ≈ 4.25e-18, not 0 (as σ(z)(1 − σ(z)) would give)."""
    e = math.exp(-abs(z))
    assert sigmoid_derivative([z])[0] == pytest.approx(e / (1 + e) ** 2, rel=1e-14)


# ---------------------------------------------------------------- squared error from logits


@SETTINGS
@given(logits, st.sampled_from([0.0, 1.0, 0.3]), st.sampled_from(REDUCTIONS))
def test_squared_error_with_logits_is_squared_error_of_the_sigmoid(z, target, reduction):
    """(σ(z) − t)² equals squared_error(t, sigmoid(z)) under every reduction."""
    t = np.full_like(z, target)
    np.testing.assert_allclose(
        squared_error_with_logits(t, z, reduction),
        xc.squared_error(t, xc.sigmoid(z), reduction),
        rtol=1e-13,
        atol=1e-16,
    )


@SETTINGS
@given(logits, st.sampled_from([0.0, 1.0, 0.7]), st.sampled_from(REDUCTIONS))
def test_squared_error_gradient_matches_central_differences(z, target, reduction):
    """dL/dz against numerical_gradient of the loss itself."""
    t = np.full_like(z, target)
    f = summed(lambda v: squared_error_with_logits(t, v, reduction), reduction)
    np.testing.assert_allclose(
        squared_error_with_logits_grad(t, z, reduction), xc.numerical_gradient(f, z), **GRAD_TOL
    )


@SETTINGS
@given(logits, st.sampled_from([0.0, 1.0, 0.4]))
def test_squared_error_gradient_is_the_closed_form(z, target):
    """dL/dz = 2 (σ(z) − t) σ'(z) per element ("sum"), and divided by n for "mean"."""
    t = np.full_like(z, target)
    closed = 2 * (xc.sigmoid(z) - t) * sigmoid_derivative(z)
    np.testing.assert_allclose(squared_error_with_logits_grad(t, z, "sum"), closed, atol=1e-16)
    np.testing.assert_allclose(
        squared_error_with_logits_grad(t, z, "mean"), closed / z.size, atol=1e-16
    )


@SETTINGS
@given(logits)
def test_squared_error_gradient_is_cross_entropy_gradient_times_two_sigma_prime(z):
    """For t = 1: dSE/dz = 2σ'(z) · dCE/dz, and 2σ'(z) ≤ 1/2: the factor that saturates."""
    t = np.ones_like(z)
    ce = xc.binary_cross_entropy_with_logits_grad(t, z, "none")
    # σ(z) − 1 = −σ(−z) exactly; the library's σ(z) − t cancels digits for large z (rtol 1e-9)
    np.testing.assert_allclose(ce, -xc.sigmoid(-z), rtol=1e-9, atol=1e-300)
    se = squared_error_with_logits_grad(t, z, "none")
    np.testing.assert_allclose(
        se, 2 * sigmoid_derivative(z) * -xc.sigmoid(-z), rtol=1e-13, atol=1e-300
    )
    assert np.all(np.abs(se) <= 0.5 * np.abs(ce) * (1 + 1e-12))


def test_a_confidently_wrong_neuron_gets_a_vanishing_squared_error_gradient():
    """t = 1, z = −10: cross-entropy pushes with ≈ −1, squared error with ≈ −9e-5."""
    ce = xc.binary_cross_entropy_with_logits_grad([1.0], [-10.0], "sum")[0]
    se = squared_error_with_logits_grad([1.0], [-10.0], "sum")[0]
    assert ce == pytest.approx(-(1 - 1 / (1 + math.exp(10))), rel=1e-15)
    assert -1e-4 < se < -8e-5


def test_nearly_right_neuron_keeps_the_digits_of_its_tiny_error():
    """t = 1, z = 40: (σ(z) − 1)² = σ(−40)² ≈ 1.8e-35, not 0."""
    e = 1 / (1 + math.exp(40))
    assert squared_error_with_logits([1.0], [40.0], "sum") == pytest.approx(e**2, rel=1e-14)


# ---------------------------------------------------------------- the race


@pytest.mark.parametrize("loss", LOSSES)
def test_history_has_one_entry_per_step_including_the_start(loss):
    """S steps give S + 1 entries; entry 0 is the starting point."""
    h = train_neuron(loss, **{**RACE, "steps": 5})
    assert h.loss_name == loss
    for field in (h.w, h.b, h.loss, h.dl_dw, h.dl_db):
        assert field.shape == (6,)
    assert h.p.shape == h.z.shape == (6, 1)
    assert (h.w[0], h.b[0], h.z[0, 0]) == (-2.0, -2.0, -4.0)
    assert h.p[0, 0] == xc.sigmoid([-4.0])[0]


@pytest.mark.parametrize(
    ("loss", "loss_fn", "grad_fn"),
    [
        (
            "cross_entropy",
            xc.binary_cross_entropy_with_logits,
            xc.binary_cross_entropy_with_logits_grad,
        ),
        ("squared_error", squared_error_with_logits, squared_error_with_logits_grad),
    ],
)
def test_every_step_is_the_loss_and_gradient_of_the_public_functions(loss, loss_fn, grad_fn):
    """Three samples: loss = mean L(t, w x + b); dL/dw = Σ g x, dL/db = Σ g; w ← w − η dL/dw."""
    x, t = np.array([1.0, -0.5, 2.0]), np.array([1.0, 0.0, 1.0])
    h = train_neuron(loss, w0=-1.5, b0=0.5, lr=0.3, steps=20, x=x, t=t)
    for s in range(21):
        z = h.w[s] * x + h.b[s]
        np.testing.assert_array_equal(h.z[s], z)
        assert h.loss[s] == pytest.approx(loss_fn(t, z, "mean"), rel=1e-14)
        g = grad_fn(t, z, "mean")
        assert h.dl_dw[s] == pytest.approx(g @ x, rel=1e-12, abs=1e-15)
        assert h.dl_db[s] == pytest.approx(g.sum(), rel=1e-12, abs=1e-15)
        np.testing.assert_allclose(h.p[s], xc.sigmoid(z), rtol=1e-15)
    np.testing.assert_allclose(h.w[1:], h.w[:-1] - 0.3 * h.dl_dw[:-1], rtol=1e-15)
    np.testing.assert_allclose(h.b[1:], h.b[:-1] - 0.3 * h.dl_db[:-1], rtol=1e-15)


@pytest.mark.parametrize("loss", LOSSES)
def test_weight_gradients_match_central_differences(loss):
    """dL/dw and dL/db at a few steps against numerical_gradient of L(w, b)."""
    x, t = np.array([1.0, -0.5, 2.0]), np.array([1.0, 0.0, 0.8])
    fn = (
        xc.binary_cross_entropy_with_logits
        if loss == "cross_entropy"
        else squared_error_with_logits
    )
    h = train_neuron(loss, w0=-1.5, b0=0.5, lr=0.3, steps=10, x=x, t=t)
    for s in (0, 5, 10):
        numeric = xc.numerical_gradient(lambda v: fn(t, v[0] * x + v[1], "mean"), [h.w[s], h.b[s]])
        np.testing.assert_allclose([h.dl_dw[s], h.dl_db[s]], numeric, **GRAD_TOL)


def test_cross_entropy_wins_the_race_from_a_confidently_wrong_start():
    """Default race: CE is within 0.1 of the target after 50 steps, squared error after 234."""
    ce = train_neuron("cross_entropy", **RACE)
    se = train_neuron("squared_error", **RACE)
    assert steps_to_within(ce, 0.1) == 50
    assert steps_to_within(se, 0.1) == 234
    # squared error's first step barely moves: its gradient carries σ'(−4) ≈ 0.018
    assert abs(se.dl_db[0]) < 0.04 * abs(ce.dl_db[0])


@pytest.mark.parametrize("loss", LOSSES)
def test_the_loss_falls_at_every_step_with_a_small_learning_rate(loss):
    """Gradient descent with η = 0.15 on one sample: the loss never goes up."""
    h = train_neuron(loss, **RACE)
    assert np.all(np.diff(h.loss) <= 0)


def test_zero_steps_is_just_the_start_and_runs_are_deterministic():
    """steps = 0 gives the starting point only; the same call gives the same history."""
    h = train_neuron("squared_error", **{**RACE, "steps": 0})
    assert h.loss.shape == (1,)
    a, b = (train_neuron("cross_entropy", **RACE) for _ in range(2))
    np.testing.assert_array_equal(a.w, b.w)
    np.testing.assert_array_equal(a.loss, b.loss)


def test_training_does_not_change_the_callers_arrays():
    """x and t come back untouched, and the history holds copies of them."""
    x, t = np.array([1.0, 2.0]), np.array([1.0, 0.0])
    h = train_neuron("cross_entropy", w0=0, b0=0, lr=0.1, steps=3, x=x, t=t)
    assert x.tolist() == [1.0, 2.0] and t.tolist() == [1.0, 0.0]
    h.x[0] = 99.0
    assert x[0] == 1.0


def test_steps_to_within_is_none_when_the_target_is_never_reached():
    """Three steps of squared error from z = −4 never get within 0.1 of t = 1."""
    h = train_neuron("squared_error", **{**RACE, "steps": 3})
    assert steps_to_within(h, 0.1) is None
    assert steps_to_within(h, 1.0) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(loss="hinge"), r"loss must be one of 'cross_entropy', 'squared_error'"),
        (dict(lr=0.0), r"lr must be a positive"),
        (dict(steps=2.5), r"steps must be a whole number from 0 to"),
        (dict(steps=MAX_STEPS + 1), r"steps must be a whole number"),
        (dict(w0=math.inf), r"w0 is inf"),
        (dict(t=1.5), r"t = 1\.5 is not a probability"),
        (dict(x=[1.0, 2.0], t=[1.0]), r"t has shape \(1,\) but x has shape \(2,\)"),
    ],
)
def test_bad_training_arguments_raise_a_message_naming_them(kwargs, message):
    """Each bad argument gets a ValueError naming it."""
    args = {"loss": "cross_entropy", **RACE, **kwargs}
    with pytest.raises(ValueError, match=message):
        train_neuron(**args)
