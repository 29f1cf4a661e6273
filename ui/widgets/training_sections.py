"""The Live training page's sections that are not redrawn while playing: the file chooser of
the Data tab, the costliest points, calibration, and export and share.

Each is a function that draws into the current container; the page decides where (a tab,
an expander) and whether (calibration and export only while their expander is open).
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from ui.figures.boundary import class_label
from ui.figures.training import AFTER_COLOR, reliability_figure, temperature_figure
from ui.files.points import FORMAT_HELP, UploadedPoints, placement_words
from ui.files.training_export import (
    config_link,
    file_stem,
    link_query,
    points_csv,
    usage_snippet,
    weights_npz,
)
from ui.model import training_controller as control
from ui.model.training import UPLOAD, Training
from ui.model.training_controller import PARAMS, POINTS, UPLOAD_ERROR, UPLOADER, State
from ui.text.calibration import MAX_BINS, MIN_BINS, calibration_metrics, calibration_verdict
from ui.text.quoting import quote_typed
from ui.widgets import classroom
from ui.widgets.training_live import BOUNDARY_PNG_PX, boundary_png

# --- your own data --------------------------------------------------------------------------


def show_upload(state: State) -> None:
    """The file chooser of the Data tab, what was read from the last file, or why not."""
    st.file_uploader(
        "CSV of labelled points",
        type=["csv", "txt", "tsv"],
        key=UPLOADER,
        on_change=control.uploaded,
        args=(state,),
        max_upload_size=1,  # MB; the parser refuses more than MAX_BYTES itself
        help=FORMAT_HELP,
    )
    if UPLOAD_ERROR in state:
        name, message = state[UPLOAD_ERROR]
        st.error(f"**{quote_typed(name, 40)}** cannot be used. {message}", icon=":material/error:")
    points: UploadedPoints | None = state.get(POINTS)
    if points is None:
        st.caption(FORMAT_HELP)
        return
    classes = ", ".join(
        f"{quote_typed(class_label(k, points.class_names), 30)}" for k in range(points.n_classes)
    )
    st.markdown(
        f"Training on **{quote_typed(points.file_name, 40)}**: {len(points):,} points, "
        f"{points.n_classes} classes ({classes})."
    )
    ignored = (
        f" Ignored column{'s' * (len(points.ignored_columns) > 1)}: "
        + ", ".join(points.ignored_columns)
        + "."
        if points.ignored_columns
        else ""
    )
    st.caption(placement_words(points) + ignored)


# --- the costliest points -------------------------------------------------------------------


def show_costliest(run: Training) -> None:
    """The ten training points with the largest loss now, as a table."""
    st.caption(
        f"At epoch {run.epoch:,} (refreshed when training pauses). The loss of a point is "
        "−log of the probability the network gives its true class: a confident mistake costs "
        "the most."
    )
    st.dataframe(
        [
            {
                **row,
                "class": class_label(row["class"], run.class_names),
                "predicted": class_label(row["predicted"], run.class_names),
            }
            for row in run.costliest_rows(10)
        ],
        hide_index=True,
        column_config={
            "x₁": st.column_config.NumberColumn(format="%.2f"),
            "x₂": st.column_config.NumberColumn(format="%.2f"),
            "p(class)": st.column_config.NumberColumn(format="%.4f"),
            "loss −log p(class)": st.column_config.NumberColumn(format="%.4f"),
        },
    )


# --- calibration ----------------------------------------------------------------------------


def show_calibration(run: Training, state: State) -> None:
    """Reliability before and after temperature scaling, and cross-entropy and ECE against τ."""
    st.slider(
        "Confidence bins",
        MIN_BINS,
        MAX_BINS,
        key="tr_bins",
        help="How many equal bins of [0, 1] the confidences are grouped into.",
    )
    cal = run.calibration(state["tr_bins"])
    st.caption(
        f"At epoch {cal.epoch:,}, on the {len(run.X_test):,} test points (refreshed when "
        "training pauses). τ* is fitted on these same held-out points, so the ECE after "
        "scaling is a little optimistic; in practice τ is fitted on a validation set."
    )
    for col, shown in zip(st.columns(4), calibration_metrics(cal), strict=True):
        col.metric(
            shown.label, shown.value, delta=shown.delta, delta_color="inverse", help=shown.help
        )
    st.markdown(calibration_verdict(cal))
    n_classes = run.setup.n_classes
    left_col, right_col = st.columns(2, gap="medium")
    classroom.chart(
        reliability_figure(
            **cal.before._asdict(),
            n_classes=n_classes,
            title=f"As trained (τ = 1) · ECE {cal.ece_before:.4f}",
        ),
        into=left_col,
        key="tr_reliability_before",
    )
    classroom.chart(
        reliability_figure(
            **cal.after._asdict(),
            n_classes=n_classes,
            title=f"Scaled by τ* = {cal.fit.temperature:.3g} · ECE {cal.ece_after:.4f}",
            color=AFTER_COLOR,
        ),
        into=right_col,
        key="tr_reliability_after",
    )
    chart_col, formula_col = st.columns([1.6, 1.0], gap="medium", vertical_alignment="center")
    classroom.chart(
        temperature_figure(
            temperatures=cal.fit.temperatures,
            cross_entropy=cal.fit.cross_entropies,
            ece=cal.ece_curve.ece,
            ce_temperature=cal.fit.temperature,
            ece_temperature=cal.ece_curve.temperature,
        ),
        into=chart_col,
        key="tr_temperature",
    )
    with formula_col:
        show_calibration_formulas()


def show_calibration_formulas() -> None:
    """τ scaling, τ* and the ECE as formulas, and what confidence and accuracy mean."""
    st.latex(r"p_i(\tau) = \operatorname{softmax}(z_i / \tau)")
    st.latex(r"\tau^* = \arg\min_{\tau > 0}\; -\frac{1}{N}\sum_{i=1}^{N} \log p_{i,y_i}(\tau)")
    st.latex(
        r"\mathrm{ECE} = \sum_{b=1}^{B} \frac{n_b}{N}\,"
        r"\big|\mathrm{acc}_b - \mathrm{conf}_b\big|"
    )
    st.caption(
        "Confidence is the top class's probability max p; a bin's accuracy is the share of "
        "its points whose top class is right. Dividing the logits by τ never changes the "
        "top class, so the accuracy stays; only how sure the network says it is changes. "
        "Bars under the diagonal: more confident than right."
    )


# --- export and share -----------------------------------------------------------------------


def show_export(run: Training, state: State) -> None:
    """Downloads of the network, the data and the picture, and a link to the settings."""
    running = control.running(state)
    stem = file_stem(dataset=run.setup.dataset, sizes=run.setup.sizes, epoch=run.epoch)
    weights_col, data_col, picture_col = st.columns(3, gap="medium")
    with weights_col:
        weights_download(run, stem, running=running)
    with data_col:
        points_download(run)
    with picture_col:
        picture_download(run, stem, running=running, test=state["tr_show_test"])
    st.markdown("**Link to this configuration** (point at it for the copy button)")
    st.code(
        config_link(st.context.url, link_query(PARAMS, state), path="training"),
        language=None,
        wrap_lines=True,
    )
    st.caption(
        "It opens this page with these data, network and training settings (not the "
        "weights: training starts again at epoch 0)."
        + (
            " It cannot carry your file: whoever opens it is asked to upload one."
            if run.setup.dataset == UPLOAD
            else ""
        )
    )
    st.markdown("**Using the downloaded network** in Python")
    if run.setup.features != ("x1", "x2"):
        names = ", ".join(f"`{name}`" for name in run.setup.features)
        st.caption(
            f"This network takes the input features {names}, in that order, not x1 and x2: "
            "the file names them in `features`, and the code below computes them from the "
            "point before W0 (as `xent_core.features(X, names)` does)."
        )
    st.code(usage_snippet(f"{stem}.npz", run.setup.activation), language="python")


def weights_download(run: Training, stem: str, *, running: bool) -> None:
    """The network's weights as ``<stem>.npz`` (made on a click; only while paused)."""
    upload = run.upload
    st.download_button(
        "Network weights (.npz)",
        data=partial(
            weights_npz,
            run.net,
            epoch=run.epoch,
            class_names=run.class_names,
            input_center=upload.center if upload else (0.0, 0.0),
            input_scale=upload.scale if upload else 1.0,
            features=run.setup.features,
        ),
        file_name=f"{stem}.npz",
        mime="application/octet-stream",
        key="tr_download_npz",
        icon=":material/download:",
        on_click="ignore",
        disabled=running,
        help="Pause first: the download holds the weights you see."
        if running
        else "W0, b0, W1, b1, … (layer k: h @ Wk + bk), sizes, activation, features, class_names.",
    )
    st.caption(
        ("**Pause to download.** " if running else "")
        + f"The network {run.setup.sizes} at epoch {run.epoch:,}, as `{stem}.npz`: arrays "
        "W0, b0, W1, b1, …, sizes, activation, features, class_names (numpy code below)."
    )


