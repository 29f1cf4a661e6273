"""The optimiser levers (ui.model.optimizers): each name is the right xent_core optimiser,
plain SGD is MLP.train_epoch bit for bit, and a lane's state survives an undo."""

from __future__ import annotations

import numpy as np
import pytest

import xent_core
from ui.model.optimizers import (
    OPTIMIZER_NAMES,
    Lane,
    make_optimizer,
    optimizer_label,
    restore,
    state_of,
)


def data():
    return xent_core.make_dataset("spiral", n=90, noise=0.2, seed=2, n_classes=3)


def net() -> xent_core.MLP:
    return xent_core.MLP([2, 6, 3], seed=5)


def weights(n: xent_core.MLP) -> list[np.ndarray]:
    return [a.copy() for pair in zip(n.weights, n.biases, strict=True) for a in pair]


def same(a: xent_core.MLP, b: xent_core.MLP) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(weights(a), weights(b), strict=True))


def test_each_name_is_the_optimiser_it_says():
    n = net()
    made = {name: make_optimizer(name, n, 0.1) for name in OPTIMIZER_NAMES}
    assert type(made["sgd"]) is xent_core.SGD and made["sgd"].momentum == 0.0
    assert made["momentum"].momentum == 0.9 and not made["momentum"].nesterov
    assert made["nesterov"].nesterov and made["nesterov"].momentum == 0.9
    assert type(made["rmsprop"]) is xent_core.RMSprop and type(made["adam"]) is xent_core.Adam
    assert [optimizer_label(name) for name in OPTIMIZER_NAMES] == [
        "SGD", "SGD + momentum 0.9", "Nesterov momentum 0.9", "RMSprop", "Adam",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="optimizer 'lbfgs' is not one of sgd, momentum"):
        make_optimizer("lbfgs", n, 0.1)


@pytest.mark.parametrize("l1", [0.0, 0.001])
def test_the_sgd_lane_is_train_epoch_bit_for_bit(l1):
    """Three epochs of the default lane and of MLP.train_epoch with the same rng: equal bits."""
    X, y = data()
    lane, reference = Lane(net(), rng=np.random.default_rng(9)), net()
    rng = np.random.default_rng(9)
    for _ in range(3):
        a = lane.epoch(X, y, lr=0.3, batch_size=10, l2=0.001, l1=l1)
        b = reference.train_epoch(X, y, lr=0.3, batch_size=10, l2=0.001, rng=rng, l1=l1)
        assert a == b
    assert same(lane.net, reference)


@pytest.mark.parametrize("name", ["momentum", "nesterov", "rmsprop", "adam"])
def test_a_lane_trains_with_its_optimiser_and_keeps_its_state_between_epochs(name):
    """Two epochs in one lane = two epochs of one xent_core optimiser (state carried over)."""
    X, y = data()
    lane = Lane(net(), optimizer=name, rng=np.random.default_rng(1))
    reference = net()
    opt, rng = make_optimizer(name, reference, 0.01), np.random.default_rng(1)
    for _ in range(2):
        lane.epoch(X, y, lr=0.01, batch_size=15, l2=0.0)
        opt.epoch(X, y, 15, rng=rng)
    assert same(lane.net, reference)
    assert not same(lane.net, net())


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_restoring_a_snapshot_undoes_the_epochs_exactly(name):
    """Snapshot, train, restore, train again: the same weights as training once from there."""
    X, y = data()
    lane = Lane(net(), optimizer=name, rng=np.random.default_rng(3))
    lane.epoch(X, y, lr=0.05, batch_size=10, l2=0.0)
    snap = lane.snapshot()
    lane.epoch(X, y, lr=0.05, batch_size=10, l2=0.0)
    first = weights(lane.net)
    lane.restore(snap)
    lane.epoch(X, y, lr=0.05, batch_size=10, l2=0.0)
    assert all(np.array_equal(a, b) for a, b in zip(weights(lane.net), first, strict=True))


def test_switching_optimiser_keeps_the_weights_and_empties_the_state():
    X, y = data()
    lane = Lane(net(), optimizer="adam")
    lane.epoch(X, y, lr=0.01, batch_size=10, l2=0.0)
    before = weights(lane.net)
    lane.switch("momentum")
    assert lane.optimizer == "momentum" and lane._opt is None
    assert all(np.array_equal(a, b) for a, b in zip(weights(lane.net), before, strict=True))
    with pytest.raises(ValueError, match="not one of"):
        lane.switch("newton")


def test_an_edited_network_keeps_momentum_only_when_the_shapes_still_fit():
    X, y = data()
    lane = Lane(net(), optimizer="momentum")
    lane.epoch(X, y, lr=0.01, batch_size=10, l2=0.0)
    same_shape = xent_core.MLP([2, 6, 3], seed=8)
    lane.replace_net(same_shape)
    assert lane._opt is not None and lane._opt.net is same_shape
    lane.replace_net(xent_core.MLP([2, 7, 3], seed=8))
    assert lane._opt is None
    lane.epoch(X, y, lr=0.01, batch_size=10, l2=0.0)  # a fresh state that fits
    assert lane._opt.momentum_buffers[0].shape == (2, 7)


def test_an_optimisers_state_copies_are_independent():
    X, y = data()
    opt = make_optimizer("adam", net(), 0.01)
    opt.epoch(X, y, 10)
    state = state_of(opt)
    opt.epoch(X, y, 10)
    assert state["steps"] == 9 and opt.steps == 18
    restore(opt, state)
    assert opt.steps == 9 and np.array_equal(opt.exp_avg[0], state["exp_avg"][0])
    assert opt.exp_avg[0] is not state["exp_avg"][0]
