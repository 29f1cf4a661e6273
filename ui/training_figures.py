"""Figure builders of the Live training page (data in, ``go.Figure`` out)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import plotly.graph_objects as go

from ui.theme import CLASS_COLORS, style

TRAIN_COLOR = CLASS_COLORS[0]
TEST_COLOR = CLASS_COLORS[5]


def loss_curve_figure(
    *,
    epochs: Sequence[int],
    train_loss: Sequence[float],
    test_loss: Sequence[float],
    y_scale: Literal["linear", "log"] = "linear",
    height: int = 300,
) -> go.Figure:
    """Training and test mean cross-entropy (lines) against the epoch."""
    mode = "lines" if len(epochs) > 1 else "markers"  # one epoch: a dot, not nothing
    fig = go.Figure(
        [
            go.Scatter(
                x=list(epochs),
                y=list(train_loss),
                mode=mode,
                name="training",
                line=dict(color=TRAIN_COLOR, width=2),
                hovertemplate="epoch %{x}<br>training loss %{y:.4f}<extra></extra>",
            ),
            go.Scatter(
                x=list(epochs),
                y=list(test_loss),
                mode=mode,
                name="test",
                line=dict(color=TEST_COLOR, width=2, dash="dot"),
                hovertemplate="epoch %{x}<br>test loss %{y:.4f}<extra></extra>",
            ),
        ]
    )
    style(fig, height=height)
    fig.update_xaxes(title_text="epoch", rangemode="tozero")
    fig.update_yaxes(
        title_text="mean cross-entropy" + (" (log scale)" if y_scale == "log" else ""),
        type=y_scale,
        rangemode="tozero" if y_scale == "linear" else "normal",
    )
    fig.update_layout(uirevision="loss-curve")  # keep a zoom while new epochs arrive
    return fig
