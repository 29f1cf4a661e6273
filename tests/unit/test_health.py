"""training_health on synthetic loss histories: each verdict, its epoch, its thresholds."""

import math

import numpy as np
import pytest

import xent_core as xc
from xent_core import health

E = np.arange(40)
SMOOTH = 1.2 / (1 + 0.2 * E)  # a healthy run: falling, flattening


def noisy(curve, level=0.01, seed=0):
    """The curve with mini-batch-like jitter of ``level`` (relative)."""
    return curve * (1 + level * np.random.default_rng(seed).normal(size=curve.shape))


# ------------------------------------------------------------------------- fine
@pytest.mark.parametrize(
    "train",
    [SMOOTH, noisy(SMOOTH), np.full(30, 0.7), SMOOTH[:3], [1.1], 0.001 + 0.0005 * (-1) ** E],
    ids=["smooth", "jitter", "flat", "short", "one epoch", "tiny jitter"],
)
def test_healthy_histories_are_fine(train):
    verdict = xc.training_health(train)
    assert verdict.status == "fine" and verdict.epoch is None
    assert isinstance(verdict, xc.TrainingHealth)


def test_fine_with_a_test_loss_that_follows_the_train_loss():
    verdict = xc.training_health(SMOOTH, SMOOTH + 0.1)
    assert verdict.status == "fine"
    now = (SMOOTH[-3:] + 0.1).mean()  # the test loss now: the mean of its last 3 values
    assert verdict.test_rise == pytest.approx(now / (SMOOTH[-1] + 0.1) - 1)


def test_measurements_of_a_smooth_run():
    verdict = xc.training_health(SMOOTH)
    assert verdict.growth == 1.0  # the last loss is the lowest
    assert verdict.progress == pytest.approx(1.0)  # straight down
    window = SMOOTH[-20:]
    expected_swing = np.median(np.abs(np.diff(window))) / np.median(window)
    assert verdict.swing == pytest.approx(expected_swing)
    assert math.isnan(verdict.test_rise)


# -------------------------------------------------------------------- diverging
def test_nan_is_diverging_at_its_epoch():
    train = np.r_[SMOOTH[:7], np.nan, np.nan]
    verdict = xc.training_health(train)
    assert verdict.status == "diverging" and verdict.epoch == 7
    assert verdict.growth == math.inf


def test_an_order_of_magnitude_above_the_minimum_and_the_start_is_diverging():
    train = [1.1, 0.9, 0.8, 3.0, 7.9, 8.0, 50.0]
    verdict = xc.training_health(train)
    assert verdict.status == "diverging"
    assert verdict.epoch == 5  # 8.0 = 10 × 0.8 (and > 1.1); 7.9 is not yet
    assert verdict.growth == pytest.approx(50.0 / 0.8)


def test_divergence_is_flagged_at_the_first_epoch_that_shows_it():
    train = np.r_[SMOOTH[:10], SMOOTH[9] * 3.0 ** np.arange(1, 8)]
    first = next(
        t for t in range(1, len(train) + 1) if xc.training_health(train[:t]).status == "diverging"
    )
    assert first - 1 == xc.training_health(train).epoch
    assert train[first - 1] >= 10 * train[:first].min() and train[first - 1] > train[0]


def test_ten_times_the_uniform_guess_is_diverging_from_the_first_epoch():
    train = [77.0, 98.0, 115.0]  # blew up within the first epoch: no lower value to compare
    assert xc.training_health(train).status == "fine"  # too short, and never grew 10x
    verdict = xc.training_health(train, n_classes=3)
    assert verdict.status == "diverging" and verdict.epoch == 0
    below = [10 * math.log(3) * 0.99] * 3
    assert xc.training_health(below, n_classes=3).status == "fine"


def test_a_rise_from_a_tiny_minimum_that_stays_below_the_start_is_not_divergence():
    train = np.r_[np.geomspace(1.0, 0.001, 20), [0.02] * 5]
    assert xc.training_health(train).status != "diverging"


def test_diverging_wins_over_the_other_verdicts():
    train = np.r_[1 + 0.3 * (-1) ** E, np.inf]
    test = np.r_[np.linspace(1, 3, 40), 5.0]
    assert xc.training_health(train, test).status == "diverging"


# ------------------------------------------------------------------ oscillating
def test_zigzag_without_progress_is_oscillating():
    train = 1.0 + 0.3 * (-1) ** E
    verdict = xc.training_health(train)
    assert verdict.status == "oscillating"
    assert verdict.epoch == 20  # the window: the last 20 epochs
    assert verdict.swing == pytest.approx(0.6)
    assert abs(verdict.progress) < health.PROGRESS_RATIO


def test_big_random_wandering_is_oscillating():
    rng = np.random.default_rng(3)
    train = 2.0 * np.exp(0.15 * rng.normal(size=40))  # ±15 % steps, no trend
    assert xc.training_health(train).status == "oscillating"


def test_a_zigzag_that_still_makes_headway_is_fine():
    train = np.linspace(2.0, 0.2, 40) * (1 + 0.05 * (-1) ** E)
    verdict = xc.training_health(train)
    assert verdict.progress >= health.PROGRESS_RATIO
    assert verdict.status == "fine"


@pytest.mark.parametrize(
    "amplitude, status", [(0.02, "fine"), (0.03, "oscillating")], ids=["4 %", "6 %"]
)
def test_the_swing_threshold_is_five_percent(amplitude, status):
    train = 1.0 + amplitude * (-1) ** E  # median step 2 × amplitude
    assert xc.training_health(train).status == status


