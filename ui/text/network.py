"""The network's words: feature and unit names, a weight with its sign, a unit's formula.

Shared by the diagram (ui.figures.network) and the weight editor (ui.model.network).
"""

from __future__ import annotations

from collections.abc import Sequence

from ui.text.numbers import fit

MAX_TERMS = 8  # a unit's formula lists its first MAX_TERMS inputs, then "… (n more terms)"

FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁x₂",
    "sin(x1)": "sin x₁",
    "sin(x2)": "sin x₂",
}
ACTIVATION_LABELS = {"tanh": "tanh", "relu": "relu", "sigmoid": "σ", "linear": ""}

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def feature_label(name: str) -> str:
    """``"x1^2"`` -> ``"x₁²"``: an input feature as the diagram writes it."""
    return FEATURE_LABELS.get(name, name)


def unit_label(layer: int, j: int, n_layers: int, inputs: Sequence[str] = ()) -> str:
    """The name of unit ``j`` (0-based) of ``layer`` (0 = inputs, ``n_layers`` = outputs).

    Inputs by their feature (``x₁``); the first hidden layer ``h₁, h₂, …`` (as the tiles of the
    first-layer units are labelled); deeper hidden layers with the layer as a superscript,
    ``h²₃`` (unit 3 of hidden layer 2); outputs ``z₀, z₁, …`` by class, as the classes are
    numbered from 0.
    """
    if layer == 0:
        return feature_label(inputs[j]) if j < len(inputs) else f"x{str(j + 1).translate(_SUB)}"
    if layer == n_layers:
        return f"z{str(j).translate(_SUB)}"
    sup = "" if layer == 1 else str(layer).translate(_SUP)
    return f"h{sup}{str(j + 1).translate(_SUB)}"


def signed(value: float, digits: int = 3) -> str:
    """``-0.5`` -> ``"−0.500"``: a number with a true minus sign (and ``0`` for exactly 0)."""
    if value == 0:
        return "0"
    text = f"{abs(value):.{digits}f}"
    return ("−" if value < 0 else "") + text


def unit_formula(
    weights_in: Sequence[float],
    bias: float,
    *,
    inputs: Sequence[str],
    activation: str,
    name: str,
    output: bool = False,
    max_terms: int = MAX_TERMS,
) -> str:
    """``h₂ = tanh(0.82·x₁ − 1.31·x₂ + 0.05)``: what a unit computes, with its numbers.

    ``weights_in`` (fan_in,) are the weights into the unit and ``inputs`` the names of the
    units they come from. An output unit is linear (``z₀ = … + b``). Past ``max_terms`` inputs
    the rest are counted, not listed: ``… + 0.05 (24 more terms)``.
    """
    terms = []
    for k, (w, source) in enumerate(zip(weights_in, inputs, strict=True)):
        if k == max_terms:
            break
        magnitude = f"{abs(w):.2f}·{source}"
        if not terms:
            terms.append(("−" if w < 0 else "") + magnitude)
        else:
            terms.append(("− " if w < 0 else "+ ") + magnitude)
    rest = len(weights_in) - len(terms)
    if rest > 0:
        terms.append("+ …")
    terms.append(("− " if bias < 0 else "+ ") + f"{abs(bias):.2f}")
    inside = " ".join(terms)
    more = f" ({rest} more terms)" if rest > 0 else ""
    if output:
        return f"{name} = {inside}{more}"
    act = ACTIVATION_LABELS.get(activation, activation)
    return f"{name} = {act}({inside}){more}"


def edge_label(source: str, target: str, weight: float) -> str:
    """``"x₁ → h₄: w = 0.823"``: a connection's hover text (ui/widgets/network.js writes the
    same from the scene)."""
    return f"{source} → {target}: w = {signed(weight)}"


def race_numbers(
    name: str, *, train_loss: float, test_loss: float, train_accuracy: float, test_accuracy: float
) -> str:
    """The race's second copy in the live block, e.g. ``"Adam: training loss 0.3012, test loss
    0.3390, accuracy 91.3% / 88.0% (the picture and the network show the first copy)"``."""
    return (
        f"<b>{name}</b>: training loss {fit(train_loss)}, test loss {fit(test_loss)}, accuracy "
        f"{train_accuracy:.1%} / {test_accuracy:.1%} (the picture and the network show the "
        "first copy)"
    )
