"""Network levers (issue 14): input features, weight initialisation, the L1 penalty."""

import math

import numpy as np
import pytest

import xent_core as xc

ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear"]


def data(n=12, d=2, c=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, c, size=n)


# ----------------------------------------------------------------------- features
def test_feature_names():
    assert xc.FEATURES == ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


def test_every_feature_by_its_formula():
    X = np.array([[0.5, -2.0], [3.0, 0.25], [-1.5, 1.0]])
    F = xc.features(X, xc.FEATURES)
    assert F.shape == (3, 7) and F.dtype == np.float64
    x1, x2 = X[:, 0], X[:, 1]
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_array_equal(F, expected)
    assert F[0, 5] == math.sin(0.5)


def test_features_follow_the_order_of_names_and_allow_one_name():
    X, _ = data(5)
    F = xc.features(X, ["x1*x2", "x1"])
    np.testing.assert_array_equal(F, np.column_stack([X[:, 0] * X[:, 1], X[:, 0]]))
    np.testing.assert_array_equal(xc.features(X, "x2^2"), X[:, 1:] ** 2)
    np.testing.assert_array_equal(xc.features(X.tolist(), ("x1", "x2")), X)


def test_features_are_a_new_array():
    X, _ = data(4)
    X0 = X.copy()
    F = xc.features(X, ["x1", "x2"])
    F[...] = 0.0
    np.testing.assert_array_equal(X, X0)


@pytest.mark.parametrize(
    "names, match",
    [
        (["x1", "x3"], r"names\[1\] = 'x3' is not a feature: choose from x1, x2, x1\^2"),
        (["X1"], r"names\[0\] = 'X1' is not a feature"),
        ([], "names is empty: choose at least one feature"),
    ],
)
def test_unknown_feature_names_are_refused_by_name(names, match):
    with pytest.raises(ValueError, match=match):
        xc.features(np.zeros((3, 2)), names)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros((3, 3)), r"X must have shape \(N, 2\), columns x1 and x2; got \(3, 3\)"),
        (np.zeros(4), r"X must have shape \(N, 2\)"),
        ([[0.0, np.inf]], r"X\[0, 1\] is inf: every value must be a finite number"),
    ],
)
def test_bad_points_are_refused(X, match):
    with pytest.raises(ValueError, match=match):
        xc.features(X, ["x1"])


def test_squared_features_make_the_circle_linearly_separable():
    X, y = xc.make_dataset("circle", n=200, seed=0, noise=0.0)
    F = xc.features(X, ["x1^2", "x2^2"])
    net = xc.MLP([2, 2], "linear", seed=0)  # no hidden layer: a linear classifier
    opt = xc.Adam(net, lr=0.05)
    for epoch in range(60):
        opt.epoch(F, y, 32, rng=np.random.default_rng(epoch))
    assert xc.accuracy(y, net.predict_proba(F)) > 0.95


# ------------------------------------------------------------------ initialisation
def test_inits():
    assert xc.INITS == ("glorot", "he", "small", "zeros")


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_default_init_is_todays_rule_bit_for_bit(activation):
    sizes = [2, 16, 16, 3]
    net = xc.MLP(sizes, activation, seed=5)
    rule = "he" if activation == "relu" else "glorot"
    assert net.init == rule
    explicit = xc.MLP(sizes, activation, seed=5, init=rule)
    rng = np.random.default_rng(5)  # the rule as it was written before init existed
    for k, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        var = 2.0 / fan_in if activation == "relu" else 2.0 / (fan_in + fan_out)
        expected = rng.normal(0.0, np.sqrt(var), size=(fan_in, fan_out))
        np.testing.assert_array_equal(net.weights[k], expected)
        np.testing.assert_array_equal(explicit.weights[k], expected)
        np.testing.assert_array_equal(net.biases[k], np.zeros(fan_out))


@pytest.mark.parametrize(
    "init, std",
    [
        ("glorot", lambda i, o: math.sqrt(2 / (i + o))),
        ("he", lambda i, o: math.sqrt(2 / i)),
        ("small", lambda i, o: 0.01),
    ],
)
def test_init_scales(init, std):
    sizes = [200, 300, 100]
    net = xc.MLP(sizes, "tanh", seed=0, init=init)
    for W, (i, o) in zip(net.weights, [(200, 300), (300, 100)], strict=True):
        assert W.std() == pytest.approx(std(i, o), rel=0.02)
        assert abs(W.mean()) < 0.05 * std(i, o)


