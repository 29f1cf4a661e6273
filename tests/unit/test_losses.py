"""Binary, categorical, softmax cross-entropy and squared error: edge cases, reductions,
gradients against central differences, PyTorch's weighting/smoothing, invariances."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import xent_core as xc

REDUCTIONS = ["mean", "sum", "none"]
SETTINGS = settings(max_examples=30, deadline=None)
# central differences: the truncation error h²/6·|f'''| reaches ~1e-8 for p near 0.05
GRAD_TOL = dict(rtol=1e-6, atol=1e-7)


def scalar_loss(loss_fn, reduction):
    """Wrap a loss so it is a scalar under every reduction ("none" -> its sum)."""

    def f(x):
        value = loss_fn(x)
        return float(np.sum(value)) if reduction == "none" else value

    return f


def probs(shape, low=0.05, high=0.95):
    return arrays(np.float64, shape, elements=st.floats(low, high))


shapes_1d = st.integers(1, 8).map(lambda n: (n,))
shapes_2d = st.tuples(st.integers(1, 5), st.integers(2, 5))
any_shape = st.one_of(shapes_1d, shapes_2d)


@st.composite
def labels_and_logits(draw, low=-8.0, high=8.0):
    n, c = draw(shapes_2d)
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    z = draw(arrays(np.float64, (n, c), elements=st.floats(low, high)))
    return y, z


@st.composite
def soft_targets_and_logits(draw, low=-8.0, high=8.0):
    n, c = draw(shapes_2d)
    raw = draw(arrays(np.float64, (n, c), elements=st.floats(0.0, 1.0)))
    raw[:, 0] += 0.1  # every row has a positive sum
    t = raw / raw.sum(axis=1, keepdims=True)
    z = draw(arrays(np.float64, (n, c), elements=st.floats(low, high)))
    return t, z


def class_weights(c):
    return arrays(np.float64, (c,), elements=st.floats(0.1, 3.0))


# ============================================================ binary: exact
def test_bce_certain_wrong_is_inf_and_certain_right_is_plus_zero():
    loss = xc.binary_cross_entropy([1, 0, 0, 1], [0.0, 0.0, 1.0, 1.0], reduction="none")
    assert loss[0] == math.inf
    assert loss[1] == 0.0 and not np.signbit(loss[1])
    assert loss[2] == math.inf
    assert loss[3] == 0.0 and not np.signbit(loss[3])


@pytest.mark.parametrize("t, p", [(0.0, 0.0), (1.0, 1.0), (0, 0), (1, 1)])
def test_bce_exact_zero_not_negative_zero(t, p):
    for reduction in ("sum", "mean"):
        value = xc.binary_cross_entropy([t], [p], reduction=reduction)
        assert value == 0.0
        assert math.copysign(1.0, value) == 1.0


def test_bce_never_nan_on_edge_grid():
    edge = [0.0, 1e-300, 1e-16, 0.3, 0.5, 1 - 1e-16, 1.0]
    t, p = np.meshgrid(edge, edge)
    loss = xc.binary_cross_entropy(t, p, reduction="none")
    assert not np.isnan(loss).any()
    assert np.all(loss >= 0)
    grad = xc.binary_cross_entropy_grad(t, p, reduction="none")
    assert not np.isnan(grad).any()


@pytest.mark.parametrize(
    "t, p, expected",
    [
        (1, 0.5, math.log(2)),
        (0, 0.5, math.log(2)),
        (0.5, 0.5, math.log(2)),
        (0.3, 0.2, -(0.3 * math.log(0.2) + 0.7 * math.log(0.8))),
        (0.9, 0.99, -(0.9 * math.log(0.99) + 0.1 * math.log(0.01))),
        (0.5, 0.0, math.inf),
        (0.5, 1.0, math.inf),
        (1, 1e-300, 300 * math.log(10)),
        (0, 1e-20, 1e-20),  # -log1p(-1e-20) = 1e-20: log(1 - p) must be exact
    ],
)
def test_bce_soft_targets_and_tails(t, p, expected):
    got = xc.binary_cross_entropy([t], [p], reduction="sum")
    assert got == pytest.approx(expected, rel=1e-14)


@SETTINGS
@given(any_shape.flatmap(lambda s: st.tuples(probs(s, 0, 1), probs(s, 1e-6, 1 - 1e-6))))
def test_bce_matches_the_formula(tp):
    t, p = tp
    expected = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    got = xc.binary_cross_entropy(t, p, reduction="none")
    assert got.shape == p.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("eps", [1e-7, 1e-3, 0.1])
def test_bce_eps_clips(eps):
    t = np.array([1.0, 0.0, 1.0, 0.0, 0.4])
    p = np.array([0.0, 1.0, 1.0, 0.0, 0.5])
    pc = np.clip(p, eps, 1 - eps)
    expected = -(t * np.log(pc) + (1 - t) * np.log1p(-pc))
    got = xc.binary_cross_entropy(t, p, reduction="none", eps=eps)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.all(np.isfinite(got))
    g = xc.binary_cross_entropy_grad(t, p, reduction="none", eps=eps)
    np.testing.assert_allclose(g, -t / pc + (1 - t) / (1 - pc), rtol=1e-12)
    assert np.all(np.isfinite(g))
    # within [eps, 1 - eps] clipping changes nothing
    q = np.array([0.2, 0.7, 0.5, 0.3, 0.6])
    assert xc.binary_cross_entropy(t, q, eps=eps) == xc.binary_cross_entropy(t, q)


def test_bce_grad_exact_edges():
    g = xc.binary_cross_entropy_grad([1, 0, 1, 0], [0.0, 1.0, 1.0, 0.0], reduction="none")
    assert g[0] == -math.inf and g[1] == math.inf
    assert g[2] == -1.0 and g[3] == 1.0  # -t/p at p=1 and (1-t)/(1-p) at p=0


# ============================================================ reductions
@pytest.mark.parametrize(
    "loss_fn, t, p",
    [
        (xc.binary_cross_entropy, [1, 0, 1, 0.3], [0.8, 0.4, 0.3, 0.5]),
        (xc.binary_cross_entropy_with_logits, [1, 0, 1, 0.3], [2.0, -1.0, 0.5, 0.0]),
        (xc.squared_error, [1.0, 0.0, 2.0, -1.0], [0.5, 0.5, 1.0, 3.0]),
        (
            xc.binary_cross_entropy,
            [[1, 0, 1], [0, 0, 1]],
            [[0.8, 0.4, 0.3], [0.1, 0.2, 0.9]],
        ),
        (
            xc.squared_error,
            [[1, 0, 1], [0, 0, 1]],
            [[0.8, 0.4, 0.3], [0.1, 0.2, 0.9]],
        ),
    ],
)
def test_elementwise_reductions(loss_fn, t, p):
    none = loss_fn(t, p, reduction="none")
    assert isinstance(none, np.ndarray) and none.shape == np.shape(p)
    total = loss_fn(t, p, reduction="sum")
    mean = loss_fn(t, p, reduction="mean")
    assert np.ndim(total) == 0 and np.ndim(mean) == 0
    assert total == pytest.approx(none.sum(), rel=1e-15)
    assert mean == pytest.approx(total / np.size(p), rel=1e-15)  # mean over ALL elements
    assert loss_fn(t, p) == mean


@pytest.mark.parametrize(
    "loss_fn, t, x",
    [
        (
            xc.categorical_cross_entropy,
            [0, 2, 1],
            [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]],
        ),
        (xc.softmax_cross_entropy, [0, 2, 1], [[1.0, 0.2, -1.0], [0.0, 0.3, 2.0], [0.2, 0.5, 0.3]]),
    ],
)
def test_row_reductions(loss_fn, t, x):
    none = loss_fn(t, x, reduction="none")
    assert isinstance(none, np.ndarray) and none.shape == (3,)
    assert loss_fn(t, x, reduction="sum") == pytest.approx(none.sum(), rel=1e-15)
    assert loss_fn(t, x) == pytest.approx(none.sum() / 3, rel=1e-15)


def test_squared_error_mean_over_all_elements():
    t = np.zeros((2, 3))
    p = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 6.0]])
    assert xc.squared_error(t, p) == pytest.approx(50.0 / 6, rel=1e-15)
    assert xc.squared_error(t, p, reduction="sum") == 50.0
    np.testing.assert_array_equal(xc.squared_error(t, p, reduction="none"), p**2)
    np.testing.assert_array_equal(xc.squared_error_grad(t, p, reduction="sum"), 2 * p)
    np.testing.assert_allclose(xc.squared_error_grad(t, p), 2 * p / 6, rtol=1e-15)


# ====================================================== gradients vs numerics
@pytest.mark.parametrize("reduction", REDUCTIONS)
@SETTINGS
@given(data=st.data())
def test_bce_grad_numerical(reduction, data):
    shape = data.draw(any_shape)
    t = data.draw(probs(shape, 0.0, 1.0))
    p = data.draw(probs(shape))
    f = scalar_loss(lambda q: xc.binary_cross_entropy(t, q, reduction=reduction), reduction)
    g = xc.binary_cross_entropy_grad(t, p, reduction=reduction)
    assert g.shape == p.shape
    np.testing.assert_allclose(g, xc.numerical_gradient(f, p), **GRAD_TOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos_weight", [None, 3.0, 0.5, "per-class"])
@SETTINGS
@given(data=st.data())
def test_bce_with_logits_grad_numerical(reduction, pos_weight, data):
    shape = data.draw(any_shape)
    t = data.draw(probs(shape, 0.0, 1.0))
    z = data.draw(arrays(np.float64, shape, elements=st.floats(-10, 10)))
    w = pos_weight
    if w == "per-class":
        w = data.draw(arrays(np.float64, (shape[-1],), elements=st.floats(0.0, 4.0)))
    f = scalar_loss(
        lambda v: xc.binary_cross_entropy_with_logits(t, v, reduction=reduction, pos_weight=w),
        reduction,
    )
    g = xc.binary_cross_entropy_with_logits_grad(t, z, reduction=reduction, pos_weight=w)
    assert g.shape == z.shape
    np.testing.assert_allclose(g, xc.numerical_gradient(f, z), **GRAD_TOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@SETTINGS
@given(data=st.data())
def test_categorical_grad_numerical(reduction, data):
    n, c = data.draw(shapes_2d)
    p = data.draw(probs((n, c)))
    if data.draw(st.booleans()):
        t = data.draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    else:
        raw = data.draw(probs((n, c), 0.0, 1.0)) + 1e-3
        t = raw / raw.sum(axis=1, keepdims=True)
    f = scalar_loss(lambda q: xc.categorical_cross_entropy(t, q, reduction=reduction), reduction)
    g = xc.categorical_cross_entropy_grad(t, p, reduction=reduction)
    assert g.shape == (n, c)
    np.testing.assert_allclose(g, xc.numerical_gradient(f, p), **GRAD_TOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 1.0])
@SETTINGS
@given(data=st.data())
def test_softmax_ce_grad_numerical_integer_labels(reduction, weighted, smoothing, data):
    y, z = data.draw(labels_and_logits())
    w = data.draw(class_weights(z.shape[1])) if weighted else None
    kw = dict(reduction=reduction, weight=w, label_smoothing=smoothing)
    f = scalar_loss(lambda v: xc.softmax_cross_entropy(y, v, **kw), reduction)
    g = xc.softmax_cross_entropy_grad(y, z, **kw)
    assert g.shape == z.shape
    np.testing.assert_allclose(g, xc.numerical_gradient(f, z), **GRAD_TOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@SETTINGS
@given(data=st.data())
def test_softmax_ce_grad_numerical_soft_targets(reduction, weighted, smoothing, data):
    t, z = data.draw(soft_targets_and_logits())
    w = data.draw(class_weights(z.shape[1])) if weighted else None
    kw = dict(reduction=reduction, weight=w, label_smoothing=smoothing)
    f = scalar_loss(lambda v: xc.softmax_cross_entropy(t, v, **kw), reduction)
    g = xc.softmax_cross_entropy_grad(t, z, **kw)
    assert g.shape == z.shape
    np.testing.assert_allclose(g, xc.numerical_gradient(f, z), **GRAD_TOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@SETTINGS
@given(data=st.data())
def test_squared_error_grad_numerical(reduction, data):
    shape = data.draw(any_shape)
    t = data.draw(arrays(np.float64, shape, elements=st.floats(-5, 5)))
    p = data.draw(arrays(np.float64, shape, elements=st.floats(-5, 5)))
    f = scalar_loss(lambda q: xc.squared_error(t, q, reduction=reduction), reduction)
    g = xc.squared_error_grad(t, p, reduction=reduction)
    assert g.shape == p.shape
    np.testing.assert_allclose(g, xc.numerical_gradient(f, p), **GRAD_TOL)


# ==================================================== BCE from logits
@SETTINGS
@given(
    any_shape.flatmap(
        lambda s: st.tuples(probs(s, 0, 1), arrays(np.float64, s, elements=st.floats(-5, 5)))
    )
)
def test_bce_with_logits_equals_bce_of_sigmoid(tz):
    t, z = tz
    for reduction in REDUCTIONS:
        np.testing.assert_allclose(
            xc.binary_cross_entropy_with_logits(t, z, reduction=reduction),
            xc.binary_cross_entropy(t, xc.sigmoid(z), reduction=reduction),
            rtol=1e-12,
            atol=1e-15,
        )
    # dL/dz = σ(z) - t, computed as (1 - t) σ(z) - t σ(-z) so no digit is lost when σ(z) ≈ 1:
    # it may differ from the naive σ(z) - t by the rounding of that subtraction (≤ 1 ulp of 1)
    s = xc.sigmoid(z)
    grad = xc.binary_cross_entropy_with_logits_grad(t, z, reduction="none")
    np.testing.assert_allclose(grad, s - t, rtol=0, atol=2.3e-16)
    np.testing.assert_allclose(grad, (1 - t) * s - t * xc.sigmoid(-z), rtol=0, atol=0)


@SETTINGS
@given(
    any_shape.flatmap(
        lambda s: st.tuples(probs(s, 0, 1), arrays(np.float64, s, elements=st.floats(-30, 30)))
    ),
    st.floats(0.0, 5.0),
)
def test_bce_with_logits_pos_weight_formula(tz, w):
    t, z = tz
    # -(w t log σ(z) + (1 - t) log(1 - σ(z))), written with log σ(-z) = log(1 - σ(z))
    expected = -(w * t * xc.log_sigmoid(z) + (1 - t) * xc.log_sigmoid(-z))
    got = xc.binary_cross_entropy_with_logits(t, z, reduction="none", pos_weight=w)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-300)
    # the contract's closed form (1 - t) z + (1 + (w - 1) t) log(1 + e^{-z})
    closed = (1 - t) * z + (1 + (w - 1) * t) * np.log1p(np.exp(-z))
    np.testing.assert_allclose(got, closed, rtol=1e-9, atol=1e-12)
    # pos_weight = 1 is the unweighted loss
    np.testing.assert_allclose(
        xc.binary_cross_entropy_with_logits(t, z, reduction="none", pos_weight=1.0),
        xc.binary_cross_entropy_with_logits(t, z, reduction="none"),
        rtol=1e-15,
    )


@pytest.mark.parametrize(
    "t, z, expected",
    [
        (1, -1e4, 1e4),
        (0, 1e4, 1e4),
        (1, 1e4, 0.0),
        (0, -1e4, 0.0),
        (0.5, 1e4, 5e3),
        (0.25, -1e4, 2.5e3),
        (1, -50.0, 50.0),
        (1, 50.0, math.exp(-50.0)),  # a tiny loss keeps full relative precision
        (0, -50.0, math.exp(-50.0)),
        (1, 800.0, 0.0),
        (0, -800.0, 0.0),
        (1, 30.0, math.log1p(math.exp(-30.0))),
    ],
)
def test_bce_with_logits_stable_at_extremes(t, z, expected):
    got = xc.binary_cross_entropy_with_logits([t], [z], reduction="sum")
    assert math.isfinite(got)
    assert got == pytest.approx(expected, rel=1e-15, abs=0)
    g = xc.binary_cross_entropy_with_logits_grad([t], [z], reduction="sum")
    assert np.all(np.isfinite(g))

    # σ(z) - t written as (1 - t) σ(z) - t σ(-z): exact even where σ(z) rounds to 1
    def sigma(x: float) -> float:
        return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0

    assert g[0] == pytest.approx((1 - t) * sigma(z) - t * sigma(-z), rel=1e-14, abs=1e-300)


@SETTINGS
@given(
    any_shape.flatmap(
        lambda s: st.tuples(probs(s, 0, 1), arrays(np.float64, s, elements=st.floats(-1e4, 1e4)))
    )
)
def test_bce_with_logits_finite_and_accurate_up_to_1e4(tz):
    t, z = tz
    got = xc.binary_cross_entropy_with_logits(t, z, reduction="none")
    assert np.all(np.isfinite(got)) and np.all(got >= 0)
    # independent form: max(z, 0) - z t + log(1 + e^{-|z|})  (the seed's)
    seed_form = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    np.testing.assert_allclose(got, seed_form, rtol=1e-9, atol=1e-9)
    g = xc.binary_cross_entropy_with_logits_grad(t, z, reduction="none")
    assert np.all(np.isfinite(g)) and np.all(np.abs(g) <= 1)


# ============================================ softmax CE: p - t and chain rule
@SETTINGS
@given(labels_and_logits(-30, 30))
def test_softmax_ce_grad_is_exactly_p_minus_t(yz):
    y, z = yz
    T = np.eye(z.shape[1])[y]
    expected = xc.softmax(z) - T
    np.testing.assert_array_equal(xc.softmax_cross_entropy_grad(y, z, reduction="sum"), expected)
    np.testing.assert_array_equal(xc.softmax_cross_entropy_grad(T, z, reduction="sum"), expected)
    np.testing.assert_allclose(
        xc.softmax_cross_entropy_grad(y, z), expected / len(y), rtol=1e-15, atol=0
    )


@SETTINGS
@given(soft_targets_and_logits(-10, 10))
def test_chain_rule_through_the_jacobian(tz):
    t, z = tz
    p = xc.softmax(z)
    J = xc.softmax_jacobian(z)  # (N, C, C)
    dL_dp = xc.categorical_cross_entropy_grad(t, p, reduction="sum")  # -t/p
    via_jacobian = np.einsum("nij,ni->nj", J, dL_dp)  # Jᵀ (-t/p)
    np.testing.assert_allclose(via_jacobian, p - t, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        xc.softmax_cross_entropy_grad(t, z, reduction="sum"), p - t, rtol=1e-12, atol=1e-15
    )


@SETTINGS
@given(soft_targets_and_logits(-10, 10))
def test_softmax_ce_equals_categorical_of_softmax(tz):
    t, z = tz
    np.testing.assert_allclose(
        xc.softmax_cross_entropy(t, z, reduction="none"),
        xc.categorical_cross_entropy(t, xc.softmax(z), reduction="none"),
        rtol=1e-11,
        atol=1e-13,
    )


def test_softmax_ce_finite_at_1e4():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]])
    y = np.array([1, 1])
    loss = xc.softmax_cross_entropy(y, z, reduction="none")
    np.testing.assert_array_equal(loss, [2e4, 0.0])
    smooth = xc.softmax_cross_entropy(y, z, reduction="none", label_smoothing=0.1)
    assert np.all(np.isfinite(smooth))
    g = xc.softmax_cross_entropy_grad(y, z, label_smoothing=0.1, weight=[1.0, 2.0, 0.5])
    assert np.all(np.isfinite(g))


def test_softmax_ce_single_sample():
    z = [1.0, 2.0, 0.5]
    expected = -xc.log_softmax(z)[1]
    assert xc.softmax_cross_entropy(1, z, reduction="sum") == pytest.approx(expected, rel=1e-15)
    assert xc.softmax_cross_entropy([0, 1, 0], z, reduction="sum") == pytest.approx(
        expected, rel=1e-15
    )


# ============================== PyTorch's weight / label_smoothing, by hand
def torch_ce_reference(t, z, weight=None, eps=0.0, reduction="mean"):
    """PyTorch's ``cross_entropy`` written out with loops (class indices or probabilities)."""
    z = [[float(v) for v in row] for row in np.asarray(z)]
    N, C = len(z), len(z[0])
    w = [1.0] * C if weight is None else [float(v) for v in weight]
    is_labels = np.ndim(t) == 1
    losses, divisor = [], 0.0
    for i in range(N):
        m = max(z[i])
        lse = m + math.log(sum(math.exp(v - m) for v in z[i]))
        logp = [v - lse for v in z[i]]
        if is_labels:
            y = int(t[i])
            nll = -w[y] * logp[y]
            smooth = -sum(w[c] * logp[c] for c in range(C))
            losses.append((1 - eps) * nll + eps / C * smooth)
            divisor += w[y]
        else:
            target = [(1 - eps) * float(t[i][c]) + eps / C for c in range(C)]
            losses.append(-sum(w[c] * target[c] * logp[c] for c in range(C)))
            divisor += 1.0
    if reduction == "none":
        return np.array(losses)
    if reduction == "sum":
        return math.fsum(losses)
    return math.fsum(losses) / divisor


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.5, 1.0])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_softmax_ce_matches_pytorch_definition(reduction, weighted, smoothing, data):
    if data.draw(st.booleans()):
        t, z = data.draw(labels_and_logits(-20, 20))
    else:
        t, z = data.draw(soft_targets_and_logits(-20, 20))
    w = data.draw(class_weights(z.shape[1])) if weighted else None
    got = xc.softmax_cross_entropy(t, z, reduction=reduction, weight=w, label_smoothing=smoothing)
    expected = torch_ce_reference(t, z, w, smoothing, reduction)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)


