"""Binary cross-entropy: the loss curve at one point, then the article's table of seven rows."""

import math
import sys
import time
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

import xent_core
from deep_links import ensure_router
from ui.figures.binary import (
    BARS_MARGIN,
    MISTAKE_LOSS,
    article_frame,
    confident_mistakes,
    loss_bars_figure,
    loss_curve_figure,
    overflowing_rows,
    results_frame,
)
from ui.files.tables import (
    BINARY_EXAMPLE,
    BINARY_HELP,
    TableFile,
    binary_csv,
    losses_by_row,
    read_binary_csv,
    upload_note,
)
from ui.model import params
from ui.model.binary_table import Batch, BatchLosses, Column, batch_losses, keeper, read_batch
from ui.model.table_keeper import KeptEditor
from ui.text.numbers import full, short
from ui.widgets import classroom, url_state
from ui.widgets.table_files import download_csv, forget, upload_csv
from ui.widgets.tables import show_problems, too_many_rows

SCALES = ("linear", "log")
TARGET_PX, VALUE_PX = 56, 80  # the editor's t and p columns
# z: the article's exact logits, e.g. −0.8472978603872037 (shorter would change the sum's last
# digits), whole at the grid's 13 px font; the tables then sit one under the other
LOGIT_PX = 150
ROW_PX, NOTE_PX = 48, 130  # the losses table's row number and note ("confident mistake")
PARAMS = [
    params.Param("p", 0.7, params.number(0.0, 1.0), "{:g}".format),
    params.Param("t", 1.0, params.number(0.0, 1.0), "{:g}".format),
    params.Param("yscale", "linear", params.choice(SCALES)),
    params.Param("logits", False, params.boolean, params.format_bool),
]

ensure_router()  # first: a cold shared link is handed to app.py (docs/deep-links.md)
url_state.restore(PARAMS)
st.title("Binary cross-entropy")
st.markdown(
    "One yes/no question, a predicted probability **p** that the answer is *yes*, and the "
    "true answer **t** (1 = yes, 0 = no, or a *soft* target in between). The loss is small "
    "when p agrees with t and grows without bound as a confident prediction turns out wrong."
)
url_state.show_notes()

# ---------------------------------------------------------------- one prediction
picture, side = st.columns([3, 2], gap="large")
with side:
    # two lines: on one it needs ~330 px, and at 1024 px this column has ~190 (it broke
    # after the +)
    st.latex(r"\begin{aligned} L(t, p) = &-t \log p \\ &-(1 - t) \log(1 - p) \end{aligned}")
    st.slider("predicted probability p", 0.0, 1.0, step=0.01, key="p")
    st.slider(
        "target t  (0 = no, 1 = yes, in between = soft target)",
        0.0,
        1.0,
        step=0.05,
        key="t",
    )
    st.radio("loss axis", SCALES, horizontal=True, key="yscale")
p, t = st.session_state["p"], st.session_state["t"]

loss = float(xent_core.binary_cross_entropy([t], [p], reduction="sum"))
dl_dp = float(xent_core.binary_cross_entropy_grad([t], [p], reduction="sum")[0])
z = float(xent_core.logit([p])[0])

with picture:
    classroom.chart(
        loss_curve_figure(p=p, t=t, yscale=st.session_state["yscale"]),
        key="bce_curve",
        width="stretch",
    )
