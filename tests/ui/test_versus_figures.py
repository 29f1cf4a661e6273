"""ui.figures.versus: the loss/gradient curves over z and the animated race, via fig.data/layout."""

import numpy as np
import plotly.graph_objects as go
import pytest

import xent_core as xc
from ui.figures.versus import (
    CE_COLOR,
    LEARNING_RATES,
    RACE_FRAMES,
    SE_COLOR,
    STEP_CHOICES,
    Z_MAX,
    Z_MIN,
    curves_figure,
    race_figure,
    start_verdict,
)
from ui.model import params
from xent_core.neuron import (
    sigmoid_derivative,
    squared_error_with_logits,
    squared_error_with_logits_grad,
    train_neuron,
)

RACE = dict(w0=-2.0, b0=-2.0, lr=0.15, steps=300)


def runs(**overrides):
    args = {**RACE, **overrides}
    return (
        train_neuron("cross_entropy", **args),
        train_neuron("squared_error", **args),
    )


def by_name(fig: go.Figure, start: str) -> list:
    return [trace for trace in fig.data if (trace.name or "").startswith(start)]


# ---------------------------------------------------------------- curves over z


def test_curves_show_both_losses_left_and_both_gradients_with_sigma_prime_right():
    """Five lines: CE and SE losses (top, x/y), their gradients and σ′ (below, x2/y2)."""
    fig = curves_figure(z=-4.0)
    lines = [trace for trace in fig.data if trace.mode == "lines"]
    assert len(lines) == 5
    z = np.asarray(lines[0].x)
    assert (z[0], z[-1]) == (Z_MIN, Z_MAX)
    t = np.ones_like(z)
    expected = [
        ("x", xc.binary_cross_entropy_with_logits(t, z, "none"), CE_COLOR),
        ("x", squared_error_with_logits(t, z, "none"), SE_COLOR),
        ("x2", xc.binary_cross_entropy_with_logits_grad(t, z, "none"), CE_COLOR),
        ("x2", squared_error_with_logits_grad(t, z, "none"), SE_COLOR),
        ("x2", sigmoid_derivative(z), None),
    ]
    for line, (axis, values, color) in zip(lines, expected, strict=True):
        assert line.xaxis == axis
        np.testing.assert_array_equal(line.y, values)
        if color:
            assert line.line.color == color
    assert lines[4].line.dash == "dash"
    assert "¼" in lines[4].name


def test_curves_mark_the_chosen_z_on_every_curve():
    """Four markers at z: the two losses and the two gradients there."""
    fig = curves_figure(z=-4.0)
    markers = [trace for trace in fig.data if trace.mode == "markers"]
    assert [m.x[0] for m in markers] == [-4.0] * 4
    assert markers[0].y[0] == pytest.approx(xc.binary_cross_entropy_with_logits([1], [-4.0], "sum"))
    assert markers[1].y[0] == pytest.approx(squared_error_with_logits([1], [-4.0], "sum"))
    assert markers[2].y[0] == pytest.approx(xc.sigmoid([-4.0])[0] - 1)
    assert markers[3].y[0] == pytest.approx(squared_error_with_logits_grad([1], [-4.0], "sum")[0])
    assert [m.xaxis for m in markers] == ["x", "x", "x2", "x2"]


def test_curves_shade_the_confidently_wrong_region_and_label_the_axes():
    """A shaded band on each panel for z < −2 (t = 1), a note, axis titles, a fixed range."""
    fig = curves_figure(z=0.0)
    bands = [shape for shape in fig.layout.shapes if shape.type == "rect"]
    assert len(bands) == 2 and all(b.x1 == -2.0 for b in bands)
    assert any("squared error stalls" in a.text for a in fig.layout.annotations)
    assert fig.layout.xaxis2.title.text == "logit z"
    assert fig.layout.xaxis.matches == "x2"  # one shared z axis for both panels
    assert fig.layout.yaxis2.title.text == "∂L/∂z"
    assert tuple(fig.layout.xaxis.range) == (Z_MIN, Z_MAX)


def test_curves_for_a_zero_target_have_no_band():
    """The shaded band and its note are for t = 1 only."""
    fig = curves_figure(z=0.0, t=0.0)
    assert not [shape for shape in fig.layout.shapes if shape.type == "rect"]
    assert "t = 0" in fig.layout.annotations[0].text  # the loss panel's title


# ---------------------------------------------------------------- the race