@pytest.mark.parametrize(
    "init, fan_in, fan_out, std",
    [
        ("glorot", 2, 8, math.sqrt(2 / 10)),
        ("glorot", 16, 3, math.sqrt(2 / 19)),
        ("he", 2, 8, 1.0),
        ("he", 32, 4, 0.25),
        ("small", 2, 8, 0.01),
        ("small", 300, 100, 0.01),
        ("zeros", 2, 8, 0.0),
    ],
)
def test_init_std_by_its_formula(init, fan_in, fan_out, std):
    assert xc.init_std(init, fan_in, fan_out) == pytest.approx(std, rel=1e-15, abs=0.0)
    assert isinstance(xc.init_std(init, fan_in, fan_out), float)


@pytest.mark.parametrize("init", ["glorot", "he", "small"])
def test_mlp_draws_each_layer_with_init_std(init):
    """MLP's weights are N(0, init_std²) draws from default_rng(seed), layer after layer."""
    sizes = [3, 7, 5, 2]
    net = xc.MLP(sizes, "relu", seed=11, init=init)
    rng = np.random.default_rng(11)
    for W, (fan_in, fan_out) in zip(net.weights, zip(sizes, sizes[1:], strict=False), strict=True):
        std = xc.init_std(init, fan_in, fan_out)
        np.testing.assert_array_equal(W, rng.normal(0.0, std, size=(fan_in, fan_out)))


@pytest.mark.parametrize(
    "args, match",
    [
        (("xavier", 2, 3), r"init must be one of 'glorot', 'he', 'small', 'zeros'; got 'xavier'"),
        (("he", 0, 3), r"fan_in and fan_out must be ≥ 1; got fan_in=0, fan_out=3"),
        (("glorot", 2, -1), r"fan_in and fan_out must be ≥ 1; got fan_in=2, fan_out=-1"),
    ],
)
def test_bad_init_std_arguments_are_refused(args, match):
    with pytest.raises(ValueError, match=match):
        xc.init_std(*args)


def test_zeros_init_and_seeds():
    net = xc.MLP([2, 5, 3], "relu", seed=0, init="zeros")
    assert all(not W.any() for W in net.weights + net.biases)
    a, b = xc.MLP([2, 5, 3], seed=1, init="small"), xc.MLP([2, 5, 3], seed=1, init="small")
    np.testing.assert_array_equal(a.weights[0], b.weights[0])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("optimiser", ["train_step", "Adam", "SGD momentum"])
def test_zero_init_keeps_every_hidden_unit_identical(activation, optimiser):
    """Symmetry: same weights in, same gradient out, so the units never become different."""
    X, y = xc.make_dataset("spiral", n=90, seed=0, n_classes=3)
    net = xc.MLP([2, 6, 5, 3], activation, seed=0, init="zeros")
    opt = {"Adam": lambda: xc.Adam(net, 0.05), "SGD momentum": lambda: xc.SGD(net, 0.5, 0.9)}
    step = opt[optimiser]().step if optimiser in opt else lambda X, y: net.train_step(X, y, 0.5)
    for _ in range(40):
        step(X, y)
    for k in range(len(net.weights) - 1):  # hidden layers k + 1
        W_in, b, W_out = net.weights[k], net.biases[k], net.weights[k + 1]
        np.testing.assert_array_equal(W_in, np.repeat(W_in[:, :1], W_in.shape[1], axis=1))
        np.testing.assert_array_equal(b, np.full_like(b, b[0]))
        np.testing.assert_array_equal(W_out, np.repeat(W_out[:1], W_out.shape[0], axis=0))
    hidden = net.hidden_activations(X)
    for h in hidden:
        np.testing.assert_array_equal(h, np.repeat(h[:, :1], h.shape[1], axis=1))


def test_zero_init_learns_only_what_identical_units_can():
    X, y = xc.make_dataset("blobs", n=90, seed=0, n_classes=3)
    keep = (y != 2) | (np.arange(len(y)) % 3 == 0)  # unbalanced classes: the biases can learn
    X, y = X[keep], y[keep]
    net = xc.MLP([2, 4, 3], "sigmoid", seed=0, init="zeros")
    losses = [net.train_step(X, y, 1.0) for _ in range(200)]
    assert losses[-1] < losses[0] - 0.05
    assert np.ptp(net.weights[0], axis=1).max() == 0.0  # one hidden feature, four copies
    balanced = xc.MLP([2, 4, 3], "sigmoid", seed=0, init="zeros")
    Xb, yb = xc.make_dataset("blobs", n=90, seed=0, n_classes=3)
    first = balanced.train_step(Xb, yb, 1.0)
    assert first == pytest.approx(math.log(3), rel=1e-15)
    # balanced classes: Σ_n (p - t) = 0, so the gradients vanish (up to rounding): stuck
    assert max(np.abs(W).max() for W in balanced.weights) < 1e-15


