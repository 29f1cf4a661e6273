"""The binary cross-entropy page's figure builders and display helpers: traces, axes, values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ui.figures.binary import (
    BARS_MARGIN,
    Y_RANGE,
    article_frame,
    confident_mistakes,
    full,
    loss_bars_figure,
    loss_curve_figure,
    overflowing_rows,
    results_frame,
    short,
)
from ui.figures.theme import MISTAKE, NEGATIVE, NEUTRAL, POSITIVE, look
from xent_core import ARTICLE_BINARY_P, ARTICLE_BINARY_T

SEED_LOSS = np.array(
    [
        0.0725706928348355,
        0.09431067947124129,
        0.3011050927839216,
        0.2613647641344075,
        1.897119984885881,
        1.7719568419318752,
        0.06187540371808753,
    ]
)


def trace(fig, name_start: str):
    """The one trace whose name starts with ``name_start``."""
    found = [tr for tr in fig.data if tr.name.startswith(name_start)]
    assert len(found) == 1, [tr.name for tr in fig.data]
    return found[0]


# ---------------------------------------------------------------- the loss curves


def test_curve_figure_draws_minus_log_p_and_minus_log_one_minus_p() -> None:
    """The t = 1 curve is -log p and the t = 0 curve is -log(1 - p), in the theme colours."""
    fig = loss_curve_figure(p=0.7, t=1.0)
    pos, neg = trace(fig, "t = 1"), trace(fig, "t = 0")
    np.testing.assert_allclose(pos.y, -np.log(pos.x), rtol=1e-12)
    np.testing.assert_allclose(neg.y, -np.log1p(-np.asarray(neg.x)), rtol=1e-12)
    assert pos.line.color == POSITIVE and neg.line.color == NEGATIVE
    assert "loss" in pos.hovertemplate and "p =" in pos.hovertemplate


def test_curves_cover_p_in_zero_one_and_leave_out_infinite_points() -> None:
    """-log p runs over (0, 1] (finite at 1, left out at 0); -log(1 - p) over [0, 1)."""
    fig = loss_curve_figure(p=0.5, t=1.0)
    pos, neg = trace(fig, "t = 1"), trace(fig, "t = 0")
    assert pos.x[0] > 0 and pos.x[-1] == 1.0 and pos.y[-1] == 0.0
    assert neg.x[0] == 0.0 and neg.x[-1] < 1.0
    assert np.all(np.isfinite(pos.y)) and np.all(np.isfinite(neg.y))
    assert len(pos.x) > 500  # smooth enough to hover


def test_marker_sits_at_the_chosen_p_on_the_loss() -> None:
    """The 'you' marker is at (p, -log p) for t = 1."""
    you = trace(loss_curve_figure(p=0.3, t=1.0), "you")
    assert you.x[0] == 0.3
    assert you.y[0] == pytest.approx(-math.log(0.3), rel=1e-15)


@pytest.mark.parametrize("p", [0.01, 0.25, 0.5, 0.85, 0.99])
def test_marker_for_t_zero_is_minus_log_one_minus_p(p: float) -> None:
    """For t = 0 the marker is at (p, -log(1 - p))."""
    you = trace(loss_curve_figure(p=p, t=0.0), "you")
    assert (you.x[0], you.y[0]) == (p, pytest.approx(-math.log1p(-p), rel=1e-14))


def test_soft_target_adds_its_own_curve_and_marks_it() -> None:
    """t = 0.3 draws a third, dashed curve t·(-log p) + (1-t)·(-log(1-p)); the marker is on it."""
    fig = loss_curve_figure(p=0.6, t=0.3)
    soft = trace(fig, "t = 0.3")
    x = np.asarray(soft.x)
    np.testing.assert_allclose(soft.y, -(0.3 * np.log(x) + 0.7 * np.log1p(-x)), rtol=1e-12)
    assert soft.line.dash == "dash"
    you = trace(fig, "you")
    assert you.y[0] == pytest.approx(-(0.3 * math.log(0.6) + 0.7 * math.log(0.4)), rel=1e-14)


def test_hard_targets_draw_no_soft_curve_and_highlight_their_own() -> None:
    """t = 0 and t = 1 draw two curves; the one for the chosen t is opaque, the other faded."""
    fig = loss_curve_figure(p=0.4, t=0.0)
    assert [tr.name.split(":")[0] for tr in fig.data if tr.mode == "lines"] == ["t = 1", "t = 0"]
    assert trace(fig, "t = 0").opacity == 1.0
    assert trace(fig, "t = 1").opacity < 1.0


@pytest.mark.parametrize("yscale", ["linear", "log"])
def test_y_axis_type_follows_the_toggle(yscale: str) -> None:
    """The loss axis is linear or log as asked, with a fixed range, and titled in nats."""
    fig = loss_curve_figure(p=0.7, t=1.0, yscale=yscale)
    assert fig.layout.yaxis.type == yscale
    assert tuple(fig.layout.yaxis.range) == Y_RANGE[yscale]
    assert "nats" in fig.layout.yaxis.title.text
    assert fig.layout.xaxis.title.text == "predicted probability p"
    assert tuple(fig.layout.xaxis.range) == (0, 1)


def test_infinite_loss_is_a_triangle_at_the_top_with_a_note() -> None:
    """t = 1, p = 0: no crash; the marker sits at the top edge and a note says loss = ∞."""
    fig = loss_curve_figure(p=0.0, t=1.0)
    you = trace(fig, "you")
    assert you.marker.symbol == "triangle-up"
    assert you.y[0] == Y_RANGE["linear"][1]
    assert "∞" in you.name
    assert any("loss = ∞" in a.text for a in fig.layout.annotations)


def test_zero_loss_on_a_log_axis_points_below_the_chart() -> None:
    """t = 1, p = 1 on a log axis: loss 0 cannot be drawn; a triangle at the bottom says so."""
    fig = loss_curve_figure(p=1.0, t=1.0, yscale="log")
    you = trace(fig, "you")
    assert you.marker.symbol == "triangle-down"
    assert you.y[0] == pytest.approx(10 ** Y_RANGE["log"][0])
    note = [a for a in fig.layout.annotations if "loss = 0" in a.text]
    assert len(note) == 1 and note[0].y == Y_RANGE["log"][0]  # log10 units on a log axis


def test_a_finite_loss_above_the_linear_range_is_pointed_at() -> None:
    """p = 1e-5, t = 1 has loss 11.5 > 7.2: a triangle at the top and the value in a note."""
    fig = loss_curve_figure(p=1e-5, t=1.0)
    assert trace(fig, "you").marker.symbol == "triangle-up"
    assert any("11.51" in a.text and "above" in a.text for a in fig.layout.annotations)


# ---------------------------------------------------------------- confident mistakes


def test_seed_confident_mistakes_are_rows_5_and_6() -> None:
    """In the seed table, 0.85 for a negative and 0.17 for a positive are the mistakes."""
    mistakes = confident_mistakes(np.array(ARTICLE_BINARY_T), np.array(ARTICLE_BINARY_P), SEED_LOSS)
    assert np.flatnonzero(mistakes).tolist() == [4, 5]


@pytest.mark.parametrize(
    ("t", "p", "loss", "expected"),
    [
        (1.0, 0.45, 0.8, False),  # wrong side but not confident (loss below 1 nat)
        (0.0, 0.05, 3.0, False),  # high loss cannot happen here, but right side is never one
        (0.5, 0.99, 2.3, False),  # t = ½ has no wrong side
        (0.8, 0.1, 1.9, True),  # a soft target can be confidently contradicted
    ],
)
def test_confident_mistake_needs_the_wrong_side_and_a_high_loss(
    t: float, p: float, loss: float, expected: bool
) -> None:
    """A row is a confident mistake only when p is on the wrong side of ½ and loss > 1 nat."""
    assert confident_mistakes(np.array([t]), np.array([p]), np.array([loss]))[0] == expected


# ---------------------------------------------------------------- the bar chart


def test_bars_colour_confident_mistakes_red_and_the_rest_blue() -> None:
    """Rows 5 and 6 are in the red 'confident mistake' trace, the others in 'other rows'."""
    mistakes = confident_mistakes(np.array(ARTICLE_BINARY_T), np.array(ARTICLE_BINARY_P), SEED_LOSS)
    fig = loss_bars_figure(rows=range(1, 8), loss=SEED_LOSS, mistake=mistakes, mean=0.637)
    red, rest = trace(fig, "confident mistake"), trace(fig, "other rows")
    assert red.marker.color == MISTAKE and rest.marker.color == POSITIVE
    assert list(red.x) == ["5", "6"]
    assert list(rest.x) == ["1", "2", "3", "4", "7"]
    np.testing.assert_array_equal(red.y, SEED_LOSS[[4, 5]])
    assert red.showlegend and rest.showlegend
    assert list(fig.layout.xaxis.categoryarray) == [str(r) for r in range(1, 8)]


def test_bars_show_the_mean_and_the_threshold_as_lines_named_in_the_legend() -> None:
    """Two horizontal lines, the 1-nat threshold and the mean, each named by a legend entry
    drawn as it is (no label inside the plot, where it ran over the bars on a phone)."""
    fig = loss_bars_figure(
        rows=[1, 2], loss=np.array([0.1, 2.0]), mistake=np.array([False, True]), mean=1.05
    )
    lines = sorted((shape.y0, shape.line.color, shape.line.dash) for shape in fig.layout.shapes)
    assert lines == [(1.0, MISTAKE, "dot"), (1.05, NEUTRAL, "dash")]
    assert not fig.layout.annotations
    threshold = trace(fig, "confident-mistake threshold: 1 nat")
    mean = trace(fig, "mean = 1.05")
    assert (threshold.line.color, threshold.line.dash) == (MISTAKE, "dot")
    assert (mean.line.color, mean.line.dash) == (NEUTRAL, "dash")
    assert list(mean.x) == [None] and mean.hoverinfo == "skip"


def test_an_infinite_loss_bar_is_drawn_to_the_top_and_labelled_infinity() -> None:
    """A row with loss ∞ gets a bar above the others with the text ∞, not a crash."""
    loss = np.array([0.5, math.inf])
    fig = loss_bars_figure(rows=[1, 2], loss=loss, mistake=np.array([False, True]), mean=math.inf)
    red = trace(fig, "confident mistake")
    assert list(red.text) == ["∞"] and red.y[0] > 1.0
    assert list(red.marker.pattern.shape) == ["/"]  # hatched: the bar is cut off
    assert list(trace(fig, "other rows").marker.pattern.shape) == [""]
    assert math.isfinite(fig.layout.yaxis.range[1])
    assert len(fig.layout.shapes) == 1  # no mean line at ∞


def test_bars_keep_the_student_row_numbers_when_rows_are_left_out() -> None:
    """Rows left out (bad cells) leave a gap in the numbering: rows 1, 3 stay '1', '3'."""
    fig = loss_bars_figure(rows=[1, 3], loss=np.array([0.2, 0.3]), mistake=np.array([False, False]))
    assert list(trace(fig, "other rows").x) == ["1", "3"]
    assert list(trace(fig, "confident mistake").x) == []


def test_bars_start_from_the_margins_the_theme_pushes_them_to() -> None:
    """The bar chart asks for the margins automargin would push it to (one draw, not two);
    without them (projector mode) it has the shared look's."""
    args = dict(rows=[1, 2], loss=np.array([0.2, 0.3]), mistake=np.array([False, False]))
    margin = loss_bars_figure(**args).layout.margin
    assert (margin.l, margin.r, margin.t, margin.b) == tuple(BARS_MARGIN[k] for k in "lrtb")
    plain = loss_bars_figure(**args, margin=None).layout.margin
    assert plain.to_plotly_json() == look()["margin"]


