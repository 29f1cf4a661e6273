"""Entropy, cross-entropy and KL divergence: closed forms, the identity H(t, p) = H(t) + KL,
0 · log 0 = 0, infinities, units, agreement with the loss functions, and input checks."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import xent_core as xc
from xent_core.information import (
    cross_entropy,
    decomposition,
    entropy,
    kl_divergence,
    spread_distribution,
)

SETTINGS = settings(max_examples=40, deadline=None)
SEED_LABELS = [0, 1, 2, 0]
SEED_P = [[0.91, 0.04, 0.05], [0.11, 0.80, 0.09], [0.30, 0.10, 0.60], [0.25, 0.40, 0.35]]
SEED_CATEGORICAL_SUM = 2.214574215671332


@st.composite
def distribution_pairs(draw, low=0.0):
    """Two distributions (C,) with C in 2..8, drawn as normalised non-negative weights."""
    c = draw(st.integers(2, 8))
    rows = []
    for _ in range(2):
        raw = draw(arrays(np.float64, (c,), elements=st.floats(low, 1.0)))
        raw[draw(st.integers(0, c - 1))] += 0.05  # a positive sum
        rows.append(raw / raw.sum())
    return rows[0], rows[1]


# ---------------------------------------------------------------- closed forms


@pytest.mark.parametrize("c", [2, 3, 5, 10])
def test_entropy_of_the_uniform_distribution_is_log_c(c):
    """H(uniform) = log C, the largest entropy C outcomes can have."""
    assert entropy(np.full(c, 1.0 / c)) == pytest.approx(math.log(c), rel=1e-15)


def test_entropy_of_a_certain_outcome_is_exactly_zero():
    """One-hot p: every term is 0 · log 0 = 0 or 1 · log 1 = 0; the result is +0.0."""
    h = entropy([0.0, 1.0, 0.0])
    assert h == 0.0 and math.copysign(1.0, h) == 1.0


def test_a_fair_coin_has_one_bit_of_entropy():
    """base=2 measures in bits: a fair coin is 1 bit, a fair 8-sided die 3 bits."""
    assert entropy([0.5, 0.5], base=2) == 1.0
    assert entropy(np.full(8, 0.125), base=2) == pytest.approx(3.0, rel=1e-15)


@pytest.mark.parametrize("fn", [entropy, cross_entropy, kl_divergence])
def test_bits_are_nats_divided_by_log_2(fn):
    """Any base b gives the natural-log value divided by ln b."""
    t, p = [0.6, 0.3, 0.1], [0.25, 0.4, 0.35]
    args = (t,) if fn is entropy else (t, p)
    assert fn(*args, base=2) == pytest.approx(fn(*args) / math.log(2), rel=1e-15)
    assert fn(*args, base=10) == pytest.approx(fn(*args) / math.log(10), rel=1e-15)


def test_worked_example_by_hand():
    """t = (0.6, 0.3, 0.1), p = (0.25, 0.4, 0.35): each quantity from its definition."""
    t, p = np.array([0.6, 0.3, 0.1]), np.array([0.25, 0.4, 0.35])
    h_t = -(0.6 * math.log(0.6) + 0.3 * math.log(0.3) + 0.1 * math.log(0.1))
    h_tp = -(0.6 * math.log(0.25) + 0.3 * math.log(0.4) + 0.1 * math.log(0.35))
    kl = 0.6 * math.log(0.6 / 0.25) + 0.3 * math.log(0.3 / 0.4) + 0.1 * math.log(0.1 / 0.35)
    assert entropy(t) == pytest.approx(h_t, rel=1e-15)
    assert cross_entropy(t, p) == pytest.approx(h_tp, rel=1e-15)
    assert kl_divergence(t, p) == pytest.approx(kl, rel=1e-14)


# ---------------------------------------------------------------- the identity and Gibbs


@SETTINGS
@given(distribution_pairs())
def test_cross_entropy_is_entropy_plus_kl(pair):
    """H(t, p) = H(t) + KL(t ‖ p) to float64 rounding, whenever H(t, p) is finite."""
    t, p = pair
    h_tp = cross_entropy(t, p)
    if math.isinf(h_tp):
        assert math.isinf(kl_divergence(t, p))
        return
    assert h_tp == pytest.approx(entropy(t) + kl_divergence(t, p), rel=1e-12, abs=1e-14)


@SETTINGS
@given(distribution_pairs())
def test_kl_is_never_negative_and_cross_entropy_never_below_entropy(pair):
    """Gibbs' inequality: KL(t ‖ p) ≥ 0, so H(t, p) ≥ H(t)."""
    t, p = pair
    assert kl_divergence(t, p) >= 0.0
    assert cross_entropy(t, p) >= entropy(t) - 1e-14


