"""The Backpropagation page's pure parts: figure builders (checked through fig.data and
fig.layout against the trace's own arrays), its formulas, and ui.model.backprop (the network
copies, the batch, the gradient check, the SGD step, the size of δ per layer)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

import xent_core as xc
from ui.figures.backprop import (
    FADE_COLORS,
    HIGHLIGHT,
    MIN_PANEL_PX,
    NARROWEST_PX,
    Panel,
    check_frame,
    delta_names,
    fading_figure,
    jacobian_panel,
    matrix_figure,
    moves_frame,
    panels_key,
    parameter_name,
    probability_panels,
    remember,
    remembered_figure,
)
from ui.figures.theme import DIVERGING
from ui.model import backprop
from ui.model.training import SEED_SETUP, Setup, Training
from ui.text.backprop import (
    backward_tex,
    element_tex,
    forward_tex,
    gathered,
    network_label,
    shape_text,
    tex,
)

DIVERGING_SCALE = go.Heatmap(colorscale=DIVERGING).colorscale


@pytest.fixture(scope="module")
def classic() -> backprop.Network:
    return backprop.classic_network("blobs")


@pytest.fixture(scope="module")
def batch(classic) -> tuple[np.ndarray, np.ndarray]:
    rows = backprop.random_batch(len(classic.X), 4, 0)
    return classic.X[rows], classic.y[rows]


@pytest.fixture(scope="module")
def trace(classic, batch) -> xc.BackpropTrace:
    return classic.net.backprop_trace(*batch)


def weights_of(net: xc.MLP) -> list[np.ndarray]:
    return [a.copy() for a in (*net.weights, *net.biases)]


def assert_same_weights(net: xc.MLP, saved: list[np.ndarray]) -> None:
    for now, before in zip((*net.weights, *net.biases), saved, strict=True):
        np.testing.assert_array_equal(now, before)


# ---------------------------------------------------------------- heatmaps


def forward_panels(trace: xc.BackpropTrace) -> list[Panel]:
    return [
        Panel("X", trace.activations[0], cols="input"),
        Panel("Z₁", trace.pre_activations[0]),
        Panel("H₁", trace.activations[1]),
    ]


def backward_panels(trace: xc.BackpropTrace) -> list[Panel]:
    dW, db = trace.grads[-1]
    return [
        Panel("δ₂", trace.deltas[-1], cols="class j"),
        Panel("∂L/∂W₂", dW, rows="unit i of H₁", cols="class j"),
        Panel("∂L/∂b₂", db, rows="", cols="class j"),
    ]


def test_each_array_is_a_heatmap_holding_the_traces_values(trace):
    """One heatmap per panel, named after its array, z equal to the trace's array."""
    fig = matrix_figure(forward_panels(trace))
    assert [t.type for t in fig.data] == ["heatmap"] * 3
    assert [t.name for t in fig.data] == ["X", "Z₁", "H₁"]
    expected = [trace.activations[0], trace.pre_activations[0], trace.activations[1]]
    for heat, array in zip(fig.data, expected, strict=True):
        np.testing.assert_array_equal(np.asarray(heat.z), array)
        assert list(heat.x) == list(range(array.shape[1]))
        assert list(heat.y) == list(range(array.shape[0]))
    assert [t.xaxis for t in fig.data] == ["x", "x2", "x3"]


def test_each_panel_is_titled_with_its_name_and_shape(trace):
    """The titles read X, Z₁, H₁ with the shape under the name: side by side in half a
    1024 px page (NARROWEST_PX) none has room for "Z₁ · 4×16" on one line."""
    fig = matrix_figure(forward_panels(trace))
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["<b>X</b><br>4×2", "<b>Z₁</b><br>4×16", "<b>H₁</b><br>4×16"]
    wide = matrix_figure([Panel("Z₁", trace.pre_activations[0])])
    assert wide.layout.annotations[0].text == "<b>Z₁</b> · 4×16"  # alone: one line


