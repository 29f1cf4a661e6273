"""Colours and shared figure styling, so every page looks like one app."""

from __future__ import annotations

import plotly.graph_objects as go

# One colour per class (colour-blind-safe, Okabe-Ito), used by every page.
CLASS_COLORS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    "#882255",
)
POSITIVE = "#0072B2"  # t = 1
NEGATIVE = "#D55E00"  # t = 0
MISTAKE = "#C0392B"  # a confident mistake
NEUTRAL = "#7F8C8D"
DIVERGING = "RdBu"  # centred at 0 for signed matrices (the Jacobian)

FONT = dict(family="Inter, system-ui, sans-serif", size=14)


def style(fig: go.Figure, *, title: str | None = None, height: int = 380) -> go.Figure:
    """The shared look: white background, light grid, compact margins, legend on top."""
    fig.update_layout(
        template="plotly_white",
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hoverlabel=dict(font_size=13),
    )
    if title:
        fig.update_layout(title=dict(text=title, x=0, xanchor="left"))
    return fig
