"""The Live training page's network levers, over any mutable mapping (tests pass a dict):
input features, initialisation, optimiser, L1, the race, the boundary view, and the edits
made on the diagram or in the editor.

Link settings (:data:`PARAMS`) whose defaults are today's page, so every old link opens as
before; button and bridge callbacks (they run before the script); and the words the page
says about them. The run itself (:class:`ui.model.training.Training`) does the training.
"""

from __future__ import annotations

import dataclasses
from collections.abc import MutableMapping
from typing import Any

import xent_core
from ui.model import params
from ui.model.network import MAX_UNITS, MAX_WEIGHT, Command, apply, parse_command
from ui.model.optimizers import OPTIMIZER_NAMES, optimizer_label
from ui.text.network import feature_label, signed, unit_label

__all__ = ["MAX_WEIGHT", "PARAMS"]

State = MutableMapping[str, Any]

# A feature's name in a link (xent_core's own names hold ^ and *, which a link escapes).
FEATURE_TOKENS = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1sq",
    "x2^2": "x2sq",
    "x1*x2": "x1x2",
    "sin(x1)": "sinx1",
    "sin(x2)": "sinx2",
}
DEFAULT_FEATURES = ["x1", "x2"]
CIRCLE_FEATURES = ["x1", "x2", "x1^2", "x2^2"]
DEFAULT_INIT = "default"  # He for relu, Glorot otherwise: MLP's own rule (init=None)
INIT_CHOICES = (DEFAULT_INIT, *xent_core.INITS)
L1_STRENGTHS = (0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1)
VIEWS = ("confidence", "classes")
SAME = "same"  # the race's second learning rate: the same η as the first lane
RACE_LRS = (SAME, "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3")

EDIT_NOTE = "tr_note"  # the page's note key (ui.model.training_controller.NOTE)
EDIT_ERROR = "tr_edit_error"  # why the last edit could not be made, shown once
EDGE_K = "tr_edit_k"  # the editor's chosen connection: weight matrix k, ...
EDGE_I = "tr_edit_i"  # ... from unit i of layer k ...
EDGE_J = "tr_edit_j"  # ... to unit j of layer k + 1
WEIGHT = "tr_edit_w"  # the editor's number


def parse_features(text: str) -> list[str]:
    """``"x1,x2,x1sq"`` -> ``["x1", "x2", "x1^2"]`` (xent_core's names, in FEATURES order)."""
    by_token = {token: name for name, token in FEATURE_TOKENS.items()}
    chosen = []
    for part in text.split(","):
        token = part.strip().lower()
        if token not in by_token:
            raise ValueError(f"names a feature that is not one of {', '.join(by_token)}")
        chosen.append(by_token[token])
    return [name for name in xent_core.FEATURES if name in chosen]


def format_features(names: list[str]) -> str:
    return ",".join(FEATURE_TOKENS[name] for name in xent_core.FEATURES if name in names)


PARAMS = [
    params.Param("tr_features", DEFAULT_FEATURES, parse_features, format_features),
    params.Param("tr_init", DEFAULT_INIT, params.choice(INIT_CHOICES)),
    params.Param("tr_opt", "sgd", params.choice(OPTIMIZER_NAMES)),
    params.Param("tr_l1", 0.0, params.number_choice(L1_STRENGTHS), lambda v: f"{v:g}"),
    params.Param("tr_view", "confidence", params.choice(VIEWS)),
    params.Param("tr_race", False, params.boolean, params.format_bool),
    params.Param("tr_race_opt", "adam", params.choice(OPTIMIZER_NAMES)),
    params.Param("tr_race_lr", SAME, params.choice(RACE_LRS)),
]


def features(state: State) -> tuple[str, ...]:
    """The chosen input features in xent_core's order (x1 and x2 if none is chosen)."""
    chosen = [name for name in xent_core.FEATURES if name in (state.get("tr_features") or [])]
    return tuple(chosen or DEFAULT_FEATURES)


def init(state: State) -> str | None:
    """The initialisation for ``xent_core.MLP(init=…)``: None is its default rule."""
    value = state.get("tr_init", DEFAULT_INIT)
    return None if value == DEFAULT_INIT else value


def race(state: State) -> tuple[str, float | None] | None:
    """``(optimiser, η or None for the same η)`` of the race's second lane, or None."""
    if not state.get("tr_race"):
        return None
    lr = state.get("tr_race_lr", SAME)
    return state.get("tr_race_opt", "adam"), None if lr == SAME else float(lr)


def lane_names(optimizer: str, lr: float, rival: tuple[str, float | None]) -> tuple[str, str]:
    """The two lanes as the curves name them: ``("SGD", "Adam")`` or, same optimiser,
    ``("SGD, η = 0.03", "SGD, η = 0.3")``."""
    other, other_lr = rival
    other_lr = lr if other_lr is None else other_lr
    first, second = optimizer_label(optimizer), optimizer_label(other)
    if (optimizer, lr) == (other, other_lr) or other_lr != lr:
        first, second = f"{first}, η = {lr:g}", f"{second}, η = {other_lr:g}"
    return first, second


