"""ui.figures.gradcheck: steps, the typed tables and their messages, the results table and
the two figures, checked through fig.data / fig.layout and frame values."""

import math

import numpy as np
import pandas as pd
import pytest

from ui.figures.gradcheck import (
    CAST_COLOR,
    MAX_TYPED_ROWS,
    NAIVE_COLOR,
    UNDEFINED_AT,
    ZERO_AT,
    agreement,
    best_step,
    element_labels,
    error_text,
    parse_step,
    parse_typed,
    points_frame,
    relative_error_figure,
    results_column_widths,
    results_frame,
    step_label,
    step_sweep_figure,
    summary,
    table_columns,
    threshold_label,
    typed_default_frame,
    undefined_note,
)
from ui.text.numbers import full
from xent_core import ARTICLE_BINARY_P, ARTICLE_BINARY_T
from xent_core.gradient_check import (
    CHECKABLE,
    STEPS,
    GradientCase,
    StepSweep,
    check_gradient,
    random_case,
    step_sweep,
)

SEED_SOFTMAX = (0.09003057317038046, 0.24472847105479764, 0.6652409557748218)


def typed(loss: str, rows: dict[int, dict[str, str]] | None = None) -> pd.DataFrame:
    """The default typed table of ``loss`` with some cells replaced: ``{row: {column: text}}``."""
    frame = typed_default_frame(loss)
    for row, cells in (rows or {}).items():
        for column, text in cells.items():
            frame.loc[row, column] = text
    return frame


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


# ---------------------------------------------------------------- steps


@pytest.mark.parametrize("h, label", [(1e-1, "1e-1"), (1e-5, "1e-5"), (1e-10, "1e-10")])
def test_step_labels_round_trip_through_a_link(h, label):
    assert step_label(h) == label
    assert parse_step(label) == h


def test_a_step_in_a_link_may_be_written_as_a_decimal():
    assert parse_step("0.00001") == 1e-5


@pytest.mark.parametrize(
    "text, message", [("abc", "is not a number"), ("3e-5", "is not one of the steps")]
)
def test_a_bad_step_in_a_link_says_what_is_expected(text, message):
    with pytest.raises(ValueError, match=message):
        parse_step(text)


def test_threshold_label_drops_the_padded_exponent():
    assert threshold_label(1e-8) == "1e-8"
    assert threshold_label(1e-4) == "1e-4"


# ---------------------------------------------------------------- typed tables


@pytest.mark.parametrize("loss", CHECKABLE)
def test_every_default_table_parses_into_a_case_with_the_tables_columns(loss):
    frame = typed_default_frame(loss)
    fixed, variable = table_columns(loss)
    assert list(frame.columns) == fixed + variable
    assert all(isinstance(cell, str) for cell in frame.to_numpy().ravel())
    case, problems = parse_typed(loss, frame)
    assert problems == []
    assert case is not None and case.loss == loss
    assert check_gradient(case).worst < 1e-6


def test_bce_default_table_is_the_seed_table():
    case, _ = parse_typed("bce", typed_default_frame("bce"))
    np.testing.assert_array_equal(case.t, ARTICLE_BINARY_T)
    np.testing.assert_array_equal(case.x, ARTICLE_BINARY_P)
    assert check_gradient(case).loss == pytest.approx(4.460303459760249, rel=1e-15)


def test_softmax_default_table_starts_with_the_seed_logits_2_3_4():
    frame = typed_default_frame("softmax_ce")
    assert frame.iloc[0].tolist() == ["2", "2", "3", "4"]
    case, _ = parse_typed("softmax_ce", frame)
    analytic = check_gradient(case).analytic
    np.testing.assert_allclose(analytic[0], [SEED_SOFTMAX[0], SEED_SOFTMAX[1], SEED_SOFTMAX[2] - 1])


def test_mlp_table_is_w1_and_keeps_the_seeds_points():
    frame = typed_default_frame("mlp", seed=4)
    assert frame["input"].tolist() == ["x1", "x2"]
    case, problems = parse_typed("mlp", frame, seed=4)
    base = random_case("mlp", 4)
    assert problems == []
    np.testing.assert_allclose(case.x, np.round(base.x, 3))
    np.testing.assert_array_equal(case.points, base.points)
    np.testing.assert_array_equal(case.t, base.t)
    assert case.network_seed == 4


