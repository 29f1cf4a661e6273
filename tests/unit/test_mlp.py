"""The MLP: initialisation, backprop against central differences for every parameter and
activation, L2, the SGD step, training on the circle."""

import copy
import math

import numpy as np
import pytest

import xent_core as xc

ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear"]
SIZES = [2, 5, 4, 3]


def data(n=12, d=2, c=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, c, size=n)


def randomise_biases(net, seed=1):
    """Initial biases are 0; make them non-zero so their gradients are exercised."""
    rng = np.random.default_rng(seed)
    for b in net.biases:
        b[...] = rng.normal(scale=0.5, size=b.shape)


def pre_activations(net, X):
    """Hidden pre-activations h_k = a_{k-1} @ W_k + b_k, computed independently."""
    acts = {
        "tanh": np.tanh,
        "relu": lambda h: np.maximum(h, 0),
        "sigmoid": lambda h: 1 / (1 + np.exp(-h)),
        "linear": lambda h: h,
    }[net.activation]
    a, hs = X, []
    for W, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
        h = a @ W + b
        hs.append(h)
        a = acts(h)
    return hs, a @ net.weights[-1] + net.biases[-1]


def reference_loss(net, X, y, l2=0.0):
    """Mean softmax cross-entropy + l2/2 Σ||W||², from an independent forward pass."""
    _, z = pre_activations(net, X)
    m = z.max(axis=1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(y)), y].mean() + 0.5 * l2 * sum((W**2).sum() for W in net.weights)


# ------------------------------------------------------------------- shapes
def test_shapes_of_weights_and_biases():
    net = xc.MLP([2, 16, 16, 3])
    assert [W.shape for W in net.weights] == [(2, 16), (16, 16), (16, 3)]
    assert [b.shape for b in net.biases] == [(16,), (16,), (3,)]
    assert all(W.dtype == np.float64 for W in net.weights)
    X, _ = data(7)
    assert net.forward(X).shape == (7, 3)
    assert net.predict_proba(X).shape == (7, 3)
    assert [h.shape for h in net.hidden_activations(X)] == [(7, 16), (7, 16)]


def test_no_hidden_layer():
    net = xc.MLP([2, 4])
    assert [W.shape for W in net.weights] == [(2, 4)]
    X, y = data(5, c=4)
    np.testing.assert_allclose(net.forward(X), X @ net.weights[0] + net.biases[0], rtol=0, atol=0)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_same_seed_same_weights(activation):
    a = xc.MLP(SIZES, activation=activation, seed=7)
    b = xc.MLP(SIZES, activation=activation, seed=7)
    for Wa, Wb in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        np.testing.assert_array_equal(Wa, Wb)
    c = xc.MLP(SIZES, activation=activation, seed=8)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_initial_scale_is_sensible():
    net = xc.MLP([2, 400, 400, 2], activation="tanh", seed=0)
    # Glorot: var = 2 / (fan_in + fan_out)
    assert net.weights[1].var() == pytest.approx(2 / 800, rel=0.05)
    relu = xc.MLP([2, 400, 400, 2], activation="relu", seed=0)
    assert relu.weights[1].var() == pytest.approx(2 / 400, rel=0.05)  # He


# ---------------------------------------------------------------- forward
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_matches_an_independent_pass(activation):
    net = xc.MLP(SIZES, activation=activation, seed=3)
    randomise_biases(net)
    X, _ = data()
    _, z = pre_activations(net, X)
    np.testing.assert_allclose(net.forward(X), z, rtol=1e-13, atol=1e-14)
    p = net.predict_proba(X)
    np.testing.assert_allclose(p, xc.softmax(z), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    assert np.all(p >= 0)


def test_predict_proba_rows_sum_to_one_for_far_points():
    net = xc.MLP([2, 16, 3], activation="linear", seed=0)
    X = np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 0.0]])
    p = net.predict_proba(X)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-14)


