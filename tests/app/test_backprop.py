"""The Backpropagation page under AppTest: the classic network's numbers, every control, the
link round trip, bad links, and the hand-over of the Live training network (never changed)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, open_page
from ui.model import backprop
from ui.model.training import Setup, Training
from ui.text.numbers import short

PAGE = "pages/backprop.py"


def ok(at: AppTest) -> AppTest:
    assert not at.exception, "\n".join(str(e.value) for e in at.exception)
    return at


def metric(at: AppTest, label: str) -> str:
    (found,) = [m.value for m in at.metric if m.label.startswith(label)]
    return found


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no dataframe with a {column!r} column")


def chart_array(at: AppTest, key: str, trace: int = 0) -> np.ndarray:
    """The z values of one heatmap of the plotly chart with ``key`` (sent as base64)."""
    (chart,) = [c for c in at.get("plotly_chart") if c.key == key]
    z = json.loads(chart.proto.spec)["data"][trace]["z"]
    if isinstance(z, dict):  # plotly's typed array: {"dtype", "bdata", "shape"}
        shape = [int(s) for s in str(z["shape"]).split(",")]
        return np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(shape)
    return np.array(z, dtype=float)


def chart_data(at: AppTest, key: str) -> list[dict]:
    (chart,) = [c for c in at.get("plotly_chart") if c.key == key]
    return json.loads(chart.proto.spec)["data"]


def warnings(at: AppTest) -> str:
    return "\n".join(str(w.value) for w in at.warning)


def classic_batch(n: int = 4, seed: int = 0, dataset: str = "blobs"):
    network = backprop.classic_network(dataset)
    rows = backprop.random_batch(len(network.X), n, seed)
    return network, network.X[rows], network.y[rows]


def with_link(**query: str) -> AppTest:
    return ok(open_page(PAGE, **query))


def with_training(run: Training, *, inspect: bool) -> AppTest:
    """A session whose Live training page holds ``run``; the hand-over key set or not."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    ok(at.run())
    at.session_state[backprop.TRAINING] = run
    if inspect:
        at.session_state[backprop.INSPECT] = True
    return ok(at.switch_page(PAGE).run())


def trained_run() -> Training:
    run = Training.start(Setup(dataset="spiral", n_points=120, n_classes=4, hidden=(8, 6)))
    run.train(3, lr=0.03, batch_size=10, l2=0.0)
    return run


@pytest.fixture
def at() -> AppTest:
    return with_link()


# ---------------------------------------------------------------- what the page shows


def test_the_classic_networks_loss_and_arrays_are_the_traces(at):
    """Default: the 2-16-3 tanh network on 4 blobs points; every number from its trace."""
    network, X, y = classic_batch()
    trace = network.net.backprop_trace(X, y)
    assert metric(at, "Loss L, mean over the N points") == short(trace.loss, 6)
    np.testing.assert_array_equal(chart_array(at, "bp_forward_1", 0), X)
    np.testing.assert_array_equal(chart_array(at, "bp_forward_1", 1), trace.pre_activations[0])
    np.testing.assert_array_equal(chart_array(at, "bp_forward_2", 1), trace.probabilities)
    np.testing.assert_array_equal(chart_array(at, "bp_backward_2", 0), trace.deltas[-1])
    np.testing.assert_array_equal(chart_array(at, "bp_backward_1", 1), trace.grads[0][0])
    np.testing.assert_array_equal(chart_array(at, "bp_backward_1", 2), trace.grads[0][1][None])
    assert not at.warning and not at.error
    assert any("classic 16-unit numpy network" in c.value for c in at.caption)
    assert at.radio(key="bp_head").value == "softmax"


def test_every_gradient_is_checked_and_agrees(at):
    frame = frame_with(at, "relative error")
    assert list(frame["gradient"]) == ["∂L/∂W₁", "∂L/∂b₁", "∂L/∂W₂", "∂L/∂b₂"]
    assert list(frame["entries checked"]) == ["32", "16", "48", "3"]
    errors = [float(v.replace("−", "-")) for v in frame["relative error"]]
    assert max(errors) < 1e-8
    assert any("agree to rounding" in s.value for s in at.success)


def test_the_element_formula_ends_with_the_matrix_cell(at):
    """j = 0, i = 0 by default; then j = 2, i = 5: the formula's value is that cell."""
    network, X, y = classic_batch()
    dW = network.net.backprop_trace(X, y).grads[-1][0]
    assert any(short(dW[0, 0], 6) in f.value for f in at.latex)
    at.selectbox(key="bp_j").set_value(2)
    ok(at.selectbox(key="bp_i").set_value(5).run())
    assert any(short(dW[5, 2], 6).replace("−", "-") in f.value for f in at.latex)
    assert any(r"\partial w_{2,5}" in f.value for f in at.latex)
    (box,) = json.loads(
        [c for c in at.get("plotly_chart") if c.key == "bp_backward_2"][0].proto.spec
    )["layout"]["shapes"]
    assert (box["x0"], box["y0"]) == (1.5, 4.5)
    assert at.query_params["bp_j"] == "2" and at.query_params["bp_i"] == "5"


