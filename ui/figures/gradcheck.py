"""Figures, tables and words of the Gradient check page (data in, figure or frame out).

Every gradient and relative error comes from ``xent_core.gradient_check``; this module
formats them, draws them, and turns the typed table into a :class:`GradientCase`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import xent_core
from ui.figures.theme import CLASS_COLORS, MISTAKE, NEUTRAL, style
from ui.model.cells import CellProblem, parse_numbers
from ui.text.numbers import full
from xent_core import ARTICLE_BINARY_P, ARTICLE_BINARY_T
from xent_core.gradient_check import (
    EXPECTED_RELATIVE_ERROR,
    LOSSES,
    MLP_SIZES,
    N_CLASSES,
    STEPS,
    GradientCase,
    GradientCheck,
    LossName,
    StepSweep,
    random_case,
)

CAST_COLOR = CLASS_COLORS[0]  # the correct check (x cast to float64): blue
NAIVE_COLOR = MISTAKE  # the naive check on an integer x: red
ZERO_AT = 1e-17  # a relative error of exactly 0 is drawn here on the log axis
UNDEFINED_AT = 2.5  # an undefined relative error is drawn here, above the largest possible (2)
Y_RANGE = (-17.5, 0.7)  # log10 of the relative-error axis: 3e-18 … 5
MAX_TYPED_ROWS = 12
AGREES, CLOSE = 1e-7, 1e-4  # the words of :func:`agreement`

# ---------------------------------------------------------------- formulas (LaTeX)

FORMULAS: dict[str, tuple[str, str]] = {
    "bce": (
        r"L(p) = -\sum_i \big[t_i \log p_i + (1 - t_i)\log(1 - p_i)\big]",
        r"\frac{\partial L}{\partial p_i} = -\frac{t_i}{p_i} + \frac{1 - t_i}{1 - p_i}",
    ),
    "bce_logits": (
        r"L(z) = \sum_i \big[\max(z_i, 0) - z_i t_i + \log(1 + e^{-|z_i|})\big]",
        r"\frac{\partial L}{\partial z_i} = \sigma(z_i) - t_i",
    ),
    "categorical": (
        r"L(p) = -\sum_i \sum_j t_{ij} \log p_{ij} = -\sum_i \log p_{i, y_i}",
        r"\frac{\partial L}{\partial p_{ij}} = -\frac{t_{ij}}{p_{ij}}"
        r"\quad(0 \text{ where } t_{ij} = 0)",
    ),
    "softmax_ce": (
        r"L(z) = -\sum_i \log \operatorname{softmax}(z_i)_{y_i}",
        r"\frac{\partial L}{\partial z_{ij}} = p_{ij} - t_{ij},"
        r"\quad p_i = \operatorname{softmax}(z_i)",
    ),
    "mlp": (
        r"L(W_1) = \frac{1}{N}\sum_n -\log \operatorname{softmax}"
        r"\big(\tanh(x_n W_1 + b_1)\, W_2 + b_2\big)_{y_n}",
        r"\frac{\partial L}{\partial W_1} = X^{\top}\delta_1,\quad"
        r"\delta_1 = (\delta_2 W_2^{\top}) \odot (1 - a_1^2),\quad"
        r"\delta_2 = \frac{P - T}{N}",
    ),
}
CENTRAL_DIFFERENCE = (
    r"\frac{\partial L}{\partial x_k} \approx \frac{L(x + h e_k) - L(x - h e_k)}{2h}"
)
RELATIVE_ERROR = r"\text{rel. error} = \frac{|a_k - n_k|}{\max(|a_k|, |n_k|, \text{tiny})}"
TRADE_OFF = (
    r"\text{error} \approx \underbrace{\tfrac{h^2}{6}|L'''|}_{\text{truncation}}"
    r" + \underbrace{\tfrac{\varepsilon_{\text{mach}} |L|}{h}}_{\text{rounding}}"
)


# ---------------------------------------------------------------- steps h


def step_label(h: float) -> str:
    """``1e-5`` for h = 10⁻⁵ (the steps are powers of ten)."""
    return f"1e-{round(-math.log10(h))}"


def parse_step(text: str) -> float:
    """A link value (``1e-5``, ``0.00001``) as one of the steps; ValueError otherwise."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"is not a number (expected one of 1e-1 … 1e-{len(STEPS)})") from None
    for h in STEPS:
        if math.isclose(value, h, rel_tol=1e-9):
            return h
    raise ValueError(f"is not one of the steps 1e-1 … 1e-{len(STEPS)}")


