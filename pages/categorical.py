"""Categorical cross-entropy: an editable table of predictions, its losses, one row up close.

Read widgets -> the table model (ui.model.categorical_table, ui.model.categorical_state)
-> the numbers (ui.model.categorical_results, from xent_core) -> words and figures -> draw.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from deep_links import ensure_router
from ui.figures.categorical import gradient_figure, prediction_figure
from ui.files.tables import (
    CATEGORICAL_EXAMPLE,
    CATEGORICAL_HELP,
    TableFile,
    categorical_csv,
    read_categorical_csv,
    upload_note,
)
from ui.model import categorical_state as state
from ui.model import params
from ui.model.categorical_results import MODES, infinite_loss_causes, results_frame, row_view
from ui.model.categorical_results import table_losses as compute_losses
from ui.model.categorical_table import (
    MAX_CLASSES,
    MIN_CLASSES,
    TARGET,
    TARGET_LABEL,
    class_name_problems,
    parse_table,
)
from ui.model.cells import MAX_ROWS
from ui.text.categorical import (
    formulas,
    gradient_names,
    left_out_words,
    logit_gradient_words,
    logits_origin_words,
    mean_words,
    name_md,
    probability_gradient_words,
    row_choice,
    target_label,
    weight_sum_terms,
    zero_probability_warning,
)
from ui.text.numbers import full
from ui.widgets import classroom, url_state
from ui.widgets.table_files import download_csv, forget, upload_csv
from ui.widgets.tables import show_problems, too_many_rows
from xent_core import ARTICLE_CATEGORICAL_CLASSES

ensure_router()

MODE = params.Param("input", "probabilities", params.choice(MODES))
SMOOTHING = params.Param("smoothing", 0.0, params.number(0.0, 1.0), "{:g}".format)
WEIGHTS = params.Param(
    state.WEIGHTS,
    (1.0,) * len(ARTICLE_CATEGORICAL_CLASSES),
    params.number_list(MIN_CLASSES, MAX_CLASSES, 0.0, 100.0),
    params.format_numbers,
)
ROW = params.Param("row", 1, params.integer(1, MAX_ROWS))
PARAMS = (MODE, SMOOTHING, WEIGHTS, ROW)
UPLOAD = "cat_upload"

ss = st.session_state


def load_file(loaded: TableFile) -> str:
    """An uploaded file's classes and rows become the table (a file chooser's callback)."""
    names = loaded.columns[1:]
    state.load_table(ss, names, loaded.rows)
    if ss.get(ROW.key, 1) > len(loaded):
        ss[ROW.key] = 1
    classes = ", ".join(f"“{name_md(name)}”" for name in names)
    mode = ss.get(MODE.key, MODE.default)
    return upload_note(
        loaded,
        "the table",
        f" {len(names)} classes: {classes}; the class cells are read as {mode} (the switch above).",
    )


def reset_table() -> None:
    """The reset button: the article's table again, and no note about an uploaded file."""
    state.reset_table(ss)
    forget(UPLOAD)


url_state.restore(PARAMS)
st.title("Categorical cross-entropy")
st.markdown(
    "Each row is one example: the model's probability for every class and the **true class**. "
    "Its loss is $-\\log p$ of the true class, so a confident right answer costs almost "
    "nothing and a confident wrong one costs a lot. Edit any cell (double-click it), add a "
    "row (the empty line at the bottom), delete rows (tick them, press Delete) and watch "
    "the losses."
)
url_state.show_notes()
if note := state.init(ss):
    st.warning(note, icon="🔗")
kept = state.keeper(ss)
kept.start()  # edits made before a visit to another page, or before a paste was folded
for message, icon in state.pop_flashes(ss):
    st.toast(message, icon=icon)  # a toast: the layout below does not move

table = kept.base
ids, names = table.ids, table.names

# ------------------------------------------------------------------------ settings

settings = st.columns([1.1, 1.3, 2.2], gap="large")
with settings[0]:
    mode = st.radio(
        "The class cells hold",
        MODES,
        key=MODE.key,
        horizontal=True,
        help="Logits are any real numbers; the softmax turns each row into probabilities.",
    )
with settings[1]:
    smoothing = st.slider(
        "Label smoothing ε",
        0.0,
        1.0,
        step=0.01,
        key=SMOOTHING.key,
        help="Mixes the one-hot target with the uniform distribution: t′ = (1 − ε)t + ε/C.",
    )
with settings[2]:
    with st.expander("Class weights w (one per class)"):
        weight_columns = st.columns(min(len(ids), 5))
        weights = tuple(
            float(
                weight_columns[j % len(weight_columns)].number_input(
                    f"w_{name_md(name)}",
                    min_value=0.0,
                    max_value=100.0,
                    step=0.5,
                    key=state.weight_key(column),
                )
            )
            for j, (column, name) in enumerate(zip(ids, names, strict=True))
        )
