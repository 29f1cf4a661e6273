"""Live training: a small MLP learns a 2-D dataset while the student watches and steers.

Read the settings -> keep one ``Training`` per session (ui.model.training_controller, over
ui.model.training and xent_core) -> draw a frame (ui.widgets.training_live; the sections in
ui.widgets.training_sections). While playing, the script loops (ui.model.training_loop) and
redraws into ``st.empty`` placeholders; any widget interaction interrupts the loop with a
rerun, which picks the state up from session state.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import xent_core
from deep_links import ensure_router
from ui.model import network_levers as levers
from ui.model import training_controller as control
from ui.model import training_loop, turns
from ui.model.optimizers import OPTIMIZER_NAMES, optimizer_label
from ui.model.training import (
    DATASET_CHOICES,
    MAX_EPOCHS_PER_FRAME,
    MAX_HIDDEN_LAYERS,
    MAX_POINTS,
    MAX_UNITS,
    MIN_POINTS,
    UPLOAD,
    Setup,
    Training,
    limit_blas_threads,
)
from ui.model.training_controller import L2_STRENGTHS, LEARNING_RATES, PARAMS, format_g
from ui.text import training_health
from ui.text.network import feature_label
from ui.widgets import (
    classroom,
    network_editor,
    network_view,
    training_live,
    training_sections,
    url_state,
)

ensure_router()  # first: a cold shared link is handed to app.py (docs/deep-links.md)
ss = st.session_state


def dataset_name(name: str) -> str:
    return "your own CSV…" if name == UPLOAD else name


# --- reading the widgets --------------------------------------------------------------------


def buttons() -> None:
    """Play/Pause, Step, Reset, the classic 16-unit network, and the epochs per frame."""
    cols = st.columns([1, 1, 1, 1.6, 3.0], vertical_alignment="bottom")
    running = control.running(ss)
    cols[0].button(
        "Pause" if running else "Play",
        key="tr_play",
        icon=":material/pause:" if running else ":material/play_arrow:",
        type="primary",
        on_click=control.play_pause,
        args=(ss,),
        width="stretch",
    )
    cols[1].button(
        "Step",
        key="tr_step",
        icon=":material/skip_next:",
        help="Train one epoch, then pause.",
        on_click=control.request,
        args=(ss, "step"),
        width="stretch",
    )
    cols[2].button(
        "Reset",
        key="tr_reset",
        icon=":material/restart_alt:",
        help="Back to epoch 0: the same data and the same initial weights.",
        on_click=control.request,
        args=(ss, "reset"),
        width="stretch",
    )
    cols[3].button(
        "The classic 16-unit network",
        key="tr_preset",
        icon=":material/hub:",
        help="One hidden layer of 16 units and a softmax over 3 classes: [2, 16, 3].",
        on_click=control.load_seed_network,
        args=(ss,),
        width="stretch",
    )
    cols[4].slider(
        "Epochs per frame",
        1,
        MAX_EPOCHS_PER_FRAME,
        key="tr_speed",
        help="An epoch is one pass over every training point. This many epochs are trained "
        "between two pictures while playing (fewer when they would take more than a tenth of "
        "a second).",
    )


def data_settings() -> None:
    """The dataset (or the student's file), classes, points, noise, test share and seed."""
    st.selectbox("Dataset", DATASET_CHOICES, key="tr_data", format_func=dataset_name)
    uploading = ss["tr_data"] == UPLOAD
    if uploading:
        training_sections.show_upload(ss)
    elif ss["tr_data"] in xent_core.MULTICLASS:
        st.slider(
            "Classes",
            2,
            5,
            key="tr_classes",
            help="Spiral and blobs take 2 to 5 classes; the others have exactly 2.",
        )
    else:
        st.caption(f"Classes: **2** ({ss['tr_data']} has two; spiral and blobs take 2 to 5)")
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
        on_click=control.regenerate,
        args=(ss,),
        width="stretch",
    )


INIT_WORDS = {
    "default": "default (He for relu, Glorot otherwise)",
    "glorot": "Glorot: σ² = 2 / (fan_in + fan_out)",
    "he": "He: σ² = 2 / fan_in",
    "small": "small: σ = 0.01",
    "zeros": "zeros: every weight 0",
}


