"""The Backpropagation page's state: which network, which batch, and what is computed around
one backward pass (pure: any mutable mapping stands in for the session state, no Streamlit).

The network is either the classic 16-unit numpy network (2 → 16 → 3, tanh, at epoch 0, as the
Live training page's preset builds it) or the network the student has on the Live training
page, at its current epoch. Every function here works on a **copy** of that network: the
training page's weights are never touched (the central differences and the SGD step change
weights, but only the copy's).

The hand-over from the training page: set ``state[INSPECT] = True`` and switch to this page;
it then selects "your network" (once: the key is consumed).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

import numpy as np

import xent_core
from ui.model.training import SEED_SETUP, Training
from xent_core.gradient_check import TINY
from xent_core.mlp import Output

# Session-state keys.
INSPECT = "bp_inspect"  # set True (then st.switch_page here) to open "your network"
TRAINING = "tr_state"  # where the Live training page keeps its Training
SOURCE = "bp_net"  # the radio: CLASSIC or YOURS
KEPT_SOURCE = "_bp_net_kept"  # the radio's value, kept when the page is left
CACHE = "_bp_check_cache"  # the last few gradient checks, by fingerprint

Source = Literal["classic", "yours"]
CLASSIC: Source = "classic"
YOURS: Source = "yours"

# The classic network: the training page's preset (SEED_SETUP) at epoch 0, on a 3-class set.
CLASSIC_DATASETS = ("blobs", "spiral")
CLASSIC_NOISE = {"blobs": SEED_SETUP.noise, "spiral": 0.1}

MAX_BATCH = 32  # points in a batch
MAX_SEED = 9999
CHECK_BUDGET = 200  # gradient entries checked by central differences, over all the arrays
MIN_CHECKED = 8  # entries checked per array however many arrays share the budget
CHECK_STEP = 1e-5  # the central difference's step h
CACHE_SIZE = 4  # gradient checks remembered per session
FADE_WIDTH = 16  # units per hidden layer of the fading-gradients network
MAX_FADE_DEPTH = 6
TOP_MOVES = 5  # the weights listed as having moved most in one SGD step


@dataclass(frozen=True)
class Network:
    """A network to look inside, with the training points it learns from.

    ``net`` is a private copy; ``X`` (n, 2) and ``y`` (n,) are the training points;
    ``epoch`` is how many epochs it has trained (0 for the classic network).
    """

    net: xent_core.MLP
    X: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]
    source: Source
    dataset: str
    epoch: int

    @property
    def sizes(self) -> list[int]:
        return list(self.net.sizes)

    @property
    def n_classes(self) -> int:
        return self.net.n_classes

    @property
    def activation(self) -> str:
        return self.net.activation

    @property
    def n_parameters(self) -> int:
        return sum(W.size + b.size for W, b in zip(self.net.weights, self.net.biases, strict=True))


def copy_network(net: xent_core.MLP) -> xent_core.MLP:
    """An independent copy of ``net``: its weights can change without touching ``net``'s."""
    return copy.deepcopy(net)


def training_run(state: Mapping) -> Training | None:
    """The Live training page's run in this session, or None when it has none."""
    run = state.get(TRAINING)
    return run if isinstance(run, Training) else None


def take_handover(state: MutableMapping) -> bool:
    """Consume :data:`INSPECT`: if it was set and a training run exists, select "your network".

    Returns True when it switched the choice. Call it before the choice's widget is drawn.
    """
    asked = bool(state.pop(INSPECT, False))
    if asked and training_run(state) is not None:
        state[SOURCE] = YOURS
        state[KEPT_SOURCE] = YOURS
        return True
    return False


def start_source(state: MutableMapping) -> Source:
    """Give the choice of network its starting value (the last one kept, else the classic
    network) and return the choice that can be honoured: YOURS only when a run exists."""
    if SOURCE not in state:
        state[SOURCE] = state.get(KEPT_SOURCE, CLASSIC)
    if state[SOURCE] == YOURS and training_run(state) is None:
        state[SOURCE] = CLASSIC
    if state[SOURCE] not in (CLASSIC, YOURS):
        state[SOURCE] = CLASSIC
    return state[SOURCE]


def keep_source(state: MutableMapping) -> None:
    """Remember the choice of network for the next visit (Streamlit drops widget state)."""
    if SOURCE in state:
        state[KEPT_SOURCE] = state[SOURCE]


@lru_cache(maxsize=len(CLASSIC_DATASETS))
def _classic_run(dataset: str) -> Training:
    setup = replace(SEED_SETUP, dataset=dataset, noise=CLASSIC_NOISE[dataset])
    return Training.start(setup)


