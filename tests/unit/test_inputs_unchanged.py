"""Every public function leaves its array inputs as they were, and accepts plain lists."""

import copy

import numpy as np
import pytest

import xent_core as xc

rng = np.random.default_rng(0)
Y = np.array([0, 2, 1, 2])  # (N,) labels, int
Z = rng.normal(size=(4, 3))  # (N, C) logits
P = xc.softmax(Z)  # (N, C) probabilities
T = np.eye(3)[Y]  # (N, C) one-hot
TB = np.array([1.0, 0.0, 1.0, 0.3])  # binary targets (soft allowed)
PB = np.array([0.8, 0.1, 0.6, 0.5])  # binary probabilities
ZB = np.array([1.5, -2.0, 0.3, 0.0])  # binary logits

# (name, function, positional array args, keyword args) — every array argument is checked
CASES = [
    ("sigmoid", xc.sigmoid, [ZB], {}),
    ("log_sigmoid", xc.log_sigmoid, [ZB], {}),
    ("logit", xc.logit, [PB], {}),
    ("softplus", xc.softplus, [ZB], {}),
    ("softmax", xc.softmax, [Z], {}),
    ("softmax temperature", xc.softmax, [Z], dict(temperature=2.0)),
    ("log_softmax", xc.log_softmax, [Z], {}),
    ("log_softmax axis 0", xc.log_softmax, [Z], dict(axis=0)),
    ("softmax_jacobian", xc.softmax_jacobian, [Z[0]], {}),
    ("softmax_jacobian batch", xc.softmax_jacobian, [Z], dict(temperature=0.5)),
    ("sigmoid_jacobian", xc.sigmoid_jacobian, [ZB], {}),
    ("features", xc.features, [Z[:, :2]], dict(names=xc.FEATURES)),
    ("soft_threshold", xc.soft_threshold, [Z], dict(threshold=0.5)),
    ("soft_threshold per weight", xc.soft_threshold, [Z, np.abs(Z[0])], {}),
    ("training_health", xc.training_health, [np.abs(ZB), np.abs(ZB) + 0.1], {}),
    (
        "training_health accuracies",
        xc.training_health,
        [np.abs(ZB)],
        dict(train_accuracy=PB, test_accuracy=PB, n_classes=2),
    ),
    ("sigmoid_jacobian batch", xc.sigmoid_jacobian, [Z], {}),
    ("output_jacobians softmax", xc.output_jacobians, [Z], {}),
    ("output_jacobians sigmoid", xc.output_jacobians, [Z], dict(output="sigmoid")),
    ("binary_cross_entropy", xc.binary_cross_entropy, [TB, PB], {}),
    (
        "binary_cross_entropy none eps",
        xc.binary_cross_entropy,
        [TB, PB],
        dict(reduction="none", eps=0.2),
    ),
    ("binary_cross_entropy_grad", xc.binary_cross_entropy_grad, [TB, PB], {}),
    (
        "binary_cross_entropy_grad eps",
        xc.binary_cross_entropy_grad,
        [TB, PB],
        dict(reduction="none", eps=0.2),
    ),
    ("bce_with_logits", xc.binary_cross_entropy_with_logits, [TB, ZB], {}),
    ("bce_with_logits none", xc.binary_cross_entropy_with_logits, [TB, ZB], dict(reduction="none")),
    (
        "bce_with_logits pos_weight",
        xc.binary_cross_entropy_with_logits,
        [TB, ZB],
        dict(pos_weight=np.array([2.0])),
    ),
    (
        "bce_with_logits_grad",
        xc.binary_cross_entropy_with_logits_grad,
        [TB, ZB],
        dict(reduction="none"),
    ),
    (
        "bce_with_logits_grad pos_weight",
        xc.binary_cross_entropy_with_logits_grad,
        [TB, ZB],
        dict(pos_weight=np.array([2.0])),
    ),
    ("categorical labels", xc.categorical_cross_entropy, [Y, P], {}),
    ("categorical one-hot none", xc.categorical_cross_entropy, [T, P], dict(reduction="none")),
    ("categorical eps", xc.categorical_cross_entropy, [T, P], dict(eps=0.4)),
    ("categorical_grad labels", xc.categorical_cross_entropy_grad, [Y, P], {}),
    (
        "categorical_grad one-hot eps",
        xc.categorical_cross_entropy_grad,
        [T, P],
        dict(eps=0.4, reduction="sum"),
    ),
    ("softmax_ce labels", xc.softmax_cross_entropy, [Y, Z], {}),
    ("softmax_ce soft none", xc.softmax_cross_entropy, [P, Z], dict(reduction="none")),
    (
        "softmax_ce weight smoothing",
        xc.softmax_cross_entropy,
        [Y, Z],
        dict(weight=np.array([1.0, 2.0, 0.5]), label_smoothing=0.1),
    ),
    ("softmax_ce_grad labels", xc.softmax_cross_entropy_grad, [Y, Z], {}),
    ("softmax_ce_grad soft", xc.softmax_cross_entropy_grad, [P, Z], dict(reduction="sum")),
    (
        "softmax_ce_grad weight smoothing",
        xc.softmax_cross_entropy_grad,
        [Y, Z],
        dict(weight=np.array([1.0, 2.0, 0.5]), label_smoothing=0.1),
    ),
    ("squared_error", xc.squared_error, [T, P], {}),
    ("squared_error none", xc.squared_error, [T, P], dict(reduction="none")),
    ("squared_error_grad", xc.squared_error_grad, [T, P], {}),
    (
        "categorical weight smoothing",
        xc.categorical_cross_entropy,
        [Y, P],
        dict(weight=np.array([1.0, 2.0, 0.5]), label_smoothing=0.1),
    ),
    (
        "categorical_grad weight smoothing",
        xc.categorical_cross_entropy_grad,
        [Y, P],
        dict(weight=np.array([1.0, 2.0, 0.5]), label_smoothing=0.1),
    ),
    (
        "softmax_ce_grad_from_probabilities",
        xc.softmax_cross_entropy_grad_from_probabilities,
        [Y, P],
        dict(weight=np.array([1.0, 2.0, 0.5]), label_smoothing=0.1),
    ),
    ("smoothed_targets labels", xc.smoothed_targets, [Y], dict(n_classes=3, label_smoothing=0.2)),
    ("smoothed_targets soft", xc.smoothed_targets, [P], dict(n_classes=3, label_smoothing=0.2)),
    ("jacobian_properties", xc.jacobian_properties, [xc.softmax_jacobian(Z[0])], {}),
    ("chain_rule", xc.chain_rule, [xc.softmax_jacobian(Z), -T / P], {}),
    ("softmax_chain_rule", xc.softmax_chain_rule, [Z[0]], dict(target=2)),
    ("one_hot", xc.one_hot, [Y], dict(n_classes=3)),
    ("normalize_rows", xc.normalize_rows, [P * 3.0], {}),
    ("accuracy", xc.accuracy, [Y, P], {}),
    ("reliability_bins", xc.reliability_bins, [Y, P], dict(n_bins=5)),
    ("expected_calibration_error", xc.expected_calibration_error, [Y, P], {}),
    (
        "numerical_gradient",
        lambda x: xc.numerical_gradient(lambda v: float((v**2).sum()), x),
        [ZB],
        {},
    ),
    ("train_test_split", lambda X, y: xc.train_test_split(X, y, 0.25), [Z, Y], {}),
    ("entropy", xc.entropy, [P[0]], dict(terms=True)),
    ("cross_entropy", xc.cross_entropy, [T[0], P[0]], dict(base=2.0)),
    ("kl_divergence", xc.kl_divergence, [P[1], P[0]], dict(terms=True)),
    ("decomposition", xc.decomposition, [P[1], P[0]], {}),
    ("sigmoid_derivative", xc.sigmoid_derivative, [ZB], {}),
    ("squared_error_with_logits", xc.squared_error_with_logits, [TB, ZB], {}),
    ("squared_error_with_logits_grad", xc.squared_error_with_logits_grad, [TB, ZB], {}),
    ("relative_error", xc.relative_error, [PB, TB], {}),
    (
        "temperature_scale",
        xc.temperature_scale,
        [Z, Y],
        dict(temperatures=np.array([0.5, 1.0, 2.0])),
    ),
    ("calibrated_probabilities", xc.calibrated_probabilities, [Z], dict(temperature=1.5)),
    (
        "ece_by_temperature",
        xc.ece_by_temperature,
        [Z, Y],
        dict(temperatures=np.array([0.5, 1.0, 2.0]), n_bins=5),
    ),
    ("as_whole_numbers", xc.as_whole_numbers, [ZB * 3.0], {}),
    (
        "naive_numerical_gradient",
        lambda x: xc.naive_numerical_gradient(lambda v: float((v**2).sum()), x),
        [ZB],
        {},
    ),
]

