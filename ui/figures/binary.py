"""Figures and display helpers for the binary cross-entropy page.

Builders are pure: numbers in, ``go.Figure`` out. Every loss value comes from ``xent_core``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import xent_core
from ui.figures.theme import MISTAKE, NEGATIVE, NEUTRAL, POSITIVE, level_line, look
from ui.text.numbers import full, short
from xent_core import ARTICLE_BINARY_P, ARTICLE_BINARY_T

SOFT = "#6A3D9A"  # the soft-target curve: neither class colour
MISTAKE_LOSS = 1.0  # nats: a wrong-side prediction whose loss is above this is "confident"
# The bar chart's margins as Streamlit's theme (automargin on both axes) pushes them out for
# one-digit loss ticks, the legend on top and one line of row numbers, the least it ever
# needs: plotly starts from these and draws the chart once instead of twice (a second pass
# when the pushed margins differ from the requested ones: ~25 of ~55 ms per table edit in
# headless chromium). Wider ticks still push a margin out as before.
BARS_MARGIN = dict(l=72, r=10, t=44, b=64)
# The loss axis: nats on a linear axis, log10(nats) on a log axis (0.00063 … 10 nats).
Y_RANGE = {"linear": (0.0, 7.2), "log": (-3.2, 1.0)}
GRID_POINTS = 999  # samples of p on the curves, 0.001 apart


def article_frame(column: Literal["p", "z"]) -> pd.DataFrame:
    """The article's table as text cells: ``t`` and ``p``, or ``t`` and the logit ``z = logit(p)``.

    Logits keep every digit (shortest round-trip form), so their losses are the article's.
    """
    if column == "p":
        second = [f"{p:g}" for p in ARTICLE_BINARY_P]
    else:
        second = [full(z) for z in xent_core.logit(np.array(ARTICLE_BINARY_P))]
    return pd.DataFrame({"t": [f"{t:g}" for t in ARTICLE_BINARY_T], column: second})


def confident_mistakes(
    t: np.ndarray, p: np.ndarray, loss: np.ndarray, threshold: float = MISTAKE_LOSS
) -> np.ndarray:
    """True where p is on the wrong side of ½ for the target t and the loss exceeds threshold."""
    t, p, loss = np.asarray(t), np.asarray(p), np.asarray(loss)
    wrong_side = ((t > 0.5) & (p < 0.5)) | ((t < 0.5) & (p > 0.5))
    return wrong_side & (loss > threshold)


def overflowing_rows(rows: Sequence[int], loss: Sequence[float]) -> list[int]:
    """The rows whose finite loss alone exceeds the largest float64 divided by their number.

    When finite losses add up past the largest float64 (≈ 1.8e308) the sum is ∞, and at
    least one of them is above that share: these are the rows to name.
    """
    share = sys.float_info.max / max(len(rows), 1)
    return [r for r, v in zip(rows, loss, strict=True) if math.isfinite(v) and v > share]


def results_frame(
    rows: Sequence[int],
    loss: np.ndarray,
    mistake: np.ndarray,
    p_from_z: np.ndarray | None = None,
) -> pd.DataFrame:
    """The read-only table beside the editor: row, (p = σ(z)), loss with every digit, verdict."""
    frame = {"row": list(rows)}
    if p_from_z is not None:
        frame["p = σ(z)"] = [full(v) for v in p_from_z]
    frame["loss (nats)"] = [full(v) for v in loss]
    frame["note"] = ["confident mistake" if m else "" for m in mistake]
    return pd.DataFrame(frame)


# ---------------------------------------------------------------- figures


def _curve(t: float, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The loss of target t along ``grid``, keeping the finite points only."""
    loss = xent_core.binary_cross_entropy(np.full_like(grid, t), grid, reduction="none")
    finite = np.isfinite(loss)
    return grid[finite], loss[finite]


