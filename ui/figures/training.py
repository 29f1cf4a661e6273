"""Figure builders of the Live training page (data in, ``go.Figure`` out)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import plotly.graph_objects as go

from ui.figures.theme import CLASS_COLORS, FONT, MISTAKE, NEUTRAL

TRAIN_COLOR = CLASS_COLORS[0]
TEST_COLOR = CLASS_COLORS[5]

# The curve is rebuilt several times a second while training plays, and assigning a
# template costs ~10x the rest of the figure, so these figures use template="none" and set
# no background, text or grid colour at all: st.plotly_chart's theme="streamlit" then draws
# them in the app's theme, light or dark, like every other chart (a colour set here would
# stay, e.g. white paper in dark mode). Colours below are for marks, chosen to read on both.
_AXIS = dict(zerolinewidth=2, ticks="")
# A loss curve is at most ~600 px wide: more points than that draw the same line, but cost the
# server 6.6 ms instead of ~2 ms to build and encode (2,000 epochs) and the browser's plotly
# more to redraw. The history keeps every epoch's value; the curve shows an even selection.
MAX_CURVE_POINTS = 600
# Before the first epoch (one record, epoch 0) the chart says what will appear in it: two dots
# at x = 0 against an empty axis looked like a chart that failed to draw.
# Short lines: at 1024 px the chart's plot is ~140 px wide.
START_NOTE = "Press <b>Play</b> or <b>Step</b>:<br>the loss after<br>each epoch<br>is drawn here"
START_EPOCHS = 10  # the epoch axis shown before training: 0 to 10


def curve_points(n: int, most: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Indices of at most ``most`` of ``n`` points, evenly spread, the first and last kept."""
    if n <= most:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, most).round().astype(np.intp))


def loss_curve_figure(
    *,
    epochs: Sequence[int],
    train_loss: Sequence[float],
    test_loss: Sequence[float],
    y_scale: Literal["linear", "log"] = "linear",
    height: int = 300,
) -> go.Figure:
    """Training and test mean cross-entropy (lines) against the epoch (at most
    :data:`MAX_CURVE_POINTS` of them, :func:`curve_points`); before training (one epoch) the
    two starting losses as large dots and :data:`START_NOTE` in the middle of the chart."""
    keep = curve_points(len(epochs))
    x = np.asarray(epochs)[keep]
    start = len(x) == 1
    mode = "markers" if start else "lines"  # one epoch: a dot, not nothing
    dot = dict(size=10) if start else {}
    traces = [
        dict(
            type="scatter",
            x=x,
            y=np.asarray(train_loss, dtype=np.float64)[keep],
            mode=mode,
            name="training",
            line=dict(color=TRAIN_COLOR, width=2),
            marker=dict(color=TRAIN_COLOR, **dot),
            hovertemplate="epoch %{x}<br>training loss %{y:.4f}<extra></extra>",
        ),
        dict(
            type="scatter",
            x=x,
            y=np.asarray(test_loss, dtype=np.float64)[keep],
            mode=mode,
            name="test",
            line=dict(color=TEST_COLOR, width=2, dash="dot"),
            marker=dict(color=TEST_COLOR, **dot),
            hovertemplate="epoch %{x}<br>test loss %{y:.4f}<extra></extra>",
        ),
    ]
    y_title = "mean cross-entropy" + (" (log scale)" if y_scale == "log" else "")
    layout = dict(
        template="none",
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=20, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hoverlabel=dict(font_size=13),
        xaxis=dict(_AXIS, title=dict(text="epoch"), rangemode="tozero", automargin=True),
        yaxis=dict(
            _AXIS,
            title=dict(text=y_title),
            type=y_scale,
            rangemode="tozero" if y_scale == "linear" else "normal",
            automargin=True,
        ),
        uirevision="loss-curve",  # keep a zoom while new epochs arrive
    )
    if start:
        # the axis from 0 to START_EPOCHS with the dots on its left edge, the note in the middle
        first = float(x[0])
        layout["xaxis"]["range"] = [first - 0.5, first + START_EPOCHS + 0.5]
        layout["annotations"] = [
            dict(
                text=START_NOTE,
                xref="paper",
                yref="paper",
                x=0.5,
                y=0.45,
                showarrow=False,
                font=dict(size=12),
            )
        ]
        layout["uirevision"] = "loss-curve-start"  # the first epochs' figure autoranges again
    return go.Figure(dict(data=traces, layout=layout))


