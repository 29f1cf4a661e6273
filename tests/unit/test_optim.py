"""SGD (momentum, Nesterov), RMSprop and Adam: their update rules against closed forms and a
hand-written recursion, and plain SGD bit for bit MLP.train_step. No PyTorch here:
bench/optim_vs_torch.py compares with torch.optim when it is installed."""

import copy
import math

import numpy as np
import pytest

import xent_core as xc


def setup(n=20, sizes=(2, 5, 3), activation="tanh", seed=0):
    X, y = xc.make_dataset("spiral", n=n, seed=seed, n_classes=sizes[-1])
    net = xc.MLP(list(sizes), activation, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for b in net.biases:
        b[...] = rng.normal(scale=0.3, size=b.shape)
    return net, X, y


def params(net):
    return [p for pair in zip(net.weights, net.biases, strict=True) for p in pair]


def flat_grads(net, X, y, l2=0.0, l1=0.0):
    loss, grads = net.loss_and_gradients(X, y, l2=l2, l1=l1)
    return loss, [g for pair in grads for g in pair]


# ------------------------------------------------------- plain SGD is train_step
def test_sgd_without_momentum_is_train_step_bit_for_bit():
    net, X, y = setup()
    ref = copy.deepcopy(net)
    opt = xc.SGD(net, lr=0.3)
    for step in range(6):
        l2, l1 = 0.01 * (step % 2), 0.002 * (step % 3 == 0)
        assert opt.step(X, y, l2=l2, l1=l1) == ref.train_step(X, y, 0.3, l2=l2, l1=l1)
        for p, q in zip(params(net), params(ref), strict=True):
            np.testing.assert_array_equal(p, q)
    assert opt.steps == 6


def test_sgd_epoch_is_train_epoch_bit_for_bit():
    net, X, y = setup(n=50)
    ref = copy.deepcopy(net)
    opt = xc.SGD(net, lr=0.2)
    for epoch in range(3):
        got = opt.epoch(X, y, 8, l2=0.001, rng=np.random.default_rng(epoch))
        want = ref.train_epoch(X, y, 0.2, 8, l2=0.001, rng=np.random.default_rng(epoch))
        assert got == want
    for p, q in zip(params(net), params(ref), strict=True):
        np.testing.assert_array_equal(p, q)
    assert opt.steps == 3 * 7  # ceil(50 / 8) batches per epoch


def test_epoch_without_rng_keeps_the_order_and_returns_the_mean_batch_loss():
    net, X, y = setup(n=10)
    ref = copy.deepcopy(net)
    mean = xc.Adam(net, 0.01).epoch(X, y, 4)
    ref_opt = xc.Adam(ref, 0.01)
    losses = [ref_opt.step(X[s : s + 4], y[s : s + 4]) for s in (0, 4, 8)]
    assert mean == float(np.mean(losses))
    np.testing.assert_array_equal(net.weights[0], ref.weights[0])


# ---------------------------------------- the buffers under a constant gradient
# With lr = 0 the parameters never move, so every step sees the same gradient g and the
# buffers have closed forms.
def test_momentum_buffer_is_a_geometric_sum_of_a_constant_gradient():
    net, X, y = setup()
    _, g = flat_grads(net, X, y)
    opt = xc.SGD(net, lr=0.0, momentum=0.9)
    for t in range(1, 6):
        opt.step(X, y)
        for b, gk in zip(opt.momentum_buffers, g, strict=True):
            np.testing.assert_allclose(b, gk * (1 - 0.9**t) / (1 - 0.9), rtol=1e-14, atol=0)


def test_rmsprop_average_of_a_constant_gradient():
    net, X, y = setup()
    _, g = flat_grads(net, X, y)
    opt = xc.RMSprop(net, lr=0.0, alpha=0.9)
    for t in range(1, 5):
        opt.step(X, y)
        for v, gk in zip(opt.square_avg, g, strict=True):
            np.testing.assert_allclose(v, gk**2 * (1 - 0.9**t), rtol=1e-14, atol=0)


def test_adam_moments_of_a_constant_gradient_are_bias_corrected_to_g_and_g_squared():
    net, X, y = setup()
    _, g = flat_grads(net, X, y)
    opt = xc.Adam(net, lr=0.0, betas=(0.8, 0.95))
    for t in range(1, 5):
        opt.step(X, y)
        assert opt.steps == t
        for m, v, gk in zip(opt.exp_avg, opt.exp_avg_sq, g, strict=True):
            np.testing.assert_allclose(m, gk * (1 - 0.8**t), rtol=1e-14, atol=1e-300)
            np.testing.assert_allclose(v, gk**2 * (1 - 0.95**t), rtol=1e-14, atol=0)
            np.testing.assert_allclose(m / (1 - 0.8**t), gk, rtol=1e-14, atol=1e-300)


# ------------------------------------------------------------ the first step
@pytest.mark.parametrize(
    "make, first_step",
    [
        (lambda n: xc.SGD(n, 0.1), lambda g: 0.1 * g),
        (lambda n: xc.SGD(n, 0.1, momentum=0.9), lambda g: 0.1 * g),  # b = g
        (lambda n: xc.SGD(n, 0.1, 0.9, nesterov=True), lambda g: 0.1 * 1.9 * g),  # g + μ g
        (
            lambda n: xc.RMSprop(n, 0.01, alpha=0.99, eps=1e-8),
            lambda g: 0.01 * g / (math.sqrt(0.01) * np.abs(g) + 1e-8),  # ≈ 10 lr sign(g)
        ),
        (lambda n: xc.Adam(n, 0.01), lambda g: 0.01 * g / (np.abs(g) + 1e-8)),  # ≈ lr sign(g)
    ],
    ids=["sgd", "momentum", "nesterov", "rmsprop", "adam"],
)
def test_first_step_closed_form(make, first_step):
    net, X, y = setup()
    before = [p.copy() for p in params(net)]
    loss0, g = flat_grads(net, X, y)
    assert make(net).step(X, y) == loss0  # the loss before the update
    for p, p0, gk in zip(params(net), before, g, strict=True):
        np.testing.assert_allclose(p0 - p, first_step(gk), rtol=1e-13, atol=1e-18)


def test_adam_first_step_moves_every_parameter_by_about_lr():
    net, X, y = setup()
    before = [p.copy() for p in params(net)]
    xc.Adam(net, 0.01).step(X, y)
    moved = np.concatenate(
        [np.abs(p - p0).ravel() for p, p0 in zip(params(net), before, strict=True)]
    )
    np.testing.assert_allclose(moved, 0.01, rtol=1e-4)


# ------------------------------------------- three steps against the textbook recursion
def textbook(kind, hyper, steps, net, X, y, l2, l1):
    """The update rules as the papers write them, on a copy of the net; with l1 > 0 each
    weight's step follows the gradient without the L1 term, then the proximal step
    w ← sign(w) max(|w| − η λ₁ / d, 0), d the divisor of the step (1, √v + ε, √v̂ + ε)."""
    ref = copy.deepcopy(net)
    state = [dict(b=None, m=0.0, v=0.0) for _ in params(ref)]
    losses = []
    for t in range(1, steps + 1):
        loss = ref.loss_and_gradients(X, y, l2=l2, l1=l1)[0]
        _, g = flat_grads(ref, X, y, l2, 0.0)  # the smooth part: no λ₁ sign(W)
        losses.append(loss)
        for i, (p, gk, s) in enumerate(zip(params(ref), g, state, strict=True)):
            if kind == "sgd":
                mu, nesterov = hyper["momentum"], hyper["nesterov"]
                s["b"] = gk.copy() if s["b"] is None else mu * s["b"] + gk
                d = gk + mu * s["b"] if nesterov else s["b"]
                p -= hyper["lr"] * d
                divisor = 1.0
            elif kind == "rmsprop":
                s["v"] = hyper["alpha"] * s["v"] + (1 - hyper["alpha"]) * gk**2
                divisor = np.sqrt(s["v"]) + hyper["eps"]
                p -= hyper["lr"] * gk / divisor
            else:
                b1, b2 = hyper["betas"]
                s["m"] = b1 * s["m"] + (1 - b1) * gk
                s["v"] = b2 * s["v"] + (1 - b2) * gk**2
                m_hat, v_hat = s["m"] / (1 - b1**t), s["v"] / (1 - b2**t)
                divisor = np.sqrt(v_hat) + hyper["eps"]
                p -= hyper["lr"] * m_hat / divisor
            if l1 and i % 2 == 0:  # weights only: params are W_1, b_1, W_2, b_2, …
                tau = hyper["lr"] * l1 / divisor
                p[...] = np.sign(p) * np.maximum(np.abs(p) - tau, 0.0)
    return ref, losses


CASES = [
    ("sgd", xc.SGD, dict(lr=0.3, momentum=0.9, nesterov=False)),
    ("sgd", xc.SGD, dict(lr=0.3, momentum=0.5, nesterov=True)),
    ("rmsprop", xc.RMSprop, dict(lr=0.01, alpha=0.99, eps=1e-8)),
    ("rmsprop", xc.RMSprop, dict(lr=0.02, alpha=0.5, eps=1e-3)),
    ("adam", xc.Adam, dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8)),
    ("adam", xc.Adam, dict(lr=0.05, betas=(0.3, 0.7), eps=1e-6)),  # lerp's other branch
]


