"""Editing the network (ui.model.network): set a weight, add or remove a unit keeping every
other weight, the connections listed, the diagram's commands, the unit grids."""

from __future__ import annotations

import numpy as np
import pytest

import xent_core
from ui.model.network import (
    MAX_UNITS,
    Command,
    add_unit,
    apply,
    connections,
    copy_net,
    identical_units,
    layer_grids,
    parse_command,
    parse_edge,
    remove_unit,
    set_weight,
)


def trained(sizes=(2, 8, 4, 3), *, init=None, activation="tanh", epochs=5) -> xent_core.MLP:
    X, y = xent_core.make_dataset("blobs", n=120, noise=0.5, seed=1, n_classes=sizes[-1])
    net = xent_core.MLP(list(sizes), activation=activation, seed=0, init=init)
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        net.train_epoch(X, y, lr=0.1, batch_size=10, rng=rng)
    return net


def arrays(net: xent_core.MLP) -> list[np.ndarray]:
    return [a.copy() for pair in zip(net.weights, net.biases, strict=True) for a in pair]


# --- set one weight ----------------------------------------------------------------------------


def test_setting_a_weight_changes_that_entry_only_in_a_new_network():
    """weights[1][2, 3] = 0.5 in the copy; the original and every other number unchanged."""
    net = trained()
    before = arrays(net)
    new = set_weight(net, 1, 2, 3, 0.5)
    assert new is not net and new.weights[1] is not net.weights[1]
    assert new.weights[1][2, 3] == 0.5
    for a, b in zip(arrays(net), before, strict=True):
        assert np.array_equal(a, b)  # the given network is untouched
    changed = [np.argwhere(a != b) for a, b in zip(arrays(new), before, strict=True)]
    assert [len(c) for c in changed] == [0, 0, 1, 0, 0, 0]
    assert new.sizes == net.sizes and new.activation == net.activation and new.init == net.init


def test_a_set_weight_moves_the_logits_as_the_formula_says():
    """Setting W₁[i, j] from a to b adds (b − a)·x_i to every point's z_j (no hidden layer)."""
    net = xent_core.MLP([2, 3], seed=4)
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    new = set_weight(net, 0, 1, 2, net.weights[0][1, 2] + 0.25)
    delta = new.forward(X) - net.forward(X)
    assert np.allclose(delta[:, 2], 0.25 * X[:, 1], atol=1e-12)
    assert np.allclose(delta[:, :2], 0.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((3, 0, 0, 1.0), r"k = 3: the network has weight matrices 0 to 2"),
        ((0, 2, 0, 1.0), r"\(2, 0\) is outside weights\[0\], shaped \(2, 8\)"),
        ((0, 0, 0, float("nan")), r"A weight must be a number from −100 to 100"),
        ((0, 0, 0, 1e6), r"A weight must be a number from −100 to 100"),
    ],
)
def test_a_weight_that_cannot_be_set_is_refused_with_the_reason(args, message):
    with pytest.raises(ValueError, match=message):
        set_weight(trained(epochs=0), *args)


# --- add and remove units ---------------------------------------------------------------------


@pytest.mark.parametrize("layer", [1, 2])
def test_adding_a_unit_keeps_every_other_weight_and_starts_its_bias_at_zero(layer):
    """The new unit is the last of its layer: a new column in, a new row out, bias 0."""
    net = trained()
    new = add_unit(net, layer, seed=7)
    sizes = list(net.sizes)
    sizes[layer] += 1
    assert new.sizes == sizes
    assert [W.shape for W in new.weights] == [
        (a, b) for a, b in zip(sizes, sizes[1:], strict=False)
    ]
    into, out = new.weights[layer - 1], new.weights[layer]
    assert np.array_equal(into[:, :-1], net.weights[layer - 1])
    assert np.array_equal(out[:-1], net.weights[layer])
    assert np.array_equal(new.biases[layer - 1][:-1], net.biases[layer - 1])
    assert new.biases[layer - 1][-1] == 0.0
    assert np.all(into[:, -1] != 0) and np.all(out[-1] != 0)  # glorot draws
    others = [k for k in range(len(net.weights)) if k not in (layer - 1, layer)]
    for k in others:
        assert np.array_equal(new.weights[k], net.weights[k])
    assert net.sizes == [2, 8, 4, 3]  # the given network is untouched


