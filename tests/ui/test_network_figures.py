"""The network diagram's scene (ui.figures.network) and its words (ui.text.network): what is
drawn, in which colour and width, what a hover says, and how big a frame is."""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pytest
from PIL import Image

import xent_core
from ui.figures.boundary import class_rgb
from ui.figures.network import (
    BACKGROUND,
    NEGATIVE,
    POSITIVE,
    TILE_MAX,
    TILE_MIN,
    W_FULL,
    ZERO,
    captions,
    edge_color,
    edge_look,
    layout,
    network_html,
    network_scene,
    network_script,
    scene_json,
    sprite,
    tile_colors,
)
from ui.model.network import layer_grids
from ui.text.network import edge_label, feature_label, signed, unit_formula, unit_label


def hand_net() -> tuple[list[np.ndarray], list[np.ndarray]]:
    """2 inputs -> 2 tanh units -> 2 classes, with weights chosen to read in the formulas."""
    W1 = np.array([[0.82, -0.4], [-1.31, 0.0]])  # (2 inputs, 2 units)
    b1 = np.array([0.05, -0.2])
    W2 = np.array([[1.5, -1.5], [0.25, 2.0]])  # (2 units, 2 classes)
    b2 = np.array([0.0, 0.1])
    return [W1, W2], [b1, b2]


def scene_of(sizes, *, seed=0, inputs=None, grids=True, **kwargs) -> dict:
    inputs = inputs or ["x1", "x2"][: sizes[0]]
    net = xent_core.MLP(sizes, seed=seed)
    g = layer_grids(net, inputs, resolution=16) if grids else None
    return network_scene(
        net.weights, net.biases, inputs=inputs, activation="tanh", layer_grids=g, **kwargs
    )


# --- what is drawn -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "connections"),
    [([2, 8, 4, 3], 16 + 32 + 12), ([2, 3], 6), ([2, 32, 32, 32, 32, 3], 64 + 3 * 1024 + 96)],
)
def test_the_scene_has_every_unit_and_every_connection(sizes, connections):
    """One name, one formula, one place per unit; one weight, width and opacity per weight."""
    scene = scene_of(sizes)
    assert scene["sizes"] == sizes
    assert [len(layer) for layer in scene["names"]] == sizes
    assert [len(layer) for layer in scene["formulas"]] == sizes
    assert [len(row) for row in scene["rows"]] == sizes
    assert len(scene["columns"]) == len(sizes)
    assert len(scene["w"]) == len(scene["lw"]) == len(scene["a"]) == connections
    html = network_html(scene)
    assert f'data-connections="{connections}"' in html
    assert f'data-sizes="{"-".join(map(str, sizes))}"' in html


def test_the_weights_are_listed_layer_by_layer_row_by_row():
    """Connection n is weights[k][i, j] in the arrays' own order (network.js relies on it)."""
    weights, biases = hand_net()
    scene = network_scene(weights, biases, inputs=["x1", "x2"], activation="tanh")
    assert scene["w"] == [0.82, -0.4, -1.31, 0.0, 1.5, -1.5, 0.25, 2.0]


def test_the_names_are_the_features_then_h_then_z_by_class():
    """Inputs by feature, the first hidden layer h₁…, deeper ones h²₁…, outputs z₀…."""
    scene = scene_of([2, 3, 2, 3], inputs=["x1^2", "sin(x2)"])
    assert scene["names"] == [
        ["x₁²", "sin x₂"],
        ["h₁", "h₂", "h₃"],
        ["h²₁", "h²₂"],
        ["z₀", "z₁", "z₂"],
    ]
    assert scene["captions"] == ["2 inputs", "hidden 1 · 3", "hidden 2 · 2", "softmax output"]
    assert captions([1, 2]) == ["1 input", "softmax output"]


