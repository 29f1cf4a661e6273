"""Bad input raises a ValueError whose message names the argument and the first offending
index or value (a page shows it to a student as it is) — never a silent nan."""

import math

import numpy as np
import pytest

import xent_core as xc

P3 = np.full((3, 3), 1 / 3)  # three rows of three uniform probabilities
Z3 = np.zeros((3, 3))  # three rows of three logits
NAN = float("nan")


# ------------------------------------------------------------ probabilities
@pytest.mark.parametrize(
    "fn",
    [xc.binary_cross_entropy, xc.binary_cross_entropy_grad],
)
@pytest.mark.parametrize(
    "t, p, match",
    [
        ([0, 1, 1], [0.1, 0.2, 1.5], r"p\[2\] = 1\.5 .*\[0, 1\]"),
        ([0, 1, 1], [0.1, -0.2, 0.5], r"p\[1\] = -0\.2"),
        ([[1, 0], [0, 1]], [[0.5, 0.5], [0.5, -0.5]], r"p\[1, 1\] = -0\.5"),
        ([0, 1, 2], [0.1, 0.2, 0.3], r"t\[2\] = 2\b"),
        ([0, -1, 1], [0.1, 0.2, 0.3], r"t\[1\] = -1\b"),
        ([0, 1, 1], [0.1, NAN, 0.3], r"p\[1\] is nan"),
        ([0, NAN, 1], [0.1, 0.2, 0.3], r"t\[1\] is nan"),
        ([0, 1, 1], [0.1, 0.2, math.inf], r"p\[2\] = inf"),
        ([0, 1, 1], [0.1, 0.2], r"t has shape \(3,\) but p has shape \(2,\)"),
        ([[0, 1, 1]], [0.1, 0.2, 0.3], r"t has shape \(1, 3\) but p has shape \(3,\)"),
        ([], [], r"t is empty"),
        ([0, 1], "ab", r"p must hold numbers"),
    ],
)
def test_binary_bad_probabilities(fn, t, p, match):
    with pytest.raises(ValueError, match=match):
        fn(t, p)


@pytest.mark.parametrize(
    "fn",
    [
        xc.categorical_cross_entropy,
        xc.categorical_cross_entropy_grad,
    ],
)
@pytest.mark.parametrize(
    "t, p, match",
    [
        ([0, 1, 2], [[0.5, 0.5, 0], [0.2, 0.2, 0.6], [0.1, 1.2, 0.3]], r"p\[2, 1\] = 1\.2"),
        ([0, 1, 2], [[0.5, 0.5, 0], [0.2, NAN, 0.6], [0.1, 0.2, 0.7]], r"p\[1, 1\] is nan"),
        ([[1, 0, 0], [0, 2, 0], [0, 0, 1]], P3, r"t\[1, 1\] = 2\b"),
        ([[1, 0, 0], [0, NAN, 0], [0, 0, 1]], P3, r"t\[1, 1\] is nan"),
        ([0, 1], P3, r"t has 2 labels but there are 3 rows"),
        ([[1, 0], [0, 1], [1, 0]], P3, r"t has shape \(3, 2\)"),
        (np.zeros((3, 3, 1)), P3, r"t must be class labels \(N,\) or a target matrix"),
        ([0, 1], [[1.0], [1.0]], r"p must be a batch \(N, C\) with at least 2 classes"),
        ([0], np.ones((1, 2, 2)) / 2, r"p must be a batch"),
        ([], np.empty((0, 3)), r"p is empty"),
    ],
)
def test_categorical_bad_input(fn, t, p, match):
    with pytest.raises(ValueError, match=match):
        fn(t, p)


