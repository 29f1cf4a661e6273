"""The categorical page's figure builders and table helpers: data in, figures and frames out."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from ui.categorical_figures import (
    SEED_CELLS,
    SEED_CLASSES,
    SEED_TARGETS,
    TARGET,
    add_class_column,
    apply_edits,
    class_name_problems,
    format_loss,
    gradient_figure,
    parse_targets,
    prediction_figure,
    remove_class_column,
    rename_targets,
    seed_table,
    weight_sum_terms,
)
from ui.theme import CLASS_COLORS, MISTAKE, POSITIVE

CLASSES = ["panda", "seal", "duck"]


# ------------------------------------------------------------------------- the table


def test_the_seed_table_holds_the_articles_cells_as_typed_text() -> None:
    """Targets panda/seal/duck/panda and the 4 × 3 probabilities, as strings."""
    frame = seed_table()
    assert frame.columns.tolist() == [TARGET, "c0", "c1", "c2"]
    assert frame[TARGET].tolist() == list(SEED_TARGETS)
    assert frame.loc[1, "c1"] == "0.80"  # the trailing zero stays: text, not a float
    assert [tuple(r) for r in frame[["c0", "c1", "c2"]].itertuples(index=False)] == list(SEED_CELLS)
    assert SEED_CLASSES == ("panda", "seal", "duck")


def test_apply_edits_changes_cells_then_deletes_then_adds_rows() -> None:
    """Cell edits go by row position; deletions before additions, as Streamlit does."""
    edits = {
        "edited_rows": {0: {"c0": "0.5"}, "2": {TARGET: "seal"}},
        "deleted_rows": [1],
        "added_rows": [{TARGET: "duck", "c2": "1"}],
    }
    out = apply_edits(seed_table(), edits)
    assert out.index.tolist() == [0, 1, 2, 3]
    assert out[TARGET].tolist() == ["panda", "seal", "panda", "duck"]
    assert out.loc[0, "c0"] == "0.5"
    assert out.loc[3, "c2"] == "1" and out.loc[3, "c0"] is None


def test_apply_edits_without_edits_returns_an_equal_new_frame() -> None:
    """No editing state: the same cells, and the base frame is not touched."""
    base = seed_table()
    out = apply_edits(base, None)
    pd.testing.assert_frame_equal(out, base.astype(object))
    out.loc[0, "c0"] = "x"
    assert base.loc[0, "c0"] == "0.91"


def test_apply_edits_ignores_unknown_columns_and_rows() -> None:
    """A stale edit (a removed class, a row past the end) is skipped, not an error."""
    out = apply_edits(seed_table(), {"edited_rows": {0: {"c9": "1"}, 7: {"c0": "1"}}})
    pd.testing.assert_frame_equal(out, seed_table().astype(object))


def test_adding_a_class_appends_a_column_of_zeros() -> None:
    """The new column reads "0" in every row; the others are unchanged."""
    out = add_class_column(seed_table(), "c3")
    assert out.columns.tolist()[-1] == "c3"
    assert out["c3"].tolist() == ["0"] * 4
    assert out["c0"].tolist() == seed_table()["c0"].tolist()


def test_removing_a_class_drops_its_column_and_clears_its_targets() -> None:
    """Rows whose true class was removed get an empty target, to be chosen again."""
    out = remove_class_column(seed_table(), "c0", "panda")
    assert out.columns.tolist() == [TARGET, "c1", "c2"]
    assert out[TARGET].tolist() == [None, "seal", "duck", None]


def test_renaming_classes_renames_the_targets() -> None:
    """{old: new} applies to every target cell; other cells stay."""
    out = rename_targets(seed_table(), {"panda": "bear"})
    assert out[TARGET].tolist() == ["bear", "seal", "duck", "bear"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a", "b"], []),
        (["a", " "], ["Class 2 has no name"]),
        (["a", "b", "a"], ["Classes 1 and 3 are both called “a”"]),
        (["a ", "a"], ["Classes 1 and 2 are both called “a”"]),
    ],
)
def test_class_name_problems_name_the_empty_or_repeated_class(names, expected) -> None:
    """Empty and duplicate names are reported by class number."""
    problems = class_name_problems(names)
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start)


def test_parse_targets_gives_class_indices_and_names_bad_cells() -> None:
    """Known names become indices; empty or unknown cells become -1 with a message."""
    frame = pd.DataFrame({TARGET: ["duck", None, "owl", "panda", ""]}, dtype=object)
    labels, problems = parse_targets(frame, CLASSES)
    assert labels.tolist() == [2, -1, -1, 0, -1]
    assert [(p.row, p.column) for p in problems] == [(2, TARGET), (3, TARGET), (5, TARGET)]
    assert "empty" in problems[0].message
    assert "“owl” is not one of the classes" in problems[1].message


# ------------------------------------------------------------------------------ words


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.214574215671332, "2.214574215671332"),
        (math.inf, "∞"),
        (math.nan, "undefined"),
        (np.float64(0.1), "0.1"),
    ],
)
def test_format_loss_keeps_full_precision_and_names_infinity(value, text) -> None:
    """repr-precision numbers, ∞ for +inf, 'undefined' for nan."""
    assert format_loss(value) == text


def test_weight_sum_terms_writes_the_weighted_means_divisor_out() -> None:
    """One term per row: the weight of that row's true class."""
    assert (
        weight_sum_terms(CLASSES, [0, 1, 2, 0], [1.0, 2.0, 0.5])
        == "w_panda + w_seal + w_duck + w_panda = 1 + 2 + 0.5 + 1"
    )


