"""Backpropagation, seen: from p − t at the output to every weight of the network.

Widgets → ui.model.backprop (the network, always a copy, and the batch) →
xent_core.MLP.backprop_trace (every array of one forward and backward pass) →
ui.figures.backprop (heatmaps, the fading-δ chart, tables) and ui.text.backprop (formulas).
"""

import streamlit as st

from deep_links import ensure_router
from ui.figures.backprop import (
    Panel,
    check_frame,
    jacobian_panel,
    moves_frame,
    probability_panels,
    remembered_fading,
    remembered_figure,
)
from ui.model import backprop, params
from ui.text.backprop import (
    ACT_PRIME_TEX,
    HEAD_WORDS,
    LOSS_WORDS,
    array_names,
    backward_block,
    element_tex,
    fading_caption,
    forward_block,
    gathered,
    network_label,
    network_summary,
    point_label,
    sub,
)
from ui.text.numbers import full, short
from ui.widgets import classroom, url_state
from xent_core.gradient_check import EXPECTED_RELATIVE_ERROR

BATCH_KINDS = ("random", "one")
HEADS = ("softmax", "sigmoid")
FADE_ACTIVATIONS = ("sigmoid", "tanh", "relu")
LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
L2_STRENGTHS = (0.0, 0.001, 0.01, 0.1)
MAX_POINT = 999  # the training page keeps at most 1000 points
MAX_CLASS = 4  # at most 5 classes
MAX_UNIT = 31  # at most 32 units in a layer
FIGURES = "_bp_figures"  # session-state key: the heatmaps already built

DATA = params.Param("bp_data", "blobs", params.choice(backprop.CLASSIC_DATASETS))
HEAD = params.Param("bp_head", "softmax", params.choice(HEADS))
L2 = params.Param("bp_l2", 0.0, params.number_choice(L2_STRENGTHS), lambda v: f"{v:g}")
BATCH = params.Param("bp_batch", "random", params.choice(BATCH_KINDS))
SIZE = params.Param("bp_n", 4, params.integer(1, backprop.MAX_BATCH))
SEED = params.Param("bp_seed", 0, params.integer(0, backprop.MAX_SEED))
POINT = params.Param("bp_point", 0, params.integer(0, MAX_POINT))
OUT_UNIT = params.Param("bp_j", 0, params.integer(0, MAX_CLASS))
IN_UNIT = params.Param("bp_i", 0, params.integer(0, MAX_UNIT))
RATE = params.Param("bp_lr", 0.3, params.number_choice(LEARNING_RATES), lambda v: f"{v:g}")
ROW = params.Param("bp_row", 0, params.integer(0, backprop.MAX_BATCH - 1))
FADE_ACT = params.Param("bp_fade_act", "sigmoid", params.choice(FADE_ACTIVATIONS))
FADE_DEPTH = params.Param("bp_fade_depth", 4, params.integer(1, backprop.MAX_FADE_DEPTH))
PARAMS = [DATA, HEAD, L2, BATCH, SIZE, SEED, POINT, OUT_UNIT, IN_UNIT, RATE, ROW]
PARAMS += [FADE_ACT, FADE_DEPTH]

ensure_router()  # first: a cold shared link is handed to app.py (docs/deep-links.md)
url_state.restore(PARAMS)
backprop.take_handover(st.session_state)  # "Inspect this network" on Live training
backprop.start_source(st.session_state)


def next_seed() -> None:
    """The button's callback: the next seed, so a new random batch (and a new link)."""
    st.session_state[SEED.key] = (st.session_state[SEED.key] + 1) % (backprop.MAX_SEED + 1)


def in_range(param: params.Param, count: int, what: str) -> None:
    """A setting that indexes something of the network (a point, a unit): back to 0, with a
    note, when the network has fewer. Runs before the setting's widget is drawn."""
    value = st.session_state[param.key]
    if value >= count:
        st.warning(
            f"There is no {what} {value} here (only {count}); using {what} 0.",
            icon=":material/info:",
        )
        st.session_state[param.key] = 0


