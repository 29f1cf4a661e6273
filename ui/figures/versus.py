"""Figures of the Cross-entropy versus squared error page (data in, ``go.Figure`` out).

Every loss and gradient comes from ``xent_core``; this module only samples, styles and
animates them.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import xent_core
from ui.figures.theme import CLASS_COLORS, NEUTRAL, style
from xent_core.neuron import (
    NeuronHistory,
    sigmoid_derivative,
    squared_error_with_logits,
    squared_error_with_logits_grad,
)

CE_COLOR = CLASS_COLORS[0]  # cross-entropy: blue
SE_COLOR = CLASS_COLORS[1]  # squared error: orange
Z_MIN, Z_MAX = -8.0, 8.0
GRID_POINTS = 321  # z every 0.05 on [-8, 8]
SATURATED_BELOW = -2.0  # for t = 1: σ(z) < 0.12 and σ'(z) < 0.105 — confidently wrong
LEARNING_RATES = (0.01, 0.03, 0.05, 0.1, 0.15, 0.3, 0.5, 1.0, 2.0)
STEP_CHOICES = (50, 100, 200, 300, 500, 1000)
RACE_FRAMES = 30  # animation frames of the race (3 s at 100 ms each)
RACE_POINTS = 150  # at most this many points per drawn curve
FRAME_MS = 100


def start_verdict(p: float, t: float = 1.0) -> str:
    """How a starting output p looks against the target t, in words."""
    miss = abs(p - t)
    if miss > 0.88:
        return "confidently wrong"
    if miss > 0.5:
        return "wrong"
    return "already on the right side"


def _marker(x: float, y: float, color: str, name: str) -> dict:
    return dict(
        type="scatter",
        x=[x],
        y=[y],
        mode="markers",
        marker=dict(color=color, size=11, line=dict(color="white", width=1.5)),
        name=name,
        showlegend=False,
        hovertemplate=f"{name}<br>z = %{{x:.2f}}<br>%{{y:.6g}}<extra></extra>",
    )


def curves_figure(*, z: float, t: float = 1.0, height: int = 560) -> go.Figure:
    """Both losses (top) and both gradients dL/dz with σ'(z) (below) over z, marked at ``z``."""
    grid = np.linspace(Z_MIN, Z_MAX, GRID_POINTS)
    targets = np.full_like(grid, t)
    ce = xent_core.binary_cross_entropy_with_logits(targets, grid, reduction="none")
    se = squared_error_with_logits(targets, grid, reduction="none")
    ce_grad = xent_core.binary_cross_entropy_with_logits_grad(targets, grid, reduction="none")
    se_grad = squared_error_with_logits_grad(targets, grid, reduction="none")
    slope = sigmoid_derivative(grid)

    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        subplot_titles=(f"loss L(t = {t:g}, σ(z))", "gradient ∂L/∂z"),
        vertical_spacing=0.1,
    )
    lines = [
        (1, ce, "cross-entropy  −log σ(z)", CE_COLOR, "solid", True),
        (1, se, "squared error  (σ(z) − t)²", SE_COLOR, "solid", True),
        (2, ce_grad, "cross-entropy  σ(z) − t", CE_COLOR, "solid", False),
        (2, se_grad, "squared error  2(σ(z) − t)σ′(z)", SE_COLOR, "solid", False),
        (2, slope, "σ′(z) = σ(z)(1 − σ(z)) ≤ ¼", NEUTRAL, "dash", True),
    ]
    for col, y, name, color, dash, legend in lines:
        fig.add_trace(
            go.Scatter(
                x=grid,
                y=y,
                mode="lines",
                name=name,
                legendgroup=name.split()[0],
                showlegend=legend,
                line=dict(color=color, width=2.5 if dash == "solid" else 1.5, dash=dash),
                hovertemplate=f"{name}<br>z = %{{x:.2f}}<br>%{{y:.6g}}<extra></extra>",
            ),
            row=col,
            col=1,
        )
    at = np.array([z])
    tz = np.array([t])
    points = [
        (1, xent_core.binary_cross_entropy_with_logits(tz, at, "sum"), CE_COLOR, "cross-entropy"),
        (1, squared_error_with_logits(tz, at, "sum"), SE_COLOR, "squared error"),
        (
            2,
            xent_core.binary_cross_entropy_with_logits_grad(tz, at, "sum")[0],
            CE_COLOR,
            "∂L/∂z CE",
        ),
        (2, squared_error_with_logits_grad(tz, at, "sum")[0], SE_COLOR, "∂L/∂z squared error"),
    ]
    for col, y, color, name in points:
        fig.add_trace(go.Scatter(_marker(z, float(y), color, name)), row=col, col=1)
    for col in (1, 2):
        fig.add_vline(x=z, line=dict(color=NEUTRAL, width=1, dash="dot"), row=col, col=1)
        if t == 1.0:
            fig.add_vrect(
                x0=Z_MIN,
                x1=SATURATED_BELOW,
                fillcolor="#C0392B",
                opacity=0.07,
                line_width=0,
                row=col,
                col=1,
            )
    if t == 1.0:
        fig.add_annotation(
            x=(Z_MIN + SATURATED_BELOW) / 2,
            y=0.45,
            yref="y2",
            xref="x2",
            text="confidently wrong:<br>σ′ ≈ 0, squared error stalls",
            showarrow=False,
            font=dict(size=12, color="#C0392B"),
            yanchor="top",
        )
    fig.update_xaxes(range=[Z_MIN, Z_MAX])
    fig.update_xaxes(title_text="logit z", row=2, col=1)
    fig.update_yaxes(title_text="loss (nats for CE)", range=[0, 8.2], row=1, col=1)
    fig.update_yaxes(title_text="∂L/∂z", range=[-1.1, 0.6], zeroline=True, row=2, col=1)
    style(fig, height=height)
    fig.update_layout(margin=dict(t=80), legend=dict(y=1.06))
    return fig


