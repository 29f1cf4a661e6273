"""The network levers over a dict (ui.model.network_levers) and what they do to a run
(ui.model.training): features, init, optimiser, the race, edits at the same epoch, undo."""

from __future__ import annotations

import numpy as np
import pytest

import xent_core
from ui.model import network_levers as levers
from ui.model import training_controller as control
from ui.model.training import Diverged, Setup, Training


def defaults(**changes) -> dict:
    return {**{p.key: p.default for p in control.PARAMS}, **changes}


def weights(net: xent_core.MLP) -> list[np.ndarray]:
    return [a.copy() for pair in zip(net.weights, net.biases, strict=True) for a in pair]


# --- link settings ---------------------------------------------------------------------------


def test_the_new_settings_default_to_todays_page():
    """A state of defaults gives today's setup: x1, x2, MLP's own init, no race."""
    setup = control.setup_from_state(defaults())
    assert setup == Setup(dataset="circle", n_classes=2)
    assert setup.sizes == [2, 8, 4, 2]
    assert {p.key for p in levers.PARAMS} <= {p.key for p in control.PARAMS}


def test_features_read_and_write_short_link_names_in_xent_core_order():
    assert levers.parse_features("x2sq, X1 ,sinx2") == ["x1", "x2^2", "sin(x2)"]
    assert levers.format_features(["sin(x2)", "x1*x2", "x1"]) == "x1,x1x2,sinx2"
    assert set(levers.FEATURE_TOKENS) == set(xent_core.FEATURES)
    with pytest.raises(ValueError, match="names a feature that is not one of x1, x2, x1sq"):
        levers.parse_features("x1,x3")


def test_the_setup_takes_the_features_the_init_and_the_race_from_the_state():
    state = defaults(
        tr_features=["x1^2", "x1", "x2^2"],
        tr_init="small",
        tr_race=True,
        tr_race_opt="rmsprop",
        tr_race_lr="0.3",
    )
    setup = control.setup_from_state(state)
    assert setup.features == ("x1", "x1^2", "x2^2") and setup.sizes == [3, 8, 4, 2]
    assert setup.init == "small" and setup.race == ("rmsprop", 0.3)
    assert control.setup_from_state(defaults(tr_features=[])).features == ("x1", "x2")
    assert control.setup_from_state(defaults(tr_race=True)).race == ("adam", None)


def test_bad_features_or_init_are_named_by_the_setup():
    problems = " ".join(Setup(features=("x1", "x7"), init="ones").problems())
    assert "Input features x1, x7: choose one or more of x1, x2" in problems
    assert "Initialisation 'ones' is not one of glorot, he, small, zeros" in problems
    assert "Race optimiser 'lbfgs'" in " ".join(Setup(race=("lbfgs", None)).problems())


def test_the_restart_note_names_the_new_settings():
    old = Setup()
    new = Setup(features=("x1", "x2", "x1*x2"), init="he", race=("adam", None))
    assert control.changed_settings(old, new) == ["input features", "initialisation", "race"]


@pytest.mark.parametrize(
    ("optimizer", "lr", "rival", "names"),
    [
        ("sgd", 0.03, ("adam", None), ("SGD", "Adam")),
        ("sgd", 0.03, ("sgd", 0.3), ("SGD, η = 0.03", "SGD, η = 0.3")),
        ("adam", 0.01, ("adam", None), ("Adam, η = 0.01", "Adam, η = 0.01")),
    ],
)
def test_the_lanes_are_named_by_what_differs(optimizer, lr, rival, names):
    assert levers.lane_names(optimizer, lr, rival) == names


def test_the_circle_preset_sets_the_lesson_and_says_why():
    state = defaults(tr_data="moons", tr_layers=3)
    levers.circle_preset(state)
    assert state["tr_data"] == "circle" and state["tr_layers"] == 0
    assert state["tr_features"] == ["x1", "x2", "x1^2", "x2^2"]
    assert "straight line in the features x₁² and x₂²" in state[control.NOTE]
    assert levers.EDIT_NOTE == control.NOTE


# --- the run: features, init, optimiser ------------------------------------------------------


