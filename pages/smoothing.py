"""Label smoothing & temperature: two ways to soften a distribution, and what they do to
the loss and to the best prediction.

Widgets → xent_core (smoothed_targets, information, softmax, log_softmax) →
ui.figures.smoothing.
"""

import streamlit as st

from deep_links import ensure_router
from ui.figures.smoothing import (
    DEFAULT_EPSILONS,
    DEFAULT_Z,
    EPSILONS,
    MAX_CLASSES,
    MIN_CLASSES,
    Z_LIMIT,
    checked_logits,
    format_epsilons,
    parse_epsilons,
    parse_logits,
    smoothing_figure,
    smoothing_frame,
    temperature_figure,
    temperature_frame,
)
from ui.figures.softmax import TAU_OPTIONS, format_tau, parse_tau
from ui.model import params
from ui.text.quoting import quote_typed
from ui.widgets import classroom, url_state

CLASSES = params.Param("ls_classes", 3, params.integer(MIN_CLASSES, MAX_CLASSES))
EPS = params.Param("ls_eps", list(DEFAULT_EPSILONS), parse_epsilons, format_epsilons)
Z = params.Param("ls_z", DEFAULT_Z, checked_logits)
TAU = params.Param("ls_tau", 1.0, parse_tau, format_tau)
TARGET = params.Param("ls_target", 2, params.integer(0, MAX_CLASSES - 1))
PARAMS = [CLASSES, EPS, Z, TAU, TARGET]

ensure_router()  # first: a cold shared link is handed to app.py (docs/deep-links.md)
url_state.restore(PARAMS)

st.title("Label smoothing & temperature")
st.markdown(
    "Two ways to make a distribution less certain. **Label smoothing** softens the *target*: "
    "instead of all probability on the true class, it keeps 1 − ε there and spreads ε evenly "
    "over all C classes. **Temperature** softens the *prediction*: it divides the logits by "
    "τ before the softmax. Both change which prediction the loss likes best."
)
url_state.show_notes()


def publish_valid() -> None:
    """Write the settings into the URL; logits that do not parse stay out of it."""
    try:
        parse_logits(st.session_state[Z.key])
    except ValueError:
        url_state.publish([param for param in PARAMS if param is not Z])
    else:
        url_state.publish(PARAMS)


# ---------------------------------------------------------------- label smoothing
@st.fragment
def label_smoothing() -> None:
    st.header("Label smoothing moves the best prediction away from 1")
    picture, side = st.columns([3, 2], gap="large")
    with side:
        st.latex(r"t' = (1 - \varepsilon)\, t + \frac{\varepsilon}{C}")
        st.latex(
            r"\begin{aligned} L(p) &= -\sum_i t'_i \log p_i \\"
            r"&= H(t') + \mathrm{KL}(t' \,\|\, p) \end{aligned}"
        )
        st.latex(
            r"\arg\min_p L = t' \;\Rightarrow\;"
            r"p^*_{\text{target}} = 1 - \varepsilon + \frac{\varepsilon}{C}"
        )
        n = st.number_input(
            "number of classes C", MIN_CLASSES, MAX_CLASSES, step=1, key=CLASSES.key
        )
        epsilons = st.multiselect(
            "smoothing ε (one curve each)",
            EPSILONS,
            format_func="{:g}".format,
            key=EPS.key,
            help="ε = 0 is the plain one-hot target; PyTorch's label_smoothing=0.1 is ε = 0.1.",
        )
        st.caption(
            "The model puts $p_{\\text{target}}$ on the true class and shares the rest evenly "
            "over the other C − 1 classes."
        )
    epsilons = sorted(epsilons)
    with picture:
        if not epsilons:
            st.info("Pick at least one ε to draw its loss curve.", icon=":material/touch_app:")
        else:
            classroom.chart(
                smoothing_figure(epsilons=epsilons, n_classes=n), key="ls_curves", width="stretch"
            )
    if epsilons:
        st.dataframe(
            smoothing_frame(epsilons=epsilons, n_classes=n), hide_index=True, width="stretch"
        )
        st.caption(
            "The loss is smallest where the prediction equals the smoothed target (KL = 0), and "
            "that smallest loss is the target's entropy H(t′), no longer 0. With ε > 0, pushing "
            "$p_{\\text{target}}$ towards 1 *raises* the loss again (the other classes' share "
            "goes to 0, and −log 0 = ∞): the model is taught not to be certain, so its logits "
            "stay finite."
        )
    publish_valid()


# ---------------------------------------------------------------- temperature
@st.fragment
def temperature() -> None:
    st.header("Temperature flattens or sharpens the prediction")
    picture, side = st.columns([3, 2], gap="large")
    with side:
        st.latex(r"p_i = \frac{e^{z_i/\tau}}{\sum_k e^{z_k/\tau}}")
        st.latex(
            r"\begin{aligned} \tau \to 0 &:\ p \to \text{one-hot on } \arg\max z \\"
            r"\tau \to \infty &:\ p \to \text{uniform } \tfrac{1}{C} \end{aligned}"
        )
        text = st.text_input(
            "logits z (2 to 10 numbers, separated by commas)",
            key=Z.key,
            help=f"each from −{Z_LIMIT:g} to {Z_LIMIT:g}; the classes are numbered from 0",
        )
        tau = st.select_slider(
            "temperature τ (log scale)", options=TAU_OPTIONS, format_func=format_tau, key=TAU.key
        )
    try:
        z = parse_logits(text)
    except ValueError as err:
        with side:
            st.error(f"Logits “{quote_typed(text, 40)}” {err}.", icon="✏️")
        publish_valid()
        return
    with side:
        if st.session_state[TARGET.key] >= len(z):
            st.warning(
                f"Target class {st.session_state[TARGET.key]} does not exist with {len(z)} "
                f"logits; using class {len(z) - 1}.",
                icon=":material/info:",
            )
            st.session_state[TARGET.key] = len(z) - 1
        target = st.selectbox(
            "target class (its loss is −log p(target))",
            options=range(len(z)),
            format_func=lambda c: f"class {c} (z = {z[c]:g})",
            key=TARGET.key,
        )
    publish_valid()
    with picture:
        classroom.chart(
            temperature_figure(z=z, tau=tau, target=target), key="ls_temperature", width="stretch"
        )
    st.dataframe(temperature_frame(z=z, tau=tau, target=target), hide_index=True, width="stretch")
    with side:
        st.caption(
            "If the target has the largest logit, a small τ drives its loss to 0; if it does not, "
            "a small τ makes a confident mistake and the loss explodes. Temperature scaling picks "
            "the τ that minimises the loss on held-out data."
        )


label_smoothing()
st.divider()
temperature()
