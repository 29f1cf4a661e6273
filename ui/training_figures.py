"""Figure builders of the Live training page (data in, ``go.Figure`` out)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import plotly.graph_objects as go

from ui.theme import CLASS_COLORS, FONT

TRAIN_COLOR = CLASS_COLORS[0]
TEST_COLOR = CLASS_COLORS[5]

# ui.theme.style's look (plotly_white) spelled out. The curve is rebuilt several times a second
# while training plays, and assigning the plotly_white template costs ~10x the rest of the
# figure; a template-free layout built in one call looks the same at a fraction of the cost.
_GRID = "#EBF0F8"
_TEXT = "#2a3f5f"
_AXIS = dict(gridcolor=_GRID, linecolor=_GRID, zerolinecolor=_GRID, zerolinewidth=2, ticks="")


def loss_curve_figure(
    *,
    epochs: Sequence[int],
    train_loss: Sequence[float],
    test_loss: Sequence[float],
    y_scale: Literal["linear", "log"] = "linear",
    height: int = 300,
) -> go.Figure:
    """Training and test mean cross-entropy (lines) against the epoch."""
    x = np.asarray(epochs)
    mode = "lines" if len(x) > 1 else "markers"  # one epoch: a dot, not nothing
    traces = [
        dict(
            type="scatter",
            x=x,
            y=np.asarray(train_loss, dtype=np.float64),
            mode=mode,
            name="training",
            line=dict(color=TRAIN_COLOR, width=2),
            marker=dict(color=TRAIN_COLOR),
            hovertemplate="epoch %{x}<br>training loss %{y:.4f}<extra></extra>",
        ),
        dict(
            type="scatter",
            x=x,
            y=np.asarray(test_loss, dtype=np.float64),
            mode=mode,
            name="test",
            line=dict(color=TEST_COLOR, width=2, dash="dot"),
            marker=dict(color=TEST_COLOR),
            hovertemplate="epoch %{x}<br>test loss %{y:.4f}<extra></extra>",
        ),
    ]
    y_title = "mean cross-entropy" + (" (log scale)" if y_scale == "log" else "")
    layout = dict(
        template="none",
        font=dict(FONT, color=_TEXT),
        height=height,
        plot_bgcolor="white",
        paper_bgcolor="white",
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
    return go.Figure(dict(data=traces, layout=layout))
