"""MLP.backprop_trace: every delta against central differences, the element formula, both
output heads, an independent (PyTorch-computed, pinned) trace, and loss_and_gradients,
train_step and train_epoch bit for bit against a frozen copy of the original algorithm."""

import numpy as np
import pytest

import xent_core as xc

ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear"]
OUTPUTS = ["softmax", "sigmoid"]
SIZES = [2, 4, 3, 3]


def data(n=6, c=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)), rng.integers(0, c, size=n)


def net_with_biases(activation, sizes=SIZES, seed=2):
    net = xc.MLP(sizes, activation, seed=seed)
    rng = np.random.default_rng(seed + 100)
    for b in net.biases:
        b[...] = rng.normal(scale=0.5, size=b.shape)
    return net


# ------------------------------------------------- an independent forward and loss
def act(name, z):
    return {
        "tanh": np.tanh,
        "relu": lambda h: np.maximum(h, 0.0),
        "sigmoid": lambda h: 1.0 / (1.0 + np.exp(-h)),
        "linear": lambda h: h,
    }[name](z)


def head_loss(z, y, output):
    """Softmax: mean -log p_y. Sigmoid: mean over rows of the sum over classes of BCE."""
    t = np.eye(z.shape[1])[y]
    if output == "softmax":
        m = z.max(axis=1, keepdims=True)
        log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
        return -(t * log_p).sum() / len(y)
    p = 1.0 / (1.0 + np.exp(-z))
    return -(t * np.log(p) + (1 - t) * np.log(1 - p)).sum() / len(y)


def loss_from_layer(net, k, z_k, y, l2, output):
    """L as a function of the pre-activation Z_k (k from 0): the rest of the forward pass."""
    h = z_k
    last = len(net.weights) - 1
    for j in range(k, last):
        h = act(net.activation, h) @ net.weights[j + 1] + net.biases[j + 1]
    return head_loss(h, y, output) + 0.5 * l2 * sum((W**2).sum() for W in net.weights)