def test_weighted_mean_divides_by_target_weights_not_n():
    z = np.zeros((3, 2))  # every -log p is log 2
    y = [0, 1, 1]
    w = [1.0, 3.0]
    # Σ w_{y_i} log 2 = 7 log 2; divided by Σ w_{y_i} = 7, not by N = 3
    assert xc.softmax_cross_entropy(y, z, weight=w) == pytest.approx(math.log(2), rel=1e-15)
    assert xc.softmax_cross_entropy(y, z, weight=w, reduction="sum") == pytest.approx(
        7 * math.log(2), rel=1e-15
    )
    # soft targets with weights: the mean divides by N
    T = np.eye(2)[y]
    assert xc.softmax_cross_entropy(T, z, weight=w) == pytest.approx(7 * math.log(2) / 3, rel=1e-15)


def test_label_smoothing_hand_example():
    z = np.array([[2.0, 0.0, -1.0]])
    logp = z[0] - math.log(sum(math.exp(v) for v in z[0]))
    eps = 0.3
    expected = (1 - eps) * -logp[0] + eps / 3 * -logp.sum()
    assert xc.softmax_cross_entropy([0], z, label_smoothing=eps) == pytest.approx(
        expected, rel=1e-14
    )
    # integer labels and their one-hot matrix agree when unweighted
    assert xc.softmax_cross_entropy([[1.0, 0, 0]], z, label_smoothing=eps) == pytest.approx(
        expected, rel=1e-14
    )


