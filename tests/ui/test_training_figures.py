"""Figure builders and pictures of the Live training page: traces, axes, pixel colours."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from ui.figures.boundary import (
    BACKGROUND,
    INK,
    boundary_picture,
    class_label,
    class_rgb,
    field_png_uri,
    hex_to_rgb,
    img_tag,
    jpeg_data_uri,
    live_html,
    mix_colors,
    png_bytes,
    static_layer_uri,
    to_pixels,
    unit_colors,
    units_picture,
)
from ui.figures.theme import CLASS_COLORS, MISTAKE
from ui.figures.training import (
    AFTER_COLOR,
    loss_curve_figure,
    reliability_figure,
    temperature_figure,
)
from ui.widgets import training_live


def test_the_loss_curve_has_a_training_and_a_test_line_over_the_epochs():
    """Two line traces named training and test, x = epochs, y = the losses given."""
    fig = loss_curve_figure(epochs=[0, 1, 2], train_loss=[0.7, 0.5, 0.4], test_loss=[0.8, 0.6, 0.5])
    assert [t.name for t in fig.data] == ["training", "test"]
    assert all(t.mode == "lines" for t in fig.data)
    assert list(fig.data[0].x) == [0, 1, 2]
    assert list(fig.data[0].y) == [0.7, 0.5, 0.4]
    assert list(fig.data[1].y) == [0.8, 0.6, 0.5]
    assert fig.layout.xaxis.title.text == "epoch"
    assert fig.layout.yaxis.title.text == "mean cross-entropy"
    assert fig.layout.yaxis.type == "linear"


def test_the_loss_curve_can_use_a_log_axis():
    """y_scale='log' sets a log y axis and says so in its title."""
    fig = loss_curve_figure(
        epochs=[0, 1], train_loss=[0.7, 0.1], test_loss=[0.8, 0.2], y_scale="log"
    )
    assert fig.layout.yaxis.type == "log"
    assert "log scale" in fig.layout.yaxis.title.text


def test_a_single_epoch_is_drawn_as_dots():
    """At epoch 0 there is one record: markers, so the chart is not empty."""
    fig = loss_curve_figure(epochs=[0], train_loss=[0.7], test_loss=[0.8])
    assert all(t.mode == "markers" for t in fig.data)


def test_before_training_the_loss_chart_says_what_will_appear_in_it():
    """Epoch 0: large dots at the two starting losses on an epoch axis from 0 to 10, and a
    note telling the student to press Play or Step; once trained, no note and no fixed axis."""
    fig = loss_curve_figure(epochs=[0], train_loss=[0.7686], test_loss=[0.7770])
    assert [list(t.y) for t in fig.data] == [[0.7686], [0.7770]]
    assert all(t.marker.size >= 10 for t in fig.data)
    assert tuple(fig.layout.xaxis.range) == (-0.5, 10.5)
    (note,) = fig.layout.annotations
    assert "Play" in note.text and "Step" in note.text and "each epoch" in note.text
    assert (note.xref, note.yref, note.x) == ("paper", "paper", 0.5)
    later = loss_curve_figure(epochs=[0, 1], train_loss=[0.7, 0.6], test_loss=[0.8, 0.7])
    assert not later.layout.annotations and later.layout.xaxis.range is None
    assert all(t.marker.size is None for t in later.data)
    assert later.layout.uirevision != fig.layout.uirevision


def test_hex_colours_become_rgb():
    """'#0072B2' -> (0, 114, 178)."""
    assert hex_to_rgb("#0072B2") == (0, 114, 178)
    np.testing.assert_array_equal(class_rgb(2)[1], hex_to_rgb(CLASS_COLORS[1]))


def test_a_certain_cell_takes_its_class_colour_and_an_unsure_one_is_pale():
    """p = (1, 0) is 85 % of class 0's colour over white; p = (½, ½) is close to white."""
    sure, unsure = mix_colors(np.array([[1.0, 0.0], [0.5, 0.5]]))
    expected = 255 + 0.85 * (np.array(hex_to_rgb(CLASS_COLORS[0])) - 255)
    np.testing.assert_allclose(sure, expected, atol=1)
    white_distance = np.abs(255 - unsure.astype(int)).sum()
    assert white_distance < np.abs(255 - sure.astype(int)).sum() / 2


