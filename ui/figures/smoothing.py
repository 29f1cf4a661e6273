"""Figures of the Label smoothing & temperature page (data in, ``go.Figure`` out).

Every loss, target and probability comes from ``xent_core``; this module samples, styles and
formats them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import xent_core
from ui.figures.theme import CLASS_COLORS, NEUTRAL, style
from ui.model import params
from ui.text.numbers import full, short
from xent_core.information import cross_entropy, entropy, spread_distribution

EPSILONS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
DEFAULT_EPSILONS = (0.0, 0.1, 0.3)
MIN_CLASSES, MAX_CLASSES = 2, 10
P_GRID = np.linspace(0.001, 0.999, 999)  # p_target every 0.001
LOSS_TOP = 5.0
TAU_GRID = np.geomspace(0.05, 20.0, 241)  # τ on a log scale, about 90 points per decade
TAU_TICKS = (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20)
Z_LIMIT = 20.0
DEFAULT_Z = "2, 3, 4"
EPS_COLORS = ("#000000", CLASS_COLORS[4], CLASS_COLORS[0], CLASS_COLORS[2], CLASS_COLORS[1],
              CLASS_COLORS[5])  # fmt: skip


def eps_color(eps: float) -> str:
    """A fixed colour per ε, so a curve keeps its colour when others are switched on or off."""
    return EPS_COLORS[EPSILONS.index(eps)] if eps in EPSILONS else NEUTRAL


def parse_epsilons(text: str) -> list[float]:
    """A link's list of smoothing strengths, each one of :data:`EPSILONS` (a list, as the
    multiselect holds it), sorted, without repeats."""
    values = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise ValueError("is not a list of numbers separated by commas") from None
        if value not in EPSILONS:
            raise ValueError(f"names ε = {part.strip()}, not one of {format_epsilons(EPSILONS)}")
        values.append(EPSILONS[EPSILONS.index(value)])
    return sorted(set(values))


def format_epsilons(values: Sequence[float]) -> str:
    return ",".join(f"{v:g}" for v in values)


def parse_logits(text: str) -> tuple[float, ...]:
    """Typed logits ``"2, 3, 4"`` as numbers; a ``ValueError`` says what is wrong."""
    return params.number_list(MIN_CLASSES, MAX_CLASSES, -Z_LIMIT, Z_LIMIT)(text)


def checked_logits(text: str) -> str:
    """A link parser that keeps the logits as typed text once they parse."""
    parse_logits(text)
    return text


def smoothed_target(eps: float, n_classes: int) -> np.ndarray:
    """The smoothed one-hot target of class 0, ``(1 - ε) e₀ + ε / C``, shape (C,)."""
    return xent_core.smoothed_targets([0], n_classes, eps)[0]


def smoothing_figure(*, epsilons: Sequence[float], n_classes: int, height: int = 430) -> go.Figure:
    """One loss curve per ε against p_target (the rest shared evenly), each with its minimum
    marked: at p_target = 1 − ε + ε/C, where the loss is the smoothed target's entropy."""
    rows = spread_distribution(P_GRID, n_classes)  # (K, C)
    fig = go.Figure()
    for eps in epsilons:
        target = smoothed_target(eps, n_classes)  # (C,)
        loss = cross_entropy(np.tile(target, (len(P_GRID), 1)), rows)  # (K,)
        color = eps_color(eps)
        name = f"ε = {eps:g}"
        fig.add_trace(
            go.Scatter(
                x=P_GRID,
                y=loss,
                mode="lines",
                name=name,
                legendgroup=name,
                line=dict(color=color, width=2.5),
                hovertemplate=f"{name}<br>p<sub>target</sub> = %{{x:.3f}}<br>loss %{{y:.4f}}"
                "<extra></extra>",
            )
        )
        best, lowest = float(target[0]), entropy(target)
        fig.add_trace(
            go.Scatter(
                x=[best],
                y=[lowest],
                mode="markers",
                name=f"{name}: minimum",
                legendgroup=name,
                showlegend=False,
                marker=dict(
                    color=color, size=12, symbol="diamond", line=dict(color="white", width=1.5)
                ),
                hovertemplate=(
                    f"{name}: best p<sub>target</sub> = {full(best)}<br>"
                    f"minimum loss = H(t′) = {full(lowest)}<extra></extra>"
                ),
            )
        )
        fig.add_vline(x=best, line=dict(color=color, width=1, dash="dot"))
    style(fig, height=height)
    fig.update_xaxes(
        # short: "predicted probability of the target class, p_target" was cut at 1024 px
        title_text="predicted p<sub>target</sub> (target class)",
        range=[0, 1.02],
    )
    fig.update_yaxes(
        title_text="cross-entropy with the smoothed target (nats)", range=[0, LOSS_TOP]
    )
    return fig


