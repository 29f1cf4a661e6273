"""Temperature scaling: τ* against closed forms, central differences and brute force."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import xent_core as xc
from xent_core.calibration import (
    DEFAULT_TEMPERATURES,
    calibrated_probabilities,
    ece_by_temperature,
    temperature_scale,
)


def one_logit_pair(d: float, q: float, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Every row has logits (d, 0); a share q of the rows is labelled class 0."""
    n0 = round(q * n)
    return np.tile([d, 0.0], (n, 1)), np.array([0] * n0 + [1] * (n - n0))


def sampled(n: int, c: int, true_tau: float, scale: float, seed: int = 0):
    """Logits z and labels drawn from softmax(z / true_tau): the best τ is near true_tau."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, c)) * scale
    p = xc.softmax(z, temperature=true_tau)
    u = rng.random(n)[:, None]
    y = (u > p.cumsum(axis=1)).sum(axis=1)  # inverse-CDF draw, one per row
    return z, np.minimum(y, c - 1)


@pytest.mark.parametrize(("d", "q"), [(2.0, 0.75), (1.0, 0.9), (5.0, 0.6), (0.5, 0.55)])
def test_one_repeated_row_has_the_closed_form_optimum(d, q):
    """Logits (d, 0), share q of class 0: σ(d/τ*) = q, so τ* = d / logit(q), and ECE is 0."""
    z, y = one_logit_pair(d, q)
    fit = temperature_scale(z, y)
    tau = d / np.log(q / (1 - q))
    assert fit.temperature == pytest.approx(tau, rel=1e-13)
    assert not fit.at_bound
    # the least mean CE is the entropy of the label mix, H(q)
    assert fit.cross_entropy == pytest.approx(-(q * np.log(q) + (1 - q) * np.log(1 - q)), rel=1e-13)
    p = calibrated_probabilities(z, fit.temperature)
    assert xc.expected_calibration_error(y, p) == pytest.approx(0.0, abs=1e-12)


def test_the_grid_cross_entropies_are_xent_cores_softmax_cross_entropy():
    """Each grid value is softmax_cross_entropy(y, z / τ) (mean reduction)."""
    z, y = sampled(300, 4, 1.5, 3.0)
    fit = temperature_scale(z, y)
    expected = [xc.softmax_cross_entropy(y, z / tau) for tau in DEFAULT_TEMPERATURES]
    np.testing.assert_allclose(fit.cross_entropies, expected, rtol=1e-13)
    np.testing.assert_array_equal(fit.temperatures, DEFAULT_TEMPERATURES)


def test_the_optimum_is_a_stationary_point_by_central_differences():
    """d CE / d τ at τ* is 0 to ~1e-9, and τ* beats its neighbours and every grid τ."""
    z, y = sampled(500, 3, 2.0, 2.5, seed=1)
    fit = temperature_scale(z, y)

    def ce(tau):
        return xc.softmax_cross_entropy(y, z / float(np.ravel(tau)[0]))

    slope = xc.numerical_gradient(ce, np.array([fit.temperature]), h=1e-5)[0]
    assert abs(slope) < 1e-8
    for step in (1e-4, -1e-4):
        assert fit.cross_entropy <= ce(fit.temperature * (1 + step))
    assert fit.cross_entropy <= fit.cross_entropies.min()
    assert fit.cross_entropy == pytest.approx(ce(fit.temperature), rel=1e-14)


def test_the_optimum_agrees_with_a_brute_force_search():
    """A 4,001-point log grid around τ* finds the same τ to its spacing (~1e-4)."""
    z, y = sampled(400, 5, 0.6, 2.0, seed=2)
    fit = temperature_scale(z, y)
    dense = np.geomspace(fit.temperature / 1.2, fit.temperature * 1.2, 4_001)
    ces = [xc.softmax_cross_entropy(y, z / t) for t in dense]
    best = dense[int(np.argmin(ces))]
    assert fit.temperature == pytest.approx(best, rel=1e-4)


@pytest.mark.parametrize("true_tau", [0.5, 2.0, 4.0])
def test_labels_drawn_at_a_temperature_are_fitted_near_it(true_tau):
    """Labels drawn from softmax(z / τ₀) on 20,000 rows: τ* within 5 % of τ₀."""
    z, y = sampled(20_000, 3, true_tau, 3.0, seed=3)
    fit = temperature_scale(z, y)
    assert fit.temperature == pytest.approx(true_tau, rel=0.05)


def test_an_overconfident_network_is_calibrated_by_its_cross_entropy_optimum():
    """Logits 3× too large: ECE falls a lot after scaling, and the ECE-best τ is near τ*."""
    z, y = sampled(5_000, 3, 3.0, 3.0, seed=4)
    fit = temperature_scale(z, y)
    before = xc.expected_calibration_error(y, xc.softmax(z))
    after = xc.expected_calibration_error(y, calibrated_probabilities(z, fit.temperature))
    assert before > 0.1 and after < 0.03
    curve = ece_by_temperature(z, y)
    assert curve.temperature == pytest.approx(fit.temperature, rel=0.25)
    assert curve.minimum == curve.ece.min() <= after + 1e-12


def test_invariances_row_shift_row_order_and_logit_scale():
    """Adding a constant per row or permuting rows keeps τ*; scaling logits by c scales τ*."""
    z, y = sampled(300, 3, 1.7, 2.0, seed=5)
    tau = temperature_scale(z, y).temperature
    shift = np.random.default_rng(6).normal(size=(300, 1)) * 10
    assert temperature_scale(z + shift, y).temperature == pytest.approx(tau, rel=1e-10)
    order = np.random.default_rng(7).permutation(300)
    assert temperature_scale(z[order], y[order]).temperature == pytest.approx(tau, rel=1e-12)
    assert temperature_scale(2.5 * z, y).temperature == pytest.approx(2.5 * tau, rel=1e-12)


def test_a_network_right_on_every_point_wants_the_smallest_temperature():
    """All correct: sharper is always better, so τ* is the grid's lower end, flagged."""
    z = np.array([[2.0, 0.0], [0.0, 1.0], [3.0, -1.0]])
    fit = temperature_scale(z, [0, 1, 0])
    assert fit.at_bound
    assert fit.temperature == DEFAULT_TEMPERATURES[0]