def feature_words(names: tuple[str, ...]) -> str:
    """``("x1", "x1^2")`` -> ``"x₁, x₁²"``."""
    return ", ".join(feature_label(name) for name in names)


# --- callbacks ------------------------------------------------------------------------------


CIRCLE_NOTE = (
    "**Circle with x₁², x₂² and no hidden layer.** A circle x₁² + x₂² < r² is a straight line "
    "in the features x₁² and x₂², so softmax regression on them separates it: press Play "
    "and watch the boundary become a circle without a single hidden unit."
)


def circle_preset(state: State) -> None:
    """The lesson in one click: the circle, features x₁, x₂, x₁², x₂², no hidden layer."""
    state.update(tr_data="circle", tr_features=list(CIRCLE_FEATURES), tr_layers=0)
    state[EDIT_NOTE] = CIRCLE_NOTE


def edit_words(command: Command, before: float | None, after: float | None) -> str:
    """What an edit did, for the page's note (the loss before and after)."""
    change = (
        f" The training loss went from {before:.4f} to {after:.4f}."
        if before is not None and after is not None
        else ""
    )
    if command.action == "set":
        return f"Set the weight to {signed(command.value)}.{change}"
    verb = "Added a unit to" if command.action == "add" else "Removed the last unit of"
    return f"{verb} hidden layer {command.layer}; every other weight kept.{change}"


def edit_network(state: State, run, text: str, *, units_key: str = "tr_units{}") -> bool:
    """Carry out the edit ``text`` (``"set k.i.j v"``, ``"add k"``, ``"remove k"``) on ``run``.

    The run's network is replaced by the edited copy (ui.model.network), at the same epoch.
    Adding or removing a unit also moves that layer's "units" setting, so the page sees the
    same network it trains and does not restart; the run's setup follows. False, with the
    reason in ``state[EDIT_ERROR]``, when the edit cannot be made.
    """
    state.pop(EDIT_ERROR, None)
    try:
        command = parse_command(text, run.net)
        before = run.metrics().train_loss
        seed = run.setup.data_seed
        run.replace_network(lambda net: apply(command, net, seed=seed))
        after = run.metrics().train_loss
    except ValueError as err:
        state[EDIT_ERROR] = str(err)
        return False
    if command.action in ("add", "remove"):
        width = run.net.sizes[command.layer]
        state[units_key.format(command.layer)] = width
        hidden = tuple(run.net.sizes[1:-1])
        run.setup = dataclasses.replace(run.setup, hidden=hidden)
    else:
        state[WEIGHT] = command.value
    state[EDIT_NOTE] = edit_words(command, before, after)
    return True


def can_add(sizes: list[int], layer: int) -> bool:
    return 1 <= layer <= len(sizes) - 2 and sizes[layer] < MAX_UNITS


def can_remove(sizes: list[int], layer: int) -> bool:
    return 1 <= layer <= len(sizes) - 2 and sizes[layer] > 1


# --- the editor ------------------------------------------------------------------------------


def unit_name(layer: int, j: int, sizes: list[int], inputs: tuple[str, ...]) -> str:
    """Unit ``j`` of ``layer`` as the diagram names it (``x₁``, ``h₃``, ``h²₁``, ``z₀``)."""
    return unit_label(layer, j, len(sizes) - 1, inputs)


def chosen_edge(state: State, net: xent_core.MLP) -> tuple[int, int, int]:
    """The editor's connection, kept inside this network (it may have shrunk since), and its
    weight put in the number box when the box has none yet."""
    k = min(max(int(state.get(EDGE_K, 0)), 0), len(net.weights) - 1)
    rows, cols = net.weights[k].shape
    i = min(max(int(state.get(EDGE_I, 0)), 0), rows - 1)
    j = min(max(int(state.get(EDGE_J, 0)), 0), cols - 1)
    state[EDGE_K], state[EDGE_I], state[EDGE_J] = k, i, j
    if WEIGHT not in state:
        state[WEIGHT] = float(net.weights[k][i, j])
    return k, i, j


def edge_chosen(state: State, net: xent_core.MLP) -> None:
    """Another connection chosen: the number box shows its weight now."""
    k, i, j = chosen_edge(state, net)
    state[WEIGHT] = float(net.weights[k][i, j])


def set_from_editor(state: State, run) -> bool:
    """The editor's Set: its connection gets its number."""
    k, i, j = chosen_edge(state, run.net)
    return edit_network(state, run, f"set {k}.{i}.{j} {float(state[WEIGHT])!r}")