def g(value: float) -> str:
    return f"{value:g}"


st.title("Backpropagation")
st.markdown(
    "Training needs the slope of the loss with respect to **every weight** of the network. "
    "Backpropagation gets all of them in one sweep: it starts where the loss meets the "
    "network, at the output, where the slope is the famous **p − t**, and carries it back "
    "layer by layer with the chain rule. Below is one real forward pass and one real "
    "backward pass on a small batch of points, with every array shown."
)
url_state.show_notes()

# ---------------------------------------------------------------- the network and the batch
net_col, batch_col = st.columns(2, gap="large")
run = backprop.training_run(st.session_state)
with net_col:
    st.header("The network")
    if run is not None:
        st.radio(
            "Which network",
            (backprop.CLASSIC, backprop.YOURS),
            format_func=lambda s: network_label(s, run.epoch),
            key=backprop.SOURCE,
            help="Your network is a copy: nothing done here changes it on Live training.",
        )
    else:
        st.caption(
            f"This is {network_label(backprop.CLASSIC)}. Train a network on **Live "
            "training** and it is offered here too, at its current epoch."
        )
    if st.session_state[backprop.SOURCE] == backprop.CLASSIC:
        st.selectbox(
            "Data set",
            backprop.CLASSIC_DATASETS,
            key=DATA.key,
            help="Three classes either way: three clouds (blobs) or three spiral arms.",
        )
    network = backprop.chosen_network(st.session_state, st.session_state[DATA.key])
    st.markdown(network_summary(network.sizes, network.activation, network.epoch, len(network.X)))
    head = st.radio(
        "Output layer",
        HEADS,
        format_func=HEAD_WORDS.get,
        key=HEAD.key,
        horizontal=True,
        help="Softmax: the classes exclude each other. One sigmoid per class: each class is "
        "a yes/no question of its own (multi-label). Compared side by side further down.",
    )
    l2 = st.select_slider(
        "Weight decay λ (L2)",
        L2_STRENGTHS,
        format_func=g,
        key=L2.key,
        help="Adds λ/2 · Σ w² to the loss, so λW to each weight's gradient (biases are left out).",
    )

with batch_col:
    st.header("The batch")
    in_range(POINT, len(network.X), "training point")  # also for a link or a new network
    kind = st.radio(
        "Points",
        BATCH_KINDS,
        format_func={"random": "N random training points", "one": "one point I pick"}.get,
        key=BATCH.key,
        horizontal=True,
    )
    if kind == "random":
        # two boxes a row, the button under them: three across left "random seed" about
        # 70 px at 1024 px, broken into "rando / m seed"
        size_box, seed_box = st.columns(2)
        size_box.number_input("N points", 1, backprop.MAX_BATCH, step=1, key=SIZE.key)
        seed_box.number_input(
            "random seed",
            0,
            backprop.MAX_SEED,
            step=1,
            key=SEED.key,
            help="A random seed is the number a random draw starts from: it picks which "
            "training points form the batch, and the same number picks the same points.",
        )
        st.button("New batch", key="bp_new", icon=":material/casino:", on_click=next_seed)
        rows = backprop.random_batch(
            len(network.X), st.session_state[SIZE.key], st.session_state[SEED.key]
        )
    else:
        losses = backprop.point_losses(network)
        labels = [
            point_label(n, x, network.class_names[c], loss)
            for n, (x, c, loss) in enumerate(zip(network.X, network.y, losses, strict=True))
        ]
        st.selectbox(
            "Training point (its class and its loss under softmax)",
            range(len(network.X)),
            format_func=labels.__getitem__,
            key=POINT.key,
        )
        rows = [st.session_state[POINT.key]]
    X, y = network.X[rows], network.y[rows]
    n_points = len(rows)
    st.caption(
        "Training points " + ", ".join(str(int(r)) for r in rows) + f": N = {n_points}, "
        "classes " + ", ".join(network.class_names[c] for c in y) + "."
    )