# --------------------------------------------------------- loss and gradients
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_loss_value(activation, l2):
    net = xc.MLP(SIZES, activation=activation, seed=4)
    randomise_biases(net)
    X, y = data()
    loss, _ = net.loss_and_gradients(X, y, l2=l2)
    assert isinstance(loss, float)
    assert loss == pytest.approx(reference_loss(net, X, y, l2), rel=1e-13)
    # the L2 term is exactly l2/2 Σ||W||²: weights only, biases not regularised
    loss0, _ = net.loss_and_gradients(X, y)
    penalty = 0.5 * l2 * sum(float((W * W).sum()) for W in net.weights)
    assert loss - loss0 == pytest.approx(penalty, rel=1e-12, abs=1e-15)
    assert loss0 == pytest.approx(xc.softmax_cross_entropy(y, net.forward(X)), rel=1e-13)


def test_l2_does_not_touch_biases():
    net = xc.MLP(SIZES, seed=4)
    randomise_biases(net)
    X, y = data()
    _, g0 = net.loss_and_gradients(X, y)
    _, g1 = net.loss_and_gradients(X, y, l2=0.7)
    for (dW0, db0), (dW1, db1), W in zip(g0, g1, net.weights, strict=True):
        np.testing.assert_array_equal(db0, db1)
        np.testing.assert_allclose(dW1 - dW0, 0.7 * W, rtol=1e-12, atol=1e-15)
    # scaling the biases changes nothing in the penalty
    big = copy.deepcopy(net)
    for b in big.biases:
        b *= 0.0
    l_net, _ = net.loss_and_gradients(X, y, l2=1.0)
    l_net0, _ = net.loss_and_gradients(X, y)
    l_big, _ = big.loss_and_gradients(X, y, l2=1.0)
    l_big0, _ = big.loss_and_gradients(X, y)
    assert l_net - l_net0 == pytest.approx(l_big - l_big0, rel=1e-12)


def relu_safe_data(net, n=12, margin=1e-4):
    """Data whose hidden pre-activations all stay ≥ margin from relu's kink at 0."""
    for seed in range(100):
        X, y = data(n, seed=seed)
        hs, _ = pre_activations(net, X)
        if min(np.abs(h).min() for h in hs) > margin:
            return X, y
    raise AssertionError("no kink-free data found")


def numerical_parameter_gradients(net, X, y, l2):
    """∂L/∂θ by central differences for every weight and bias, on copies of the net."""
    grads = []
    for k in range(len(net.weights)):
        pair = []
        for attr in ("weights", "biases"):

            def f(value, k=k, attr=attr):
                probe = copy.deepcopy(net)
                getattr(probe, attr)[k] = value.copy()
                return probe.loss_and_gradients(X, y, l2=l2)[0]

            pair.append(xc.numerical_gradient(f, getattr(net, attr)[k]))
        grads.append(tuple(pair))
    return grads


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("l2", [0.0, 0.1])
@pytest.mark.parametrize("seed", [0, 1])
def test_gradients_equal_numerical_gradient_for_every_parameter(activation, l2, seed):
    net = xc.MLP(SIZES, activation=activation, seed=seed)
    randomise_biases(net, seed=seed + 10)
    X, y = relu_safe_data(net) if activation == "relu" else data(seed=seed)
    loss, grads = net.loss_and_gradients(X, y, l2=l2)
    assert len(grads) == len(net.weights)
    numeric = numerical_parameter_gradients(net, X, y, l2)
    for k, ((dW, db), (nW, nb)) in enumerate(zip(grads, numeric, strict=True)):
        assert dW.shape == net.weights[k].shape and db.shape == net.biases[k].shape
        np.testing.assert_allclose(dW, nW, rtol=1e-6, atol=1e-9, err_msg=f"dW[{k}]")
        np.testing.assert_allclose(db, nb, rtol=1e-6, atol=1e-9, err_msg=f"db[{k}]")


