"""Figure builders for the categorical cross-entropy page: numbers in, ``go.Figure`` out.

No math happens here: every number comes from ``xent_core`` (see ``ui.model.categorical_results``).
The table model is in ``ui.model.categorical_table``, the words in ``ui.text.categorical``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import plotly.graph_objects as go

from ui.figures.theme import CLASS_COLORS, MISTAKE, NEUTRAL, POSITIVE, look

# -------------------------------------------------------------------------- figures


def prediction_figure(
    *,
    classes: Sequence[str],
    p: Sequence[float],
    t: Sequence[float],
    target: int,
    target_label: str = "t (target)",
    title: str | None = None,
) -> go.Figure:
    """Bars of the predicted p (one colour per class) beside the target t (grey) for each class."""
    names = list(classes)
    colors = [CLASS_COLORS[j % len(CLASS_COLORS)] for j in range(len(names))]
    # Built in one go (no update_* calls): redrawn on every edit of the table (bench/load.py).
    return go.Figure(
        data=[
            go.Bar(
                name="p (predicted)",
                x=names,
                y=list(p),
                marker=dict(color=colors),
                text=[f"{v:.3g}" for v in p],
                textposition="outside",
                textfont=dict(size=12),
                constraintext="none",
                cliponaxis=False,
                hovertemplate="%{x}: p = %{y:.6g}<extra></extra>",
            ),
            go.Bar(
                name=target_label,
                x=names,
                y=list(t),
                marker=dict(
                    color="rgba(0,0,0,0)", line=dict(color=NEUTRAL, width=2), pattern_shape="/"
                ),
                text=[f"{v:.3g}" for v in t],
                textposition="outside",
                textfont=dict(size=12),
                constraintext="none",
                cliponaxis=False,
                hovertemplate="%{x}: t = %{y:.6g}<extra></extra>",
            ),
        ],
        layout=dict(
            **look(title=title),
            barmode="group",
            bargap=0.3,
            showlegend=True,
            yaxis=dict(title_text="probability", range=[0, 1.15]),
            xaxis=dict(title_text="class"),
            annotations=[
                dict(
                    x=names[target],
                    y=1.1,
                    text="true class",
                    showarrow=False,
                    font=dict(color=MISTAKE),
                )
            ],
        ),
    )


def gradient_figure(
    *,
    classes: Sequence[str],
    grad: Sequence[float],
    wrt: Literal["logits", "probabilities"] = "logits",
    name: str | None = None,
    title: str | None = None,
    height: int = 380,
) -> go.Figure:
    """Bars of one row's gradient per class: below 0 a step raises that class, above 0 lowers it.

    ``name`` labels the bars and the y-axis; by default ``∂L/∂z = p − t`` (logits) or
    ``∂L/∂p = −t/p`` (probabilities). ``height`` is the figure's height in pixels.
    """
    values = [float(g) for g in grad]
    if name is None:
        name = "∂L/∂z = p − t" if wrt == "logits" else "∂L/∂p = −t/p"
    return go.Figure(
        data=go.Bar(
            name=name,
            x=list(classes),
            y=values,
            marker=dict(color=[MISTAKE if g < 0 else POSITIVE for g in values]),
            text=[f"{g:.3g}" for g in values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.6g}<extra></extra>",
        ),
        layout=dict(
            **look(title=title, height=height),
            showlegend=False,
            yaxis=dict(title_text=name, zeroline=True, zerolinewidth=2, zerolinecolor=NEUTRAL),
            xaxis=dict(title_text="class"),
        ),
    )
