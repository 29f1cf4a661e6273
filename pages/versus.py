"""Cross-entropy versus squared error: the σ'(z) factor, and a race of two logistic neurons.

Widgets → xent_core (sigmoid, the two losses from logits, train_neuron) → ui.figures.versus.
Each section is a fragment: moving z does not rebuild the race, and the race's animation
(plotly frames) plays in the browser, costing the server nothing.
"""

import plotly.graph_objects as go
import streamlit as st

import xent_core
from deep_links import ensure_router
from ui.figures.versus import (
    LEARNING_RATES,
    STEP_CHOICES,
    Z_MAX,
    Z_MIN,
    curves_figure,
    race_figure,
    start_verdict,
)
from ui.model import params
from ui.text.numbers import full, short
from ui.widgets import classroom, url_state
from xent_core.neuron import (
    NeuronHistory,
    sigmoid_derivative,
    squared_error_with_logits,
    squared_error_with_logits_grad,
    steps_to_within,
    train_neuron,
)

T = 1.0  # the target throughout: the neuron should say "yes"
X = 1.0  # the race's single input
CLOSE = 0.1  # "there": |p − t| below this
W_MIN, W_MAX = -6.0, 6.0

PARAMS = [
    params.Param("vs_z", -4.0, params.number(Z_MIN, Z_MAX), "{:g}".format),
    params.Param("vs_w0", -2.0, params.number(W_MIN, W_MAX), "{:g}".format),
    params.Param("vs_b0", -2.0, params.number(W_MIN, W_MAX), "{:g}".format),
    params.Param("vs_lr", 0.15, params.number_choice(LEARNING_RATES), "{:g}".format),
    params.Param("vs_steps", 300, params.number_choice(STEP_CHOICES)),
]

ensure_router()  # first: a cold shared link is handed to app.py (docs/deep-links.md)
url_state.restore(PARAMS)


@st.cache_resource(max_entries=64, show_spinner=False)
def race(
    w0: float, b0: float, lr: float, steps: int
) -> tuple[NeuronHistory, NeuronHistory, go.Figure]:
    """Both runs and their animated figure; built once per setting (frames are costly)."""
    ce_run = train_neuron("cross_entropy", w0, b0, lr, steps, x=X, t=T)
    se_run = train_neuron("squared_error", w0, b0, lr, steps, x=X, t=T)
    return ce_run, se_run, race_figure(ce=ce_run, se=se_run)


st.title("Cross-entropy versus squared error")
st.markdown(
    "A single sigmoid neuron, **p = σ(z)**, should answer *yes* (target **t = 1**). Measure its "
    "error with cross-entropy or with squared error, and the two losses disagree most where "
    "it matters: when the neuron is **confidently wrong**. Learning follows the gradient "
    "∂L/∂z, and squared error's gradient carries a factor σ′(z) that all but vanishes there."
)
url_state.show_notes()


# ---------------------------------------------------------------- the two losses over z
@st.fragment
def losses_over_z() -> None:
    st.header("Why a confidently wrong neuron learns slowly under squared error")
    picture, side = st.columns([3, 2], gap="large")
    with side:
        z = st.slider(
            "logit z (the neuron's raw score)",
            Z_MIN,
            Z_MAX,
            step=0.1,
            key="vs_z",
            help="Negative z means the neuron says no (p < ½) although the answer is yes.",
        )
        st.markdown(":blue[**Cross-entropy**]")
        st.latex(
            r"\begin{aligned} L &= -\log \sigma(z) \\"
            r"\frac{\partial L}{\partial z} &= \sigma(z) - t \end{aligned}"
        )
        st.markdown(":orange[**Squared error**]")
        st.latex(
            r"\begin{aligned} L &= (\sigma(z) - t)^2 \\"
            r"\frac{\partial L}{\partial z} &= 2\,(\sigma(z) - t)\,\sigma'(z) \end{aligned}"
        )
        st.latex(r"\sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr) \le \tfrac14")
    url_state.publish(PARAMS)

    p = float(xent_core.sigmoid([z])[0])
    slope = float(sigmoid_derivative([z])[0])
    ce_loss = xent_core.binary_cross_entropy_with_logits([T], [z], reduction="sum")
    se_loss = squared_error_with_logits([T], [z], reduction="sum")
    ce_grad = float(xent_core.binary_cross_entropy_with_logits_grad([T], [z], "sum")[0])
    se_grad = float(squared_error_with_logits_grad([T], [z], reduction="sum")[0])

    with picture:
        classroom.chart(curves_figure(z=z, t=T), key="vs_curves", width="stretch")
        st.caption(
            "Squared error's gradient is cross-entropy's times 2σ′(z) ≤ ½. Slide z far to the "
            "left: cross-entropy's push stays near −1, the largest it can be, while squared "
            "error's fades towards 0 with σ′(z)."
        )
    with side:
        m1, m2 = st.columns(2)
        m1.metric("p = σ(z)", short(p), help=f"exactly {full(p)}")
        m2.metric("σ′(z)", short(slope), help=f"exactly {full(slope)}")
        m3, m4 = st.columns(2)
        m3.metric("CE ∂L/∂z", short(ce_grad), help=f"cross-entropy, loss {full(ce_loss)} nats")
        m4.metric("SE ∂L/∂z", short(se_grad), help=f"squared error, loss {full(se_loss)}")


