"""The Live training page's per-session state: data, network, training, bounds, history."""

from __future__ import annotations

import numpy as np
import pytest

import xent_core
from ui.model.training import (
    FRAME_SECONDS,
    MAX_EPOCHS_PER_FRAME,
    MIN_SLEEP,
    PROCESS_DUTY,
    SEED_SETUP,
    UPLOAD,
    Diverged,
    History,
    Metrics,
    Pace,
    Setup,
    Training,
    frame_sleep,
    playing,
)

LR, BATCH = 0.03, 10


def test_the_default_setup_splits_the_circle_in_half_and_starts_at_epoch_0():
    """300 circle points, half for testing, network [2, 8, 4, 2], one history record."""
    run = Training.start(Setup())
    assert run.setup.sizes == [2, 8, 4, 2]
    assert run.net.sizes == [2, 8, 4, 2]
    assert (len(run.X_train), len(run.X_test)) == (150, 150)
    assert run.epoch == 0
    assert run.history.epochs == [0]


def test_the_seed_setup_is_the_seed_articles_network():
    """One hidden layer of 16 units and a softmax over 3 classes: [2, 16, 3]."""
    run = Training.start(SEED_SETUP)
    assert run.setup.sizes == [2, 16, 3]
    assert set(np.unique(run.y_train)) == {0, 1, 2}


def test_the_same_setup_gives_the_same_data_and_weights():
    """Reset is reproducible: a fresh start equals the first one exactly."""
    a, b = Training.start(Setup()), Training.start(Setup())
    np.testing.assert_array_equal(a.X_train, b.X_train)
    for Wa, Wb in zip(a.net.weights, b.net.weights, strict=True):
        np.testing.assert_array_equal(Wa, Wb)
    assert a.metrics() == b.metrics()


def test_the_metrics_match_xent_core_on_the_training_and_test_points():
    """Mean cross-entropy from the logits, accuracy from softmax, both recomputed here."""
    run = Training.start(Setup(dataset="moons", noise=0.2))
    run.train(3, lr=LR, batch_size=BATCH, l2=0.0)
    m = run.metrics()
    z_test = run.net.forward(run.X_test)
    p_train = run.net.predict_proba(run.X_train)
    assert m.test_loss == pytest.approx(xent_core.softmax_cross_entropy(run.y_test, z_test))
    assert m.train_loss == pytest.approx(-np.log(p_train[np.arange(150), run.y_train]).mean())
    assert m.train_accuracy == pytest.approx(np.mean(p_train.argmax(1) == run.y_train))


def test_training_a_few_epochs_on_the_circle_lowers_the_training_loss():
    """Ten epochs of SGD bring the mean cross-entropy down."""
    run = Training.start(Setup())
    before = run.metrics().train_loss
    for _ in range(10):
        run.train(1, lr=LR, batch_size=BATCH, l2=0.0)
    assert run.epoch == 10
    assert run.metrics().train_loss < before - 0.05
    assert run.history.epochs == list(range(11))


def test_one_call_trains_at_most_the_epoch_cap():
    """Epochs per frame are capped, so a session cannot ask for unbounded work."""
    run = Training.start(Setup(n_points=40))
    run.train(10 * MAX_EPOCHS_PER_FRAME, lr=LR, batch_size=BATCH, l2=0.0)
    assert run.epoch == MAX_EPOCHS_PER_FRAME


def test_a_time_budget_stops_training_after_the_epoch_that_used_it_up():
    """max_seconds=0 still trains one epoch, then stops, whatever the epochs asked."""
    run = Training.start(Setup())
    run.train(MAX_EPOCHS_PER_FRAME, lr=LR, batch_size=BATCH, l2=0.0, max_seconds=0.0)
    assert run.epoch == 1
    run.train(3, lr=LR, batch_size=BATCH, l2=0.0, max_seconds=60.0)
    assert run.epoch == 4


def test_a_diverging_run_raises_and_is_left_as_it_was_before_the_call():
    """A huge learning rate on a linear network overflows; the call is rolled back."""
    run = Training.start(Setup(activation="linear", hidden=(32, 32, 32)))
    with pytest.raises(Diverged, match="Lower the learning rate"):
        for _ in range(50):
            weights, epoch = [W.copy() for W in run.net.weights], run.epoch
            run.train(1, lr=10.0, batch_size=1, l2=0.0)
    assert run.epoch == epoch
    for W, saved in zip(run.net.weights, weights, strict=True):
        np.testing.assert_array_equal(W, saved)
    assert run.history.epochs[-1] == epoch
    assert np.isfinite(run.metrics().train_loss)