def test_oscillation_needs_min_epochs():
    train = 1.0 - 0.3 * (-1) ** np.arange(health.MIN_EPOCHS - 1)
    assert xc.training_health(train).status == "fine"
    train = 1.0 - 0.3 * (-1) ** np.arange(health.MIN_EPOCHS)
    assert xc.training_health(train).status == "oscillating"


# ------------------------------------------------------------------ overfitting
def u_shaped_test(best=15, low=0.8):
    return low + 0.002 * (E - best) ** 2


def test_test_loss_rising_while_train_loss_falls_is_overfitting():
    verdict = xc.training_health(SMOOTH, u_shaped_test(best=15))
    assert verdict.status == "overfitting"
    assert verdict.epoch == 15  # the epoch early stopping would keep
    now = u_shaped_test()[-3:].mean()
    assert verdict.test_rise == pytest.approx((now - 0.8) / 0.8)


def test_test_loss_rising_with_the_train_loss_is_not_overfitting():
    train = np.r_[SMOOTH[:16], SMOOTH[15] + 0.02 * np.arange(1, 25)]
    assert xc.training_health(train, u_shaped_test()).status == "fine"


@pytest.mark.parametrize(
    "rise, status",
    [(0.05, "fine"), (0.15, "overfitting")],
    ids=["5 % above the best", "15 % above the best"],
)
def test_the_rise_threshold_is_ten_percent(rise, status):
    test = np.r_[np.linspace(1.0, 0.5, 20), np.full(20, 0.5 * (1 + rise))]
    assert xc.training_health(SMOOTH, test).status == status


def test_a_tiny_absolute_rise_is_not_overfitting():
    test = np.r_[np.linspace(0.1, 0.01, 20), np.full(20, 0.015)]  # +50 % but 0.005 nats
    assert xc.training_health(SMOOTH, test).status == "fine"


def test_an_infinite_test_loss_while_training_improves_is_overfitting():
    test = np.r_[np.linspace(1.0, 0.6, 30), np.full(10, np.inf)]
    verdict = xc.training_health(SMOOTH, test)
    assert verdict.status == "overfitting" and verdict.epoch == 29


def test_test_accuracy_at_chance_while_train_accuracy_climbs_is_overfitting():
    train_acc = np.linspace(0.34, 0.95, 40)
    test_acc = 0.33 + 0.02 * np.sin(E)
    test_acc[12] = 0.37
    verdict = xc.training_health(
        SMOOTH, train_accuracy=train_acc, test_accuracy=test_acc, n_classes=3
    )
    assert verdict.status == "overfitting" and verdict.epoch == 12
    verdict = xc.training_health(
        SMOOTH, train_accuracy=train_acc, test_accuracy=np.linspace(0.3, 0.8, 40), n_classes=3
    )
    assert verdict.status == "fine"


def test_accuracy_that_did_not_climb_is_not_overfitting():
    flat = np.full(40, 0.36)
    verdict = xc.training_health(SMOOTH, train_accuracy=flat, test_accuracy=flat, n_classes=3)
    assert verdict.status == "fine"


def test_oscillating_wins_over_overfitting():
    train = 1.0 + 0.3 * (-1) ** E
    assert xc.training_health(train, u_shaped_test()).status == "oscillating"


# ------------------------------------------------------------- real training runs
def test_real_runs_healthy_too_fast_and_exploding():
    X, y = xc.make_dataset("circle", n=300, seed=0)

    def history(make, epochs=60, batch=32):
        net = xc.MLP([2, 16, 16, 2], "tanh", seed=0)
        opt = make(net)
        return [opt.epoch(X, y, batch, rng=np.random.default_rng(e)) for e in range(epochs)]

    assert xc.training_health(history(lambda n: xc.Adam(n, 0.01)), n_classes=2).status == "fine"
    too_fast = history(lambda n: xc.Adam(n, 0.5), batch=8)
    assert xc.training_health(too_fast, n_classes=2).status == "oscillating"
    exploding = history(lambda n: xc.SGD(n, 1.0, momentum=0.9), batch=4)
    assert xc.training_health(exploding, n_classes=2).status == "diverging"


# ---------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            dict(train_loss=[]),
            r"train_loss must be a list of one value per epoch; got shape \(0,\)",
        ),
        (dict(train_loss=[[1.0, 2.0]]), "train_loss must be a list of one value per epoch"),
        (dict(train_loss=["a"]), "train_loss must hold numbers only"),
        (dict(train_loss=[1.0, -0.5]), r"train_loss\[1\] = -0.5 is negative"),
        (
            dict(train_loss=[1.0, 0.5], test_loss=[1.0]),
            "test_loss has 1 epochs but train_loss has 2",
        ),
        (dict(train_loss=[1.0], train_accuracy=[0.5]), "give all three"),
        (
            dict(train_loss=[1.0], train_accuracy=[0.5], test_accuracy=[1.5], n_classes=2),
            r"test_accuracy\[0\] = 1.5 is not an accuracy",
        ),
        (dict(train_loss=[1.0], n_classes=1), "n_classes must be a whole number ≥ 2; got 1"),
        (dict(train_loss=[1.0], n_classes=2.5), "n_classes must be a whole number ≥ 2; got 2.5"),
    ],
)
def test_bad_histories_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        xc.training_health(**kwargs)


def test_statuses():
    assert xc.STATUSES == ("diverging", "oscillating", "overfitting", "fine")