with side:
    m1, m2 = st.columns(2)
    m1.metric(f"loss L(t={t:g}, p={p:g})", short(loss), help=f"exactly {full(loss)} nats")
    m2.metric("dL/dp", short(dl_dp), help=f"exactly {full(dl_dp)}")
    m3, m4 = st.columns(2)
    m3.metric("logit z = logit(p)", short(z), help=f"exactly {full(z)}")
    if math.isfinite(z):
        dl_dz = float(xent_core.binary_cross_entropy_with_logits_grad([t], [z], "sum")[0])
        m4.metric("dL/dz = σ(z) − t", short(dl_dz), help=f"exactly {full(dl_dz)}")
    else:
        m4.metric("dL/dz = σ(z) − t", "—", help="no finite z: see the note below")
    st.latex(r"\frac{\partial L}{\partial p} = -\frac{t}{p} + \frac{1 - t}{1 - p}")
    st.latex(r"p = \sigma(z) = \frac{1}{1 + e^{-z}}")
    st.latex(r"\frac{\partial L}{\partial z} = \sigma(z) - t")
    if math.isinf(loss):
        outcome, bound = ("yes", "> 0") if p == 0 else ("no", "< 1")
        st.warning(
            f"**Loss = ∞.** With p = {p:g} the model says *{outcome}* is impossible, yet "
            f"the target t = {t:g} {bound} says it happens: it was *certain* and wrong, and "
            "−log 0 = +∞. A sigmoid never outputs exactly 0 or 1, and frameworks clip p "
            "to [ε, 1 − ε].",
            icon="♾️",
        )
    if not math.isfinite(z):
        st.caption(
            f"p = {p:g} has no finite logit (z = {short(z)}): a sigmoid only reaches 0 or 1 "
            "in the limit, where dL/dz = σ(z) − t tends to p − t."
        )
    elif 0.0 < t < 1.0:
        floor = float(xent_core.binary_cross_entropy([t], [t], reduction="sum"))
        st.caption(
            f"A soft target never gets loss 0: the dashed curve is lowest at p = t = {t:g}, "
            f"where the loss is the entropy of t, {short(floor)} nats."
        )
    else:
        st.caption(
            "With a sigmoid output the gradient with respect to z is simply the error "
            "σ(z) − t: largest when the prediction is most wrong."
        )


# ---------------------------------------------------------------- the table
UPLOAD = "bce_upload"
FULL_RUN = "_bce_full_run"  # set by a run of the whole page, which runs the fragment inside it
# A table edit reruns the fragment alone: the sums go first, then this pause, then the losses
# table and the bar chart. Sent together, the browser draws them in one go and the sums wait
# for the new chart (~30-50 ms of its main thread in headless chromium); with the pause it
# paints them first (bench/README.md, "Load": the lone edit).
SUMS_FIRST_S = 0.05


def binary_table(column: Column) -> KeptEditor:
    """The table of t and p (or t and z), kept across reruns and pages."""
    return keeper(st.session_state, column, partial(article_frame, column))


def reset_table(column: Column) -> None:
    """The reset button: the article's table again, and no note about an uploaded file."""
    binary_table(column).reset()
    forget(UPLOAD)


def load_file(loaded: TableFile) -> str:
    """An uploaded file's rows become the p table, or the z table in logits mode."""
    column = loaded.columns[1]
    logits = column == "z"
    switched = st.session_state.get("logits", False) != logits
    st.session_state["logits"] = logits
    binary_table(column).replace(loaded.frame())
    mode = "logits mode: the file has a column z" if logits else "p: the file has a column p"
    return upload_note(loaded, f"the {column} table", f" Switched to {mode}." if switched else "")


def logits_note() -> None:
    """Logits mode: the stable formula, and where the z column comes from."""
    st.latex(
        r"L(t, z) = \max(z, 0) - z\,t + \log\bigl(1 + e^{-|z|}\bigr)"
        r"\quad\text{(the same loss as } L(t, \sigma(z))\text{, but never overflows)}"
    )
    st.caption(
        "The article's p values as their exact logits z = logit(p): the sum is the same "
        "4.460303459760249, computed without ever forming p."
    )