def threshold_label(value: float) -> str:
    """``1e-8`` for 10⁻⁸: a power of ten without the padded exponent of ``:.0e``."""
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


# ---------------------------------------------------------------- the typed table


def table_columns(loss: LossName) -> tuple[list[str], list[str]]:
    """(fixed columns, variable columns) of the typed table of ``loss``."""
    classes = range(N_CLASSES)
    if loss == "bce":
        return ["t"], ["p"]
    if loss == "bce_logits":
        return ["t"], ["z"]
    if loss == "categorical":
        return ["target"], [f"p{c}" for c in classes]
    if loss == "softmax_ce":
        return ["target"], [f"z{c}" for c in classes]
    return ["input"], [f"h{j + 1}" for j in range(MLP_SIZES[1])]


def _text(values: Sequence[float]) -> list[str]:
    return [f"{v:g}" for v in values]


def typed_default_frame(loss: LossName, seed: int = 0) -> pd.DataFrame:
    """The typed table a student starts from: the article's worked examples as text cells.

    BCE on p: the article's 7-row table; from logits: its logits to one decimal; categorical:
    the article's 4-row table; softmax: z = (2, 3, 4) with target 2 and two more rows; the
    MLP: W₁ of the network drawn with that random seed, to three decimals.
    """
    if loss == "bce":
        return pd.DataFrame({"t": _text(ARTICLE_BINARY_T), "p": _text(ARTICLE_BINARY_P)})
    if loss == "bce_logits":
        z = np.round(xent_core.logit(np.array(ARTICLE_BINARY_P)), 1)
        return pd.DataFrame({"t": _text(ARTICLE_BINARY_T), "z": _text(z)})
    if loss == "categorical":
        return _class_frame(
            "target", "p", xent_core.ARTICLE_CATEGORICAL_LABELS, xent_core.ARTICLE_CATEGORICAL_P
        )
    if loss == "softmax_ce":
        z = [(2, 3, 4), (1, 0, -1), (0.5, -0.5, 2)]
        return _class_frame("target", "z", [2, 0, 1], z)
    w1 = np.round(random_case("mlp", seed).x, 3)  # (2, 4)
    frame = pd.DataFrame({f"h{j + 1}": _text(w1[:, j]) for j in range(w1.shape[1])})
    frame.insert(0, "input", [f"x{i + 1}" for i in range(w1.shape[0])])
    return frame


def _class_frame(first: str, prefix: str, labels, rows) -> pd.DataFrame:
    frame = pd.DataFrame({first: [str(k) for k in labels]})
    for c in range(N_CLASSES):
        frame[f"{prefix}{c}"] = _text([row[c] for row in rows])
    return frame


def parse_typed(
    loss: LossName, frame: pd.DataFrame, seed: int = 0
) -> tuple[GradientCase | None, list[CellProblem]]:
    """The typed table as a case, or None and the problems naming each bad cell.

    Binary targets lie in [0, 1], class labels are whole numbers 0 … 2, probabilities in
    [0, 1], logits and weights any finite number. The MLP's points, labels and other
    weights are those of the random case drawn with that random seed.
    """
    fixed, variable = table_columns(loss)
    if not 1 <= len(frame) <= MAX_TYPED_ROWS:
        return None, [
            CellProblem(
                max(len(frame), 1), "", f"use 1 to {MAX_TYPED_ROWS} rows (now {len(frame)})."
            )
        ]
    lo, hi = (0.0, 1.0) if LOSSES[loss].variable == "p" else (None, None)
    x, problems = parse_numbers(frame, variable, lo, hi)
    if loss == "mlp":
        base = random_case("mlp", seed)
        return (None if problems else GradientCase("mlp", x, base.t, base.points, seed)), problems
    if loss in ("bce", "bce_logits"):
        t, target_problems = parse_numbers(frame, fixed, 0.0, 1.0)
    else:
        t, target_problems = _parse_labels(frame, fixed[0])
    problems = target_problems + problems
    if problems:
        return None, sorted(problems, key=lambda p: p.row)
    x = x[:, 0] if len(variable) == 1 else x  # (N,) or (N, C)
    return GradientCase(loss, x, t[:, 0]), []