# ----------------------------------------------------------------------- deltas
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("l2", [0.0, 0.05])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_delta_is_the_central_difference_of_the_loss(activation, l2, output):
    net = net_with_biases(activation)
    X, y = data()
    trace = net.backprop_trace(X, y, l2=l2, output=output)
    assert len(trace.deltas) == len(trace.pre_activations) == len(net.weights)
    for k, (z_k, delta) in enumerate(zip(trace.pre_activations, trace.deltas, strict=True)):
        assert delta.shape == z_k.shape
        numeric = xc.numerical_gradient(
            lambda z, k=k: loss_from_layer(net, k, z, y, l2, output), z_k
        )
        np.testing.assert_allclose(delta, numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("l2", [0.0, 0.05])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_trace_gradients_are_central_differences_of_every_parameter(activation, l2, output):
    net = net_with_biases(activation)
    X, y = data()
    trace = net.backprop_trace(X, y, l2=l2, output=output)

    def loss_at(params, k, which):
        saved = getattr(net, which)[k].copy()
        getattr(net, which)[k][...] = params
        try:
            z0 = X @ net.weights[0] + net.biases[0]
            return loss_from_layer(net, 0, z0, y, l2, output)
        finally:
            getattr(net, which)[k][...] = saved

    for k, (dW, db) in enumerate(trace.grads):
        num_W = xc.numerical_gradient(lambda W, k=k: loss_at(W, k, "weights"), net.weights[k])
        num_b = xc.numerical_gradient(lambda b, k=k: loss_at(b, k, "biases"), net.biases[k])
        np.testing.assert_allclose(dW, num_W, rtol=1e-6, atol=1e-10)
        np.testing.assert_allclose(db, num_b, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("output", OUTPUTS)
def test_output_delta_is_p_minus_t_over_n(output):
    net = net_with_biases("tanh")
    X, y = data(n=7)
    trace = net.backprop_trace(X, y, output=output)
    T = np.eye(3)[y]
    np.testing.assert_array_equal(trace.targets, T)
    np.testing.assert_allclose(trace.deltas[-1], (trace.probabilities - T) / 7, rtol=0, atol=1e-17)


def test_probabilities_of_each_head():
    net = net_with_biases("relu")
    X, y = data(n=9)
    soft = net.backprop_trace(X, y, output="softmax")
    sig = net.backprop_trace(X, y, output="sigmoid")
    z = soft.activations[-1]
    np.testing.assert_allclose(soft.probabilities, xc.softmax(z), rtol=0, atol=1e-15)
    np.testing.assert_allclose(soft.probabilities.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(sig.probabilities, xc.sigmoid(z), rtol=0, atol=0)
    assert not np.allclose(sig.probabilities.sum(axis=1), 1.0)  # multi-label: free rows


def test_sigmoid_head_loss_is_sum_over_classes_mean_over_rows():
    net = net_with_biases("tanh")
    X, y = data(n=5)
    trace = net.backprop_trace(X, y, output="sigmoid")
    T = np.eye(3)[y]
    expected = xc.binary_cross_entropy_with_logits(T, trace.activations[-1], reduction="sum") / 5
    assert trace.loss == pytest.approx(expected, rel=1e-15)
    per_row = xc.binary_cross_entropy(T, trace.probabilities, reduction="none").sum(axis=1)
    assert trace.loss == pytest.approx(per_row.mean(), rel=1e-12)


def test_sigmoid_head_is_finite_and_exact_when_saturated():
    net = xc.MLP([2, 3], "linear", seed=0)
    net.weights[0][...] = [[40.0, -40.0, 0.0], [0.0, 0.0, 0.0]]
    trace = net.backprop_trace([[1.0, 0.0]], [0], output="sigmoid")
    # σ(40) - 1 = -σ(-40) = -4.248e-18 keeps its digits; σ(-40) - 0 likewise.
    np.testing.assert_allclose(
        trace.deltas[-1][0, :2], [-4.248354255291589e-18, 4.2483542552915889e-18], rtol=1e-15
    )
    assert np.isfinite(trace.loss)


@pytest.mark.parametrize("output", OUTPUTS)
def test_output_delta_is_the_chain_rule_through_the_output_jacobian(output):
    net = net_with_biases("sigmoid")
    X, y = data(n=4)
    trace = net.backprop_trace(X, y, output=output)
    P, T = trace.probabilities, trace.targets
    if output == "softmax":
        dL_dP = -T / P / 4  # ∂(mean -Σ t log p)/∂p
    else:
        dL_dP = (-T / P + (1 - T) / (1 - P)) / 4  # ∂(mean Σ_c BCE)/∂p
    J = trace.output_jacobians()  # (N, C, C)
    assert J.shape == (4, 3, 3)
    via_jacobian = np.einsum("nij,ni->nj", J, dL_dP)  # J_nᵀ ∂L/∂P_n
    np.testing.assert_allclose(via_jacobian, trace.deltas[-1], rtol=1e-12, atol=1e-16)


def test_output_jacobians_of_each_head():
    z = np.array([[2.0, 3.0, 4.0], [0.0, -1.0, 50.0]])
    np.testing.assert_array_equal(xc.output_jacobians(z, "softmax"), xc.softmax_jacobian(z))
    s = xc.sigmoid(z)
    expected = np.stack([np.diag(row) for row in s * xc.sigmoid(-z)])  # σ(z)(1 - σ(z))
    np.testing.assert_allclose(xc.output_jacobians(z, "sigmoid"), expected, rtol=1e-12, atol=0)
    np.testing.assert_allclose(xc.sigmoid_jacobian(z[0]), expected[0], rtol=1e-12, atol=0)
    assert xc.sigmoid_jacobian([40.0])[0, 0] == pytest.approx(4.248354255291589e-18, rel=1e-15)
    with pytest.raises(ValueError, match="output must be one of 'softmax', 'sigmoid'; got 'relu'"):
        xc.output_jacobians(z, "relu")
    with pytest.raises(ValueError, match=r"z must be a vector of C logits or a batch \(N, C\)"):
        xc.sigmoid_jacobian(np.zeros((2, 2, 2)))


# ----------------------------------------------------------- the element formula
@pytest.mark.parametrize("output", OUTPUTS)
def test_last_layer_weight_gradient_element_by_element(output):
    """∂L/∂w_ij = Σ_n (p_nj - t_nj) h_ni / N for the last layer (W shaped (fan_in, C))."""
    net = net_with_biases("tanh", sizes=[2, 5, 3])
    X, y = data(n=8)
    trace = net.backprop_trace(X, y, output=output)
    P, T, H = trace.probabilities, trace.targets, trace.activations[-2]
    dW = trace.grads[-1][0]
    for i in range(5):
        for j in range(3):
            cell = sum((P[n, j] - T[n, j]) * H[n, i] for n in range(8)) / 8
            assert dW[i, j] == pytest.approx(cell, rel=1e-12, abs=1e-17)
    db = trace.grads[-1][1]
    for j in range(3):
        assert db[j] == pytest.approx(sum(P[n, j] - T[n, j] for n in range(8)) / 8, abs=1e-16)


# ---------------------------------------------------------- structure of a trace
def test_trace_lists_match_the_description():
    net = net_with_biases("relu", sizes=[2, 6, 5, 4])
    X, y = data(n=10, c=4)
    trace = net.backprop_trace(X, y)
    assert isinstance(trace, xc.BackpropTrace)
    assert [z.shape for z in trace.pre_activations] == [(10, 6), (10, 5), (10, 4)]
    assert [a.shape for a in trace.activations] == [(10, 2), (10, 6), (10, 5), (10, 4)]
    np.testing.assert_array_equal(trace.activations[0], X)
    np.testing.assert_array_equal(trace.activations[-1], net.forward(X))
    np.testing.assert_array_equal(trace.activations[-1], trace.pre_activations[-1])
    for z, a in zip(trace.pre_activations[:-1], trace.activations[1:-1], strict=True):
        np.testing.assert_array_equal(a, np.maximum(z, 0.0))
    assert trace.output == "softmax" and isinstance(trace.loss, float)


def test_trace_is_frozen_and_read_only_and_leaves_x_alone():
    net = net_with_biases("tanh")
    X, y = data()
    X_before = X.copy()
    trace = net.backprop_trace(X, y)
    with pytest.raises(AttributeError):
        trace.loss = 0.0  # type: ignore[misc]
    arrays = [*trace.pre_activations, *trace.activations, *trace.deltas, trace.probabilities]
    arrays += [g for pair in trace.grads for g in pair]
    for a in arrays:
        with pytest.raises(ValueError, match="read-only"):
            a[...] = 0.0
    assert X.flags.writeable
    np.testing.assert_array_equal(X, X_before)
    X[0, 0] = 5.0  # the caller's array is still theirs to change


def test_trace_does_not_change_the_network():
    net = net_with_biases("sigmoid")
    before = [a.copy() for a in net.weights + net.biases]
    net.backprop_trace(*data(), l2=0.1, output="sigmoid")
    for a, b in zip(net.weights + net.biases, before, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_softmax_trace_is_loss_and_gradients_bit_for_bit(activation, l2):
    net = net_with_biases(activation)
    X, y = data(n=11)
    loss, grads = net.loss_and_gradients(X, y, l2=l2)
    trace = net.backprop_trace(X, y, l2=l2)
    assert trace.loss == loss
    assert len(trace.grads) == len(grads)
    for (dW, db), (tW, tb) in zip(grads, trace.grads, strict=True):
        np.testing.assert_array_equal(tW, dW)
        np.testing.assert_array_equal(tb, db)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(output="softplus"), "output must be one of 'softmax', 'sigmoid'; got 'softplus'"),
        (dict(l2=-1.0), "l2 must be a finite number ≥ 0; got -1.0"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        xc.MLP([2, 3]).backprop_trace(*data(c=3), **kwargs)


def test_bad_labels_are_refused():
    with pytest.raises(ValueError, match=r"y\[1\] = 3 is out of range"):
        xc.MLP([2, 3]).backprop_trace(np.zeros((2, 2)), [0, 3])


# ------------------------------------------- the 2 → 16 → 3 tanh network, pinned
X16 = np.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.2], [0.1, 2.0]])
Y16 = np.array([0, 2, 1, 2])
# Computed independently with PyTorch 2.13 autograd in float64 (Z.retain_grad() for the
# deltas) from MLP([2, 16, 3], "tanh", seed=0)'s initial weights; xent agrees to ~1e-16.
PINNED = {
    ("softmax", 0.0): dict(
        loss=1.489808671976444,
        d1=[0.027567199159825487, -0.039187703894420486, -0.05737524849705837],
        d2=[0.04210594736245107, 0.14503528548707503, -0.18714123284952613],
        dW1=[-0.01210152181414087, 0.006814091283649348, 0.4098005500772719],
        dW2=[0.0038675218825268308, -0.08120347402925523, 0.07733595214672842],
        P3=[0.21090440629427695, 0.6480966337665429, 0.14099895993918016],
    ),
    ("softmax", 0.01): dict(
        loss=1.5301342952811887,
        dW1=[-0.013915718423665235, 0.0057597574290855, 0.41117265186518565],
        dW2=[0.004725529246087855, -0.0822219741312446, 0.08206639589315665],
    ),
    ("sigmoid", 0.0): dict(
        loss=2.524757294332228,
        d1=[0.03308677512859748, -0.0434313855656149, -0.041294017517197586],
        d2=[0.10626792769113284, 0.1795120533738751, -0.11883538086601064],
        dW1=[-0.0006395248833376485, 0.006751064084860051, 0.41099833250170537],
        dW2=[-0.02040680056181255, -0.09089442586069503, 0.05439866908540487],
        P3=[0.5542327496480495, 0.7925594292604862, 0.4539149970319469],
    ),
    ("sigmoid", 0.01): dict(
        loss=2.565082917636973,
        dW1=[-0.002453721492862015, 0.005696730230296202, 0.4123704342896191],
        dW2=[-0.019548793198251528, -0.0919129259626844, 0.05912911283183309],
    ),
}


@pytest.mark.parametrize("output, l2", list(PINNED))
def test_the_16_unit_tanh_network_trace_is_reproduced(output, l2):
    pins = PINNED[output, l2]
    trace = xc.MLP([2, 16, 3], "tanh", seed=0).backprop_trace(X16, Y16, l2=l2, output=output)
    close = dict(rtol=0, atol=1e-15)
    assert trace.loss == pytest.approx(pins["loss"], rel=1e-15)
    np.testing.assert_allclose(
        trace.pre_activations[0][2, :2], [-0.06562098377894575, 0.009737791010026803], **close
    )
    np.testing.assert_allclose(
        trace.activations[-1][0],
        [-0.3121853177488005, -0.3791733271119384, 0.10871231674352416],
        **close,
    )
    np.testing.assert_allclose(trace.grads[0][0][1, :3], pins["dW1"], **close)
    np.testing.assert_allclose(trace.grads[1][0][4], pins["dW2"], **close)
    if "d1" in pins:
        np.testing.assert_allclose(trace.deltas[0][0, :3], pins["d1"], **close)
        np.testing.assert_allclose(trace.deltas[1][1], pins["d2"], **close)
        np.testing.assert_allclose(trace.probabilities[3], pins["P3"], **close)


# ------------------------------- bit for bit against the algorithm as it was frozen
def _frozen_act(name, h):
    if name == "tanh":
        return np.tanh(h)
    if name == "relu":
        return np.maximum(h, 0.0)
    if name == "sigmoid":
        e = np.exp(-np.abs(h))
        return np.where(h >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return h


def _frozen_act_grad(name, h, a):
    if name == "tanh":
        return 1.0 - a * a
    if name == "relu":
        return (h > 0).astype(np.float64)
    if name == "sigmoid":
        return a * (1.0 - a)
    return np.ones_like(h)


def frozen_loss_and_gradients(net, X, y, l2):
    """xent_core.mlp's _loss_and_gradients as of the one-row-per-unit pass, written out.

    Each layer's activations one row per unit, with a row of ones under them
    (``Ãᵀ = [Aᵀ; 1]``), so ``Zᵀ = [W; b]ᵀ Ãᵀ`` and ``[dW; db] = Ã δ`` are one product each; the
    left operands of the backward products by columns (Fortran order); at each true class
    ``p - 1`` as ``expm1(log p)``.
    """
    n, last = X.shape[0], len(net.weights) - 1
    ones = np.ones((1, n))
    inputs, pre = [np.asfortranarray(np.vstack([X.T, ones]))], []
    for k, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        z = np.dot(np.vstack([W, b]).T, inputs[-1])  # (fan_out, N)
        pre.append(z)
        if k < last:
            inputs.append(np.vstack([_frozen_act(net.activation, z), ones]))
    s = pre[-1] - pre[-1].max(axis=0)
    log_p = s - np.log(np.exp(s).sum(axis=0))
    columns = np.arange(n)
    loss = -float(log_p[y, columns].sum()) / n
    if l2:
        loss += 0.5 * l2 * sum(float((W * W).sum()) for W in net.weights)
    delta = np.exp(log_p)
    delta[y, columns] = np.expm1(log_p[y, columns])
    delta /= n
    grads = []
    for k in range(last, -1, -1):
        W = net.weights[k]
        G = np.dot(np.asfortranarray(inputs[k]), delta.T)
        dW = G[:-1] + l2 * W if l2 else G[:-1]
        grads.append((dW, G[-1]))
        if k:
            factor = _frozen_act_grad(net.activation, pre[k - 1], inputs[k][:-1])
            delta = np.dot(np.asfortranarray(W), delta) * factor
    grads.reverse()
    return float(loss), grads


def frozen_sgd(net, grads, lr):
    for W, b, (dW, db) in zip(net.weights, net.biases, grads, strict=True):
        W -= lr * dW
        b -= lr * db


def assert_same_params(a, b):
    for p, q in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("l2", [0.0, 0.01])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_loss_and_gradients_bit_for_bit_with_the_frozen_algorithm(activation, l2):
    net = net_with_biases(activation, sizes=[2, 16, 16, 3])
    X, y = xc.make_dataset("spiral", n=64, seed=1, n_classes=3)
    loss, grads = net.loss_and_gradients(X, y, l2=l2)
    ref_loss, ref_grads = frozen_loss_and_gradients(net, X, y, l2)
    assert loss == ref_loss
    for (dW, db), (rW, rb) in zip(grads, ref_grads, strict=True):
        np.testing.assert_array_equal(dW, rW)
        np.testing.assert_array_equal(db, rb)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_train_step_and_epoch_bit_for_bit_with_the_frozen_algorithm(activation):
    X, y = xc.make_dataset("circle", n=90, seed=3)
    net = xc.MLP([2, 8, 2], activation, seed=4)
    ref = xc.MLP([2, 8, 2], activation, seed=4)
    for step in range(5):
        l2 = 0.01 * (step % 2)
        loss = net.train_step(X[:32], y[:32], 0.3, l2=l2)
        ref_loss, grads = frozen_loss_and_gradients(ref, X[:32], y[:32], l2)
        frozen_sgd(ref, grads, 0.3)
        assert loss == ref_loss
        assert_same_params(net, ref)
    for epoch in range(2):
        mean = net.train_epoch(X, y, 0.2, 16, l2=0.001, rng=np.random.default_rng(epoch))
        order = np.random.default_rng(epoch).permutation(len(X))
        losses = []
        for start in range(0, len(X), 16):
            idx = order[start : start + 16]
            batch_loss, grads = frozen_loss_and_gradients(ref, X[idx], y[idx], 0.001)
            frozen_sgd(ref, grads, 0.2)
            losses.append(batch_loss)
        assert mean == float(np.mean(losses))
        assert_same_params(net, ref)