def loss_curve_figure(
    *, p: float, t: float, yscale: Literal["linear", "log"] = "linear"
) -> go.Figure:
    """The loss −log p (t = 1), −log(1 − p) (t = 0) and, for a soft t, its own curve, with
    a marker at the chosen (p, L(t, p))."""
    grid = np.linspace(0.0, 1.0, GRID_POINTS + 2)  # endpoints kept where the loss is finite
    soft = 0.0 < t < 1.0
    traces = []
    notes = []
    for target, name, colour in (
        (1.0, "t = 1:  −log p", POSITIVE),
        (0.0, "t = 0:  −log(1 − p)", NEGATIVE),
    ):
        x, y = _curve(target, grid)
        active = t == target
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                name=name,
                mode="lines",
                line=dict(color=colour, width=3 if active else 2),
                opacity=1.0 if active else 0.45,
                hovertemplate=f"{name}<br>p = %{{x:.3f}}<br>loss = %{{y:.4f}}<extra></extra>",
            )
        )
    if soft:
        x, y = _curve(t, grid)
        name = f"t = {t:g}:  soft target"
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                name=name,
                mode="lines",
                line=dict(color=SOFT, width=3, dash="dash"),
                hovertemplate=f"{name}<br>p = %{{x:.3f}}<br>loss = %{{y:.4f}}<extra></extra>",
            )
        )

    loss = float(xent_core.binary_cross_entropy([t], [p], reduction="sum"))
    y_range = Y_RANGE[yscale]
    you_line = dict(  # a dotted vertical line at the chosen p, across the plot
        type="line",
        xref="x",
        x0=p,
        x1=p,
        yref="y domain",
        y0=0,
        y1=1,
        line=dict(color=NEUTRAL, width=1, dash="dot"),
    )
    lowest, highest = (10**e for e in y_range) if yscale == "log" else y_range
    marker = dict(size=14, color="white", line=dict(color="black", width=3))
    if lowest <= loss <= highest:
        y, name, shown = loss, f"you: p = {p:g}, t = {t:g}", "%{y:.6g}"
    else:  # ∞, 0 on a log axis, or off the range: a triangle at the edge, pointing off it
        top = loss > highest
        edge = y_range[1] if top else y_range[0]  # in log10 units on a log axis
        y = 10**edge if yscale == "log" else edge
        marker |= dict(symbol="triangle-up" if top else "triangle-down", size=16)
        name = f"you: p = {p:g}, t = {t:g}, loss = {short(loss)} (off the chart)"
        shown = short(loss)
        if math.isinf(loss):
            text = f"loss = ∞ at p = {p:g}: certain and wrong"
        elif loss == 0.0:
            text = f"loss = 0 at p = {p:g}: a log axis cannot show 0"
        else:
            text = f"loss = {short(loss, 4)}: {'above' if top else 'below'} the chart"
        notes.append(
            dict(
                x=p,
                y=edge,  # plotly places annotations on a log axis in log10 units
                text=text,
                showarrow=True,
                arrowhead=2,
                ax=40 if p < 0.5 else -40,
                ay=40 if top else -40,
                xanchor="left" if p < 0.5 else "right",
                bgcolor="white",
                bordercolor="black",
            )
        )
    traces.append(
        go.Scatter(
            x=[p],
            y=[y],
            name=name,
            mode="markers",
            marker=marker,
            cliponaxis=False,
            hovertemplate=f"p = %{{x:.4g}}<br>loss = {shown}<extra>you</extra>",
        )
    )

    # Built in one go (no add_vline or update_* calls): redrawn on every slider move.
    return go.Figure(
        data=traces,
        layout=dict(
            **look(height=470),
            hovermode="closest",
            shapes=[you_line],
            annotations=notes,
            xaxis=dict(title_text="predicted probability p", range=[0, 1], dtick=0.1),
            yaxis=dict(title_text="loss L (nats)", type=yscale, range=list(y_range)),
        ),
    )


def loss_bars_figure(
    *,
    rows: Sequence[int],
    loss: np.ndarray,
    mistake: np.ndarray,
    mean: float | None = None,
    threshold: float = MISTAKE_LOSS,
    margin: dict | None = BARS_MARGIN,
) -> go.Figure:
    """One bar per table row (its loss), confident mistakes in red, the mean as a line.

    ``margin``: the margins plotly starts from (:data:`BARS_MARGIN`); ``None`` for the shared
    look's, e.g. for projector mode, whose larger fonts need margins of their own.
    """
    loss = np.asarray(loss, dtype=float)
    mistake = np.asarray(mistake, dtype=bool)
    finite = loss[np.isfinite(loss)]
    top = max(float(finite.max()) if finite.size else 0.0, threshold) * 1.2
    shown = np.where(np.isinf(loss), top, loss)  # an infinite loss is drawn to the top, "∞"
    labels = [str(r) for r in rows]
    bars = []
    for is_mistake, name, colour in (
        (False, "other rows", POSITIVE),
        (True, "confident mistake", MISTAKE),
    ):
        pick = mistake == is_mistake
        bars.append(
            go.Bar(
                x=[lab for lab, k in zip(labels, pick, strict=True) if k],
                y=shown[pick],
                name=name,
                marker=dict(
                    color=colour,  # an infinite loss is hatched: its bar is cut at the top
                    pattern_shape=["/" if math.isinf(v) else "" for v in loss[pick]],
                ),
                text=["∞" if math.isinf(v) else f"{v:#.3g}" for v in loss[pick]],
                textposition="outside",
                textfont_size=[22 if math.isinf(v) else 11 for v in loss[pick]],
                # above its bar a value keeps its size: fitted to a phone's narrow bars it
                # shrank to 7.9 px (the bars are 40 px apart there; at 11 px a value is ~34)
                constraintext="inside",
                customdata=[full(v) for v in loss[pick]],
                hovertemplate="row %{x}<br>loss = %{customdata}<extra>" + name + "</extra>",
                showlegend=True,
            )
        )
    # The lines are named in the legend, not by labels in the plot: a label there ran over the
    # bars on a phone (the red threshold label vanished on the red bars).
    lines = [(threshold, MISTAKE, 1, "dot", f"confident-mistake threshold: {threshold:g} nat")]
    if mean is not None and math.isfinite(mean):
        lines.append((mean, NEUTRAL, 2, "dash", f"mean = {short(mean, 4)}"))
    keys = [
        go.Scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=name,
            line=dict(color=colour, width=width, dash=dash),
            hoverinfo="skip",
        )
        for _, colour, width, dash, name in lines
    ]
    # Built in one go: this figure is redrawn on every table edit (bench/load.py).
    fig = go.Figure(
        data=bars + keys,
        layout=dict(
            **{**look(height=360), **({"margin": margin} if margin else {})},
            barmode="overlay",
            bargap=0.3,
            uniformtext_minsize=10,
            shapes=[
                level_line(y, color=colour, width=width, dash=dash)[0]
                for y, colour, width, dash, _ in lines
            ],
            xaxis=dict(
                title_text="row", type="category", categoryorder="array", categoryarray=labels
            ),
            yaxis=dict(title_text="loss (nats)", range=[0, top * 1.1]),
        ),
    )
    return fig