# =============================================== scikit-learn-style invariances
@SETTINGS
@given(data=st.data())
def test_permuting_classes_leaves_ce_unchanged(data):
    y, z = data.draw(labels_and_logits(-10, 10))
    n, c = z.shape
    perm = np.array(data.draw(st.permutations(range(c))))
    inv = np.argsort(perm)  # new column j holds old class perm[j]; old y -> inv[y]
    p = xc.softmax(z)
    for reduction in ("none", "sum", "mean"):
        np.testing.assert_allclose(
            xc.categorical_cross_entropy(inv[y], p[:, perm], reduction=reduction),
            xc.categorical_cross_entropy(y, p, reduction=reduction),
            rtol=1e-14,
            atol=0,
        )
        np.testing.assert_allclose(
            xc.softmax_cross_entropy(inv[y], z[:, perm], reduction=reduction),
            xc.softmax_cross_entropy(y, z, reduction=reduction),
            rtol=1e-13,
            atol=1e-15,
        )
    w = data.draw(class_weights(c))
    np.testing.assert_allclose(
        xc.softmax_cross_entropy(inv[y], z[:, perm], weight=w[perm], label_smoothing=0.1),
        xc.softmax_cross_entropy(y, z, weight=w, label_smoothing=0.1),
        rtol=1e-13,
    )
    np.testing.assert_allclose(
        xc.softmax_cross_entropy_grad(inv[y], z[:, perm]),
        xc.softmax_cross_entropy_grad(y, z)[:, perm],
        rtol=1e-13,
        atol=1e-15,  # p - 1 for p ≈ 1 cancels: a 1-ulp change in p is 1.1e-16 absolute
    )