@pytest.mark.parametrize("l2, l1", [(0.0, 0.0), (0.01, 0.003)])
@pytest.mark.parametrize("kind, cls, hyper", CASES)
def test_three_steps_follow_the_textbook_recursion(kind, cls, hyper, l2, l1):
    net, X, y = setup()
    ref, losses = textbook(kind, hyper, 3, net, X, y, l2, l1)
    opt = cls(net, **hyper)
    got = [opt.step(X, y, l2=l2, l1=l1) for _ in range(3)]
    np.testing.assert_allclose(got, losses, rtol=1e-14)
    for p, q in zip(params(net), params(ref), strict=True):
        np.testing.assert_allclose(p, q, rtol=0, atol=1e-14)


@pytest.mark.parametrize(
    "make",
    [
        lambda n: xc.SGD(n, 0.1, momentum=0.9),
        lambda n: xc.SGD(n, 0.1, momentum=0.9, nesterov=True),
        lambda n: xc.RMSprop(n, 0.01),
        lambda n: xc.Adam(n, 0.01),
    ],
    ids=["momentum", "nesterov", "rmsprop", "adam"],
)
def test_optimisers_learn_the_circle(make):
    X, y = xc.make_dataset("circle", n=200, seed=0)
    net = xc.MLP([2, 8, 2], "tanh", seed=0)
    opt = make(net)
    for epoch in range(40):
        opt.epoch(X, y, 16, rng=np.random.default_rng(epoch))
    assert xc.accuracy(y, net.predict_proba(X)) > 0.9


