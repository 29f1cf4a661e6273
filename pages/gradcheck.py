"""Gradient check: each loss's analytic gradient against central differences, element by element.

Widgets (or the typed table) → xent_core.gradient_check (random_case, check_gradient,
step_sweep) → ui.figures.gradcheck. The integer switch shows the classic all-zeros pitfall
beside its fix.
"""

from functools import partial

import streamlit as st

from deep_links import ensure_router
from ui.figures.gradcheck import (
    CENTRAL_DIFFERENCE,
    FORMULAS,
    RELATIVE_ERROR,
    TRADE_OFF,
    best_step,
    element_labels,
    error_text,
    parse_step,
    parse_typed,
    points_frame,
    relative_error_figure,
    results_column_widths,
    results_frame,
    step_label,
    step_sweep_figure,
    summary,
    threshold_label,
    typed_default_frame,
    undefined_note,
)
from ui.files.tables import frame_csv
from ui.model import params
from ui.model.table_keeper import KeptEditor
from ui.text.numbers import full, short
from ui.widgets import classroom, url_state
from ui.widgets.table_files import download_csv
from ui.widgets.tables import show_problems
from xent_core.gradient_check import (
    CHECKABLE,
    EXPECTED_RELATIVE_ERROR,
    LOSSES,
    STEPS,
    as_whole_numbers,
    check_gradient,
    random_case,
    step_sweep,
    with_x,
)

SOURCES = ("random", "typed")
MAX_SEED = 999_999
LOSS = params.Param("gc_loss", "softmax_ce", params.choice(CHECKABLE))
SOURCE = params.Param("gc_src", "random", params.choice(SOURCES))
SEED = params.Param("gc_seed", 0, params.integer(0, MAX_SEED))
STEP = params.Param("gc_h", 1e-5, parse_step, step_label)
WHOLE = params.Param("gc_int", False, params.boolean, params.format_bool)
PARAMS = [LOSS, SOURCE, SEED, STEP, WHOLE]

ensure_router()  # first: a cold shared link is handed to app.py (docs/deep-links.md)
url_state.restore(PARAMS)


def next_seed() -> None:
    """The button's callback: the next seed, so new random inputs (and a new link)."""
    st.session_state[SEED.key] = (st.session_state[SEED.key] + 1) % (MAX_SEED + 1)


def typed_table(loss: str) -> KeptEditor:
    """The typed table of ``loss``, kept across reruns and pages; first the worked examples."""
    return KeptEditor(
        st.session_state,
        f"gc_table_{loss}",
        base_key=f"gc_base_{loss}",
        saved_key=f"gc_saved_{loss}",
        initial=lambda: typed_default_frame(loss, st.session_state[SEED.key]),
    )


def reset_table(loss: str) -> None:
    """The reset button: the table of the current seed again, in a fresh editor."""
    typed_table(loss).reset()


st.title("Gradient check")
st.markdown(
    "Backpropagation is only as good as the gradient formulas it uses. The standard test: "
    "nudge each input by a small step **h** either way and compare the slope of the loss, "
    "the **central difference**, with the **analytic** gradient from the formula. A correct "
    "formula agrees to about **10⁻⁸** in relative error; a wrong one is off by far more."
)
url_state.show_notes()

# ---------------------------------------------------------------- settings and formulas
# The loss above both columns: in the settings column (198 px at 1024 px) its longer titles
# were clipped ("Softmax cross-entropy on logit").
loss = st.selectbox("loss", CHECKABLE, format_func=lambda name: LOSSES[name].title, key=LOSS.key)
spec = LOSSES[loss]
settings, formulas = st.columns([2, 3], gap="large")
with settings:
    source = st.radio(
        "inputs",
        SOURCES,
        format_func={"random": "random (seeded)", "typed": "typed in a table"}.get,
        horizontal=True,
        key=SOURCE.key,
    )
    if source == "random":
        seed_box, new = st.columns([2, 3], vertical_alignment="bottom")
        seed_box.number_input("seed", 0, MAX_SEED, step=1, key=SEED.key)
        new.button(
            "New random inputs",
            key="gc_new",
            icon=":material/casino:",
            on_click=next_seed,
            width="stretch",
        )
    h = st.select_slider(
        "step h",
        options=STEPS,
        format_func=step_label,
        key=STEP.key,
        help="Powers of ten from 1e-1 to 1e-10: too big and the curve bends within the step; "
        "too small and float64 rounding swamps the difference.",
    )
    st.toggle(
        "feed integer inputs",
        key=WHOLE.key,
        disabled=not spec.takes_whole_numbers,
        help="Give the checker an int64 array, as np.array([2, 3, 4]) is."
        if spec.takes_whole_numbers
        else "Probabilities cannot be whole numbers: a p of 0 or 1 makes the loss 0 or "
        "infinite. Pick a loss of logits or weights.",
    )
    whole = bool(st.session_state[WHOLE.key]) and spec.takes_whole_numbers
    if st.session_state[WHOLE.key] and not spec.takes_whole_numbers:
        st.caption("Integer inputs apply to the losses of logits z and weights W₁ only.")

with formulas:
    loss_formula, gradient_formula = FORMULAS[loss]
    st.latex(loss_formula)
    st.latex(gradient_formula)
    st.latex(CENTRAL_DIFFERENCE)
    st.latex(RELATIVE_ERROR)
    st.caption(
        f"The loss is the **{spec.reduction}** over the rows"
        + (" (the N = 5 points)." if loss == "mlp" else ".")
        + " a is the analytic gradient, n the numeric one; tiny = 2.2·10⁻³⁰⁸ keeps 0/0 away."
    )

