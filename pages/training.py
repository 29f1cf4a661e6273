"""Live training: a small MLP learns a 2-D dataset while the student watches and steers.

Read the settings -> keep one ``Training`` per session (ui.model.training, over xent_core)
-> draw a frame (pictures from ui.figures.boundary, loss curve from ui.figures.training).
While playing, the script loops and redraws into ``st.empty`` placeholders; any widget
interaction interrupts the loop with a rerun, which picks the state up from session state.
"""

from __future__ import annotations

import dataclasses
import time
from functools import partial

import numpy as np
import streamlit as st
from PIL import Image
from streamlit.delta_generator import DeltaGenerator

import xent_core
from deep_links import ensure_router
from ui.figures import projector
from ui.figures.boundary import (
    boundary_picture,
    class_label,
    img_tag,
    jpeg_data_uri,
    live_html,
    png_bytes,
    units_picture,
)
from ui.figures.training import (
    AFTER_COLOR,
    loss_curve_figure,
    reliability_figure,
    temperature_figure,
)
from ui.files.points import (
    FORMAT_HELP,
    UploadedPoints,
    UploadError,
    parse_points_csv,
    placement_words,
)
from ui.files.training_export import (
    config_link,
    file_stem,
    link_query,
    points_csv,
    usage_snippet,
    weights_npz,
)
from ui.model import params
from ui.model.training import (
    DATASET_CHOICES,
    IDLE_SECONDS,
    MAX_EPOCHS_PER_FRAME,
    MAX_HIDDEN_LAYERS,
    MAX_POINTS,
    MAX_UNITS,
    MIN_POINTS,
    SEED_SETUP,
    TRAIN_SECONDS,
    UPLOAD,
    Diverged,
    Setup,
    Training,
    frame_sleep,
    limit_blas_threads,
    playing,
)
from ui.text.calibration import (
    DEFAULT_BINS,
    MAX_BINS,
    MIN_BINS,
    calibration_metrics,
    calibration_verdict,
)
from ui.text.quoting import quote_typed
from ui.widgets import classroom, url_state

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
L2_STRENGTHS = (0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
UNIT_DEFAULTS = (8, 4, 4, 4)
COSTLIEST = 5  # training points ringed as the costliest now
CURVE_EVERY = 12  # while playing, redraw the plotly loss curve every 12th frame (~2 a second)
UNITS_EVERY = 6  # ... and the first-layer units every 6th (never in a curve frame)

STATE = "tr_state"  # the session's Training
RUNNING = "tr_running"
REQUEST = "tr_request"  # "step" or "reset", set by a button callback
NOTE = "tr_note"
ERROR = "tr_error"
UPLOADER = "tr_upload"  # the file_uploader widget
POINTS = "tr_upload_points"  # the last file that parsed: UploadedPoints
UPLOAD_ERROR = "tr_upload_error"  # (file name, message) of the last file that did not


def _g(value: float) -> str:
    return f"{value:g}"


PARAMS = [
    params.Param("tr_data", "circle", params.choice(DATASET_CHOICES)),
    params.Param("tr_classes", 3, params.integer(2, 5)),
    params.Param("tr_points", 300, params.integer(MIN_POINTS, MAX_POINTS)),
    params.Param("tr_noise", 0.1, params.number(0.0, 1.0), _g),
    params.Param("tr_test", 50, params.integer(10, 90)),
    params.Param("tr_seed", 0, params.integer(0, 9999)),
    params.Param("tr_layers", 2, params.integer(0, MAX_HIDDEN_LAYERS)),
    *[
        params.Param(f"tr_units{k}", UNIT_DEFAULTS[k - 1], params.integer(1, MAX_UNITS))
        for k in range(1, MAX_HIDDEN_LAYERS + 1)
    ],
    params.Param("tr_act", "tanh", params.choice(tuple(xent_core.ACTIVATIONS))),
    params.Param("tr_lr", 0.03, params.number_choice(LEARNING_RATES), _g),
    params.Param("tr_batch", 10, params.integer(1, 100)),
    params.Param("tr_l2", 0.0, params.number_choice(L2_STRENGTHS), _g),
    params.Param("tr_speed", 1, params.integer(1, MAX_EPOCHS_PER_FRAME)),
    params.Param("tr_show_test", False, params.boolean, params.format_bool),
    params.Param("tr_log", False, params.boolean, params.format_bool),
    params.Param("tr_bins", DEFAULT_BINS, params.integer(MIN_BINS, MAX_BINS)),
]

CHANGED = {
    "dataset": "dataset",
    "n_points": "number of points",
    "noise": "noise",
    "test_fraction": "test share",
    "n_classes": "classes",
    "data_seed": "data seed",
    "hidden": "hidden layers",
    "activation": "activation",
    "upload": "uploaded file",
}


# --- button callbacks (they run before the script, so a click takes effect at once) ---------


def _play_pause() -> None:
    st.session_state[RUNNING] = not st.session_state.get(RUNNING, False)
    st.session_state.pop(ERROR, None)


def _request(what: str) -> None:
    st.session_state[REQUEST] = what
    st.session_state[RUNNING] = False


def _uploaded() -> None:
    """Read a newly chosen file once (not on every rerun); keep the last good one on failure."""
    file = st.session_state.get(UPLOADER)
    if file is None:  # the student removed the file: keep training on the last good one
        st.session_state.pop(UPLOAD_ERROR, None)
        return
    try:
        points = parse_points_csv(file.getvalue(), file_name=file.name)
    except UploadError as err:
        st.session_state[UPLOAD_ERROR] = (file.name, str(err))
        return
    st.session_state[POINTS] = points
    st.session_state.pop(UPLOAD_ERROR, None)


def _dataset_name(name: str) -> str:
    return "your own CSV…" if name == UPLOAD else name


def _regenerate() -> None:
    st.session_state["tr_seed"] = (st.session_state["tr_seed"] + 1) % 10000


def _load_seed_network() -> None:
    s = SEED_SETUP
    st.session_state.update(
        tr_data=s.dataset,
        tr_classes=s.n_classes,
        tr_points=s.n_points,
        tr_noise=s.noise,
        tr_test=round(s.test_fraction * 100),
        tr_layers=len(s.hidden),
        tr_units1=s.hidden[0],
        tr_act=s.activation,
    )
    st.session_state[NOTE] = (
        "Loaded **the seed's network**: 2 inputs → one hidden layer of 16 tanh units → a "
        "softmax over 3 classes, on three overlapping clouds. Press Play."
    )


# --- reading the settings -------------------------------------------------------------------


def setup_from_widgets() -> Setup:
    """The run's defining settings as the widgets hold them (and the uploaded file's size)."""
    ss = st.session_state
    dataset = ss["tr_data"]
    points: UploadedPoints | None = ss.get(POINTS) if dataset == UPLOAD else None
    if points is not None:
        n_points, n_classes = len(points), points.n_classes
    else:
        n_points = int(ss["tr_points"])
        n_classes = int(ss["tr_classes"]) if dataset in xent_core.MULTICLASS else 2
    return Setup(
        dataset=dataset,
        n_points=n_points,
        noise=float(ss["tr_noise"]),
        test_fraction=ss["tr_test"] / 100,
        n_classes=n_classes,
        data_seed=int(ss["tr_seed"]),
        hidden=tuple(int(ss[f"tr_units{k}"]) for k in range(1, int(ss["tr_layers"]) + 1)),
        activation=ss["tr_act"],
        upload=points.fingerprint if points is not None else "",
    )


def changed_settings(old: Setup, new: Setup) -> list[str]:
    """Names of the settings that differ, in words."""
    return [label for name, label in CHANGED.items() if getattr(old, name) != getattr(new, name)]


def current_training(setup: Setup) -> Training:
    """The session's run, started again when the setup changed or Reset was pressed."""
    run: Training | None = st.session_state.get(STATE)
    request = st.session_state.pop(REQUEST, None)
    if run is None or request == "reset" or run.setup != setup:
        if run is not None and run.setup != setup and NOTE not in st.session_state:
            st.session_state[NOTE] = (
                f"Changed the {', '.join(changed_settings(run.setup, setup))}: training "
                "restarted at epoch 0. (Learning rate, batch size and L2 apply on the fly.)"
            )
        run = Training.start(setup, upload=st.session_state.get(POINTS))
        st.session_state[STATE] = run
        st.session_state.pop(ERROR, None)
    if request == "step":
        train(run, epochs=1)
    return run


def train(run: Training, *, epochs: int) -> None:
    """Train with the on-the-fly settings; a divergence pauses and is reported."""
    ss = st.session_state
    try:
        run.train(
            epochs,
            lr=ss["tr_lr"],
            batch_size=ss["tr_batch"],
            l2=ss["tr_l2"],
            max_seconds=TRAIN_SECONDS,
        )
    except Diverged as err:
        ss[RUNNING] = False
        ss[ERROR] = str(err)


# --- drawing --------------------------------------------------------------------------------


def run_picture(
    run: Training, *, test: bool, highlight: np.ndarray | None = None, size: int = 360
) -> Image.Image:
    """The plane coloured by the network's class probabilities, its points (and test points)."""
    return boundary_picture(
        run.probability_grid(),
        train_xy=run.X_train,
        train_labels=run.y_train,
        test_xy=run.X_test if test else None,
        test_labels=run.y_test if test else None,
        highlight=highlight,
        size=size,
    )


def live_block(run: Training) -> str:
    """The epoch counter over the boundary picture, with its points and costliest rings."""
    ss = st.session_state
    costly = run.costliest(COSTLIEST)
    picture = run_picture(run, test=ss["tr_show_test"], highlight=costly)
    losses = ", ".join(f"{v:.2f}" for v in run.point_losses()[costly])
    m = run.metrics()
    return live_html(
        epoch=m.epoch,
        train_loss=m.train_loss,
        test_loss=m.test_loss,
        train_accuracy=m.train_accuracy,
        test_accuracy=m.test_accuracy,
        picture_uri=jpeg_data_uri(picture, quality=75),
        caption=f"Ringed in red: the {len(costly)} training points costing the most loss "
        f"now, −log p(class) = {losses}.",
    )


def loss_curve(run: Training):
    h = run.history
    return loss_curve_figure(
        epochs=h.epochs,
        train_loss=h.train_loss,
        test_loss=h.test_loss,
        y_scale="log" if st.session_state["tr_log"] else "linear",
        height=430,
    )


# Redrawn every few frames while training: a toolbar with only the camera (a PNG of the curves).
BOUNDARY_PNG_PX = 720  # the downloaded boundary picture (the live one is 360 px)
CHART_CONFIG = {"modeBarButtons": [["toImage"]], **projector.png_export("training_curves")}


def show_units(run: Training, target: DeltaGenerator) -> DeltaGenerator:
    """The small multiples of the first hidden layer (or a note when there is none)."""
    grids = run.first_layer_grid()
    if grids is None:
        return target.info(
            "No hidden layer: the network is softmax regression, so every boundary is a "
            "straight line. Add a hidden layer to see its units.",
            icon=":material/info:",
        )
    return target.html(
        img_tag(
            jpeg_data_uri(units_picture(grids), quality=80),
            alt=f"first-layer units at epoch {run.epoch}",
            test_id="tr-units",
        )
    )


@dataclasses.dataclass
class Slots:
    """The elements a playing frame replaces (each call on one replaces that element)."""

    live: DeltaGenerator
    chart: DeltaGenerator
    units: DeltaGenerator
    shown_epoch: int = -1  # the epoch the live block last showed


def draw_frame(run: Training, slots: Slots, *, curve: bool, units: bool) -> None:
    """Redraw the live block (numbers and picture), and the loss curve and the units if asked.

    Each replaced element is a message the browser renders, so a playing frame sends one
    and the curve and the units follow a few times a second.
    """
    slots.live.html(live_block(run))
    slots.shown_epoch = run.epoch
    if units:
        show_units(run, slots.units)
    if curve:
        classroom.chart(loss_curve(run), into=slots.chart, config=CHART_CONFIG)


def idle_words(seconds: float) -> str:
    """``600`` -> ``"10 minutes"``, ``2`` -> ``"2 seconds"``, ``1`` -> ``"1 second"``."""
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} second" + ("" if seconds == 1 else "s")


