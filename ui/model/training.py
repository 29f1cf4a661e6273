"""One student's training run on the Live training page: data, network, epoch, loss history.

Pure Python over xent_core (no Streamlit): the page keeps one :class:`Training` in its
session state and calls :meth:`Training.train` between frames. Everything is bounded
(points, layers, units, epochs per frame, history length) so one session cannot starve a
shared server.
"""

from __future__ import annotations

import functools
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np

import xent_core
from ui.files.points import MIN_ROWS as UPLOAD_MIN_POINTS
from ui.files.points import UploadedPoints
from ui.model.optimizers import DEFAULT as DEFAULT_OPTIMIZER
from ui.model.optimizers import OPTIMIZER_NAMES, Lane
from xent_core.calibration import (
    EceCurve,
    TemperatureFit,
    calibrated_probabilities,
    ece_by_temperature,
    temperature_scale,
)

# Bounds of one session's work.
MIN_POINTS = 20
MAX_POINTS = 1000
MAX_HIDDEN_LAYERS = 4
MAX_UNITS = 32
MAX_EPOCHS_PER_FRAME = 10
MAX_HISTORY = 2000  # loss-curve records kept; older ones are thinned to every other one
IDLE_SECONDS = 600.0  # a playing loop pauses after this long without any interaction
FRAME_SECONDS = 1 / 60  # at most 60 frames per second, what a display shows (~4-8 ms each)
TRAIN_SECONDS = 0.1  # a frame stops training after the epoch that passes this much time
DUTY = 0.5  # a session computes at most this fraction of one core while playing
MIN_SLEEP = 0.01  # always yield the core this long between frames
# When several sessions of one server process play, together they compute at most this much
# of one core (their script threads' CPU time), so the other students' clicks still get the
# rest. bench/load.py --whole-class (30 players, 2 processes, quiet machine, 2026-12-07): 0.6
# gave 7.0-8.4 frames/s per player (10th percentile 6.3-7.5), 0.8 gave 9.6 (8.5-8.8) with the
# other interactions' p95 at 592 ms (< 1 s).
PROCESS_DUTY = 0.8

_playing = 0
_playing_lock = threading.Lock()


@contextmanager
def playing() -> Iterator[None]:
    """Count the calling session among the process's playing sessions while it plays."""
    global _playing
    with _playing_lock:
        _playing += 1
    try:
        yield
    finally:
        with _playing_lock:
            _playing -= 1


GRID_RESOLUTION = 100  # the decision-boundary heatmap is GRID_RESOLUTION² points
UNIT_RESOLUTION = 40  # each hidden-unit tile is UNIT_RESOLUTION² points
LO, HI = -6.0, 6.0  # every dataset lives in [-6, 6]²

Activation = Literal["tanh", "relu", "sigmoid", "linear"]

UPLOAD = "upload"  # the dataset name of a student's own CSV (ui.files.points)
DATASET_CHOICES = (*xent_core.DATASETS, UPLOAD)