def classic_network(dataset: str = "blobs") -> Network:
    """The classic 16-unit numpy network, 2 → 16 → 3 with tanh, at epoch 0 (the weights the
    Live training page's preset starts from), and the training points of ``dataset``."""
    if dataset not in CLASSIC_DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(CLASSIC_DATASETS)}; got {dataset!r}.")
    run = _classic_run(dataset)
    return Network(
        net=copy_network(run.net),
        X=run.X_train,
        y=run.y_train,
        class_names=run.class_names,
        source=CLASSIC,
        dataset=dataset,
        epoch=0,
    )


def network_from_run(run: Training) -> Network:
    """The training page's network at its current epoch (a copy) and its training points."""
    return Network(
        net=copy_network(run.net),
        X=run.X_train.copy(),
        y=run.y_train.copy(),
        class_names=run.class_names,
        source=YOURS,
        dataset=run.setup.dataset,
        epoch=run.epoch,
    )


def chosen_network(state: Mapping, dataset: str) -> Network:
    """The network the choice names: the training page's (if any) or the classic one."""
    run = training_run(state)
    if state.get(SOURCE) == YOURS and run is not None:
        return network_from_run(run)
    return classic_network(dataset)


def random_batch(n_points: int, size: int, seed: int) -> np.ndarray:
    """``size`` distinct row indices of ``n_points`` training points, drawn with ``seed``
    (at most all of them), in the order drawn."""
    size = max(1, min(int(size), int(n_points)))
    return np.random.default_rng(int(seed)).choice(int(n_points), size=size, replace=False)


def point_losses(network: Network) -> np.ndarray:
    """Each training point's loss under the network's own softmax, ``-log p_{n, y_n}`` (n,)."""
    logits = network.net.forward(network.X)
    return xent_core.softmax_cross_entropy(network.y, logits, reduction="none")


# ---------------------------------------------------------------- central differences


@dataclass(frozen=True)
class ArrayCheck:
    """One gradient array against central differences.

    ``relative_error`` is ``‖a − n‖ / max(‖a‖, ‖n‖)`` over the checked entries (a the
    analytic gradient, n the central differences); ``checked`` of ``size`` entries were.
    """

    name: str  # "W" or "b"
    layer: int  # 1-based
    shape: tuple[int, ...]
    checked: int
    size: int
    largest: float  # max |analytic| over the checked entries
    max_difference: float  # max |a − n|
    relative_error: float


def per_array_limit(n_arrays: int, budget: int = CHECK_BUDGET) -> int:
    """How many entries of each of ``n_arrays`` gradient arrays to check: the budget shared,
    at least :data:`MIN_CHECKED` (the classic network's 99 parameters are all checked)."""
    return max(MIN_CHECKED, budget // max(1, n_arrays))


def checked_entries(size: int, limit: int) -> np.ndarray:
    """Flat indices of the entries to check: all of them, or ``limit`` evenly spaced ones."""
    if size <= limit:
        return np.arange(size)
    return np.unique(np.linspace(0, size - 1, limit).round().astype(int))


def check_gradients(
    net: xent_core.MLP,
    X: np.ndarray,
    y: np.ndarray,
    *,
    l2: float = 0.0,
    output: Output = "softmax",
    limit: int | None = None,
    h: float = CHECK_STEP,
) -> list[ArrayCheck]:
    """Every ``∂L/∂W_k`` and ``∂L/∂b_k`` of ``net.backprop_trace`` against
    ``xent_core.numerical_gradient`` of the trace's own loss, on a copy of ``net``.

    At most ``limit`` entries of each array are nudged (evenly spaced; by default
    :func:`per_array_limit`): each costs two passes.
    """
    trace = net.backprop_trace(X, y, l2=l2, output=output)
    if limit is None:
        limit = per_array_limit(2 * len(trace.grads))
    probe = copy_network(net)
    out = []
    for k, (dW, db) in enumerate(trace.grads):
        for name, analytic, params in (
            ("W", dW, probe.weights[k]),
            ("b", db, probe.biases[k]),
        ):
            idx = checked_entries(params.size, limit)
            start = params.flat[idx].copy()

            def loss(values, params=params, idx=idx, start=start) -> float:
                params.flat[idx] = values
                try:
                    return probe.backprop_trace(X, y, l2=l2, output=output).loss
                finally:
                    params.flat[idx] = start

            numeric = xent_core.numerical_gradient(loss, start, h=h)
            a = analytic.ravel()[idx]
            diff = a - numeric
            scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(numeric)), TINY)
            out.append(
                ArrayCheck(
                    name=name,
                    layer=k + 1,
                    shape=tuple(analytic.shape),
                    checked=int(idx.size),
                    size=int(analytic.size),
                    largest=float(np.abs(a).max()),
                    max_difference=float(np.abs(diff).max()),
                    relative_error=float(np.linalg.norm(diff)) / scale,
                )
            )
    return out