@pytest.mark.parametrize("fn", [xc.softmax_cross_entropy, xc.softmax_cross_entropy_grad])
@pytest.mark.parametrize(
    "t, z, kwargs, match",
    [
        ([0, 1, 2], [[0, 0, 0], [0, math.inf, 0], [0, 0, 0]], {}, r"z\[1, 1\] is inf"),
        ([0, 1, 2], [[0, 0, 0], [0, NAN, 0], [0, 0, 0]], {}, r"z\[1, 1\] is nan"),
        ([0, 1], Z3, {}, r"t has 2 labels but there are 3 rows"),
        ([[1, 0], [0, 1], [1, 0]], Z3, {}, r"t has shape \(3, 2\)"),
        ([[1, 0, 0], [0, 1.5, 0], [0, 0, 1]], Z3, {}, r"t\[1, 1\] = 1\.5"),
        ([0, 1], np.zeros((2, 1)), {}, r"z must be a batch \(N, C\) with at least 2 classes"),
        ([], np.empty((0, 3)), {}, r"z is empty"),
        (
            [0, 1, 2],
            Z3,
            dict(weight=[1.0, 2.0]),
            r"weight must hold one number per class, shape \(3,\); got shape \(2,\)",
        ),
        ([0, 1, 2], Z3, dict(weight=[[1.0, 2.0, 3.0]]), r"weight must hold one number per class"),
        ([0, 1, 2], Z3, dict(weight=[1.0, -2.0, 1.0]), r"weight\[1\] = -2"),
        ([0, 1, 2], Z3, dict(weight=[1.0, NAN, 1.0]), r"weight\[1\] is nan"),
        ([0, 1, 2], Z3, dict(label_smoothing=1.5), r"label_smoothing must lie in \[0, 1\]"),
        ([0, 1, 2], Z3, dict(label_smoothing=-0.1), r"label_smoothing"),
        ([0, 1, 2], Z3, dict(label_smoothing=NAN), r"label_smoothing"),
        (
            [0, 1, 2],
            Z3,
            dict(reduction="avg"),
            r"reduction must be one of 'mean', 'sum', 'none'; got 'avg'",
        ),
    ],
)
def test_softmax_ce_bad_input(fn, t, z, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fn(t, z, **kwargs)


LABEL_FUNCTIONS = [
    (xc.categorical_cross_entropy, P3),
    (xc.categorical_cross_entropy_grad, P3),
    (xc.softmax_cross_entropy, Z3),
    (xc.softmax_cross_entropy_grad, Z3),
]


@pytest.mark.parametrize("fn, x", LABEL_FUNCTIONS)
@pytest.mark.parametrize(
    "t, what",
    [
        ([0, 1, 3], r"3 is out of range"),
        ([0, 1, -1], r"-1 is out of range"),
        ([0, 1, 1.5], r"1\.5 is not a class label"),
    ],
)
def test_bad_label_is_rejected(fn, x, t, what):
    with pytest.raises(ValueError, match=what):
        fn(t, x)


@pytest.mark.parametrize("fn, x", LABEL_FUNCTIONS)
@pytest.mark.parametrize("t, value", [([0, 1, 3], "3"), ([0, 1, 1.5], r"1\.5")])
def test_bad_label_message_names_t_and_index(fn, x, t, value):
    with pytest.raises(ValueError, match=rf"\bt\[2\] = {value}\b"):
        fn(t, x)


def test_one_hot_bad_labels():
    with pytest.raises(ValueError, match=r"labels\[1\] = 5 is out of range"):
        xc.one_hot([0, 5], 3)
    with pytest.raises(ValueError, match=r"labels\[0\] = 0\.5 is not a class label"):
        xc.one_hot([0.5, 1], 3)


# --------------------------------------------------------- logits, z, reductions
@pytest.mark.parametrize(
    "fn", [xc.sigmoid, xc.log_sigmoid, xc.softmax, xc.log_softmax, xc.softmax_jacobian]
)
@pytest.mark.parametrize(
    "z, match",
    [
        ([1.0, NAN, 2.0], r"z\[1\] is nan"),
        ([1.0, 2.0, -math.inf], r"z\[2\] is -inf"),
        ([], r"z is empty"),
        ("abc", r"z must hold numbers"),
        ([[1, 2], [3]], r"z must hold numbers"),
    ],
)
def test_bad_logits(fn, z, match):
    with pytest.raises(ValueError, match=match):
        fn(z)


@pytest.mark.parametrize("fn", [xc.softmax, xc.log_softmax, xc.softmax_jacobian])
@pytest.mark.parametrize("tau", [0, -1.0, math.inf, NAN])
def test_bad_temperature(fn, tau):
    with pytest.raises(ValueError, match=r"temperature must be a positive, finite number"):
        fn([1.0, 2.0], temperature=tau)


def test_jacobian_needs_a_vector_or_batch():
    with pytest.raises(
        ValueError,
        match=r"z must be a vector of C logits or a batch \(N, C\); got shape \(2, 2, 2\)",
    ):
        xc.softmax_jacobian(np.zeros((2, 2, 2)))


@pytest.mark.parametrize(
    "fn, t, x",
    [
        (xc.binary_cross_entropy, [1], [0.5]),
        (xc.binary_cross_entropy_grad, [1], [0.5]),
        (xc.binary_cross_entropy_with_logits, [1], [0.5]),
        (xc.binary_cross_entropy_with_logits_grad, [1], [0.5]),
        (xc.categorical_cross_entropy, [0], [[0.5, 0.5]]),
        (xc.categorical_cross_entropy_grad, [0], [[0.5, 0.5]]),
        (xc.softmax_cross_entropy, [0], [[0.5, 0.5]]),
        (xc.softmax_cross_entropy_grad, [0], [[0.5, 0.5]]),
        (xc.squared_error, [1], [0.5]),
        (xc.squared_error_grad, [1], [0.5]),
    ],
)
@pytest.mark.parametrize("reduction", ["avg", "Mean", None, "", "elementwise_mean"])
def test_bad_reduction(fn, t, x, reduction):
    with pytest.raises(ValueError, match=r"reduction must be one of 'mean', 'sum', 'none'"):
        fn(t, x, reduction=reduction)


@pytest.mark.parametrize(
    "fn, t, p",
    [
        (xc.binary_cross_entropy, [1], [0.5]),
        (xc.binary_cross_entropy_grad, [1], [0.5]),
        (xc.categorical_cross_entropy, [0], [[0.5, 0.5]]),
        (xc.categorical_cross_entropy_grad, [0], [[0.5, 0.5]]),
    ],
)
@pytest.mark.parametrize("eps", [0, 0.0, -1e-7, 0.5, 0.7, NAN, math.inf])
def test_bad_eps(fn, t, p, eps):
    with pytest.raises(ValueError, match=r"eps must be None or a number in \(0, 0\.5\)"):
        fn(t, p, eps=eps)


@pytest.mark.parametrize(
    "fn", [xc.binary_cross_entropy_with_logits, xc.binary_cross_entropy_with_logits_grad]
)
@pytest.mark.parametrize(
    "t, z, kwargs, match",
    [
        ([1, 0], [1.0, NAN], {}, r"z\[1\] is nan"),
        ([1, 0], [1.0, math.inf], {}, r"z\[1\] is inf"),
        ([1, 1.5], [1.0, 2.0], {}, r"t\[1\] = 1\.5"),
        ([1, 0, 1], [1.0, 2.0], {}, r"t has shape \(3,\) but z has shape \(2,\)"),
        ([1, 0], [1.0, 2.0], dict(pos_weight=-1.0), r"pos_weight must be ≥ 0"),
        ([1, 0], [1.0, 2.0], dict(pos_weight=NAN), r"pos_weight is nan"),
        ([], [], {}, r"t is empty"),
    ],
)
def test_bce_with_logits_bad_input(fn, t, z, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fn(t, z, **kwargs)


@pytest.mark.parametrize(
    "fn", [xc.binary_cross_entropy_with_logits, xc.binary_cross_entropy_with_logits_grad]
)
@pytest.mark.parametrize("pos_weight", [[1.0, 2.0], np.ones((2, 3))])
def test_bce_with_logits_bad_pos_weight_shape(fn, pos_weight):
    with pytest.raises(ValueError, match=r"pos_weight"):
        fn([1, 0, 1], [0.5, -1.0, 2.0], reduction="none", pos_weight=pos_weight)


@pytest.mark.parametrize("fn", [xc.squared_error, xc.squared_error_grad])
@pytest.mark.parametrize(
    "t, p, match",
    [
        ([1, 2], [1, NAN], r"p\[1\] is nan"),
        ([1, math.inf], [1, 2], r"t\[1\] is inf"),
        ([1, 2, 3], [1, 2], r"t has shape \(3,\) but p has shape \(2,\)"),
        ([], [], r"t is empty"),
    ],
)
def test_squared_error_bad_input(fn, t, p, match):
    with pytest.raises(ValueError, match=match):
        fn(t, p)


def test_logit_and_normalize_rows_bad_input():
    with pytest.raises(ValueError, match=r"p\[1\] = 2 is not a probability"):
        xc.logit([0.5, 2.0])
    with pytest.raises(ValueError, match=r"p\[0, 1\] = -1 is negative"):
        xc.normalize_rows([[1.0, -1.0]])
    with pytest.raises(ValueError, match=r"row 1 of p sums to 0"):
        xc.normalize_rows([[1.0, 1.0], [0.0, 0.0]])


# ------------------------------------------------------------------ metrics
@pytest.mark.parametrize("fn", [xc.accuracy, xc.reliability_bins, xc.expected_calibration_error])
@pytest.mark.parametrize(
    "t, p, match",
    [
        ([0, 1], [[0.5, 0.5]], r"t must hold one label per row of p \(1\)"),
        ([0, 2], [[0.5, 0.5], [0.2, 0.8]], r"t\[1\] = 2 is out of range"),
        ([0, 1], [[0.5, 0.5], [0.2, 1.8]], r"p\[1, 1\] = 1\.8"),
        ([0], [0.5, 0.5], r"p must be a batch \(N, C\)"),
        ([], np.empty((0, 2)), r"p is empty"),
    ],
)
def test_metrics_bad_input(fn, t, p, match):
    with pytest.raises(ValueError, match=match):
        fn(t, p)


@pytest.mark.parametrize("fn", [xc.reliability_bins, xc.expected_calibration_error])
def test_bad_n_bins(fn):
    with pytest.raises(ValueError, match=r"n_bins must be ≥ 1; got 0"):
        fn([0], [[0.6, 0.4]], n_bins=0)


# ---------------------------------------------------------------------- MLP
@pytest.mark.parametrize(
    "sizes, match",
    [
        ([2], r"sizes must list at least an input and an output width"),
        ([], r"sizes must list"),
        ([2, 0, 3], r"all ≥ 1"),
        ([2, 4, 1], r"sizes\[-1\] = 1: the softmax output needs at least 2 classes"),
    ],
)
def test_mlp_bad_sizes(sizes, match):
    with pytest.raises(ValueError, match=match):
        xc.MLP(sizes)


@pytest.mark.parametrize("activation", ["softsign", "Tanh", "", "gelu"])
def test_mlp_bad_activation(activation):
    with pytest.raises(
        ValueError, match=r"activation must be one of 'tanh', 'relu', 'sigmoid', 'linear'"
    ):
        xc.MLP([2, 3, 2], activation=activation)


@pytest.mark.parametrize(
    "X, y, match",
    [
        ([[1.0, 2.0, 3.0]], [0], r"X must have shape \(N, 2\)"),
        ([1.0, 2.0], [0], r"X must have shape \(N, 2\)"),
        ([[1.0, NAN]], [0], r"X\[0, 1\] is nan"),
        ([[1.0, 2.0]], [3], r"y\[0\] = 3 is out of range"),
        ([[1.0, 2.0], [0.0, 0.0]], [0, 0.5], r"y\[1\] = 0\.5 is not a class label"),
        ([[1.0, 2.0]], [1, 2], r"y must hold one label per row of X \(1\)"),
        (np.empty((0, 2)), [], r"X is empty"),
    ],
)
def test_mlp_bad_data(X, y, match):
    net = xc.MLP([2, 3, 3])
    with pytest.raises(ValueError, match=match):
        net.loss_and_gradients(X, y)
    with pytest.raises(ValueError, match=match):
        net.train_step(X, y, lr=0.1)


def test_mlp_forward_bad_X():
    net = xc.MLP([2, 3, 3])
    for method in (net.forward, net.predict_proba):
        with pytest.raises(
            ValueError, match=r"X must have shape \(N, 2\), one row per point; got \(1, 3\)"
        ):
            method([[1.0, 2.0, 3.0]])


@pytest.mark.parametrize("kwargs", [dict(lr=NAN), dict(lr=math.inf), dict(lr=0.1, l2=NAN)])
def test_mlp_train_step_rejects_non_finite_hyperparameters(kwargs):
    net = xc.MLP([2, 3, 3])
    with pytest.raises(ValueError, match=r"\b(lr|l2)\b"):
        net.train_step([[1.0, 2.0]], [1], **kwargs)


# ----------------------------------------------------------------- datasets
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            dict(name="swirl"),
            r"name must be one of circle, xor, gaussian, spiral, moons, blobs; got 'swirl'",
        ),
        (dict(name="Circle"), r"name must be one of"),
        (dict(name="xor", n_classes=3), r"xor has exactly 2 classes"),
        (dict(name="circle", n_classes=1), r"circle has exactly 2 classes"),
        (dict(name="spiral", n_classes=1), r"n_classes for spiral must be 2 to 5; got 1"),
        (dict(name="spiral", n_classes=6), r"n_classes for spiral must be 2 to 5"),
        (dict(name="blobs", n_classes=6), r"n_classes for blobs must be 2 to 5; got 6"),
        (dict(name="circle", noise=-0.1), r"noise must lie in \[0, 1\]; got -0\.1"),
        (dict(name="moons", noise=1.5), r"noise must lie in \[0, 1\]"),
        (dict(name="gaussian", noise=NAN), r"noise must lie in \[0, 1\]"),
        (dict(name="blobs", n=2), r"n = 2 is too small: need at least one point per class \(3\)"),
        (dict(name="circle", n=0), r"n = 0 is too small"),
    ],
)
def test_make_dataset_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        xc.make_dataset(**kwargs)


@pytest.mark.parametrize("fraction", [0, 1, -0.5, 1.5])
def test_train_test_split_bad_fraction(fraction):
    X, y = xc.make_dataset("circle", n=10)
    with pytest.raises(ValueError, match=r"test_fraction must lie strictly between 0 and 1"):
        xc.train_test_split(X, y, fraction)


@pytest.mark.parametrize("fn", [xc.categorical_cross_entropy, xc.categorical_cross_entropy_grad])
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(weight=[1.0, 2.0]), r"weight must hold one number per class, shape \(3,\)"),
        (dict(weight=[1.0, -2.0, 1.0]), r"weight\[1\] = -2"),
        (dict(label_smoothing=1.5), r"label_smoothing must lie in \[0, 1\]"),
    ],
)
def test_categorical_bad_weight_and_smoothing(fn, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fn([0, 1, 2], P3, **kwargs)


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.eye(2), 3), r"t must be labels \(N,\) or targets \(N, 3\)"),
        (([0, 1], 3, 1.5), r"label_smoothing must lie in \[0, 1\]"),
        (([[0.5, 1.5, 0.0]], 3), r"t\[0, 1\] = 1\.5"),
    ],
)
def test_smoothed_targets_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        xc.smoothed_targets(*args)