@dataclass(frozen=True)
class Setup:
    """What defines a run: changing any of these starts training again from epoch 0."""

    dataset: str = "circle"
    n_points: int = 300
    noise: float = 0.1
    test_fraction: float = 0.5
    n_classes: int = 2
    data_seed: int = 0
    hidden: tuple[int, ...] = (8, 4)
    activation: Activation = "tanh"
    upload: str = ""  # the uploaded file's fingerprint when dataset is UPLOAD
    features: tuple[str, ...] = ("x1", "x2")  # the network's inputs (xent_core.FEATURES)
    init: str | None = None  # MLP(init=…): None = He for relu, Glorot otherwise
    # The race: a second copy of the network from the same initial weights, trained with
    # this optimiser (and this learning rate; None = the same η) on the same mini-batches.
    race: tuple[str, float | None] | None = None

    @property
    def sizes(self) -> list[int]:
        """Layer widths of the network, inputs first: ``[n_features, *hidden, n_classes]``."""
        return [len(self.features), *self.hidden, self.n_classes]

    def problems(self) -> list[str]:
        """What is out of bounds, one sentence per setting (empty when the setup is valid)."""
        out = []
        if self.dataset not in DATASET_CHOICES:
            out.append(f"Dataset {self.dataset!r} is not one of {', '.join(DATASET_CHOICES)}.")
        least = UPLOAD_MIN_POINTS if self.dataset == UPLOAD else MIN_POINTS
        if not least <= self.n_points <= MAX_POINTS:
            out.append(f"Number of points {self.n_points} must be {least} to {MAX_POINTS}.")
        if self.dataset == UPLOAD and not self.upload:
            out.append("No uploaded file: upload a CSV of points first.")
        if not 0.0 <= self.noise <= 1.0:
            out.append(f"Noise {self.noise:g} must be 0 to 1.")
        if not 0.0 < self.test_fraction < 1.0:
            out.append(f"Test fraction {self.test_fraction:g} must lie strictly between 0 and 1.")
        if self.dataset in (*xent_core.MULTICLASS, UPLOAD):
            if not 2 <= self.n_classes <= 5:
                out.append(f"Classes {self.n_classes} must be 2 to 5 for {self.dataset}.")
        elif self.n_classes != 2:
            out.append(f"{self.dataset} has exactly 2 classes, not {self.n_classes}.")
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            out.append(f"{len(self.hidden)} hidden layers: at most {MAX_HIDDEN_LAYERS}.")
        for k, units in enumerate(self.hidden, start=1):
            if not 1 <= units <= MAX_UNITS:
                out.append(f"Hidden layer {k} has {units} units: it needs 1 to {MAX_UNITS}.")
        if self.activation not in xent_core.ACTIVATIONS:
            out.append(
                f"Activation {self.activation!r} is not one of {', '.join(xent_core.ACTIVATIONS)}."
            )
        unknown = [f for f in self.features if f not in xent_core.FEATURES]
        if not self.features or unknown or len(set(self.features)) != len(self.features):
            out.append(
                f"Input features {', '.join(self.features) or '(none)'}: choose one or more "
                f"of {', '.join(xent_core.FEATURES)}, each once."
            )
        if self.init is not None and self.init not in xent_core.INITS:
            out.append(f"Initialisation {self.init!r} is not one of {', '.join(xent_core.INITS)}.")
        if self.race is not None and self.race[0] not in OPTIMIZER_NAMES:
            names = ", ".join(OPTIMIZER_NAMES)
            out.append(f"Race optimiser {self.race[0]!r} is not one of {names}.")
        return out


# The classic 16-unit numpy network: one hidden layer of 16 units, a softmax over 3 classes, on
# three overlapping clouds so its confident mistakes are there to see.
SEED_SETUP = Setup(dataset="blobs", n_points=300, noise=0.5, n_classes=3, hidden=(16,))


@dataclass(frozen=True)
class Metrics:
    """Mean cross-entropy and accuracy on the training and the test points at one epoch."""

    epoch: int
    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float


@dataclass
class History:
    """Loss per epoch for the curve, at most ``limit`` records (thinned to every other one)."""

    limit: int = MAX_HISTORY
    epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)

    def add(self, m: Metrics) -> None:
        if self.epochs and self.epochs[-1] == m.epoch:
            return
        if len(self.epochs) >= self.limit:
            # Keep the first record and every other one after it: still spans all epochs.
            for series in (self.epochs, self.train_loss, self.test_loss):
                series[:] = series[::2]
        self.epochs.append(m.epoch)
        self.train_loss.append(m.train_loss)
        self.test_loss.append(m.test_loss)

    def __len__(self) -> int:
        return len(self.epochs)


_SERIALS = itertools.count(1)


class Snapshot(NamedTuple):
    """A run's state at one moment (:meth:`Training.mark`): what :meth:`Training.undo` restores."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    rng_state: dict
    epoch: int
    metrics: Metrics | None
    train_point_loss: np.ndarray | None
    history: tuple[list, list, list]  # epochs, train_loss, test_loss
    optimizer: tuple  # the optimiser's name and state
    race: tuple | None  # the second lane's snapshot, metrics and history


@dataclass
class Race:
    """The race's second lane: its own copy of the network, optimiser, rng and loss history."""

    lane: Lane
    lr: float | None  # None: the first lane's learning rate
    history: History = field(default_factory=History)
    metrics: Metrics | None = None


class Diverged(RuntimeError):
    """The loss became infinite or nan: the learning rate is too large for this network."""


@dataclass(frozen=True)
class Calibration:
    """How well the network's confidence matches its accuracy on the test points, before and
    after temperature scaling by the τ minimising their mean cross-entropy."""

    epoch: int
    n_bins: int
    before: xent_core.Reliability
    after: xent_core.Reliability
    ece_before: float
    ece_after: float
    fit: TemperatureFit
    ece_curve: EceCurve
    test_loss: float  # mean cross-entropy at τ = 1
    accuracy: float  # the same for every τ


