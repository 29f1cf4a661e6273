"""Colours and shared figure styling, so every page looks like one app."""

from __future__ import annotations

from typing import Literal

import plotly.graph_objects as go
import plotly.io as pio

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
NEUTRAL = "#7F8C8D"  # a grey that reads on white (3.5:1) and on the dark theme (5.2:1)
DIVERGING = "RdBu"  # centred at 0 for signed matrices (the Jacobian)

FONT = dict(family="Inter, system-ui, sans-serif", size=14)

# plotly_white's look without its cost: the named template is copied and validated in full
# (every trace type's defaults) on each figure, ~20 ms of the server's GIL per figure; this
# template holds only the layout settings that show, built once (~5 ms per figure).
# No background or text colour here or in any figure: st.plotly_chart(theme="streamlit")
# gives the template the app's theme (light or dark) for those, and its grid and fonts; a
# colour set in a figure's layout would stay (white paper in dark mode). Lines drawn by
# default (shapes, arrows) use INK, a grey that reads on white and on the dark theme.
INK = NEUTRAL  # graphics need 3:1 against their background
_GRID = "#EBF0F8"
_AXIS = dict(
    gridcolor=_GRID,
    linecolor=_GRID,
    zerolinecolor=_GRID,
    zerolinewidth=2,
    ticks="",
    automargin=True,
    title=dict(standoff=15),
)
TEMPLATE = go.layout.Template(
    layout=dict(
        colorway=pio.templates["plotly_white"].layout.colorway,
        hovermode="closest",
        hoverlabel=dict(align="left"),
        xaxis=_AXIS,
        yaxis=_AXIS,
        coloraxis=dict(colorbar=dict(outlinewidth=0, ticks="")),
        shapedefaults=dict(line=dict(color=INK)),
        annotationdefaults=dict(arrowcolor=INK, arrowhead=0, arrowwidth=1),
        title=dict(x=0.05),
    )
)
# Figures name it instead of passing the object: plotly deep-copies a registered template
# (~0.3 ms) where it re-validates a Template object in full (~2.3 ms, every figure on every
# rerun: a tenth of a softmax-page run's server time). The figures' JSON is the same either
# way (tests/ui/test_page_style.py).
TEMPLATE_NAME = "xent"
pio.templates[TEMPLATE_NAME] = TEMPLATE


def level_line(
    y: float,
    *,
    color: str,
    width: float = 1,
    dash: str = "dot",
    label: str = "",
    side: Literal["left", "right"] = "left",
) -> tuple[dict, dict | None]:
    """A horizontal line across the plot at ``y`` and its label above it, as layout dicts.

    What ``fig.add_hline`` draws, without its cost (~10 ms of the server per line): pass the
    shape in ``layout.shapes`` and the label in ``layout.annotations``.
    """
    shape = dict(
        type="line",
        xref="x domain",
        x0=0,
        x1=1,
        yref="y",
        y0=y,
        y1=y,
        line=dict(color=color, width=width, dash=dash),
    )
    if not label:
        return shape, None
    note = dict(
        xref="x domain",
        x=0 if side == "left" else 1,
        xanchor=side,
        yref="y",
        y=y,
        yanchor="bottom",
        text=label,
        showarrow=False,
        font=dict(color=color),
    )
    return shape, note


def look(*, title: str | None = None, height: int = 380) -> dict:
    """The shared look as layout settings, for a figure built in one go."""
    layout = dict(
        template=TEMPLATE_NAME,
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hoverlabel=dict(font_size=13),
    )
    if title:
        layout["title"] = dict(text=title, x=0, xanchor="left")
    return layout


def style(fig: go.Figure, *, title: str | None = None, height: int = 380) -> go.Figure:
    """The shared look: the app theme's background, compact margins, legend on top."""
    fig.update_layout(look(title=title, height=height))
    return fig