IDS = [c[0] for c in CASES]


def assert_unchanged(before, after):
    assert type(before) is type(after)
    assert after.dtype == before.dtype
    assert after.shape == before.shape
    np.testing.assert_array_equal(after, before)


def kw_arrays(kwargs):
    return {k: v for k, v in kwargs.items() if isinstance(v, np.ndarray)}


def results_equal(a, b):
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            results_equal(x, y)
    else:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("name, fn, args, kwargs", CASES, ids=IDS)
def test_array_inputs_unchanged(name, fn, args, kwargs):
    args = [a.copy() for a in args]
    kwargs = copy.deepcopy(kwargs)
    saved_args = [a.copy() for a in args]
    saved_kw = {k: v.copy() for k, v in kw_arrays(kwargs).items()}
    out = fn(*args, **kwargs)
    for before, after in zip(saved_args, args, strict=True):
        assert_unchanged(before, after)
    for k, before in saved_kw.items():
        assert_unchanged(before, kwargs[k])
    # an array result is new memory: writing to it cannot reach an input
    outs = out if isinstance(out, tuple) else (out,)
    if name != "train_test_split":  # documented: slices of the inputs
        for o in outs:
            if isinstance(o, np.ndarray):
                for a in args:
                    assert not np.shares_memory(o, a), f"{name} returns a view of an input"