def _parse_labels(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, list[CellProblem]]:
    values, problems = parse_numbers(frame, [column])
    classes = ", ".join(map(str, range(N_CLASSES - 1))) + f" or {N_CLASSES - 1}"
    for i, v in enumerate(values[:, 0]):
        if math.isfinite(v) and (v != round(v) or not 0 <= v < N_CLASSES):
            problems.append(
                CellProblem(i + 1, column, f"{v:g} is not a class label: use {classes}.")
            )
            values[i, 0] = math.nan
    return values, problems


# ---------------------------------------------------------------- per-element results


def element_labels(loss: LossName, shape: tuple[int, ...]) -> list[str]:
    """One label per element, in ``np.ndindex`` order, matching the typed table.

    Rows count from 1 (as in the table), classes from 0 (the columns p0, z0, …); W₁'s
    element ``[i, j]`` joins input xᵢ to hidden unit hⱼ, both from 1.
    """
    name = LOSSES[loss].variable
    if loss == "mlp":
        return [f"{name}[{i + 1},{j + 1}]" for i, j in np.ndindex(shape)]
    if len(shape) == 1:
        return [f"{name}[{i + 1}]" for i in range(shape[0])]
    return [f"{name}[{i + 1},{j}]" for i, j in np.ndindex(shape)]


def error_text(e: float) -> str:
    """A relative error in three significant digits; ``0`` exactly, ``undefined`` for nan."""
    if math.isnan(e):
        return "undefined"
    if e == 0:
        return "0"
    return f"{e:.3g}" if e >= 1e-3 else f"{e:.2e}"


def agreement(e: float) -> str:
    """The verdict on one relative error, in words."""
    if math.isnan(e):
        return "– undefined"
    if e < AGREES:
        return "✓ agrees"
    if e < CLOSE:
        return "≈ close"
    return "✗ disagrees"


def _gradient_text(v: float) -> str:
    return "undefined" if math.isnan(v) else full(v).replace("-", "−")


def _input_text(v) -> str:
    text = str(int(v)) if np.issubdtype(type(v), np.integer) else f"{float(v):.10g}"
    return text.replace("-", "−")


def results_frame(
    *, check: GradientCheck, naive: GradientCheck | None = None, labels: Sequence[str]
) -> pd.DataFrame:
    """Element by element: x as fed, analytic and numeric gradients, relative error, verdict.

    With ``naive`` (the same point checked without the cast) its numeric gradient and
    relative error come first, then the cast's.
    """
    x = np.asarray(check.case.x)
    frame = pd.DataFrame(
        {
            "element": list(labels),
            f"x ({x.dtype})": [_input_text(v) for v in x.ravel()],
            "analytic": [_gradient_text(v) for v in check.analytic.ravel()],
        }
    )
    if naive is not None:
        frame["numeric, naive"] = [_gradient_text(v) for v in naive.numeric.ravel()]
        frame["rel. error, naive"] = [error_text(e) for e in naive.relative_error.ravel()]
    suffix = ", float64" if naive is not None else ""  # the cast, beside the naive check
    frame[f"numeric{suffix}"] = [_gradient_text(v) for v in check.numeric.ravel()]
    frame[f"rel. error{suffix}"] = [error_text(e) for e in check.relative_error.ravel()]
    frame["verdict"] = [agreement(e) for e in check.relative_error.ravel()]
    return frame


def results_column_widths(frame: pd.DataFrame) -> dict[str, int]:
    """Column widths in px for :func:`results_frame`: wide enough for every digit of a gradient."""
    return {c: 175 for c in frame.columns if c in ("analytic", "numeric", "numeric, float64")}


