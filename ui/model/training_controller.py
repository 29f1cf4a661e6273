"""The Live training page's controller: what each button, callback and setting does to the
session's :class:`~ui.model.training.Training`, over any mutable mapping.

The page passes ``st.session_state``; the tests pass a plain ``dict``. The button callbacks
(:func:`play_pause`, :func:`request`, :func:`regenerate`, :func:`load_seed_network`,
:func:`uploaded`) run before the script, so a click takes effect at once. The script then
reads the settings (:func:`setup_from_state`) and asks for the run (:func:`current_training`):
the same one, or a new one (:func:`start`, the one place a run is made from the session)
when the data or the network changed or Reset was pressed. Learning rate, batch size and L2
are read by :func:`train` at every frame: they apply on the fly.
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping
from typing import Any, Literal, Protocol

import xent_core
from ui.files.points import UploadedPoints, UploadError, parse_points_csv
from ui.model import network_levers as levers
from ui.model import params
from ui.model.backprop import INSPECT
from ui.model.training import (
    DATASET_CHOICES,
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
)
from ui.text.calibration import DEFAULT_BINS, MAX_BINS, MIN_BINS
from ui.text.training_health import diverging_words

State = MutableMapping[str, Any]
Request = Literal["step", "reset"]

# Session-state keys of the page besides its settings (whose keys are their PARAMS keys).
STATE = "tr_state"  # the session's Training
RUNNING = "tr_running"  # True while Play is on
REQUEST = "tr_request"  # "step" or "reset", set by a button callback
NOTE = "tr_note"  # a note for the next run to show once
ERROR = "tr_error"  # why training paused by itself (it diverged), shown until Play
UPLOADER = "tr_upload"  # the file_uploader widget
POINTS = "tr_upload_points"  # the last file that parsed: UploadedPoints
UPLOAD_ERROR = "tr_upload_error"  # (file name, message) of the last file that did not

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
L2_STRENGTHS = (0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
UNIT_DEFAULTS = (8, 4, 4, 4)


def format_g(value: float) -> str:
    """``0.03`` -> ``"0.03"``, ``1e-05`` -> ``"1e-05"``: a number as the link and sliders
    show it."""
    return f"{value:g}"


# The page's settings: widget keys, also their names in a shared link.
PARAMS = [
    params.Param("tr_data", "circle", params.choice(DATASET_CHOICES)),
    params.Param("tr_classes", 3, params.integer(2, 5)),
    params.Param("tr_points", 300, params.integer(MIN_POINTS, MAX_POINTS)),
    params.Param("tr_noise", 0.1, params.number(0.0, 1.0), format_g),
    params.Param("tr_test", 50, params.integer(10, 90)),
    params.Param("tr_seed", 0, params.integer(0, 9999)),
    params.Param("tr_layers", 2, params.integer(0, MAX_HIDDEN_LAYERS)),
    *[
        params.Param(f"tr_units{k}", UNIT_DEFAULTS[k - 1], params.integer(1, MAX_UNITS))
        for k in range(1, MAX_HIDDEN_LAYERS + 1)
    ],
    params.Param("tr_act", "tanh", params.choice(tuple(xent_core.ACTIVATIONS))),
    params.Param("tr_lr", 0.03, params.number_choice(LEARNING_RATES), format_g),
    params.Param("tr_batch", 10, params.integer(1, 100)),
    params.Param("tr_l2", 0.0, params.number_choice(L2_STRENGTHS), format_g),
    params.Param("tr_speed", 1, params.integer(1, MAX_EPOCHS_PER_FRAME)),
    params.Param("tr_show_test", False, params.boolean, params.format_bool),
    params.Param("tr_log", False, params.boolean, params.format_bool),
    params.Param("tr_bins", DEFAULT_BINS, params.integer(MIN_BINS, MAX_BINS)),
    *levers.PARAMS,  # input features, initialisation, optimiser, L1, view, race
]

# The Setup fields a student can change, in words (for the "restarted" note).
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
    "features": "input features",
    "init": "initialisation",
    "race": "race",
}

SEED_NETWORK_NOTE = (
    "Loaded **the classic 16-unit numpy network**: 2 inputs → one hidden layer of 16 tanh "
    "units → a softmax over 3 classes, on three overlapping clouds. Press Play."
)


class ChosenFile(Protocol):
    """What the file uploader holds: a name and the bytes (Streamlit's ``UploadedFile``)."""

    name: str

    def getvalue(self) -> bytes: ...


# --- button callbacks (they run before the script, so a click takes effect at once) ---------


def running(state: State) -> bool:
    """True while Play is on."""
    return bool(state.get(RUNNING, False))


def play_pause(state: State) -> None:
    """Play, or Pause; either way the last divergence message goes."""
    state[RUNNING] = not state.get(RUNNING, False)
    state.pop(ERROR, None)


def inspect(state: State) -> None:
    """ "Inspect this network": pause, and ask the Backpropagation page to open on this run
    (it reads :data:`ui.model.backprop.INSPECT` once and never changes the run's weights)."""
    state[RUNNING] = False
    state[INSPECT] = True


def inspecting(state: State) -> bool:
    """True between an "Inspect this network" click and the Backpropagation page reading it."""
    return bool(state.get(INSPECT, False))


def request(state: State, what: Request) -> None:
    """Step or Reset: pause, and leave the request for the script's :func:`current_training`."""
    state[REQUEST] = what
    state[RUNNING] = False


def regenerate(state: State) -> None:
    """New data (or, for a file, another hold-out): the next data seed, 9999 wraps to 0."""
    state["tr_seed"] = (state["tr_seed"] + 1) % 10000


def load_seed_network(state: State) -> None:
    """Set the data and network widgets to the classic 16-unit numpy network, with a note.

    Learning rate, batch size and L2 are left as the student set them.
    """
    s = SEED_SETUP
    state.update(
        tr_data=s.dataset,
        tr_classes=s.n_classes,
        tr_points=s.n_points,
        tr_noise=s.noise,
        tr_test=round(s.test_fraction * 100),
        tr_layers=len(s.hidden),
        tr_units1=s.hidden[0],
        tr_act=s.activation,
    )
    state[NOTE] = SEED_NETWORK_NOTE


def uploaded(state: State) -> None:
    """Read a newly chosen file once (not on every rerun); keep the last good one on failure."""
    file: ChosenFile | None = state.get(UPLOADER)
    if file is None:  # the student removed the file: keep training on the last good one
        state.pop(UPLOAD_ERROR, None)
        return
    try:
        points = parse_points_csv(file.getvalue(), file_name=file.name)
    except UploadError as err:
        state[UPLOAD_ERROR] = (file.name, str(err))
        return
    state[POINTS] = points
    state.pop(UPLOAD_ERROR, None)


# --- reading the settings -------------------------------------------------------------------


def setup_from_state(state: State) -> Setup:
    """The run's defining settings as the widgets hold them (and the uploaded file's size)."""
    dataset = state["tr_data"]
    points: UploadedPoints | None = state.get(POINTS) if dataset == UPLOAD else None
    if points is not None:
        n_points, n_classes = len(points), points.n_classes
    else:
        n_points = int(state["tr_points"])
        n_classes = int(state["tr_classes"]) if dataset in xent_core.MULTICLASS else 2
    return Setup(
        dataset=dataset,
        n_points=n_points,
        noise=float(state["tr_noise"]),
        test_fraction=state["tr_test"] / 100,
        n_classes=n_classes,
        data_seed=int(state["tr_seed"]),
        hidden=tuple(int(state[f"tr_units{k}"]) for k in range(1, int(state["tr_layers"]) + 1)),
        activation=state["tr_act"],
        upload=points.fingerprint if points is not None else "",
        features=levers.features(state),
        init=levers.init(state),
        race=levers.race(state),
    )


def waiting_for_upload(setup: Setup) -> bool:
    """True when "your own CSV" is chosen but no file has been read yet."""
    return setup.dataset == UPLOAD and not setup.upload


def changed_settings(old: Setup, new: Setup) -> list[str]:
    """Names of the settings that differ, in words."""
    return [label for name, label in CHANGED.items() if getattr(old, name) != getattr(new, name)]


def restarted_note(old: Setup, new: Setup) -> str:
    """What the page says when a changed setting started training again."""
    return (
        f"Changed the {', '.join(changed_settings(old, new))}: training restarted at epoch 0. "
        "(Learning rate, batch size, L1, L2 and the optimiser apply on the fly.)"
    )


# --- the session's run ----------------------------------------------------------------------


def start(state: State, setup: Setup) -> Training:
    """A fresh run of ``setup`` (with the session's file, if it names one), kept in the session.

    The one place the page makes a Training: epoch 0, no divergence message.
    """
    run = Training.start(setup, upload=state.get(POINTS))
    state[STATE] = run
    state.pop(ERROR, None)
    return run


def current_training(state: State, setup: Setup) -> Training:
    """The session's run, started again when the setup changed or Reset was pressed; a
    pending Step trains it one epoch."""
    run: Training | None = state.get(STATE)
    asked = state.pop(REQUEST, None)
    if run is None or asked == "reset" or run.setup != setup:
        if run is not None and run.setup != setup and NOTE not in state:
            state[NOTE] = restarted_note(run.setup, setup)
        run = start(state, setup)
    if asked == "step":
        train(state, run, epochs=1)
    return run


def train(state: State, run: Training, *, epochs: int) -> bool:
    """Train with the on-the-fly settings; False when it diverged (then paused, with why).

    L1 and the optimiser are passed only when they are not the defaults (0 and plain SGD),
    so a default run is asked exactly what it was asked before they existed.
    """
    levers_on = {}
    if state.get("tr_l1", 0.0):
        levers_on["l1"] = state["tr_l1"]
    if state.get("tr_opt", "sgd") != "sgd":
        levers_on["optimizer"] = state["tr_opt"]
    try:
        run.train(
            epochs,
            lr=state["tr_lr"],
            batch_size=state["tr_batch"],
            l2=state["tr_l2"],
            max_seconds=TRAIN_SECONDS,
            **levers_on,
        )
    except Diverged as err:
        state[RUNNING] = False
        state[ERROR] = str(err)
        return False
    verdict = health(run) if may_be_diverging(run) else None
    if verdict is not None and verdict.status == "diverging":  # stop before it overflows
        reached = run.history.train_loss[-1]
        run.undo()  # as for a non-finite loss: the run stays as it was before this frame
        state[RUNNING] = False
        state[ERROR] = diverging_words(verdict, loss_reached=reached, lr=state["tr_lr"])
        return False
    return True


def may_be_diverging(run: Training) -> bool:
    """False when the newest training loss cannot make :func:`xent_core.training_health` say
    "diverging", so a playing frame can skip the full check (~0.1 ms and growing with the
    history).

    Every earlier epoch was checked when it was trained, and "diverging" at the newest loss L
    needs L not finite, or L ≥ F·lowest (F = ``xent_core.health.DIVERGE_FACTOR``), or
    L ≥ F·log C: each implies ``not L < F·min(lowest, log C)``, the test here.
    """
    losses = run.history.train_loss
    ceiling = xent_core.health.DIVERGE_FACTOR * min(min(losses), math.log(run.setup.n_classes))
    return not losses[-1] < ceiling  # also True for nan and ±inf


def health(run: Training) -> xent_core.TrainingHealth:
    """:func:`xent_core.training_health` of the run's loss history (train and test)."""
    return xent_core.training_health(
        run.history.train_loss, run.history.test_loss, n_classes=run.setup.n_classes
    )
