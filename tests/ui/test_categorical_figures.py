"""The categorical page's figure builders: data in, ``go.Figure`` out."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from ui.figures.categorical import gradient_figure, prediction_figure
from ui.figures.theme import CLASS_COLORS, MISTAKE, POSITIVE

CLASSES = ["panda", "seal", "duck"]


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


def test_gradient_figure_takes_a_height() -> None:
    """The small ∂L/∂p chart is 260 px; the default is the app's 380."""
    assert gradient_figure(classes=CLASSES, grad=[0, 0, 0]).layout.height == 380
    small = gradient_figure(classes=CLASSES, grad=[0, 0, 0], wrt="probabilities", height=260)
    assert small.layout.height == 260