def test_a_narrow_array_across_keeps_room_for_its_title_at_the_narrowest(trace):
    """X (2 columns) beside Z₁ and H₁ (16 each) gets at least MIN_PANEL_PX of the
    narrowest figure, so "4×2" does not run into Z₁'s title; the spans stay in order."""
    fig = matrix_figure(forward_panels(trace))
    domains = [fig.layout[f"xaxis{s}"].domain for s in ("", "2", "3")]
    starts = [lo for lo, _ in domains] + [1.0]
    room = [(b - a) * NARROWEST_PX for a, b in zip(starts, starts[1:], strict=False)]
    assert min(room) >= MIN_PANEL_PX
    assert domains[1][1] - domains[1][0] == pytest.approx(domains[2][1] - domains[2][0])


def test_hover_gives_the_array_the_row_the_column_and_every_digit(trace):
    fig = matrix_figure(forward_panels(trace))
    heat = fig.data[1]
    Z = trace.pre_activations[0]
    assert heat.customdata[2][5] == repr(float(Z[2, 5]))
    assert heat.hovertemplate == (
        "<b>Z₁</b><br>point n = %{y}, unit j = %{x}<br>%{customdata}<extra></extra>"
    )


def test_colours_are_diverging_around_zero_on_each_arrays_own_scale(trace):
    """zmid = 0, zmin = −zmax = −max|a|, the theme's diverging colours, no colour bar."""
    fig = matrix_figure(forward_panels(trace))
    for heat in fig.data:
        bound = np.abs(np.asarray(heat.z)).max()
        assert heat.zmid == 0
        assert heat.zmax == pytest.approx(bound)
        assert heat.zmin == pytest.approx(-bound)
        assert heat.colorscale == DIVERGING_SCALE
        assert heat.showscale is False


def test_no_background_colour_is_forced_so_dark_mode_shows_through(trace):
    """paper and plot backgrounds are left to Streamlit's theme (light or dark)."""
    for fig in (
        matrix_figure(forward_panels(trace)),
        fading_figure({"tanh": [1, 2]}, chosen="tanh"),
    ):
        assert fig.layout.paper_bgcolor is None
        assert fig.layout.plot_bgcolor is None


def test_panels_across_share_rows_and_do_not_overlap(trace):
    """Side by side: x domains in order, no overlap; rows numbered only on the first panel."""
    fig = matrix_figure(forward_panels(trace))
    domains = [fig.layout.xaxis.domain, fig.layout.xaxis2.domain, fig.layout.xaxis3.domain]
    for (_, right), (left, _) in zip(domains, domains[1:], strict=False):
        assert right < left
    assert fig.layout.yaxis.showticklabels and not fig.layout.yaxis2.showticklabels
    assert list(fig.layout.yaxis.range) == [3.5, -0.5]  # row 0 on top
    assert fig.layout.yaxis.title.text == "point n"


def test_panels_down_share_columns_and_stack_top_to_bottom(trace):
    """δ, ∂L/∂W, ∂L/∂b one under the other: the same columns, y domains top to bottom."""
    fig = matrix_figure(backward_panels(trace), arrange="down")
    assert fig.layout.xaxis2.matches == "x" and fig.layout.xaxis3.matches == "x"
    tops = [fig.layout.yaxis.domain, fig.layout.yaxis2.domain, fig.layout.yaxis3.domain]
    for (below, _), (_, above) in zip(tops, tops[1:], strict=False):
        assert above < below
    assert not fig.layout.xaxis.showticklabels and fig.layout.xaxis3.showticklabels
    assert fig.layout.xaxis3.title.text == "class j"
    np.testing.assert_array_equal(np.asarray(fig.data[1].z), trace.grads[-1][0])
    np.testing.assert_array_equal(np.asarray(fig.data[2].z), trace.grads[-1][1].reshape(1, -1))
    assert fig.layout.annotations[2].text == "<b>∂L/∂b₂</b> · 3"  # a vector keeps its shape


