"""Pictures of a 2-D classifier as small JPEGs: the decision boundary and the hidden units.

Live training redraws these 20+ times a second, so they are drawn with PIL and sent inline
as base64 JPEG (a plotly heatmap costs far more to send and to draw). Everything here is
display: colours mixed by probability, pixels placed by coordinates.
"""

from __future__ import annotations

import base64
import functools
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ui.theme import CLASS_COLORS, MISTAKE

WHITE = np.array([255.0, 255.0, 255.0])
TEXT = (60, 60, 60)
FRAME = (150, 150, 150)
# A diverging scale for unit outputs: negative orange, 0 white, positive blue (Playground's).
NEGATIVE_RGB = np.array([245.0, 147.0, 34.0])
POSITIVE_RGB = np.array([8.0, 119.0, 189.0])


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """``"#0072B2"`` -> ``(0, 114, 178)``."""
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))


def class_rgb(n_classes: int) -> np.ndarray:
    """The first ``n_classes`` class colours as a float (C, 3) array of 0..255."""
    return np.array([hex_to_rgb(c) for c in CLASS_COLORS[:n_classes]], dtype=np.float64)


def mix_colors(proba: np.ndarray, *, strength: float = 0.85) -> np.ndarray:
    """Colour each cell by its class probabilities: uint8 (…, 3).

    The class colours are averaged with the probabilities as weights, then faded towards
    white as the top probability falls to 1/C, so an unsure region looks pale and a confident
    one saturated. ``strength`` is the opacity of a fully confident cell (points stay visible).
    """
    proba = np.asarray(proba, dtype=np.float64)
    n_classes = proba.shape[-1]
    mixed = proba @ class_rgb(n_classes)  # (…, C) @ (C, 3) -> (…, 3)
    confidence = (proba.max(axis=-1) - 1.0 / n_classes) / (1.0 - 1.0 / n_classes)  # 0..1
    alpha = strength * (0.25 + 0.75 * confidence)[..., None]
    return np.clip(WHITE + alpha * (mixed - WHITE), 0, 255).astype(np.uint8)


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def to_pixels(xy: np.ndarray, *, size: int, lo: float, hi: float) -> np.ndarray:
    """Plane coordinates (N, 2) -> pixel (column, row) in a size × size picture, y up."""
    xy = np.asarray(xy, dtype=np.float64)
    col = (xy[:, 0] - lo) / (hi - lo) * (size - 1)
    row = (hi - xy[:, 1]) / (hi - lo) * (size - 1)
    return np.column_stack([col, row])


@functools.lru_cache(maxsize=8)
def _axes(size: int, margin: int, pad: int, lo: float, hi: float) -> Image.Image:
    """The white canvas with ticks at -6, -3, 0, 3, 6 below and left of the plot area."""
    canvas = Image.new("RGB", (size + margin + pad, size + margin + pad), "white")
    draw = ImageDraw.Draw(canvas)
    font = _font(13)
    bottom = pad + size
    for tick in np.linspace(lo, hi, 5):
        col, row = to_pixels(np.array([[tick, tick]]), size=size, lo=lo, hi=hi)[0]
        row += pad
        draw.line((margin + col, bottom, margin + col, bottom + 4), fill=FRAME)
        draw.text((margin + col, bottom + 6), f"{tick:g}", fill=TEXT, font=font, anchor="mt")
        draw.line((margin - 4, row, margin, row), fill=FRAME)
        draw.text((margin - 6, row), f"{tick:g}", fill=TEXT, font=font, anchor="rm")
    return canvas