def test_momentum_reaches_further_than_plain_sgd_in_the_same_steps():
    net, X, y = setup(n=60)
    plain, heavy = copy.deepcopy(net), copy.deepcopy(net)
    for _ in range(30):
        last_plain = plain.train_step(X, y, 0.05)
    opt = xc.SGD(heavy, 0.05, momentum=0.9)
    for _ in range(30):
        last_heavy = opt.step(X, y)
    assert last_heavy < last_plain


def test_optimiser_state_belongs_to_the_optimiser_not_the_net():
    net, X, y = setup()
    a = xc.Adam(net, 0.01)
    a.step(X, y)
    b = xc.Adam(net, 0.01)  # a fresh optimiser on the same net starts from zero moments
    assert b.steps == 0 and not any(m.any() for m in b.exp_avg)
    assert any(m.any() for m in a.exp_avg)


def test_inputs_are_left_alone_and_lists_accepted():
    net, X, y = setup()
    twin = copy.deepcopy(net)
    X0, y0 = X.copy(), y.copy()
    loss = xc.Adam(net, 0.01).step(X, y, l2=0.1, l1=0.1)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    assert xc.Adam(twin, 0.01).step(X.tolist(), y.tolist(), l2=0.1, l1=0.1) == loss
    np.testing.assert_array_equal(net.weights[0], twin.weights[0])


# ------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    "make, match",
    [
        (lambda n: xc.SGD(n, -0.1), "lr must be a finite number ≥ 0; got -0.1"),
        (lambda n: xc.SGD(n, float("nan")), "lr must be a finite number ≥ 0; got nan"),
        (lambda n: xc.SGD(n, 0.1, momentum=1.0), r"momentum must lie in \[0, 1\); got 1.0"),
        (lambda n: xc.SGD(n, 0.1, nesterov=True), "nesterov=True needs a momentum > 0"),
        (lambda n: xc.RMSprop(n, 0.1, alpha=-0.5), r"alpha must lie in \[0, 1\); got -0.5"),
        (lambda n: xc.RMSprop(n, 0.1, eps=0.0), "eps must be a small positive number"),
        (lambda n: xc.Adam(n, 0.1, betas=(0.9, 1.0)), r"betas\[1\] must lie in \[0, 1\)"),
        (lambda n: xc.Adam(n, 0.1, betas=0.9), r"betas must be a pair \(β₁, β₂\); got 0.9"),
        (lambda n: xc.Adam(n, 0.1, eps=-1e-8), "eps must be a small positive number"),
    ],
)
def test_bad_hyper_parameters_are_refused(make, match):
    net, _, _ = setup()
    with pytest.raises(ValueError, match=match):
        make(net)


def test_net_must_be_an_mlp():
    with pytest.raises(TypeError, match="net must be an xent_core.MLP; got list"):
        xc.Adam([np.zeros(3)], 0.1)


@pytest.mark.parametrize("cls", [xc.SGD, xc.RMSprop, xc.Adam])
def test_bad_batches_and_penalties_are_refused(cls):
    net, X, y = setup()
    opt = cls(net, 0.1)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        opt.step(np.zeros((3, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"y\[0\] = 7 is out of range"):
        opt.step(X[:2], [7, 0])
    with pytest.raises(ValueError, match="l2 must be a finite number ≥ 0"):
        opt.step(X, y, l2=-1.0)
    with pytest.raises(ValueError, match="l1 must be a finite number ≥ 0"):
        opt.epoch(X, y, 4, l1=float("inf"))
    assert opt.steps == 0