ss[WEIGHTS.key] = weights
weighted = any(w != 1.0 for w in weights)
settings_now = dict(mode=mode, weights=weights, smoothing=smoothing)

with st.expander(f"Classes: rename, add, remove ({MIN_CLASSES} to {MAX_CLASSES})"):
    name_columns = st.columns(min(len(ids), 5))
    for j, column in enumerate(ids):
        name_columns[j % len(name_columns)].text_input(
            f"Class {j + 1}",
            key=state.name_key(column),
            on_change=state.rename_classes,
            args=(ss,),
        )
    if name_problems := class_name_problems(state.typed_names(ss)):
        st.error(
            "\n".join(f"- {p}" for p in name_problems)
            + "\n\nThe table keeps the names "
            + ", ".join(f"“{name_md(n)}”" for n in names)
            + " until these are fixed.",
            icon=":material/edit:",
        )
    add_col, remove_col, remove_button_col = st.columns(3, vertical_alignment="bottom")
    add_col.button(
        "Add a class",
        key="cat_add_class",
        icon=":material/add:",
        on_click=state.add_class,
        args=(ss,),
        disabled=len(ids) >= MAX_CLASSES,
        help=f"At most {MAX_CLASSES} classes.",
    )
    remove_col.selectbox(
        "Class to remove", ids, key=state.REMOVE_WHICH, format_func=lambda c: names[ids.index(c)]
    )
    remove_button_col.button(
        "Remove it",
        key="cat_remove_class",
        icon=":material/remove:",
        on_click=state.remove_class,
        args=(ss,),
        disabled=len(ids) <= MIN_CLASSES,
        help=f"At least {MIN_CLASSES} classes.",
    )

# --------------------------------------------------------------------------- table

# The configuration must not depend on the mode: a changed one makes a new editor, and
# the student's pending edits would be lost on switching modes.
column_config = {
    TARGET: st.column_config.SelectboxColumn(
        TARGET_LABEL, options=names, help="The class this example really belongs to."
    ),
    **{
        column: st.column_config.TextColumn(
            name,
            help=f"{name_md(name)}: a probability in [0, 1] (in logits mode: any real number)",
        )
        for column, name in zip(ids, names, strict=True)
    },
}
table_col, result_col = st.columns([3, 2] if mode == "probabilities" else [1, 1], gap="medium")
with table_col:
    st.markdown("**Predictions** (editable)")
    edited = st.container(key="cat_table").data_editor(
        table.frame,
        key=kept.key,
        num_rows="dynamic",
        hide_index=True,
        column_config=column_config,
        column_order=[TARGET, *ids],
    )
kept.finish(edited)  # kept for a visit to another page; a paste folded in once
if too_many_rows(edited):
    url_state.publish(PARAMS)
    st.stop()

parsed = parse_table(table, edited, probabilities=mode == "probabilities")
losses = compute_losses(parsed, **settings_now)
n_rows = parsed.n_rows
if n_rows == 0:
    st.info("The table is empty: add a row (the empty line at its bottom), or reset it.")
with result_col:
    st.markdown(
        "**Per-row loss** (read-only)"
        if mode == "probabilities"
        else "**Per-row loss and softmax p** (read-only)"
    )
    st.dataframe(
        results_frame(losses, names, mode=mode),
        hide_index=True,
        key="cat_results",
        column_config={"row": st.column_config.NumberColumn(width="small")},
    )

show_problems(parsed.cell_problems, "Some cells cannot be used")
show_problems(parsed.sum_problems, "Each row must be a probability distribution (add up to 1)")

with st.container(horizontal=True):
    if mode == "probabilities":
        st.button(
            "Normalise rows",
            key="cat_normalise",
            icon=":material/balance:",
            on_click=state.normalise_rows,
            args=(ss,),
            disabled=not parsed.sum_problems,
            help="Divide each row that does not add up to 1 by its sum (xent_core.normalize_rows).",
        )
    st.button(
        "Reset to the article's table",
        key="cat_reset",
        icon=":material/restart_alt:",
        on_click=reset_table,
        help="The article's 4 × 3 table: panda, seal, duck.",
    )
    download_csv(
        partial(categorical_csv, edited, ids=ids, names=names, loss=losses.per_row, target=TARGET),
        file_name=f"xent-categorical-{'p' if mode == 'probabilities' else 'z'}.csv",
        key="cat_download",
    )
upload_csv(
    key=UPLOAD,
    read=read_categorical_csv,
    load=load_file,
    help=CATEGORICAL_HELP,
    example=CATEGORICAL_EXAMPLE,
)