def test_a_run_on_features_feeds_the_network_the_features_and_draws_in_the_plane():
    run = Training.start(Setup(features=("x1", "x2", "x1*x2"), hidden=(3,)))
    assert run.net.sizes == [3, 3, 2]
    assert np.allclose(run.F_train[:, 2], run.X_train[:, 0] * run.X_train[:, 1])
    assert run.probability_grid(7).shape == (7, 7, 2)
    assert run.first_layer_grid(5).shape == (3, 5, 5)
    row = run.costliest_rows(1)[0]
    assert row["x₁"] in run.X_train[:, 0]  # the point, not its features


def test_the_init_reaches_the_network():
    assert all(np.all(W == 0) for W in Training.start(Setup(init="zeros")).net.weights)
    small = Training.start(Setup(init="small", hidden=(32,))).net.weights[0]
    assert small.std() < 0.02


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_undo_puts_back_the_optimisers_state_too(optimizer):
    """Train, train (undone), train: the same as train, train — momentum included."""
    a, b = Training.start(Setup()), Training.start(Setup())
    for run in (a, b):
        run.train(1, lr=0.03, batch_size=10, l2=0.0, optimizer=optimizer)
    a.train(2, lr=0.03, batch_size=10, l2=0.0, optimizer=optimizer)
    assert a.undo()
    for run in (a, b):
        run.train(2, lr=0.03, batch_size=10, l2=0.0, optimizer=optimizer)
    assert all(np.array_equal(x, y) for x, y in zip(weights(a.net), weights(b.net), strict=True))
    assert a.epoch == b.epoch == 3


# --- the race --------------------------------------------------------------------------------


def test_a_race_starts_both_copies_from_the_same_weights_and_batches():
    """Same optimiser and η in both lanes: the two copies stay equal, epoch after epoch."""
    run = Training.start(Setup(race=("sgd", None)))
    run.train(3, lr=0.03, batch_size=10, l2=0.0)
    assert all(
        np.array_equal(x, y)
        for x, y in zip(weights(run.net), weights(run.race.lane.net), strict=True)
    )
    assert run.race.history.train_loss == run.history.train_loss


def test_a_raced_optimiser_learns_differently_and_its_history_follows():
    run = Training.start(Setup(race=("adam", 0.01)))
    for _ in range(3):
        run.train(1, lr=0.03, batch_size=10, l2=0.0)
    assert run.race.history.epochs == [0, 1, 2, 3]
    assert run.race.history.train_loss[-1] != run.history.train_loss[-1]
    assert run.race.metrics.epoch == 3


def test_undo_rewinds_both_lanes():
    run = Training.start(Setup(race=("momentum", None)))
    run.train(1, lr=0.03, batch_size=10, l2=0.0)
    before = weights(run.race.lane.net), list(run.race.history.epochs)
    run.train(2, lr=0.03, batch_size=10, l2=0.0)
    assert run.undo()
    assert all(
        np.array_equal(x, y) for x, y in zip(weights(run.race.lane.net), before[0], strict=True)
    )
    assert run.race.history.epochs == before[1] == [0, 1]


def test_when_the_second_lane_diverges_the_message_says_so():
    run = Training.start(Setup(race=("sgd", None)))
    run.race.lane.net.weights[1][0, 0] = np.inf  # as a far too large learning rate leaves it
    with pytest.raises(Diverged, match="The race's second lane diverged"):
        run.train(1, lr=0.03, batch_size=10, l2=0.0)
    assert run.epoch == 0


# --- edits ---------------------------------------------------------------------------------


def test_an_edit_keeps_the_epoch_and_rewrites_the_curves_last_point():
    state = defaults()
    run = Training.start(Setup())
    for _ in range(2):
        run.train(1, lr=0.03, batch_size=10, l2=0.0)
    before = run.metrics().train_loss
    assert levers.edit_network(state, run, "set 1.0.1 4.0")
    assert run.net.weights[1][0, 1] == 4.0 and run.epoch == 2
    assert run.history.epochs == [0, 1, 2]
    assert run.history.train_loss[-1] == run.metrics().train_loss != before
    assert not run.undo()  # the edit is what the student sees: nothing to undo past it
    assert state[levers.WEIGHT] == 4.0
    assert "Set the weight to 4.000. The training loss went from" in state[control.NOTE]