def boundary_picture(
    proba_grid: np.ndarray,
    *,
    train_xy: np.ndarray,
    train_labels: np.ndarray,
    test_xy: np.ndarray | None = None,
    test_labels: np.ndarray | None = None,
    highlight: np.ndarray | None = None,
    size: int = 420,
    lo: float = -6.0,
    hi: float = 6.0,
    margin: int = 30,
    pad: int = 10,
) -> Image.Image:
    """The plane coloured by class probabilities, with the points and ringed costly ones.

    ``proba_grid`` (r, r, C) has row i at ``x₂ = axis[i]`` increasing (xent_core.grid's
    order); training points are filled discs with a white edge, test points hollow rings
    in their class colour, and ``highlight`` (indices into the training points) get a thick
    red ring. Ticks at -6, -3, 0, 3, 6 on a margin below and to the left.
    """
    n_classes = proba_grid.shape[-1]
    field = Image.fromarray(mix_colors(proba_grid[::-1]))  # flip: row 0 at the top = max x₂
    field = field.resize((size, size), Image.Resampling.BILINEAR)
    picture = _axes(size, margin, pad, lo, hi).copy()
    picture.paste(field, (margin, pad))
    draw = ImageDraw.Draw(picture)
    colors = [hex_to_rgb(c) for c in CLASS_COLORS[:n_classes]]

    def place(xy):
        px = to_pixels(xy, size=size, lo=lo, hi=hi)
        px[:, 0] += margin
        px[:, 1] += pad
        return px

    if test_xy is not None and len(test_xy):
        for (cx, cy), label in zip(place(test_xy), test_labels, strict=True):
            draw.ellipse((cx - 4, cy - 4, cx + 4, cy + 4), outline=colors[label], width=2)
    for (cx, cy), label in zip(place(train_xy), train_labels, strict=True):
        draw.ellipse((cx - 4, cy - 4, cx + 4, cy + 4), fill=colors[label], outline="white")
    if highlight is not None and len(highlight):
        for cx, cy in place(np.asarray(train_xy)[np.asarray(highlight)]):
            draw.ellipse((cx - 9, cy - 9, cx + 9, cy + 9), outline=hex_to_rgb(MISTAKE), width=3)
    draw.rectangle((margin, pad, margin + size - 1, pad + size - 1), outline=FRAME)
    return picture


def unit_colors(values: np.ndarray) -> np.ndarray:
    """Diverging colours for unit outputs scaled to [-1, 1]: uint8 (…, 3), 0 is white."""
    v = np.clip(np.asarray(values, dtype=np.float64), -1.0, 1.0)[..., None]
    rgb = np.where(v >= 0, WHITE + v * (POSITIVE_RGB - WHITE), WHITE - v * (NEGATIVE_RGB - WHITE))
    return rgb.astype(np.uint8)


def units_picture(
    unit_grids: np.ndarray,
    *,
    tile: int = 84,
    columns: int = 8,
    gap: int = 6,
    label_height: int = 16,
) -> Image.Image:
    """Small multiples: one tile per hidden unit of what it outputs over the plane.

    ``unit_grids`` (U, r, r) in xent_core.grid's order. Each tile is scaled by its own
    largest absolute value (so a tanh unit and a relu unit both use the whole colour
    range), blue for positive, orange for negative, and labelled ``h1``, ``h2``, …
    """
    unit_grids = np.asarray(unit_grids, dtype=np.float64)
    n_units = unit_grids.shape[0]
    columns = max(1, min(columns, n_units))
    rows = -(-n_units // columns)
    width = columns * tile + (columns - 1) * gap
    height = rows * (tile + label_height) + (rows - 1) * gap
    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    font = _font(11)
    scale = np.abs(unit_grids).reshape(n_units, -1).max(axis=1)
    scale[scale == 0] = 1.0
    for u in range(n_units):
        rgb = unit_colors(unit_grids[u, ::-1] / scale[u])
        img = Image.fromarray(rgb).resize((tile, tile), Image.Resampling.BILINEAR)
        x = (u % columns) * (tile + gap)
        y = (u // columns) * (tile + label_height + gap)
        draw.text((x + tile / 2, y), f"h{u + 1}", fill=TEXT, font=font, anchor="mt")
        picture.paste(img, (x, y + label_height))
        draw.rectangle(
            (x, y + label_height, x + tile - 1, y + label_height + tile - 1), outline=FRAME
        )
    return picture


def jpeg_data_uri(picture: Image.Image, *, quality: int = 85) -> str:
    """The picture as a ``data:image/jpeg;base64,…`` URI."""
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def img_tag(uri: str, *, alt: str, test_id: str) -> str:
    """An ``<img>`` tag for st.markdown(unsafe_allow_html=True), findable by ``test_id``."""
    return f'<img src="{uri}" alt="{alt}" data-testid="{test_id}" style="max-width:100%;margin-bottom:0.75rem;">'