def test_one_sgd_step_lowers_the_loss_on_its_batch(at):
    network, X, y = classic_batch()
    step = backprop.sgd_step(network.net, X, y, 0.3)
    assert metric(at, "loss before") == short(step.loss_before, 6)
    assert metric(at, "loss after one step") == short(step.loss_after, 6)
    assert len(frame_with(at, "parameter")) == backprop.TOP_MOVES
    ok(at.select_slider(key="bp_lr").set_value(0.01).run())
    small = backprop.sgd_step(network.net, X, y, 0.01)
    assert metric(at, "loss after one step") == short(small.loss_after, 6)
    assert at.query_params["bp_lr"] == "0.01"


def test_both_output_layers_side_by_side(at):
    """Softmax rows sum to 1, sigmoid rows do not; the sigmoid Jacobian is diagonal."""
    network, X, y = classic_batch()
    soft = chart_array(at, "bp_head_softmax", 1).ravel()
    sig = chart_array(at, "bp_head_sigmoid", 1).ravel()
    np.testing.assert_allclose(soft, 1.0, atol=1e-15)
    assert np.abs(sig - 1).max() > 0.05
    J = chart_array(at, "bp_jacobian_sigmoid")
    np.testing.assert_array_equal(J, np.diag(np.diag(J)))
    trace = network.net.backprop_trace(X, y, output="sigmoid")
    np.testing.assert_array_equal(chart_array(at, "bp_head_sigmoid", 2), trace.deltas[-1])
    losses = [m.value for m in at.metric if m.label.startswith("loss, mean")]
    assert losses[1] == short(trace.loss, 6)
    ok(at.select_slider(key="bp_row").set_value(3).run())
    np.testing.assert_allclose(
        chart_array(at, "bp_jacobian_sigmoid"), trace.output_jacobians()[3], rtol=0, atol=0
    )


# ---------------------------------------------------------------- every control


def test_the_output_layer_switches_every_section_to_sigmoids(at):
    network, X, y = classic_batch()
    ok(at.radio(key="bp_head").set_value("sigmoid").run())
    trace = network.net.backprop_trace(X, y, output="sigmoid")
    assert metric(at, "Loss L, mean over the N points") == short(trace.loss, 6)
    np.testing.assert_array_equal(chart_array(at, "bp_backward_1", 1), trace.grads[0][0])
    assert at.query_params["bp_head"] == "sigmoid"


def test_weight_decay_adds_lambda_w(at):
    network, X, y = classic_batch()
    ok(at.select_slider(key="bp_l2").set_value(0.01).run())
    trace = network.net.backprop_trace(X, y, l2=0.01)
    assert metric(at, "Loss L, mean over the N points (with λ)") == short(trace.loss, 6)
    np.testing.assert_array_equal(chart_array(at, "bp_backward_2", 1), trace.grads[-1][0])
    assert any(r"\lambda W_{2}" in f.value for f in at.latex)


def test_the_data_set_and_the_batch_controls(at):
    ok(at.selectbox(key="bp_data").set_value("spiral").run())
    at.number_input(key="bp_n").set_value(12)
    ok(at.number_input(key="bp_seed").set_value(5).run())
    network, X, y = classic_batch(12, 5, "spiral")
    assert metric(at, "Loss L, mean over the N points") == short(
        network.net.backprop_trace(X, y).loss, 6
    )
    assert chart_array(at, "bp_forward_1", 1).shape == (12, 16)
    ok(at.button(key="bp_new").click().run())
    assert at.number_input(key="bp_seed").value == 6
    assert at.query_params["bp_seed"] == "6" and at.query_params["bp_data"] == "spiral"


def test_one_picked_point(at):
    network = backprop.classic_network("blobs")
    ok(at.radio(key="bp_batch").set_value("one").run())
    losses = backprop.point_losses(network)
    options = at.selectbox(key="bp_point").options
    assert len(options) == len(network.X)
    assert f"loss −log p = {short(losses[17], 3)}" in options[17]
    ok(at.selectbox(key="bp_point").set_value(17).run())
    trace = network.net.backprop_trace(network.X[[17]], network.y[[17]])
    assert metric(at, "Loss L, mean over the N points") == short(trace.loss, 6)
    assert metric(at, "Loss L, mean over the N points") == short(losses[17], 6)
    assert "bp_row" not in [s.key for s in at.select_slider]  # one row: no row to choose