@SETTINGS
@given(distribution_pairs())
def test_kl_of_a_distribution_with_itself_is_exactly_zero(pair):
    """KL(t ‖ t) = 0 and H(t, t) = H(t): the best model of t is t."""
    t, _ = pair
    assert kl_divergence(t, t) == 0.0
    assert cross_entropy(t, t) == entropy(t)


def test_kl_is_not_symmetric():
    """KL(t ‖ p) ≠ KL(p ‖ t): (0.9, 0.1) against (0.5, 0.5) by hand."""
    t, p = [0.9, 0.1], [0.5, 0.5]
    forward = 0.9 * math.log(1.8) + 0.1 * math.log(0.2)
    backward = 0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1)
    assert kl_divergence(t, p) == pytest.approx(forward, rel=1e-14)
    assert kl_divergence(p, t) == pytest.approx(backward, rel=1e-14)
    assert abs(forward - backward) > 0.1


@SETTINGS
@given(distribution_pairs(), st.randoms(use_true_random=False))
def test_permuting_the_classes_changes_nothing(pair, rng):
    """Relabelling the classes (same permutation for t and p) leaves every quantity unchanged."""
    t, p = pair
    order = list(range(len(t)))
    rng.shuffle(order)
    for fn, args in [(entropy, (t,)), (cross_entropy, (t, p)), (kl_divergence, (t, p))]:
        moved = tuple(a[order] for a in args)
        assert fn(*moved) == pytest.approx(fn(*args), rel=1e-12, abs=1e-15)


def test_decomposition_reports_each_side_and_a_rounding_sized_difference():
    """decomposition(t, p): H(t), H(t, p), KL and H(t, p) − (H(t) + KL) ≈ 1e-16."""
    t, p = [0.6, 0.3, 0.1], [0.25, 0.4, 0.35]
    d = decomposition(t, p)
    assert (d.entropy, d.cross_entropy, d.kl_divergence) == (
        entropy(t),
        cross_entropy(t, p),
        kl_divergence(t, p),
    )
    assert abs(d.difference) < 1e-15
    assert d.entropy_plus_kl == d.entropy + d.kl_divergence
    bits = decomposition(t, p, base=2)
    assert bits.entropy == pytest.approx(d.entropy / math.log(2), rel=1e-15)


def test_decomposition_with_an_impossible_class_has_an_undefined_difference():
    """p_i = 0 < t_i: H(t, p) = KL = ∞ and ∞ − ∞ is nan; H(t) stays finite."""
    d = decomposition([0.5, 0.5], [1.0, 0.0])
    assert d.cross_entropy == d.kl_divergence == math.inf
    assert math.isnan(d.difference)
    assert d.entropy == pytest.approx(math.log(2))


def test_decomposition_is_for_one_pair_only():
    """A batch (N, C) is refused with a message."""
    with pytest.raises(ValueError, match="each be one distribution"):
        decomposition([[1.0, 0.0]], [[0.5, 0.5]])


# ---------------------------------------------------------------- zeros and infinities


def test_zero_target_probability_costs_nothing_even_where_p_is_zero():
    """t_i = 0 contributes 0 whatever p_i is (0 · log 0 = 0): no nan anywhere."""
    t, p = [1.0, 0.0, 0.0], [0.5, 0.5, 0.0]
    assert cross_entropy(t, p) == pytest.approx(math.log(2), rel=1e-15)
    assert kl_divergence(t, p) == pytest.approx(math.log(2), rel=1e-15)
    assert list(cross_entropy(t, p, terms=True)) == [pytest.approx(math.log(2)), 0.0, 0.0]