def smoothing_frame(*, epsilons: Sequence[float], n_classes: int) -> pd.DataFrame:
    """Per ε: the smoothed target's two values, the best prediction and the least loss."""
    rows = []
    for eps in epsilons:
        target = smoothed_target(eps, n_classes)
        at_099 = cross_entropy(target, spread_distribution(0.99, n_classes))
        rows.append(
            {
                "ε": f"{eps:g}",
                "t′ target": short(float(target[0]), 12),
                "t′ other": short(float(target[1]), 12),
                "best p(target)": short(float(target[0]), 12),
                "least loss H(t′)": short(entropy(target), 12),
                "loss at p(target) = 0.99": short(at_099),
            }
        )
    return pd.DataFrame(rows)


def temperature_curves(z: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """softmax(z/τ) (T, C) and log softmax(z/τ) (T, C) for every τ of :data:`TAU_GRID`."""
    p = np.array([xent_core.softmax(z, temperature=tau) for tau in TAU_GRID])
    log_p = np.array([xent_core.log_softmax(z, temperature=tau) for tau in TAU_GRID])
    return p, log_p


def temperature_figure(
    *, z: Sequence[float], tau: float, target: int, height: int = 560
) -> go.Figure:
    """Top: each class's softmax(z/τ) against τ (log axis). Bottom: the entropy of that
    distribution and the loss −log p_target. A dotted line marks the chosen τ."""
    p, log_p = temperature_curves(z)
    n = len(z)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.6, 0.4],
    )
    for i in range(n):
        fig.add_trace(
            go.Scatter(
                x=TAU_GRID,
                y=p[:, i],
                mode="lines",
                name=f"p{i} (z = {z[i]:g})",
                line=dict(color=CLASS_COLORS[i], width=2.5),
                hovertemplate=f"class {i}<br>τ = %{{x:.3g}}<br>p = %{{y:.4f}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Scatter(
            x=TAU_GRID,
            y=entropy(p),
            mode="lines",
            name="entropy H(p)",
            line=dict(color=NEUTRAL, width=2.5),
            hovertemplate="τ = %{x:.3g}<br>H(p) = %{y:.4f} nats<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=TAU_GRID,
            y=-log_p[:, target],
            mode="lines",
            name=f"loss −log p{target} (target class {target})",
            line=dict(color=CLASS_COLORS[target], width=2.5, dash="dash"),
            hovertemplate="τ = %{x:.3g}<br>−log p = %{y:.4f} nats<extra></extra>",
        ),
        row=2,
        col=1,
    )
    most = entropy(xent_core.normalize_rows(np.ones(n)))  # the uniform distribution's: log C
    fig.add_hline(
        y=most,
        line=dict(color=NEUTRAL, width=1, dash="dot"),
        annotation_text=f"log C = {most:.3f}, the most uncertain",
        annotation_position="top left",
        row=2,
        col=1,
    )
    for row in (1, 2):
        fig.add_vline(x=tau, line=dict(color=NEUTRAL, width=1.5, dash="dot"), row=row, col=1)
    fig.update_xaxes(
        type="log",
        range=[np.log10(TAU_GRID[0]), np.log10(TAU_GRID[-1])],
        tickvals=list(TAU_TICKS),  # a list: a binary-encoded array was ignored by the browser
        ticktext=[f"{v:g}" for v in TAU_TICKS],
    )
    fig.update_xaxes(title_text="temperature τ (log scale)", row=2, col=1)
    fig.update_yaxes(title_text="p = softmax(z/τ)", range=[0, 1.02], row=1, col=1)
    # a wrong target's loss grows like 1/τ: clip it, so the entropy stays readable
    fig.update_yaxes(title_text="nats", range=[0, max(3.0, 2.2 * most)], row=2, col=1)
    style(fig, height=height)
    fig.update_layout(margin=dict(t=80))
    return fig


def temperature_frame(*, z: Sequence[float], tau: float, target: int) -> pd.DataFrame:
    """At the chosen τ: each class's logit and probability, and the target's loss."""
    p = xent_core.softmax(z, temperature=tau)
    log_p = xent_core.log_softmax(z, temperature=tau)
    return pd.DataFrame(
        {
            "class": [str(i) + (" (target)" if i == target else "") for i in range(len(z))],
            "z": [f"{v:g}" for v in z],
            "p = softmax(z/τ)": [full(float(v)) for v in p],
            "−log p": [full(float(-v)) for v in log_p],
        }
    )