def test_adding_a_unit_moves_the_units_setting_so_the_page_does_not_restart():
    state = defaults()
    run = Training.start(control.setup_from_state(state))
    assert levers.edit_network(state, run, "add 2")
    assert state["tr_units2"] == 5 and run.setup.hidden == (8, 5)
    assert control.setup_from_state(state) == run.setup  # the same run goes on
    assert levers.edit_network(state, run, "remove 1")
    assert state["tr_units1"] == 7 and run.net.sizes == [2, 7, 5, 2]
    assert "every other weight kept" in state[control.NOTE]


def test_an_edit_in_a_race_edits_both_copies():
    run = Training.start(Setup(race=("adam", None)))
    levers.edit_network(defaults(), run, "add 1")
    levers.edit_network(defaults(), run, "set 0.0.8 0.75")
    assert run.net.sizes == run.race.lane.net.sizes == [2, 9, 4, 2]
    assert run.race.lane.net.weights[0][0, 8] == 0.75
    assert run.race.history.epochs == [0]


def test_an_edit_that_cannot_be_made_leaves_the_run_and_says_why():
    state = defaults()
    run = Training.start(Setup(hidden=(1,)))
    kept = weights(run.net)
    assert not levers.edit_network(state, run, "remove 1")
    assert "one unit left" in state[levers.EDIT_ERROR]
    assert all(np.array_equal(x, y) for x, y in zip(weights(run.net), kept, strict=True))


def test_an_optimisers_momentum_survives_a_typed_weight_but_not_a_new_unit():
    run = Training.start(Setup())
    run.train(1, lr=0.03, batch_size=10, l2=0.0, optimizer="momentum")
    levers.edit_network(defaults(), run, "set 0.0.0 1")
    assert run._opt is not None and run._opt.net is run.net
    levers.edit_network(defaults(), run, "add 1")
    assert run._opt is None
    run.train(1, lr=0.03, batch_size=10, l2=0.0, optimizer="momentum")
    assert run._opt.momentum_buffers[0].shape == (2, 9)


def test_the_editor_keeps_its_choice_inside_a_shrunken_network():
    state = {levers.EDGE_K: 2, levers.EDGE_I: 7, levers.EDGE_J: 5}
    net = xent_core.MLP([2, 3, 2])
    assert levers.chosen_edge(state, net) == (1, 2, 1)
    assert state[levers.WEIGHT] == net.weights[1][2, 1]
    state[levers.EDGE_I] = 0
    levers.edge_chosen(state, net)
    assert state[levers.WEIGHT] == net.weights[1][0, 1]


def test_set_from_the_editor_writes_its_number_into_its_connection():
    state = defaults(**{levers.EDGE_K: 0, levers.EDGE_I: 1, levers.EDGE_J: 2, levers.WEIGHT: -0.5})
    run = Training.start(Setup())
    assert levers.set_from_editor(state, run)
    assert run.net.weights[0][1, 2] == -0.5


def test_the_plus_and_minus_buttons_know_the_bounds():
    assert levers.can_add([2, 31, 2], 1) and not levers.can_add([2, 32, 2], 1)
    assert levers.can_remove([2, 2, 2], 1) and not levers.can_remove([2, 1, 2], 1)
    assert not levers.can_add([2, 2], 1) and not levers.can_remove([2, 4, 2], 2)


def test_the_diagram_is_redrawn_less_often_the_more_connections_it_has():
    """2-8-4-2 (56 weights) every 8th frame from frame 2, 4 × 32 (3,232) every 24th, never in
    a frame that redraws the curve or the units; none by default."""
    from ui.model.training_loop import frame, network_every

    assert network_every(56) == 8 and network_every(600) == 12 and network_every(3232) == 24
    assert [n for n in range(1, 30) if frame(n, network_every=8).network] == [2, 10, 18, 26]
    assert [n for n in range(1, 60) if frame(n, network_every=24).network] == [2, 26, 50]
    for every in (8, 12, 24):
        plans = [frame(n, network_every=every) for n in range(1, 2000)]
        assert not any(f.network and (f.curve or f.units) for f in plans)
    assert not any(frame(n).network for n in range(1, 50))
