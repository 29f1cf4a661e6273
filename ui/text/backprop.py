"""Words and formulas of the Backpropagation page: names of the arrays, the layer-by-layer
formulas in LaTeX, and one gradient element with its numbers plugged in.

Display only: every number passed in comes from ``xent_core`` (a :class:`BackpropTrace`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ui.text.numbers import short

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
ALL_TERMS = 4  # up to this many points, the element formula writes every term
FIRST_TERMS = 3  # beyond, it writes this many and "⋯"
TERMS_PER_LINE = 2  # terms on one line of the formula (it must fit half a phone screen)

# How each activation is written in a formula, and its derivative.
ACT_TEX = {
    "tanh": r"\tanh",
    "relu": r"\operatorname{relu}",
    "sigmoid": r"\sigma",
    "linear": r"\operatorname{id}",
}
ACT_PRIME_TEX = {
    "tanh": r"\tanh'(Z) = 1 - \tanh^2(Z)",
    "relu": r"\operatorname{relu}'(Z) = [Z > 0]",
    "sigmoid": r"\sigma'(Z) = \sigma(Z)\,(1 - \sigma(Z)) \le \tfrac14",
    "linear": r"\operatorname{id}'(Z) = 1",
}
ACT_WORDS = {
    "tanh": "tanh",
    "relu": "relu",
    "sigmoid": "sigmoid σ",
    "linear": "no activation (linear)",
}
HEAD_WORDS = {
    "softmax": "softmax + categorical cross-entropy",
    "sigmoid": "one sigmoid per class + binary cross-entropy",
}
LOSS_WORDS = {
    "softmax": "Each point's loss is −log p of its true class.",
    "sigmoid": "Each point's loss is the binary cross-entropy of every class, summed over the "
    "classes (each class is its own yes/no question).",
}
CLASSIC_NAME = "the classic 16-unit numpy network"


def sub(k: int) -> str:
    """``12`` → ``₁₂``, for names such as W₁₂."""
    return str(k).translate(SUBSCRIPTS)


def shape_text(shape: Sequence[int]) -> str:
    """``(4, 16)`` → ``4×16``; a vector ``(16,)`` → ``16``."""
    return "×".join(str(int(s)) for s in shape)


def tex(x: float, digits: int = 4) -> str:
    """A number for a LaTeX formula: a few digits, an ASCII minus, ∞ as ``\\infty``."""
    text = short(float(x), digits).replace("−", "-").replace("∞", r"\infty")
    return r"\text{undefined}" if text == "undefined" else text


def paren(x: float, digits: int = 4) -> str:
    """``tex(x)``, in parentheses when negative, for a product."""
    text = tex(x, digits)
    return f"({text})" if text.startswith("-") else text


def sizes_text(sizes: Sequence[int]) -> str:
    """``[2, 16, 3]`` → ``2 → 16 → 3``."""
    return " → ".join(str(int(s)) for s in sizes)


def network_label(source: str, epoch: int = 0) -> str:
    """The choice of network as the radio shows it."""
    if source == "yours":
        return f"your network from Live training (epoch {epoch})"
    return f"{CLASSIC_NAME} (2 → 16 → 3, tanh)"


def network_summary(sizes: Sequence[int], activation: str, epoch: int, n_points: int) -> str:
    """One sentence on the network being shown."""
    hidden = len(sizes) - 2
    layers = "no hidden layer" if hidden == 0 else f"{hidden} hidden layer" + "s" * (hidden > 1)
    trained = "untrained (epoch 0)" if epoch == 0 else f"trained for {epoch} epochs"
    return (
        f"**{sizes_text(sizes)}**: {layers}, {ACT_WORDS.get(activation, activation)} "
        f"between layers, {sizes[-1]} outputs; {trained}; {n_points} training points to "
        "pick from."
    )


def point_label(n: int, x: Sequence[float], name: str, loss: float) -> str:
    """A training point in the list: its number, position, class and loss."""
    return (
        f"point {n}: ({short(x[0], 3)}, {short(x[1], 3)}), class {name}, "
        f"loss −log p = {short(loss, 3)}"
    )


# ---------------------------------------------------------------- names of the arrays


def hidden_name(k: int) -> str:
    return f"H{sub(k)}"


def array_names(n_layers: int) -> dict[str, list[str]]:
    """Names of the forward arrays: inputs X, Z₁ … Z_L, H₁ … H_{L−1}."""
    return {
        "Z": [f"Z{sub(k)}" for k in range(1, n_layers + 1)],
        "A": ["X", *[hidden_name(k) for k in range(1, n_layers)]],
    }


def previous_tex(k: int) -> str:
    """The input of layer k in a formula: X for the first layer, H_{k−1} after."""
    return "X" if k == 1 else f"H_{{{k - 1}}}"


# ---------------------------------------------------------------- formulas


def gathered(rows: Sequence[Sequence[str]]) -> str:
    """Formulas on lines, centred: each row's formulas side by side, rows one under the other."""
    lines = [r" \qquad ".join(row) for row in rows if row]
    return r"\begin{gathered}" + r" \\ ".join(lines) + r"\end{gathered}"


def forward_block(k: int, n_layers: int, activation: str, output: str) -> str:
    """:func:`forward_tex` as one formula: the layer's two steps, then the loss below."""
    parts = forward_tex(k, n_layers, activation, output)
    return gathered([parts[:2], parts[2:]])


