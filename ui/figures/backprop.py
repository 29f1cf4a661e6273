"""Figures and tables of the Backpropagation page: the arrays of one forward and backward
pass as heatmaps, the size of δ layer by layer, the gradient check and the SGD step as tables.

Builders are pure: arrays in (from :meth:`xent_core.MLP.backprop_trace`), ``go.Figure`` or
``pd.DataFrame`` out. Heatmaps use the theme's diverging scale centred at 0 (blue positive,
red negative, 0 the centre colour), each array on its own scale ±max|value|, every value on
hover with all its digits; no background colour is set, so Streamlit's light or dark theme
shows through.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.figures.theme import DIVERGING, NEGATIVE, NEUTRAL, POSITIVE, look
from ui.model.backprop import ArrayCheck, Move
from ui.text.backprop import shape_text, sub
from ui.text.numbers import full, short

HIGHLIGHT = "#E69F00"  # the cell of the element formula (Okabe-Ito orange)
FIGURE_PX = 440  # the plotting width a figure is planned for: half the page at 1400 px
# The narrowest it gets: half the page at 1024 px with the menu open (about 250 px). Titles
# are planned for it (page.js shrinks or hides the printed values to fit any width).
NARROWEST_PX = 240
TITLE_PX = 36  # room above a panel for its title (two short lines)
X_TITLE_PX = 40  # room below a figure for the column numbers and their name
GAP = 0.05  # between panels laid out across, as a fraction of the width (last and first ticks)
MIN_PANEL_PX = 44  # a panel across is at least this wide at NARROWEST_PX (its title, its ticks)
MIN_COLUMNS = 3  # a panel across takes at least this many columns' width (room for its title)
NARROW_PX = 90  # a panel across narrower than this (at NARROWEST_PX) puts its shape under its name
PRINT_WIDTH_PX, PRINT_HEIGHT_PX = 40, 18  # a cell at least this big prints its value
MEMORY = 40  # figures remembered by remembered_figure
FADE_COLORS = {"sigmoid": NEGATIVE, "tanh": POSITIVE, "relu": "#009E73", "linear": NEUTRAL}


@dataclass(frozen=True)
class Panel:
    """One array drawn as a heatmap: its ``name`` (``Z₁``), an optional ``title`` after it,
    what a row and a column are, and the values (a vector is drawn as one row)."""

    name: str
    values: np.ndarray
    title: str = ""
    rows: str = "point n"
    cols: str = "unit j"
    digits: int | None = None  # print values with this many digits; None: when they fit

    @property
    def matrix(self) -> np.ndarray:
        a = np.asarray(self.values, dtype=float)
        return a.reshape(1, -1) if a.ndim == 1 else a

    def heading(self, *, narrow: bool = False) -> str:
        """``Z₁ · 4×16``: the name (and title), then the shape (on a second line if narrow)."""
        title = f" {self.title}" if self.title else ""
        between = "<br>" if narrow else " · "
        return f"<b>{self.name}</b>{title}{between}{shape_text(np.shape(self.values))}"


def row_px(rows: int) -> int:
    """A heatmap row's height in pixels: tall enough to print values up to 16 rows."""
    return 24 if rows <= 8 else 18 if rows <= 16 else 12


def _tick_step(cell_px: float, count: int) -> int:
    """Number every column (row) if there are few or they are wide enough, else every 5th."""
    return 1 if cell_px >= 18 or count <= 3 else 5


def _narrowest(cell_px: float) -> float:
    """A column ``cell_px`` wide at FIGURE_PX, as wide as it gets at NARROWEST_PX."""
    return cell_px * NARROWEST_PX / FIGURE_PX


def _heatmap(panel: Panel, axis: str, cell_px: float) -> go.Heatmap:
    a = panel.matrix
    rows, cols = a.shape
    bound = float(np.abs(a).max()) if a.size and np.isfinite(a).all() else 1.0
    where = f"{panel.rows} = %{{y}}, " if panel.rows else ""
    trace = dict(
        z=a,  # numpy: sent as base64, validated in one go
        x=np.arange(cols),
        y=np.arange(rows),
        xaxis=f"x{axis}",
        yaxis=f"y{axis}",
        colorscale=DIVERGING,
        zmid=0.0,
        zmin=-(bound or 1.0),
        zmax=bound or 1.0,
        showscale=False,
        xgap=1,
        ygap=1,
        name=panel.name,
        customdata=np.array([[full(v) for v in row] for row in a]),
        hovertemplate=(
            f"<b>{panel.name}</b><br>{where}{panel.cols} = %{{x}}<br>%{{customdata}}<extra></extra>"
        ),
    )
    digits = panel.digits
    if digits is None and cell_px >= PRINT_WIDTH_PX and row_px(rows) >= PRINT_HEIGHT_PX:
        digits = 2
    if digits is not None:
        trace.update(
            text=np.array([[short(v, digits) for v in row] for row in a]),
            texttemplate="%{text}",
            textfont=dict(size=12 if cell_px >= 50 else 10),
        )
    return go.Heatmap(**trace)