trace = network.net.backprop_trace(X, y, l2=l2, output=head)
n_layers = len(network.net.weights)
names = array_names(n_layers)
last_inputs = trace.activations[-2]  # what the output layer reads: H_{L-1}, or X
in_name = "X" if n_layers == 1 else names["A"][-1]

# the settings that index the network, checked before their widgets are drawn
in_range(OUT_UNIT, network.n_classes, "output unit")
in_range(IN_UNIT, last_inputs.shape[1], "input" if n_layers == 1 else "last-hidden unit")
in_range(ROW, n_points, "row of the batch")

# ---------------------------------------------------------------- forward and backward
st.divider()
st.header("Forward, then backward, layer by layer")
st.markdown(
    "**Forward** (left, top to bottom): each layer computes its **pre-activation** "
    "Z = (its input) · W + b, then passes act(Z) on. **Backward** (right, read it from the "
    "bottom up): **δ = ∂L/∂Z**, how much the loss moves when one pre-activation moves, one "
    "number per point and unit. It starts at the output as (P − T)/N and each layer hands "
    "it down through its weights; on the way it gives that layer's gradients. The loss is "
    "the **mean over the N points**, hence the 1/N. ⊙ multiplies entry by entry; ᵀ "
    "transposes."
)
st.caption(
    "Each array has its own colour scale: blue positive, red negative, the centre colour 0. "
    "Hover a cell (or tap it) for its value with every digit; where the cells are too small "
    "to print their values, that is where to find them."
)
j, i = st.session_state[OUT_UNIT.key], st.session_state[IN_UNIT.key]
figures = st.session_state.setdefault(FIGURES, {})  # heatmaps built once (remembered_figure)
act = network.activation
for k in range(1, n_layers + 1):
    last = k == n_layers
    fwd, bwd = st.columns(2, gap="medium")
    Z = trace.pre_activations[k - 1]
    with fwd:
        st.markdown(f"**Layer {k}{' (output)' if last else ''} — forward**")
        st.latex(forward_block(k, n_layers, act, head))
        panels = [Panel("X", trace.activations[0], cols="input")] if k == 1 else []
        if last:
            panels += [
                Panel(f"Z{sub(k)}", Z, cols="class j"),
                Panel("P", trace.probabilities, cols="class j"),
                Panel("T", trace.targets, cols="class j", digits=0),
            ]
        else:
            panels += [Panel(f"Z{sub(k)}", Z), Panel(names["A"][k], trace.activations[k])]
        classroom.chart(remembered_figure(figures, panels), key=f"bp_forward_{k}")
        if last:
            st.metric(
                "Loss L, mean over the N points" + (" (with λ)" if l2 else ""),
                short(trace.loss, 6),
                help=f"Every digit: {full(trace.loss)}. "
                + LOSS_WORDS[head]
                + (" Plus λ/2 · Σ w² over every weight (not the biases)." if l2 else ""),
            )
    with bwd:
        st.markdown(f"**Layer {k}{' (output)' if last else ''} — backward**")
        st.latex(backward_block(k, n_layers, act, l2))
        dW, db = trace.grads[k - 1]
        rows_name = "input i" if k == 1 else f"unit i of {names['A'][k - 1]}"
        cols_name = "class j" if last else "unit j"
        panels = [
            Panel(f"δ{sub(k)}", trace.deltas[k - 1], cols=cols_name),
            Panel(f"∂L/∂W{sub(k)}", dW, rows=rows_name, cols=cols_name),
            Panel(f"∂L/∂b{sub(k)}", db, rows="", cols=cols_name),
        ]
        classroom.chart(
            remembered_figure(
                figures, panels, arrange="down", highlight=(1, i, j) if last else None
            ),
            key=f"bp_backward_{k}",
        )
        if not last:
            st.caption(f"with ${ACT_PRIME_TEX[act]}$")

