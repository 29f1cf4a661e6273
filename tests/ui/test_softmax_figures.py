"""ui.figures.softmax: pure builders, checked through fig.data and fig.layout."""

import numpy as np
import plotly.graph_objects as go
import pytest

import xent_core as xc
from ui.figures.softmax import (
    TAU_OPTIONS,
    chain_rule_figure,
    chain_rule_frame,
    class_labels,
    format_tau,
    full,
    jacobian_frame,
    jacobian_heatmap,
    parse_tau,
    probability_frame,
    property_checks,
    short,
    softmax_bars,
    subscript,
)
from ui.figures.theme import CLASS_COLORS, DIVERGING
from xent_core.jacobian import jacobian_properties, softmax_chain_rule

Z = [2.0, 3.0, 4.0]
P = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]


def test_softmax_bars_show_one_bar_per_class_with_its_value():
    """Heights are p, the printed values are p to 4 decimals, colours are the class colours."""
    fig = softmax_bars(p=xc.softmax(Z), labels=class_labels(3))
    assert isinstance(fig, go.Figure)
    (bar,) = fig.data
    assert bar.type == "bar"
    assert list(bar.x) == ["0", "1", "2"]
    np.testing.assert_allclose(bar.y, P, rtol=0, atol=1e-15)
    assert list(bar.text) == ["0.0900", "0.2447", "0.6652"]
    assert bar.textposition == "outside"
    assert list(bar.customdata) == [repr(v) for v in P]  # every digit on hover
    assert list(bar.marker.color) == list(CLASS_COLORS[:3])


def test_softmax_bars_keep_a_fixed_probability_axis():
    """The y axis runs from 0 to just above 1 whatever p is, so bars compare across changes."""
    fig = softmax_bars(p=[0.5, 0.25, 0.25], labels=class_labels(3))
    assert tuple(fig.layout.yaxis.range) == (0, 1.1)
    assert fig.layout.xaxis.title.text == "class i"
    assert "p" in fig.layout.yaxis.title.text


def test_jacobian_heatmap_is_centred_at_zero_on_a_symmetric_diverging_scale():
    """zmid = 0 and zmin = −zmax = −max|J|, on the theme's diverging colours."""
    J = xc.softmax_jacobian(Z)
    fig = jacobian_heatmap(J=J, labels=class_labels(3))
    (heat,) = fig.data
    assert heat.type == "heatmap"
    assert heat.zmid == 0
    bound = np.abs(J).max()
    assert heat.zmax == pytest.approx(bound)
    assert heat.zmin == pytest.approx(-bound)
    expected_scale = go.Heatmap(colorscale=DIVERGING).colorscale
    assert heat.colorscale == expected_scale
    np.testing.assert_array_equal(np.array(heat.z), J)


def test_jacobian_heatmap_prints_each_value_in_its_cell():
    """text holds J_ij to 3 significant digits, drawn by texttemplate; hover has every digit."""
    J = xc.softmax_jacobian(Z)
    fig = jacobian_heatmap(J=J, labels=class_labels(3))
    (heat,) = fig.data
    assert heat.texttemplate == "%{text}"
    assert heat.text[0][0] == "0.0819"
    assert heat.text[0][1] == "−0.022"
    assert heat.text[2][2] == "0.223"
    assert heat.customdata[1][2] == repr(float(J[1, 2]))


def test_jacobian_heatmap_axes_name_output_rows_and_input_columns():
    """y is i (output p_i) from the top, x is j (input z_j)."""
    fig = jacobian_heatmap(J=xc.softmax_jacobian(Z), labels=class_labels(3))
    assert fig.layout.xaxis.title.text.startswith("j (input z")
    assert fig.layout.yaxis.title.text.startswith("i (output p")
    assert fig.layout.yaxis.autorange == "reversed"


def test_jacobian_heatmap_of_a_zero_matrix_still_has_a_range():
    """All zeros (a one-hot p in float64): the colour range falls back to ±1, not ±0."""
    (heat,) = jacobian_heatmap(J=np.zeros((3, 3)), labels=class_labels(3)).data
    assert (heat.zmin, heat.zmax) == (-1.0, 1.0)
    assert heat.text[0][0] == "0"


@pytest.mark.parametrize(("n", "height"), [(3, 380), (10, 680)])
def test_jacobian_heatmap_grows_with_the_number_of_classes(n, height):
    """About 56 px per row, at least 380 px."""
    fig = jacobian_heatmap(J=xc.softmax_jacobian(np.zeros(n)), labels=class_labels(n))
    assert fig.layout.height == height


def seed_chain_figure(*, target: int, temperature: float = 1.0):
    """The chain-rule figure for the seed logits Z and a one-hot target, as the page draws it."""
    chain = softmax_chain_rule(Z, target, temperature=temperature)
    return chain_rule_figure(
        dl_dp=chain.dl_dp,
        via_jacobian=chain.via_jacobian,
        direct=chain.direct,
        labels=class_labels(3),
        temperature=temperature,
    )


def test_chain_rule_figure_shows_the_three_vectors():
    """−t/p on the left; Jᵀ(−t/p) and p − t as grouped bars on the right, with values."""
    fig = seed_chain_figure(target=0)
    names = [trace.name for trace in fig.data]
    assert names == ["−t/p", "Jᵀ(−t/p)", "p − t"]
    left, via, direct = fig.data
    assert (left.xaxis, via.xaxis, direct.xaxis) == ("x", "x2", "x2")
    assert fig.layout.barmode == "group"
    np.testing.assert_allclose(left.y, [-1 / P[0], 0, 0], rtol=1e-15)
    np.testing.assert_allclose(via.y, np.array(P) - [1, 0, 0], atol=1e-15)
    np.testing.assert_allclose(direct.y, np.array(P) - [1, 0, 0], atol=1e-16)
    assert list(left.text) == ["−11.11", "0", "0"]
    assert list(direct.text) == ["−0.91", "0.245", "0.665"]