# ---------------------------------------------------------------- the point x
seed = int(st.session_state[SEED.key])
if source == "random":
    case = random_case(loss, seed, whole_numbers=whole)
else:
    table = typed_table(loss)
    table.start()  # the worked examples on a first visit; back on the page: keep the edits
    with settings:
        st.markdown(f"**Type the inputs** (the variable: **{spec.variable}**)")
        edited = st.data_editor(
            table.frame,
            key=table.key,
            num_rows="fixed" if loss == "mlp" else "dynamic",
            hide_index=True,
            width="stretch",
            disabled=["input"] if loss == "mlp" else False,
        )
        table.finish(edited)  # kept for a visit to another page; a paste folded in once
        st.button("↺ Reset the table", key="gc_reset", on_click=reset_table, args=(loss,))
        case, problems = parse_typed(loss, edited, seed)
        show_problems(problems, "Some cells cannot be used")
    if case is None:
        st.stop()
    if whole:
        with settings:
            st.caption(
                "Integer inputs: the typed values are rounded to whole numbers and fed as an "
                "int64 array (the x column below)."
            )
        try:
            case = with_x(case, as_whole_numbers(case.x))
        except ValueError as err:
            st.error(f"The typed inputs cannot be made whole numbers: {err}", icon="✏️")
            st.stop()
url_state.publish(PARAMS)

if loss == "mlp":
    with settings, st.expander(f"The MLP's fixed points and labels (random seed {seed})"):
        st.dataframe(points_frame(case), hide_index=True, width="stretch")
        st.caption(
            "A 2 → 4 (tanh) → 3 (softmax) network; W₂, b₁ and b₂ are drawn with that random seed. "
            "Only W₁ is checked."
        )

try:
    check = check_gradient(case, h)
    naive = check_gradient(case, h, naive=True) if whole else None
    sweep = step_sweep(case)
except ValueError as err:
    st.error(f"These inputs cannot be checked: {err}", icon="✏️")
    st.stop()
labels = element_labels(loss, check.analytic.shape)

# ---------------------------------------------------------------- element by element
st.divider()
st.header("Analytic against numeric, element by element")
if whole:
    st.warning(
        f"**The integer pitfall.** x is an **{case.x.dtype}** array. The naive checker builds "
        "its step with `np.zeros_like(x)`, an integer array too, so `step[k] = h` stores "
        "`int(h) = 0`: both evaluations are at x itself and **every numeric gradient is 0**, "
        "a relative error of exactly **1** wherever the true gradient is not 0. The fix is one "
        "line: cast first, `x = np.asarray(x, dtype=np.float64)`, as "
        "`xent_core.numerical_gradient` does.",
        icon=":material/warning:",
    )
metrics = st.columns(3)
metrics[0].metric(
    f"L({spec.variable}), {spec.reduction}", short(check.loss), help=f"exactly {full(check.loss)}"
)
if naive is not None:
    metrics[1].metric("worst relative error, naive", error_text(naive.worst))
    metrics[2].metric("worst relative error, cast to float64", error_text(check.worst))
else:
    metrics[1].metric("worst relative error", error_text(check.worst))
    metrics[2].metric("step h", step_label(h))
st.caption(
    summary(check)
    if naive is None
    else f"**Naive:** {summary(naive)} **Cast to float64:** {summary(check)}"
)
note = undefined_note(check, labels)
if note:
    st.warning(note, icon=":material/straighten:")
classroom.chart(
    relative_error_figure(
        labels=labels,
        errors=check.relative_error,
        naive_errors=None if naive is None else naive.relative_error,
    ),
    key="gc_errors",
    width="stretch",
)
results = results_frame(check=check, naive=naive, labels=labels)
st.dataframe(
    results,
    hide_index=True,
    height="content",
    column_config={
        c: st.column_config.TextColumn(c, width=w)
        for c, w in results_column_widths(results).items()
    },
    key="gc_results",
)
download_csv(partial(frame_csv, results), file_name=f"xent-gradcheck-{loss}.csv", key="gc_download")
st.caption(
    "Every digit float64 holds. An element whose gradient is tiny next to L sits higher "
    "(rounding costs about ε·|L|/h in absolute terms, ε ≈ 2.2·10⁻¹⁶ being float64's rounding "
    "step), and so does a probability near 0, where "
    "−log p bends sharply within the step."
)

# ---------------------------------------------------------------- the step h
st.divider()
st.header("Choosing the step h: truncation against rounding")
chart, words = st.columns([3, 2], gap="large")
with chart:
    classroom.chart(step_sweep_figure(sweep=sweep, h=h), key="gc_sweep", width="stretch")
with words:
    st.latex(TRADE_OFF)
    st.markdown(
        "A **big** step measures the slope of a curve that bends within the step: the error "
        "of the central difference falls as **h²** (the h terms cancel). A **tiny** step "
        "subtracts two nearly equal losses, each rounded to about 16 digits: that error "
        "grows as **1/h**. The best step sits near the cube root of float64's rounding "
        "step ε (∛ε ≈ 10⁻⁵), where "
        f"{threshold_label(EXPECTED_RELATIVE_ERROR)} is the usual agreement."
    )
    best = best_step(sweep)
    if best is not None:
        st.caption(
            f"For these inputs the smallest worst error is at h = {step_label(best)}. "
            "The chosen h is ringed."
        )
