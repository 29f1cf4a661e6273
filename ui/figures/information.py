"""Figures and table helpers of the Information view (entropy, cross-entropy, KL).

Builders are pure: numbers in, ``go.Figure`` out; every information quantity comes from
``xent_core.information``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import xent_core
from ui.figures.theme import CLASS_COLORS, style
from ui.model.cells import parse_numbers
from ui.text.numbers import full, short
from xent_core.information import Decomposition, cross_entropy, entropy, kl_divergence

Unit = Literal["nats", "bits"]
UNITS: tuple[Unit, ...] = ("nats", "bits")
T_COLOR = CLASS_COLORS[2]  # the true distribution: green
P_COLOR = CLASS_COLORS[0]  # the model: blue
H_COLOR = CLASS_COLORS[2]  # entropy H(t): what no model can remove
KL_COLOR = CLASS_COLORS[5]  # KL(t ‖ p): what the model's mistakes add
CE_COLOR = CLASS_COLORS[0]  # cross-entropy H(t, p)
MIN_CLASSES, MAX_CLASSES = 2, 10

# The default pair: a true distribution with some uncertainty and a model that misjudges it
# (p is the article's fourth categorical row).
DEFAULT_NAMES = ("panda", "seal", "duck")
DEFAULT_T = (0.6, 0.3, 0.1)
DEFAULT_P = (0.25, 0.4, 0.35)
COLUMNS = ("class", "t", "p")


def base_of(unit: Unit) -> float | None:
    """The logarithm base of a unit: None (natural log) for nats, 2 for bits."""
    return None if unit == "nats" else 2.0


def table_frame(
    t: Sequence[float], p: Sequence[float], names: Sequence[str] | None = None
) -> pd.DataFrame:
    """The editable table: one row per class with its name, t and p as text cells."""
    names = list(names or [])
    rows = len(t)
    names += [f"class {i + 1}" for i in range(len(names), rows)]
    return pd.DataFrame(
        {
            "class": names[:rows],
            "t": [f"{v:g}" for v in t],
            "p": [f"{v:g}" for v in p],
        }
    )


def class_labels(names: Sequence[object]) -> list[str]:
    """Display names: a blank name becomes ``class i``, repeats get their row number."""
    labels = []
    for i, name in enumerate(names, start=1):
        text = "" if name is None or (isinstance(name, float) and math.isnan(name)) else str(name)
        labels.append(text.strip() or f"class {i}")
    return [f"{label} ({i})" if labels.count(label) > 1 else label for i, label in
            enumerate(labels, start=1)]  # fmt: skip


def _with_column(frame: pd.DataFrame, column: str, values: Sequence[float]) -> pd.DataFrame:
    out = frame.copy()
    out[column] = [full(float(v)) if not float(v).is_integer() else f"{v:g}" for v in values]
    return out


def with_one_hot_t(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with t certain of the first class (t = 1, 0, …, 0): then H(t) = 0."""
    return _with_column(frame, "t", [1.0] + [0.0] * (len(frame) - 1))