def test_a_new_units_weights_follow_the_init_rule_from_a_fixed_rng():
    """Same clicks, same weights; zeros stays zeros; 'small' draws σ = 0.01; glorot wider."""
    net = trained()
    assert np.array_equal(add_unit(net, 1, seed=3).weights[0], add_unit(net, 1, seed=3).weights[0])
    assert not np.array_equal(
        add_unit(net, 1, seed=3).weights[0], add_unit(net, 1, seed=4).weights[0]
    )
    zeros = add_unit(trained(init="zeros"), 1)
    assert np.all(zeros.weights[0][:, -1] == 0) and np.all(zeros.weights[1][-1] == 0)
    wide = trained((2, 31, 3), init="small")
    small = np.concatenate([add_unit(wide, 1, seed=s).weights[1][-1] for s in range(40)])
    assert 0.005 < small.std() < 0.02
    glorot = np.concatenate(
        [add_unit(trained((2, 31, 3)), 1, seed=s).weights[1][-1] for s in range(40)]
    )
    assert 0.15 < glorot.std() < 0.4  # σ = √(2 / (32 + 3)) ≈ 0.24


@pytest.mark.parametrize("init", ["glorot", "he", "small"])
def test_a_new_unit_is_drawn_with_xent_cores_init_std(init):
    """Its column in and row out: N(0, init_std²) for the new widths, in that order, from
    default_rng((seed, layer, new width))."""
    net = trained((2, 5, 4, 3), init=init)
    new = add_unit(net, 2, seed=9)
    rng = np.random.default_rng([9, 2, 5])
    column = rng.normal(0.0, xent_core.init_std(init, 5, 5), size=(5, 1))
    row = rng.normal(0.0, xent_core.init_std(init, 5, 3), size=(1, 3))
    np.testing.assert_array_equal(new.weights[1][:, -1:], column)
    np.testing.assert_array_equal(new.weights[2][-1:], row)


@pytest.mark.parametrize("unit", [0, 3, None])
def test_removing_a_unit_keeps_every_other_weight(unit):
    """Drop column `unit` of the matrix into the layer, its bias, and its row out of it."""
    net = trained()
    new = remove_unit(net, 1, unit)
    gone = 7 if unit is None else unit
    assert new.sizes == [2, 7, 4, 3]
    assert np.array_equal(new.weights[0], np.delete(net.weights[0], gone, axis=1))
    assert np.array_equal(new.biases[0], np.delete(net.biases[0], gone))
    assert np.array_equal(new.weights[1], np.delete(net.weights[1], gone, axis=0))
    assert np.array_equal(new.weights[2], net.weights[2])
    assert net.sizes == [2, 8, 4, 3]


def test_adding_then_removing_the_last_unit_gives_the_network_back_exactly():
    net = trained()
    back = remove_unit(add_unit(net, 2, seed=1), 2)
    for a, b in zip(arrays(back), arrays(net), strict=True):
        assert np.array_equal(a, b)


def test_removing_a_silent_unit_leaves_the_outputs_unchanged():
    """A unit whose outgoing weights are all 0 contributes nothing: removing it is exact."""
    net = trained()
    for j in range(net.sizes[2]):
        net = set_weight(net, 1, 5, j, 0.0)  # unit 5 of layer 1 says nothing to layer 2
    X = np.random.default_rng(0).normal(size=(20, 2))
    assert np.allclose(remove_unit(net, 1, 5).forward(X), net.forward(X), atol=1e-12)


def remove_four(net: xent_core.MLP) -> xent_core.MLP:
    for _ in range(4):
        net = remove_unit(net, 2)
    return net


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda net: add_unit(net, 0), "layer 0 is not a hidden layer: the network has hidden"),
        (lambda net: add_unit(net, 3), "layer 3 is not a hidden layer"),
        (remove_four, "Hidden layer 2 has one unit left"),
        (lambda net: remove_unit(net, 1, 8), r"unit 8 is not in hidden layer 1 \(units 0 to 7\)"),
        (lambda net: add_unit(xent_core.MLP([2, 3]), 1), "layer 1: the network has no hidden"),
    ],
)
def test_a_unit_that_cannot_be_added_or_removed_is_refused_with_the_reason(call, message):
    with pytest.raises(ValueError, match=message):
        call(trained(epochs=0))


def test_a_full_layer_takes_no_more_units():
    net = xent_core.MLP([2, MAX_UNITS, 2])
    with pytest.raises(ValueError, match=f"has {MAX_UNITS} units, the most"):
        add_unit(net, 1)