# ---------------------------------------------------------------------------- figures


def test_prediction_figure_draws_p_and_t_side_by_side_per_class() -> None:
    """Two grouped bar traces over the class names; p in the class colours, t hatched."""
    fig = prediction_figure(
        classes=CLASSES, p=[0.91, 0.04, 0.05], t=[1.0, 0.0, 0.0], target=0, title="Row 1"
    )
    assert isinstance(fig, go.Figure)
    p_bars, t_bars = fig.data
    assert p_bars.type == t_bars.type == "bar"
    assert list(p_bars.x) == list(t_bars.x) == CLASSES
    assert list(p_bars.y) == [0.91, 0.04, 0.05]
    assert list(t_bars.y) == [1.0, 0.0, 0.0]
    assert list(p_bars.marker.color) == list(CLASS_COLORS[:3])
    assert t_bars.marker.pattern.shape == "/"
    assert list(p_bars.text) == ["0.91", "0.04", "0.05"]
    assert fig.layout.barmode == "group"
    assert tuple(fig.layout.yaxis.range) == (0, 1.15)
    assert fig.layout.title.text == "Row 1"


def test_prediction_figure_marks_the_true_class_and_names_the_target() -> None:
    """An annotation over the target's bars; the t trace carries the given label."""
    fig = prediction_figure(
        classes=CLASSES,
        p=[0.3, 0.1, 0.6],
        t=[0.0, 0.0, 1.0],
        target=2,
        target_label="t′ (smoothed)",
    )
    assert fig.data[1].name == "t′ (smoothed)"
    (note,) = fig.layout.annotations
    assert note.x == "duck" and note.text == "true class"


def test_prediction_figure_colours_cycle_past_ten_classes() -> None:
    """More classes than colours reuse the palette instead of failing."""
    names = [f"k{j}" for j in range(12)]
    fig = prediction_figure(classes=names, p=[1 / 12] * 12, t=[0] * 11 + [1], target=11)
    assert fig.data[0].marker.color[10] == CLASS_COLORS[0]


def test_gradient_figure_draws_one_bar_per_class_coloured_by_sign() -> None:
    """Negative bars (raised by a step) in the mistake colour, positive ones in blue."""
    grad = [-0.09, 0.04, 0.05]
    fig = gradient_figure(classes=CLASSES, grad=grad)
    (bars,) = fig.data
    assert list(bars.x) == CLASSES
    assert list(bars.y) == grad
    assert list(bars.marker.color) == [MISTAKE, POSITIVE, POSITIVE]
    assert bars.name == "∂L/∂z = p − t"
    assert fig.layout.yaxis.title.text == "∂L/∂z = p − t"
    assert fig.layout.yaxis.zeroline is True
    assert fig.layout.showlegend is False


def test_gradient_figure_with_respect_to_probabilities_says_so() -> None:
    """wrt="probabilities" labels the bars −t/p."""
    fig = gradient_figure(classes=CLASSES, grad=[-1 / 0.91, 0.0, 0.0], wrt="probabilities")
    assert fig.data[0].name == "∂L/∂p = −t/p"
    assert fig.data[0].y[0] == pytest.approx(-1.0989010989010988)


def test_gradient_figure_takes_a_custom_name() -> None:
    """With weights or smoothing the page names the bars ∂L/∂z only."""
    fig = gradient_figure(classes=CLASSES, grad=[-0.5, 0.25, 0.25], name="∂L/∂z")
    assert fig.data[0].name == fig.layout.yaxis.title.text == "∂L/∂z"