def test_confidence_moves_the_colour_away_from_white_monotonically():
    """The surer the network, the more saturated the colour."""
    p = np.array([[q, 1 - q] for q in (0.5, 0.6, 0.8, 0.99)])
    distance = np.abs(255 - mix_colors(p).astype(int)).sum(axis=1)
    assert list(distance) == sorted(distance)


def test_plane_coordinates_map_to_pixels_with_y_up():
    """(-6, 6) is the top-left pixel, (6, -6) the bottom-right one."""
    px = to_pixels(np.array([[-6.0, 6.0], [6.0, -6.0], [0.0, 0.0]]), size=101, lo=-6, hi=6)
    np.testing.assert_allclose(px, [[0, 0], [100, 100], [50, 50]])


def _top_bottom_grid() -> np.ndarray:
    """Class 0 certain where x2 > 0 (top of the picture), class 1 certain below."""
    axis = np.linspace(-6, 6, 100)
    top = (axis > 0)[:, None, None]  # row i is x2 = axis[i]
    return np.where(top, [1.0, 0.0], [0.0, 1.0]) * np.ones((100, 100, 2))


def test_the_boundary_picture_puts_each_class_colour_on_its_side_of_the_plane():
    """Class 0 fills the top (x2 > 0) and class 1 the bottom, with a margin for ticks."""
    picture = boundary_picture(
        _top_bottom_grid(),
        train_xy=np.empty((0, 2)),
        train_labels=np.empty(0, int),
        size=200,
        margin=30,
        pad=10,
    )
    assert picture.size == (240, 240)
    pixels = np.asarray(picture).astype(int)
    top, bottom = pixels[10 + 50, 30 + 100], pixels[10 + 150, 30 + 100]
    blue, orange = mix_colors(np.array([[1.0, 0.0], [0.0, 1.0]])).astype(int)
    assert np.abs(top - blue).sum() < 15
    assert np.abs(bottom - orange).sum() < 15


def test_training_points_and_the_costliest_rings_are_drawn_where_they_are():
    """A point at (3, 3) is a disc of its class colour; a highlighted one gets a red ring."""
    grid = np.full((100, 100, 2), 0.5)
    xy = np.array([[3.0, 3.0], [-3.0, -3.0]])
    picture = boundary_picture(
        grid,
        train_xy=xy,
        train_labels=np.array([1, 0]),
        highlight=np.array([1]),
        size=200,
        margin=30,
        pad=10,
    )
    pixels = np.asarray(picture).astype(int)
    (c1, r1), (c2, r2) = to_pixels(xy, size=200, lo=-6, hi=6).round().astype(int)
    assert np.abs(pixels[10 + r1, 30 + c1] - hex_to_rgb(CLASS_COLORS[1])).sum() < 10
    ring = pixels[10 + r2 - 8, 30 + c2]  # on the ring, 8 px above the point's centre
    assert np.abs(ring - hex_to_rgb(MISTAKE)).sum() < 30


def test_test_points_are_hollow_rings():
    """A test point's centre keeps the background; its edge has its class colour."""
    grid = np.full((100, 100, 2), 0.5)
    picture = boundary_picture(
        grid,
        train_xy=np.empty((0, 2)),
        train_labels=np.empty(0, int),
        test_xy=np.array([[0.0, 0.0]]),
        test_labels=np.array([0]),
        size=201,
        margin=30,
        pad=10,
    )
    pixels = np.asarray(picture).astype(int)
    centre, edge = pixels[10 + 100, 30 + 100], pixels[10 + 100 - 4, 30 + 100]
    assert np.abs(centre - mix_colors(np.array([0.5, 0.5])).astype(int)).sum() < 10
    assert np.abs(edge - hex_to_rgb(CLASS_COLORS[0])).sum() < 40


