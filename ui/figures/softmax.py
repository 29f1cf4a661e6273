"""Figures and display helpers for the softmax & Jacobian page.

Builders are pure: numbers in, ``go.Figure`` out. Every number they draw comes from
``xent_core`` (``softmax``, ``softmax_jacobian``, ``xent_core.jacobian``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.figures.theme import CLASS_COLORS, DIVERGING, NEUTRAL, look
from ui.text.numbers import full, short

# The page's controls: 3 to 10 classes, logits in [-10, 10], τ from 0.1 to 10.
MIN_CLASSES, MAX_CLASSES = 3, 10
Z_MIN, Z_MAX = -10.0, 10.0
DEFAULT_Z = (2.0, 3.0, 4.0)  # the article's example: softmax = [0.0900…, 0.2447…, 0.6652…]
# Nearly geometric (1, 1.5, 2, 3, 5, 7 per decade), so the slider moves on a log scale.
TAU_OPTIONS = (0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0)

VIA_JACOBIAN = "#0072B2"
DIRECT = "#E69F00"

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(i: int) -> str:
    """``3`` → ``₃``, for labels such as z₃."""
    return str(i).translate(SUBSCRIPTS)


def class_labels(n: int) -> list[str]:
    """``["0", "1", …]``: classes are numbered from 0, as in xent_core."""
    return [str(i) for i in range(n)]


def parse_tau(text: str) -> float:
    """A temperature from a link: one of :data:`TAU_OPTIONS` (raises ``ValueError`` otherwise)."""
    allowed = ", ".join(f"{t:g}" for t in TAU_OPTIONS)
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"is not a number (expected one of {allowed})") from None
    if value not in TAU_OPTIONS:
        raise ValueError(f"is not one of the temperatures {allowed}")
    return value


def format_tau(value: float) -> str:
    """``1.0`` → ``1``: a temperature as it appears in a link and on the slider."""
    return f"{value:g}"


# ---------------------------------------------------------------- figures


def softmax_bars(*, p: Sequence[float], labels: Sequence[str], height: int = 340) -> go.Figure:
    """One bar per class, height p_i, its value printed on the bar, on a fixed 0-to-1 axis."""
    p = list(map(float, p))
    # Built in one go (no update_* calls): redrawn on every logit move (bench/load.py).
    fig = go.Figure(
        data=go.Bar(
            x=list(labels),
            y=p,
            marker_color=[CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(len(p))],
            text=[f"{v:.4f}" for v in p],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="class %{x}<br>p = %{customdata}<extra></extra>",
            customdata=[full(v) for v in p],
            name="p",
        ),
        layout=dict(
            **look(height=height),
            showlegend=False,
            bargap=0.35,
            xaxis=dict(title_text="class i", type="category"),
            yaxis=dict(
                title_text="p<sub>i</sub>", range=[0, 1.1], tickvals=[0, 0.25, 0.5, 0.75, 1]
            ),
        ),
    )
    return fig


def jacobian_heatmap(
    *,
    J: np.ndarray,
    labels: Sequence[str],
    digits: int = 3,
    height: int | None = None,
) -> go.Figure:
    """J as coloured cells with their values printed, on a diverging scale centred at 0.

    Row i (top to bottom) is the output p_i, column j the input z_j. The colour range is
    symmetric, ±max|J_ij|, so 0 is white, positive blue and negative red.
    """
    J = np.asarray(J, dtype=float)
    bound = float(np.abs(J).max()) or 1.0
    labels = list(labels)
    n = len(labels)
    fig = go.Figure(
        data=go.Heatmap(
            z=J.tolist(),
            x=labels,
            y=labels,
            text=[[short(v, digits) for v in row] for row in J],
            texttemplate="%{text}",
            textfont=dict(size=14 if n <= 6 else 11),
            customdata=[[full(v) for v in row] for row in J],
            hovertemplate="∂p_%{y}/∂z_%{x} = %{customdata}<extra></extra>",
            colorscale=DIVERGING,
            zmid=0.0,
            zmin=-bound,
            zmax=bound,
            xgap=1,
            ygap=1,
            colorbar=dict(thickness=12, title=dict(text="J<sub>ij</sub>", side="top")),
        ),
        layout=dict(
            **look(height=height or max(380, 120 + 56 * n)),  # cells stay about 56 px
            xaxis=dict(title_text="j (input z<sub>j</sub>)", type="category", side="bottom"),
            yaxis=dict(
                title_text="i (output p<sub>i</sub>)",
                type="category",
                autorange="reversed",  # row 0 on top, as a matrix is written
            ),
        ),
    )
    return fig


def chain_rule_figure(
    *,
    dl_dp: Sequence[float],
    via_jacobian: Sequence[float],
    direct: Sequence[float],
    labels: Sequence[str],
    temperature: float = 1.0,
    height: int = 340,
) -> go.Figure:
    """Left: ∂L/∂p = −t/p per class. Right: Jᵀ(−t/p) and (p − t)/τ as paired (equal) bars."""
    labels = list(labels)
    direct_name = "p − t" if temperature == 1.0 else f"(p − t)/τ, τ = {temperature:g}"
    # Two panels side by side, laid out by hand: make_subplots and the update_* calls cost
    # ~20 ms of the server per logit move; this builds the same figure in ~5 ms.
    left, right = [0.0, 0.36], [0.46, 1.0]  # 0.4 : 0.6 of the width, a 0.1 gap
    axis = dict(title_text="class", type="category")
    value_axis = dict(zeroline=True, zerolinecolor="#999", zerolinewidth=1)
    titles = [
        dict(
            text=text,
            x=sum(domain) / 2,
            xref="paper",
            xanchor="center",
            y=1.0,
            yref="paper",
            yanchor="bottom",
            yshift=16,  # clear of the labels on zero bars
            showarrow=False,
            font=dict(size=14),
        )
        for text, domain in (("∂L/∂p = −t/p", left), ("∂L/∂z, two ways", right))
    ]
    layout = look(height=height)
    layout.update(
        barmode="group",
        bargap=0.3,
        uniformtext=dict(minsize=10, mode="hide"),  # no unreadable labels on thin bars
        margin={**layout["margin"], "t": 60, "b": 10},
        legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="center", x=0.5),
        xaxis=dict(**axis, domain=left, anchor="y"),
        yaxis=dict(**value_axis, anchor="x"),
        xaxis2=dict(**axis, domain=right, anchor="y2"),
        yaxis2=dict(**value_axis, anchor="x2"),
        annotations=titles,
    )
    return go.Figure(
        data=[
            _bars(dl_dp, labels, name="−t/p", color=NEUTRAL, digits=4, axes=("x", "y")),
            _bars(via_jacobian, labels, name="Jᵀ(−t/p)", color=VIA_JACOBIAN, axes=("x2", "y2")),
            _bars(direct, labels, name=direct_name, color=DIRECT, axes=("x2", "y2")),
        ],
        layout=layout,
    )


def _bars(
    values: Sequence[float],
    labels: list[str],
    *,
    name: str,
    color: str,
    digits: int = 3,
    axes: tuple[str, str] = ("x", "y"),
) -> go.Bar:
    values = list(map(float, values))
    return go.Bar(
        xaxis=axes[0],
        yaxis=axes[1],
        x=labels,
        y=values,
        name=name,
        marker_color=color,
        text=[short(v, digits) for v in values],
        textposition="outside",
        cliponaxis=False,
        customdata=[full(v) for v in values],
        hovertemplate=f"{name}<br>class %{{x}}: %{{customdata}}<extra></extra>",
    )


# ---------------------------------------------------------------- tables and checks


def probability_frame(z: Sequence[float], p: Sequence[float]) -> pd.DataFrame:
    """One row per class: its logit z_i and probability p_i with every digit."""
    return pd.DataFrame(
        {
            "class": class_labels(len(p)),
            "zᵢ": [f"{v:g}" for v in z],
            "pᵢ": [full(v) for v in p],
        }
    )


def jacobian_frame(J: np.ndarray) -> pd.DataFrame:
    """The matrix with every digit, rows labelled ``i = …`` and columns ``j = …``."""
    labels = class_labels(len(J))
    return pd.DataFrame(
        [[full(v) for v in row] for row in np.asarray(J)],
        index=[f"i = {k}" for k in labels],
        columns=[f"j = {k}" for k in labels],
    )


def chain_rule_frame(
    dl_dp: Sequence[float],
    via_jacobian: Sequence[float],
    direct: Sequence[float],
    temperature: float = 1.0,
) -> pd.DataFrame:
    """The three vectors side by side, one row per class, every digit shown."""
    direct_name = "p − t" if temperature == 1.0 else "(p − t)/τ"
    return pd.DataFrame(
        {
            "class": class_labels(len(dl_dp)),
            "−t/p": [full(v) for v in dl_dp],
            "Jᵀ(−t/p)": [full(v) for v in via_jacobian],
            direct_name: [full(v) for v in direct],
        }
    )


Verdict = Literal["pass", "fail"]


def property_checks(props) -> list[tuple[Verdict, str, str]]:
    """The four facts about J as (verdict, claim, evidence) lines, from a ``JacobianProperties``."""
    eigen = ", ".join(short(v, 4) for v in props.eigenvalues)
    rank_claim = f"rank C − 1 = {props.expected_rank}"
    rank_evidence = (
        f"numerical rank {props.rank}: the independent directions J keeps (its singular "
        "values above float64's rounding tolerance)"
    )
    if not props.has_rank_c_minus_1:
        rank_evidence += (
            " — the softmax is saturated: some pᵢ are so small that their directions "
            "vanish in float64 rounding"
        )
    return [
        (
            _verdict(props.is_symmetric),
            "symmetric",
            f"max $|J_{{ij}} - J_{{ji}}|$ = {short(props.max_asymmetry, 3)}",
        ),
        (
            _verdict(props.rows_sum_to_zero),
            "every row sums to 0",
            f"max $|\\sum_j J_{{ij}}|$ = {short(props.max_row_sum, 3)}",
        ),
        (
            _verdict(props.is_positive_semidefinite),
            "eigenvalues ≥ 0 (positive semi-definite: $v^\\top J v \\ge 0$ for every $v$)",
            f"$\\lambda$ = {eigen}",
        ),
        (_verdict(props.has_rank_c_minus_1), rank_claim, rank_evidence),
    ]


def _verdict(ok: bool) -> Verdict:
    return "pass" if ok else "fail"