def test_an_edited_network_trains_on():
    """The copy is a working MLP: a training epoch runs and its shapes hold."""
    X, y = xent_core.make_dataset("xor", n=60, noise=0.1, seed=0)
    net = add_unit(remove_unit(trained((2, 4, 2)), 1, 0), 1)
    loss = net.train_epoch(X, y, lr=0.1, batch_size=10)
    assert np.isfinite(loss) and [W.shape for W in net.weights] == [(2, 4), (4, 2)]


def test_copy_net_keeps_the_init_rule_for_later_units():
    net = xent_core.MLP([2, 4, 2], activation="relu", init="small")
    copy = copy_net(net)
    assert copy.init == "small" and copy.activation == "relu"
    assert all(np.array_equal(a, b) for a, b in zip(arrays(copy), arrays(net), strict=True))


# --- zeros: every unit the same forever ------------------------------------------------------


def test_with_zeros_init_every_hidden_unit_stays_identical_while_training():
    """The diagram's lesson: a zeros start never breaks the symmetry (units stay clones)."""
    net = trained((2, 6, 3, 2), init="zeros", epochs=10)
    assert identical_units(net, 1) and identical_units(net, 2)
    assert not identical_units(trained((2, 6, 3, 2), epochs=1), 1)


# --- the connections, the commands -------------------------------------------------------------


def test_the_connections_are_listed_in_the_arrays_order_with_their_names():
    net = trained((2, 3, 2), epochs=0)
    listed = connections(net, ["x1", "x2^2"])
    assert len(listed) == 2 * 3 + 3 * 2
    first = listed[0]
    assert (first.k, first.i, first.j, first.key) == (0, 0, 0, "0.0.0")
    assert first.weight == net.weights[0][0, 0]
    assert listed[4].source == "x₂²" and listed[4].target == "h₂"
    assert listed[-1].label().startswith("h₃ → z₁: w = ")


def test_a_diagram_key_names_a_connection_of_this_network_or_nothing():
    net = trained(epochs=0)
    assert parse_edge("1.7.3", net) == (1, 7, 3)
    for stale in ("1.8.0", "3.0.0", "a.b.c", "1.2", ""):
        assert parse_edge(stale, net) is None


def test_the_diagrams_commands_parse_and_apply():
    """'set k.i.j v' (a − or −), 'add k', 'remove k' -> the edited network."""
    net = trained()
    command = parse_command("set 0.1.2 −1.5", net)
    assert command == Command("set", 0, 1, 2, -1.5)
    assert apply(command, net).weights[0][1, 2] == -1.5
    assert apply(parse_command("add 2", net), net, seed=1).sizes == [2, 8, 5, 3]
    assert apply(parse_command("remove 1", net), net).sizes == [2, 7, 4, 3]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("set 0.9.0 1", "no connection '0.9.0' any more"),
        ("set 0.1.2 lots", "'lots' is not a number"),
        ("set 0.1.2 500", "from −100 to 100"),
        ("add 5", "layer 5 is not a hidden layer"),
        ("drop everything", "Not an edit of the network"),
    ],
)
def test_a_stale_or_bad_command_is_refused_with_the_reason(text, message):
    with pytest.raises(ValueError, match=message):
        parse_command(text, trained(epochs=0))


# --- what each unit outputs over the plane ----------------------------------------------------


def test_the_grids_are_the_features_the_hidden_activations_and_the_probabilities():
    """Layer by layer (units, r, r); the first is the features themselves, the last sums to 1."""
    net = trained((4, 5, 3), epochs=0)
    inputs = ["x1", "x2", "x1^2", "x1*x2"]
    grids = layer_grids(net, inputs, resolution=11)
    assert [g.shape for g in grids] == [(4, 11, 11), (5, 11, 11), (3, 11, 11)]
    axis, points = xent_core.grid(-6.0, 6.0, 11)
    assert np.allclose(grids[0][0], points[:, 0].reshape(11, 11))  # x1
    assert np.allclose(grids[0][3], (points[:, 0] * points[:, 1]).reshape(11, 11))  # x1·x2
    assert np.allclose(grids[-1].sum(axis=0), 1.0)
    F = xent_core.features(points, inputs)
    assert np.allclose(grids[1], net.hidden_activations(F)[0].T.reshape(5, 11, 11))