def test_p_zero_where_t_is_positive_is_infinite():
    """The model calls possible data impossible: H(t, p) = KL(t ‖ p) = +∞, never nan."""
    t, p = [0.5, 0.5], [1.0, 0.0]
    assert cross_entropy(t, p) == math.inf
    assert kl_divergence(t, p) == math.inf
    terms = kl_divergence(t, p, terms=True)
    assert terms[1] == math.inf and math.isfinite(terms[0])
    assert entropy(t) == pytest.approx(math.log(2))


def test_tiny_p_gives_a_large_finite_kl_not_an_overflow():
    """p_i = 1e-320 (subnormal): t_i (log t_i − log p_i) stays finite where t/p overflows."""
    t, p = [0.5, 0.5], [1.0 - 1e-320, 1e-320]
    kl = kl_divergence(t, p)
    assert math.isfinite(kl)
    assert kl == pytest.approx(0.5 * math.log(0.5) - 0.5 * math.log(1e-320) + 0.5 * math.log(0.5))


# ---------------------------------------------------------------- terms, batches, agreement


@pytest.mark.parametrize("fn", [entropy, cross_entropy, kl_divergence])
def test_terms_add_up_to_the_total(fn):
    """terms=True gives one contribution per class; their sum is the default result."""
    t, p = [0.6, 0.3, 0.1], [0.25, 0.4, 0.35]
    args = (t,) if fn is entropy else (t, p)
    terms = fn(*args, terms=True)
    assert terms.shape == (3,)
    assert terms.sum() == pytest.approx(fn(*args), rel=1e-15)


def test_kl_terms_can_be_negative_though_their_sum_is_not():
    """A class where p_i > t_i has a negative KL term t_i log(t_i/p_i)."""
    terms = kl_divergence([0.6, 0.3, 0.1], [0.25, 0.4, 0.35], terms=True)
    assert terms[1] < 0 and terms[2] < 0 and terms.sum() > 0


def test_a_batch_of_rows_gives_one_value_per_row():
    """(N, C) in, (N,) out, each row as if computed alone."""
    t = xc.one_hot(SEED_LABELS, 3)
    h = cross_entropy(t, SEED_P)
    assert h.shape == (4,)
    for i in range(4):
        assert h[i] == cross_entropy(t[i], SEED_P[i])
    assert entropy(SEED_P).shape == (4,)
    assert kl_divergence(t, SEED_P, terms=True).shape == (4, 3)


def test_one_hot_cross_entropy_is_the_seed_categorical_loss():
    """H(one-hot, p) row by row is the categorical loss; its sum is the seed's 2.2145…"""
    h = cross_entropy(xc.one_hot(SEED_LABELS, 3), SEED_P)
    np.testing.assert_array_equal(
        h, xc.categorical_cross_entropy(SEED_LABELS, SEED_P, reduction="none")
    )
    assert h.sum() == pytest.approx(SEED_CATEGORICAL_SUM, rel=1e-15)
    # with a one-hot target H(t) = 0, so the whole loss is KL divergence
    assert kl_divergence(xc.one_hot(SEED_LABELS, 3), SEED_P) == pytest.approx(h, rel=1e-15)


@pytest.mark.parametrize(("t", "p"), [(0.0, 0.07), (1.0, 0.91), (0.3, 0.6), (1.0, 0.17)])
def test_two_class_cross_entropy_is_binary_cross_entropy(t, p):
    """H((t, 1−t), (p, 1−p)) = BCE(t, p)."""
    assert cross_entropy([t, 1 - t], [p, 1 - p]) == pytest.approx(
        xc.binary_cross_entropy([t], [p], reduction="sum"), rel=1e-14
    )


def test_inputs_are_not_changed():
    """The caller's arrays come back untouched."""
    t, p = np.array([0.6, 0.3, 0.1]), np.array([0.25, 0.4, 0.35])
    t0, p0 = t.copy(), p.copy()
    for fn in (cross_entropy, kl_divergence):
        fn(t, p, terms=True)
    entropy(t)
    np.testing.assert_array_equal(t, t0)
    np.testing.assert_array_equal(p, p0)


