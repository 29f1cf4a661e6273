"""Information view: entropy, cross-entropy and KL divergence of two editable distributions.

Table (text cells, checked cell by cell) → xent_core.information → ui.figures.information.
"""

from functools import partial

import streamlit as st

from deep_links import ensure_router
from ui.figures.information import (
    DEFAULT_NAMES,
    DEFAULT_P,
    DEFAULT_T,
    MAX_CLASSES,
    MIN_CLASSES,
    UNITS,
    base_of,
    class_labels,
    column_sum_problem,
    distributions_figure,
    identity_figure,
    identity_frame,
    normalised,
    table_frame,
    terms_figure,
    with_one_hot_t,
    with_p_equal_t,
    with_uniform_p,
)
from ui.files.tables import information_csv
from ui.model import params
from ui.model.cells import parse_numbers
from ui.model.table_keeper import KeptEditor
from ui.text.numbers import full, short
from ui.text.quoting import quote_typed
from ui.widgets import classroom, url_state
from ui.widgets.table_files import download_csv
from ui.widgets.tables import show_problems
from xent_core.information import cross_entropy, decomposition, entropy, kl_divergence

DISTRIBUTION = params.number_list(MIN_CLASSES, MAX_CLASSES, 0.0, 1.0)
T = params.Param("info_t", DEFAULT_T, DISTRIBUTION, params.format_numbers)
P = params.Param("info_p", DEFAULT_P, DISTRIBUTION, params.format_numbers)
UNIT = params.Param("info_unit", "nats", params.choice(UNITS))
PARAMS = [T, P, UNIT]
BASE, EDITOR, SAVED = "info_base", "info_table", "info_saved"

ensure_router()  # first: a cold shared link is handed to app.py (docs/deep-links.md)
url_state.restore(PARAMS)

st.title("Entropy, cross-entropy and KL divergence")
st.markdown(
    "Two distributions over the same classes: **t**, how the data really falls, and **p**, "
    "what a model predicts. Cross-entropy, the loss the model is trained on, splits into two "
    "parts: the **entropy** of the data, which no model can remove, and the **KL divergence**, "
    "the extra cost of the model's mistakes. Edit either column and watch the split."
)
url_state.show_notes()
if len(st.session_state[T.key]) != len(st.session_state[P.key]):
    st.warning(
        f"The link gives {len(st.session_state[T.key])} values for t but "
        f"{len(st.session_state[P.key])} for p; using the default distributions.",
        icon="🔗",
    )
    st.session_state[T.key], st.session_state[P.key] = DEFAULT_T, DEFAULT_P


def table() -> KeptEditor:
    """The table of classes, t and p, kept across reruns and pages (one key, ``info_table``)."""
    return KeptEditor(
        st.session_state,
        EDITOR,
        base_key=BASE,
        saved_key=SAVED,
        initial=lambda: table_frame(
            st.session_state[T.key], st.session_state[P.key], DEFAULT_NAMES
        ),
        keys="fixed",
    )


def replace_table(change) -> None:
    """A button's callback: the table as shown, changed by ``change``, becomes the new base."""
    changed = change(table().current())
    if changed is None:
        st.toast("Fix the marked cells first: only numbers ≥ 0 can be normalised.", icon="✏️")
        return
    table().replace(changed)  # the editor starts afresh from the new base


def reset_table() -> None:
    """The reset button: the default pair again (not the link's), in a fresh editor."""
    table().replace(table_frame(DEFAULT_T, DEFAULT_P, DEFAULT_NAMES))


kept = table()
kept.start()  # the link's distributions on a first visit; back on the page: keep the edits

# ---------------------------------------------------------------- the two distributions
# Halves: with two fifths, at 1024 px (menu open) the table scrolled and hid its p column.
editing, picture = st.columns(2, gap="large")
with editing:
    st.header("The distributions")
    edited = st.data_editor(
        kept.frame,
        key=kept.key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "class": st.column_config.TextColumn("class", help="a name for the class"),
            "t": st.column_config.TextColumn("t (true)", help="the data's distribution"),
            "p": st.column_config.TextColumn("p (model)", help="the model's prediction"),
        },
    )
    kept.finish(edited)  # kept for a visit to another page
    b1, b2 = st.columns(2)
    b1.button(
        "t one-hot: H(t) = 0",
        key="info_one_hot",
        on_click=replace_table,
        args=(with_one_hot_t,),
        help="t = 1 on the first class: the data is certain, H(t) = 0, so H(t, p) = KL(t ‖ p)",
        width="stretch",
    )
    b2.button(
        "p = t: KL = 0",
        key="info_p_is_t",
        on_click=replace_table,
        args=(with_p_equal_t,),
        help="the perfect model: KL(t ‖ p) = 0 and H(t, p) = H(t)",
        width="stretch",
    )
    b3, b4 = st.columns(2)
    b3.button(
        "p uniform",
        key="info_uniform",
        on_click=replace_table,
        args=(with_uniform_p,),
        help="a model that knows nothing: H(t, p) = log C whatever t is",
        width="stretch",
    )
    b4.button("↺ Reset", key="info_reset", on_click=reset_table, width="stretch")
    st.radio("unit", UNITS, horizontal=True, key=UNIT.key, help="nats: natural log; bits: log₂")
    st.caption(f"{MIN_CLASSES} to {MAX_CLASSES} classes: add rows at the bottom, tick to delete.")