def backward_block(k: int, n_layers: int, activation: str, l2: float) -> str:
    """:func:`backward_tex` as one formula: δ, then the two gradients below it."""
    parts = backward_tex(k, n_layers, activation, l2)
    return gathered([parts[:1], parts[1:]])


def forward_tex(k: int, n_layers: int, activation: str, output: str) -> list[str]:
    """The forward formulas of layer k (1-based) of ``n_layers``."""
    first = rf"Z_{{{k}}} = {previous_tex(k)}\,W_{{{k}}} + b_{{{k}}}"
    if k < n_layers:
        return [first, rf"H_{{{k}}} = {ACT_TEX[activation]}(Z_{{{k}}})"]
    if output == "softmax":
        head = rf"P = \operatorname{{softmax}}(Z_{{{k}}})"
        loss = r"L = \frac{1}{N} \sum_n -\log p_{n, y_n}"
    else:
        head = rf"P = \sigma(Z_{{{k}}}) \ \text{{(each entry on its own)}}"
        loss = (
            r"L = \frac{1}{N} \sum_n \sum_c -\big[t_{nc} \log p_{nc}"
            r" + (1 - t_{nc}) \log(1 - p_{nc})\big]"
        )
    return [first, head, loss]


def penalty_tex(l2: float, k: int) -> str:
    return rf" + \lambda W_{{{k}}}" if l2 else ""


def backward_tex(k: int, n_layers: int, activation: str, l2: float) -> list[str]:
    """The backward formulas of layer k: its δ, then ∂L/∂W_k and ∂L/∂b_k."""
    if k == n_layers:
        delta = rf"\delta_{{{k}}} = \frac{{\partial L}}{{\partial Z_{{{k}}}}} = \frac{{P - T}}{{N}}"
    else:
        delta = (
            rf"\delta_{{{k}}} = (\delta_{{{k + 1}}}\,W_{{{k + 1}}}^\top) \odot "
            rf"{ACT_TEX[activation]}'(Z_{{{k}}})"
        )
    return [
        delta,
        rf"\frac{{\partial L}}{{\partial W_{{{k}}}}} = {previous_tex(k)}^\top \delta_{{{k}}}"
        + penalty_tex(l2, k),
        rf"\frac{{\partial L}}{{\partial b_{{{k}}}}} = \textstyle\sum_{{\text{{rows}}}} "
        rf"\delta_{{{k}}}",
    ]


def element_tex(
    *,
    p: Sequence[float],
    t: Sequence[float],
    h: Sequence[float],
    i: int,
    j: int,
    value: float,
    layer: int,
    l2: float = 0.0,
    w: float = 0.0,
    input_name: str = "h",
) -> list[str]:
    """``∂L/∂w_ji = (1/N) Σ_n (p_nj − t_nj) h_ni`` with the numbers plugged in, equal to
    ``value`` (the (i, j) cell of ∂L/∂W_L, from the trace).

    ``p``, ``t`` are column j of P and T; ``h`` column i of the last hidden layer's output.
    Up to :data:`ALL_TERMS` points every term is written; beyond, the first
    :data:`FIRST_TERMS` and ``⋯``.
    """
    n = len(p)
    x = input_name
    general = (
        rf"\frac{{\partial L}}{{\partial w_{{{j},{i}}}}} = \frac{{1}}{{N}} \sum_{{n}} "
        rf"(p_{{n,{j}}} - t_{{n,{j}}})\, {x}_{{n,{i}}}"
    )
    if l2:
        general += rf" + \lambda\, w_{{{j},{i}}}"
    shown = range(n) if n <= ALL_TERMS else range(FIRST_TERMS)
    terms = [rf"({tex(p[m])} - {tex(t[m], 1)})\,{paren(h[m])}" for m in shown]
    if n > ALL_TERMS:
        terms.append(rf"\cdots \ \text{{({n - FIRST_TERMS} more)}}")
    rows = [" + ".join(terms[r : r + TERMS_PER_LINE]) for r in range(0, len(terms), TERMS_PER_LINE)]
    rows[0] = rf"= \frac{{1}}{{{n}}}\big[\, {rows[0]}"
    rows[1:] = [rf"\quad + {row}" for row in rows[1:]]
    rows[-1] += r" \,\big]"
    if l2:
        rows[-1] += rf" + {tex(l2)} \cdot {paren(w)}"
    plugged = r"\begin{aligned}" + r" \\ ".join(f"& {row}" for row in rows) + r"\end{aligned}"
    cell = rf"\left(\frac{{\partial L}}{{\partial W_{{{layer}}}}}\right)_{{{i},{j}}}"
    result = rf"= {tex(value, 6)} = {cell}"
    return [general, plugged, result]


def fading_caption(sizes: Sequence[float], activation: str, width: int, n_classes: int) -> str:
    """What the fading chart's network is, and how much smaller δ₁ is than the output δ."""
    depth = len(sizes) - 1
    widths = " → ".join([str(width)] * depth)
    ratio = sizes[0] / sizes[-1] if sizes[-1] else float("nan")
    return (
        f"The network: 2 → {widths} → {n_classes}, {ACT_WORDS.get(activation, activation)} "
        f"with its default initial weights, on the same batch. ‖δ₁‖ is {short(ratio, 2)} × "
        "‖δ‖ at the output. (‖δ‖ is the root of the sum of the squares of its entries.)"
    )