def test_unit_colours_are_blue_for_positive_orange_for_negative_white_at_zero():
    """The diverging scale of the hidden-unit tiles."""
    neg, zero, pos = unit_colors(np.array([-1.0, 0.0, 1.0]))
    assert tuple(zero) == (255, 255, 255)
    assert pos[2] > pos[0] and neg[0] > neg[2]


def test_the_units_picture_has_one_tile_per_unit_in_rows_of_eight():
    """16 units -> 2 rows of 8 tiles; a positive unit's tile is blue."""
    units = np.ones((16, 40, 40))
    units[1] = -1.0
    picture = units_picture(units, tile=50, columns=8, gap=5, label_height=10)
    assert picture.size == (8 * 50 + 7 * 5, 2 * (50 + 10) + 5)
    pixels = np.asarray(picture).astype(int)
    first, second = pixels[10 + 25, 25], pixels[10 + 25, 55 + 25]
    assert first[2] > first[0]  # blue
    assert second[0] > second[2]  # orange


def test_a_picture_travels_as_a_jpeg_data_uri_in_an_img_tag():
    """The URI decodes back to a JPEG of the same size; the tag carries a test id."""
    picture = Image.new("RGB", (64, 32), "white")
    uri = jpeg_data_uri(picture)
    assert uri.startswith("data:image/jpeg;base64,")
    decoded = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert decoded.format == "JPEG" and decoded.size == (64, 32)
    tag = img_tag(uri, alt="boundary", test_id="tr-boundary")
    assert 'data-testid="tr-boundary"' in tag and f'src="{uri}"' in tag


def test_a_picture_with_a_phone_version_comes_in_two_that_style_css_picks_between():
    tag = img_tag("data:wide", alt="units", test_id="tr-units", phone_uri="data:narrow")
    wide, phone = tag.split("><")
    assert 'src="data:wide"' in wide and 'data-testid="tr-units"' in wide
    assert 'class="xent-off-phone"' in wide
    assert 'src="data:narrow"' in phone and 'data-testid="tr-units-phone"' in phone
    assert 'class="xent-on-phone"' in phone


def test_four_units_to_a_row_fit_a_phones_column_at_full_size():
    """Eight to a row (714 px) shrunk to a 358 px column drew the labels at 5.5 px; four to a
    row is 354 px wide, shown as drawn."""
    grids = np.zeros((8, 5, 5))
    assert units_picture(grids).size[0] == 8 * 84 + 7 * 6 == 714
    assert units_picture(grids, columns=training_live.UNITS_PHONE_COLUMNS).size == (354, 206)


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_the_boundary_picture_accepts_two_to_five_classes(n_classes):
    """Any number of classes the page allows mixes without error."""
    grid = np.full((20, 20, n_classes), 1.0 / n_classes)
    picture = boundary_picture(
        grid,
        train_xy=np.zeros((n_classes, 2)),
        train_labels=np.arange(n_classes),
        size=100,
    )
    assert picture.mode == "RGB"


def test_class_labels_name_the_colour_of_the_class():
    """Tables say which colour a class has in the pictures."""
    assert class_label(0) == "0 · blue"
    assert class_label(1) == "1 · orange"
    assert class_label(7) == "7"


def test_class_labels_use_the_files_names_when_given():
    """An uploaded file's labels name the classes: 'dog · orange'."""
    assert class_label(1, ("cat", "dog")) == "dog · orange"
    assert class_label(0, ("cat", "dog")) == "cat · blue"