@SETTINGS
@given(data=st.data())
def test_doubling_the_batch(data):
    y, z = data.draw(labels_and_logits(-10, 10))
    p = xc.softmax(z)
    yy, zz, pp = np.concatenate([y, y]), np.concatenate([z, z]), np.concatenate([p, p])
    cases = [
        (xc.categorical_cross_entropy, y, p, yy, pp, {}),
        (xc.softmax_cross_entropy, y, z, yy, zz, {}),
        (
            xc.softmax_cross_entropy,
            y,
            z,
            yy,
            zz,
            dict(weight=np.arange(1.0, z.shape[1] + 1), label_smoothing=0.2),
        ),
        (xc.binary_cross_entropy, p[:, 0], p[:, 1], pp[:, 0], pp[:, 1], {}),
        (xc.binary_cross_entropy_with_logits, p[:, 0], z[:, 0], pp[:, 0], zz[:, 0], {}),
        (xc.squared_error, z[:, 0], z[:, 1], zz[:, 0], zz[:, 1], {}),
    ]
    for fn, t1, x1, t2, x2, kw in cases:
        assert fn(t2, x2, **kw) == pytest.approx(fn(t1, x1, **kw), rel=1e-14, abs=1e-300)
        assert fn(t2, x2, reduction="sum", **kw) == pytest.approx(
            2 * fn(t1, x1, reduction="sum", **kw), rel=1e-14, abs=1e-300
        )
        np.testing.assert_array_equal(
            fn(t2, x2, reduction="none", **kw),
            np.concatenate([fn(t1, x1, reduction="none", **kw)] * 2),
        )