def network_settings() -> None:
    """Input features, hidden layers, their units, the activation and the initialisation."""
    st.multiselect(
        "Input features",
        xent_core.FEATURES,
        key="tr_features",
        format_func=feature_label,
        help="What the network is given: the coordinates x₁, x₂ and fixed functions of them. "
        "With none chosen it takes x₁ and x₂.",
    )
    st.button(
        "Try: circle with x₁², x₂² and no hidden layer",
        key="tr_circle",
        icon=":material/lightbulb:",
        help="x₁² + x₂² < r² is a straight line in the features x₁², x₂²: softmax regression "
        "separates the circle without a hidden unit.",
        on_click=levers.circle_preset,
        args=(ss,),
        width="stretch",
    )
    st.slider("Hidden layers", 0, MAX_HIDDEN_LAYERS, key="tr_layers")
    n_layers = ss["tr_layers"]
    if n_layers:
        for k, col in enumerate(st.columns(2 if n_layers > 1 else 1) * 2, start=1):
            if k <= n_layers:
                col.number_input(f"Layer {k} units", 1, MAX_UNITS, step=1, key=f"tr_units{k}")
    st.selectbox("Activation", tuple(xent_core.ACTIVATIONS), key="tr_act")
    st.selectbox(
        "Initialisation",
        levers.INIT_CHOICES,
        key="tr_init",
        format_func=INIT_WORDS.get,
        help="How the weights start (biases start at 0).",
    )
    if ss["tr_init"] == "zeros" and n_layers:
        st.caption(
            "**Zeros:** every hidden unit of a layer computes the same thing and gets the same "
            "gradient, so they stay identical forever: watch the network below."
        )
    st.caption("Changing the data or the network starts training again at epoch 0.")


def training_settings() -> None:
    """On the fly: optimiser, learning rate, batch size, L2, L1; and the race."""
    st.selectbox("Optimiser", OPTIMIZER_NAMES, key="tr_opt", format_func=optimizer_label)
    st.select_slider("Learning rate η", LEARNING_RATES, key="tr_lr", format_func=format_g)
    st.slider("Batch size", 1, 100, key="tr_batch")
    st.select_slider("L2 strength λ", L2_STRENGTHS, key="tr_l2", format_func=format_g)
    st.select_slider(
        "L1 strength λ₁",
        levers.L1_STRENGTHS,
        key="tr_l1",
        format_func=format_g,
        help="Adds λ₁·Σ|w| to the loss. After each step every weight moves η·λ₁ towards 0 "
        "(with Adam and RMSprop, scaled as they scale a step), and one that would cross 0 "
        "stops at exactly 0 (dotted grey in the network).",
    )
    st.caption("These apply on the fly, without restarting.")
    st.toggle(
        "Race a second copy",
        key="tr_race",
        help="A second copy of the network, from the same initial weights and on the same "
        "mini-batches, trained with another optimiser or learning rate: both loss curves.",
    )
    if ss["tr_race"]:
        race_cols = st.columns(2)
        race_cols[0].selectbox(
            "Its optimiser", OPTIMIZER_NAMES, key="tr_race_opt", format_func=optimizer_label
        )
        race_cols[1].selectbox(
            "Its learning rate",
            levers.RACE_LRS,
            key="tr_race_lr",
            format_func=lambda v: "same η" if v == levers.SAME else v,
        )
        st.caption("Turning the race on or changing its copy starts both again at epoch 0.")


def check(setup: Setup, note_slot: DeltaGenerator) -> None:
    """Stop the script, saying why, while there is no file to train on or a setting is out of
    bounds (a hand-edited session)."""
    if control.waiting_for_upload(setup):
        note_slot.info(
            "**Your own data:** upload a CSV of labelled points in the **Data** tab on the "
            "left to train on it.",
            icon=":material/upload_file:",
        )
        st.stop()
    problems = setup.problems()
    if problems:
        for problem in problems:
            st.error(problem)
        st.stop()


# --- drawing --------------------------------------------------------------------------------


def formulas() -> None:
    """The loss, its gradient with respect to the logits, and one SGD step."""
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
        "the true class $y_i$. Middle: its gradient with respect to the logits, p − t "
        "(predicted minus true probabilities). Right: one SGD step on a mini-batch with "
        "learning rate η; the L2 term λ/2·Σ‖W‖² enters only the step, not the losses shown."
    )


def units_section(run: Training) -> DeltaGenerator:
    """What each first-layer unit computes; returns the pictures' element, for the frames."""
    st.header("What each first-layer unit computes")
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
    return training_live.show_units(run, st.container(), ss)