# ---------------------------------------------------------------- the spread family


def test_spread_distribution_puts_p_on_one_class_and_shares_the_rest():
    """p_top at the chosen index, (1 − p_top)/(C − 1) elsewhere, every row summing to 1."""
    rows = spread_distribution([0.5, 1.0, 0.0], 3, index=1)
    np.testing.assert_array_equal(rows, [[0.25, 0.5, 0.25], [0, 1, 0], [0.5, 0, 0.5]])
    assert spread_distribution(0.7, 2).tolist() == [0.7, pytest.approx(0.3)]


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.3])
@pytest.mark.parametrize("c", [2, 3, 10])
def test_smoothed_loss_along_the_family_is_the_categorical_loss_with_smoothing(eps, c):
    """H(t', p) with t' = (1−ε) e₀ + ε/C equals categorical_cross_entropy(label_smoothing=ε)."""
    grid = np.linspace(0.05, 0.95, 19)
    rows = spread_distribution(grid, c)
    t_smooth = np.repeat(xc.smoothed_targets([0], c, eps), len(grid), axis=0)
    np.testing.assert_allclose(
        cross_entropy(t_smooth, rows),
        xc.categorical_cross_entropy(
            np.zeros(len(grid), int), rows, reduction="none", label_smoothing=eps
        ),
        rtol=1e-14,
    )


@pytest.mark.parametrize("eps", [0.05, 0.1, 0.2, 0.5])
@pytest.mark.parametrize("c", [2, 3, 10])
def test_smoothed_loss_is_smallest_at_one_minus_eps_plus_eps_over_c(eps, c):
    """On a fine grid of p_target the minimum of H(t', p) sits at 1 − ε + ε/C, value H(t')."""
    best = 1 - eps + eps / c
    t_smooth = xc.smoothed_targets([0], c, eps)[0]
    grid = np.linspace(0.001, 0.999, 9981)
    loss = cross_entropy(np.tile(t_smooth, (len(grid), 1)), spread_distribution(grid, c))
    assert abs(grid[np.argmin(loss)] - best) <= 1e-4
    assert cross_entropy(t_smooth, spread_distribution(best, c)) == pytest.approx(
        entropy(t_smooth), rel=1e-13
    )


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: entropy([0.5, 0.4]), r"p sums to 0\.9, not 1"),
        (lambda: cross_entropy([[1, 0], [0.5, 0.6]], [[1, 0], [0.5, 0.5]]), r"row 1 of t sums"),
        (lambda: kl_divergence([0.5, 0.5], [1.2, -0.2]), r"p\[0\] = 1\.2 is not a probability"),
        (lambda: cross_entropy([0.5, 0.5], [0.2, 0.3, 0.5]), r"t has shape \(2,\) but p"),
        (lambda: entropy([[[1.0]]]), r"one distribution \(C,\) or a batch"),
        (lambda: entropy([0.5, 0.5], base=1), r"base must not be 1"),
        (lambda: entropy([0.5, 0.5], base=-2), r"base must be a positive"),
        (lambda: entropy([np.nan, 1.0]), r"p\[0\] is nan"),
        (lambda: spread_distribution(0.5, 1), r"n_classes must be a whole number ≥ 2"),
        (lambda: spread_distribution(0.5, 3, index=3), r"index must be a class 0 to 2"),
        (lambda: spread_distribution(1.5, 3), r"p_top = 1\.5 is not a probability"),
    ],
)
def test_bad_input_raises_a_message_naming_the_argument(call, message):
    """Each mistake gets a ValueError that names the argument and says what is wrong."""
    with pytest.raises(ValueError, match=message):
        call()


def test_a_sum_off_by_rounding_is_accepted():
    """Typed decimals that miss 1 by less than 1e-6 are distributions (0.1 + 0.2 + 0.7)."""
    assert entropy([0.1, 0.2, 0.7]) > 0
    assert entropy([0.3333333, 0.3333333, 0.3333334]) == pytest.approx(math.log(3), rel=1e-6)