def test_output_gradient_is_p_minus_t_over_n():
    net = xc.MLP([2, 3], seed=0)  # one layer: dL/db = Σ_i (p_i - t_i) / N
    X, y = data(6, c=3)
    _, [(dW, db)] = net.loss_and_gradients(X, y)
    delta = (net.predict_proba(X) - np.eye(3)[y]) / 6
    np.testing.assert_allclose(db, delta.sum(axis=0), rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(dW, X.T @ delta, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(
        delta, xc.softmax_cross_entropy_grad(y, net.forward(X)), rtol=1e-13, atol=1e-16
    )


# ---------------------------------------------------------------- training
@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_train_step_returns_loss_before_update_and_applies_sgd(l2):
    net = xc.MLP(SIZES, activation="tanh", seed=5)
    randomise_biases(net)
    X, y = data()
    lr = 0.37
    before = copy.deepcopy(net)
    expected_loss, grads = before.loss_and_gradients(X, y, l2=l2)
    loss = net.train_step(X, y, lr=lr, l2=l2)
    assert loss == expected_loss
    for k, (dW, db) in enumerate(grads):
        np.testing.assert_array_equal(net.weights[k], before.weights[k] - lr * dW)
        np.testing.assert_array_equal(net.biases[k], before.biases[k] - lr * db)
    # the next step reports the loss at the updated parameters
    assert net.train_step(X, y, lr=lr, l2=l2) == loss_after_one_step(before, X, y, lr, l2)


def loss_after_one_step(net_before, X, y, lr, l2):
    probe = copy.deepcopy(net_before)
    probe.train_step(X, y, lr=lr, l2=l2)
    return probe.loss_and_gradients(X, y, l2=l2)[0]


def test_small_step_decreases_the_loss():
    net = xc.MLP(SIZES, seed=2)
    X, y = data(30)
    first = net.train_step(X, y, lr=0.05)
    second = net.loss_and_gradients(X, y)[0]
    assert second < first


def test_train_epoch_equals_manual_minibatch_steps():
    X, y = data(10)
    a = xc.MLP(SIZES, seed=6)
    b = copy.deepcopy(a)
    mean_loss = a.train_epoch(X, y, lr=0.2, batch_size=4, l2=0.01)  # rng=None keeps order
    losses = [b.train_step(X[s : s + 4], y[s : s + 4], lr=0.2, l2=0.01) for s in (0, 4, 8)]
    assert mean_loss == pytest.approx(np.mean(losses), rel=1e-15)
    for Wa, Wb in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        np.testing.assert_array_equal(Wa, Wb)


def test_train_epoch_shuffles_with_rng():
    X, y = data(10)
    a = xc.MLP(SIZES, seed=6)
    b = copy.deepcopy(a)
    order = np.random.default_rng(42).permutation(10)
    a.train_epoch(X, y, lr=0.2, batch_size=3, rng=np.random.default_rng(42))
    for s in range(0, 10, 3):
        idx = order[s : s + 3]
        b.train_step(X[idx], y[idx], lr=0.2)
    for Wa, Wb in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        np.testing.assert_array_equal(Wa, Wb)


def test_full_batch_epoch_is_one_step():
    X, y = data(8)
    a = xc.MLP(SIZES, seed=6)
    b = copy.deepcopy(a)
    assert a.train_epoch(X, y, lr=0.3, batch_size=8) == b.train_step(X, y, lr=0.3)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_learns_the_circle(activation):
    X, y = xc.make_dataset("circle", n=200, noise=0.0, seed=0)
    net = xc.MLP([2, 8, 8, 2], activation=activation, seed=0)
    start = net.loss_and_gradients(X, y)[0]
    for _ in range(300):
        loss = net.train_step(X, y, lr=0.3)
    final = net.loss_and_gradients(X, y)[0]
    assert start > 0.5
    assert final < 0.25 * math.log(2)
    assert final <= loss
    assert xc.accuracy(y, net.predict_proba(X)) >= 0.97


def test_linear_net_cannot_learn_the_circle():
    """A sanity check on the dataset: without a non-linearity the circle is not separable."""
    X, y = xc.make_dataset("circle", n=200, seed=0)
    net = xc.MLP([2, 8, 2], activation="linear", seed=0)
    for _ in range(300):
        net.train_step(X, y, lr=0.3)
    assert xc.accuracy(y, net.predict_proba(X)) < 0.8
