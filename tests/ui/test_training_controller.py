"""The Live training page's controller over a plain dict: buttons, upload, settings, the run."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ui.model import training_controller as control
from ui.model.training import SEED_SETUP, TRAIN_SECONDS, UPLOAD, Diverged, History, Setup
from ui.model.training_controller import (
    ERROR,
    NOTE,
    PARAMS,
    POINTS,
    REQUEST,
    RUNNING,
    STATE,
    UPLOAD_ERROR,
    UPLOADER,
)


def defaults(**changes) -> dict:
    """The session as the page's widgets start it (every setting at its default)."""
    return {**{p.key: p.default for p in PARAMS}, **changes}


@dataclass
class File:
    """What the file uploader holds: a name and the bytes."""

    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


GOOD = "x1,x2,label\n" + "".join(
    f"{i % 7},{i // 7},{'cat' if i % 7 < 3 else 'dog'}\n" for i in range(42)
)


def test_every_setting_has_its_own_key_and_its_default_survives_a_link():
    """Keys are unique; each default written into a link reads back as itself."""
    keys = [p.key for p in PARAMS]
    assert len(keys) == len(set(keys))
    for p in PARAMS:
        assert p.parse(p.format(p.default)) == p.default, p.key


# --- buttons ----------------------------------------------------------------------------------


def test_play_pause_toggles_and_forgets_the_last_divergence():
    """Play from nothing, then Pause; either click clears the divergence message."""
    state = {ERROR: "diverged"}
    control.play_pause(state)
    assert state[RUNNING] is True and ERROR not in state
    state[ERROR] = "diverged again"
    control.play_pause(state)
    assert state[RUNNING] is False and ERROR not in state
    assert control.running(state) is False


@pytest.mark.parametrize("what", ["step", "reset"])
def test_step_and_reset_pause_and_leave_their_request(what):
    """A Step or Reset click while playing pauses and asks the script to do it."""
    state = {RUNNING: True}
    control.request(state, what)
    assert state == {RUNNING: False, REQUEST: what}


@pytest.mark.parametrize(("seed", "after"), [(0, 1), (41, 42), (9999, 0)])
def test_new_data_takes_the_next_seed_and_wraps_at_the_last(seed, after):
    state = defaults(tr_seed=seed)
    control.regenerate(state)
    assert state["tr_seed"] == after


def test_the_seed_network_button_sets_the_widgets_to_the_seed_setup_with_a_note():
    """After the click, the settings read back as exactly SEED_SETUP; the rate is kept."""
    state = defaults(tr_data="xor", tr_layers=3, tr_units1=2, tr_act="relu", tr_lr=0.3)
    control.load_seed_network(state)
    assert control.setup_from_state(state) == SEED_SETUP
    assert SEED_SETUP.sizes == [2, 16, 3]
    assert state["tr_lr"] == 0.3
    assert "the classic 16-unit numpy network" in state[NOTE]


# --- your own file ------------------------------------------------------------------------------


def test_a_good_file_is_read_once_and_kept_and_a_bad_one_is_named_but_not_kept():
    """Good: its points; bad: (name, line and column) and the good points stay; removed: no
    error, the good points stay."""
    state = defaults(**{UPLOADER: File("pets.csv", GOOD.encode())})
    control.uploaded(state)
    good = state[POINTS]
    assert good.class_names == ("cat", "dog") and len(good) == 42 and UPLOAD_ERROR not in state

    state[UPLOADER] = File("bad.csv", GOOD.replace("3,1,dog", "3,one,dog").encode())
    control.uploaded(state)
    name, message = state[UPLOAD_ERROR]
    assert name == "bad.csv" and "column “x2”: “one” is not a number" in message
    assert state[POINTS] is good

    state[UPLOADER] = None
    control.uploaded(state)
    assert UPLOAD_ERROR not in state and state[POINTS] is good


def test_the_setup_of_a_file_takes_its_size_classes_and_fingerprint():
    state = defaults(tr_data=UPLOAD, **{UPLOADER: File("pets.csv", GOOD.encode())})
    assert control.waiting_for_upload(control.setup_from_state(state))
    control.uploaded(state)
    setup = control.setup_from_state(state)
    assert (setup.n_points, setup.n_classes) == (42, 2)
    assert setup.upload == state[POINTS].fingerprint
    assert not control.waiting_for_upload(setup)
    run = control.current_training(state, setup)
    assert run.class_names == ("cat", "dog")


# --- reading the settings -----------------------------------------------------------------------


def test_the_default_widgets_give_the_default_setup():
    """Circle, 300 points, [2, 8, 4, 2]: the classes slider (3) does not apply to the circle."""
    assert control.setup_from_state(defaults()) == Setup()


def test_the_widgets_become_a_setup():
    """Spiral with 4 classes, 25 % test, one layer of 6 relu units, seed 7."""
    state = defaults(
        tr_data="spiral", tr_classes=4, tr_test=25, tr_layers=1, tr_units1=6, tr_act="relu"
    )
    state["tr_seed"] = 7
    setup = control.setup_from_state(state)
    assert setup == Setup(
        dataset="spiral",
        n_classes=4,
        test_fraction=0.25,
        hidden=(6,),
        activation="relu",
        data_seed=7,
    )
    assert control.setup_from_state(defaults(tr_layers=0)).sizes == [2, 2]