def play(run: Training, slots: Slots, started: float) -> None:
    """Train and redraw until paused (a rerun), idle too long, diverged or the session ends."""
    ss = st.session_state
    frame = 0
    with playing():  # counted among this process's players (a shared CPU budget)
        while ss.get(RUNNING):
            if time.monotonic() - started > IDLE_SECONDS:
                ss[RUNNING] = False
                ss[NOTE] = (
                    f"Paused after {idle_words(IDLE_SECONDS)} without any interaction, to "
                    "leave the server to others. Press Play to go on."
                )
                st.rerun()
            tick = time.perf_counter()
            train(run, epochs=ss["tr_speed"])
            try:
                if ERROR in ss:
                    st.rerun()
                frame += 1
                draw_frame(
                    run,
                    slots,
                    curve=frame % CURVE_EVERY == 1,  # 1, 13, 25, ...: soon after Play
                    units=frame % UNITS_EVERY == UNITS_EVERY // 2,  # 3, 9, 15, ...
                )
            except BaseException:  # a click interrupted the frame (Streamlit's rerun or stop)
                if slots.shown_epoch != run.epoch:
                    run.undo()  # trained but never shown: stop exactly where the student saw it
                raise
            time.sleep(frame_sleep(time.perf_counter() - tick))


def show_upload() -> None:
    """The file chooser of the Data tab, what was read from the last file, or why not."""
    st.file_uploader(
        "CSV of labelled points",
        type=["csv", "txt", "tsv"],
        key=UPLOADER,
        on_change=_uploaded,
        max_upload_size=1,  # MB; the parser refuses more than MAX_BYTES itself
        help=FORMAT_HELP,
    )
    ss = st.session_state
    if UPLOAD_ERROR in ss:
        name, message = ss[UPLOAD_ERROR]
        st.error(f"**{quote_typed(name, 40)}** cannot be used. {message}", icon=":material/error:")
    points: UploadedPoints | None = ss.get(POINTS)
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