@pytest.mark.parametrize("init", ["Glorot", "xavier", ""])
def test_unknown_init_is_refused(init):
    with pytest.raises(
        ValueError,
        match=f"init must be None or one of 'glorot', 'he', 'small', 'zeros'; got '{init}'",
    ):
        xc.MLP([2, 3], init=init)


# ------------------------------------------------------------------------------ L1
def net_with_biases(activation="tanh", sizes=(2, 5, 3), seed=3):
    net = xc.MLP(list(sizes), activation, seed=seed)
    rng = np.random.default_rng(seed)
    for b in net.biases:
        b[...] = rng.normal(scale=0.5, size=b.shape)
    return net


@pytest.mark.parametrize("l1, l2", [(0.01, 0.0), (0.2, 0.05)])
def test_l1_adds_its_term_and_sign_w_to_the_gradients(l1, l2):
    net = net_with_biases()
    X, y = data()
    base, grads = net.loss_and_gradients(X, y, l2=l2)
    loss, grads_l1 = net.loss_and_gradients(X, y, l2=l2, l1=l1)
    assert loss == pytest.approx(base + l1 * sum(np.abs(W).sum() for W in net.weights), rel=1e-14)
    for (dW, db), (dW1, db1), W in zip(grads, grads_l1, net.weights, strict=True):
        np.testing.assert_allclose(dW1, dW + l1 * np.sign(W), rtol=1e-14, atol=1e-17)
        np.testing.assert_array_equal(db1, db)  # biases are not regularised


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_l1_gradients_equal_central_differences(activation):
    net = net_with_biases(activation)
    X, y = data()
    _, grads = net.loss_and_gradients(X, y, l2=0.03, l1=0.07)
    for k in range(len(net.weights)):
        for which, g in (("weights", grads[k][0]), ("biases", grads[k][1])):
            param = getattr(net, which)[k]
            saved = param.copy()

            def f(v, param=param):
                param[...] = v
                return net.loss_and_gradients(X, y, l2=0.03, l1=0.07)[0]

            numeric = xc.numerical_gradient(f, saved)
            param[...] = saved
            np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-9)


def test_l1_subgradient_at_zero_is_zero():
    net = xc.MLP([2, 3], "linear", seed=0, init="zeros")
    X, y = data(c=3)
    ((dW, _),) = net.loss_and_gradients(X, y)[1]
    ((dW1, _),) = net.loss_and_gradients(X, y, l1=0.5)[1]
    np.testing.assert_array_equal(dW1, dW)


def test_l1_drives_small_weights_to_zero_more_than_l2():
    X, y = xc.make_dataset("circle", n=200, seed=0)
    F = xc.features(X, xc.FEATURES)  # 7 features, only x1², x2² are needed
    l1_net = xc.MLP([7, 2], "linear", seed=0)
    l2_net = xc.MLP([7, 2], "linear", seed=0)
    for _ in range(400):
        l1_net.train_step(F, y, 0.05, l1=0.02)
        l2_net.train_step(F, y, 0.05, l2=0.04)
    tiny_l1 = (np.abs(l1_net.weights[0]) < 0.01).sum()
    tiny_l2 = (np.abs(l2_net.weights[0]) < 0.01).sum()
    assert tiny_l1 > tiny_l2


def test_l1_in_train_step_epoch_and_trace():
    X, y = data(n=16)
    a, b = net_with_biases(), net_with_biases()
    loss_a = a.train_step(X, y, 0.1, l1=0.05)
    loss_b, grads = b.loss_and_gradients(X, y, l1=0.05)
    assert loss_a == loss_b
    trace = net_with_biases().backprop_trace(X, y, l1=0.05)
    assert trace.loss == loss_b
    np.testing.assert_array_equal(trace.grads[0][0], grads[0][0])
    c, d = net_with_biases(), net_with_biases()
    mean_c = c.train_epoch(X, y, 0.1, 4, l1=0.05, rng=np.random.default_rng(1))
    mean_d = xc.SGD(d, 0.1).epoch(X, y, 4, l1=0.05, rng=np.random.default_rng(1))
    assert mean_c == mean_d
    np.testing.assert_array_equal(c.weights[0], d.weights[0])


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_bad_l1_is_refused(bad):
    net = xc.MLP([2, 3])
    X, y = data()
    with pytest.raises(ValueError, match="l1 must be a finite number ≥ 0"):
        net.loss_and_gradients(X, y, l1=bad)
    with pytest.raises(ValueError, match="l1 must be a finite number ≥ 0"):
        net.train_epoch(X, y, 0.1, 4, l1=bad)