def table_editor(table: KeptEditor, column: Column) -> pd.DataFrame:
    """The editor of t and p (or t and z), kept across reruns and pages; what it returned."""
    edited = st.data_editor(
        table.frame,
        key=table.key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        # one-letter headers, their meaning in the help, and widths that fit this column at
        # 1024 px (~170 px with the row ticks): "t (target)" and "p (predicted)" were cut to
        # "t (targe…" and "p (pre…", and the grid scrolled sideways
        column_config={
            "t": st.column_config.TextColumn(
                "t",
                help="t, the target: 1 = yes, 0 = no, or a soft target in between",
                width=TARGET_PX,
            ),
            column: st.column_config.TextColumn(
                column,
                help="z, the logit: the model's raw score, any finite number (p = σ(z))"
                if column == "z"
                else "p, the predicted probability that the answer is yes, from 0 to 1",
                width=LOGIT_PX if column == "z" else VALUE_PX,
            ),
        },
    )
    table.finish(edited)  # kept for a visit to another page; a paste folded in once
    return edited


def table_controls(edited: pd.DataFrame, column: Column, loss: list[float]) -> None:
    """Under the editor: the reset and Download CSV buttons (the table as typed and each
    row's ``loss``), how to edit, and the file upload."""
    actions = st.container(horizontal=True)
    actions.button(
        "↺ Reset to the article's table", key="bce_reset", on_click=reset_table, args=(column,)
    )
    download_csv(
        partial(binary_csv, edited, column, loss),
        file_name=f"xent-binary-{column}.csv",
        key="bce_download",
        where=actions,
    )
    st.caption("Click a cell to type; add rows at the bottom, delete by ticking a row.")
    upload_csv(
        key=UPLOAD,
        read=read_binary_csv,
        load=load_file,
        help=BINARY_HELP,
        example=BINARY_EXAMPLE,
    )


def rows_left_out(batch: Batch) -> None:
    """The cells that cannot be used, and the rows left out of the sum because of them."""
    show_problems(batch.problems, "Some cells cannot be used")
    bad_rows = batch.bad_rows
    if bad_rows:
        st.warning(
            f"Row{'s' if len(bad_rows) > 1 else ''} {', '.join(map(str, bad_rows))} "
            f"{'are' if len(bad_rows) > 1 else 'is'} left out of the sum and mean until "
            "fixed.",
            icon="🚧",
        )


def losses_table(batch: Batch, losses: BatchLosses, mistakes: np.ndarray, logits: bool) -> None:
    """Each usable row's loss (and p = σ(z) in logits mode), confident mistakes noted."""
    st.dataframe(
        results_frame(batch.rows, losses.per_row, mistakes, losses.p if logits else None),
        key="bce_results",
        hide_index=True,
        width="stretch",
        # widths that fit the table in its column at 1024 px (~325 px); "medium" for the
        # note left "confident mistak" cut at the grid's edge
        column_config={
            "row": st.column_config.NumberColumn(width=ROW_PX),
            "note": st.column_config.TextColumn(width=NOTE_PX),
        },
    )


def totals(batch: Batch, losses: BatchLosses) -> None:
    """The sum and the mean with every digit, and why either is ∞ when it is."""
    rows, per_row, n = batch.rows, losses.per_row, len(batch.rows)
    of_all = "" if n == batch.n_rows else f" (of {batch.n_rows})"
    s1, s2, s3 = st.columns([2, 2, 1])
    s1.metric(
        f"sum over {n} rows{of_all}", full(losses.total), help="Σ L: the total the article reports"
    )
    s2.metric(f"mean = sum / {n}", full(losses.mean), help="Σ L / n: what most frameworks report")
    s3.caption(
        "Every digit a float64 holds (the 64-bit numbers computers calculate with). The article "
        "reports the sum; frameworks such as PyTorch the mean."
    )
    infinite = [r for r, v in zip(rows, per_row, strict=True) if math.isinf(v)]
    if infinite:
        st.warning(
            f"**Loss = ∞ in row{'s' if len(infinite) > 1 else ''} "
            f"{', '.join(map(str, infinite))}:** a prediction of exactly 0 or 1 that the target "
            "contradicts is certain and wrong, and −log 0 = +∞. One such row makes the sum and the "
            "mean ∞ too. A sigmoid never outputs exactly 0 or 1, which is one reason to work "
            "from logits.",
            icon="♾️",
        )
    elif math.isinf(losses.total) and (huge := overflowing_rows(rows, per_row)):
        st.warning(
            f"**Sum = ∞, yet no row's loss is:** the loss{'es' if len(huge) > 1 else ''} of "
            f"row{'s' if len(huge) > 1 else ''} {', '.join(map(str, huge))} "
            f"({', '.join(short(per_row[rows.index(r)], 3) for r in huge)} nats) add up past "
            f"the largest float64, {short(sys.float_info.max, 3)}, so the sum overflows to ∞ "
            "and so does the mean computed from it. Logits this far from 0 are confidently "
            "wrong beyond anything a trained model produces: try |z| below 1e300.",
            icon="♾️",
        )