def points_download(run: Training) -> None:
    """The training and test points as a CSV that uploads back (made on a click)."""
    st.download_button(
        "Data points (.csv)",
        data=partial(
            points_csv,
            X_train=run.X_train,
            y_train=run.y_train,
            X_test=run.X_test,
            y_test=run.y_test,
            class_names=run.class_names,
        ),
        file_name=f"xent-{run.setup.dataset}-points.csv",
        mime="text/csv",
        key="tr_download_csv",
        icon=":material/download:",
        on_click="ignore",
        help="x1, x2, label, split (train or test); it uploads back as your own CSV.",
    )
    st.caption(
        f"{len(run.X_train):,} training and {len(run.X_test):,} test points as the network "
        "sees them (in the [-6, 6]² plane), every digit: x1, x2, label, split."
    )


def picture_download(run: Training, stem: str, *, running: bool, test: bool) -> None:
    """The boundary picture as a lossless PNG (made on a click; only while paused)."""
    st.download_button(
        "Decision boundary (.png)",
        data=partial(boundary_png, run, test=test),
        file_name=f"{stem}-boundary.png",
        mime="image/png",
        key="tr_download_png",
        icon=":material/download:",
        on_click="ignore",
        disabled=running,
        help="Pause first: the picture shows the network you see."
        if running
        else "The plane coloured by the network's class probabilities, with the points.",
    )
    st.caption(
        f"The boundary picture at epoch {run.epoch:,}, {BOUNDARY_PNG_PX} px square, "
        "lossless: for slides and notes."
    )
