"""The L1 proximal step (soft-thresholding): its closed form on small cases, and the training
paths that take it (MLP.train_step, train_epoch, SGD, momentum, RMSprop, Adam): weights land
on exactly 0, biases are never thresholded, with l1 = 0 nothing changes."""

import copy
import math

import numpy as np
import pytest

import xent_core as xc


def closed_form(w, tau):
    """sign(w) · max(|w| − τ, 0), written out weight by weight."""
    return np.array([math.copysign(max(abs(v) - tau, 0.0), v) if v else 0.0 for v in w])


# ------------------------------------------------------------------ soft_threshold
@pytest.mark.parametrize(
    "w, tau, expected",
    [
        (0.003, 0.01, 0.0),  # would cross 0: stops at exactly 0
        (-0.003, 0.01, 0.0),
        (0.01, 0.01, 0.0),  # |w| = τ: exactly 0
        (0.5, 0.01, 0.49),
        (-0.5, 0.01, -0.49),
        (-2.0, 0.01, -1.99),
        (0.0, 0.01, 0.0),
        (0.7, 0.0, 0.7),  # τ = 0 changes nothing
        (-1e300, 1e299, -9e299),
    ],
)
def test_soft_threshold_by_its_closed_form(w, tau, expected):
    got = xc.soft_threshold(np.array([w]), tau)
    assert got[0] == pytest.approx(expected, rel=1e-15, abs=0.0)
    assert got[0] == closed_form([w], tau)[0]  # the same bits as the formula
    assert not np.signbit(got[0]) or expected < 0  # a clipped weight is +0.0, never -0.0


def test_soft_threshold_keeps_signs_and_zeroes_exactly_the_small_ones():
    w = np.array([[0.003, -0.5, 0.02], [-0.009, 0.0, -0.011]])
    got = xc.soft_threshold(w, 0.01)
    np.testing.assert_allclose(got, [[0.0, -0.49, 0.01], [0.0, 0.0, -0.001]], rtol=1e-13, atol=0)
    np.testing.assert_array_equal(got.ravel(), closed_form(w.ravel(), 0.01))
    np.testing.assert_array_equal(got == 0, np.abs(w) <= 0.01)
    kept = got != 0
    np.testing.assert_array_equal(np.sign(got[kept]), np.sign(w[kept]))
    np.testing.assert_array_equal(np.abs(got[kept]), np.abs(w[kept]) - 0.01)
    assert got.dtype == np.float64 and got.shape == w.shape


def test_soft_threshold_takes_one_threshold_per_weight():
    w = np.array([0.5, 0.5, -0.5, 0.003])
    tau = np.array([0.01, 0.6, 0.1, 0.001])
    got = xc.soft_threshold(w, tau)
    np.testing.assert_allclose(got, [0.49, 0.0, -0.4, 0.002], rtol=1e-13, atol=0)
    expected = [closed_form([v], t)[0] for v, t in zip(w, tau, strict=True)]
    np.testing.assert_array_equal(got, expected)
    column = xc.soft_threshold(np.array([[0.5, 0.5], [0.003, -0.5]]), [[0.01], [0.1]])
    np.testing.assert_allclose(column, [[0.49, 0.49], [0.0, -0.4]], rtol=1e-13, atol=0)


def test_soft_threshold_is_the_minimiser_of_its_objective():
    """prox(v) = argmin_w ½(w − v)² + τ|w|: no w on a fine grid does better."""
    grid = np.linspace(-1.0, 1.0, 200_001)
    for v in (-0.7, -0.05, 0.0, 0.02, 0.3):
        tau = 0.04
        best = grid[np.argmin(0.5 * (grid - v) ** 2 + tau * np.abs(grid))]
        assert xc.soft_threshold([v], tau)[0] == pytest.approx(best, abs=1e-5)


def test_soft_threshold_leaves_its_inputs_alone():
    w = np.array([0.003, -0.5, 0.2])
    tau = np.array([0.01, 0.01, 0.3])
    w0, tau0 = w.copy(), tau.copy()
    out = xc.soft_threshold(w, tau)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(tau, tau0)
    assert not np.shares_memory(out, w)
    np.testing.assert_array_equal(xc.soft_threshold(w.tolist(), tau.tolist()), out)


@pytest.mark.parametrize(
    "w, tau, match",
    [
        ([0.5], -0.01, r"threshold must be ≥ 0"),
        ([0.5], float("nan"), r"threshold is nan"),
        ([0.5], float("inf"), r"threshold is inf"),
        ([0.5, 0.2], [0.1, 0.1, 0.1], r"threshold, shaped \(3,\), must be a number or broadcast"),
        ([[0.5, 0.2]], [[0.1], [0.1]], r"must be a number or broadcast to w's shape \(1, 2\)"),
        ([0.5, float("nan")], 0.1, r"w\[1\] is nan"),
    ],
)
def test_bad_soft_threshold_arguments_are_refused_by_name(w, tau, match):
    with pytest.raises(ValueError, match=match):
        xc.soft_threshold(w, tau)