# ============ categorical CE on probabilities with weights / smoothing (PyTorch's meaning)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 1.0])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_categorical_weighted_smoothed_matches_pytorch_definition(
    reduction, weighted, smoothing, data
):
    if data.draw(st.booleans()):
        t, z = data.draw(labels_and_logits(-8, 8))
    else:
        t, z = data.draw(soft_targets_and_logits(-8, 8))
    p = xc.softmax(z)
    w = data.draw(class_weights(z.shape[1])) if weighted else None
    kw = dict(reduction=reduction, weight=w, label_smoothing=smoothing)
    got = xc.categorical_cross_entropy(t, p, **kw)
    # log p = log softmax(z) = z - lse(z): the same reference as for logits. p is rounded
    # to 1 ulp (1.1e-16 near 1), so -log p is exact only to ~1e-16 absolute: hence atol.
    ref = torch_ce_reference(t, z, w, smoothing, reduction)
    np.testing.assert_allclose(got, ref, rtol=1e-11, atol=2e-14)
    np.testing.assert_allclose(got, xc.softmax_cross_entropy(t, z, **kw), rtol=1e-11, atol=2e-14)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@SETTINGS
@given(data=st.data())
def test_categorical_grad_numerical_weighted_smoothed(reduction, weighted, smoothing, data):
    n, c = data.draw(shapes_2d)
    p = data.draw(probs((n, c)))
    t = data.draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    w = data.draw(class_weights(c)) if weighted else None
    kw = dict(reduction=reduction, weight=w, label_smoothing=smoothing)
    f = scalar_loss(lambda q: xc.categorical_cross_entropy(t, q, **kw), reduction)
    g = xc.categorical_cross_entropy_grad(t, p, **kw)
    np.testing.assert_allclose(g, xc.numerical_gradient(f, p), **GRAD_TOL)