if causes := infinite_loss_causes(parsed, losses, names):
    st.warning(zero_probability_warning(causes, smoothing), icon="♾️")

# -------------------------------------------------------------------------- totals

st.header("Totals")
if losses.total is not None:
    used = losses.n_used  # rows still being typed or fixed are left out, as on the binary page
    over = f"the {n_rows} rows" if used == n_rows else f"{used} of the {n_rows} rows"
    sum_col, mean_col = st.columns(2, gap="medium")
    sum_col.metric(f'Sum over {over} (reduction="sum")', full(losses.total))
    mean_label = (
        'Weighted mean (reduction="mean")' if weighted else f'Mean over {over} (reduction="mean")'
    )
    mean_col.metric(mean_label, full(losses.mean))
    if used < n_rows:
        st.caption(left_out_words(to_fix=parsed.bad_rows, blank=parsed.blank))
    st.markdown(
        mean_words(
            n_rows=used,
            weighted=weighted,
            divisor_terms=weight_sum_terms(names, parsed.labels[parsed.valid], weights),
        )
    )
    if losses.mean_undefined:
        st.warning(
            "Every row's true class has weight 0, so the weighted mean divides 0 by 0: "
            "it is undefined. Give at least one of those classes a positive weight."
        )
elif n_rows:
    st.info(
        "The sum and the mean need at least one usable row: fix the cells listed above "
        f"({len(parsed.bad_rows | parsed.blank)} row(s) cannot be used yet).",
        icon=":material/info:",
    )

# ---------------------------------------------------------------- one row up close

st.header("One row up close")
if n_rows:
    if ss[ROW.key] not in range(1, n_rows + 1):
        st.warning(f"There is no row {ss[ROW.key]} (the table has {n_rows}); showing row 1.")
        ss[ROW.key] = 1
    # Set again every run: the menu shows "Row 1: true class panda", and the browser keeps the
    # text it showed when only the label changes (a class renamed, a true class picked, a
    # file uploaded); a value set by the script is redrawn with the current label.
    ss[ROW.key] = ss[ROW.key]
    picker, _ = st.columns([1, 2])
    row = picker.selectbox(
        "Row",
        list(range(1, n_rows + 1)),
        key=ROW.key,
        format_func=lambda r: row_choice(r, edited[TARGET].iloc[r - 1]),
    )
    if row in parsed.blank:
        st.info(
            f"Row {row} is empty: choose its true class and type its "
            f"{'probabilities' if mode == 'probabilities' else 'logits'}; its charts appear then."
        )
    elif row in parsed.bad_rows:
        st.info(f"Row {row} has cells to fix (listed above); its charts appear once it is valid.")
    else:
        view = row_view(parsed, losses, row - 1, **settings_now)
        grad_z_name, grad_p_name = gradient_names(weighted=weighted, smoothing=smoothing)
        t_name = "t′" if smoothing > 0 else "t"
        left, middle, right = st.columns([1.5, 1.5, 1.2], gap="medium")
        with left:
            st.markdown(f"**Row {row}: predicted p against the target {t_name}**")
            classroom.chart(
                prediction_figure(
                    classes=names,
                    p=view.p,
                    t=view.t,
                    target=view.label,
                    target_label=target_label(smoothing),
                ),
                key="cat_row_figure",
            )
            st.markdown(f"**Row {row}: gradient {grad_p_name}** (each p on its own)")
            if view.grad_p_finite:
                classroom.chart(
                    gradient_figure(
                        classes=names,
                        grad=view.grad_p,
                        wrt="probabilities",
                        name=grad_p_name,
                        height=260,
                    ),
                    key="cat_grad_p_figure",
                )
            else:
                st.warning(
                    f"Row {row}: a class with a positive target has p = 0, and ∂L/∂p divides "
                    "by p, so it is infinite there: there is no finite gradient ∂L/∂p to draw. "
                    f"{grad_z_name} beside it stays finite."
                )
            st.caption(probability_gradient_words(weighted=weighted, smoothing=smoothing))
        with middle:
            st.markdown(f"**Row {row}: gradient {grad_z_name}**")
            classroom.chart(
                gradient_figure(classes=names, grad=view.grad_z, name=grad_z_name),
                key="cat_grad_figure",
            )
            st.caption(
                f'{logits_origin_words(mode)} This row alone (reduction="none"). '
                + logit_gradient_words(smoothing, names[view.label] if weighted else None)
            )
        with right:
            st.markdown("**The formulas**")
            for line in formulas(mode=mode, weighted=weighted, smoothing=smoothing):
                st.latex(line)

url_state.publish(PARAMS)