# --------------------------------------------------------- train_step's proximal step
def net_with(W, b, activation="linear"):
    """A one-layer net with these weights and biases (copies)."""
    W, b = np.array(W, dtype=float), np.array(b, dtype=float)
    net = xc.MLP([W.shape[0], W.shape[1]], activation, init="zeros")
    net.weights, net.biases = [W.copy()], [b.copy()]
    return net


def test_a_step_at_the_origin_only_thresholds_the_weights():
    """X = 0 makes ∂L₀/∂W exactly 0, so the step is the proximal step alone, with
    τ = η λ₁ = 0.5 · 0.02 = 0.01: 0.003 → 0, 0.5 → 0.49; the biases take their SGD step and
    a bias of 0.003 is not thresholded. The subgradient step would give 0.003 − 0.01."""
    assert 0.5 * 0.02 == 0.01
    net = net_with([[0.003, -0.5], [0.5, -0.003]], [0.003, 0.0])
    X, y = np.zeros((4, 2)), np.array([0, 1, 1, 1])
    base, [(dW, db)] = net.loss_and_gradients(X, y)
    assert not dW.any() and db.all()
    loss = net.train_step(X, y, lr=0.5, l1=0.02)
    assert loss == pytest.approx(base + 0.02 * (2 * 0.003 + 2 * 0.5), rel=1e-14)
    np.testing.assert_array_equal(net.weights[0], [[0.0, -0.49], [0.49, 0.0]])
    np.testing.assert_array_equal(net.biases[0], np.array([0.003, 0.0]) - 0.5 * db)
    assert net.biases[0][0] != 0.0


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_train_step_is_the_smooth_step_then_the_closed_form(activation):
    """Two layers, real data, L2 on too: W ← S(W − η ∂L₀/∂W, η λ₁), b ← b − η ∂L₀/∂b, with
    L₀ the loss without the L1 term; at least one weight lands on exactly 0."""
    X, y = xc.make_dataset("spiral", n=30, seed=1, n_classes=3)
    net = xc.MLP([2, 6, 3], activation, seed=2)
    net.weights[0][0, :3] = [0.004, -0.002, 0.0]  # small enough to be clipped
    ref = copy.deepcopy(net)
    lr, l1, l2 = 0.3, 0.05, 0.01
    full_loss, _ = ref.loss_and_gradients(X, y, l2=l2, l1=l1)
    _, grads = ref.loss_and_gradients(X, y, l2=l2)
    assert net.train_step(X, y, lr, l2=l2, l1=l1) == full_loss
    for W, b, W0, b0, (dW, db) in zip(
        net.weights, net.biases, ref.weights, ref.biases, grads, strict=True
    ):
        smooth = W0 - lr * dW
        expected = np.sign(smooth) * np.maximum(np.abs(smooth) - lr * l1, 0.0)
        np.testing.assert_array_equal(W, expected)  # the same bits as the formula
        np.testing.assert_array_equal(W == 0, np.abs(smooth) <= lr * l1)
        np.testing.assert_array_equal(b, b0 - lr * db)
    assert (net.weights[0] == 0).sum() >= 1


def test_a_weight_at_zero_stays_there_while_its_gradient_is_at_most_lambda():
    """From W = 0: a weight with |∂L₀/∂w| ≤ λ₁ stays exactly 0; one with a larger gradient
    moves to −η sign(g)(|g| − λ₁)."""
    X, y = xc.make_dataset("blobs", n=40, seed=0, n_classes=3)
    net = xc.MLP([2, 3], "linear", init="zeros")
    _, [(g, _)] = net.loss_and_gradients(X, y)
    l1 = float(np.median(np.abs(g)))  # half the weights' gradients are at most λ₁
    lr = 0.25
    net.train_step(X, y, lr, l1=l1)
    W = net.weights[0]
    np.testing.assert_array_equal(W == 0, np.abs(g) <= l1)
    moving = np.abs(g) > l1
    np.testing.assert_allclose(
        W[moving], -lr * np.sign(g[moving]) * (np.abs(g[moving]) - l1), rtol=1e-14
    )
    assert 0 < moving.sum() < W.size


def test_train_epoch_takes_the_proximal_step_after_every_mini_batch():
    X, y = xc.make_dataset("circle", n=40, seed=0)
    a, b = xc.MLP([2, 5, 2], seed=0), xc.MLP([2, 5, 2], seed=0)
    mean = a.train_epoch(X, y, 0.2, 8, l1=0.03, rng=np.random.default_rng(4))
    order = np.random.default_rng(4).permutation(len(X))
    batches = [order[start : start + 8] for start in range(0, 40, 8)]
    losses = [b.train_step(X[idx], y[idx], 0.2, l1=0.03) for idx in batches]
    assert mean == float(np.mean(losses))
    for Wa, Wb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(Wa, Wb)