def test_changed_settings_are_named_in_words():
    old = Setup()
    new = Setup(noise=0.4, hidden=(8,), data_seed=3)
    assert control.changed_settings(old, new) == ["noise", "data seed", "hidden layers"]
    assert control.changed_settings(old, old) == []
    note = control.restarted_note(old, new)
    assert note.startswith("Changed the noise, data seed, hidden layers: training restarted")


# --- the session's run ------------------------------------------------------------------------


def test_the_first_run_starts_at_epoch_0_and_the_next_call_keeps_it():
    state = defaults()
    run = control.current_training(state, Setup())
    assert state[STATE] is run and run.epoch == 0
    assert control.current_training(state, Setup()) is run
    assert NOTE not in state


def test_a_changed_setup_starts_again_with_a_note_naming_the_change():
    state = defaults()
    first = control.current_training(state, Setup())
    run = control.current_training(state, Setup(noise=0.4))
    assert run is not first and run.epoch == 0 and run.setup.noise == 0.4
    assert "Changed the noise: training restarted at epoch 0" in state[NOTE]


def test_a_note_already_waiting_is_not_replaced_by_the_restart_note():
    """The classic network changes many settings: its own note is the one shown."""
    state = defaults()
    control.current_training(state, Setup())
    control.load_seed_network(state)
    control.current_training(state, control.setup_from_state(state))
    assert state[NOTE] == control.SEED_NETWORK_NOTE


def test_step_trains_one_epoch_and_reset_gives_the_same_first_state_again():
    state = defaults()
    first = control.current_training(state, Setup()).metrics()
    control.request(state, "step")
    run = control.current_training(state, Setup())
    assert run.epoch == 1 and REQUEST not in state
    assert control.current_training(state, Setup()).epoch == 1  # asked once, done once
    control.request(state, "reset")
    run = control.current_training(state, Setup())
    assert run.epoch == 0 and run.metrics() == first and run.history.epochs == [0]


def test_a_new_run_forgets_the_last_divergence():
    state = defaults(**{ERROR: "diverged"})
    control.current_training(state, Setup())
    assert ERROR not in state


class Recording:
    """A run that records how it was asked to train, or diverges."""

    def __init__(self, diverge: bool = False):
        self.diverge, self.calls = diverge, []
        self.setup = Setup()
        self.history = History()  # a steady loss, as a healthy run has
        self.history.train_loss[:] = self.history.test_loss[:] = [0.7, 0.6, 0.5]
        self.history.epochs[:] = [0, 1, 2]

    def train(self, epochs, **settings):
        self.calls.append((epochs, settings))
        if self.diverge:
            raise Diverged("Training diverged after epoch 3: … Lower the learning rate")


def test_training_reads_rate_batch_and_l2_at_each_call_within_the_time_budget():
    """The on-the-fly settings are the widgets' values at the moment of the frame."""
    state = defaults(tr_lr=0.3, tr_batch=4, tr_l2=0.001)
    run = Recording()
    assert control.train(state, run, epochs=5)
    state["tr_lr"] = 1.0
    control.train(state, run, epochs=1)
    assert run.calls == [
        (5, {"lr": 0.3, "batch_size": 4, "l2": 0.001, "max_seconds": TRAIN_SECONDS}),
        (1, {"lr": 1.0, "batch_size": 4, "l2": 0.001, "max_seconds": TRAIN_SECONDS}),
    ]


def test_a_divergence_pauses_with_the_message_instead_of_raising():
    state = defaults(**{RUNNING: True})
    assert not control.train(state, Recording(diverge=True), epochs=1)
    assert state[RUNNING] is False
    assert "Lower the learning rate" in state[ERROR]


class LossHistory:
    """A run as may_be_diverging and health read it: its loss history and class count."""

    def __init__(self, losses: list[float], n_classes: int = 2):
        self.setup = Setup(n_classes=n_classes)
        self.history = History()
        self.history.train_loss[:] = self.history.test_loss[:] = list(losses)
        self.history.epochs[:] = list(range(len(losses)))


@pytest.mark.parametrize(
    ("losses", "expected"),
    [
        ([0.7, 0.6, 0.5], False),  # steady
        ([0.7, 0.6, 5.9], False),  # below 10 × min(lowest 0.6, log 2 = 0.693) = 6.0
        ([0.7, 0.6, 6.0], True),  # 10x the lowest (0.6)
        ([0.7, 0.6, float("inf")], True),
        ([0.7, 0.6, float("nan")], True),
        ([50.0, 40.0, 30.0], True),  # above 10·log 2 = 6.93 from the start
    ],
)
def test_the_cheap_divergence_precheck_answers_true_exactly_when_the_newest_loss_could_diverge(
    losses, expected
):
    assert control.may_be_diverging(LossHistory(losses)) is expected


def test_the_precheck_never_misses_a_divergence_the_full_check_finds_at_the_newest_epoch():
    """Random histories, checked epoch by epoch as the page does: wherever training_health
    first says "diverging" at the newest epoch, the precheck said True for it."""
    import numpy as np

    rng = np.random.default_rng(0)
    caught = 0
    for _ in range(300):
        n_classes = int(rng.integers(2, 6))
        losses = list(np.exp(rng.normal(0.0, 1.5, size=12)) * rng.choice([0.1, 1.0, 10.0]))
        for t in range(1, len(losses) + 1):
            run = LossHistory(losses[:t], n_classes=n_classes)
            verdict = control.health(run)
            if verdict.status == "diverging":
                assert verdict.epoch == t - 1  # first seen at the newest epoch
                assert control.may_be_diverging(run)
                caught += 1
                break
    assert caught > 30  # the random histories do diverge, often enough to test the claim