LIST_CASES = [c for c in CASES if c[0] != "train_test_split"]  # it slices rows of arrays


@pytest.mark.parametrize("name, fn, args, kwargs", LIST_CASES, ids=[c[0] for c in LIST_CASES])
def test_lists_accepted(name, fn, args, kwargs):
    from_arrays = fn(*[a.copy() for a in args], **copy.deepcopy(kwargs))
    list_kwargs = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    from_lists = fn(*[a.tolist() for a in args], **list_kwargs)
    results_equal(from_lists, from_arrays)


def test_integer_inputs_unchanged_and_accepted():
    t = np.array([1, 0, 1])
    p = np.array([1, 0, 1])
    saved = t.copy(), p.copy()
    assert xc.binary_cross_entropy(t, p) == 0.0
    assert xc.squared_error(t, p) == 0.0
    np.testing.assert_array_equal(xc.softmax(np.array([1, 2, 3])), xc.softmax([1.0, 2.0, 3.0]))
    assert_unchanged(saved[0], t)
    assert_unchanged(saved[1], p)


def test_read_only_inputs_work():
    z = Z.copy()
    z.flags.writeable = False
    y = Y.copy()
    y.flags.writeable = False
    xc.softmax_cross_entropy(y, z)
    xc.softmax_cross_entropy_grad(y, z)
    xc.softmax_jacobian(z)
    net = xc.MLP([3, 4, 3], seed=1)
    net.train_step(z, y, lr=0.1)
    net.backprop_trace(z, y, output="sigmoid")