def fingerprint(net: xent_core.MLP, X: np.ndarray, y: np.ndarray, *extra: object) -> str:
    """A digest of the weights, the batch and ``extra``: equal digests, equal computations."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((net.sizes, net.activation, extra)).encode())
    for array in (*net.weights, *net.biases, X, y):
        a = np.ascontiguousarray(array)
        digest.update(str(a.dtype).encode() + str(a.shape).encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def cached_check(
    state: MutableMapping,
    net: xent_core.MLP,
    X: np.ndarray,
    y: np.ndarray,
    *,
    l2: float = 0.0,
    output: Output = "softmax",
) -> list[ArrayCheck]:
    """:func:`check_gradients`, remembered in ``state`` for the last :data:`CACHE_SIZE`
    (network, batch, λ, output) combinations: a rerun that changes none of them is free."""
    key = fingerprint(net, X, y, float(l2), output)
    cache: dict = state.setdefault(CACHE, {})
    if key not in cache:
        cache[key] = check_gradients(net, X, y, l2=l2, output=output)
        while len(cache) > CACHE_SIZE:
            cache.pop(next(iter(cache)))
    return cache[key]


# ---------------------------------------------------------------- one SGD step


@dataclass(frozen=True)
class Move:
    """One parameter in one SGD step: ``after = before − η · grad``."""

    name: str  # "W" or "b"
    layer: int  # 1-based
    index: tuple[int, ...]  # (i, j) for a weight, (j,) for a bias
    before: float
    grad: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Step:
    """One step ``θ ← θ − η ∂L/∂θ`` on a copy of the network, and the loss before and after
    on the same batch."""

    lr: float
    loss_before: float
    loss_after: float
    moves: tuple[Move, ...]  # the TOP_MOVES largest |change|, largest first
    net: xent_core.MLP  # the stepped copy

    @property
    def loss_change(self) -> float:
        return self.loss_after - self.loss_before


def sgd_step(
    net: xent_core.MLP,
    X: np.ndarray,
    y: np.ndarray,
    lr: float,
    *,
    l2: float = 0.0,
    output: Output = "softmax",
    top: int = TOP_MOVES,
) -> Step:
    """One plain SGD step of size ``lr`` on a copy of ``net``, with the gradients of
    ``net.backprop_trace`` (either output layer); ``net`` itself is left as it was.

    For the softmax output it is :meth:`xent_core.MLP.train_step`'s update, which only knows
    the softmax loss.
    """
    trace = net.backprop_trace(X, y, l2=l2, output=output)
    stepped = copy_network(net)
    moves: list[Move] = []
    for k, (W, b, (dW, db)) in enumerate(
        zip(stepped.weights, stepped.biases, trace.grads, strict=True)
    ):
        before_W, before_b = W.copy(), b.copy()
        W -= lr * dW  # in place, as MLP.train_step does
        b -= lr * db
        for name, before, grad, after in (("W", before_W, dW, W), ("b", before_b, db, b)):
            for index in np.ndindex(before.shape):
                moves.append(
                    Move(
                        name,
                        k + 1,
                        index,
                        float(before[index]),
                        float(grad[index]),
                        float(after[index]),
                    )
                )
    moves.sort(key=lambda m: abs(m.change), reverse=True)
    after = stepped.backprop_trace(X, y, l2=l2, output=output)
    return Step(
        lr=float(lr),
        loss_before=trace.loss,
        loss_after=after.loss,
        moves=tuple(moves[:top]),
        net=stepped,
    )


# ---------------------------------------------------------------- fading gradients


def fading_network(
    activation: str, depth: int, n_classes: int, *, width: int = FADE_WIDTH, seed: int = 0
) -> xent_core.MLP:
    """``2 → width × depth → n_classes`` with ``activation`` and its default initialisation."""
    depth = max(1, min(int(depth), MAX_FADE_DEPTH))
    return xent_core.MLP([2, *[width] * depth, n_classes], activation=activation, seed=seed)


def delta_sizes(
    net: xent_core.MLP, X: np.ndarray, y: np.ndarray, *, output: Output = "softmax"
) -> np.ndarray:
    """``‖δ_k‖`` (root of the sum of squares over the batch and the units) for k = 1 … L."""
    trace = net.backprop_trace(X, y, output=output)
    return np.array([np.linalg.norm(delta) for delta in trace.deltas])
