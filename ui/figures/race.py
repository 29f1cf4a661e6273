"""The race's loss curves: two copies of one network, trained by two optimisers (or two
learning rates) from the same initial weights on the same mini-batches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import plotly.graph_objects as go

from ui.figures.training import TEST_COLOR, TRAIN_COLOR, curve_points, loss_curve_figure

LANE_COLORS = (TRAIN_COLOR, TEST_COLOR)  # blue and vermillion (Okabe-Ito): lane 1, lane 2


def race_curve_figure(
    *,
    names: tuple[str, str],
    epochs: tuple[Sequence[int], Sequence[int]],
    train_loss: tuple[Sequence[float], Sequence[float]],
    test_loss: tuple[Sequence[float], Sequence[float]],
    y_scale: Literal["linear", "log"] = "linear",
    height: int = 300,
) -> go.Figure:
    """Each lane's training loss (solid) and test loss (dotted) against the epoch, one colour
    per lane, named ``training · Adam``, ``test · Adam``, …"""
    fig = loss_curve_figure(
        epochs=epochs[0],
        train_loss=train_loss[0],
        test_loss=test_loss[0],
        y_scale=y_scale,
        height=height,
    )
    mode = fig.data[0].mode
    for lane in (0, 1):
        color = LANE_COLORS[lane]
        keep = curve_points(len(epochs[lane]))
        for kind, values, dash in (("training", train_loss, "solid"), ("test", test_loss, "dot")):
            trace = dict(
                type="scatter",
                x=np.asarray(epochs[lane])[keep],
                y=np.asarray(values[lane], dtype=np.float64)[keep],
                mode=mode,
                name=f"{kind} · {names[lane]}",
                line=dict(color=color, width=2, dash=dash),
                marker=dict(color=color),
                hovertemplate=f"{names[lane]}<br>epoch %{{x}}<br>{kind} loss %{{y:.4f}}"
                "<extra></extra>",
            )
            if lane == 0:
                fig.data[0 if kind == "training" else 1].update(trace)
            else:
                fig.add_trace(trace)
    fig.update_layout(uirevision="race-curve")
    return fig