unit = st.session_state[UNIT.key]
base = base_of(unit)
sized = MIN_CLASSES <= len(edited) <= MAX_CLASSES
values, problems = parse_numbers(edited, ["t", "p"], 0.0, 1.0) if sized else (None, [])
sums: list[str | None] = []
if sized and not problems:
    t, p = values[:, 0], values[:, 1]
    sums = [column_sum_problem(t, "t (true)"), column_sum_problem(p, "p (model)")]
usable = sized and not problems and not any(sums)
with editing:
    terms = (
        [entropy(t, base, terms=True), cross_entropy(t, p, base, terms=True),
         kl_divergence(t, p, base, terms=True)]
        if usable
        else None
    )  # fmt: skip
    download_csv(
        partial(information_csv, edited, unit=unit, terms=terms),
        file_name="xent-information.csv",
        key="info_download",
    )
    if not sized:
        st.error(
            f"The table has {len(edited)} classes; this view needs {MIN_CLASSES} to {MAX_CLASSES}.",
            icon="✏️",
        )
        st.stop()
    show_problems(problems, "Some cells cannot be used")
    if problems:
        st.stop()
    if any(sums):
        st.error("\n\n".join(s for s in sums if s), icon="➗")
        st.button(
            "Normalise t and p (divide each by its sum)",
            key="info_normalise",
            on_click=replace_table,
            args=(normalised,),
        )
        st.stop()

st.session_state[T.key], st.session_state[P.key] = tuple(t), tuple(p)
url_state.publish(PARAMS)
labels = class_labels(edited["class"].tolist())
parts = decomposition(t, p, base)

with picture:
    classroom.chart(
        distributions_figure(t=t, p=p, labels=labels), key="info_distributions", width="stretch"
    )

# ---------------------------------------------------------------- the identity
st.divider()
st.header("Cross-entropy = entropy + KL divergence")
m1, m2, m3 = st.columns(3)
m1.metric(f"H(t): entropy ({unit})", short(parts.entropy), help=f"exactly {full(parts.entropy)}")
m2.metric(
    f"KL(t ‖ p) ({unit})", short(parts.kl_divergence), help=f"exactly {full(parts.kl_divergence)}"
)
m3.metric(
    f"H(t, p): cross-entropy ({unit})",
    short(parts.cross_entropy),
    help=f"exactly {full(parts.cross_entropy)}",
)
bars, formulas = st.columns([3, 2], gap="large")
with formulas:
    st.latex(r"H(t) = -\sum_i t_i \log t_i")
    st.latex(r"H(t, p) = -\sum_i t_i \log p_i")
    st.latex(r"\mathrm{KL}(t \,\|\, p) = \sum_i t_i \log \frac{t_i}{p_i}")
    st.latex(r"H(t, p) = H(t) + \mathrm{KL}(t \,\|\, p)")
with bars:
    if parts.kl_divergence == float("inf"):
        zero = [
            quote_typed(label) for label, ti, pi in zip(labels, t, p, strict=True) if pi == 0 < ti
        ]
        st.warning(
            f"**H(t, p) = KL(t ‖ p) = ∞.** The model gives probability 0 to "
            f"{', '.join(zero)}, which the data says happens (t > 0): it calls possible data "
            "impossible, and −log 0 = ∞. H(t) is still finite: "
            f"{full(parts.entropy)} {unit}.",
            icon="♾️",
        )
    else:
        classroom.chart(
            identity_figure(parts=parts, unit=unit), key="info_identity", width="stretch"
        )
        st.dataframe(identity_frame(parts=parts, unit=unit), hide_index=True, width="stretch")
    reverse = kl_divergence(p, t, base)
    st.caption(
        f"KL is not symmetric: KL(p ‖ t) = {short(reverse)} {unit}. Training with "
        "cross-entropy against fixed data t minimises KL(t ‖ p), since H(t) does not depend "
        "on the model; the minimum, KL = 0, is at p = t."
    )

# ---------------------------------------------------------------- class by class
st.divider()
st.header("Class by class")
per_class, words = st.columns([3, 2], gap="large")
with per_class:
    classroom.chart(
        terms_figure(t=t, p=p, labels=labels, unit=unit), key="info_terms", width="stretch"
    )
with words:
    st.latex(r"-t_i \log p_i = -t_i \log t_i + t_i \log \frac{t_i}{p_i}")
    st.markdown(
        "Each class adds its own share to each sum. A class the data never produces "
        "(tᵢ = 0) adds nothing anywhere, whatever p says (0 · log 0 = 0). A single KL term "
        "is negative where the model gives a class *more* than its share (pᵢ > tᵢ); the "
        "total KL never is."
    )
