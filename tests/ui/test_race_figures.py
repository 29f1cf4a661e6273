"""The race's loss curves (ui.figures.race): four lines, one colour per lane, named."""

from __future__ import annotations

import numpy as np

from ui.figures.race import LANE_COLORS, race_curve_figure


def test_the_race_draws_each_lanes_training_and_test_loss_in_its_colour():
    fig = race_curve_figure(
        names=("SGD", "Adam"),
        epochs=([0, 1, 2], [0, 1, 2]),
        train_loss=([0.7, 0.6, 0.5], [0.7, 0.4, 0.2]),
        test_loss=([0.8, 0.7, 0.6], [0.8, 0.5, 0.3]),
    )
    assert [t.name for t in fig.data] == [
        "training · SGD", "test · SGD", "training · Adam", "test · Adam",
    ]  # fmt: skip
    assert [t.line.color for t in fig.data] == [LANE_COLORS[0]] * 2 + [LANE_COLORS[1]] * 2
    assert [t.line.dash for t in fig.data] == ["solid", "dot", "solid", "dot"]
    assert np.array_equal(fig.data[2].y, [0.7, 0.4, 0.2])
    assert "Adam" in fig.data[3].hovertemplate
    assert LANE_COLORS[0] != LANE_COLORS[1]


def test_a_race_at_epoch_0_shows_dots_and_a_log_axis_when_asked():
    fig = race_curve_figure(
        names=("η = 0.03", "η = 0.3"),
        epochs=([0], [0]),
        train_loss=([0.7], [0.7]),
        test_loss=([0.8], [0.8]),
        y_scale="log",
    )
    assert all(t.mode == "markers" for t in fig.data)
    assert fig.layout.yaxis.type == "log"