def test_categorical_weighted_mean_divides_by_target_weights():
    p = np.full((3, 2), 0.5)
    y = [0, 1, 1]
    w = [1.0, 3.0]
    assert xc.categorical_cross_entropy(y, p, weight=w) == pytest.approx(math.log(2), rel=1e-15)
    assert xc.categorical_cross_entropy(y, p, weight=w, reduction="sum") == pytest.approx(
        7 * math.log(2), rel=1e-15
    )


def test_categorical_smoothing_with_a_zero_probability_is_inf_not_nan():
    # smoothing puts weight on every class, so p = 0 anywhere costs +inf (PyTorch: inf too)
    loss = xc.categorical_cross_entropy([0], [[1.0, 0.0]], label_smoothing=0.1, reduction="none")
    assert loss[0] == math.inf
    assert xc.categorical_cross_entropy([0], [[1.0, 0.0]], reduction="none")[0] == 0.0


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.5, 1.0])
def test_smoothed_targets(eps):
    y = np.array([0, 2, 1])
    T = np.eye(3)[y]
    expected = (1 - eps) * T + eps / 3
    np.testing.assert_allclose(xc.smoothed_targets(y, 3, eps), expected, rtol=0, atol=1e-16)
    np.testing.assert_allclose(xc.smoothed_targets(T, 3, eps), expected, rtol=0, atol=1e-16)
    np.testing.assert_allclose(xc.smoothed_targets(y, 3, eps).sum(axis=1), 1.0, rtol=0, atol=1e-15)
    soft = np.array([[0.2, 0.3, 0.5]])
    np.testing.assert_allclose(
        xc.smoothed_targets(soft, 3, eps), (1 - eps) * soft + eps / 3, rtol=0, atol=1e-16
    )


