"""ui.figures.smoothing: loss against p_target per ε, softmax against τ, tables and parsers."""

import math

import numpy as np
import pytest

import xent_core as xc
from ui.figures.smoothing import (
    EPSILONS,
    P_GRID,
    TAU_GRID,
    TAU_TICKS,
    checked_logits,
    eps_color,
    format_epsilons,
    parse_epsilons,
    parse_logits,
    smoothed_target,
    smoothing_figure,
    smoothing_frame,
    temperature_curves,
    temperature_figure,
    temperature_frame,
)
from ui.figures.theme import CLASS_COLORS

Z = (2.0, 3.0, 4.0)


def curves(fig):
    return [trace for trace in fig.data if trace.mode == "lines"]


def minima(fig):
    return [trace for trace in fig.data if trace.mode == "markers"]


# ---------------------------------------------------------------- label smoothing


def test_one_curve_and_one_minimum_per_epsilon():
    """ε = 0, 0.1, 0.3: three lines named by ε, three diamonds, three dotted verticals."""
    fig = smoothing_figure(epsilons=[0.0, 0.1, 0.3], n_classes=3)
    assert [c.name for c in curves(fig)] == ["ε = 0", "ε = 0.1", "ε = 0.3"]
    assert len(minima(fig)) == 3 and all(m.marker.symbol == "diamond" for m in minima(fig))
    assert len([s for s in fig.layout.shapes if s.type == "line"]) == 3
    assert [c.line.color for c in curves(fig)] == [eps_color(e) for e in (0.0, 0.1, 0.3)]


@pytest.mark.parametrize("n", [2, 3, 10])
@pytest.mark.parametrize("eps", [0.0, 0.1, 0.3, 0.5])
def test_the_minimum_is_at_one_minus_eps_plus_eps_over_c(eps, n):
    """The diamond sits at p_target = 1 − ε + ε/C, height H(t′), the lowest point of its curve."""
    fig = smoothing_figure(epsilons=[eps], n_classes=n)
    (curve,), (best,) = curves(fig), minima(fig)
    assert best.x[0] == pytest.approx(1 - eps + eps / n, abs=1e-15)
    target = smoothed_target(eps, n)
    least = xc.categorical_cross_entropy([0], [target], "sum", label_smoothing=eps)
    assert best.y[0] == pytest.approx(least, rel=1e-12, abs=1e-15)
    assert best.y[0] <= np.min(curve.y) + 1e-12
    assert abs(P_GRID[np.argmin(curve.y)] - best.x[0]) <= 1.001e-3  # the grid's spacing


def test_each_curve_is_the_categorical_loss_with_label_smoothing():
    """The ε = 0.2 curve equals categorical_cross_entropy(label_smoothing=0.2) on the same rows."""
    fig = smoothing_figure(epsilons=[0.2], n_classes=4)
    (curve,) = curves(fig)
    rest = (1 - P_GRID) / 3
    rows = np.column_stack([P_GRID, rest, rest, rest])
    expected = xc.categorical_cross_entropy(
        np.zeros(len(P_GRID), int), rows, reduction="none", label_smoothing=0.2
    )
    np.testing.assert_allclose(curve.y, expected, rtol=1e-13)


def test_without_smoothing_the_curve_is_minus_log_p():
    """ε = 0: the loss is −log p_target and its best prediction is certainty, p_target = 1."""
    fig = smoothing_figure(epsilons=[0.0], n_classes=3)
    (curve,), (best,) = curves(fig), minima(fig)
    np.testing.assert_allclose(curve.y, -np.log(P_GRID), rtol=1e-13)
    assert (best.x[0], best.y[0]) == (1.0, 0.0)


def test_smoothing_figure_axes_are_labelled_and_fixed():
    fig = smoothing_figure(epsilons=[0.1], n_classes=3)
    assert "p<sub>target</sub>" in fig.layout.xaxis.title.text
    assert "smoothed target" in fig.layout.yaxis.title.text
    assert tuple(fig.layout.yaxis.range) == (0, 5.0)


def test_smoothing_frame_lists_targets_optimum_and_least_loss():
    """ε = 0.1, C = 3: t′ = 0.9333…, 0.0333…; best p = t′ target; least loss H(t′)."""
    frame = smoothing_frame(epsilons=[0.0, 0.1], n_classes=3)
    assert frame["ε"].tolist() == ["0", "0.1"]
    row = frame.iloc[1]
    assert float(row["t′ target"]) == pytest.approx(1 - 0.1 + 0.1 / 3, rel=1e-11)
    assert float(row["t′ other"]) == pytest.approx(0.1 / 3, rel=1e-11)
    assert row["best p(target)"] == row["t′ target"]
    h = -(0.9 + 0.1 / 3) * math.log(0.9 + 0.1 / 3) - 2 * (0.1 / 3) * math.log(0.1 / 3)
    assert float(row["least loss H(t′)"]) == pytest.approx(h, rel=1e-11)
    assert frame.iloc[0]["least loss H(t′)"] == "0"


