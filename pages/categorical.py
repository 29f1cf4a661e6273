"""Categorical cross-entropy: an editable table of predictions, its losses, one row up close.

Read widgets -> parse the table (ui.tables) -> xent_core -> figures (ui.categorical_figures).
The table is text, kept exactly as typed; class columns have stable ids (c0, c1, …) and
the class names are their labels, so renaming a class never loses an edit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

import xent_core as xc
from deep_links import ensure_router
from ui import url_state
from ui.categorical_figures import (
    MAX_CLASSES,
    MIN_CLASSES,
    SEED_CLASSES,
    TARGET,
    add_class_column,
    apply_edits,
    class_column_id,
    class_name_problems,
    format_loss,
    gradient_figure,
    parse_targets,
    prediction_figure,
    remove_class_column,
    rename_targets,
    seed_table,
    weight_sum_terms,
)
from ui.tables import (
    MAX_ROWS,
    parse_numbers,
    row_sum_problems,
    show_problems,
    too_many_rows,
)

ensure_router()

MODES = ("probabilities", "logits")
MODE = url_state.Param("input", "probabilities", url_state.choice(MODES))
SMOOTHING = url_state.Param("smoothing", 0.0, url_state.number(0.0, 1.0), "{:g}".format)
WEIGHTS = url_state.Param(
    "weights",
    (1.0,) * len(SEED_CLASSES),
    url_state.number_list(MIN_CLASSES, MAX_CLASSES, 0.0, 100.0),
    url_state.format_numbers,
)
ROW = url_state.Param("row", 1, url_state.integer(1, MAX_ROWS))
PARAMS = (MODE, SMOOTHING, WEIGHTS, ROW)

# Session state of this page (widget keys are next to their widgets).
BASE = "cat_base"  # the table as last folded: text cells, `target` + one column per class
IDS = "cat_ids"  # the class columns' ids, in order
NAMES = "cat_names"  # the class names in use (the last valid ones)
NEXT_ID = "cat_next_id"  # number of the next class id
VERSION = "cat_table_version"  # bumped whenever BASE is replaced: a fresh editor
FLASH = "cat_flash"  # messages from a button, shown as toasts on the next run
REMOVE_WHICH = "cat_remove_which"

ss = st.session_state


def editor_key() -> str:
    return f"cat_editor_{ss[VERSION]}"


def name_key(column: str) -> str:
    return f"cat_name_{column}"


def weight_key(column: str) -> str:
    return f"cat_w_{column}"


def init_state() -> None:
    if BASE not in ss:
        ss[BASE] = seed_table()
        ss[IDS] = [class_column_id(j) for j in range(len(SEED_CLASSES))]
        ss[NAMES] = list(SEED_CLASSES)
        ss[NEXT_ID] = len(SEED_CLASSES)
        ss[VERSION] = 0
    if len(ss[WEIGHTS.key]) != len(ss[IDS]):
        st.warning(
            f"Link setting `weights={url_state.format_numbers(ss[WEIGHTS.key])}` lists "
            f"{len(ss[WEIGHTS.key])} weights but the table has {len(ss[IDS])} classes; "
            "using weight 1 for every class.",
            icon="🔗",
        )
        ss[WEIGHTS.key] = (1.0,) * len(ss[IDS])
    for column, name, weight in zip(ss[IDS], ss[NAMES], ss[WEIGHTS.key], strict=True):
        ss.setdefault(name_key(column), name)
        ss.setdefault(weight_key(column), float(weight))


# ------------------------------------------------------------------- button callbacks
# Callbacks run before the script, so they may set widget values. Each one folds the
# editor's pending edits into the base table first, then replaces the table.


def folded_table() -> pd.DataFrame:
    return apply_edits(ss[BASE], ss.get(editor_key()))


def replace_table(frame: pd.DataFrame) -> None:
    ss[BASE] = frame
    ss[VERSION] += 1  # a new editor key: the old editing state cannot come back


def flash(message: str, icon: str) -> None:
    ss.setdefault(FLASH, []).append((message, icon))


def add_class() -> None:
    if len(ss[IDS]) >= MAX_CLASSES:
        return
    column = class_column_id(ss[NEXT_ID])
    number = len(ss[IDS]) + 1
    while f"class {number}" in ss[NAMES]:
        number += 1
    name = f"class {number}"
    replace_table(add_class_column(folded_table(), column, fill="0"))
    ss[NEXT_ID] += 1
    ss[IDS] = [*ss[IDS], column]
    ss[NAMES] = [*ss[NAMES], name]
    ss[WEIGHTS.key] = (*ss[WEIGHTS.key], 1.0)
    ss[name_key(column)] = name
    ss[weight_key(column)] = 1.0
    flash(f"Added the class “{name}” with 0 in every row; rename it above.", ":material/add:")


def remove_class() -> None:
    column = ss.get(REMOVE_WHICH)
    if len(ss[IDS]) <= MIN_CLASSES or column not in ss[IDS]:
        return
    j = ss[IDS].index(column)
    name = ss[NAMES][j]
    replace_table(remove_class_column(folded_table(), column, name))
    ss[IDS] = [c for c in ss[IDS] if c != column]
    ss[NAMES] = [n for k, n in enumerate(ss[NAMES]) if k != j]
    ss[WEIGHTS.key] = tuple(w for k, w in enumerate(ss[WEIGHTS.key]) if k != j)
    del ss[REMOVE_WHICH]
    flash(
        f"Removed the class “{name}”. Rows whose true class was {name} need a new one, "
        "and rows may no longer add up to 1.",
        ":material/remove:",
    )


def rename_classes() -> None:
    new = [ss[name_key(column)].strip() for column in ss[IDS]]
    if class_name_problems(new):
        return  # the page shows what is wrong; the table keeps the last valid names
    renames = {old: name for old, name in zip(ss[NAMES], new, strict=True) if old != name}
    if renames:
        replace_table(rename_targets(folded_table(), renames))
        ss[NAMES] = new


def normalise_rows() -> None:
    frame = folded_table()
    names = ss[NAMES]
    values, _ = parse_numbers(
        frame.rename(columns=dict(zip(ss[IDS], names, strict=True))), names, 0.0, 1.0
    )
    fixed, failed = [], []
    for problem in row_sum_problems(values):
        i = problem.row - 1
        try:
            row = xc.normalize_rows(values[i])
        except ValueError:
            failed.append(problem.row)
            continue
        for column, value in zip(ss[IDS], row, strict=True):
            frame.at[i, column] = repr(float(value))
        fixed.append(problem.row)
    replace_table(frame)
    if fixed:
        flash(
            f"Normalised row(s) {', '.join(map(str, fixed))}: each now sums to 1.",
            ":material/balance:",
        )
    if failed:
        flash(
            f"Row(s) {', '.join(map(str, failed))} add up to 0: there is nothing to scale. "
            "Type at least one positive probability.",
            ":material/error:",
        )


def reset_table() -> None:
    ss[IDS] = [class_column_id(j) for j in range(len(SEED_CLASSES))]
    ss[NAMES] = list(SEED_CLASSES)
    ss[NEXT_ID] = len(SEED_CLASSES)
    ss[WEIGHTS.key] = (1.0,) * len(SEED_CLASSES)
    for column, name in zip(ss[IDS], SEED_CLASSES, strict=True):
        ss[name_key(column)] = name
        ss[weight_key(column)] = 1.0
    replace_table(seed_table())


def logit_gradient_words(smoothing: float, weighted_class: str | None) -> str:
    """What the bars of ∂L/∂z are, in words, for the current ε and class weights."""
    words = (
        "A gradient step moves each logit against its bar: the true class (negative bar) "
        "goes up, the others go down."
    )
    if smoothing > 0:
        words += f" With ε = {smoothing:g} the target is smoothed to t′ = (1 − ε)t + ε/C"
        words += " and the bars are p − t′." if weighted_class is None else "."
    if weighted_class is not None and smoothing == 0:
        words += f" The class weight w_{weighted_class} of the true class scales every bar."
    elif weighted_class is not None:
        words += (
            " With class weights too, the bars are (Σ_c A_c) p − A, where A_c is the "
            "coefficient of −log p_c in the formula for L_i."
        )
    return words


# ------------------------------------------------------------------------------ page

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
init_state()
for message, icon in ss.pop(FLASH, []):
    st.toast(message, icon=icon)  # a toast: the layout below does not move

ids: list[str] = ss[IDS]
names: list[str] = ss[NAMES]
n_classes = len(ids)

settings = st.columns([1.1, 1.3, 2.2], gap="large")
with settings[0]:
    mode = st.radio(
        "The class cells hold",
        MODES,
        key=MODE.key,
        horizontal=True,
        help="Logits are any real numbers; the softmax turns each row into probabilities.",
    )
probabilities = mode == "probabilities"
with settings[1]:
    smoothing = st.slider(
        "Label smoothing ε",
        0.0,
        1.0,
        step=0.01,
        key=SMOOTHING.key,
        disabled=probabilities,
        help="Mixes the one-hot target with the uniform distribution: t′ = (1 − ε)t + ε/C.",
    )
with settings[2]:
    with st.expander("Class weights w (one per class)"):
        weight_columns = st.columns(min(n_classes, 5))
        weights = []
        for j, (column, name) in enumerate(zip(ids, names, strict=True)):
            with weight_columns[j % len(weight_columns)]:
                weights.append(
                    st.number_input(
                        f"w_{name}",
                        min_value=0.0,
                        max_value=100.0,
                        step=0.5,
                        key=weight_key(column),
                        disabled=probabilities,
                    )
                )
ss[WEIGHTS.key] = tuple(float(w) for w in weights)
weighted = any(w != 1.0 for w in weights)

with st.expander(f"Classes: rename, add, remove ({MIN_CLASSES} to {MAX_CLASSES})"):
    name_columns = st.columns(min(n_classes, 5))
    for j, column in enumerate(ids):
        with name_columns[j % len(name_columns)]:
            st.text_input(f"Class {j + 1}", key=name_key(column), on_change=rename_classes)
    typed = [ss[name_key(column)] for column in ids]
    name_problems = class_name_problems(typed)
    if name_problems:
        st.error(
            "\n".join(f"- {p}" for p in name_problems)
            + "\n\nThe table keeps the names "
            + ", ".join(f"“{n}”" for n in names)
            + " until these are fixed.",
            icon=":material/edit:",
        )
    add_col, remove_col, remove_button_col = st.columns([1, 1, 1], vertical_alignment="bottom")
    with add_col:
        st.button(
            "Add a class",
            key="cat_add_class",
            icon=":material/add:",
            on_click=add_class,
            disabled=n_classes >= MAX_CLASSES,
            help=f"At most {MAX_CLASSES} classes.",
        )
    with remove_col:
        st.selectbox(
            "Class to remove",
            ids,
            key=REMOVE_WHICH,
            format_func=lambda c: names[ids.index(c)],
        )
    with remove_button_col:
        st.button(
            "Remove it",
            key="cat_remove_class",
            icon=":material/remove:",
            on_click=remove_class,
            disabled=n_classes <= MIN_CLASSES,
            help=f"At least {MIN_CLASSES} classes.",
        )

if probabilities and (weighted or smoothing > 0):
    st.info(
        "Class weights and label smoothing act on **logits** on this page: switch "
        "*The class cells hold* to **logits** to use them. The losses below use "
        "neither.",
        icon=":material/info:",
    )

# The configuration must not depend on the mode: a changed one makes a new editor, and
# the student's pending edits would be lost on switching modes.
column_config = {
    TARGET: st.column_config.SelectboxColumn(
        "true class", options=names, help="The class this example really belongs to."
    ),
    **{
        column: st.column_config.TextColumn(
            name, help=f"{name}: a probability in [0, 1] (in logits mode: any real number)"
        )
        for column, name in zip(ids, names, strict=True)
    },
}

table_col, result_col = st.columns([3, 2] if probabilities else [1, 1], gap="medium")
with table_col:
    st.markdown("**Predictions** (editable)")
    edited = st.container(key="cat_table").data_editor(
        ss[BASE],
        key=editor_key(),
        num_rows="dynamic",
        hide_index=True,
        column_config=column_config,
        column_order=[TARGET, *ids],
    )

if too_many_rows(edited):
    url_state.publish(PARAMS)
    st.stop()
n_rows = len(edited)
if n_rows == 0:
    st.info("The table is empty: add a row (the empty line at its bottom), or reset it.")

values, problems = parse_numbers(
    edited.rename(columns=dict(zip(ids, names, strict=True))),
    names,
    0.0 if probabilities else None,
    1.0 if probabilities else None,
)
labels, target_problems = parse_targets(edited, names)
sum_problems = row_sum_problems(values) if probabilities else []
bad_rows = {p.row for p in [*problems, *target_problems, *sum_problems]}
valid = np.array([i for i in range(n_rows) if i + 1 not in bad_rows], dtype=np.intp)
all_valid = n_rows > 0 and len(valid) == n_rows
weight_arg = weights if not probabilities else None


def losses(reduction: str):
    """The loss of the valid rows under ``reduction``, from xent_core."""
    if probabilities:
        return xc.categorical_cross_entropy(labels[valid], values[valid], reduction)
    return xc.softmax_cross_entropy(
        labels[valid],
        values[valid],
        reduction,
        weight=weight_arg,
        label_smoothing=smoothing,
    )


per_row = losses("none") if len(valid) else np.array([])
softmax_p = xc.softmax(values[valid]) if len(valid) and not probabilities else None

# The read-only results beside the table, one line per table row.
loss_text = ["—"] * n_rows
p_text = [["—"] * n_classes for _ in range(n_rows)]
for k, i in enumerate(valid):
    loss_text[i] = format_loss(per_row[k])
    if softmax_p is not None:
        p_text[i] = [f"{v:.4f}" for v in softmax_p[k]]
results = {"row": list(range(1, n_rows + 1)), "loss L_i": loss_text}
if not probabilities:
    for j, name in enumerate(names):
        results[f"p({name})"] = [row[j] for row in p_text]
with result_col:
    st.markdown(
        "**Per-row loss** (read-only)"
        if probabilities
        else "**Per-row loss and softmax p** (read-only)"
    )
    st.dataframe(
        pd.DataFrame(results),
        hide_index=True,
        key="cat_results",
        column_config={"row": st.column_config.NumberColumn(width="small")},
    )

show_problems([*target_problems, *problems], "Some cells cannot be used")
if sum_problems:
    show_problems(sum_problems, "Each row must be a probability distribution (add up to 1)")

with st.container(horizontal=True):
    if probabilities:
        st.button(
            "Normalise rows",
            key="cat_normalise",
            icon=":material/balance:",
            on_click=normalise_rows,
            disabled=not sum_problems,
            help="Divide each row that does not add up to 1 by its sum (xent_core.normalize_rows).",
        )
    st.button(
        "Reset to the seed table",
        key="cat_reset",
        icon=":material/restart_alt:",
        on_click=reset_table,
        help="The article's 4 × 3 table: panda, seal, duck.",
    )

infinite = [int(i) + 1 for k, i in enumerate(valid) if per_row[k] == np.inf]
if infinite:
    st.warning(
        f"Row(s) {', '.join(map(str, infinite))}: the true class has probability 0, and "
        "−log 0 = +∞, so the loss is **∞** (and so are the sum and the mean). "
        "Cross-entropy punishes a model that is certain and wrong without limit; "
        "frameworks clip p to [ε, 1 − ε] or work from logits to stay finite.",
        icon="♾️",
    )

# ------------------------------------------------------------------------- totals

st.subheader("Totals")
if all_valid:
    total = losses("sum")
    mean = losses("mean")
    sum_col, mean_col = st.columns(2, gap="medium")
    words_col = st.container()
    sum_col.metric(f'Sum over the {n_rows} rows (reduction="sum")', format_loss(total))
    if weighted and not probabilities:
        mean_col.metric('Weighted mean (reduction="mean")', format_loss(mean))
        words_col.markdown(
            "**How the weighted mean divides.** Each row's loss is multiplied by the weight "
            "of its *true* class, and the mean divides the sum not by the number of rows but "
            "by the total weight of the rows' true classes, $\\sum_i w_{y_i}$ = "
            f"{weight_sum_terms(names, labels, weights)} (as PyTorch's `cross_entropy` "
            "does). So it is a weighted average: heavy classes count more, and the mean "
            "stays a typical per-row loss."
        )
    else:
        mean_col.metric(f'Mean over the {n_rows} rows (reduction="mean")', format_loss(mean))
        words_col.markdown(
            f"The **sum** adds the {n_rows} per-row losses (the seed article reports it); the "
            f"**mean** divides that sum by {n_rows}, the number of rows (the frameworks' "
            "default). With class weights (logits mode) the mean divides by the total weight "
            "of the rows' true classes instead."
        )
    if math.isnan(mean):  # every true class has weight 0
        st.warning(
            "Every row's true class has weight 0, so the weighted mean divides 0 by 0: "
            "it is undefined. Give at least one of those classes a positive weight."
        )
elif n_rows:
    st.info(
        f"The sum and the mean need every row: fix the cells listed above "
        f"({len(bad_rows)} row(s) cannot be used yet).",
        icon=":material/info:",
    )

# -------------------------------------------------------------------- one row up close

st.subheader("One row up close")
if n_rows:
    if ss[ROW.key] not in range(1, n_rows + 1):
        st.warning(f"There is no row {ss[ROW.key]} (the table has {n_rows}); showing row 1.")
        ss[ROW.key] = 1
    picker, _ = st.columns([1, 2])
    row = picker.selectbox(
        "Row",
        list(range(1, n_rows + 1)),
        key=ROW.key,
        format_func=lambda r: f"Row {r}: true class {edited[TARGET].iloc[r - 1] or '—'}",
    )
    i = row - 1
    if row in bad_rows:
        st.info(f"Row {row} has cells to fix (listed above); its charts appear once it is valid.")
    else:
        k = int(np.flatnonzero(valid == i)[0])
        label = int(labels[i])
        p_row = values[i] if probabilities else softmax_p[k]
        t_row = xc.one_hot([label], n_classes)[0]
        if probabilities:
            grad = xc.categorical_cross_entropy_grad([label], values[[i]], "none")[0]
        else:
            grad = xc.softmax_cross_entropy_grad(
                [label], values[[i]], "none", weight=weight_arg, label_smoothing=smoothing
            )[0]
        left, middle, right = st.columns([1.5, 1.5, 1.2], gap="medium")
        with left:
            st.markdown(f"**Row {row}: predicted p against the target t**")
            st.plotly_chart(
                prediction_figure(
                    classes=names, p=p_row, t=t_row, target=label, target_label="t (one-hot target)"
                ),
                key="cat_row_figure",
            )
        with middle:
            plain = probabilities or not (weighted or smoothing > 0)
            grad_name = "∂L/∂p = −t/p" if probabilities else "∂L/∂z = p − t" if plain else "∂L/∂z"
            st.markdown(f'**Row {row}: gradient {grad_name}** (this row alone, reduction="none")')
            if np.isfinite(grad).all():
                st.plotly_chart(
                    gradient_figure(
                        classes=names,
                        grad=grad,
                        wrt="probabilities" if probabilities else "logits",
                        name=grad_name,
                    ),
                    key="cat_grad_figure",
                )
            else:
                st.warning(
                    f"Row {row}: p of the true class is 0, so ∂L/∂p = −1/0 is infinite; "
                    "there is no finite gradient to draw."
                )
            if probabilities:
                st.caption(
                    "With probabilities typed in, the gradient is ∂L/∂p = −t/p: only the true "
                    "class gets a push, the steeper the smaller its p. Switch to **logits** to "
                    "see the gradient through the softmax, p − t."
                )
            else:
                st.caption(logit_gradient_words(smoothing, names[label] if weighted else None))
        with right:
            st.markdown("**The formulas**")
            if probabilities:
                st.latex(r"L_i = -\sum_c t_{ic}\log p_{ic}")
                st.latex(r"\phantom{L_i} = -\log p_{i,y_i}")
                st.latex(r"\frac{\partial L_i}{\partial p_{ic}} = -\frac{t_{ic}}{p_{ic}}")
            else:
                st.latex(r"p_{ic} = \frac{e^{z_{ic}}}{\sum_k e^{z_{ik}}}")
                st.latex(
                    r"\begin{aligned}L_i &= (1-\varepsilon)\,w_{y_i}(-\log p_{i,y_i})\\"
                    r"&+ \tfrac{\varepsilon}{C}\textstyle\sum_c w_c(-\log p_{ic})\end{aligned}"
                )
                st.latex(r"\frac{\partial L_i}{\partial z_{ic}} = p_{ic} - t_{ic}")
            st.latex(r"\text{sum} = \sum_i L_i")
            if probabilities:
                st.latex(r"\text{mean} = \frac{1}{N}\sum_i L_i")
            else:
                st.latex(r"\text{mean} = \frac{\sum_i L_i}{\sum_i w_{y_i}}")

url_state.publish(PARAMS)