@pytest.mark.parametrize(
    "loss, rows, expected",
    [
        ("bce", {1: {"p": "abc"}}, "Row 2, column “p”: “abc” is not a number."),
        ("bce", {0: {"p": "1.5"}}, "Row 1, column “p”: 1.5 is outside the allowed range 0 to 1."),
        ("bce", {2: {"t": ""}}, "Row 3, column “t”: is empty: type a number."),
        (
            "categorical",
            {3: {"target": "2.5"}},
            "Row 4, column “target”: 2.5 is not a class label: use 0, 1 or 2.",
        ),
        ("softmax_ce", {0: {"target": "3"}}, "Row 1, column “target”: 3 is not a class label"),
        ("softmax_ce", {1: {"target": "-1"}}, "Row 2, column “target”: -1 is not a class label"),
        ("softmax_ce", {2: {"z1": "inf"}}, "Row 3, column “z1”: “inf” is not a finite number."),
        ("mlp", {1: {"h3": "1,5"}}, "Row 2, column “h3”: “1,5” is not a number."),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column(loss, rows, expected):
    case, problems = parse_typed(loss, typed(loss, rows))
    assert case is None
    assert any(m.startswith(expected) for m in messages(problems)), messages(problems)


def test_problems_come_in_row_order():
    _, problems = parse_typed("bce", typed("bce", {3: {"p": "x"}, 1: {"t": "y"}}))
    assert [p.row for p in problems] == [2, 4]


def test_an_empty_or_overlong_table_is_refused_with_the_allowed_size():
    _, problems = parse_typed("bce", typed_default_frame("bce").iloc[:0])
    assert "use 1 to 12 rows (now 0)" in messages(problems)[0]
    long = pd.concat([typed_default_frame("bce")] * 2, ignore_index=True)
    _, problems = parse_typed("bce", long)
    assert f"use 1 to {MAX_TYPED_ROWS} rows (now 14)" in messages(problems)[0]


# ---------------------------------------------------------------- per-element results


def test_element_labels_match_the_table():
    assert element_labels("bce", (3,)) == ["p[1]", "p[2]", "p[3]"]
    assert element_labels("softmax_ce", (2, 3))[:4] == ["z[1,0]", "z[1,1]", "z[1,2]", "z[2,0]"]
    assert element_labels("mlp", (2, 4))[-1] == "W₁[2,4]"


@pytest.mark.parametrize(
    "e, text, verdict",
    [
        (0.0, "0", "✓ agrees"),
        (3.2e-11, "3.20e-11", "✓ agrees"),
        (2e-6, "2.00e-06", "≈ close"),
        (0.0642, "0.0642", "✗ disagrees"),
        (1.0, "1", "✗ disagrees"),
        (math.nan, "undefined", "– undefined"),
    ],
)
def test_error_text_and_verdict(e, text, verdict):
    assert error_text(e) == text
    assert agreement(e) == verdict


def test_results_frame_holds_every_digit_side_by_side():
    check = check_gradient(GradientCase("softmax_ce", np.array([[2.0, 3.0, 4.0]]), np.array([2])))
    frame = results_frame(check=check, labels=element_labels("softmax_ce", (1, 3)))
    assert list(frame.columns) == [
        "element",
        "x (float64)",
        "analytic",
        "numeric",
        "rel. error",
        "verdict",
    ]
    assert frame["analytic"].tolist()[:2] == [full(SEED_SOFTMAX[0]), full(SEED_SOFTMAX[1])]
    assert frame["analytic"][2].startswith("−0.33475904")
    assert frame["numeric"].tolist() == [full(v).replace("-", "−") for v in check.numeric[0]]
    assert frame["x (float64)"].tolist() == ["2", "3", "4"]
    assert set(frame["verdict"]) == {"✓ agrees"}


def test_results_frame_with_the_naive_check_shows_its_zeros_then_the_fix():
    case = random_case("bce_logits", 0, whole_numbers=True)
    fixed, naive = check_gradient(case), check_gradient(case, naive=True)
    frame = results_frame(check=fixed, naive=naive, labels=element_labels("bce_logits", (6,)))
    assert list(frame.columns)[1:] == [
        "x (int64)",
        "analytic",
        "numeric, naive",
        "rel. error, naive",
        "numeric, float64",
        "rel. error, float64",
        "verdict",
    ]
    assert set(frame["numeric, naive"]) == {"0.0"}
    assert set(frame["rel. error, naive"]) == {"1"}
    assert frame["x (int64)"].tolist() == [str(v).replace("-", "−") for v in case.x]
    assert set(results_column_widths(frame)) == {"analytic", "numeric, float64"}


def test_summary_counts_each_verdict():
    case = GradientCase("bce", np.array([0.05, 0.5, 0.3]), np.array([1.0, 0.0, 1.0]))
    assert summary(check_gradient(case)) == "All 3 elements agree (below 1e-7)."
    assert summary(check_gradient(case, 0.1)) == "Of 3 elements, 2 disagree, 1 is undefined."
    one = GradientCase("bce", np.array([0.5]), np.array([1.0]))
    assert summary(check_gradient(one)) == "The one element agrees (below 1e-7)."


def test_undefined_note_names_the_elements_and_the_reason():
    case = GradientCase("bce", np.array([0.05, 0.5, 0.0]), np.array([1.0, 0.0, 1.0]))
    labels = element_labels("bce", (3,))
    note = undefined_note(check_gradient(case, 0.1), labels)
    assert "The gradient itself is infinite at p[3]" in note
    assert "With h = 1e-1, p ± h reaches 0 or 1 or goes beyond at p[1]," in note
    assert undefined_note(check_gradient(random_case("bce", 0)), labels * 2) is None


def test_points_frame_lists_the_mlps_points_and_labels():
    case = random_case("mlp", 0)
    frame = points_frame(case)
    assert frame.columns.tolist() == ["point", "x1", "x2", "label y"]
    assert len(frame) == len(case.points)
    assert frame["label y"].tolist() == [str(int(y)) for y in case.t]


# ---------------------------------------------------------------- figures


def test_relative_error_figure_draws_each_element_on_a_log_axis_with_the_1e8_line():
    check = check_gradient(random_case("categorical", 0))
    labels = element_labels("categorical", check.analytic.shape)
    fig = relative_error_figure(labels=labels, errors=check.relative_error)
    (points,) = fig.data
    assert list(points.x) == labels
    errors = check.relative_error.ravel()
    np.testing.assert_array_equal(np.asarray(points.y), np.where(errors == 0, ZERO_AT, errors))
    assert points.marker.color == CAST_COLOR
    assert fig.layout.yaxis.type == "log"
    (line,) = fig.layout.shapes
    assert line.y0 == line.y1 == 1e-8
    (note,) = fig.layout.annotations
    assert note.y == -8  # log10 units on a log axis
    assert note.text.startswith("1e-8")


def test_relative_error_figure_puts_the_naive_check_at_one():
    case = random_case("softmax_ce", 0, whole_numbers=True)
    fixed, naive = check_gradient(case), check_gradient(case, naive=True)
    labels = element_labels("softmax_ce", case.x.shape)
    fig = relative_error_figure(
        labels=labels, errors=fixed.relative_error, naive_errors=naive.relative_error
    )
    naive_trace, cast_trace = fig.data
    assert naive_trace.name == "numeric, naive (integer x)"
    assert naive_trace.marker.color == NAIVE_COLOR
    assert set(naive_trace.y) == {1.0}
    assert cast_trace.name == "numeric, cast to float64"
    assert max(cast_trace.y) < 1e-7


def test_relative_error_figure_marks_undefined_elements_above_the_top():
    case = GradientCase("bce", np.array([0.05, 0.5]), np.array([1.0, 0.0]))
    check = check_gradient(case, 0.1)
    fig = relative_error_figure(labels=["p[1]", "p[2]"], errors=check.relative_error)
    undefined = [t for t in fig.data if t.name.startswith("undefined")]
    assert len(undefined) == 1
    assert list(undefined[0].x) == ["p[1]"] and list(undefined[0].y) == [UNDEFINED_AT]


def test_step_sweep_figure_is_the_v_on_log_axes_with_the_chosen_step_ringed():
    sweep = step_sweep(random_case("softmax_ce", 0))
    fig = step_sweep_figure(sweep=sweep, h=1e-3)
    line, ring = fig.data
    np.testing.assert_array_equal(line.x, STEPS)
    np.testing.assert_array_equal(line.y, sweep.worst)
    assert list(ring.x) == [1e-3] and list(ring.y) == [sweep.worst[2]]
    assert ring.name == "chosen h = 1e-3"
    assert fig.layout.xaxis.type == fig.layout.yaxis.type == "log"
    texts = [a.text for a in fig.layout.annotations]
    assert "← rounding<br>∝ ε/h" in texts and "truncation<br>∝ h² →" in texts


def test_step_sweep_figure_has_no_ring_where_the_chosen_step_is_undefined():
    sweep = StepSweep(np.array([0.1, 1e-5]), np.array([np.nan, 1e-9]), np.array([2, 0]))
    fig = step_sweep_figure(sweep=sweep, h=0.1)
    assert len(fig.data) == 1
    assert "2 undefined" in fig.data[0].customdata[0][1]


def test_best_step_ignores_undefined_steps():
    assert best_step(StepSweep(np.array([0.1, 1e-5]), np.array([np.nan, 1e-9]), np.zeros(2))) == (
        1e-5
    )
    assert best_step(StepSweep(np.array([0.1]), np.array([np.nan]), np.ones(1))) is None