def test_mlp_methods_leave_inputs_unchanged():
    X = rng.normal(size=(6, 2))
    y = np.array([0, 1, 2, 0, 1, 2])
    X0, y0 = X.copy(), y.copy()
    net = xc.MLP([2, 5, 3], activation="relu", seed=3)
    net.forward(X)
    net.predict_proba(X)
    net.hidden_activations(X)
    net.loss_and_gradients(X, y, l2=0.1)
    net.train_step(X, y, lr=0.1, l2=0.1)
    net.train_epoch(X, y, lr=0.1, batch_size=4, rng=np.random.default_rng(0))
    for output in ("softmax", "sigmoid"):
        net.backprop_trace(X, y, l2=0.1, output=output)
    assert X.flags.writeable and y.flags.writeable
    assert_unchanged(X0, X)
    assert_unchanged(y0, y)


def test_mlp_accepts_lists():
    X = rng.normal(size=(5, 2))
    y = np.array([0, 1, 1, 0, 1])
    a, b = xc.MLP([2, 4, 2], seed=2), xc.MLP([2, 4, 2], seed=2)
    np.testing.assert_array_equal(a.forward(X.tolist()), b.forward(X))
    np.testing.assert_array_equal(a.predict_proba(X.tolist()), b.predict_proba(X))
    la, ga = a.loss_and_gradients(X.tolist(), y.tolist())
    lb, gb = b.loss_and_gradients(X, y)
    assert la == lb
    for (dWa, dba), (dWb, dbb) in zip(ga, gb, strict=True):
        np.testing.assert_array_equal(dWa, dWb)
        np.testing.assert_array_equal(dba, dbb)
    ta, tb = a.backprop_trace(X.tolist(), y.tolist()), b.backprop_trace(X, y)
    assert ta.loss == tb.loss
    np.testing.assert_array_equal(ta.deltas[0], tb.deltas[0])
    assert a.train_step(X.tolist(), y.tolist(), lr=0.5) == b.train_step(X, y, lr=0.5)


def test_loss_and_gradients_does_not_change_the_net():
    X = rng.normal(size=(5, 2))
    y = np.array([0, 1, 1, 0, 1])
    net = xc.MLP([2, 4, 2], seed=2)
    W0 = [W.copy() for W in net.weights]
    b0 = [b.copy() for b in net.biases]
    net.loss_and_gradients(X, y, l2=0.5)
    net.forward(X)
    net.predict_proba(X)
    for a, b in zip(W0 + b0, net.weights + net.biases, strict=True):
        np.testing.assert_array_equal(a, b)


def test_returned_gradients_are_not_the_parameters():
    X = rng.normal(size=(5, 2))
    y = np.array([0, 1, 1, 0, 1])
    net = xc.MLP([2, 4, 2], seed=2)
    _, grads = net.loss_and_gradients(X, y)
    for (dW, db), W, b in zip(grads, net.weights, net.biases, strict=True):
        assert not np.shares_memory(dW, W) and not np.shares_memory(db, b)


def test_every_public_function_is_covered_here():
    """A new public function must get a case in CASES above (or be listed as array-free)."""
    import inspect

    covered = {case[1] for case in CASES} | {xc.numerical_gradient, xc.train_test_split}
    no_array_inputs = {
        xc.make_dataset,
        xc.grid,
        xc.spread_distribution,
        xc.train_neuron,
        xc.steps_to_within,
        xc.random_case,  # takes a name and a seed
        xc.init_std,  # takes a name and two widths
    }
    # check_gradient and step_sweep take a GradientCase: test_gradient_check.py covers them
    covered |= {xc.check_gradient, xc.step_sweep, xc.naive_numerical_gradient}
    public = {
        name
        for name in xc.__all__
        if inspect.isfunction(getattr(xc, name))
        and getattr(xc, name) not in covered | no_array_inputs
    }
    assert not public, f"add an unchanged-input case for: {sorted(public)}"
