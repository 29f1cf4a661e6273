"""MLP's flat θ (every W and b as a view of one array, so an SGD step is ``θ -= lr · g``):
the same bits as the array-by-array update, and safe when the arrays are replaced (an edit,
an undo, a copy of the network), and the label check's single reduction."""

import copy
import pickle

import numpy as np
import pytest

import xent_core as xc
import xent_core.mlp as mlp

SIZES = [2, 6, 5, 3]


def batch(n=20, seed=0):
    X, y = xc.make_dataset("spiral", n=n, seed=seed, n_classes=3)
    return X, y


def same_weights(a: xc.MLP, b: xc.MLP) -> bool:
    return all(
        np.array_equal(p, q)
        for p, q in zip(a.weights + a.biases, b.weights + b.biases, strict=True)
    )


def stepped_array_by_array(net: xc.MLP, X, y, lr, l2=0.0) -> float:
    """One SGD step the way train_step took it before θ was flat: W -= lr · dW per array."""
    loss, grads = net.loss_and_gradients(X, y, l2=l2)
    net._sgd_update(grads, lr)
    return loss


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
@pytest.mark.parametrize("l2", [0.0, 1e-2])
def test_train_step_is_the_array_by_array_update_bit_for_bit(activation, l2):
    X, y = batch()
    a, b = xc.MLP(SIZES, activation, seed=1), xc.MLP(SIZES, activation, seed=1)
    for _ in range(20):
        assert a.train_step(X, y, 0.3, l2=l2) == stepped_array_by_array(b, X, y, 0.3, l2)
    assert same_weights(a, b)


def test_the_network_arrays_are_views_of_theta_and_keep_their_identity():
    """A reference to net.weights[k] taken before training sees every step."""
    X, y = batch()
    net = xc.MLP(SIZES, seed=0)
    W0, b2 = net.weights[0], net.biases[2]
    before = W0.copy()
    net.train_step(X, y, 0.5)
    net.train_epoch(X, y, 0.5, batch_size=7, rng=np.random.default_rng(0))
    assert net.weights[0] is W0 and net.biases[2] is b2
    assert not np.array_equal(W0, before)


@pytest.mark.parametrize(
    "replace",
    [
        lambda net: net.weights.__setitem__(slice(None), [W.copy() for W in net.weights]),
        lambda net: net.biases.__setitem__(1, net.biases[1].copy()),
        lambda net: setattr(net, "weights", [W.copy() for W in net.weights]),
    ],
    ids=["undo: weights[:] = copies", "one bias replaced", "a new weights list"],
)
def test_replaced_arrays_are_packed_again_and_training_goes_on_the_same(replace):
    X, y = batch()
    a, b = xc.MLP(SIZES, seed=2), xc.MLP(SIZES, seed=2)
    a.train_step(X, y, 0.2), b.train_step(X, y, 0.2)
    replace(a)
    for _ in range(5):
        assert a.train_step(X, y, 0.2) == b.train_step(X, y, 0.2)
    assert same_weights(a, b)


def test_an_edited_weight_in_place_is_trained_from():
    X, y = batch()
    a, b = xc.MLP(SIZES, seed=3), xc.MLP(SIZES, seed=3)
    a.weights[1][2, 3] = b.weights[1][2, 3] = 1.5
    a.train_step(X, y, 0.2)
    stepped_array_by_array(b, X, y, 0.2)
    assert same_weights(a, b)


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda n: pickle.loads(pickle.dumps(n))])
def test_a_copied_network_trains_on_its_own(clone):
    """deepcopy and pickle keep the views' identities but not their link to θ."""
    X, y = batch()
    net = xc.MLP(SIZES, seed=4)
    net.train_step(X, y, 0.2)
    twin, reference = clone(net), clone(net)
    for _ in range(3):
        twin.train_step(X, y, 0.2)
    assert same_weights(net, reference)  # the original did not move
    for _ in range(3):
        stepped_array_by_array(reference, X, y, 0.2)
    assert same_weights(twin, reference)


def test_a_network_grown_by_a_layer_is_packed_again():
    X, y = batch()
    net = xc.MLP([2, 4, 3], seed=0)
    grown = xc.MLP([2, 4, 4, 3], seed=5)
    net.weights[:], net.biases[:] = (
        [W.copy() for W in grown.weights],
        [b.copy() for b in grown.biases],
    )
    net.sizes = grown.sizes
    assert net.train_step(X, y, 0.1) == grown.train_step(X, y, 0.1)
    assert same_weights(net, grown)


def test_without_l1_no_proximal_step_runs(monkeypatch):
    def refuse(*args):
        raise AssertionError("the L1 proximal step ran with l1 = 0")

    monkeypatch.setattr(mlp, "_soft_threshold_in_place", refuse)
    X, y = batch()
    net = xc.MLP(SIZES, seed=0)
    net.train_step(X, y, 0.1)
    net.train_epoch(X, y, 0.1, batch_size=8)
    with pytest.raises(AssertionError, match="proximal step ran"):
        net.train_step(X, y, 0.1, l1=1e-3)


@pytest.mark.parametrize("bad", [-1, 3, np.iinfo(np.intp).min, np.iinfo(np.intp).max])
def test_one_reduction_still_refuses_every_label_out_of_range(bad):
    """Integer labels are checked by one max over their unsigned view (negative → ≥ 2⁶³)."""
    X, _ = batch(n=4)
    y = np.array([0, 1, bad, 2], dtype=np.intp)
    with pytest.raises(ValueError, match=r"y\[2\] = .* is out of range: there are 3 classes"):
        xc.MLP(SIZES).train_step(X, y, 0.1)


def test_labels_of_other_integer_types_are_still_accepted():
    X, y = batch(n=6)
    results = {xc.MLP(SIZES, seed=0).train_step(X, y.astype(t), 0.1) for t in (np.int8, np.uint16)}
    assert results == {xc.MLP(SIZES, seed=0).train_step(X, y, 0.1)}