CALIBRATED_COLOR = NEUTRAL  # the diagonal and τ = 1: a mid grey, seen on white and on dark
AFTER_COLOR = CLASS_COLORS[2]  # after temperature scaling
ECE_COLOR = CLASS_COLORS[1]


TAU_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


def _layout(height: int, **axes) -> dict:
    return dict(
        template="none",
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        hoverlabel=dict(font_size=13),
        **axes,
    )


def _axis_start(n_classes: int, edges: np.ndarray) -> float:
    """The largest bin edge at or below 1/C: confidence max_c p_c is never below 1/C."""
    return float(edges[edges <= 1.0 / n_classes + 1e-12].max())


def reliability_figure(
    *,
    edges: Sequence[float],
    confidence: Sequence[float],
    accuracy: Sequence[float],
    count: Sequence[int],
    n_classes: int,
    title: str,
    color: str = TRAIN_COLOR,
    height: int = 440,
) -> go.Figure:
    """Accuracy per confidence bin (bars) against the diagonal, the gap to the bin's mean
    confidence (red), and below it how many points fall in each bin."""
    edges = np.asarray(edges, dtype=np.float64)
    conf = np.asarray(confidence, dtype=np.float64)
    acc = np.asarray(accuracy, dtype=np.float64)
    count = np.asarray(count, dtype=np.int64)
    filled = count > 0
    centres = (edges[:-1] + edges[1:]) / 2
    widths = np.diff(edges)
    bins = [f"{lo:.2f}–{hi:.2f}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    hover = [
        f"confidence {b}<br>{n} point{'' if n == 1 else 's'}<br>mean confidence {c:.4f}<br>"
        f"accuracy {a:.4f}<br>gap {abs(a - c):.4f}"
        if n
        else f"confidence {b}<br>no points"
        for b, n, c, a in zip(bins, count.tolist(), conf, acc, strict=True)
    ]
    hover = np.array(hover, dtype=object)
    start = _axis_start(n_classes, edges)
    traces = [
        dict(
            type="bar",
            x=centres[filled],
            y=acc[filled],
            width=widths[filled] * 0.96,
            name="accuracy",
            marker=dict(color=color),
            hovertext=hover[filled],
            hoverinfo="text",
        ),
        dict(
            type="bar",
            x=centres[filled],
            y=(conf - acc)[filled],
            base=acc[filled],
            width=widths[filled] * 0.96,
            name="gap to mean confidence",
            marker=dict(
                color="rgba(0, 0, 0, 0)",  # the accuracy bar shows through, in either theme
                line=dict(color=MISTAKE, width=1.5),
                pattern=dict(shape="/", fgcolor=MISTAKE, size=6, solidity=0.25),
            ),
            hovertext=hover[filled],
            hoverinfo="text",
        ),
        dict(
            type="scatter",
            x=[start, 1.0],
            y=[start, 1.0],
            mode="lines",
            name="calibrated (diagonal)",
            line=dict(color=CALIBRATED_COLOR, dash="dash", width=1.5),
            hoverinfo="skip",
        ),
        dict(
            type="bar",
            x=centres,
            y=count,
            width=widths * 0.96,
            name="points in the bin",
            marker=dict(color=NEUTRAL),
            text=[str(n) if n else "" for n in count],
            textposition="outside",
            cliponaxis=False,
            xaxis="x2",
            yaxis="y2",
            showlegend=False,
            hovertext=hover,
            hoverinfo="text",
        ),
    ]
    x_range = [start, 1.0]
    layout = _layout(
        height,
        title=dict(text=title, x=0, xanchor="left", y=0.98, yanchor="top", font=dict(size=15)),
        barmode="overlay",
        showlegend=True,
        legend=dict(
            orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, font=dict(size=12)
        ),
        xaxis=dict(_AXIS, range=x_range, anchor="y", showticklabels=False, automargin=True),
        yaxis=dict(
            _AXIS,
            title=dict(text="accuracy"),
            range=[0, 1.02],
            domain=[0.3, 1.0],
            automargin=True,
        ),
        xaxis2=dict(
            _AXIS,
            range=x_range,
            anchor="y2",
            matches="x",
            title=dict(text="confidence: the top class's probability, max p"),
            automargin=True,
        ),
        yaxis2=dict(
            _AXIS,
            title=dict(text="points"),
            domain=[0.0, 0.22],
            range=[0, max(1, int(count.max())) * 1.35],
            nticks=3,
            automargin=True,
        ),
    )
    layout["margin"]["t"] = 100
    return go.Figure(dict(data=traces, layout=layout))