def test_a_network_wrong_on_every_point_wants_the_largest_temperature():
    """All wrong: the flatter the better, so τ* is the grid's upper end, flagged."""
    z = np.array([[2.0, 0.0], [0.0, 1.0], [3.0, -1.0]])
    fit = temperature_scale(z, [1, 0, 1], temperatures=[0.5, 1.0, 2.0, 4.0])
    assert fit.at_bound and fit.temperature == 4.0
    assert fit.cross_entropy == fit.cross_entropies[-1]


def test_equal_logits_give_log_c_for_every_temperature_and_keep_tau_1():
    """Constant rows: CE = log C whatever τ; τ* is reported as 1, flagged."""
    fit = temperature_scale(np.zeros((6, 3)), [0, 1, 2, 0, 1, 2])
    np.testing.assert_allclose(fit.cross_entropies, np.log(3), rtol=1e-15)
    assert fit.temperature == 1.0 and fit.at_bound
    assert fit.cross_entropy == pytest.approx(np.log(3), rel=1e-15)


def test_a_given_grid_is_sorted_and_a_one_point_grid_returns_that_point():
    """Temperatures may come in any order; one τ is its own optimum."""
    z, y = sampled(200, 3, 1.3, 2.0, seed=8)
    fit = temperature_scale(z, y, temperatures=[4.0, 0.25, 1.0, 2.0, 0.5])
    assert list(fit.temperatures) == [0.25, 0.5, 1.0, 2.0, 4.0]
    assert fit.temperature == pytest.approx(temperature_scale(z, y).temperature, rel=1e-12)
    single = temperature_scale(z, y, temperatures=[1.0])
    assert single.temperature == 1.0