# ---------------------------------------------------------------- tables and text


def test_seed_frame_holds_the_seed_rows_as_text() -> None:
    """The seed table is seven rows of text cells t, p, exactly as the article prints them."""
    frame = article_frame("p")
    assert list(frame.columns) == ["t", "p"]
    assert frame["t"].tolist() == ["0", "1", "1", "0", "0", "1", "1"]
    assert frame["p"].tolist() == ["0.07", "0.91", "0.74", "0.23", "0.85", "0.17", "0.94"]


def test_seed_logits_frame_round_trips_to_the_seed_probabilities() -> None:
    """The logits table holds logit(p) with every digit: σ of each cell gives p back."""
    frame = article_frame("z")
    assert list(frame.columns) == ["t", "z"]
    z = frame["z"].astype(float).to_numpy()
    np.testing.assert_allclose(1 / (1 + np.exp(-z)), ARTICLE_BINARY_P, rtol=1e-15)


def test_results_frame_shows_every_digit_and_marks_mistakes() -> None:
    """Loss cells carry the shortest round-trip text, ∞ for infinity, and a note for mistakes."""
    frame = results_frame([1, 2], np.array([0.0725706928348355, math.inf]), np.array([0, 1]))
    assert frame["row"].tolist() == [1, 2]
    assert frame["loss (nats)"].tolist() == ["0.0725706928348355", "∞"]
    assert frame["note"].tolist() == ["", "confident mistake"]
    assert "p = σ(z)" not in frame
    with_p = results_frame([1], np.array([0.1]), np.array([0]), p_from_z=np.array([0.25]))
    assert with_p["p = σ(z)"].tolist() == ["0.25"]


@pytest.mark.parametrize(
    ("x", "as_full", "as_short"),
    [
        (4.460303459760249, "4.460303459760249", "4.4603"),
        (math.inf, "∞", "∞"),
        (-math.inf, "−∞", "−∞"),
        (-1.4285714285714286, "-1.4285714285714286", "−1.42857"),
    ],
)
def test_number_text(x: float, as_full: str, as_short: str) -> None:
    """full() keeps all float64 digits, short() rounds; both write infinities as ∞."""
    assert full(x) == as_full
    assert short(x) == as_short


def test_overflowing_rows_are_those_above_the_largest_float_shared_between_rows() -> None:
    """1.7e308 twice: both above 1.8e308 / 3; 1e307 is not; an ∞ row is not an overflow."""
    assert overflowing_rows([1, 2, 3], [1.7e308, 1.7e308, 1.0]) == [1, 2]
    assert overflowing_rows([4, 5, 6], [1.7e308, 1e307, 1.0]) == [4]
    assert overflowing_rows([1, 2], [math.inf, 1e308]) == [2]
    assert overflowing_rows([], []) == []