def test_chain_rule_figure_has_two_titled_panels_side_by_side():
    """Left 0.4 and right 0.6 of the width with a gap, each panel titled above it."""
    fig = seed_chain_figure(target=0)
    left, right = fig.layout.xaxis.domain, fig.layout.xaxis2.domain
    assert left[0] == 0 and right[1] == 1 and left[1] < right[0]
    assert (right[1] - right[0]) / (left[1] - left[0]) == pytest.approx(1.5, rel=0.05)
    assert (fig.layout.yaxis2.anchor, fig.layout.xaxis2.anchor) == ("x2", "y2")
    titles = {a.text: a.x for a in fig.layout.annotations}
    assert titles["∂L/∂p = −t/p"] == pytest.approx(sum(left) / 2)
    assert titles["∂L/∂z, two ways"] == pytest.approx(sum(right) / 2)
    assert fig.layout.barmode == "group"


def test_chain_rule_figure_names_the_temperature():
    """At τ ≠ 1 the direct route is labelled (p − t)/τ with τ's value."""
    fig = seed_chain_figure(target=1, temperature=2.0)
    assert fig.data[2].name == "(p − t)/τ, τ = 2"


def test_frames_show_every_digit():
    """The p, J and chain-rule tables print float64 numbers in full."""
    p_frame = probability_frame(Z, P)
    assert list(p_frame.columns) == ["class", "zᵢ", "pᵢ"]
    assert list(p_frame["pᵢ"]) == [repr(v) for v in P]
    assert list(p_frame["zᵢ"]) == ["2", "3", "4"]
    J = xc.softmax_jacobian(Z)
    j_frame = jacobian_frame(J)
    assert list(j_frame.columns) == ["j = 0", "j = 1", "j = 2"]
    assert j_frame.loc["i = 1", "j = 1"] == repr(float(J[1, 1]))
    chain = softmax_chain_rule(Z, 2, temperature=0.5)
    c_frame = chain_rule_frame(chain.dl_dp, chain.via_jacobian, chain.direct, temperature=0.5)
    assert list(c_frame.columns) == ["class", "−t/p", "Jᵀ(−t/p)", "(p − t)/τ"]
    assert c_frame["(p − t)/τ"][2] == repr(float(chain.direct[2]))


def test_property_checks_pass_for_the_seed_jacobian():
    """Four passing lines, each with its evidence."""
    lines = property_checks(jacobian_properties(xc.softmax_jacobian(Z)))
    assert [verdict for verdict, _, _ in lines] == ["pass"] * 4
    claims = [claim for _, claim, _ in lines]
    assert claims == [
        "symmetric",
        "every row sums to 0",
        "eigenvalues ≥ 0 (positive semi-definite: $v^\\top J v \\ge 0$ for every $v$)",
        "rank C − 1 = 2",
    ]
    assert lines[0][2].endswith("= 0")
    assert "0.1186, 0.3709" in lines[2][2]
    assert lines[3][2].startswith("numerical rank 2")


def test_property_checks_explain_a_saturated_softmax():
    """A rank below C − 1 fails, with the reason."""
    tau = 0.1
    props = jacobian_properties(xc.softmax_jacobian([10.0, -10.0, 0.0], tau), temperature=tau)
    verdict, _, evidence = property_checks(props)[3]
    assert verdict == "fail"
    assert "saturated" in evidence


def test_property_checks_flag_a_matrix_that_breaks_the_rules():
    """An asymmetric, indefinite matrix fails the first three checks."""
    lines = property_checks(jacobian_properties(np.array([[1.0, 2.0], [0.0, -1.0]])))
    assert [verdict for verdict, _, _ in lines[:3]] == ["fail"] * 3


@pytest.mark.parametrize("text", ["0.1", "1", "2", "10", "1.5"])
def test_parse_tau_accepts_the_slider_values(text):
    """Every temperature on the slider can come from a link."""
    assert parse_tau(text) in TAU_OPTIONS
    assert format_tau(parse_tau(text)) == text


@pytest.mark.parametrize(
    ("text", "match"),
    [("hot", "is not a number"), ("2.5", "is not one of the temperatures"), ("0", "not one of")],
)
def test_parse_tau_refuses_other_values(text, match):
    """Other values raise a ValueError that lists the allowed temperatures."""
    with pytest.raises(ValueError, match=match):
        parse_tau(text)


def test_temperatures_are_on_a_log_scale():
    """0.1 to 10, each step a factor between 1.3 and 1.7."""
    ratios = np.array(TAU_OPTIONS[1:]) / np.array(TAU_OPTIONS[:-1])
    assert TAU_OPTIONS[0] == 0.1 and TAU_OPTIONS[-1] == 10.0 and 1.0 in TAU_OPTIONS
    assert ratios.min() > 1.3 and ratios.max() < 1.7


def test_formatting_helpers():
    """full keeps every digit, short uses a real minus, subscript writes ₀…₉."""
    assert full(0.1 + 0.2) == "0.30000000000000004"
    assert full(float("inf")) == "∞"
    assert short(-0.0219) == "−0.0219"
    assert short(0.0) == "0"
    assert subscript(12) == "₁₂"
    assert class_labels(4) == ["0", "1", "2", "3"]