def test_undo_goes_back_to_just_before_the_last_training_call_once():
    """Weights, epoch, metrics, history and the rng all return; a second undo is a no-op."""
    run = Training.start(Setup())
    run.train(2, lr=LR, batch_size=BATCH, l2=0.0)
    weights, metrics, epochs = (
        [W.copy() for W in run.net.weights],
        run.metrics(),
        run.history.epochs[:],
    )
    run.train(3, lr=LR, batch_size=BATCH, l2=0.0)
    assert run.undo() is True
    assert run.epoch == 2 and run.metrics() == metrics and run.history.epochs == epochs
    for W, saved in zip(run.net.weights, weights, strict=True):
        np.testing.assert_array_equal(W, saved)
    assert run.undo() is False
    again = Training.start(Setup())
    again.train(2, lr=LR, batch_size=BATCH, l2=0.0)
    again.train(3, lr=LR, batch_size=BATCH, l2=0.0)
    run.train(3, lr=LR, batch_size=BATCH, l2=0.0)  # the rng was restored too: same result
    assert run.metrics() == again.metrics()


@pytest.mark.parametrize(
    ("change", "names"),
    [
        (dict(n_points=5), "Number of points 5"),
        (dict(n_points=5000), "Number of points 5000"),
        (dict(noise=1.5), "Noise 1.5"),
        (dict(test_fraction=1.0), "Test fraction 1"),
        (dict(dataset="spiral", n_classes=7), "Classes 7"),
        (dict(dataset="circle", n_classes=3), "circle has exactly 2 classes"),
        (dict(hidden=(8, 8, 8, 8, 8)), "5 hidden layers"),
        (dict(hidden=(8, 64)), "Hidden layer 2 has 64 units"),
        (dict(activation="gelu"), "Activation 'gelu'"),
        (dict(dataset="rings"), "Dataset 'rings'"),
    ],
)
def test_an_out_of_bounds_setup_names_the_setting(change, names):
    """Each bound (points, layers, units, classes...) is checked with a readable message."""
    setup = Setup(**change)
    assert any(names in problem for problem in setup.problems())
    with pytest.raises(ValueError, match=names.split()[0]):
        Training.start(setup)


def test_the_costliest_points_are_those_with_the_largest_loss():
    """Indices sorted by -log p(true class), the largest first."""
    run = Training.start(SEED_SETUP)
    run.train(5, lr=LR, batch_size=BATCH, l2=0.0)
    p = run.net.predict_proba(run.X_train)
    loss = -np.log(p[np.arange(len(p)), run.y_train])
    idx = run.costliest(5)
    np.testing.assert_array_equal(idx, np.argsort(loss)[::-1][:5])
    rows = run.costliest_rows(5)
    assert rows[0]["loss −log p(class)"] == pytest.approx(loss.max())
    assert rows[0]["p(class)"] == pytest.approx(np.exp(-loss.max()))


def test_the_probability_grid_is_the_networks_softmax_over_the_plane():
    """(100, 100, C), rows summing to 1, row i at x2 = axis[i], column j at x1 = axis[j]."""
    run = Training.start(SEED_SETUP)
    grid = run.probability_grid()
    assert grid.shape == (100, 100, 3)
    np.testing.assert_allclose(grid.sum(axis=-1), 1.0)
    axis = np.linspace(-6, 6, 100)
    corner = run.net.predict_proba(np.array([[axis[7], axis[90]]]))[0]
    np.testing.assert_allclose(grid[90, 7], corner)


def test_the_first_layer_grid_holds_one_picture_per_unit():
    """(units, 40, 40) of the first hidden layer's outputs; None without hidden layers."""
    run = Training.start(Setup(hidden=(5, 3)))
    units = run.first_layer_grid()
    assert units.shape == (5, 40, 40)
    axis = np.linspace(-6, 6, 40)
    expected = run.net.hidden_activations(np.array([[axis[3], axis[30]]]))[0][0]
    np.testing.assert_allclose(units[:, 30, 3], expected)
    assert Training.start(Setup(hidden=())).first_layer_grid() is None


def test_the_history_stays_bounded_and_still_spans_every_epoch():
    """Past its limit it keeps every other record: first and newest epochs stay."""
    history = History(limit=10)
    for epoch in range(101):
        history.add(Metrics(epoch, 1.0 / (epoch + 1), 1.0, 0.5, 0.5))
    assert len(history) <= 10
    assert history.epochs[0] == 0 and history.epochs[-1] == 100
    assert history.epochs == sorted(history.epochs)
    assert len(history.train_loss) == len(history.test_loss) == len(history)