def test_the_input_names_follow_the_chosen_features():
    """Every xent_core feature has a written form; unknown ones are left as they are."""
    assert [feature_label(f) for f in xent_core.FEATURES] == [
        "x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin x₁", "sin x₂",
    ]  # fmt: skip
    assert feature_label("z9") == "z9"
    assert unit_label(0, 0, 2, ["x1*x2"]) == "x₁x₂"
    assert unit_label(1, 11, 3) == "h₁₂" and unit_label(2, 0, 3) == "h²₁"


# --- colour by sign, width by |w| ----------------------------------------------------------


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_connection_is_blue_when_positive_orange_when_negative_grey_when_zero(theme):
    """The scene's colours for each sign, per theme; edge_color picks by the weight's sign."""
    weights, biases = hand_net()
    scene = network_scene(weights, biases, inputs=["x1", "x2"], activation="tanh", theme=theme)
    assert [edge_color(scene, n) for n in range(4)] == [
        POSITIVE[theme], NEGATIVE[theme], NEGATIVE[theme], ZERO[theme],
    ]  # fmt: skip
    assert scene["colors"]["bg"] == BACKGROUND[theme]
    assert POSITIVE[theme] != NEGATIVE[theme]


def test_blue_and_orange_differ_in_lightness_too():
    """Blue/orange stay apart without hue (deuteranopia, a grey projector): luminance differs."""

    def luminance(color: str) -> float:
        r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for theme in ("light", "dark"):
        assert luminance(NEGATIVE[theme]) - luminance(POSITIVE[theme]) > 0.15


def test_width_and_opacity_grow_with_the_size_of_the_weight_whatever_its_sign():
    """Non-decreasing in |w| everywhere, strictly below W_FULL, flat above; sign-blind."""
    w = np.linspace(0.0, 2 * W_FULL, 401)
    for n_connections in (60, 3232):
        width, opacity = edge_look(w, n_connections)
        assert np.all(np.diff(width) >= 0) and np.all(np.diff(opacity) >= 0)
        below = w <= W_FULL
        assert np.all(np.diff(width[below]) > 0) and np.all(np.diff(opacity[below]) > 0)
        assert np.ptp(width[~below]) == 0
        assert np.array_equal(edge_look(-w, n_connections)[0], width)
        assert opacity[-1] == 1.0


def test_a_crowded_network_draws_thinner_fainter_lines():
    """4 × 32: the widest line and the faintest opacity shrink, so the picture stays readable."""
    w = np.array([0.05, W_FULL])
    few_width, few_opacity = edge_look(w, 60)
    many_width, many_opacity = edge_look(w, 3232)
    assert many_width[1] < few_width[1] and many_opacity[0] < few_opacity[0]


def test_the_scene_widths_follow_the_weights():
    """In a scene, a connection with a larger |w| is never drawn thinner or fainter."""
    scene = scene_of([2, 8, 4, 3], seed=3)
    order = np.argsort(np.abs(scene["w"]))
    assert np.all(np.diff(np.array(scene["lw"])[order]) >= 0)
    assert np.all(np.diff(np.array(scene["a"])[order]) >= 0)


# --- hover text ------------------------------------------------------------------------------


def test_a_hidden_units_formula_has_its_weights_and_bias_plugged_in():
    """h₁ = tanh(0.82·x₁ − 1.31·x₂ + 0.05), with true minus signs, in the scene's formulas."""
    weights, biases = hand_net()
    scene = network_scene(weights, biases, inputs=["x1", "x2"], activation="tanh")
    assert scene["formulas"][1][0] == "h₁ = tanh(0.82·x₁ − 1.31·x₂ + 0.05)"
    assert scene["formulas"][1][1] == "h₂ = tanh(−0.40·x₁ + 0.00·x₂ − 0.20)"
    assert scene["formulas"][0] == ["x₁: input feature", "x₂: input feature"]


