"""Figures for a projector: every font and margin larger, the figure taller; the toolbar's config
(PNG export names, the buttons shown)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

FONT_SCALE = 1.5  # projector: plotly font sizes (and the margins around them) times this
HEIGHT_SCALE = 1.35  # projector: figure heights times this
PLOTLY_FONT_SIZE = 12  # plotly's own default font size, for a figure that sets none
PLOTLY_HEIGHT = 450  # plotly's own default height, for a figure that sets none


def _scale_fonts(node: Any, factor: float) -> None:
    """Multiply every font size in a plotly figure's dict (fonts, tick fonts, text fonts…)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                size = value["size"]
                if isinstance(size, int | float):
                    value["size"] = round(size * factor, 1)
                elif isinstance(size, list | tuple):
                    value["size"] = [round(s * factor, 1) for s in size]
            _scale_fonts(value, factor)
    elif isinstance(node, list | tuple):
        for item in node:
            _scale_fonts(item, factor)


def projector_figure(
    fig: go.Figure, *, font_scale: float = FONT_SCALE, height_scale: float = HEIGHT_SCALE
) -> go.Figure:
    """A copy of ``fig`` for a projector: every font and margin ``font_scale`` times, taller."""
    spec = fig.to_dict()
    _scale_fonts(spec, font_scale)
    layout = spec.setdefault("layout", {})
    font = layout.setdefault("font", {})
    if "size" not in font:
        font["size"] = round(PLOTLY_FONT_SIZE * font_scale, 1)
    layout["height"] = round((layout.get("height") or PLOTLY_HEIGHT) * height_scale)
    margin = layout.get("margin") or {}
    layout["margin"] = {
        side: round(value * font_scale) if side in "lrtb" else value
        for side, value in margin.items()
    }
    return go.Figure(spec, skip_invalid=True)


# The toolbar buttons left out: zoom and pan still work by dragging (and a double click
# resets), but seven buttons per chart stood between a keyboard user and the next slider
# (binary: eight Tab stops before p). Left: the camera (a PNG) and Streamlit's fullscreen.
TOOLBAR_LEFT_OUT = (
    "zoom2d",
    "pan2d",
    "select2d",
    "lasso2d",
    "zoomIn2d",
    "zoomOut2d",
    "autoScale2d",
    "resetScale2d",
)


def png_export(key: str | None) -> dict[str, Any]:
    """Plotly's config: the toolbar's "Download plot as a PNG" (a file name and 2x scale),
    and a short toolbar (:data:`TOOLBAR_LEFT_OUT`)."""
    name = f"xent-{key.replace('_', '-')}" if key else "xent-figure"
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": list(TOOLBAR_LEFT_OUT),
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
    }