def test_frame_sleep_caps_the_frame_rate_and_the_cpu_share():
    """Short frames wait for the frame period; long frames wait as long as they worked."""
    assert frame_sleep(0.0) == pytest.approx(FRAME_SECONDS)
    assert frame_sleep(0.1, duty=0.5) == pytest.approx(0.1)
    assert frame_sleep(0.035) >= MIN_SLEEP


def test_frame_sleep_waits_what_is_left_until_the_next_frame_is_due():
    """The cap's wait is ``left`` when given (the wall clock's, from a Pace), the share of a
    core still the work's (CPU time), and never under MIN_SLEEP."""
    assert frame_sleep(0.005, left=0.02) == pytest.approx(0.02)
    assert frame_sleep(0.005, left=-0.5) == pytest.approx(MIN_SLEEP)
    assert frame_sleep(0.1, left=0.0, duty=0.5) == pytest.approx(0.1)


def test_a_pace_keeps_its_period_on_the_wall_clock_whatever_the_overshoot():
    """Each frame is due a period after the last was due, not after it started: a frame
    started 5 ms late leaves 5 ms less of its period, so the schedule does not drift."""
    pace = Pace(0.1)
    pace.start(10.0)
    assert pace.left(10.03) == pytest.approx(0.07)
    pace.start(10.105)  # woke 5 ms late
    assert pace.left(10.13) == pytest.approx(0.07)  # due at 10.2, not at 10.205
    dues = []
    for k in range(2, 50):
        pace.start(10.0 + 0.1 * k + 0.004)  # always 4 ms late
        dues.append(pace.due)
    assert dues == [pytest.approx(10.0 + 0.1 * k) for k in range(2, 50)]


def test_a_pace_late_by_more_than_a_period_catches_up_by_one_frame_only():
    pace = Pace(0.1)
    pace.start(0.0)
    pace.start(2.0)  # due at 0.1: nearly two seconds late
    assert pace.due == pytest.approx(1.9)  # one period behind, not 19
    assert pace.left(2.01) == pytest.approx(-0.01)  # the next one at once …
    pace.start(2.02)
    assert pace.left(2.03) == pytest.approx(0.07)  # … then back to the period


def test_a_pace_started_early_starts_its_schedule_again():
    pace = Pace(0.1)
    pace.start(5.0)
    pace.start(5.0)  # a frame before it was due (a sleep cut short, a fake clock)
    assert pace.due == 5.0 and pace.left(5.0) == pytest.approx(0.1)


def test_players_of_one_process_share_its_cpu_budget_and_leave_it_when_done():
    """Three players each compute at most a third of PROCESS_DUTY; alone again, half a core."""
    work = 0.1
    alone = frame_sleep(work, duty=0.5)
    with playing(), playing(), playing():
        shared = frame_sleep(work, duty=0.5)
        assert work / (work + shared) == pytest.approx(PROCESS_DUTY / 3)
    with playing():
        assert frame_sleep(work, duty=0.5) == pytest.approx(alone)  # one player: its own duty
    assert frame_sleep(work, duty=0.5) == pytest.approx(alone)


def test_a_player_that_stops_with_an_exception_leaves_the_count():
    """Streamlit stops a playing loop by raising; the shared budget must not stay divided."""
    alone = frame_sleep(0.1)
    with pytest.raises(RuntimeError), playing(), playing():
        raise RuntimeError("rerun")
    assert frame_sleep(0.1) == pytest.approx(alone)


# --- your own data ----------------------------------------------------------------------------