def test_an_output_units_formula_is_linear_and_names_its_class():
    """z₁ = −1.50·h₁ + 2.00·h₂ + 0.10, then p₁ = softmax(z)₁ and the class's name."""
    weights, biases = hand_net()
    scene = network_scene(
        weights, biases, inputs=["x1", "x2"], activation="relu", class_names=["cat", "dog"]
    )
    assert scene["formulas"][2][1] == (
        "z₁ = −1.50·h₁ + 2.00·h₂ + 0.10\np₁ = softmax(z)₁: class dog"
    )
    assert scene["classes"] == ["cat", "dog"]


@pytest.mark.parametrize(
    ("activation", "written"), [("relu", "relu("), ("sigmoid", "σ("), ("linear", "= (")]
)
def test_the_formula_names_the_activation(activation, written):
    formula = unit_formula([1.0], 0.5, inputs=["x₁"], activation=activation, name="h₁")
    assert written in formula


def test_a_wide_units_formula_lists_eight_terms_and_counts_the_rest():
    """32 inputs: the first 8 terms, then '+ … + bias (24 more terms)'."""
    names = [unit_label(1, i, 3) for i in range(32)]
    formula = unit_formula(
        np.full(32, 0.5).tolist(), -1.0, inputs=names, activation="tanh", name="h²₁"
    )
    assert formula.count("·") == 8
    assert formula.endswith("+ … − 1.00) (24 more terms)")


def test_a_connections_hover_text_has_its_weight_with_three_decimals():
    """'x₁ → h₄: w = −0.823' (network.js writes the same from the scene's numbers)."""
    assert edge_label("x₁", "h₄", -0.8234) == "x₁ → h₄: w = −0.823"
    assert edge_label("h₁", "z₀", 0.0) == "h₁ → z₀: w = 0"
    assert signed(1.23456, 2) == "1.23"


# --- pictures --------------------------------------------------------------------------------


def test_unit_pictures_are_blue_where_positive_orange_where_negative_white_at_zero():
    """A signed tile scaled by its own largest |value|; an output tile white -> class colour."""
    grid = np.array([[[-2.0, 0.0], [0.0, 2.0]]])  # row 0 = the smallest x₂
    rgb = tile_colors(grid, kind="signed")[0]
    top_right, bottom_left = rgb[0, 1], rgb[1, 0]  # flipped: row 0 on screen = largest x₂
    assert tuple(top_right) == (8, 119, 189)  # +1: Playground's blue
    assert tuple(bottom_left) == (245, 147, 34)  # -1: orange
    assert tuple(rgb[0, 0]) == (255, 255, 255)
    p = tile_colors(np.array([[[0.0, 1.0]]]), kind="probability", n_classes=3, cls=2)[0, 0]
    assert tuple(p[0]) == (255, 255, 255)
    expected = np.rint(255 + 0.85 * (class_rgb(3)[2] - 255)).astype(int)
    assert np.abs(p[1].astype(int) - expected).max() <= 1


