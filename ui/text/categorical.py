"""The categorical page's words and formulas for its current settings: text in, text out.

Class names and true-class cells are the student's typing: every Markdown text here quotes
them with :func:`name_md` (Markdown-escaped, shortened), never as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from ui.model.categorical_table import MAX_NAME_CHARS
from ui.text.quoting import quote_typed

Mode = Literal["probabilities", "logits"]
ROW_CHOICE_CHARS = 30  # the true class as quoted in the row menu


def name_md(name: str) -> str:
    """A class name as typed, safe inside Markdown (escaped, at most MAX_NAME_CHARS + "…")."""
    return quote_typed(name, MAX_NAME_CHARS)


def row_choice(row: int, target: object) -> str:
    """The row menu's entry: ``Row 2: true class seal``; a long typed class is cut short."""
    missing = target is None or (isinstance(target, float) and math.isnan(target))
    text = "" if missing else " ".join(str(target).split())
    if len(text) > ROW_CHOICE_CHARS:
        text = text[:ROW_CHOICE_CHARS] + "…"
    return f"Row {row}: true class {text or '—'}"


def weight_sum_terms(
    classes: Sequence[str], labels: Sequence[int], weights: Sequence[float]
) -> str:
    """The divisor of the weighted mean written out term by term, ``w_panda + w_seal + …``."""
    symbols = " + ".join(f"w_{name_md(classes[y])}" for y in labels)
    values = " + ".join(f"{weights[y]:g}" for y in labels)
    return f"{symbols} = {values}"


def target_label(smoothing: float) -> str:
    """The legend of the target bars: the one-hot t, or the smoothed t′ when ε > 0."""
    return "t′ (smoothed target)" if smoothing > 0 else "t (one-hot target)"


def gradient_names(*, weighted: bool, smoothing: float) -> tuple[str, str]:
    """The names of the two gradient charts, (∂L/∂z, ∂L/∂p), with their closed form if short."""
    if weighted:
        return "∂L/∂z", "∂L/∂p"
    t = "t′" if smoothing > 0 else "t"
    return f"∂L/∂z = p − {t}", f"∂L/∂p = −{t}/p"


def logit_gradient_words(smoothing: float, weighted_class: str | None) -> str:
    """What the bars of ∂L/∂z are, in words, for the current ε and class weights."""
    words = (
        "A gradient step moves each logit against its bar: the true class (negative bar) "
        "goes up, the others go down."
    )
    if smoothing > 0:
        words += f" With ε = {smoothing:g} the target is smoothed to t′ = (1 − ε)t + ε/C"
        words += " and the bars are p − t′." if weighted_class is None else "."
    if weighted_class is not None and smoothing == 0:
        words += (
            f" The class weight w_{name_md(weighted_class)} of the true class scales every bar."
        )
    elif weighted_class is not None:
        words += (
            r" With class weights too, the bars are $(\sum_c A_c)\,p - A$, where $A_c$ is the "
            r"coefficient of $-\log p_c$ in the formula for $L_i$."
        )
    return words


def logits_origin_words(mode: Mode) -> str:
    """Where the logit gradient comes from when the table holds probabilities or logits."""
    if mode == "probabilities":
        return (
            "The table holds p, but a network makes p with a softmax of logits z: these "
            "bars are the gradient it would pass back to z, the same for every z with "
            "softmax(z) = p."
        )
    return "The gradient the softmax passes back to the logits in the table."


def probability_gradient_words(*, weighted: bool, smoothing: float) -> str:
    """What ∂L/∂p shows and how it becomes ∂L/∂z through the softmax."""
    t = "A" if weighted else "t′" if smoothing > 0 else "t"
    only = (
        "Only the true class gets a push, the steeper the smaller its p."
        if t == "t"
        else "Every class with a positive target gets a push."
    )
    return (
        f"∂L/∂p = −{t}/p treats each p as a free number: raising any p with a positive "
        f"target lowers L. {only} The softmax ties the p's together (they add up to 1): "
        "its Jacobian turns these bars into ∂L/∂z."
    )