def uploaded(n: int = 40):
    """A small file: two clusters labelled 'no' and 'yes', sorted by class as files often are."""
    from ui.files.points import parse_points_csv

    rows = [f"{10 + i % 5},{20 + i // 5},no" for i in range(n // 2)]
    rows += [f"{30 + i % 5},{20 + i // 5},yes" for i in range(n - n // 2)]
    return parse_points_csv(("x1,x2,label\n" + "\n".join(rows)).encode(), file_name="f.csv")


def upload_setup(points, **changes) -> Setup:
    return Setup(
        **{
            "dataset": UPLOAD,
            "n_points": len(points),
            "n_classes": points.n_classes,
            "upload": points.fingerprint,
            **changes,
        }
    )


def test_an_uploaded_file_is_shuffled_then_split_and_trains():
    """A file sorted by class still gives both classes in each split; its names are kept."""
    points = uploaded()
    run = Training.start(upload_setup(points), upload=points)
    assert (len(run.X_train), len(run.X_test)) == (20, 20)
    assert set(run.y_train) == {0, 1} and set(run.y_test) == {0, 1}
    assert run.class_names == ("no", "yes")
    assert run.setup.sizes == [2, 8, 4, 2]
    merged = np.vstack([run.X_train, run.X_test])
    assert sorted(map(tuple, merged)) == sorted(map(tuple, points.X))  # the same points
    before = run.metrics().train_loss
    for _ in range(5):
        run.train(1, lr=0.1, batch_size=5, l2=0.0)
    assert run.metrics().train_loss < before


def test_an_uploaded_file_reshuffles_with_the_data_seed_and_reproduces_with_it():
    """Seed 0 twice: the same split; seed 1: another split of the same points."""
    points = uploaded()
    a = Training.start(upload_setup(points), upload=points)
    b = Training.start(upload_setup(points), upload=points)
    c = Training.start(upload_setup(points, data_seed=1), upload=points)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, c.X_train)


def test_an_upload_setup_needs_its_file():
    """Without the points, or with another file's, start refuses; no fingerprint is a problem."""
    points = uploaded()
    with pytest.raises(ValueError, match="pass its points"):
        Training.start(upload_setup(points))
    with pytest.raises(ValueError, match="pass its points"):
        Training.start(upload_setup(points), upload=uploaded(42))
    assert any("upload a CSV" in p for p in upload_setup(points, upload="").problems())
    assert upload_setup(points, n_points=10).problems() == []  # files may be small
    assert upload_setup(points, n_classes=6).problems() != []


def test_a_built_in_dataset_names_its_classes_by_number():
    """Circle: classes '0' and '1'; an upload passed by mistake is ignored."""
    run = Training.start(Setup(), upload=uploaded())
    assert run.class_names == ("0", "1") and run.upload is None


# --- calibration -----------------------------------------------------------------------------


def test_calibration_is_xent_cores_on_the_test_points():
    """ECE, reliability and τ* recomputed here from the test logits agree exactly."""
    from xent_core.calibration import calibrated_probabilities, temperature_scale

    run = Training.start(Setup(dataset="gaussian", noise=0.6, hidden=(16, 16)))
    run.train(10, lr=0.1, batch_size=10, l2=0.0)
    cal = run.calibration(8)
    z = run.net.forward(run.X_test)
    p = xent_core.softmax(z)
    fit = temperature_scale(z, run.y_test)
    assert cal.epoch == 10 and cal.n_bins == 8
    assert cal.fit.temperature == fit.temperature
    assert cal.ece_before == xent_core.expected_calibration_error(run.y_test, p, 8)
    p_after = calibrated_probabilities(z, fit.temperature)
    assert cal.ece_after == xent_core.expected_calibration_error(run.y_test, p_after, 8)
    np.testing.assert_array_equal(
        cal.before.count, xent_core.reliability_bins(run.y_test, p, 8).count
    )
    assert cal.test_loss == pytest.approx(run.metrics().test_loss, rel=1e-15)
    assert cal.accuracy == run.metrics().test_accuracy
    assert len(cal.ece_curve.ece) == len(cal.fit.temperatures)


def test_calibration_is_computed_once_per_epoch_and_bin_count():
    """The same epoch and bins: the cached object; a step or other bins: a new one."""
    run = Training.start(Setup())
    first = run.calibration(10)
    assert run.calibration(10) is first
    assert run.calibration(12) is not first
    run.train(1, lr=LR, batch_size=BATCH, l2=0.0)
    assert run.calibration(12).epoch == 1


def test_the_training_loss_is_xent_cores_mean_cross_entropy_to_the_bit():
    """metrics() takes the mean of the per-point losses it also keeps for the rings: the same
    float as xent_core.softmax_cross_entropy with its mean reduction, at every epoch."""
    run = Training.start(Setup())
    for _ in range(5):
        run.train(3, lr=0.3, batch_size=10, l2=0.001)
        z = run.net.forward(run.F_train)
        expected = xent_core.softmax_cross_entropy(run.y_train, z)
        assert run.metrics().train_loss == expected
        assert run.metrics().test_loss == xent_core.softmax_cross_entropy(
            run.y_test, run.net.forward(run.F_test)
        )