def summary(check: GradientCheck) -> str:
    """One sentence: how many elements agree (below 1e-7), are close (below 1e-4), disagree
    or are undefined."""
    verdicts = [agreement(e).split(" ")[0] for e in check.relative_error.ravel()]  # ✓ ≈ ✗ –
    n = len(verdicts)
    words = {  # verdict: (one, several)
        "✓": (
            f"agrees (below {threshold_label(AGREES)})",
            f"agree (below {threshold_label(AGREES)})",
        ),
        "≈": (
            f"is close (below {threshold_label(CLOSE)})",
            f"are close (below {threshold_label(CLOSE)})",
        ),
        "✗": ("disagrees", "disagree"),
        "–": ("is undefined", "are undefined"),
    }
    tally = {v: verdicts.count(v) for v in words}
    counts = [(k, words[v][k > 1]) for v, k in tally.items() if k]  # (count, its phrase)
    if len(counts) == 1:
        phrase = counts[0][1]
        return f"The one element {phrase}." if n == 1 else f"All {n} elements {phrase}."
    return f"Of {n} elements, " + ", ".join(f"{k} {phrase}" for k, phrase in counts) + "."


# ---------------------------------------------------------------- figures


def _drawn(errors: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Errors ready for a log axis (0 drawn at :data:`ZERO_AT`) and their hover texts."""
    drawn = np.where(errors == 0, ZERO_AT, errors)
    return drawn, [error_text(e) if e else "exactly 0" for e in errors]


def relative_error_figure(
    *,
    labels: Sequence[str],
    errors: np.ndarray,
    naive_errors: np.ndarray | None = None,
    threshold: float = EXPECTED_RELATIVE_ERROR,
    height: int = 400,
) -> go.Figure:
    """Relative error per element on a log axis (cast check, and the naive one if given),
    with the expected-agreement line; exact zeros sit on the floor, undefined ones (of the
    cast check) as open grey rings above 1."""
    fig = go.Figure()
    series = [("numeric, cast to float64" if naive_errors is not None else "numeric", errors)]
    if naive_errors is not None:
        series.insert(0, ("numeric, naive (integer x)", naive_errors))
    for name, values in series:
        values = np.asarray(values, dtype=np.float64).ravel()
        drawn, hover = _drawn(values)
        naive = name.startswith("numeric, naive")
        fig.add_trace(
            go.Scatter(
                x=list(labels),
                y=drawn,
                mode="markers",
                name=name,
                text=hover,
                marker=dict(
                    color=NAIVE_COLOR if naive else CAST_COLOR,
                    size=11 if naive else 10,
                    symbol="x" if naive else "circle",
                    line=dict(color="white", width=1),
                ),
                hovertemplate="%{x}<br>relative error %{text}<extra>" + name + "</extra>",
            )
        )
    undefined = np.isnan(np.asarray(errors, dtype=np.float64).ravel())
    if undefined.any():
        fig.add_trace(
            go.Scatter(
                x=[label for label, bad in zip(labels, undefined, strict=True) if bad],
                y=[UNDEFINED_AT] * int(undefined.sum()),
                mode="markers",
                name="undefined (no central difference)",
                marker=dict(color=NEUTRAL, size=10, symbol="circle-open", line=dict(width=2)),
                hovertemplate="%{x}<br>undefined: no central difference<extra></extra>",
            )
        )
    fig.add_hline(y=threshold, line=dict(color=NEUTRAL, dash="dash", width=1.5))
    fig.add_annotation(
        x=0,
        xref="paper",
        y=math.log10(threshold),  # plotly places annotations on a log axis in log10 units
        # two lines: on one it ran past the chart's right edge on a phone
        text=f"{threshold_label(threshold)}: what a correct<br>gradient reaches",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
    )
    fig.update_yaxes(
        type="log",
        range=list(Y_RANGE),
        title_text="relative error (log scale)",
        exponentformat="power",
        dtick=2,
    )
    fig.update_xaxes(title_text="element", type="category", tickangle=-45 if len(labels) > 8 else 0)
    style(fig, height=height)
    fig.update_layout(showlegend=True)
    return fig


def step_sweep_figure(
    *,
    sweep: StepSweep,
    h: float,
    threshold: float = EXPECTED_RELATIVE_ERROR,
    height: int = 360,
) -> go.Figure:
    """The worst relative error against the step h (log–log), the chosen h ringed: a V with
    rounding on the left and truncation on the right."""
    steps = np.asarray(sweep.steps, dtype=np.float64)
    worst = np.asarray(sweep.worst, dtype=np.float64)
    drawn, hover = _drawn(worst)
    notes = [f"{n} undefined" if n else "" for n in sweep.undefined]
    fig = go.Figure(
        go.Scatter(
            x=steps,
            y=drawn,
            mode="lines+markers",
            name="worst element",
            line=dict(color=CAST_COLOR, width=2.5),
            marker=dict(size=8),
            customdata=np.column_stack([hover, notes]),
            hovertemplate="h = %{x:.0e}<br>worst relative error %{customdata[0]}"
            "<br>%{customdata[1]}<extra></extra>",
        )
    )
    k = int(np.argmin(np.abs(np.log10(steps) - math.log10(h))))
    if np.isfinite(worst[k]):
        fig.add_trace(
            go.Scatter(
                x=[steps[k]],
                y=[drawn[k]],
                mode="markers",
                name=f"chosen h = {step_label(h)}",
                marker=dict(size=20, color="rgba(0,0,0,0)", line=dict(color=MISTAKE, width=2.5)),
                hovertemplate=f"chosen h = {step_label(h)}<extra></extra>",
            )
        )
    fig.add_hline(y=threshold, line=dict(color=NEUTRAL, dash="dash", width=1.5))
    fig.add_annotation(
        x=math.log10(steps.min()),
        y=math.log10(threshold),
        text=threshold_label(threshold),
        showarrow=False,
        yshift=10,
        xanchor="left",
    )
    # Two lines each: on one line they ran into each other in a 190 px plot (1024 px, menu open).
    sides = (
        (steps.min(), "← rounding<br>∝ ε/h", "left"),
        (steps.max(), "truncation<br>∝ h² →", "right"),
    )
    for x, text, anchor in sides:
        fig.add_annotation(
            x=math.log10(x),
            y=0,
            yref="paper",
            text=text,
            showarrow=False,
            xanchor=anchor,
            yanchor="bottom",
        )
    fig.update_xaxes(type="log", title_text="step h (log scale)", exponentformat="power")
    # A band of 2.5 decades under the lowest point for those words, so they never sit on the V.
    shown = np.log10(np.concatenate([drawn[np.isfinite(drawn) & (drawn > 0)], [threshold]]))
    fig.update_yaxes(
        type="log",
        title_text="worst relative error",
        exponentformat="power",
        dtick=2,
        range=[shown.min() - 2.5, shown.max() + 0.5],
    )
    return style(fig, height=height)


def points_frame(case: GradientCase) -> pd.DataFrame:
    """The MLP case's fixed points X and labels y, one row per point."""
    points = np.asarray(case.points)
    return pd.DataFrame(
        {
            "point": [str(n + 1) for n in range(len(points))],
            "x1": [f"{v:g}" for v in points[:, 0]],
            "x2": [f"{v:g}" for v in points[:, 1]],
            "label y": [str(int(y)) for y in case.t],
        }
    )


def undefined_note(check: GradientCheck, labels: Sequence[str]) -> str | None:
    """Why some relative errors are undefined, naming the elements; None if none is."""
    undefined = check.undefined.ravel()
    if not undefined.any():
        return None
    infinite = ~np.isfinite(check.analytic.ravel())
    name = LOSSES[check.case.loss].variable
    notes = []
    at_point = [label for label, bad in zip(labels, undefined & infinite, strict=True) if bad]
    if at_point:
        notes.append(
            f"The gradient itself is infinite at {', '.join(at_point)}: a probability of 0 on "
            "a true class (or 1 on a false one) is a certain mistake, where the loss is ∞."
        )
    by_step = [label for label, bad in zip(labels, undefined & ~infinite, strict=True) if bad]
    if by_step:
        notes.append(
            f"With h = {step_label(check.h)}, {name} ± h reaches 0 or 1 or goes beyond at "
            f"{', '.join(by_step)}, where the loss is infinite or undefined: there is no "
            f"central difference. A smaller h helps, unless {name} is 0 or 1 itself."
        )
    return " ".join(notes)


def best_step(sweep: StepSweep) -> float | None:
    """The step with the smallest worst relative error, or None if every step is undefined."""
    worst = np.asarray(sweep.worst, dtype=np.float64)
    if np.isnan(worst).all():
        return None
    return float(sweep.steps[int(np.nanargmin(worst))])