def test_the_live_block_shows_the_epoch_the_four_numbers_and_the_picture():
    """Epoch with a thousands separator, losses to 4 decimals, accuracies in %, the img."""
    html = live_html(
        epoch=1234,
        train_loss=0.123456,
        test_loss=0.5,
        train_accuracy=0.875,
        test_accuracy=0.5,
        picture_uri="data:image/jpeg;base64,AAAA",
        caption="ringed",
    )
    assert "data-epoch='1234'" in html
    assert "data-testid='tr-epoch' style='font-size:1.9rem;line-height:1.15;" in html
    for test_id, text in [
        ("tr-epoch", "1,234"),
        ("tr-train-loss", "0.1235"),
        ("tr-test-loss", "0.5000"),
        ("tr-train-acc", "87.5%"),
        ("tr-test-acc", "50.0%"),
    ]:
        assert re.search(rf"data-testid='{test_id}'[^>]*>{re.escape(text)}<", html), test_id
    assert 'src="data:image/jpeg;base64,AAAA"' in html
    assert 'alt="decision boundary at epoch 1234"' in html
    assert "ringed" in html


# --- calibration ------------------------------------------------------------------------------

EDGES = np.linspace(0, 1, 11)
CONF = np.array([np.nan] * 5 + [0.55, 0.64, np.nan, 0.86, 0.97])
ACC = np.array([np.nan] * 5 + [0.5, 0.75, np.nan, 0.6, 0.99])
COUNT = np.array([0, 0, 0, 0, 0, 2, 4, 0, 5, 89])


def reliability(**kwargs):
    args = dict(edges=EDGES, confidence=CONF, accuracy=ACC, count=COUNT, n_classes=2)
    return reliability_figure(**{**args, "title": "τ = 1 · ECE 0.05", **kwargs})


def test_the_reliability_diagram_has_accuracy_bars_gaps_the_diagonal_and_counts():
    """Bars at the filled bins' centres, gaps from accuracy to confidence, counts below."""
    fig = reliability()
    acc, gap, diagonal, counts = fig.data
    assert [t.name for t in (acc, gap, diagonal)] == [
        "accuracy",
        "gap to mean confidence",
        "calibrated (diagonal)",
    ]
    np.testing.assert_allclose(acc.x, [0.55, 0.65, 0.85, 0.95])
    np.testing.assert_allclose(acc.y, [0.5, 0.75, 0.6, 0.99])
    base = np.asarray(gap.base, dtype=np.float64)  # plotly keeps `base` as an object array
    np.testing.assert_allclose(base, acc.y)
    np.testing.assert_allclose(base + np.asarray(gap.y), [0.55, 0.64, 0.86, 0.97])
    assert list(diagonal.x) == list(diagonal.y) == [0.5, 1.0]
    assert list(counts.y) == list(COUNT)
    assert list(counts.text) == ["", "", "", "", "", "2", "4", "", "5", "89"]
    assert (counts.xaxis, counts.yaxis) == ("x2", "y2")
    assert "89 points" in counts.hovertext[9] and "no points" in counts.hovertext[7]


def test_the_reliability_diagram_starts_at_one_over_c_and_is_titled():
    """Confidence is ≥ 1/C, so the axis starts at the bin edge below it: 0.5, 0.3, 0.2."""
    for n_classes, start in ((2, 0.5), (3, 0.3), (5, 0.2)):
        fig = reliability(n_classes=n_classes)
        assert fig.layout.xaxis.range == pytest.approx((start, 1.0), abs=1e-15)
        assert fig.layout.xaxis2.range == pytest.approx((start, 1.0), abs=1e-15)
    fig = reliability(title="Scaled by τ* = 2 · ECE 0.01", color=AFTER_COLOR)
    assert fig.layout.title.text == "Scaled by τ* = 2 · ECE 0.01"
    assert fig.data[0].marker.color == AFTER_COLOR
    assert fig.layout.yaxis.title.text == "accuracy"
    assert "confidence" in fig.layout.xaxis2.title.text


def test_the_reliability_diagram_of_one_filled_bin_still_draws():
    """All points in one bin: one bar, one gap, a count axis from 0."""
    count = np.zeros(10, dtype=int)
    count[9] = 3
    conf = np.where(count > 0, 0.95, np.nan)
    fig = reliability_figure(
        edges=EDGES, confidence=conf, accuracy=np.where(count > 0, 1.0, np.nan), count=count,
        n_classes=3, title="t",
    )  # fmt: skip
    assert len(fig.data[0].x) == 1 and fig.layout.yaxis2.range[0] == 0