@dataclass
class Training:
    """The state of one run: its data split, network, shuffling rng, epoch and history."""

    setup: Setup
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    net: xent_core.MLP
    rng: np.random.Generator
    epoch: int = 0
    history: History = field(default_factory=History)
    _metrics: Metrics | None = None
    _train_point_loss: np.ndarray | None = None
    _before: Snapshot | None = None  # the state before the last train() call, for undo()
    upload: UploadedPoints | None = None  # the student's file, when the data came from one
    _calibration: Calibration | None = None
    F_train: np.ndarray | None = None  # the network's inputs: setup.features of X_train
    F_test: np.ndarray | None = None
    optimizer: str = DEFAULT_OPTIMIZER
    _opt: object | None = None  # the optimiser's state (None for plain SGD)
    race: Race | None = None
    edits: int = 0  # networks put in by replace_network (an edit at the same epoch)
    serial: int = field(default_factory=lambda: next(_SERIALS))  # this run among the process's

    def __post_init__(self) -> None:
        if self.F_train is None:
            self.F_train = xent_core.features(self.X_train, self.setup.features)
        if self.F_test is None:
            self.F_test = xent_core.features(self.X_test, self.setup.features)

    @classmethod
    def start(cls, setup: Setup, upload: UploadedPoints | None = None) -> Training:
        """A fresh run at epoch 0; the same setup always gives the same data and weights.

        For an uploaded file (``setup.dataset == UPLOAD``) pass its points as ``upload``:
        they are shuffled with the data seed, then split like a built-in dataset.
        """
        problems = setup.problems()
        if problems:
            raise ValueError(" ".join(problems))
        if setup.dataset == UPLOAD:
            if upload is None or upload.fingerprint != setup.upload:
                raise ValueError("The setup names an uploaded file: pass its points as upload.")
            order = np.random.default_rng(setup.data_seed).permutation(len(upload))
            X, y = upload.X[order], upload.y[order]  # files are often sorted by class
        else:
            upload = None
            X, y = xent_core.make_dataset(
                setup.dataset,
                n=setup.n_points,
                noise=setup.noise,
                seed=setup.data_seed,
                n_classes=setup.n_classes,
            )
        X_train, y_train, X_test, y_test = xent_core.train_test_split(X, y, setup.test_fraction)
        run = cls(
            setup=setup,
            X_train=X_train,
            y_train=y_train,
            X_test=X_test,
            y_test=y_test,
            net=xent_core.MLP(
                setup.sizes, activation=setup.activation, seed=setup.data_seed, init=setup.init
            ),
            rng=np.random.default_rng(setup.data_seed),
            upload=upload,
        )
        if setup.race is not None:
            optimizer, lr = setup.race
            twin = xent_core.MLP(
                setup.sizes, activation=setup.activation, seed=setup.data_seed, init=setup.init
            )
            lane = Lane(twin, optimizer, np.random.default_rng(setup.data_seed))
            run.race = Race(lane=lane, lr=lr)
            run.race.metrics = run._lane_metrics(twin)
            run.race.history.add(run.race.metrics)
        run.history.add(run.metrics())
        return run

    @property
    def class_names(self) -> tuple[str, ...]:
        """What each class is called: the file's labels, or ``0``, ``1``, … for built-ins."""
        if self.upload is not None:
            return self.upload.class_names
        return tuple(str(k) for k in range(self.setup.n_classes))

    def train(
        self,
        epochs: int,
        *,
        lr: float,
        batch_size: int,
        l2: float,
        l1: float = 0.0,
        optimizer: str = DEFAULT_OPTIMIZER,
        max_seconds: float | None = None,
    ) -> Metrics:
        """Run ``epochs`` (at most MAX_EPOCHS_PER_FRAME) shuffled mini-batch epochs.

        ``optimizer`` (ui.model.optimizers) applies on the fly: another one starts with an
        empty state and the current weights; plain SGD is ``MLP.train_epoch`` itself. In a
        race the second lane trains the same epochs on the same mini-batches.
        With ``max_seconds``, stop after the epoch that used up that time (at least one epoch
        runs), so a frame of a big network stays short and a click is answered quickly.
        Raises :class:`Diverged` when the logits stop being finite numbers; the run is then
        left as it was before this call. :meth:`undo` also goes back to that point.
        """
        epochs = max(1, min(int(epochs), MAX_EPOCHS_PER_FRAME))
        batch_size = max(1, min(int(batch_size), len(self.X_train)))
        self._before = self._snapshot()
        lane = Lane(self.net, self.optimizer, self.rng, self._opt)
        lane.switch(optimizer)
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(epochs):
                lane.epoch(self.F_train, self.y_train, lr=lr, batch_size=batch_size, l2=l2, l1=l1)
                if self.race is not None:
                    rival_lr = lr if self.race.lr is None else self.race.lr
                    self.race.lane.epoch(
                        self.F_train, self.y_train, lr=rival_lr, batch_size=batch_size, l2=l2, l1=l1
                    )
                self.epoch += 1
                if deadline is not None and time.perf_counter() > deadline:
                    break
        self.optimizer, self._opt = lane.optimizer, lane._opt
        self._metrics = None
        self._train_point_loss = None
        try:
            m = self.metrics()
        except Diverged:
            self.undo()
            raise Diverged(
                f"Training diverged after epoch {self.epoch}: the logits stopped being finite "
                "numbers. Lower the learning rate (or L2) and press Play again."
            ) from None
        if self.race is not None:
            try:
                self.race.metrics = self._lane_metrics(self.race.lane.net)
            except Diverged:
                self.undo()
                raise Diverged(
                    f"The race's second lane diverged after epoch {self.epoch}: its logits "
                    "stopped being finite numbers. Lower its learning rate and press Play again."
                ) from None
        self.history.add(m)
        if self.race is not None:
            self.race.history.add(self.race.metrics)
        return m

    def replace_network(self, edit: Callable[[xent_core.MLP], xent_core.MLP]) -> None:
        """Go on from ``edit(net)`` at the same epoch (a weight typed, a unit added or removed).

        In a race both lanes get the same edit. An optimiser keeps its state while the
        shapes still fit. The loss curve's point at this epoch becomes the edited network's,
        and there is nothing to undo any more (the edit is what the student sees).
        """
        new = edit(self.net)
        lane = Lane(self.net, self.optimizer, self.rng, self._opt)
        lane.replace_net(new)
        self.net, self._opt = lane.net, lane._opt
        if self.race is not None:
            self.race.lane.replace_net(edit(self.race.lane.net))
            self.race.metrics = self._lane_metrics(self.race.lane.net)
            _replace_last(self.race.history, self.race.metrics)
        self._metrics = self._train_point_loss = self._calibration = None
        self._before = None
        self.edits += 1
        _replace_last(self.history, self.metrics())

    def _snapshot(self) -> Snapshot:
        h = self.history
        lane = Lane(self.net, self.optimizer, self.rng, self._opt)
        race = None
        if self.race is not None:
            rh = self.race.history
            race = (
                self.race.lane.snapshot(),
                self.race.metrics,
                (list(rh.epochs), list(rh.train_loss), list(rh.test_loss)),
            )
        return Snapshot(
            [W.copy() for W in self.net.weights],
            [b.copy() for b in self.net.biases],
            self.rng.bit_generator.state,
            self.epoch,
            self._metrics,
            self._train_point_loss,
            (list(h.epochs), list(h.train_loss), list(h.test_loss)),
            lane.snapshot()[3:],  # the optimiser's name and state
            race,
        )

    def mark(self) -> Snapshot:
        """The run as it is now, for :meth:`rewind` (several :meth:`train` calls later)."""
        return self._snapshot()

    def rewind(self, mark: Snapshot) -> bool:
        """Go back to ``mark`` (:meth:`mark`); False if the run is already there.

        A playing page that sends several frames in one message rewinds to the last message
        sent when it is interrupted before the next one went out.
        """
        if mark.epoch == self.epoch:  # nothing trained since
            return False
        self._before = mark
        return self.undo()

    def undo(self) -> bool:
        """Go back to just before the last :meth:`train` call (once); False if nothing to undo.

        The page calls it when a frame it trained was never shown (the student paused in
        between), so the paused state is exactly the one on screen.
        """
        if self._before is None:
            return False
        (weights, biases, rng_state, self.epoch, self._metrics, self._train_point_loss, h,
         optimizer, race) = self._before  # fmt: skip
        self.net.weights[:], self.net.biases[:] = weights, biases
        self.rng.bit_generator.state = rng_state
        self.history.epochs[:], self.history.train_loss[:], self.history.test_loss[:] = h
        lane = Lane(self.net, self.optimizer, self.rng, self._opt)
        lane.restore((weights, biases, rng_state, *optimizer))
        self.optimizer, self._opt = lane.optimizer, lane._opt
        if race is not None and self.race is not None:
            snap, self.race.metrics, rh = race
            self.race.lane.restore(snap)
            rhist = self.race.history
            rhist.epochs[:], rhist.train_loss[:], rhist.test_loss[:] = rh
        self._before = None
        return True

    def _logits(self, F: np.ndarray, net: xent_core.MLP | None = None) -> np.ndarray:
        """The logits of the network (this run's, or ``net``) for features F (not points X)."""
        z = (net or self.net).forward(F)
        if not np.isfinite(z).all():
            raise Diverged(f"the logits are no longer finite at epoch {self.epoch}")
        return z

    def _measure(self, net: xent_core.MLP | None = None) -> tuple[Metrics, np.ndarray]:
        """Mean cross-entropy and accuracy of ``net`` (this run's, or the race's second lane)
        now, and the cross-entropy of each training point, ``L_i = -log p_{i, y_i}``.

        The training loss is the mean of the L_i, ``Σ L_i / N``: the same bits as
        ``softmax_cross_entropy(y, z)`` (whose mean is that sum over N), one call fewer a frame.
        """
        z_train, z_test = self._logits(self.F_train, net), self._logits(self.F_test, net)
        point_loss = xent_core.softmax_cross_entropy(self.y_train, z_train, reduction="none")
        metrics = Metrics(
            epoch=self.epoch,
            train_loss=float(np.mean(point_loss)),
            test_loss=xent_core.softmax_cross_entropy(self.y_test, z_test),
            train_accuracy=xent_core.accuracy(self.y_train, xent_core.softmax(z_train)),
            test_accuracy=xent_core.accuracy(self.y_test, xent_core.softmax(z_test)),
        )
        return metrics, point_loss

    def _lane_metrics(self, net: xent_core.MLP) -> Metrics:
        """Mean cross-entropy and accuracy of ``net`` (the race's second lane) now."""
        return self._measure(net)[0]

    def inputs(self, X: np.ndarray) -> np.ndarray:
        """The network's inputs for points X (N, 2): the setup's features, (N, n_features)."""
        return xent_core.features(X, self.setup.features)

    def metrics(self) -> Metrics:
        """Mean cross-entropy and accuracy now (computed once per epoch)."""
        if self._metrics is None:
            self._metrics, self._train_point_loss = self._measure()
        return self._metrics

    def point_losses(self) -> np.ndarray:
        """Cross-entropy of each training point now, ``-log p_{i, y_i}`` (N_train,)."""
        self.metrics()
        return self._train_point_loss

    def costliest(self, k: int = 5) -> np.ndarray:
        """Indices of the ``k`` training points with the largest loss now, largest first."""
        losses = self.point_losses()
        k = max(0, min(int(k), len(losses)))
        return np.argsort(losses)[::-1][:k]

    def probability_grid(self, resolution: int = GRID_RESOLUTION) -> np.ndarray:
        """``p = softmax(z)`` over a resolution² grid of [-6, 6]²: (resolution, resolution, C).

        Row i is ``x₂ = axis[i]`` (increasing), column j is ``x₁ = axis[j]``.
        """
        p = xent_core.softmax(self._logits(self.inputs(grid_points(resolution))))  # (r², C)
        return p.reshape(resolution, resolution, -1)

    def first_layer_grid(self, resolution: int = UNIT_RESOLUTION) -> np.ndarray | None:
        """What each first-hidden-layer unit outputs over [-6, 6]²: (units, res, res), or None."""
        if not self.setup.hidden:
            return None
        a = self.net.hidden_activations(self.inputs(grid_points(resolution)))[0]  # (r², units)
        return a.T.reshape(-1, resolution, resolution)

    def calibration(self, n_bins: int = 10) -> Calibration:
        """Reliability and ECE on the test points at τ = 1 and at the fitted τ* (cached per
        epoch: the page asks again on every rerun)."""
        cached = self._calibration
        if cached is not None and (cached.epoch, cached.n_bins) == (self.epoch, n_bins):
            return cached
        z = self._logits(self.F_test)  # (N_test, C)
        y = self.y_test
        p = xent_core.softmax(z)
        fit = temperature_scale(z, y)
        p_after = calibrated_probabilities(z, fit.temperature)
        self._calibration = Calibration(
            epoch=self.epoch,
            n_bins=n_bins,
            before=xent_core.reliability_bins(y, p, n_bins),
            after=xent_core.reliability_bins(y, p_after, n_bins),
            ece_before=xent_core.expected_calibration_error(y, p, n_bins),
            ece_after=xent_core.expected_calibration_error(y, p_after, n_bins),
            fit=fit,
            ece_curve=ece_by_temperature(z, y, fit.temperatures, n_bins),
            test_loss=xent_core.softmax_cross_entropy(y, z),
            accuracy=xent_core.accuracy(y, p),
        )
        return self._calibration

    def costliest_rows(self, k: int = 5) -> list[dict[str, float | int]]:
        """The ``k`` costliest training points: x₁, x₂, class, predicted class, p(class), loss."""
        idx = self.costliest(k)
        p = xent_core.softmax(self._logits(self.F_train[idx]))  # (k, C)
        losses = self.point_losses()
        return [
            {
                "x₁": float(self.X_train[i, 0]),
                "x₂": float(self.X_train[i, 1]),
                "class": int(self.y_train[i]),
                "predicted": int(p[row].argmax()),
                "p(class)": float(p[row, self.y_train[i]]),
                "loss −log p(class)": float(losses[i]),
            }
            for row, i in enumerate(idx)
        ]