def _axes(rows: int, cols: int, cell_px: float, *, show_rows: bool, show_cols: bool):
    plain = dict(showgrid=False, zeroline=False, showline=False, ticks="")
    x = dict(
        **plain,
        range=[-0.5, cols - 0.5],
        dtick=_tick_step(_narrowest(cell_px), cols),  # numbers that fit at any width
        showticklabels=show_cols,
        tickfont=dict(size=11),
    )
    y = dict(
        **plain,
        range=[rows - 0.5, -0.5],  # row 0 on top, as a matrix is written
        dtick=_tick_step(row_px(rows), rows),
        showticklabels=show_rows,
        tickfont=dict(size=11),
    )
    return x, y


def _axis_title(text: str, standoff: int = 6) -> dict:
    return dict(text=text, standoff=standoff, font=dict(size=12))


def _title(panel: Panel, x: float, y: float, *, narrow: bool = False) -> dict:
    return dict(
        text=panel.heading(narrow=narrow),
        xref="paper",
        yref="paper",
        x=x,
        y=y,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=13),
    )


def _highlight(axis: str, row: int, col: int) -> dict:
    return dict(
        type="rect",
        xref=f"x{axis}",
        yref=f"y{axis}",
        x0=col - 0.5,
        x1=col + 0.5,
        y0=row - 0.5,
        y1=row + 0.5,
        line=dict(color=HIGHLIGHT, width=3),
        fillcolor="rgba(0,0,0,0)",
    )


def _domain(lo: float, hi: float) -> list[float]:
    """``[lo, hi]`` inside [0, 1] (sums of fractions stray by a rounding error)."""
    return [min(max(lo, 0.0), 1.0), min(max(hi, 0.0), 1.0)]


def _suffix(k: int) -> str:
    """Plotly's axis suffix of panel k (1-based): ``""`` for the first, then ``"2"``, …"""
    return "" if k == 1 else str(k)


def _spans(widths: Sequence[int], free: float) -> list[float]:
    """Each panel's share of ``free`` (fractions of the figure's width), in proportion to
    ``widths`` but none under MIN_PANEL_PX at NARROWEST_PX: the others give up the room."""
    floor = min(MIN_PANEL_PX / NARROWEST_PX, free / len(widths))
    spans = [free * w / sum(widths) for w in widths]
    while small := [k for k, span in enumerate(spans) if span < floor - 1e-12]:
        fixed = {k for k, span in enumerate(spans) if span <= floor + 1e-12} | set(small)
        rest = sum(widths[k] for k in range(len(widths)) if k not in fixed)
        room = free - floor * len(fixed)
        spans = [floor if k in fixed else room * w / rest for k, w in enumerate(widths)]
    return spans


def _across(panels: list[Panel], layout: dict) -> tuple[list[float], int]:
    """Panels side by side, sharing their rows; returns each panel's cell width and the
    figure's height."""
    shapes = [p.matrix.shape for p in panels]
    widths = [max(c, MIN_COLUMNS) for _, c in shapes]
    spans = _spans(widths, 1.0 - GAP * (len(panels) - 1))
    left, cells = 0.0, []
    for k, (panel, (r, c), w, span) in enumerate(
        zip(panels, shapes, widths, spans, strict=True), 1
    ):
        # a narrow array keeps narrow cells, left-aligned; narrower than MIN_COLUMNS, its
        # cells are up to twice as wide (the row sums Σⱼ p: room to print 1.32)
        inner = span * min(1.0, 2 * c / w)
        cell_px = FIGURE_PX * inner / c
        x, y = _axes(r, c, cell_px, show_rows=k == 1, show_cols=True)
        s = _suffix(k)
        x["title"] = _axis_title(panel.cols, standoff=12)
        layout[f"xaxis{s}"] = dict(**x, domain=_domain(left, left + inner), anchor=f"y{s}")
        layout[f"yaxis{s}"] = dict(**y, domain=[0.0, 1.0], anchor=f"x{s}")
        narrow = NARROWEST_PX * span < NARROW_PX
        layout["annotations"].append(_title(panel, left, 1.0, narrow=narrow))
        cells.append(cell_px)
        left += span + GAP
    if panels[0].rows:
        layout["yaxis"]["title"] = _axis_title(panels[0].rows)
    rows = max(r for r, _ in shapes)
    return cells, rows * row_px(rows) + TITLE_PX + X_TITLE_PX