TAUS = np.geomspace(0.05, 20, 9)


def temperatures(**kwargs):
    args = dict(
        temperatures=TAUS,
        cross_entropy=np.linspace(3.0, 0.2, 9) + np.linspace(0, 1, 9) ** 2,
        ece=np.abs(np.linspace(-0.2, 0.3, 9)),
        ce_temperature=2.0,
        ece_temperature=1.9,
    )
    return temperature_figure(**{**args, **kwargs})


def test_the_temperature_chart_has_cross_entropy_and_ece_on_two_axes_over_log_tau():
    """CE on the left axis, ECE on the right, τ on a log axis with readable ticks."""
    fig = temperatures()
    ce, ece = fig.data
    assert (ce.name, ece.name) == ("mean cross-entropy", "ECE")
    np.testing.assert_array_equal(ce.x, TAUS)
    assert ece.yaxis == "y2" and fig.layout.yaxis2.overlaying == "y"
    assert fig.layout.xaxis.type == "log"
    assert list(fig.layout.xaxis.tickvals) == [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20]
    assert "cross-entropy" in fig.layout.yaxis.title.text
    assert fig.layout.yaxis2.title.text == "ECE"


def test_the_temperature_chart_marks_tau_1_tau_star_and_the_least_ece():
    """Three vertical lines at τ = 1, τ* and the ECE-best τ, each labelled."""
    fig = temperatures()
    assert [shape.x0 for shape in fig.layout.shapes] == [1.0, 2.0, 1.9]
    texts = [note.text for note in fig.layout.annotations]
    assert texts == ["τ = 1", "τ* = 2", "least ECE τ = 1.9"]
    assert fig.layout.annotations[1].x == pytest.approx(np.log10(2.0))


def test_the_cross_entropy_axis_shows_the_valley_not_the_blow_up_at_small_tau():
    """CE from 40 at τ = 0.05 down to 0.3: the axis stops near 3 × the minimum."""
    ce = 0.3 + 2.0 / TAUS
    fig = temperatures(cross_entropy=ce)
    top = fig.layout.yaxis.range[1]
    assert fig.layout.yaxis.range[0] == 0
    assert top < 10 and top >= 1.3 * (0.3 + 2.0)


def test_the_downloaded_boundary_is_a_lossless_png_of_the_same_pixels():
    """png_bytes round-trips every pixel (the live frames are JPEG; the download is not)."""
    picture = boundary_picture(
        _top_bottom_grid(), train_xy=np.empty((0, 2)), train_labels=np.empty(0, int), size=120
    )
    data = png_bytes(picture)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    back = Image.open(io.BytesIO(data))
    assert back.size == picture.size
    assert np.array_equal(np.asarray(back.convert("RGB")), np.asarray(picture.convert("RGB")))


# --- the dark theme: the live picture and the units are painted on the page's background ------


