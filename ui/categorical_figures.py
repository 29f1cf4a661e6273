"""Figure builders and table helpers for the categorical cross-entropy page.

The builders take numbers and return ``go.Figure``. The table helpers reshape the page's
text table (one ``target`` column holding class names, one text column per class) and
read its target column; like :mod:`ui.tables` they never change what a student typed
except where asked to (a class removed, renamed or added). No math happens here: every
number comes from ``xent_core``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.tables import CellProblem
from ui.theme import CLASS_COLORS, MISTAKE, NEUTRAL, POSITIVE, style

TARGET = "target"  # the name of the target column
MIN_CLASSES, MAX_CLASSES = 2, 10

# The seed article's 4 × 3 table: each row's target class and its probabilities, as typed.
SEED_CLASSES = ("panda", "seal", "duck")
SEED_TARGETS = ("panda", "seal", "duck", "panda")
SEED_CELLS = (
    ("0.91", "0.04", "0.05"),
    ("0.11", "0.80", "0.09"),
    ("0.30", "0.10", "0.60"),
    ("0.25", "0.40", "0.35"),
)


# ----------------------------------------------------------------------------- table


def class_column_id(number: int) -> str:
    """The stable column name of the ``number``-th class ever created (``c0``, ``c1``, …)."""
    return f"c{number}"


def seed_table() -> pd.DataFrame:
    """The seed table as text cells: ``target`` then the columns ``c0``, ``c1``, ``c2``."""
    columns = {TARGET: list(SEED_TARGETS)}
    for j in range(len(SEED_CLASSES)):
        columns[class_column_id(j)] = [row[j] for row in SEED_CELLS]
    return pd.DataFrame(columns, dtype=object)


def apply_edits(base: pd.DataFrame, edits: Mapping[str, Any] | None) -> pd.DataFrame:
    """``base`` with a ``st.data_editor`` editing state applied, as a new frame (index 0..N-1).

    The state holds ``edited_rows`` (row position -> {column: value}), ``deleted_rows``
    (row positions) and ``added_rows`` ([{column: value}]), applied in Streamlit's order:
    cell edits, then deletions, then additions. Unknown columns are ignored.
    """
    frame = base.copy().astype(object).reset_index(drop=True)
    if not edits:
        return frame
    for row, changes in (edits.get("edited_rows") or {}).items():
        for column, value in changes.items():
            if column in frame.columns and 0 <= int(row) < len(frame):
                frame.iat[int(row), frame.columns.get_loc(column)] = value
    deleted = [int(r) for r in edits.get("deleted_rows") or [] if 0 <= int(r) < len(frame)]
    frame = frame.drop(index=frame.index[deleted])
    added = [
        {column: row.get(column) for column in frame.columns}
        for row in edits.get("added_rows") or []
    ]
    if added:
        frame = pd.concat([frame, pd.DataFrame(added, columns=frame.columns, dtype=object)])
    return frame.reset_index(drop=True)


def add_class_column(frame: pd.DataFrame, column: str, fill: str = "0") -> pd.DataFrame:
    """A copy of ``frame`` with a new class column ``column`` whose cells read ``fill``."""
    out = frame.copy()
    out[column] = pd.Series([fill] * len(out), index=out.index, dtype=object)
    return out


def remove_class_column(frame: pd.DataFrame, column: str, name: str) -> pd.DataFrame:
    """A copy of ``frame`` without ``column``; rows whose target was ``name`` lose it."""
    out = frame.drop(columns=[column])
    out[TARGET] = out[TARGET].astype(object).where(out[TARGET] != name, None)
    return out


def rename_targets(frame: pd.DataFrame, renames: Mapping[str, str]) -> pd.DataFrame:
    """A copy of ``frame`` whose target cells follow the class renames ``{old: new}``."""
    out = frame.copy()
    out[TARGET] = [renames.get(t, t) if isinstance(t, str) else t for t in out[TARGET]]
    return out


def class_name_problems(names: Sequence[str]) -> list[str]:
    """Why a list of class names cannot be used (empty or repeated names); [] when fine."""
    problems = [
        f"Class {j + 1} has no name: type one." for j, name in enumerate(names) if not name.strip()
    ]
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        key = name.strip()
        if key and key in seen:
            problems.append(
                f"Classes {seen[key] + 1} and {j + 1} are both called “{key}”: "
                "class names must differ."
            )
        seen.setdefault(key, j)
    return problems


def parse_targets(
    frame: pd.DataFrame, classes: Sequence[str]
) -> tuple[np.ndarray, list[CellProblem]]:
    """The target column as class indices (-1 where unusable) and a problem per bad cell."""
    labels = np.full(len(frame), -1, dtype=np.intp)
    problems = []
    index = {name: j for j, name in enumerate(classes)}
    for i, cell in enumerate(frame[TARGET]):
        if isinstance(cell, str) and cell in index:
            labels[i] = index[cell]
        elif cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell == "":
            problems.append(CellProblem(i + 1, TARGET, "is empty: choose the true class."))
        else:
            problems.append(
                CellProblem(i + 1, TARGET, f"“{cell}” is not one of the classes: choose one.")
            )
    return labels, problems


# ---------------------------------------------------------------------------- words


def format_loss(value: float) -> str:
    """A loss at full float64 precision (``repr``); ``∞`` for +inf, ``undefined`` for nan."""
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return repr(float(value))


def weight_sum_terms(
    classes: Sequence[str], labels: Sequence[int], weights: Sequence[float]
) -> str:
    """The divisor of the weighted mean written out term by term, ``w_panda + w_seal + …``."""
    symbols = " + ".join(f"w_{classes[y]}" for y in labels)
    values = " + ".join(f"{weights[y]:g}" for y in labels)
    return f"{symbols} = {values}"


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
    fig = go.Figure(
        [
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
        ]
    )
    fig.update_layout(barmode="group", bargap=0.3, showlegend=True)
    fig = style(fig, title=title)
    fig.update_yaxes(title_text="probability", range=[0, 1.15])
    fig.update_xaxes(title_text="class")
    fig.add_annotation(
        x=names[target],
        y=1.1,
        text="true class",
        showarrow=False,
        font=dict(color=MISTAKE),
    )
    return fig


def gradient_figure(
    *,
    classes: Sequence[str],
    grad: Sequence[float],
    wrt: Literal["logits", "probabilities"] = "logits",
    name: str | None = None,
    title: str | None = None,
) -> go.Figure:
    """Bars of one row's gradient per class: below 0 a step raises that class, above 0 lowers it.

    ``name`` labels the bars and the y-axis; by default ``∂L/∂z = p − t`` (logits) or
    ``∂L/∂p = −t/p`` (probabilities).
    """
    values = [float(g) for g in grad]
    if name is None:
        name = "∂L/∂z = p − t" if wrt == "logits" else "∂L/∂p = −t/p"
    fig = go.Figure(
        go.Bar(
            name=name,
            x=list(classes),
            y=values,
            marker=dict(color=[MISTAKE if g < 0 else POSITIVE for g in values]),
            text=[f"{g:.3g}" for g in values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.6g}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text=name, zeroline=True, zerolinewidth=2, zerolinecolor=NEUTRAL)
    fig.update_xaxes(title_text="class")
    fig.update_layout(showlegend=False)
    return style(fig, title=title)