def _sample_steps(n_steps: int, count: int) -> np.ndarray:
    """At most ``count`` step indices from 0 to ``n_steps``, evenly spread, both ends kept."""
    return np.unique(np.linspace(0, n_steps, min(n_steps + 1, count)).round().astype(int))


def _race_traces(ce: NeuronHistory, se: NeuronHistory, steps: np.ndarray, upto: int) -> list:
    """The six animated traces, drawn up to step ``upto``: the two loss lines, the two output
    lines, and one marker trace per panel holding both runs' current point."""
    shown = steps[steps <= upto]  # (k,)
    runs = (ce, se)
    lines = [
        dict(type="scatter", x=shown, y=run.loss[shown].astype(np.float32)) for run in runs
    ] + [dict(type="scatter", x=shown, y=run.p[shown, 0].astype(np.float32)) for run in runs]
    heads = [
        dict(type="scatter", x=[upto, upto], y=[float(run.loss[upto]) for run in runs]),
        dict(type="scatter", x=[upto, upto], y=[float(run.p[upto, 0]) for run in runs]),
    ]
    return lines + heads


def race_figure(
    *, ce: NeuronHistory, se: NeuronHistory, frames: int = RACE_FRAMES, height: int = 470
) -> go.Figure:
    """Each neuron's own loss (left, log axis) and its output p (right) against the step,
    with ▶ Race animating both from step 0 and a slider to scrub through the steps."""
    n_steps = len(ce.loss) - 1
    if len(se.loss) - 1 != n_steps:
        raise ValueError("both runs must have the same number of steps")
    steps = _sample_steps(n_steps, RACE_POINTS)
    frame_steps = _sample_steps(n_steps, frames)
    target = float(ce.t[0])

    fig = make_subplots(
        rows=1,
        cols=2,
        # two lines each: on one they ran into each other on a phone (each panel ~135 px)
        subplot_titles=("each neuron's own<br>loss (log scale)", "its output<br>p = σ(w·x + b)"),
        horizontal_spacing=0.1,
    )
    names = ("cross-entropy", "squared error")
    colors = (CE_COLOR, SE_COLOR)
    for i, trace in enumerate(_race_traces(ce, se, steps, n_steps)):
        col = 1 if i in (0, 1, 4) else 2
        kind = "loss" if col == 1 else "p"
        if i < 4:
            name = names[i % 2]
            trace.update(
                name=name,
                legendgroup=name,
                showlegend=i < 2,
                mode="lines",
                line=dict(color=colors[i % 2], width=2.5),
                hovertemplate=f"{name}<br>step %{{x}}<br>{kind} %{{y:.4g}}<extra></extra>",
            )
        else:
            trace.update(
                mode="markers",
                showlegend=False,
                customdata=list(names),
                marker=dict(color=list(colors), size=10, line=dict(color="white", width=1.5)),
                hovertemplate=f"%{{customdata}}<br>step %{{x}}<br>{kind} %{{y:.4g}}<extra></extra>",
            )
        fig.add_trace(go.Scatter(trace), row=1, col=col)
    fig.add_hline(
        y=target,
        line=dict(color=NEUTRAL, dash="dash", width=1),
        annotation_text=f"target t = {target:g}",
        annotation_position="top left",
        row=1,
        col=2,
    )
    low = np.log10(max(float(min(ce.loss.min(), se.loss.min())), 1e-12))
    high = np.log10(max(float(max(ce.loss.max(), se.loss.max())), 1e-12))
    decades = 10.0 ** np.arange(np.floor(low), np.ceil(high) + 1)  # labels at powers of ten
    fig.update_xaxes(title_text="training step", range=[0, n_steps * 1.02])
    fig.update_yaxes(
        type="log",
        tickvals=decades.tolist(),  # a list: the browser ignored a binary-encoded array here
        ticktext=[f"{d:g}" for d in decades],
        title_text="loss",
        range=[low - 0.2, high + 0.2],
        row=1,
        col=1,
    )
    fig.update_yaxes(title_text="p", range=[-0.03, 1.12], row=1, col=2)

    fig.frames = [
        go.Frame(
            name=str(s),
            data=_race_traces(ce, se, steps, int(s)),
            traces=list(range(6)),
        )
        for s in frame_steps
    ]
    play = dict(
        label="▶ Race",
        method="animate",
        args=[
            None,
            dict(
                frame=dict(duration=FRAME_MS, redraw=False),
                transition=dict(duration=0),
                fromcurrent=False,
                mode="immediate",
            ),
        ],
    )
    pause = dict(
        label="❚❚ Pause",
        method="animate",
        args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")],
    )
    style(fig, height=height)
    fig.update_layout(
        margin=dict(t=100, b=160),  # the buttons, and the step slider on its own line under them
        legend=dict(y=1.24),
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                buttons=[play, pause],
                x=0,
                y=-0.24,
                xanchor="left",
                yanchor="top",
                pad=dict(t=0, r=10),
                showactive=False,
            )
        ],
        sliders=[
            dict(
                active=len(frame_steps) - 1,
                x=0,
                len=1,
                y=-0.24,
                yanchor="top",
                pad=dict(t=44),  # under the buttons: beside them, they covered its "step 300"
                currentvalue=dict(prefix="step ", font=dict(size=13, color="#2a3f5f")),
                font=dict(color="rgba(0,0,0,0)"),  # 30 tick labels would overlap: hidden
                ticklen=2,
                steps=[
                    dict(
                        label=str(s),
                        method="animate",
                        args=[
                            [str(s)],
                            dict(
                                frame=dict(duration=0, redraw=False),
                                mode="immediate",
                                transition=dict(duration=0),
                            ),
                        ],
                    )
                    for s in frame_steps
                ],
            )
        ],
    )
    return fig