def test_l1_training_ends_with_exact_zeros_the_subgradient_never_reaches():
    """The circle with all 7 features and no hidden layer: the proximal steps leave weights
    on exactly 0; stepping along λ₁ sign(w) instead (the old rule) leaves none."""
    X, y = xc.make_dataset("circle", n=200, seed=0)
    F = xc.features(X, xc.FEATURES)
    prox, sub = xc.MLP([7, 2], "linear", seed=0), xc.MLP([7, 2], "linear", seed=0)
    for _ in range(400):
        prox.train_step(F, y, 0.05, l1=0.02)
        _, grads = sub.loss_and_gradients(F, y, l1=0.02)
        sub._sgd_update(grads, 0.05)
    assert (prox.weights[0] == 0).sum() >= 4
    assert (sub.weights[0] == 0).sum() == 0
    assert xc.accuracy(y, prox.predict_proba(F)) == 1.0


# ------------------------------------------------------------------- the optimisers
def test_every_optimiser_thresholds_weights_and_never_biases_at_the_origin():
    """X = 0: ∂L₀/∂W = 0. SGD and momentum move each weight η λ₁ towards 0 (0.5 → 0.49);
    Adam and RMSprop divide τ by √v + ε with v = 0 for the weights, so every weight goes to
    exactly 0; no bias is ever thresholded (a bias of 0.003 takes its own step only)."""
    X, y = np.zeros((4, 2)), np.array([0, 1, 1, 1])
    W0, b0 = [[0.003, -0.5], [0.5, -0.003]], [0.003, 0.0]
    for make in (
        lambda n: xc.SGD(n, 0.5),
        lambda n: xc.SGD(n, 0.5, momentum=0.9),
        lambda n: xc.SGD(n, 0.5, momentum=0.9, nesterov=True),
    ):
        net = net_with(W0, b0)
        make(net).step(X, y, l1=0.02)
        np.testing.assert_array_equal(net.weights[0], [[0.0, -0.49], [0.49, 0.0]])
        assert net.biases[0][0] != 0.0
    for make in (lambda n: xc.Adam(n, 0.01), lambda n: xc.RMSprop(n, 0.01)):
        net, free = net_with(W0, b0), net_with(W0, b0)
        make(net).step(X, y, l1=0.02)
        make(free).step(X, y)
        assert not net.weights[0].any()
        np.testing.assert_array_equal(free.weights[0], W0)  # without L1 they do not move
        np.testing.assert_array_equal(net.biases[0], free.biases[0])  # same bias step
        assert net.biases[0][0] != 0.0


@pytest.mark.parametrize(
    "make",
    [
        lambda n: xc.SGD(n, 0.1, momentum=0.9),
        lambda n: xc.RMSprop(n, 0.01),
        lambda n: xc.Adam(n, 0.01),
    ],
    ids=["momentum", "rmsprop", "adam"],
)
def test_the_l1_term_never_enters_the_optimisers_state(make):
    """Momentum buffers and moment averages hold the smooth gradients only: the same with
    l1 = 0.05 as with l1 = 0 after one step from the same weights."""
    X, y = xc.make_dataset("spiral", n=20, seed=0, n_classes=3)
    a, b = xc.MLP([2, 5, 3], seed=0), xc.MLP([2, 5, 3], seed=0)
    oa, ob = make(a), make(b)
    oa.step(X, y, l1=0.05)
    ob.step(X, y)
    names = ("momentum_buffers", "square_avg", "exp_avg", "exp_avg_sq")
    for name in [n for n in names if hasattr(oa, n)]:
        for sa, sb in zip(getattr(oa, name), getattr(ob, name), strict=True):
            np.testing.assert_array_equal(sa, sb)


@pytest.mark.parametrize(
    "make",
    [
        lambda n: xc.SGD(n, 0.3),
        lambda n: xc.SGD(n, 0.3, momentum=0.9, nesterov=True),
        lambda n: xc.RMSprop(n, 0.01),
        lambda n: xc.Adam(n, 0.01),
    ],
    ids=["sgd", "nesterov", "rmsprop", "adam"],
)
def test_l1_zero_takes_no_proximal_step(make):
    """l1 = 0 (the default): the same bits as not passing l1 at all, and tiny weights stay
    where the step puts them (nothing is thresholded)."""
    X, y = xc.make_dataset("spiral", n=20, seed=0, n_classes=3)
    a, b = xc.MLP([2, 5, 3], seed=0), xc.MLP([2, 5, 3], seed=0)
    for net in (a, b):
        net.weights[0][0, 0] = 1e-12
    oa, ob = make(a), make(b)
    for _ in range(3):
        assert oa.step(X, y, l1=0.0) == ob.step(X, y)
    for Wa, Wb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(Wa, Wb)
    assert (a.weights[0] != 0).all()