def _down(panels: list[Panel], layout: dict) -> tuple[list[float], int]:
    """Panels one above the other, sharing their columns (the same units j)."""
    shapes = [p.matrix.shape for p in panels]
    heights = [r * row_px(r) for r, _ in shapes]
    total = sum(heights) + TITLE_PX * (len(panels) - 1)
    top, cells = 1.0, []
    for k, (panel, (r, c), px) in enumerate(zip(panels, shapes, heights, strict=True), 1):
        span = px / total
        cell_px = FIGURE_PX / c
        x, y = _axes(r, c, cell_px, show_rows=r > 1, show_cols=k == len(panels))
        s = _suffix(k)
        layout[f"xaxis{s}"] = dict(**x, domain=[0.0, 1.0], anchor=f"y{s}")
        if k > 1:
            layout[f"xaxis{s}"]["matches"] = "x"
        layout[f"yaxis{s}"] = dict(**y, domain=_domain(top - span, top), anchor=f"x{s}")
        if r > 1:
            layout[f"yaxis{s}"]["title"] = _axis_title(panel.rows)
        layout["annotations"].append(_title(panel, 0.0, top))
        cells.append(cell_px)
        top -= span + TITLE_PX / total
    layout[f"xaxis{_suffix(len(panels))}"]["title"] = _axis_title(panels[-1].cols)
    return cells, total + TITLE_PX + X_TITLE_PX


def matrix_figure(
    panels: Sequence[Panel],
    *,
    arrange: Literal["across", "down"] = "across",
    highlight: tuple[int, int, int] | None = None,
) -> go.Figure:
    """The arrays as heatmaps side by side (``across``: they share their rows, the points of
    the batch) or one above the other (``down``: they share their columns, the units).

    Each panel is titled with its name and shape; cells wide enough print their value.
    ``highlight`` is ``(panel, row, column)`` (panel 0-based): that cell gets an orange frame.
    """
    panels = list(panels)
    if not panels:
        raise ValueError("matrix_figure needs at least one panel.")
    layout = look()
    layout.pop("legend")
    layout.update(
        margin=dict(l=10, r=10, t=TITLE_PX, b=X_TITLE_PX),
        annotations=[],
        showlegend=False,
    )
    cells, height = (_across if arrange == "across" else _down)(panels, layout)
    layout["height"] = int(max(150, height))
    if highlight is not None:
        which, row, col = highlight
        layout["shapes"] = [_highlight(_suffix(which + 1), row, col)]
    traces = [_heatmap(p, _suffix(k), cells[k - 1]) for k, p in enumerate(panels, 1)]
    return go.Figure(data=traces, layout=layout)


def panels_key(panels: Sequence[Panel], *extra: object) -> str:
    """A digest of what :func:`matrix_figure` draws: equal digests, equal figures."""
    digest = hashlib.blake2b(digest_size=16)
    for p in panels:
        a = np.ascontiguousarray(p.values, dtype=float)
        digest.update(repr((p.name, p.title, p.rows, p.cols, p.digits, a.shape)).encode())
        digest.update(a.tobytes())
    digest.update(repr(extra).encode())
    return digest.hexdigest()


def remember(
    store: MutableMapping[str, go.Figure],
    key: str,
    make: Callable[[], go.Figure],
    keep: int = MEMORY,
) -> go.Figure:
    """``make()`` once per ``key``: ``store`` (any mutable mapping, e.g. a dict kept in the
    session state) holds the ``keep`` most recently used figures.

    Most controls of the page leave most arrays as they were: their figures are not rebuilt.
    """
    fig = store.pop(key, None)
    if fig is None:
        fig = make()
    store[key] = fig  # (re)inserted last: the most recently used
    while len(store) > keep:
        store.pop(next(iter(store)))
    return fig


def remembered_figure(
    store: MutableMapping[str, go.Figure],
    panels: Sequence[Panel],
    *,
    arrange: Literal["across", "down"] = "across",
    highlight: tuple[int, int, int] | None = None,
) -> go.Figure:
    """:func:`matrix_figure`, built once for the same panels (see :func:`remember`)."""
    key = panels_key(panels, arrange, highlight)
    return remember(store, key, lambda: matrix_figure(panels, arrange=arrange, highlight=highlight))


def remembered_fading(
    store: MutableMapping[str, go.Figure], sizes: Mapping[str, Sequence[float]], *, chosen: str
) -> go.Figure:
    """:func:`fading_figure`, built once for the same sizes (see :func:`remember`)."""
    key = repr(("fading", chosen, {a: [float(v) for v in s] for a, s in sizes.items()}))
    return remember(store, key, lambda: fading_figure(sizes, chosen=chosen))


# ---------------------------------------------------------------- the panels of a trace