def test_the_sprite_holds_every_tile_in_its_cell():
    """Row-major cells of r px; the scene's cols and r say where unit n is."""
    tiles = [np.full((4, 4, 3), n * 20, dtype=np.uint8) for n in range(5)]
    sheet, columns, r = sprite(tiles)
    assert (columns, r) == (3, 4) and sheet.size == (12, 8)
    pixels = np.asarray(sheet)
    assert pixels[4, 4, 0] == 80  # tile 4: row 1, column 1
    scene = scene_of([2, 3, 2])
    picture = Image.open(io.BytesIO(base64.b64decode(scene["sprite"].split(",", 1)[1])))
    assert picture.format == "JPEG"
    assert picture.width == scene["cols"] * scene["r"]
    assert picture.height >= -(-7 // scene["cols"]) * scene["r"]


def test_without_grids_the_scene_has_no_pictures():
    scene = scene_of([2, 4, 2], grids=False)
    assert scene["sprite"] == "" and scene["r"] == 0


# --- layout, size, safety ------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[2, 2], [2, 8, 4, 3], [7, 32, 32, 32, 32, 5]])
def test_every_unit_lies_inside_the_drawing_and_wide_layers_shrink(sizes):
    geo = layout(sizes)
    assert all(a < b for a, b in zip(geo.columns, geo.columns[1:], strict=False))
    for column, rows in zip(geo.columns, geo.rows, strict=True):
        assert column >= 0 and column + geo.tile <= geo.width
        assert all(0 < y and y + geo.tile <= geo.height for y in rows)
        assert all(b - a > geo.tile for a, b in zip(rows, rows[1:], strict=False))  # no overlap
    assert TILE_MIN <= geo.tile <= TILE_MAX
    if max(sizes) >= 32:
        assert geo.tile < TILE_MAX and geo.height <= 560


def test_a_4x32_frame_stays_under_its_size_budget():
    """The whole HTML of a 4 × 32 frame (40 px pictures, 3,232 weights) under 160 KB; the
    default 2-8-4-3 one under 16 KB."""
    net = xent_core.MLP([2, 32, 32, 32, 32, 3], seed=0)
    big = network_html(
        network_scene(
            net.weights,
            net.biases,
            inputs=["x1", "x2"],
            activation="tanh",
            layer_grids=layer_grids(net, ["x1", "x2"], resolution=40),
        )
    )
    assert len(big.encode()) < 160_000
    small_net = xent_core.MLP([2, 8, 4, 3], seed=0)
    small = network_html(
        network_scene(
            small_net.weights,
            small_net.biases,
            inputs=["x1", "x2"],
            activation="tanh",
            layer_grids=layer_grids(small_net, ["x1", "x2"], resolution=40),
        )
    )
    assert len(small.encode()) < 16_000


def test_typed_class_names_cannot_break_out_of_the_script():
    """A class named '</script><img onerror=…>' stays a string: no '<' in the scene's JSON."""
    weights, biases = hand_net()
    evil = "</script><img src=x onerror=alert(1)>"
    scene = network_scene(
        weights, biases, inputs=["x1", "x2"], activation="tanh", class_names=[evil, "b"]
    )
    text = scene_json(scene)
    assert "<" not in text and "</script" not in network_html(scene).split("<script>", 1)[1][:-9]
    assert json.loads(text)["classes"][0] == evil


def test_the_html_is_a_holder_and_one_call_of_the_renderer():
    """A sized, labelled holder (no jump while drawing) and xentNet.draw(...) with the scene."""
    scene = scene_of([2, 8, 4, 3], uid="race")
    html = network_html(scene, test_id="tr-network-2")
    holder = re.match(r'<div class="xent-net" ([^>]*)></div><script>', html)
    assert holder is not None
    attributes = holder.group(1)
    assert 'data-testid="tr-network-2"' in attributes and 'data-uid="race"' in attributes
    assert f"aspect-ratio:{scene['width']} / {scene['height']}" in attributes
    assert "Hover a connection for its weight" in attributes
    assert "n.draw(s,d)" in html and html.endswith("</script>")


def test_bad_arguments_are_named():
    weights, biases = hand_net()
    with pytest.raises(ValueError, match="inputs names 3 features; the network takes 2"):
        network_scene(weights, biases, inputs=["x1", "x2", "x1^2"], activation="tanh")
    with pytest.raises(ValueError, match="theme must be one of light, dark; got 'blue'"):
        network_scene(weights, biases, inputs=["x1", "x2"], activation="tanh", theme="blue")


def test_a_playing_frame_carries_the_scene_in_a_script_for_the_diagrams_holder():
    """network_script: xentNet.drawAt("<uid>", scene), with no '<' inside (DOMPurify, </script>)."""
    scene = scene_of([2, 8, 4, 2], uid="net")
    script = network_script(scene)
    assert script.startswith("<script>") and script.endswith("</script>")
    body = script[len("<script>") : -len("</script>")]
    assert "<" not in body
    assert "n.drawAt(u,d)" in body and '("net",{' in body
    assert json.loads(body[body.index('("net",') + 7 : -1]) == json.loads(scene_json(scene))