def _ce_top(taus: np.ndarray, ce: np.ndarray) -> float:
    """Top of the cross-entropy axis: enough for τ = 1 and the minimum's valley, not the
    blow-up at small τ (that line leaves through the top)."""
    at_one = float(np.interp(0.0, np.log(taus), ce)) if len(taus) > 1 else float(ce.max())
    return float(min(ce.max(), max(3.0 * ce.min(), 1.3 * at_one)) * 1.05)


def temperature_figure(
    *,
    temperatures: Sequence[float],
    cross_entropy: Sequence[float],
    ece: Sequence[float],
    ce_temperature: float,
    ece_temperature: float,
    height: int = 400,
) -> go.Figure:
    """Held-out mean cross-entropy (left axis) and ECE (right axis) against τ on a log axis,
    with the τ minimising each and τ = 1 (no scaling) marked by vertical lines."""
    taus = np.asarray(temperatures, dtype=np.float64)
    ce = np.asarray(cross_entropy, dtype=np.float64)
    ece = np.asarray(ece, dtype=np.float64)
    traces = [
        dict(
            type="scatter",
            x=taus,
            y=ce,
            mode="lines",
            name="mean cross-entropy",
            line=dict(color=TRAIN_COLOR, width=2.5),
            hovertemplate="τ = %{x:.3g}<br>mean cross-entropy %{y:.4f}<extra></extra>",
        ),
        dict(
            type="scatter",
            x=taus,
            y=ece,
            mode="lines",
            name="ECE",
            yaxis="y2",
            line=dict(color=ECE_COLOR, width=2, dash="dot", shape="hv"),
            hovertemplate="τ = %{x:.3g}<br>ECE %{y:.4f}<extra></extra>",
        ),
    ]
    lines = [
        (1.0, CALIBRATED_COLOR, "dot", "τ = 1", "bottom"),
        (ce_temperature, TRAIN_COLOR, "solid", f"τ* = {ce_temperature:.3g}", "top"),
        (ece_temperature, ECE_COLOR, "dash", f"least ECE τ = {ece_temperature:.3g}", "middle"),
    ]
    shapes, notes = [], []
    for x, color, dash, text, where in lines:
        shapes.append(
            dict(
                type="line",
                xref="x",
                yref="paper",
                x0=x,
                x1=x,
                y0=0,
                y1=1,
                line=dict(color=color, dash=dash, width=1.5),
            )
        )
        y = {"top": 0.98, "middle": 0.82, "bottom": 0.66}[where]
        notes.append(
            dict(
                x=np.log10(x),
                xref="x",
                y=y,
                yref="paper",
                text=text,
                showarrow=False,
                xanchor="left",
                xshift=4,
                font=dict(size=12),  # the theme's text colour, beside its coloured line
            )
        )
    layout = _layout(
        height,
        showlegend=True,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        shapes=shapes,
        annotations=notes,
        xaxis=dict(
            _AXIS,
            type="log",
            title=dict(text="temperature τ (log scale)"),
            tickvals=[t for t in TAU_TICKS if taus.min() <= t <= taus.max()],
            ticktext=[f"{t:g}" for t in TAU_TICKS if taus.min() <= t <= taus.max()],
            automargin=True,
        ),
        yaxis=dict(
            _AXIS,
            title=dict(text="held-out mean cross-entropy"),
            range=[0, _ce_top(taus, ce)],
            automargin=True,
        ),
        yaxis2=dict(
            _AXIS,
            title=dict(text="ECE"),
            overlaying="y",
            side="right",
            rangemode="tozero",
            tickformat=".2f",
            showgrid=False,
            automargin=True,
        ),
    )
    return go.Figure(dict(data=traces, layout=layout))
