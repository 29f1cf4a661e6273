"""The network as the student steers it: set one weight, add or remove a unit, list the
connections, and what every unit outputs over the plane (for the diagram).

Pure functions over :class:`xent_core.MLP`. An edit never changes the network it is given:
it returns a new MLP with copies of the arrays (the page swaps it into its run, so an
interrupted frame's undo and the shown diagram never see half an edit).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import xent_core
from ui.text.network import edge_label, unit_label

MAX_UNITS = 32  # as the Live training page's bound
MAX_WEIGHT = 100.0  # a typed weight beyond this is refused (the logits would overflow)


def copy_net(net: xent_core.MLP, weights=None, biases=None) -> xent_core.MLP:
    """A new MLP with ``net``'s activation and init rule and copies of the given arrays
    (``net``'s own by default); its sizes follow the arrays."""
    weights = [W.copy() for W in (net.weights if weights is None else weights)]
    biases = [b.copy() for b in (net.biases if biases is None else biases)]
    sizes = [weights[0].shape[0], *(W.shape[1] for W in weights)]
    new = xent_core.MLP(sizes, activation=net.activation, init="zeros")  # no random draw
    new.init = net.init  # the rule a new unit's weights follow
    new.weights, new.biases = weights, biases
    return new


def _hidden_layer(net: xent_core.MLP, layer: int) -> None:
    n_hidden = len(net.sizes) - 2
    if not 1 <= layer <= n_hidden:
        raise ValueError(
            f"layer {layer} is not a hidden layer: the network has hidden layers 1 to {n_hidden}."
            if n_hidden
            else f"layer {layer}: the network has no hidden layer."
        )


def set_weight(net: xent_core.MLP, k: int, i: int, j: int, value: float) -> xent_core.MLP:
    """A copy of ``net`` with ``weights[k][i, j] = value`` (the connection from unit i of
    layer k to unit j of layer k + 1; layer 0 is the inputs)."""
    if not 0 <= k < len(net.weights):
        raise ValueError(f"k = {k}: the network has weight matrices 0 to {len(net.weights) - 1}.")
    rows, cols = net.weights[k].shape
    if not (0 <= i < rows and 0 <= j < cols):
        raise ValueError(f"({i}, {j}) is outside weights[{k}], shaped ({rows}, {cols}).")
    value = float(value)
    if not (np.isfinite(value) and abs(value) <= MAX_WEIGHT):
        raise ValueError(f"A weight must be a number from −{MAX_WEIGHT:g} to {MAX_WEIGHT:g}.")
    new = copy_net(net)
    new.weights[k][i, j] = value
    return new


def add_unit(net: xent_core.MLP, layer: int, *, seed: int = 0) -> xent_core.MLP:
    """A copy of ``net`` with one more unit at the end of hidden ``layer`` (1-based).

    Every other weight stays. The new unit's incoming weights (a column of
    ``weights[layer - 1]``) and outgoing ones (a row of ``weights[layer]``) are drawn by the
    network's init rule (``net.init``: Glorot, He, small or zeros) for the new layer widths,
    from an rng seeded by ``(seed, layer, new width)``, so the same clicks give the same
    network; its bias is 0.
    """
    _hidden_layer(net, layer)
    if net.sizes[layer] >= MAX_UNITS:
        raise ValueError(f"Hidden layer {layer} has {MAX_UNITS} units, the most it can have.")
    sizes = list(net.sizes)
    sizes[layer] += 1
    rng = np.random.default_rng([seed, layer, sizes[layer]])
    weights, biases = [W.copy() for W in net.weights], [b.copy() for b in net.biases]

    def draw(fan_in: int, fan_out: int, shape: tuple[int, int]) -> np.ndarray:
        if net.init == "zeros":
            return np.zeros(shape)
        return rng.normal(0.0, xent_core.init_std(net.init, fan_in, fan_out), size=shape)

    into, out_of = layer - 1, layer  # the matrices into and out of the layer
    fan_in = sizes[layer - 1]
    weights[into] = np.hstack([weights[into], draw(fan_in, sizes[layer], (fan_in, 1))])
    biases[into] = np.append(biases[into], 0.0)
    fan_out = sizes[layer + 1]
    weights[out_of] = np.vstack([weights[out_of], draw(sizes[layer], fan_out, (1, fan_out))])
    return copy_net(net, weights, biases)


def remove_unit(net: xent_core.MLP, layer: int, unit: int | None = None) -> xent_core.MLP:
    """A copy of ``net`` without ``unit`` (0-based; the last by default) of hidden ``layer``;
    every other weight stays. A layer keeps at least one unit."""
    _hidden_layer(net, layer)
    width = net.sizes[layer]
    if width <= 1:
        raise ValueError(f"Hidden layer {layer} has one unit left: remove the layer instead.")
    unit = width - 1 if unit is None else int(unit)
    if not 0 <= unit < width:
        raise ValueError(f"unit {unit} is not in hidden layer {layer} (units 0 to {width - 1}).")
    weights, biases = [W.copy() for W in net.weights], [b.copy() for b in net.biases]
    weights[layer - 1] = np.delete(weights[layer - 1], unit, axis=1)
    biases[layer - 1] = np.delete(biases[layer - 1], unit)
    weights[layer] = np.delete(weights[layer], unit, axis=0)
    return copy_net(net, weights, biases)


@dataclass(frozen=True)
class Connection:
    """One weight: ``weights[k][i, j]``, from unit i of layer k to unit j of layer k + 1."""

    k: int
    i: int
    j: int
    source: str  # its units' names as the diagram writes them
    target: str
    weight: float

    @property
    def key(self) -> str:
        """``"0.1.3"``: the diagram's ``data-edge`` and the editor's choice."""
        return f"{self.k}.{self.i}.{self.j}"

    def label(self) -> str:
        """``"x₁ → h₄: w = 0.823"``, as the diagram's hover tip says it."""
        return edge_label(self.source, self.target, self.weight)


def connections(net: xent_core.MLP, inputs: Sequence[str]) -> list[Connection]:
    """Every connection, layer by layer, source by source (the order of the weight arrays)."""
    n_layers = len(net.weights)
    out = []
    for k, W in enumerate(net.weights):
        for i, j in itertools.product(range(W.shape[0]), range(W.shape[1])):
            out.append(
                Connection(
                    k=k,
                    i=i,
                    j=j,
                    source=unit_label(k, i, n_layers, inputs),
                    target=unit_label(k + 1, j, n_layers, inputs),
                    weight=float(W[i, j]),
                )
            )
    return out


def parse_edge(key: str, net: xent_core.MLP) -> tuple[int, int, int] | None:
    """``"0.1.3"`` -> ``(0, 1, 3)`` when the network has that connection, else None."""
    try:
        k, i, j = (int(part) for part in str(key).split("."))
    except ValueError:
        return None
    if 0 <= k < len(net.weights):
        rows, cols = net.weights[k].shape
        if 0 <= i < rows and 0 <= j < cols:
            return k, i, j
    return None


def layer_grids(
    net: xent_core.MLP, inputs: Sequence[str], *, resolution: int = 40, lo=-6.0, hi=6.0
) -> list[np.ndarray]:
    """What every unit outputs over a resolution² grid of [lo, hi]², layer by layer.

    ``[features (F, r, r), hidden 1 (U₁, r, r), …, p = softmax(z) (C, r, r)]`` with row i at
    ``x₂ = axis[i]`` (xent_core.grid's order), for the diagram's pictures.
    """
    _, points = xent_core.grid(lo, hi, resolution)
    F = xent_core.features(points, inputs)  # (r², F)
    hidden = net.hidden_activations(F)  # [(r², U_k)]
    p = xent_core.softmax(net.forward(F))  # (r², C)

    def as_grids(a: np.ndarray) -> np.ndarray:
        return a.T.reshape(-1, resolution, resolution)  # (r², U) -> (U, r, r)

    return [as_grids(F), *(as_grids(a) for a in hidden), as_grids(p)]


def identical_units(net: xent_core.MLP, layer: int, *, atol: float = 0.0) -> bool:
    """True when every unit of hidden ``layer`` has the same incoming weights and bias (so
    they compute the same function, as a zeros start keeps them forever)."""
    _hidden_layer(net, layer)
    W, b = net.weights[layer - 1], net.biases[layer - 1]
    return bool(
        np.allclose(W, W[:, :1], atol=atol, rtol=0) and np.allclose(b, b[0], atol=atol, rtol=0)
    )


@dataclass(frozen=True)
class Command:
    """An edit the diagram asks for: ``set`` a weight, ``add`` or ``remove`` a unit."""

    action: str  # "set", "add" or "remove"
    layer: int  # set: the weight matrix k; add/remove: the hidden layer (1-based)
    i: int = 0
    j: int = 0
    value: float = 0.0


def parse_command(text: str, net: xent_core.MLP) -> Command:
    """``"set 0.1.3 0.5"``, ``"add 2"`` or ``"remove 2"`` -> a :class:`Command` this network
    can carry out; ``ValueError`` saying why not otherwise (a stale click after the network
    changed, a typed value out of range)."""
    parts = str(text).split()
    if len(parts) == 3 and parts[0] == "set":
        edge = parse_edge(parts[1], net)
        if edge is None:
            raise ValueError(f"The network has no connection {parts[1]!r} any more.")
        try:
            value = float(parts[2].replace("−", "-"))
        except ValueError:
            raise ValueError(f"{parts[2]!r} is not a number.") from None
        if not (np.isfinite(value) and abs(value) <= MAX_WEIGHT):
            raise ValueError(f"A weight must be a number from −{MAX_WEIGHT:g} to {MAX_WEIGHT:g}.")
        return Command("set", *edge, value=value)
    if len(parts) == 2 and parts[0] in ("add", "remove") and parts[1].isdigit():
        layer = int(parts[1])
        _hidden_layer(net, layer)
        return Command(parts[0], layer)
    raise ValueError(f"Not an edit of the network: {str(text)[:40]!r}.")


def apply(command: Command, net: xent_core.MLP, *, seed: int = 0) -> xent_core.MLP:
    """The network after ``command`` (a new MLP; ``net`` is left as it was)."""
    if command.action == "set":
        return set_weight(net, command.layer, command.i, command.j, command.value)
    if command.action == "add":
        return add_unit(net, command.layer, seed=seed)
    return remove_unit(net, command.layer)