# ---------------------------------------------------------------- the race
@st.fragment
def the_race() -> None:
    st.header("The race: one neuron, two losses")
    st.markdown(
        f"Two copies of the same neuron, p = σ(w·x + b), start from the same weight and bias "
        f"on one example (x = {X:g}, t = {T:g}) and take the same gradient-descent steps, one "
        "on cross-entropy, one on squared error. Press **▶ Race** under the chart to watch "
        "them learn; drag the step slider to go back and forth."
    )
    controls, formula = st.columns([3, 2], gap="large")
    with controls:
        c1, c2 = st.columns(2)
        c1.slider("starting weight w₀", W_MIN, W_MAX, step=0.5, key="vs_w0")
        c2.slider("starting bias b₀", W_MIN, W_MAX, step=0.5, key="vs_b0")
        c3, c4 = st.columns(2)
        c3.select_slider(
            "learning rate η", options=LEARNING_RATES, format_func="{:g}".format, key="vs_lr"
        )
        c4.select_slider("steps", options=STEP_CHOICES, key="vs_steps")
    url_state.publish(PARAMS)

    steps = st.session_state["vs_steps"]
    ce_run, se_run, figure = race(
        st.session_state["vs_w0"], st.session_state["vs_b0"], st.session_state["vs_lr"], steps
    )
    start_z, start_p = float(ce_run.z[0, 0]), float(ce_run.p[0, 0])
    with formula:
        # one update a line: side by side they broke after a minus sign at 820-1024 px
        st.latex(
            r"\begin{aligned} w &\leftarrow w - \eta\,\frac{\partial L}{\partial z}\,x \\[6pt]"
            r"b &\leftarrow b - \eta\,\frac{\partial L}{\partial z} \end{aligned}"
        )
        st.markdown(
            f"Start: z₀ = w₀·x + b₀ = {short(start_z)}, p₀ = σ(z₀) = {short(start_p, 3)}: "
            f"**{start_verdict(start_p, T)}**."
        )

    classroom.chart(figure, key="vs_race", width="stretch")
    cells = st.columns(4)
    for (reached_cell, final_cell), run, name in (
        (cells[:2], ce_run, "cross-entropy"),
        (cells[2:], se_run, "squared error"),
    ):
        reached = steps_to_within(run, CLOSE)
        reached_cell.metric(
            f"{name}: steps to |p − t| < {CLOSE:g}",
            "not reached" if reached is None else str(reached),
            help=f"the first step at which p is within {CLOSE:g} of t = {T:g}",
        )
        final_cell.metric(
            f"{name}: p after {steps} steps",
            short(float(run.p[-1, 0]), 4),
            help=f"loss {full(float(run.loss[-1]))}" + (" nats" if name[0] == "c" else ""),
        )
    st.caption(
        "Each curve is that neuron's own loss, so the two are on different scales; the output "
        "p on the right is the fair comparison. Squared error's plateau is the saturated start, "
        "where σ′(z) ≈ 0 makes its steps tiny."
    )


losses_over_z()
st.divider()
the_race()