def test_the_highlighted_cell_gets_an_orange_frame(trace):
    fig = matrix_figure(backward_panels(trace), arrange="down", highlight=(1, 3, 2))
    (box,) = fig.layout.shapes
    assert (box.xref, box.yref) == ("x2", "y2")
    assert (box.x0, box.x1, box.y0, box.y1) == (1.5, 2.5, 2.5, 3.5)
    assert box.line.color == HIGHLIGHT


def test_values_are_printed_only_in_cells_big_enough(trace):
    """3 wide columns print 2 digits, and X's 2 (it gets room for its title); 16 narrow
    ones do not; digits= forces it."""
    fig = matrix_figure(backward_panels(trace), arrange="down")
    delta = trace.deltas[-1]
    assert fig.data[0].texttemplate == "%{text}"
    assert fig.data[0].text[0][1] == f"{delta[0, 1]:.2g}".replace("-", "−")
    narrow = matrix_figure(forward_panels(trace))
    assert narrow.data[0].text is not None
    assert narrow.data[1].text is None and narrow.data[2].text is None
    T = matrix_figure([Panel("T", trace.targets, digits=0)]).data[0]
    assert {v for row in T.text for v in row} == {"0", "1"}


def test_an_empty_figure_is_refused():
    with pytest.raises(ValueError, match="at least one panel"):
        matrix_figure([])


def test_probability_panels_add_the_row_sums(trace, classic, batch):
    """Softmax rows sum to 1; one sigmoid per class does not."""
    soft = probability_panels(trace.probabilities)
    np.testing.assert_allclose(soft[1].values.ravel(), 1.0, rtol=0, atol=1e-15)
    sig = classic.net.backprop_trace(*batch, output="sigmoid").probabilities
    sums = probability_panels(sig)[1].values.ravel()
    np.testing.assert_allclose(sums, sig.sum(axis=1))
    assert np.abs(sums - 1).max() > 0.05


def test_jacobian_panels_print_the_softmax_and_the_diagonal_sigmoid_jacobian(trace):
    """The softmax J is full with zero row sums; the sigmoid one is diagonal."""
    J = xc.output_jacobians(trace.activations[-1], "softmax")[0]
    panel = jacobian_panel(J, row=0)
    heat = matrix_figure([panel]).data[0]
    np.testing.assert_array_equal(np.asarray(heat.z), J)
    assert heat.text[0][0] == f"{J[0, 0]:.3g}"
    Js = xc.output_jacobians(trace.activations[-1], "sigmoid")[0]
    assert np.count_nonzero(Js - np.diag(np.diag(Js))) == 0


def test_remembered_figures_are_built_once_and_the_store_stays_bounded(trace):
    store: dict = {}
    first = remembered_figure(store, forward_panels(trace))
    assert remembered_figure(store, forward_panels(trace)) is first
    moved = [Panel("X", trace.activations[0] + 1.0, cols="input")]
    assert remembered_figure(store, moved) is not first
    assert panels_key(forward_panels(trace)) != panels_key(moved)
    calls = []
    for k in range(10):
        remember(store, f"k{k}", lambda k=k: calls.append(k) or go.Figure(), keep=3)
    assert len(store) == 3 and calls == list(range(10))


# ---------------------------------------------------------------- fading δ


def test_fading_figure_draws_the_chosen_activation_as_bars_on_a_log_axis():
    sizes = {"sigmoid": [0.001, 0.01, 0.1], "tanh": [0.1, 0.2, 0.3], "relu": [0.3, 0.3, 0.3]}
    fig = fading_figure(sizes, chosen="sigmoid")
    assert [t.type for t in fig.data] == ["bar", "scatter", "scatter"]
    bars = fig.data[0]
    assert list(bars.x) == ["δ₁", "δ₂", "δ₃ (output)"] == delta_names(3)
    assert list(bars.y) == sizes["sigmoid"]
    assert bars.marker.color == FADE_COLORS["sigmoid"]
    assert fig.layout.yaxis.type == "log"
    assert bars.customdata[0][1] == "<br>0.1 × the layer above"
    assert bars.customdata[2][1] == ""  # the output layer has none above it
    assert {t.name for t in fig.data} == set(sizes)


# ---------------------------------------------------------------- tables