def loss_bars(batch: Batch, losses: BatchLosses, mistakes: np.ndarray) -> None:
    """One bar per usable row, the confident mistakes in red, and what red means."""
    classroom.chart(
        loss_bars_figure(
            rows=batch.rows,
            loss=losses.per_row,
            mistake=mistakes,
            mean=losses.mean,
            margin=None if classroom.projecting() else BARS_MARGIN,
        ),
        key="bce_bars",
        width="stretch",
    )
    st.caption(
        "**Confident mistakes** (red): the prediction is on the wrong side of ½ and the loss is "
        f"above {MISTAKE_LOSS:g} nat — the model gave the true answer less than e⁻¹ ≈ 37 %. "
        "They dominate the sum: the log punishes being sure and wrong far more than being unsure."
    )


@st.fragment
def table_section() -> None:
    """The article's table, its losses and bars: a table edit reruns only this part.

    Read the editor -> read_batch -> batch_losses (xent_core) -> draw, the sums first.
    """
    alone = not st.session_state.pop(FULL_RUN, False)  # a table edit, not the page's run
    st.divider()
    st.header("A batch: the article's seven predictions")
    logits = st.toggle(
        "Logits mode: type the model's raw score z instead of p (p = σ(z), loss computed "
        "stably from z)",
        key="logits",
    )
    url_state.publish(PARAMS)
    column: Column = "z" if logits else "p"
    table = binary_table(column)
    table.start()
    if logits:
        logits_note()
    # Side by side for p; for z (wider numbers, and p beside each loss) one under the other,
    # so neither table is cut or scrolls at 1024 px
    editing, results = (
        (st.container(), st.container()) if logits else st.columns([4, 7], gap="large")
    )
    with editing:
        edited = table_editor(table, column)
        controls = st.container()
    # Every place is made in the page's order, then filled in the order a student waits for
    # them: the sum and the mean first, then the buttons, the losses table and the bar chart
    # (whose redraw in the browser would otherwise delay the sum's: bench/README.md, "Load").
    sums, bars = st.container(), st.container()
    with sums:
        if too_many_rows(edited):
            with controls:
                table_controls(edited, column, [math.nan] * len(edited))
            return
    batch = read_batch(edited, column)
    losses = batch_losses(batch, logits=logits) if batch.rows else None
    if losses is not None:
        with sums:
            totals(batch, losses)
    with controls:
        table_controls(
            edited,
            column,
            losses_by_row(len(edited), batch.rows, losses.per_row)
            if losses is not None
            else [math.nan] * len(edited),
        )
    if alone and losses is not None:
        time.sleep(SUMS_FIRST_S)  # the browser paints the sums before the table and the chart
    with results:
        rows_left_out(batch)
        if losses is None:
            st.info("No complete rows yet: type a target t and a prediction in a row.")
            return
        mistakes = confident_mistakes(batch.t, losses.p, losses.per_row)
        losses_table(batch, losses, mistakes, logits)
    with bars:
        loss_bars(batch, losses, mistakes)


st.session_state[FULL_RUN] = True
table_section()