def test_calibrated_probabilities_are_softmax_over_tau_and_keep_the_argmax():
    """softmax(z / τ): rows sum to 1, the top class never changes, τ = 1 is plain softmax."""
    z, _ = sampled(50, 4, 1.0, 3.0, seed=9)
    np.testing.assert_array_equal(calibrated_probabilities(z, 1.0), xc.softmax(z))
    for tau in (0.1, 0.7, 3.0, 40.0):
        p = calibrated_probabilities(z, tau)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-14)
        np.testing.assert_array_equal(p.argmax(axis=1), z.argmax(axis=1))
        np.testing.assert_allclose(p, xc.softmax(z, temperature=tau), rtol=1e-14)


def test_the_ece_curve_is_xent_cores_ece_at_each_temperature():
    """Each value is expected_calibration_error of softmax(z / τ) with the bins asked for."""
    z, y = sampled(300, 3, 2.0, 2.0, seed=10)
    taus = [0.5, 1.0, 2.0, 3.0]
    curve = ece_by_temperature(z, y, taus, n_bins=5)
    expected = [xc.expected_calibration_error(y, xc.softmax(z / t), 5) for t in taus]
    np.testing.assert_allclose(curve.ece, expected, rtol=1e-14)
    assert curve.temperature == taus[int(np.argmin(expected))]


@pytest.mark.parametrize(
    ("logits", "labels", "temperatures", "message"),
    [
        ([[1.0, np.nan]], [0], None, r"logits\[0, 1\] is nan"),
        ([[1.0, np.inf]], [0], None, r"logits\[0, 1\] is inf"),
        ([1.0, 2.0], [0], None, r"batch \(N, C\)"),
        ([[1.0], [2.0]], [0, 0], None, "at least 2 classes"),
        ([[1.0, 2.0]], [2], None, r"labels\[0\] = 2 is out of range"),
        ([[1.0, 2.0]], [0.5], None, "not a class label"),
        ([[1.0, 2.0], [0.0, 1.0]], [0], None, "one class per row"),
        ([[1.0, 2.0]], [0], [1.0, 0.0], r"temperatures\[1\] = 0: every τ must be > 0"),
        ([[1.0, 2.0]], [0], [[1.0, 2.0]], "1-D"),
        ([[1.0, 2.0]], [0], [], "empty"),
        ([[1e307, 0.0]], [0], None, "overflow when divided by τ = 0.05"),
    ],
)
def test_bad_input_names_the_argument_and_what_to_do(logits, labels, temperatures, message):
    """Errors a student can act on: the argument, the index, the value."""
    with pytest.raises(ValueError, match=message):
        temperature_scale(logits, labels, temperatures)


@pytest.mark.parametrize(
    ("temperature", "message"), [(0.0, "positive"), (-1.0, "positive"), (np.nan, "positive")]
)
def test_calibrated_probabilities_reject_a_bad_temperature(temperature, message):
    with pytest.raises(ValueError, match=message):
        calibrated_probabilities([[1.0, 2.0]], temperature)


def test_inputs_are_left_unchanged_and_lists_are_accepted():
    """No function writes into its arguments; plain lists give the same results."""
    z, y = sampled(40, 3, 1.5, 2.0, seed=11)
    taus = np.array([2.0, 0.5, 1.0])
    before = copy.deepcopy((z, y, taus))
    fit = temperature_scale(z, y, taus)
    curve = ece_by_temperature(z, y, taus, n_bins=4)
    p = calibrated_probabilities(z, 1.5)
    for a, b in zip((z, y, taus), before, strict=True):
        np.testing.assert_array_equal(a, b)
    assert temperature_scale(z.tolist(), y.tolist(), taus.tolist()).temperature == fit.temperature
    np.testing.assert_array_equal(
        ece_by_temperature(z.tolist(), y.tolist(), taus.tolist(), n_bins=4).ece, curve.ece
    )
    np.testing.assert_array_equal(calibrated_probabilities(z.tolist(), 1.5), p)
    z.setflags(write=False)
    temperature_scale(z, y)
    calibrated_probabilities(z, 2.0)