def test_race_shows_each_run_to_the_last_step_before_playing():
    """Before ▶ Race the figure shows the whole run: lines end at the last step."""
    ce, se = runs()
    fig = race_figure(ce=ce, se=se)
    ce_loss, se_loss, ce_p, se_p, loss_heads, p_heads = fig.data
    assert ce_loss.x[-1] == se_p.x[-1] == 300
    np.testing.assert_allclose(ce_loss.y, ce.loss[np.asarray(ce_loss.x)], rtol=1e-6)
    np.testing.assert_allclose(se_p.y, se.p[np.asarray(se_p.x), 0], rtol=1e-6)
    assert list(loss_heads.y) == [ce.loss[-1], se.loss[-1]]
    assert list(p_heads.y) == [ce.p[-1, 0], se.p[-1, 0]]
    assert (ce_loss.line.color, se_loss.line.color) == (CE_COLOR, SE_COLOR)
    assert [ce_loss.xaxis, ce_p.xaxis, loss_heads.xaxis, p_heads.xaxis] == ["x", "x2", "x", "x2"]


def test_race_frames_grow_the_lines_step_by_step():
    """One frame per sampled step, 0 … S; frame k draws the runs up to its step only."""
    ce, se = runs()
    fig = race_figure(ce=ce, se=se)
    names = [int(frame.name) for frame in fig.frames]
    assert names[0] == 0 and names[-1] == 300 and len(names) == RACE_FRAMES
    assert names == sorted(names)
    middle = fig.frames[len(fig.frames) // 2]
    step = int(middle.name)
    assert list(middle.traces) == list(range(6))
    assert max(middle.data[0].x) == step
    assert list(middle.data[5].x) == [step, step]
    assert middle.data[5].y[1] == se.p[step, 0]


def test_race_has_play_pause_and_a_step_slider():
    """▶ Race animates from frame 0; the slider has one stop per frame and starts at the end."""
    ce, se = runs(steps=100)
    fig = race_figure(ce=ce, se=se)
    (menu,) = fig.layout.updatemenus
    play, pause = menu.buttons
    assert play.label == "▶ Race" and play.method == "animate"
    assert play.args[0] is None and play.args[1]["fromcurrent"] is False
    assert list(pause.args[0]) == [None]  # [None]: stop at the current frame
    (slider,) = fig.layout.sliders
    assert len(slider.steps) == len(fig.frames)
    assert slider.active == len(fig.frames) - 1
    assert slider.currentvalue.prefix == "step "
    assert [s.args[0][0] for s in slider.steps] == [f.name for f in fig.frames]


def test_race_loss_axis_is_logarithmic_with_labels_at_powers_of_ten():
    """The loss panel uses a log axis labelled 0.001, 0.01, … and p runs over [0, 1]."""
    ce, se = runs()
    fig = race_figure(ce=ce, se=se)
    assert fig.layout.yaxis.type == "log"
    assert list(fig.layout.yaxis.ticktext) == ["0.001", "0.01", "0.1", "1", "10"]
    assert fig.layout.yaxis2.range[0] < 0 and fig.layout.yaxis2.range[1] > 1
    assert any(a.text == "target t = 1" for a in fig.layout.annotations)


def test_short_runs_have_one_frame_per_step():
    """With fewer steps than frames, every step is a frame."""
    ce, se = runs(steps=10)
    assert [f.name for f in race_figure(ce=ce, se=se).frames] == [str(s) for s in range(11)]


def test_race_refuses_runs_of_different_lengths():
    """Both runs must have the same number of steps."""
    ce, _ = runs(steps=10)
    _, se = runs(steps=20)
    with pytest.raises(ValueError, match="same number of steps"):
        race_figure(ce=ce, se=se)


# ---------------------------------------------------------------- helpers


def test_number_choice_accepts_only_the_listed_numbers():
    """Link values: '0.15' → 0.15, '300' → 300 (the option itself), others are refused."""
    assert params.number_choice(LEARNING_RATES)("0.15") == 0.15
    steps = params.number_choice(STEP_CHOICES)("300")
    assert steps == 300 and isinstance(steps, int)
    with pytest.raises(ValueError, match="is not one of"):
        params.number_choice(LEARNING_RATES)("0.2")
    with pytest.raises(ValueError, match="is not a number"):
        params.number_choice(LEARNING_RATES)("fast")


@pytest.mark.parametrize(
    ("p", "words"),
    [(0.018, "confidently wrong"), (0.3, "wrong"), (0.7, "already on the right side")],
)
def test_start_verdict_in_words(p, words):
    """How far the starting output is from t = 1, in words."""
    assert start_verdict(p) == words