def lazy_sections(run: Training) -> None:
    """The costliest points, calibration and export: computed only while open (a rerun opens
    them), never in a playing frame (a closed expander's table still cost ~4 ms a rerun)."""
    costliest = st.expander(
        "The costliest training points now (the confident mistakes)",
        key="tr_costliest_open",
        on_change="rerun",
    )
    if costliest.open:
        with costliest:
            training_sections.show_costliest(run)
    calibration = st.expander(
        "Calibration: is the network as sure as it is right?",
        key="tr_calibration_open",
        on_change="rerun",
        icon=":material/target:",
    )
    if calibration.open:
        with calibration:
            training_sections.show_calibration(run, ss)
    export = st.expander(
        "Export and share: the network, the data, a link",
        key="tr_export_open",
        on_change="rerun",
        icon=":material/ios_share:",
    )
    if export.open:
        with export:
            training_sections.show_export(run, ss)


# --- the page -------------------------------------------------------------------------------

started = time.monotonic()  # any interaction reruns the script: the idle clock starts here
training_loop.take_over(ss)  # the previous run's Play loop lets go of the run first
limit_blas_threads()
url_state.restore(PARAMS)
network_view.install(projector=classroom.projecting())

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
    buttons()
    note_slot = st.empty()
left, middle, right = st.columns([1.0, 1.45, 1.25], gap="medium")

with left, st.container(key="tr_settings"):  # ?hide=settings (ui/model/controls.py)
    data_tab, net_tab, train_tab = st.tabs(["Data", "Network", "Training"])
    with data_tab:
        data_settings()
    with net_tab:
        network_settings()
    with train_tab:
        training_settings()

setup = control.setup_from_state(ss)
check(setup, note_slot)
run = control.current_training(ss, setup)
url_state.publish(PARAMS)

if control.NOTE in ss:
    note_slot.info(ss.pop(control.NOTE), icon=":material/info:")
if control.ERROR in ss:
    note_slot.error(ss[control.ERROR], icon=":material/warning:")

with middle:
    st.markdown(
        f"**Decision boundary** · network {run.setup.sizes} · "
        f"{len(run.X_train)} training and {len(run.X_test)} test points"
    )
    live = training_live.show_live(run, ss)
    st.checkbox("Show the test points (hollow rings)", key="tr_show_test")
    st.radio(
        "Colour the plane by",
        levers.VIEWS,
        key="tr_view",
        horizontal=True,
        format_func={"confidence": "confidence", "classes": "class (argmax)"}.get,
    )
    if ss["tr_view"] == "classes":
        st.caption(
            "Each pixel in the colour of the class the network predicts there (the largest "
            "p), at full strength: the discretised output, with its hard edges. Filled dots "
            "are training points, coloured by their true class."
        )
    else:
        st.caption(
            "Each pixel mixes the class colours by the network's probabilities p = softmax(z) "
            "there: saturated where it is sure, pale where it hesitates. Filled dots are "
            "training points, coloured by their true class."
        )

with right:
    if run.race is not None:
        first, second = levers.lane_names(ss["tr_opt"], ss["tr_lr"], run.setup.race)
        st.markdown(f"**The race** · {first} against {second}, from the same initial weights")
    else:
        st.markdown("**Loss curves** · mean cross-entropy on the training and the test points")
    chart = training_live.show_curve(run, ss)
    st.toggle("Log-scale loss axis", key="tr_log")
    if advice := training_health.hint(control.health(run), run.history.epochs):
        st.warning(advice, icon=":material/troubleshoot:")
    st.button(
        "Inspect this network",
        key="tr_inspect",
        icon=":material/account_tree:",
        help="Pause, and open the Backpropagation page on this network at this epoch: one "
        "batch followed from the input to every weight's gradient.",
        on_click=control.inspect,
        args=(ss,),
    )
    if control.inspecting(ss):
        st.switch_page("pages/backprop.py")

with st.container():  # the diagram's own block: its frames re-render nothing else
    network, editable = network_editor.network_diagram(run, ss)
with st.container():
    network_editor.network_notes(run, ss)
    formulas()
    units = units_section(run)
    lazy_sections(run)

if control.running(ss):
    turns.step_aside()  # a loop from here on: the other sessions' runs go first (app.py)
    slots = training_live.Slots(
        live=live, chart=chart, units=units, network=network, editable=editable
    )
    training_live.play(run, slots, ss, started=started)