def test_the_fading_chart_controls(at):
    network, X, y = classic_batch()
    data = chart_data(at, "bp_fading")
    assert data[0]["type"] == "bar" and data[0]["name"] == "sigmoid" and len(data[0]["x"]) == 5
    at.radio(key="bp_fade_act").set_value("relu")
    ok(at.slider(key="bp_fade_depth").set_value(6).run())
    data = chart_data(at, "bp_fading")
    assert data[0]["name"] == "relu" and len(data[0]["x"]) == 7
    sizes = backprop.delta_sizes(backprop.fading_network("relu", 6, 3), X, y)
    np.testing.assert_allclose(data[0]["y"], sizes, rtol=1e-15)
    assert at.query_params["bp_fade_act"] == "relu" and at.query_params["bp_fade_depth"] == "6"


# ---------------------------------------------------------------- links


def test_a_link_round_trip():
    """Settings made by hand go into the link; a session opened from it shows the same."""
    first = with_link()
    first.radio(key="bp_head").set_value("sigmoid")
    first.select_slider(key="bp_l2").set_value(0.001)
    first.number_input(key="bp_n").set_value(9)
    first.select_slider(key="bp_lr").set_value(1.0)
    first.radio(key="bp_fade_act").set_value("tanh")
    ok(first.run())
    link = dict(first.query_params.items())
    assert link == {
        "bp_head": "sigmoid",
        "bp_l2": "0.001",
        "bp_n": "9",
        "bp_lr": "1",
        "bp_fade_act": "tanh",
    }
    second = with_link(**link)
    assert not second.warning
    for key in ("bp_head", "bp_l2", "bp_n", "bp_lr", "bp_fade_act"):
        assert second.session_state[key] == first.session_state[key], key
    loss = "Loss L, mean over the N points (with λ)"
    assert metric(second, loss) == metric(first, loss)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"bp_n": "40"}, "`bp_n=40` is outside 1 to 32"),
        ({"bp_head": "tanh"}, "`bp_head=tanh` is not one of softmax, sigmoid"),
        ({"bp_lr": "0.2"}, "`bp_lr=0.2` is not one of"),
        ({"bp_data": "circle"}, "`bp_data=circle` is not one of blobs, spiral"),
        ({"bp_j": "3"}, "There is no output unit 3 here (only 3)"),
        ({"bp_i": "20"}, "There is no last-hidden unit 20 here (only 16)"),
        ({"bp_point": "400"}, "There is no training point 400 here (only 150)"),
        ({"bp_row": "4"}, "There is no row of the batch 4 here (only 4)"),
    ],
)
def test_bad_link_values_get_a_note_and_the_default(query, words):
    at = with_link(**query)
    assert words in warnings(at)
    (key,) = query
    assert key not in at.query_params


# ---------------------------------------------------------------- the hand-over


def test_the_training_network_is_offered_and_inspected_without_being_changed():
    """INSPECT set: "your network" is selected, its arrays shown, its weights untouched."""
    run = trained_run()
    saved = [a.copy() for a in (*run.net.weights, *run.net.biases)]
    at = with_training(run, inspect=True)
    assert at.radio(key="bp_net").value == "yours"
    assert "epoch 3" in at.radio(key="bp_net").options[1]
    rows = backprop.random_batch(len(run.X_train), 4, 0)
    trace = run.net.backprop_trace(run.X_train[rows], run.y_train[rows])
    assert metric(at, "Loss L, mean over the N points") == short(trace.loss, 6)
    assert [c.key for c in at.get("plotly_chart")][:6] == [
        "bp_forward_1", "bp_backward_1", "bp_forward_2", "bp_backward_2",
        "bp_forward_3", "bp_backward_3",
    ]  # fmt: skip
    np.testing.assert_array_equal(chart_array(at, "bp_backward_3", 0), trace.deltas[-1])
    # every section that changes weights ran (check, step, other head, bigger step, sigmoid)
    at.select_slider(key="bp_lr").set_value(3.0)
    ok(at.radio(key="bp_head").set_value("sigmoid").run())
    ok(at.radio(key="bp_batch").set_value("one").run())
    for now, before in zip((*run.net.weights, *run.net.biases), saved, strict=True):
        np.testing.assert_array_equal(now, before)
    assert at.session_state[backprop.TRAINING] is run
    assert backprop.INSPECT not in at.session_state


def test_without_the_hand_over_the_classic_network_stays_selected():
    at = with_training(trained_run(), inspect=False)
    assert at.radio(key="bp_net").value == "classic"
    network, X, y = classic_batch()
    assert metric(at, "Loss L, mean over the N points") == short(
        network.net.backprop_trace(X, y).loss, 6
    )
    ok(at.radio(key="bp_net").set_value("yours").run())
    assert "bp_data" not in [s.key for s in at.selectbox]  # the data are the network's


def test_without_a_training_run_there_is_no_choice(at):
    assert "bp_net" not in [r.key for r in at.radio]
    assert any("Live training" in c.value for c in at.caption)