def test_smoothed_targets_give_the_soft_target_loss():
    y = np.array([0, 2, 1, 1])
    z = np.random.default_rng(3).normal(size=(4, 3))
    T = xc.smoothed_targets(y, 3, 0.3)
    assert xc.softmax_cross_entropy(T, z) == pytest.approx(
        xc.softmax_cross_entropy(y, z, label_smoothing=0.3), rel=1e-14
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@SETTINGS
@given(data=st.data())
def test_grad_from_probabilities_equals_grad_from_logits(reduction, weighted, smoothing, data):
    if data.draw(st.booleans()):
        t, z = data.draw(labels_and_logits(-10, 10))
    else:
        t, z = data.draw(soft_targets_and_logits(-10, 10))
    w = data.draw(class_weights(z.shape[1])) if weighted else None
    kw = dict(reduction=reduction, weight=w, label_smoothing=smoothing)
    np.testing.assert_allclose(
        xc.softmax_cross_entropy_grad_from_probabilities(t, xc.softmax(z), **kw),
        xc.softmax_cross_entropy_grad(t, z, **kw),
        rtol=1e-13,
        atol=1e-15,
    )


def test_grad_from_probabilities_at_p_zero_is_p_minus_t():
    p = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
    y = np.array([1, 2])
    g = xc.softmax_cross_entropy_grad_from_probabilities(y, p, reduction="sum")
    np.testing.assert_array_equal(g, p - np.eye(3)[y])