# ---------------------------------------------------------------- temperature


def test_temperature_curves_are_the_softmax_at_every_tau():
    """Row k is softmax(z/τ_k) and its log, for each τ of the grid."""
    p, log_p = temperature_curves(Z)
    assert p.shape == log_p.shape == (len(TAU_GRID), 3)
    k = np.searchsorted(TAU_GRID, 1.0)
    np.testing.assert_array_equal(p[k], xc.softmax(Z, temperature=TAU_GRID[k]))
    np.testing.assert_allclose(np.exp(log_p), p, rtol=1e-12)


def test_temperature_figure_draws_one_line_per_class_then_entropy_and_loss():
    """Three class lines on top (class colours), H(p) and −log p_target below, τ marked."""
    fig = temperature_figure(z=Z, tau=0.5, target=2)
    *classes, h, loss = fig.data
    assert [c.line.color for c in classes] == list(CLASS_COLORS[:3])
    assert [c.yaxis for c in classes] == ["y"] * 3 and h.yaxis == loss.yaxis == "y2"
    p, log_p = temperature_curves(Z)
    np.testing.assert_array_equal(classes[1].y, p[:, 1])
    np.testing.assert_array_equal(loss.y, -log_p[:, 2])
    np.testing.assert_allclose(h.y, xc.softmax_cross_entropy(p, np.log(p), "none"), rtol=1e-6)
    assert "target class 2" in loss.name
    verticals = [s for s in fig.layout.shapes if s.type == "line" and s.x0 == s.x1 == 0.5]
    assert len(verticals) == 2


def test_temperature_limits_one_hot_and_uniform():
    """Small τ: the largest logit takes everything; large τ: every class near 1/C."""
    fig = temperature_figure(z=Z, tau=1.0, target=0)
    classes = fig.data[:3]
    assert classes[2].y[0] > 0.999 and classes[0].y[0] < 1e-8
    assert all(abs(c.y[-1] - 1 / 3) < 0.02 for c in classes)
    h = fig.data[3]
    assert h.y[-1] == pytest.approx(math.log(3), abs=1e-3)


def test_temperature_axis_is_logarithmic_with_readable_ticks():
    """The τ axis is log-scaled and labelled 0.05 … 20; the log C line is drawn."""
    fig = temperature_figure(z=Z, tau=1.0, target=0)
    assert fig.layout.xaxis2.type == "log"
    assert list(fig.layout.xaxis2.ticktext) == [f"{v:g}" for v in TAU_TICKS]
    assert any("log C = 1.099" in a.text for a in fig.layout.annotations)
    assert tuple(fig.layout.yaxis2.range) == (0, 3.0)  # a wrong target's huge loss is clipped


def test_temperature_frame_at_the_chosen_tau():
    """Each class's z, p = softmax(z/τ) and −log p with every digit; the target is marked."""
    frame = temperature_frame(z=Z, tau=1.0, target=2)
    assert frame["class"].tolist() == ["0", "1", "2 (target)"]
    assert frame["p = softmax(z/τ)"].tolist() == [repr(float(v)) for v in xc.softmax(Z)]
    assert float(frame["−log p"][2]) == pytest.approx(-math.log(0.6652409557748218), rel=1e-15)


# ---------------------------------------------------------------- parsers


def test_parse_epsilons_sorts_and_refuses_values_not_offered():
    assert parse_epsilons("0.3,0,0.1,0.1") == [0.0, 0.1, 0.3]
    assert format_epsilons([0.0, 0.05]) == "0,0.05"
    with pytest.raises(ValueError, match="ε = 0.25, not one of"):
        parse_epsilons("0.25")
    with pytest.raises(ValueError, match="not a list of numbers"):
        parse_epsilons("a,b")
    assert all(eps_color(e) for e in EPSILONS)


def test_parse_logits_reads_two_to_ten_numbers():
    assert parse_logits("2, 3, 4") == (2.0, 3.0, 4.0)
    assert checked_logits(" 1,2 ") == " 1,2 "
    with pytest.raises(ValueError, match="must list 2 to 10 numbers"):
        parse_logits("5")
    with pytest.raises(ValueError, match="is not a number"):
        parse_logits("1, two")
    with pytest.raises(ValueError, match="is outside −20 to 20|is outside -20 to 20"):
        parse_logits("1, 50")