# ---------------------------------------------------------------- one weight by hand
st.divider()
st.header("One weight of the output layer, by hand")
pick, formula = st.columns([1, 3], gap="large")
with pick:
    st.selectbox(
        "output unit j (class)",
        range(network.n_classes),
        format_func=lambda c: f"{c}: class {network.class_names[c]}",
        key=OUT_UNIT.key,
    )
    st.selectbox(
        f"input unit i (a column of {in_name})",
        range(last_inputs.shape[1]),
        key=IN_UNIT.key,
    )
    st.caption(
        f"$w_{{ji}}$ joins unit i of {in_name} to output j; it is stored at row i, column j "
        f"of W{sub(n_layers)} (the orange cell above)."
    )
with formula:
    W_last = network.net.weights[-1]
    lines = element_tex(
        p=trace.probabilities[:, j],
        t=trace.targets[:, j],
        h=last_inputs[:, i],
        i=i,
        j=j,
        value=trace.grads[-1][0][i, j],
        layer=n_layers,
        l2=l2,
        w=W_last[i, j],
        input_name="x" if n_layers == 1 else "h",
    )
    for line in lines:
        st.latex(line)
    st.caption(
        "Each term is one point's (p − t) for output j times what unit i sent it; their "
        "mean over the N points is the (i, j) cell of the matrix. "
        + ("Every term is written." if n_points <= 4 else "The first three terms are written.")
    )

# ---------------------------------------------------------------- central differences
st.divider()
st.header("Checked against central differences")
st.markdown(
    "Nudge one weight by h = 10⁻⁵ up and down, run the forward pass twice and take the "
    "slope (L(w + h) − L(w − h)) / 2h: no backpropagation involved. The table compares that "
    "with each gradient above, by its **relative error** ‖analytic − numeric‖ / "
    "max(‖analytic‖, ‖numeric‖)."
)
checks = backprop.cached_check(st.session_state, network.net, X, y, l2=l2, output=head)
st.dataframe(check_frame(checks), hide_index=True)
capped = [c for c in checks if c.checked < c.size]
if capped:
    st.caption(
        f"This network has {network.n_parameters} parameters, and checking one costs two "
        f"passes through the network: to keep the page quick, {capped[0].checked} evenly "
        "spaced entries of each larger array are checked (the table says how many). The "
        "result is remembered until the network, the batch, λ or the output layer changes."
    )
worst = max(c.relative_error for c in checks)
if worst < 1e3 * EXPECTED_RELATIVE_ERROR:
    st.success(
        f"Largest relative error {short(worst, 2)}: backpropagation and central differences "
        "agree to rounding.",
        icon=":material/check_circle:",
    )
else:
    st.warning(
        f"Largest relative error {short(worst, 2)}: more than rounding. A relu unit sitting "
        "exactly at 0 or a very large gradient can do this.",
        icon=":material/warning:",
    )

# ---------------------------------------------------------------- one SGD step
st.divider()
st.header("One step of gradient descent")
rate_col, result_col = st.columns([1, 2], gap="large")
with rate_col:
    lr = st.select_slider("Step size η", LEARNING_RATES, format_func=g, key=RATE.key)
    st.latex(
        gathered(
            [
                [r"W_k \leftarrow W_k - \eta\,\frac{\partial L}{\partial W_k}"],
                [r"b_k \leftarrow b_k - \eta\,\frac{\partial L}{\partial b_k}"],
            ]
        )
    )
    st.caption("On a copy of the network: the weights above and on Live training stay as they are.")
step = backprop.sgd_step(network.net, X, y, lr, l2=l2, output=head)
with result_col:
    before, after, change = st.columns(3)
    before.metric("loss before", short(step.loss_before, 6))
    after.metric("loss after one step", short(step.loss_after, 6))
    change.metric("change", short(step.loss_change, 3))
    st.markdown("The weights that moved most (by η · |∂L/∂w|):")
    st.dataframe(moves_frame(step.moves), hide_index=True)
    if step.loss_change > 0:
        st.caption("The loss went up: this step was too long for this batch. Try a smaller η.")