def test_check_frame_names_each_gradient_and_its_relative_error():
    checks = [
        backprop.ArrayCheck("W", 1, (2, 16), 32, 32, 1.24, 4e-10, 3.5e-10),
        backprop.ArrayCheck("b", 3, (32,), 16, 32, 0.1, 1e-11, 2e-10),
    ]
    frame = check_frame(checks)
    assert list(frame["gradient"]) == ["∂L/∂W₁", "∂L/∂b₃"]
    assert list(frame["shape"]) == ["2×16", "32"]
    assert list(frame["entries checked"]) == ["32", "16 of 32"]
    assert list(frame["relative error"]) == ["3.5e−10", "2e−10"]


def test_moves_frame_lists_parameters_with_before_gradient_after():
    moves = [backprop.Move("W", 2, (12, 1), -0.5, 0.25, -0.6)]
    frame = moves_frame(moves)
    assert frame.iloc[0].tolist() == ["W₂[12, 1]", "−0.5", "0.25", "−0.6", "−0.1"]
    assert parameter_name("b", 1, (5,)) == "b₁[5]"


# ---------------------------------------------------------------- formulas


def test_the_element_formula_writes_every_term_up_to_four_points(trace):
    p, t, h = trace.probabilities[:, 1], trace.targets[:, 1], trace.activations[1][:, 3]
    general, plugged, result = element_tex(
        p=p, t=t, h=h, i=3, j=1, value=trace.grads[-1][0][3, 1], layer=2
    )
    assert r"\partial w_{1,3}" in general and "h_{n,3}" in general
    assert plugged.count(" - ") == 4  # one (p − t) per point
    for m in range(4):
        assert tex(p[m]) in plugged and tex(abs(h[m])) in plugged
    assert r"\frac{1}{4}" in plugged and "more" not in plugged
    assert tex(trace.grads[-1][0][3, 1], 6) in result and "_{3,1}" in result


def test_the_element_formula_shortens_a_long_sum_and_adds_weight_decay():
    n = 9
    lines = element_tex(
        p=[0.5] * n, t=[1.0] * n, h=[-0.25] * n, i=0, j=0, value=0.1, layer=2, l2=0.01, w=-2.0
    )
    assert r"\text{(6 more)}" in lines[1] and r"\frac{1}{9}" in lines[1]
    assert lines[1].count("(0.5 - 1)") == 3
    assert "(-0.25)" in lines[1]  # a negative factor in parentheses, ASCII minus for LaTeX
    assert r"+ 0.01 \cdot (-2)" in lines[1]
    assert r"\lambda\, w_{0,0}" in lines[0]


def test_layer_formulas_follow_the_network():
    assert forward_tex(1, 2, "tanh", "softmax") == [
        r"Z_{1} = X\,W_{1} + b_{1}",
        r"H_{1} = \tanh(Z_{1})",
    ]
    out = forward_tex(2, 2, "tanh", "sigmoid")
    assert r"P = \sigma(Z_{2})" in out[1] and "1 - t_{nc}" in out[2]
    assert r"\frac{P - T}{N}" in backward_tex(3, 3, "relu", 0.0)[0]
    hidden = backward_tex(2, 3, "relu", 0.1)
    assert r"(\delta_{3}\,W_{3}^\top) \odot \operatorname{relu}'(Z_{2})" in hidden[0]
    assert r"H_{1}^\top \delta_{2} + \lambda W_{2}" in hidden[1]
    assert gathered([["a", "b"], ["c"]]) == r"\begin{gathered}a \qquad b \\ c\end{gathered}"
    assert tex(-0.5) == "-0.5" and shape_text((4, 16)) == "4×16"
    assert network_label("yours", 12) == "your network from Live training (epoch 12)"
    assert "classic 16-unit numpy network" in network_label("classic")


# ---------------------------------------------------------------- the network, a copy