def decoded(uri: str) -> np.ndarray:
    """The pixels of a ``data:image/...;base64,`` URI, RGBA as ints."""
    data = base64.b64decode(uri.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")).astype(int)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_an_unsure_field_fades_to_the_themes_background(theme):
    """p = (½, ½) everywhere: each pixel is the class colours' mean at opacity 0.85 · 0.25 over
    the background (white, or the dark theme's #171614), never white in the dark theme."""
    under = np.array(BACKGROUND[theme], dtype=float)
    mean = class_rgb(2).mean(axis=0)
    expected = under + 0.85 * 0.25 * (mean - under)
    pixels = decoded(field_png_uri(np.full((10, 10, 2), 0.5), theme=theme))
    assert pixels.shape == (10, 10, 4)
    assert np.abs(pixels[..., :3] - expected).max() <= 1  # uint8 rounding
    assert (pixels[..., 3] == 255).all()
    if theme == "dark":
        assert pixels[..., :3].max() < 80  # a dark field, not a pale one


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_axes_margins_are_the_themes_background_and_the_ticks_its_ink(theme):
    layer = decoded(
        static_layer_uri(
            train_xy=np.array([[0.0, 0.0]]),
            train_labels=np.array([0]),
            n_classes=2,
            size=100,
            margin=30,
            pad=10,
            theme=theme,
        )
    )
    corner = layer[-1, 0]  # below the x axis, left of the y axis: margin only
    assert tuple(corner[:3]) == BACKGROUND[theme] and corner[3] == 255
    margin = layer[10:110, :26, :3].reshape(-1, 3)  # the y tick labels' column
    ink = np.array(INK[theme])
    assert (np.abs(margin - ink).sum(axis=1) <= 30).any()  # some label pixels in the ink
    assert layer[30, 110, 3] == 0  # the plot area (away from the point) is see-through


def test_the_two_themes_get_their_own_static_layer():
    layer = {"train_xy": np.array([[1.0, 2.0]]), "train_labels": np.array([1]), "n_classes": 2}
    light = static_layer_uri(**layer, theme="light")
    assert static_layer_uri(**layer, theme="dark") != light
    assert static_layer_uri(**layer) == light  # light is the default


def test_the_units_strip_is_drawn_on_the_dark_background_with_light_labels():
    picture = units_picture(np.ones((3, 20, 20)), tile=40, gap=6, label_height=14, theme="dark")
    pixels = np.asarray(picture).astype(int)
    assert tuple(pixels[14 + 20, 40 + 3]) == BACKGROUND["dark"]  # the gap between two tiles
    labels = pixels[:14].reshape(-1, 3)
    assert (labels.sum(axis=1) > 500).any()  # "h1", "h2", "h3" in a light ink
    assert tuple(pixels[0, 0]) == BACKGROUND["dark"]


def test_a_long_history_is_drawn_with_at_most_600_evenly_spread_points_first_and_last_kept():
    epochs = np.arange(2000)
    train, test = np.linspace(2.0, 0.1, 2000), np.linspace(2.1, 0.3, 2000)
    fig = loss_curve_figure(epochs=epochs, train_loss=train, test_loss=test)
    x, y = np.asarray(fig.data[0].x), np.asarray(fig.data[0].y)
    assert 590 <= len(x) <= 600 and x[0] == 0 and x[-1] == 1999
    assert np.array_equal(y, train[x]) and np.array_equal(np.asarray(fig.data[1].y), test[x])
    assert np.diff(x).max() <= 4  # evenly spread: no gap wider than ~2000/600
    short = loss_curve_figure(epochs=[0, 1, 2], train_loss=[0.7, 0.5, 0.4], test_loss=[1, 1, 1])
    assert list(short.data[0].x) == [0, 1, 2]  # a short history: every point


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_the_field_is_mix_colors_row_flipped_within_one_level(theme, n_classes):
    """Any probabilities (confident, unsure, exactly 0 and 1): pixel (i, j) of the field is
    mix_colors of grid point (r-1-i, j) to within one level of 255 (two classes go through a
    palette of p₀'s 256 levels), and the top row is the largest x₂."""
    rng = np.random.default_rng(7)
    logits = 4.0 * rng.normal(size=(12, 12, n_classes))
    logits[0, 0], logits[-1, -1] = 800.0 * np.eye(n_classes)[:2]  # p exactly one-hot
    grid = np.exp(logits - logits.max(axis=-1, keepdims=True))
    grid /= grid.sum(axis=-1, keepdims=True)
    grid[5, :, :2] = [0.5, 0.5] if n_classes == 2 else grid[5, :, :2]
    want = mix_colors(grid.reshape(-1, n_classes), background=BACKGROUND[theme])
    want = want.reshape(12, 12, 3)[::-1].astype(int)
    pixels = decoded(field_png_uri(grid, theme=theme))
    assert pixels.shape == (12, 12, 4) and (pixels[..., 3] == 255).all()
    assert np.abs(pixels[..., :3] - want).max() <= 1
    assert (pixels[-1, 0, :3] == want[-1, 0]).all() and (pixels[0, -1, :3] == want[0, -1]).all()