# ---------------------------------------------------------------- two output layers
st.divider()
st.header("Softmax, or one sigmoid per class?")
st.markdown(
    "Same network, same batch, two output layers. **Softmax** shares one unit of probability "
    "among the classes: raising one logit lowers every other p, so its Jacobian ∂p/∂z is "
    "full. **One sigmoid per class** answers C separate yes/no questions (several classes "
    "may be true at once): each p is only a function of its own z, so the Jacobian is "
    "**diagonal**, and a row of P no longer sums to 1. Yet with its matching loss each "
    "gives the same output δ, **(P − T)/N**, of the same shape."
)
traces = {h: network.net.backprop_trace(X, y, l2=l2, output=h) for h in HEADS}
if n_points > 1:
    st.columns([1, 2])[0].select_slider(
        "Jacobian of row n of the batch",
        list(range(n_points)),
        key=ROW.key,
        help="∂p/∂z is one C×C matrix per point.",
    )
n = st.session_state[ROW.key]
jacobians = {h: traces[h].output_jacobians()[n] for h in HEADS}
for h, column in zip(HEADS, st.columns(2, gap="large"), strict=True):
    with column:
        t_h = traces[h]
        st.markdown(f"**{HEAD_WORDS[h]}**")
        # J over δ: side by side the sigmoid's broke after a minus sign at 1024 px
        if h == "softmax":
            st.latex(
                gathered(
                    [[r"J = \operatorname{diag}(p) - p\,p^\top"], [r"\delta = \frac{P - T}{N}"]]
                )
            )
        else:
            st.latex(
                gathered(
                    [
                        [r"J = \operatorname{diag}\big(\sigma(z)(1 - \sigma(z))\big)"],
                        [r"\delta = \frac{\sigma(Z) - T}{N}"],
                    ]
                )
            )
        panels = probability_panels(t_h.probabilities)
        panels.append(Panel(f"δ{sub(n_layers)}", t_h.deltas[-1], cols="class j"))
        classroom.chart(remembered_figure(figures, panels), key=f"bp_head_{h}")
        classroom.chart(
            remembered_figure(figures, [jacobian_panel(jacobians[h], row=n)]),
            key=f"bp_jacobian_{h}",
        )
        st.metric(
            "loss, mean over the N points" + (" (with λ)" if l2 else ""),
            short(t_h.loss, 6),
            help=f"Every digit: {full(t_h.loss)}. " + LOSS_WORDS[h],
        )

# ---------------------------------------------------------------- fading gradients
st.divider()
st.header("Where gradients fade")
fade_controls, fade_chart = st.columns([1, 2], gap="large")
with fade_controls:
    fade_act = st.radio(
        "Hidden activation",
        FADE_ACTIVATIONS,
        key=FADE_ACT.key,
        help="Drawn as bars; the other two as dotted lines for comparison.",
    )
    depth = st.slider(
        f"Hidden layers of {backprop.FADE_WIDTH} units",
        1,
        backprop.MAX_FADE_DEPTH,
        key=FADE_DEPTH.key,
    )
    st.markdown(
        f"Each layer down multiplies δ by Wᵀ and by act′(Z). For the sigmoid "
        f"${ACT_PRIME_TEX['sigmoid']}$, so δ shrinks layer after layer and the first "
        f"layers barely learn. tanh′ ≤ 1 and relu′ ∈ {{0, 1}} lose far less."
    )
sizes = {
    a: backprop.delta_sizes(backprop.fading_network(a, depth, network.n_classes), X, y, output=head)
    for a in FADE_ACTIVATIONS
}
with fade_chart:
    classroom.chart(remembered_fading(figures, sizes, chosen=fade_act), key="bp_fading")
    st.caption(fading_caption(sizes[fade_act], fade_act, backprop.FADE_WIDTH, network.n_classes))

url_state.publish(PARAMS)
backprop.keep_source(st.session_state)