def test_the_classic_network_is_the_training_pages_preset_at_epoch_0(classic):
    run = Training.start(SEED_SETUP)
    assert classic.sizes == [2, 16, 3] and classic.activation == "tanh" and classic.epoch == 0
    assert classic.n_parameters == 2 * 16 + 16 + 16 * 3 + 3
    for mine, theirs in zip(classic.net.weights, run.net.weights, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(classic.X, run.X_train)
    with pytest.raises(ValueError, match="dataset must be one of blobs, spiral"):
        backprop.classic_network("circle")


def test_each_classic_network_is_a_fresh_copy(classic):
    other = backprop.classic_network("blobs")
    other.net.weights[0][...] = 0.0
    assert np.abs(backprop.classic_network("blobs").net.weights[0]).max() > 0
    assert np.abs(classic.net.weights[0]).max() > 0


def trained_run(epochs: int = 3) -> Training:
    run = Training.start(Setup(dataset="spiral", n_points=120, n_classes=4, hidden=(8, 6)))
    run.train(epochs, lr=0.03, batch_size=10, l2=0.0)
    return run


def test_the_hand_over_selects_the_training_network_once():
    """INSPECT set with a run: the choice becomes "yours" and the key is consumed."""
    run = trained_run()
    state = {backprop.TRAINING: run, backprop.INSPECT: True}
    assert backprop.take_handover(state) is True
    assert state[backprop.SOURCE] == backprop.YOURS and backprop.INSPECT not in state
    assert backprop.take_handover(state) is False
    network = backprop.chosen_network(state, "blobs")
    assert network.sizes == [2, 8, 6, 4] and network.epoch == 3 and network.source == "yours"


def test_without_a_training_run_the_classic_network_is_chosen():
    state = {backprop.INSPECT: True, backprop.TRAINING: "not a run"}
    assert backprop.take_handover(state) is False
    assert backprop.training_run(state) is None
    assert backprop.start_source(state) == backprop.CLASSIC
    state[backprop.SOURCE] = backprop.YOURS  # a stale choice, its run gone
    assert backprop.start_source(state) == backprop.CLASSIC
    backprop.keep_source(state)
    assert backprop.start_source({backprop.KEPT_SOURCE: "yours"}) == backprop.CLASSIC


def test_the_training_network_is_copied_never_changed():
    """Gradient check and SGD step on "your network": the run's weights stay bit for bit."""
    run = trained_run()
    saved = weights_of(run.net)
    network = backprop.network_from_run(run)
    X, y = network.X[:5], network.y[:5]
    backprop.check_gradients(network.net, X, y)
    step = backprop.sgd_step(network.net, X, y, 1.0)
    network.net.weights[0][...] = 7.0
    assert_same_weights(run.net, saved)
    assert step.net is not run.net


def test_random_batches_are_distinct_points_chosen_by_the_seed():
    rows = backprop.random_batch(150, 32, 7)
    assert len(set(rows.tolist())) == 32 and rows.max() < 150
    np.testing.assert_array_equal(rows, backprop.random_batch(150, 32, 7))
    assert not np.array_equal(rows, backprop.random_batch(150, 32, 8))
    assert len(backprop.random_batch(3, 32, 0)) == 3


def test_point_losses_are_the_networks_own_cross_entropy(classic):
    losses = backprop.point_losses(classic)
    expected = xc.softmax_cross_entropy(classic.y, classic.net.forward(classic.X), "none")
    np.testing.assert_array_equal(losses, expected)


# ---------------------------------------------------------------- checks, step, fading


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_every_gradient_array_agrees_with_central_differences(activation, output, batch):
    X, y = batch
    net = xc.MLP([2, 5, 4, 3], activation, seed=1)
    saved = weights_of(net)
    checks = backprop.check_gradients(net, X, y, l2=0.01, output=output)
    assert [(c.name, c.layer, c.shape) for c in checks] == [
        ("W", 1, (2, 5)), ("b", 1, (5,)), ("W", 2, (5, 4)), ("b", 2, (4,)),
        ("W", 3, (4, 3)), ("b", 3, (3,)),
    ]  # fmt: skip
    assert max(c.relative_error for c in checks) < 1e-6
    assert all(c.checked == c.size for c in checks)
    assert_same_weights(net, saved)


def test_big_arrays_are_checked_on_evenly_spaced_entries(batch):
    X, y = batch
    net = xc.MLP([2, 32, 3], "tanh", seed=0)
    checks = backprop.check_gradients(net, X, y, limit=10)
    assert [(c.checked, c.size) for c in checks] == [(10, 64), (10, 32), (10, 96), (3, 3)]
    entries = backprop.checked_entries(96, 10)
    assert entries[0] == 0 and entries[-1] == 95 and len(entries) == 10
    assert backprop.per_array_limit(4) == 50  # the classic network: all 99 entries
    assert backprop.per_array_limit(10) == 20 and backprop.per_array_limit(100) == 8
    default = backprop.check_gradients(net, X, y)
    assert [c.checked for c in default] == [50, 32, 50, 3]


def test_a_check_is_remembered_until_its_inputs_change(classic, batch):
    state: dict = {}
    first = backprop.cached_check(state, classic.net, *batch)
    assert backprop.cached_check(state, classic.net, *batch) is first
    assert backprop.cached_check(state, classic.net, *batch, l2=0.1) is not first
    for seed in range(backprop.CACHE_SIZE + 2):
        rows = backprop.random_batch(len(classic.X), 2, seed)
        backprop.cached_check(state, classic.net, classic.X[rows], classic.y[rows])
    assert len(state[backprop.CACHE]) == backprop.CACHE_SIZE


def test_the_softmax_step_is_mlp_train_step_bit_for_bit(classic, batch):
    X, y = batch
    saved = weights_of(classic.net)
    step = backprop.sgd_step(classic.net, X, y, 0.3, l2=0.01)
    reference = backprop.copy_network(classic.net)
    loss = reference.train_step(X, y, 0.3, l2=0.01)
    assert step.loss_before == loss
    for mine, theirs in zip(weights_of(step.net), weights_of(reference), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert step.loss_after == reference.backprop_trace(X, y, l2=0.01).loss
    assert step.loss_change == step.loss_after - step.loss_before < 0
    assert_same_weights(classic.net, saved)


def test_the_step_lists_the_weights_that_moved_most(classic, batch):
    step = backprop.sgd_step(classic.net, *batch, 0.3, output="sigmoid")
    changes = [abs(m.change) for m in step.moves]
    assert len(step.moves) == backprop.TOP_MOVES and changes == sorted(changes, reverse=True)
    top = step.moves[0]
    trace = classic.net.backprop_trace(*batch, output="sigmoid")
    grads = {"W": trace.grads[top.layer - 1][0], "b": trace.grads[top.layer - 1][1]}
    assert top.grad == grads[top.name][top.index]
    assert top.change == pytest.approx(-0.3 * top.grad, rel=1e-12)
    every = np.concatenate([np.abs(a).ravel() for pair in trace.grads for a in pair])
    assert abs(top.grad) == every.max()


def test_delta_sizes_are_the_norms_of_the_traces_deltas(batch):
    X, y = batch
    net = backprop.fading_network("sigmoid", 4, 3)
    assert net.sizes == [2, 16, 16, 16, 16, 3]
    sizes = backprop.delta_sizes(net, X, y)
    trace = net.backprop_trace(X, y)
    np.testing.assert_allclose(sizes, [np.linalg.norm(d) for d in trace.deltas], rtol=1e-15)
    assert all(np.diff(sizes[:-1]) > 0)  # shrinking layer after layer, going down


def test_sigmoid_layers_fade_far_faster_than_tanh_and_relu(batch):
    """Six hidden layers: δ₁ is < 1 % of the output δ with sigmoid, > 10 % with tanh and relu."""
    X, y = batch
    ratio = {}
    for act in ("sigmoid", "tanh", "relu"):
        sizes = backprop.delta_sizes(backprop.fading_network(act, 6, 3), X, y)
        ratio[act] = sizes[0] / sizes[-1]
    assert ratio["sigmoid"] < 0.01 and ratio["tanh"] > 0.1 and ratio["relu"] > 0.1