@functools.lru_cache(maxsize=8)
def grid_points(resolution: int) -> np.ndarray:
    """``xent_core.grid(LO, HI, resolution)``'s points (r², 2), made once per resolution (a
    playing frame asks for the same grid every time), read-only."""
    _, points = xent_core.grid(LO, HI, resolution)
    points.flags.writeable = False
    return points


def _replace_last(history: History, m: Metrics) -> None:
    """The curve's last point becomes ``m`` (an edit at the same epoch), or ``m`` is added."""
    if history.epochs and history.epochs[-1] == m.epoch:
        history.train_loss[-1], history.test_loss[-1] = m.train_loss, m.test_loss
    else:
        history.add(m)


_blas_limited = False


def limit_blas_threads() -> None:
    """Keep numpy's BLAS to one thread in this process (once; no-op without threadpoolctl).

    The matrices here are tiny: extra BLAS threads only fight the other sessions and the
    browser for the cores (a third of the frame rate in the prototypes).
    """
    global _blas_limited
    if _blas_limited:
        return
    _blas_limited = True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1)


def frame_sleep(
    work_seconds: float,
    *,
    left: float | None = None,
    frame: float = FRAME_SECONDS,
    duty: float = DUTY,
) -> float:
    """How long to sleep after a frame that took ``work_seconds`` of computing.

    At least ``left``, the wall time until the next frame is due (:class:`Pace`: the cap on
    the frame rate; by default what is left of ``frame`` after the work), at least what keeps
    this session's share of a core at most ``duty`` (``work_seconds`` is the thread's CPU time:
    see ``ui.model.training_loop.play``), and never less than MIN_SLEEP, so other sessions and
    the browser get the CPU.
    """
    if left is None:
        left = frame - work_seconds
    if _playing > 1:  # several students play: they share PROCESS_DUTY of one core
        duty = min(duty, PROCESS_DUTY / _playing)
    return max(MIN_SLEEP, left, work_seconds * (1.0 / duty - 1.0))


@dataclass
class Pace:
    """When a playing loop's next frame (or message of frames) is due: one every ``period``
    seconds of wall time.

    Each is due one period after the previous one was due, not one period after it started:
    neither the sleep's overshoot nor the work's wall time beyond its CPU time (waits for the
    GIL, sending) stretches the period, so the loop keeps 1/period a second on average. Late by
    more than a period (a stall, other page runs going first, the duty's longer sleeps), the
    schedule starts again one period back: the loop catches up by at most one frame, never a
    burst. A frame started early (a fake clock) starts the schedule again from then.
    """

    period: float
    due: float | None = None  # when the frame being made was due

    def start(self, now: float) -> None:
        """A frame starts being made at ``now`` (wall clock)."""
        due = now if self.due is None else self.due + self.period
        self.due = min(now, max(due, now - self.period))

    def left(self, now: float) -> float:
        """Seconds from ``now`` until the next frame is due (negative when it is late)."""
        assert self.due is not None, "start() a frame first"
        return self.due + self.period - now
