"""Softmax & its Jacobian: logits → probabilities, ∂p/∂z as a matrix, and the chain rule.

Widgets → xent_core (softmax, softmax_jacobian, xent_core.jacobian) → ui.figures.softmax.
"""

import streamlit as st

import xent_core
from deep_links import ensure_router
from ui.figures.softmax import (
    DEFAULT_Z,
    MAX_CLASSES,
    MIN_CLASSES,
    TAU_OPTIONS,
    Z_MAX,
    Z_MIN,
    chain_rule_figure,
    chain_rule_frame,
    class_labels,
    format_tau,
    jacobian_frame,
    jacobian_heatmap,
    parse_tau,
    probability_frame,
    property_checks,
    short,
    softmax_bars,
    subscript,
)
from ui.model import params
from ui.widgets import classroom, url_state
from xent_core.jacobian import jacobian_properties, softmax_chain_rule

Z = params.Param(
    "z",
    DEFAULT_Z,
    params.number_list(MIN_CLASSES, MAX_CLASSES, Z_MIN, Z_MAX),
    params.format_numbers,
)
TAU = params.Param("tau", 1.0, parse_tau, format_tau)
TARGET = params.Param("target", 0, params.integer(0, MAX_CLASSES - 1))
PARAMS = [Z, TAU, TARGET]

ensure_router()  # first: a cold shared link is handed to app.py (docs/deep-links.md)
url_state.restore(PARAMS)

st.title("Softmax & its Jacobian")
st.markdown(
    "The softmax turns any list of scores (**logits** z) into probabilities. "
    "Move the logits and the temperature and watch three things: the probabilities, "
    "the matrix of how each probability reacts to each logit, and how that matrix turns "
    "the cross-entropy gradient into the famous **p − t**."
)
url_state.show_notes()

# ---------------------------------------------------------------- controls + softmax
controls, picture = st.columns([1, 2], gap="large")

with controls:
    st.header("Logits")
    if "n_classes" not in st.session_state:
        st.session_state["n_classes"] = len(st.session_state[Z.key])
    n = st.number_input(
        "Number of classes C",
        min_value=MIN_CLASSES,
        max_value=MAX_CLASSES,
        step=1,
        key="n_classes",
    )
    tau = st.select_slider(
        "Temperature τ (log scale)",
        options=TAU_OPTIONS,
        format_func=format_tau,
        key=TAU.key,
        help="softmax(z/τ): a small τ sharpens towards the largest logit, "
        "a large τ flattens towards the uniform distribution.",
    )
    start = st.session_state[Z.key]
    slots = st.columns(2 if n > 5 else 1)  # more than 5 logits: two columns of sliders
    for i in range(n):
        key = f"z_{i}"
        if key not in st.session_state:
            st.session_state[key] = float(start[i]) if i < len(start) else 0.0
        slots[i % len(slots)].slider(
            f"z{subscript(i)} (class {i})",
            min_value=Z_MIN,
            max_value=Z_MAX,
            step=0.1,
            key=key,
        )
    z = tuple(float(st.session_state[f"z_{i}"]) for i in range(n))
    st.session_state[Z.key] = z

labels = class_labels(n)
try:
    p = xent_core.softmax(z, temperature=tau)
    J = xent_core.softmax_jacobian(z, temperature=tau)
except ValueError as err:  # the widgets keep z and τ valid; this is a safety net
    st.error(f"These logits cannot be used: {err}")
    st.stop()

with picture:
    st.header("Probabilities")
    st.latex(r"p_i = \operatorname{softmax}(z/\tau)_i = \frac{e^{z_i/\tau}}{\sum_k e^{z_k/\tau}}")
    classroom.chart(softmax_bars(p=p, labels=labels), key="softmax_bars")
    with st.expander("Every digit of p"):
        st.dataframe(probability_frame(z, p), hide_index=True)

# ---------------------------------------------------------------- Jacobian
st.divider()
st.header("The Jacobian ∂p/∂z")
if n <= 6:
    heat, facts = st.columns([3, 2], gap="large")
else:  # a 7 × 7 to 10 × 10 matrix needs the full width to print its values
    heat = st.container()
    facts = st.container()
with heat:
    classroom.chart(
        jacobian_heatmap(J=J, labels=labels, digits=3 if n <= 6 else 2),
        key="jacobian_heatmap",
    )
with facts:
    st.latex(r"J_{ij} = \frac{\partial p_i}{\partial z_j} = \frac{p_i\,(\delta_{ij} - p_j)}{\tau}")
    st.latex(r"J = \frac{\operatorname{diag}(p) - p\,p^\top}{\tau}")
    st.markdown(
        "Raising $z_j$ raises $p_j$ (the blue diagonal) and takes probability from every "
        "other class (red). The probabilities always add up to 1, so each row adds up to 0."
    )
    props = jacobian_properties(J, temperature=tau)
    for verdict, claim, evidence in property_checks(props):
        icon = ":material/check_circle:" if verdict == "pass" else ":material/warning:"
        colour = "green" if verdict == "pass" else "orange"
        st.markdown(f":{colour}[{icon}] **{claim}** — {evidence}")
    st.caption(
        f"Computed live in float64 (the 64-bit numbers computers calculate with, about 16 "
        f"significant digits). “0” means at most {short(props.tol, 3)} "
        "(4·C·ε/τ, the size of float64 rounding here)."
    )
with st.expander("Every digit of J"):
    st.dataframe(jacobian_frame(J))

# ---------------------------------------------------------------- chain rule
st.divider()
st.header("The chain rule: from ∂L/∂p to ∂L/∂z")
pick, formula = st.columns([1, 2], gap="large")
with pick:
    if st.session_state[TARGET.key] >= n:
        st.warning(
            f"Target class {st.session_state[TARGET.key]} does not exist with {n} classes; "
            "using class 0.",
            icon=":material/info:",
        )
        st.session_state[TARGET.key] = 0
    k = st.selectbox(
        "Target class k (one-hot t)",
        options=range(n),
        format_func=lambda c: f"class {c}",
        key=TARGET.key,
    )
with formula:
    st.latex(
        r"L = -\log p_k \qquad \frac{\partial L}{\partial z} = J^\top \frac{\partial L}"
        r"{\partial p} = J^\top\!\left(-\frac{t}{p}\right) = \frac{p - t}{\tau}"
    )

chain = softmax_chain_rule(z, k, temperature=tau)
classroom.chart(
    chain_rule_figure(
        dl_dp=chain.dl_dp,
        via_jacobian=chain.via_jacobian,
        direct=chain.direct,
        labels=labels,
        temperature=tau,
    ),
    key="chain_rule_figure",
)
# The table has the row to itself, the verdict under it: beside it, in three quarters of the
# row, its last column (p − t) scrolled out of sight at 1024 px (menu open).
st.dataframe(
    chain_rule_frame(chain.dl_dp, chain.via_jacobian, chain.direct, temperature=tau),
    hide_index=True,
)
st.metric(
    "max |Jᵀ(−t/p) − (p − t)/τ|",
    f"{chain.max_difference:.2e}",
    help="The largest difference between the two routes, over the classes: float64 rounding only.",
)
st.caption(
    "Equal to rounding: the gradient of softmax + cross-entropy is the predicted "
    "minus the true distribution (divided by τ)."
)

url_state.publish(PARAMS)