def with_p_equal_t(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with the model's column a copy of t, exactly as typed: then KL = 0."""
    out = frame.copy()
    out["p"] = frame["t"]
    return out


def with_uniform_p(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with p uniform, 1/C for each of the C classes: then H(t, p) = log C."""
    return _with_column(frame, "p", xent_core.normalize_rows(np.ones(len(frame))))


def normalised(frame: pd.DataFrame) -> pd.DataFrame | None:
    """The table with t and p each divided by its sum, or None if a cell is not a usable
    number ≥ 0 or a column sums to 0. (Weights above 1 are fine: 2, 1, 1 → ½, ¼, ¼.)"""
    values, problems = parse_numbers(frame, ["t", "p"], 0.0, math.inf)
    if problems or (values.sum(axis=0) <= 0).any():
        return None
    out = frame
    for j, column in enumerate(("t", "p")):
        out = _with_column(out, column, xent_core.normalize_rows(values[:, j]))
    return out


def column_sum_problem(values: np.ndarray, column: str, tol: float = 1e-6) -> str | None:
    """A sentence if the column of probabilities does not add up to 1 (± tol), else None."""
    total = float(np.sum(values))
    if abs(total - 1.0) <= tol:
        return None
    return (
        f"Column “{column}” adds up to {total:.6g}, not 1: a distribution's probabilities "
        "must add up to 1."
    )


def distributions_figure(
    *, t: Sequence[float], p: Sequence[float], labels: Sequence[str], height: int = 320
) -> go.Figure:
    """Side-by-side bars of the true distribution t and the model p for each class."""
    fig = go.Figure()
    for values, name, color in ((t, "t (true)", T_COLOR), (p, "p (model)", P_COLOR)):
        fig.add_trace(
            go.Bar(
                x=list(labels),
                y=np.asarray(values, dtype=float),
                name=name,
                marker_color=color,
                text=[f"{v:.3g}" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{x}}<br>{name} = %{{y}}<extra></extra>",
            )
        )
    style(fig, height=height)
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(title_text="probability", range=[0, 1.12])
    fig.update_xaxes(title_text="class", type="category")
    return fig


def terms_figure(
    *,
    t: Sequence[float],
    p: Sequence[float],
    labels: Sequence[str],
    unit: Unit = "nats",
    height: int = 340,
) -> go.Figure:
    """Per class, the three contributions: −t log t (entropy), −t log p (cross-entropy) and
    t log(t/p) (KL); an infinite one is drawn as a hatched bar to the top, labelled ∞."""
    base = base_of(unit)
    series = [
        ("−tᵢ log tᵢ  (to H(t))", entropy(t, base, terms=True), H_COLOR),
        ("−tᵢ log pᵢ  (to H(t, p))", cross_entropy(t, p, base, terms=True), CE_COLOR),
        ("tᵢ log(tᵢ/pᵢ)  (to KL)", kl_divergence(t, p, base, terms=True), KL_COLOR),
    ]
    finite = np.concatenate([values[np.isfinite(values)] for _, values, _ in series])
    top = max(float(finite.max(initial=0.0)) * 1.25, 0.1)
    lowest = float(finite.min(initial=0.0))
    # room under a negative bar for its value, written downwards (~45 px)
    bottom = lowest - 0.35 * top if lowest < 0 else 0.0
    fig = go.Figure()
    for name, values, color in series:
        infinite = np.isinf(values)
        fig.add_trace(
            go.Bar(
                x=list(labels),
                y=np.where(infinite, top, values),
                name=name,
                marker=dict(
                    color=color,
                    pattern=dict(shape=["/" if inf else "" for inf in infinite]),
                ),
                text=[short(v, 3) for v in values],
                textposition="outside",
                # Nine bars side by side: written across, the values were shrunk to their
                # bars' width (5.7-8.8 px at 1024 px and on a phone) or ran into each other;
                # written upwards each needs only a line's height of its bar's width
                textangle=-90,
                constraintext="inside",
                cliponaxis=False,
                customdata=[full(v) for v in values],
                hovertemplate=f"%{{x}}<br>{name}<br>%{{customdata}} {unit}<extra></extra>",
            )
        )
    style(fig, height=height)
    fig.update_layout(barmode="group", bargap=0.2)
    fig.update_yaxes(title_text=unit, range=[bottom, top * 1.12], zeroline=True)
    fig.update_xaxes(title_text="class", type="category")
    return fig


def identity_figure(*, parts: Decomposition, unit: Unit = "nats", height: int = 170) -> go.Figure:
    """Two horizontal bars of equal length: H(t, p), and H(t) and KL(t ‖ p) stacked on it."""
    rows = ["H(t) + KL(t ‖ p)", "H(t, p)"]
    segments = [
        ("H(t)", parts.entropy, 0, H_COLOR),
        ("KL(t ‖ p)", parts.kl_divergence, 0, KL_COLOR),
        ("H(t, p)", parts.cross_entropy, 1, CE_COLOR),
    ]
    fig = go.Figure()
    for name, value, row, color in segments:
        x = [0.0, 0.0]
        x[row] = value
        text = ["", ""]
        text[row] = f"{name} {short(value, 4)}"
        fig.add_trace(
            go.Bar(
                y=rows,
                x=x,
                orientation="h",
                name=name,
                marker_color=color,
                text=text,
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate=f"{name} = {full(value)} {unit}<extra></extra>",
            )
        )
    style(fig, height=height)
    fig.update_layout(
        barmode="stack",
        bargap=0.3,
        showlegend=False,
        margin=dict(l=10, r=10, t=10, b=10),
        # a label that would shrink under 9 px to fit its segment is left out (KL's was ~6 px
        # at 1024 px); the metrics above and the table below give every value
        uniformtext=dict(minsize=9, mode="hide"),
    )
    fig.update_xaxes(title_text=unit, rangemode="tozero")
    fig.update_yaxes(tickfont=dict(size=14))  # in the theme's text colour (a grey was 3.5:1)
    return fig


def identity_frame(*, parts: Decomposition, unit: Unit = "nats") -> pd.DataFrame:
    """The identity with every digit: H(t), KL, their sum, H(t, p) computed alone, the gap."""
    return pd.DataFrame(
        {
            "quantity": [  # a named header: an empty one says nothing to a screen reader
                "H(t)",
                "+ KL(t ‖ p)",
                "= H(t) + KL(t ‖ p)",
                "H(t, p), computed on its own",
                "difference",
            ],  # fmt: skip
            unit: [
                full(parts.entropy),
                full(parts.kl_divergence),
                full(parts.entropy_plus_kl),
                full(parts.cross_entropy),
                f"{short(parts.difference, 2)} (float64 rounding)",
            ],
        }
    )