def probability_panels(P: np.ndarray, *, name: str = "P", title: str = "") -> list[Panel]:
    """P and its row sums Σⱼ p_nj beside it: 1 for a softmax, anything for sigmoids."""
    P = np.asarray(P, dtype=float)
    return [
        Panel(name, P, title, cols="class j"),
        Panel("Σⱼ p", P.sum(axis=1, keepdims=True), cols="sum", digits=3),
    ]


def jacobian_panel(J: np.ndarray, *, row: int) -> Panel:
    """Row ``row``'s output Jacobian ``∂p_i/∂z_j`` (C×C), its values printed."""
    return Panel(
        "J = ∂p/∂z",
        np.asarray(J, dtype=float),
        f"of row {row}",
        rows="output p<sub>i</sub>",
        cols="logit z<sub>j</sub>",
        digits=3,
    )


# ---------------------------------------------------------------- fading gradients


def delta_names(n_layers: int) -> list[str]:
    """``δ₁ … δ_L``, the last marked as the output layer's."""
    return [f"δ{sub(k)}" + (" (output)" if k == n_layers else "") for k in range(1, n_layers + 1)]


def fading_figure(sizes: Mapping[str, Sequence[float]], *, chosen: str) -> go.Figure:
    """‖δ_k‖ per layer on a log axis: bars for the ``chosen`` activation, dotted lines with
    markers for the others, so the shrinking from the output (right) to the input (left)
    compares at a glance."""
    traces = []
    for activation, values in sizes.items():
        values = [float(v) for v in values]
        names = delta_names(len(values))
        # the ratio to the next layer up: how much δ shrank coming down one layer
        shrink = [
            f"<br>{short(values[k] / values[k + 1], 3)} × the layer above"
            if k + 1 < len(values) and values[k + 1]
            else ""
            for k in range(len(values))
        ]
        common = dict(
            x=names,
            y=values,
            name=activation,
            customdata=[[full(v), s] for v, s in zip(values, shrink, strict=True)],
            hovertemplate=f"{activation}: ‖%{{x}}‖ = %{{customdata[0]}}%{{customdata[1]}}"
            "<extra></extra>",
        )
        color = FADE_COLORS.get(activation, NEUTRAL)
        if activation == chosen:
            traces.append(
                go.Bar(
                    **common,
                    marker_color=color,
                    text=[short(v, 2) for v in values],
                    textposition="outside",
                    constraintext="inside",  # not shrunk to a phone's bar width (7.4 px)
                    cliponaxis=False,
                )
            )
        else:
            traces.append(
                go.Scatter(
                    **common,
                    mode="lines+markers",
                    line=dict(color=color, dash="dot", width=2),
                    marker=dict(color=color, size=8),
                )
            )
    traces.sort(key=lambda t: t.type != "bar")  # the bars first, the lines over them
    return go.Figure(
        data=traces,
        layout=dict(
            **look(height=360),
            xaxis=dict(title_text="layer (backward: right to left)"),
            yaxis=dict(title_text="‖δ‖ (log scale)", type="log"),
            bargap=0.4,
        ),
    )


# ---------------------------------------------------------------- tables


def parameter_name(name: str, layer: int, index: Sequence[int]) -> str:
    """``W₂[3, 1]``, ``b₁[5]``."""
    return f"{name}{sub(layer)}[{', '.join(str(int(i)) for i in index)}]"


def check_frame(checks: Sequence[ArrayCheck]) -> pd.DataFrame:
    """One row per gradient array: its shape, how many entries were nudged, the largest
    value, the largest difference and the relative error ‖a − n‖ / max(‖a‖, ‖n‖)."""
    return pd.DataFrame(
        {
            "gradient": [f"∂L/∂{c.name}{sub(c.layer)}" for c in checks],
            "shape": [shape_text(c.shape) for c in checks],
            "entries checked": [
                f"{c.checked}" if c.checked == c.size else f"{c.checked} of {c.size}"
                for c in checks
            ],
            "largest |analytic|": [short(c.largest, 3) for c in checks],
            "largest |analytic − numeric|": [short(c.max_difference, 3) for c in checks],
            "relative error": [short(c.relative_error, 3) for c in checks],
        }
    )


def moves_frame(moves: Sequence[Move]) -> pd.DataFrame:
    """The parameters that moved most in one step: before, gradient, after, change."""
    return pd.DataFrame(
        {
            "parameter": [parameter_name(m.name, m.layer, m.index) for m in moves],
            "before": [short(m.before, 5) for m in moves],
            "∂L/∂θ": [short(m.grad, 5) for m in moves],
            "after": [short(m.after, 5) for m in moves],
            "change −η ∂L/∂θ": [short(m.change, 5) for m in moves],
        }
    )