def show_calibration(run: Training) -> None:
    """Reliability before and after temperature scaling, and cross-entropy and ECE against τ."""
    st.slider(
        "Confidence bins",
        MIN_BINS,
        MAX_BINS,
        key="tr_bins",
        help="How many equal bins of [0, 1] the confidences are grouped into.",
    )
    cal = run.calibration(st.session_state["tr_bins"])
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


def boundary_png(run: Training, *, test: bool) -> bytes:
    """The decision boundary picture at BOUNDARY_PNG_PX, as a PNG file (made on a click)."""
    return png_bytes(run_picture(run, test=test, size=BOUNDARY_PNG_PX))


def show_export(run: Training) -> None:
    """Downloads of the network and the data, and a link to the settings."""
    ss = st.session_state
    running = ss.get(RUNNING, False)
    stem = file_stem(dataset=run.setup.dataset, sizes=run.setup.sizes, epoch=run.epoch)
    upload = run.upload
    weights_col, data_col, picture_col = st.columns(3, gap="medium")
    with weights_col:
        st.download_button(
            "Network weights (.npz)",
            data=partial(
                weights_npz,
                run.net,
                epoch=run.epoch,
                class_names=run.class_names,
                input_center=upload.center if upload else (0.0, 0.0),
                input_scale=upload.scale if upload else 1.0,
            ),
            file_name=f"{stem}.npz",
            mime="application/octet-stream",
            key="tr_download_npz",
            icon=":material/download:",
            on_click="ignore",
            disabled=running,
            help="Pause first: the download holds the weights you see."
            if running
            else "W0, b0, W1, b1, … (layer k: h @ Wk + bk), sizes, activation, class_names.",
        )
        st.caption(
            ("**Pause to download.** " if running else "")
            + f"The network {run.setup.sizes} at epoch {run.epoch:,}, as `{stem}.npz`: arrays "
            "W0, b0, W1, b1, …, sizes, activation, class_names (numpy code below)."
        )
    with data_col:
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
    with picture_col:
        st.download_button(
            "Decision boundary (.png)",
            data=partial(boundary_png, run, test=ss["tr_show_test"]),
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
    st.markdown("**Link to this configuration** (point at it for the copy button)")
    st.code(
        config_link(st.context.url, link_query(PARAMS, ss), path="training"),
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
    st.code(usage_snippet(f"{stem}.npz", run.setup.activation), language="python")


# --- the page -------------------------------------------------------------------------------

ensure_router()  # first: a cold shared link is handed to app.py (docs/deep-links.md)
started = time.monotonic()  # any interaction reruns the script: the idle clock starts here
limit_blas_threads()
url_state.restore(PARAMS)

# Few top-level blocks: each playing frame makes the browser re-render the siblings on
# the path to the live block, so the page is grouped into three containers.
with st.container():
    st.title("Live training")
    st.markdown(
        "A small network learns to separate the points on the plane by lowering the **mean "
        "cross-entropy** of its softmax output. Press **Play** and watch the colours (the "
        "class probabilities) settle; change the learning rate, batch size or L2 while it runs."
    )
    url_state.show_notes()

    buttons = st.columns([1, 1, 1, 1.6, 3.0], vertical_alignment="bottom")
    running = st.session_state.get(RUNNING, False)
    buttons[0].button(
        "Pause" if running else "Play",
        key="tr_play",
        icon=":material/pause:" if running else ":material/play_arrow:",
        type="primary",
        on_click=_play_pause,
        width="stretch",
    )
    buttons[1].button(
        "Step",
        key="tr_step",
        icon=":material/skip_next:",
        help="Train one epoch, then pause.",
        on_click=_request,
        args=("step",),
        width="stretch",
    )
    buttons[2].button(
        "Reset",
        key="tr_reset",
        icon=":material/restart_alt:",
        help="Back to epoch 0: the same data and the same initial weights.",
        on_click=_request,
        args=("reset",),
        width="stretch",
    )
    buttons[3].button(
        "The seed's network",
        key="tr_preset",
        icon=":material/hub:",
        help="One hidden layer of 16 units and a softmax over 3 classes: [2, 16, 3].",
        on_click=_load_seed_network,
        width="stretch",
    )
    buttons[4].slider(
        "Epochs per frame",
        1,
        MAX_EPOCHS_PER_FRAME,
        key="tr_speed",
        help="How many epochs to train between two pictures while playing (fewer when they "
        "would take more than a tenth of a second).",
    )

    note_slot = st.empty()
left, middle, right = st.columns([1.0, 1.45, 1.25], gap="medium")

with left, st.container(key="tr_settings"):  # ?hide=settings (ui/classroom.py)
    data_tab, net_tab, train_tab = st.tabs(["Data", "Network", "Training"])
    with data_tab:
        st.selectbox("Dataset", DATASET_CHOICES, key="tr_data", format_func=_dataset_name)
        uploading = st.session_state["tr_data"] == UPLOAD
        if uploading:
            show_upload()
        elif st.session_state["tr_data"] in xent_core.MULTICLASS:
            st.slider(
                "Classes",
                2,
                5,
                key="tr_classes",
                help="Spiral and blobs take 2 to 5 classes; the others have exactly 2.",
            )
        else:
            st.caption(
                f"Classes: **2** ({st.session_state['tr_data']} has two; "
                "spiral and blobs take 2 to 5)"
            )
        if not uploading:
            st.slider("Number of points", MIN_POINTS, MAX_POINTS, step=10, key="tr_points")
            st.slider("Noise", 0.0, 1.0, step=0.05, key="tr_noise")
        st.slider(
            "Test share (%)",
            10,
            90,
            step=5,
            key="tr_test",
            help="The share of the points held out to measure the test loss.",
        )
        seed_col, regen_col = st.columns([1, 1.2], vertical_alignment="bottom")
        seed_col.number_input("Data seed", 0, 9999, step=1, key="tr_seed")
        regen_col.button(
            "Reshuffle" if uploading else "New data",
            key="tr_regen",
            icon=":material/casino:",
            help="Hold out other points of your file: the next data seed."
            if uploading
            else "Draw new points: the next data seed.",
            on_click=_regenerate,
            width="stretch",
        )
    with net_tab:
        st.slider("Hidden layers", 0, MAX_HIDDEN_LAYERS, key="tr_layers")
        n_layers = st.session_state["tr_layers"]
        if n_layers:
            for k, col in enumerate(st.columns(2 if n_layers > 1 else 1) * 2, start=1):
                if k <= n_layers:
                    col.number_input(f"Layer {k} units", 1, MAX_UNITS, step=1, key=f"tr_units{k}")
        st.selectbox("Activation", tuple(xent_core.ACTIVATIONS), key="tr_act")
        st.caption("Changing the data or the network starts training again at epoch 0.")
    with train_tab:
        st.select_slider("Learning rate η", LEARNING_RATES, key="tr_lr", format_func=_g)
        st.slider("Batch size", 1, 100, key="tr_batch")
        st.select_slider("L2 strength λ", L2_STRENGTHS, key="tr_l2", format_func=_g)
        st.caption("These apply on the fly, without restarting.")

setup = setup_from_widgets()
if setup.dataset == UPLOAD and not setup.upload:
    note_slot.info(
        "**Your own data:** upload a CSV of labelled points in the **Data** tab on the left "
        "to train on it.",
        icon=":material/upload_file:",
    )
    st.stop()
problems = setup.problems()
if problems:
    for problem in problems:
        st.error(problem)
    st.stop()

run = current_training(setup)
url_state.publish(PARAMS)

if NOTE in st.session_state:
    note_slot.info(st.session_state.pop(NOTE), icon=":material/info:")
if ERROR in st.session_state:
    note_slot.error(st.session_state[ERROR], icon=":material/warning:")

with middle:
    st.markdown(
        f"**Decision boundary** · network {run.setup.sizes} · "
        f"{len(run.X_train)} training and {len(run.X_test)} test points"
    )
    live = st.html(live_block(run))
    st.checkbox("Show the test points (hollow rings)", key="tr_show_test")
    st.caption(
        "Each pixel mixes the class colours by the network's probabilities p = softmax(z) "
        "there: saturated where it is sure, pale where it hesitates. Filled dots are training "
        "points, coloured by their true class."
    )

with right:
    st.markdown("**Loss curves** · mean cross-entropy on the training and the test points")
    chart = classroom.chart(loss_curve(run), config=CHART_CONFIG)
    st.toggle("Log-scale loss axis", key="tr_log")

with st.container():
    formula_cols = st.columns(3)
    formula_cols[0].latex(r"L = -\frac{1}{N}\sum_{i=1}^{N} \log p_{i,y_i}")
    formula_cols[1].latex(
        r"p_i = \operatorname{softmax}(z_i), \quad "
        r"\frac{\partial L}{\partial z_i} = \frac{p_i - t_i}{N}"
    )
    formula_cols[2].latex(
        r"\theta \leftarrow \theta - \eta\,\big(\nabla_\theta L + \lambda\,\theta\big)"
    )
    st.caption(
        "Left: the loss shown, the mean over N points of −log of the probability given to "
        "the true class y_i. Middle: its gradient with respect to the logits, the seed "
        "article's p − t. Right: one SGD step on a mini-batch with learning rate η; the L2 "
        "term λ/2·Σ‖W‖² enters only the step, not the losses shown."
    )

    st.subheader("What each first-layer unit computes")
    if run.setup.hidden:
        act_name = run.setup.activation
        st.latex(
            rf"h_j(x) = \mathrm{{{act_name}}}(w_j \cdot x + b_j)"
            r"\quad\text{over } x \in [-6, 6]^2"
        )
        st.caption(
            "Blue where a unit outputs a positive value, orange where negative, white near 0; "
            "each tile is scaled by its own largest output."
        )
    units = show_units(run, st.container())

    with st.expander("The costliest training points now (the confident mistakes)"):
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

    # Computed only while open (a rerun opens them), never in a playing frame.
    calibration = st.expander(
        "Calibration: is the network as sure as it is right?",
        key="tr_calibration_open",
        on_change="rerun",
        icon=":material/target:",
    )
    if calibration.open:
        with calibration:
            show_calibration(run)
    export = st.expander(
        "Export and share: the network, the data, a link",
        key="tr_export_open",
        on_change="rerun",
        icon=":material/ios_share:",
    )
    if export.open:
        with export:
            show_export(run)


if st.session_state.get(RUNNING):
    play(run, Slots(live=live, chart=chart, units=units), started)