def zero_probability_warning(
    rows: Sequence[tuple[int, str, Sequence[str]]], smoothing: float
) -> str:
    """Why rows have an infinite loss: ``(row, true class, classes with p = 0)`` each."""
    true_zero = [row for row, true, zeros in rows if true in zeros]
    other_zero = [(row, zeros) for row, true, zeros in rows if true not in zeros]
    parts = []
    if true_zero:
        parts.append(
            f"Row(s) {', '.join(map(str, true_zero))}: the true class has probability 0, and "
            "−log 0 = +∞, so the loss is **∞** (and so are the sum and the mean)."
        )
    if other_zero:
        which = "; ".join(
            f"row {row}: p = 0 for {', '.join(map(name_md, zeros))}" for row, zeros in other_zero
        )
        parts.append(
            f"With label smoothing ε = {smoothing:g} every class has a target t′ ≥ ε/C > 0, "
            f"so a probability of 0 anywhere costs t′ · (−log 0) = +∞ ({which})."
        )
    parts.append(
        "Cross-entropy punishes a model that is certain and wrong without limit; "
        "frameworks clip p to [ε, 1 − ε] or work from logits to stay finite."
    )
    return " ".join(parts)


def mean_words(*, n_rows: int, weighted: bool, divisor_terms: str) -> str:
    """How the mean divides the sum: by N, or by the total weight of the true classes."""
    if weighted:
        return (
            "**How the weighted mean divides.** Each row's loss is multiplied by the weight "
            "of its *true* class, and the mean divides the sum not by the number of rows but "
            "by the total weight of the rows' true classes, $\\sum_i w_{y_i}$ = "
            f"{divisor_terms} (as PyTorch's `cross_entropy` does). So it is a weighted "
            "average: heavy classes count more, and the mean stays a typical per-row loss."
        )
    return (
        f"The **sum** adds the {n_rows} per-row losses (the article reports it); the "
        f"**mean** divides that sum by {n_rows}, the number of rows (the frameworks' "
        "default). With class weights the mean divides by the total weight of the rows' "
        "true classes instead."
    )


def formulas(*, mode: Mode, weighted: bool, smoothing: float) -> list[str]:
    """The LaTeX lines beside the charts: the loss, its two gradients and the reductions."""
    lines = []
    if mode == "logits":
        lines.append(r"p_{ic} = \frac{e^{z_{ic}}}{\sum_k e^{z_{ik}}}")
    if weighted:
        lines += [
            r"\begin{aligned}L_i &= (1-\varepsilon)\,w_{y_i}(-\log p_{i,y_i})\\"
            r"&+ \tfrac{\varepsilon}{C}\textstyle\sum_c w_c(-\log p_{ic})\\"
            r"&= -\textstyle\sum_c A_{ic}\log p_{ic}\end{aligned}",
            r"\frac{\partial L_i}{\partial p_{ic}} = -\frac{A_{ic}}{p_{ic}}",
            r"\frac{\partial L_i}{\partial z_{ic}} = \Big(\sum_k A_{ik}\Big)\,p_{ic} - A_{ic}",
        ]
    elif smoothing > 0:
        lines += [
            r"t'_{ic} = (1-\varepsilon)\,t_{ic} + \frac{\varepsilon}{C}",
            r"L_i = -\sum_c t'_{ic}\log p_{ic}",
            r"\frac{\partial L_i}{\partial p_{ic}} = -\frac{t'_{ic}}{p_{ic}}",
            r"\frac{\partial L_i}{\partial z_{ic}} = p_{ic} - t'_{ic}",
        ]
    else:
        lines += [
            r"\begin{aligned}L_i &= -\sum_c t_{ic}\log p_{ic}\\&= -\log p_{i,y_i}\end{aligned}",
            r"\frac{\partial L_i}{\partial p_{ic}} = -\frac{t_{ic}}{p_{ic}}",
            r"\frac{\partial L_i}{\partial z_{ic}} = p_{ic} - t_{ic}",
        ]
    lines.append(r"\text{sum} = \sum_i L_i")
    if weighted:
        lines.append(r"\text{mean} = \frac{\sum_i L_i}{\sum_i w_{y_i}}")
    else:
        lines.append(
            r"\begin{aligned}\text{mean} &= \frac{\sum_i L_i}{\sum_i w_{y_i}}\\"
            r"&= \frac{1}{N}\sum_i L_i\end{aligned}"
        )
    return lines


def _rows(rows: list[int]) -> str:
    listed = ", ".join(str(r) for r in rows[:-1])
    return f"row {rows[0]}" if len(rows) == 1 else f"rows {listed} and {rows[-1]}"


def left_out_words(*, to_fix: frozenset[int], blank: frozenset[int]) -> str:
    """Which rows the totals leave out, and why: cells to fix, or a new row not typed in."""
    parts = []
    if to_fix := sorted(to_fix - blank):
        parts.append(f"{_rows(to_fix)}, until the cells listed above are fixed")
    if blank := sorted(blank):
        parts.append(f"the empty {_rows(blank)}, until you type in it")
    return "Left out of the sum and the mean: " + "; ".join(parts) + "."
