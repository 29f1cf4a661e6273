"""MLP's pass, one row per unit (xent_core.mlp._Pass): a training step reuses its arrays, a
reading never does and never replaces an array someone holds, identical units stay identical,
and the true class's ``p - 1`` is exact for a confident prediction."""

import copy
import math
import pickle

import numpy as np
import pytest

import xent_core as xc


def batch(n=40, seed=0):
    return xc.make_dataset("spiral", n=n, seed=seed, n_classes=3)


def forward_by_hand(net, X):
    a = X
    for k, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        a = a @ W + b
        if k < len(net.weights) - 1:
            a = np.tanh(a)
    return a


@pytest.mark.parametrize(
    "read",
    [
        lambda net, X, y: net.forward(X),
        lambda net, X, y: net.hidden_activations(X),
        lambda net, X, y: net.loss_and_gradients(X, y),
        lambda net, X, y: net.backprop_trace(X, y),
    ],
    ids=["forward", "hidden_activations", "loss_and_gradients", "backprop_trace"],
)
def test_a_reading_sees_an_edit_to_a_held_array_and_keeps_it(read):
    """A copied network's arrays are not views of its θ; a reading must not pack them anew,
    or an editor holding ``weights[0]`` (the gradient check nudges it) edits a stale array."""
    X, y = batch()
    net = xc.MLP([2, 5, 4, 3], seed=1)
    net.train_step(X, y, 0.1)  # packed
    probe = copy.deepcopy(net)
    W = probe.weights[0]
    read(probe, X, y)
    W[0, 0] += 0.5
    read(probe, X, y)
    assert probe.weights[0] is W
    np.testing.assert_allclose(probe.forward(X), forward_by_hand(probe, X), rtol=0, atol=1e-14)
    assert not np.allclose(probe.forward(X), net.forward(X))


def test_readings_return_arrays_of_their_own():
    X, y = batch()
    X2, y2 = batch(seed=1)
    net = xc.MLP([2, 8, 3], seed=0)
    net.train_step(X, y, 0.1)
    loss, grads = net.loss_and_gradients(X, y)
    logits, hidden = net.forward(X), net.hidden_activations(X)
    kept = copy.deepcopy((grads, logits, hidden))
    net.loss_and_gradients(X2, y2)
    net.forward(X2)
    net.train_epoch(X2, y2, 0.1, batch_size=len(X))  # the same batch size: the same pass
    flat = lambda pairs: np.concatenate([a.ravel() for pair in pairs for a in pair])  # noqa: E731
    np.testing.assert_array_equal(flat(grads), flat(kept[0]))
    np.testing.assert_array_equal(logits, kept[1])
    np.testing.assert_array_equal(hidden[0], kept[2][0])
    passes = [a for p in net._passes.values() for a in (*p.inputs, *p.pre, p.s, p.e)]
    for array in (logits, hidden[0], *sum(grads, ())):
        assert array.flags.c_contiguous
        assert not any(np.shares_memory(array, a) for a in passes)


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda n: pickle.loads(pickle.dumps(n))])
def test_a_copy_makes_its_own_pass_arrays(clone):
    X, y = batch()
    net = xc.MLP([2, 8, 3], seed=0)
    net.train_step(X, y, 0.1)
    assert net._passes
    twin = clone(net)
    assert twin._passes == {}
    assert twin.train_step(X, y, 0.1) == net.train_step(X, y, 0.1)
    (p,) = twin._passes.values()
    (q,) = net._passes.values()
    assert not np.shares_memory(p.inputs[1], q.inputs[1])


@pytest.mark.parametrize("n", [2, 10, 32, 300])
@pytest.mark.parametrize("sizes", [[2, 6, 5, 3], [2, 16, 16, 3], [3, 7, 2]])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_identical_units_stay_identical_at_every_batch_size(activation, sizes, n):
    """Zeros init: every unit of a layer gets the same gradient, bit for bit, whatever the
    batch size and width (the backward products' operand order, mlp._by_columns)."""
    X, y = xc.make_dataset("spiral", n=max(n, 10), seed=0, n_classes=sizes[-1])
    X, y = np.hstack([X, X[:, :1] * 0.5])[:n, : sizes[0]], y[:n]
    net = xc.MLP(sizes, activation, seed=0, init="zeros")
    for _ in range(15):
        net.train_step(X, y, 0.5)
    for k in range(len(net.weights) - 1):
        W_in, b, W_out = net.weights[k], net.biases[k], net.weights[k + 1]
        np.testing.assert_array_equal(W_in, np.repeat(W_in[:, :1], W_in.shape[1], axis=1))
        np.testing.assert_array_equal(b, np.full_like(b, b[0]))
        np.testing.assert_array_equal(W_out, np.repeat(W_out[:1], W_out.shape[0], axis=0))


def test_the_true_class_delta_is_exact_for_a_confident_prediction():
    """z = (40, 0): p₀ = 1 - 4.25e-18 rounds to 1.0, so p₀ - 1 computed from p₀ would be 0;
    ``expm1(log p₀)`` keeps the gradient, -1/(1 + e⁴⁰)."""
    net = xc.MLP([1, 2], seed=0, init="zeros")
    net.weights[0][:] = [[40.0, 0.0]]
    trace = net.backprop_trace([[1.0]], [0])
    expected = -1.0 / (1.0 + math.exp(40.0))  # -4.248354255291589e-18
    assert trace.deltas[-1][0, 0] == pytest.approx(expected, rel=1e-14)
    assert trace.deltas[-1][0, 1] == pytest.approx(-expected, rel=1e-14)
    assert trace.loss == pytest.approx(math.log1p(math.exp(-40.0)), rel=1e-14)
    loss, grads = net.loss_and_gradients([[1.0]], [0])
    assert grads[0][0][0, 0] == pytest.approx(expected, rel=1e-14)
    assert grads[0][1][0] == pytest.approx(expected, rel=1e-14)
