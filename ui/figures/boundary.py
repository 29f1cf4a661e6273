"""Pictures of a 2-D classifier as small JPEGs: the decision boundary and the hidden units.

Live training redraws these 20+ times a second, so they are drawn with PIL and sent inline
as base64 JPEG (a plotly heatmap costs far more to send and to draw). Everything here is
display: colours mixed by probability, pixels placed by coordinates.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import threading
from collections.abc import Sequence
from html import escape

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ui.figures.theme import CLASS_COLORS, MISTAKE
from ui.text.numbers import fit

WHITE = np.array([255.0, 255.0, 255.0])
TEXT = (60, 60, 60)
FRAME = (150, 150, 150)  # reads on both themes' backgrounds (2.9:1 on white, 6.1:1 on dark)
# What surrounds a picture in each Streamlit theme: the page's background (the field's unsure
# regions fade to it; the axes' margins and the units' gaps are painted with it) and the ink of
# the ticks and labels on it (≥ 4.5:1: 10.4:1 on white, 12.9:1 on the dark theme's #171614).
BACKGROUND = {"light": (255, 255, 255), "dark": (23, 22, 20)}
INK = {"light": TEXT, "dark": (214, 211, 204)}
# A diverging scale for unit outputs: negative orange, 0 white, positive blue (Playground's).
NEGATIVE_RGB = np.array([245.0, 147.0, 34.0])
POSITIVE_RGB = np.array([8.0, 119.0, 189.0])


# Names of ui.figures.theme.CLASS_COLORS[:5] (Okabe-Ito), for tables that refer to the picture.
CLASS_NAMES = ("blue", "orange", "green", "pink", "sky blue")


def class_label(k: int, names: Sequence[str] | None = None) -> str:
    """``1`` -> ``"1 · orange"``: a class (its name if ``names`` are given, e.g. an uploaded
    file's labels, ``"dog · orange"``) with the colour it has in the pictures."""
    name = str(names[k]) if names is not None and 0 <= k < len(names) else str(k)
    return f"{name} · {CLASS_NAMES[k]}" if 0 <= k < len(CLASS_NAMES) else name


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """``"#0072B2"`` -> ``(0, 114, 178)``."""
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))


def class_rgb(n_classes: int) -> np.ndarray:
    """The first ``n_classes`` class colours as a float (C, 3) array of 0..255 (read-only)."""
    return _class_rgb(n_classes)


@functools.lru_cache(maxsize=8)
def _class_rgb(n_classes: int) -> np.ndarray:
    rgb = np.array([hex_to_rgb(c) for c in CLASS_COLORS[:n_classes]], dtype=np.float64)
    rgb.flags.writeable = False  # shared by every call
    return rgb


def mix_colors(
    proba: np.ndarray, *, strength: float = 0.85, background: Sequence[float] = (255, 255, 255)
) -> np.ndarray:
    """Colour each cell by its class probabilities: uint8 (…, 3).

    The class colours are averaged with the probabilities as weights, then faded towards
    ``background`` (the page's: white, or the dark theme's) as the top probability falls to
    1/C, so an unsure region fades into the page and a confident one is saturated.
    ``strength`` is the opacity of a fully confident cell (points stay visible).
    """
    proba = np.asarray(proba, dtype=np.float64)
    n_classes = proba.shape[-1]
    mixed = proba @ class_rgb(n_classes)  # (…, C) @ (C, 3) -> (…, 3)
    top = proba[..., 0].copy()  # max over the classes, a class at a time: numpy's
    for c in range(1, n_classes):  # proba.max(axis=-1) took 0.18 ms of a frame's 50² field
        np.maximum(top, proba[..., c], out=top)
    confidence = (top - 1.0 / n_classes) / (1.0 - 1.0 / n_classes)  # 0..1
    alpha = strength * (0.25 + 0.75 * confidence)[..., None]
    under = np.asarray(background, dtype=np.float64)
    return np.clip(under + alpha * (mixed - under), 0, 255).astype(np.uint8)


def argmax_grid(proba_grid: np.ndarray) -> np.ndarray:
    """The discretised view: each cell's probabilities replaced by its top class, one-hot.

    Painted by :func:`mix_colors` this gives every cell its predicted class's colour at full
    strength (the argmax regions, with their hard edges), where the confidence view fades
    towards white as the network hesitates. Ties go to the lower class, as ``argmax`` does.
    """
    proba_grid = np.asarray(proba_grid, dtype=np.float64)
    n_classes = proba_grid.shape[-1]
    return np.eye(n_classes)[proba_grid.argmax(axis=-1)]  # (…, C) one-hot


@functools.lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def to_pixels(xy: np.ndarray, *, size: int, lo: float, hi: float) -> np.ndarray:
    """Plane coordinates (N, 2) -> pixel (column, row) in a size × size picture, y up."""
    xy = np.asarray(xy, dtype=np.float64)
    col = (xy[:, 0] - lo) / (hi - lo) * (size - 1)
    row = (hi - xy[:, 1]) / (hi - lo) * (size - 1)
    return np.column_stack([col, row])


@functools.lru_cache(maxsize=8)
def _axes(
    size: int, margin: int, pad: int, lo: float, hi: float, theme: str = "light"
) -> Image.Image:
    """The canvas in the theme's background, ticks at -6, -3, 0, 3, 6 below and left of the
    plot area in its ink."""
    canvas = Image.new("RGB", (size + margin + pad, size + margin + pad), BACKGROUND[theme])
    draw = ImageDraw.Draw(canvas)
    font = _font(13)
    bottom = pad + size
    for tick in np.linspace(lo, hi, 5):
        col, row = to_pixels(np.array([[tick, tick]]), size=size, lo=lo, hi=hi)[0]
        row += pad
        draw.line((margin + col, bottom, margin + col, bottom + 4), fill=FRAME)
        ink = INK[theme]
        draw.text((margin + col, bottom + 6), f"{tick:g}", fill=ink, font=font, anchor="mt")
        draw.line((margin - 4, row, margin, row), fill=FRAME)
        draw.text((margin - 6, row), f"{tick:g}", fill=ink, font=font, anchor="rm")
    return canvas


def _points_layer(
    key: tuple, train_xy, train_labels, test_xy, test_labels, n_classes, size, margin, pad, lo, hi
) -> Image.Image:
    """The data points on a transparent layer (drawn once per data set, then reused)."""
    with _POINT_LAYERS_LOCK:  # sessions run in threads of one process
        cached = _POINT_LAYERS.get(key)
    if cached is not None:
        return cached
    layer = Image.new("RGBA", (size + margin + pad, size + margin + pad), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    colors = [hex_to_rgb(c) for c in CLASS_COLORS[:n_classes]]
    offset = np.array([margin, pad])
    if test_xy is not None and len(test_xy):
        px = to_pixels(test_xy, size=size, lo=lo, hi=hi) + offset
        for (cx, cy), label in zip(px, test_labels, strict=True):
            draw.ellipse((cx - 4, cy - 4, cx + 4, cy + 4), outline=colors[label], width=2)
    px = to_pixels(train_xy, size=size, lo=lo, hi=hi) + offset
    for (cx, cy), label in zip(px, train_labels, strict=True):
        draw.ellipse((cx - 4, cy - 4, cx + 4, cy + 4), fill=colors[label], outline="white")
    with _POINT_LAYERS_LOCK:
        if len(_POINT_LAYERS) >= 16:
            _POINT_LAYERS.pop(next(iter(_POINT_LAYERS)))  # the oldest
        _POINT_LAYERS[key] = layer
    return layer


_POINT_LAYERS: dict[tuple, Image.Image] = {}  # a few MB at most, shared by the sessions
_POINT_LAYERS_LOCK = threading.Lock()


def _fingerprint(*arrays) -> tuple:
    return tuple(None if a is None else (a.shape, a.tobytes()) for a in arrays)


def boundary_picture(
    proba_grid: np.ndarray,
    *,
    train_xy: np.ndarray,
    train_labels: np.ndarray,
    test_xy: np.ndarray | None = None,
    test_labels: np.ndarray | None = None,
    highlight: np.ndarray | None = None,
    size: int = 360,
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
    train_xy = np.asarray(train_xy, dtype=np.float64)
    train_labels = np.asarray(train_labels)
    n_classes = proba_grid.shape[-1]
    field = Image.fromarray(mix_colors(proba_grid[::-1]))  # flip: row 0 at the top = max x₂
    field = field.resize((size, size), Image.Resampling.BILINEAR)
    picture = _axes(size, margin, pad, lo, hi).copy()
    picture.paste(field, (margin, pad))
    geometry = (n_classes, size, margin, pad, lo, hi)
    key = (*_fingerprint(train_xy, train_labels, test_xy, test_labels), *geometry)
    points = _points_layer(key, train_xy, train_labels, test_xy, test_labels, *geometry)
    picture.paste(points, (0, 0), points)
    draw = ImageDraw.Draw(picture)
    if highlight is not None and len(highlight):
        px = to_pixels(train_xy[np.asarray(highlight)], size=size, lo=lo, hi=hi)
        for cx, cy in px + np.array([margin, pad]):
            draw.ellipse((cx - 9, cy - 9, cx + 9, cy + 9), outline=hex_to_rgb(MISTAKE), width=3)
    draw.rectangle((margin, pad, margin + size - 1, pad + size - 1), outline=FRAME)
    return picture


# --- the live picture: layers the browser stacks ------------------------------------------------
#
# A playing frame used to paint the whole 400 px picture (a 100² grid, points, rings) and send
# it as a JPEG: ~7 ms of the server's CPU per frame. Now the browser stacks three layers, and
# only the first changes from frame to frame:
#   1. the field: the class probabilities on a small grid as a PNG of r × r pixels (r = 50:
#      ~0.2 ms to colour and encode), which the browser scales up smoothly;
#   2. the axes and the data points: one transparent PNG per data set, encoded once and kept;
#   3. the rings around the costliest points: a few positioned <div>s.


# A two-class field's p₀ in 254 steps: an even number, so p = ½ (the boundary) is exact.
FIELD_STEPS = 254


def field_png_uri(proba_grid: np.ndarray, *, theme: str = "light") -> str:
    """The probability field, one pixel per grid point, as a ``data:image/png`` URI.

    ``proba_grid`` (r, r, C) in xent_core.grid's order (row i at ``x₂ = axis[i]``); the PNG
    has row 0 at the top (max x₂). Colours as :func:`mix_colors`; with two classes, as
    :func:`mix_colors` of p₀ rounded to 1/254 (at most one level off), one byte a pixel.
    """
    r, n_classes = proba_grid.shape[0], proba_grid.shape[-1]
    if n_classes == 2:
        # p₀ alone gives the colour: rounded to 1/254 it indexes a palette of mix_colors, so
        # the PNG has one byte a pixel (0.47 -> 0.16 ms a 50² field, 9.9 -> 4.5 KB a frame).
        levels = (proba_grid[::-1, :, 0] * FIELD_STEPS + 0.5).astype(np.uint8)  # 0..254
        field = Image.fromarray(levels)
        field.putpalette(_two_class_palette(theme))
    else:
        # Colour the (r², C) rows as they come, then flip the colours (measured the same as
        # colouring the flipped view: ~0.25 ms at load 15, the PNG ~0.19 ms; BMP would be
        # 0.04 ms but 3x the bytes for the browser to parse every frame).
        flat = proba_grid.reshape(-1, n_classes)
        rgb = mix_colors(flat, background=BACKGROUND[theme]).reshape(r, r, 3)[::-1]
        field = Image.fromarray(np.ascontiguousarray(rgb))
    buffer = io.BytesIO()
    field.save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@functools.lru_cache(maxsize=2)
def _two_class_palette(theme: str) -> bytes:
    """RGB of :func:`mix_colors` at p = (k/254, 1 - k/254), k = 0..254, in the ``theme``."""
    p0 = np.arange(FIELD_STEPS + 1) / FIELD_STEPS
    return mix_colors(np.column_stack([p0, 1.0 - p0]), background=BACKGROUND[theme]).tobytes()


_STATIC_LAYERS: dict[tuple, str] = {}  # data URI of the axes + points, per data set
_STATIC_LAYERS_LOCK = threading.Lock()


def static_layer_uri(
    *,
    train_xy: np.ndarray,
    train_labels: np.ndarray,
    test_xy: np.ndarray | None = None,
    test_labels: np.ndarray | None = None,
    n_classes: int,
    size: int = 360,
    lo: float = -6.0,
    hi: float = 6.0,
    margin: int = 30,
    pad: int = 10,
    theme: str = "light",
) -> str:
    """The axes, the points and the frame on a transparent plot area, as a PNG data URI.

    Drawn and encoded once per data set (and test points shown or not) and theme (the margins
    in its background, the ticks in its ink: :data:`BACKGROUND`, :data:`INK`), then reused by
    every frame and every session of the process.
    """
    train_xy = np.asarray(train_xy, dtype=np.float64)
    train_labels = np.asarray(train_labels)
    geometry = (n_classes, size, margin, pad, lo, hi)
    key = (*_fingerprint(train_xy, train_labels, test_xy, test_labels), *geometry)
    with _STATIC_LAYERS_LOCK:
        cached = _STATIC_LAYERS.get((*key, theme))
    if cached is not None:
        return cached
    layer = _axes(size, margin, pad, lo, hi, theme).convert("RGBA")
    alpha = np.array(layer.getchannel("A"))
    alpha[pad : pad + size, margin : margin + size] = 0  # the field shows through
    layer.putalpha(Image.fromarray(alpha))
    points = _points_layer(key, train_xy, train_labels, test_xy, test_labels, *geometry)
    layer.alpha_composite(points)
    ImageDraw.Draw(layer).rectangle((margin, pad, margin + size - 1, pad + size - 1), outline=FRAME)
    buffer = io.BytesIO()
    layer.save(buffer, format="PNG", optimize=True)
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    with _STATIC_LAYERS_LOCK:
        if len(_STATIC_LAYERS) >= 16:
            _STATIC_LAYERS.pop(next(iter(_STATIC_LAYERS)))  # the oldest
        _STATIC_LAYERS[(*key, theme)] = uri
    return uri


def _pct(value: float) -> str:
    return f"{100.0 * value:.3f}%"


def static_layer_style(**layer) -> Html:
    """A ``<style>`` naming the static layer (:func:`static_layer_uri` of ``layer``) as a CSS
    class, for the page to send once per script run: the frames then refer to the class
    (:func:`static_layer_class`) instead of carrying ~14 KB of PNG each."""
    uri = static_layer_uri(**layer)
    name = static_layer_class(uri)
    rule = f'.{name}{{background-image:url("{uri}");background-size:100% 100%}}'
    return Html(f'<style id="xent-layer">{rule}</style>')  # id: style.css rule 5, no room


def static_layer_class(uri: str) -> str:
    """The CSS class name of a static layer: ``xent-layer-`` and a digest of its URI."""
    return "xent-layer-" + hashlib.blake2b(uri.encode("ascii"), digest_size=6).hexdigest()


def live_picture_html(
    proba_grid: np.ndarray,
    *,
    epoch: int,
    train_xy: np.ndarray,
    train_labels: np.ndarray,
    test_xy: np.ndarray | None = None,
    test_labels: np.ndarray | None = None,
    highlight: np.ndarray | None = None,
    size: int = 360,
    lo: float = -6.0,
    hi: float = 6.0,
    margin: int = 30,
    pad: int = 10,
    inline_layer: bool = True,
    theme: str = "light",
) -> str:
    """The boundary picture as stacked layers for the browser (see the comment above).

    The field's ``<img data-testid="tr-boundary">`` (``alt`` names the epoch) is placed so
    that each pixel's centre lies on its grid point (the r points run from ``lo`` to ``hi``
    inclusive); the picture is 400 px wide at most (25rem: larger on a projector's root
    font) and shrinks with its column. The axes and points come as an inline ``<img>``, or
    with ``inline_layer=False`` as a ``<div>`` of the CSS class :func:`static_layer_style`
    defines (which the page must have sent). ``theme`` (``"light"`` or ``"dark"``): the page's,
    whose background the unsure field fades to and the axes are painted on.
    """
    r = proba_grid.shape[0]
    n_classes = proba_grid.shape[-1]
    full = size + margin + pad
    half = 0.5 / (r - 1)  # half a grid cell, as a share of the plot's width
    static = static_layer_uri(
        train_xy=train_xy,
        train_labels=train_labels,
        test_xy=test_xy,
        test_labels=test_labels,
        n_classes=n_classes,
        size=size,
        lo=lo,
        hi=hi,
        margin=margin,
        pad=pad,
        theme=theme,
    )
    rings = []
    if highlight is not None and len(highlight):
        xy = np.asarray(train_xy, dtype=np.float64)[np.asarray(highlight)]
        ring = 19 / full
        for cx, cy in to_pixels(xy, size=size, lo=lo, hi=hi) + np.array([margin, pad]):
            rings.append(
                f"<div style='position:absolute;left:{_pct((cx - 9) / full)};"
                f"top:{_pct((cy - 9) / full)};width:{_pct(ring)};height:{_pct(ring)};"
                f"box-sizing:border-box;border:3px solid {MISTAKE};border-radius:50%'></div>"
            )
    layer = "position:absolute;left:0;top:0;width:100%;height:100%"
    if inline_layer:
        static_html = f'<img src="{static}" alt="" style="{layer}">'
    else:
        static_html = f"<div class='{static_layer_class(static)}' style='{layer}'></div>"
    return (
        "<div data-testid='tr-picture' style='position:relative;width:100%;max-width:25rem;"
        "aspect-ratio:1/1;margin-bottom:0.75rem'>"
        f"<div style='position:absolute;left:{_pct(margin / full)};top:{_pct(pad / full)};"
        f"width:{_pct(size / full)};height:{_pct(size / full)};overflow:hidden'>"
        f"<div style='position:absolute;left:-{_pct(half)};top:-{_pct(half)};"
        f"width:{_pct(1 + 2 * half)};height:{_pct(1 + 2 * half)}'>"
        f'<img src="{field_png_uri(proba_grid, theme=theme)}" '
        f'alt="decision boundary at epoch {epoch}" '
        'data-testid="tr-boundary" style="display:block;width:100%;height:100%;max-width:none">'
        "</div></div>"
        f"{static_html}{''.join(rings)}</div>"
    )


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
    theme: str = "light",
) -> Image.Image:
    """Small multiples: one tile per hidden unit of what it outputs over the plane.

    ``unit_grids`` (U, r, r) in xent_core.grid's order. Each tile is scaled by its own
    largest absolute value (so a tanh unit and a relu unit both use the whole colour
    range), blue for positive, orange for negative, and labelled ``h1``, ``h2``, … in the
    theme's ink on its background (the tiles keep their white 0, the scale's middle).
    """
    unit_grids = np.asarray(unit_grids, dtype=np.float64)
    n_units = unit_grids.shape[0]
    columns = max(1, min(columns, n_units))
    rows = -(-n_units // columns)
    width = columns * tile + (columns - 1) * gap
    height = rows * (tile + label_height) + (rows - 1) * gap
    picture = Image.new("RGB", (width, height), BACKGROUND[theme])
    draw = ImageDraw.Draw(picture)
    font = _font(11)
    scale = np.abs(unit_grids).reshape(n_units, -1).max(axis=1)
    scale[scale == 0] = 1.0
    for u in range(n_units):
        rgb = unit_colors(unit_grids[u, ::-1] / scale[u])
        img = Image.fromarray(rgb).resize((tile, tile), Image.Resampling.BILINEAR)
        x = (u % columns) * (tile + gap)
        y = (u // columns) * (tile + label_height + gap)
        draw.text((x + tile / 2, y), f"h{u + 1}", fill=INK[theme], font=font, anchor="mt")
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


def png_bytes(picture: Image.Image) -> bytes:
    """The picture as a PNG file (lossless: for a download, not the live frames)."""
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class Html(str):
    """HTML text that ``st.html`` takes as is (through ``_repr_html_``).

    Given a plain string, ``st.html`` first runs ``textwrap.dedent`` over it: regular
    expressions over every character, ~0.4 ms for a 16 KB live block, in every playing frame.
    Our HTML has no indentation to remove.
    """

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)


def img_tag(uri: str, *, alt: str, test_id: str, phone_uri: str = "") -> str:
    """An ``<img>`` tag for st.markdown(unsafe_allow_html=True), findable by ``test_id``;
    with ``phone_uri``, a second one (test id ``<test_id>-phone``) that phone-width screens
    show instead (style.css rule 11: a ``<picture>``'s data-URI ``srcset`` does not pass
    Streamlit's sanitiser)."""
    style = "max-width:100%;margin-bottom:0.75rem;"
    img = f'<img src="{uri}" alt="{alt}" data-testid="{test_id}" style="{style}"'
    if not phone_uri:
        return Html(img + ">")
    phone = f'<img src="{phone_uri}" alt="{alt}" data-testid="{test_id}-phone" style="{style}"'
    return Html(f'{img} class="xent-off-phone">{phone} class="xent-on-phone">')


def live_html(
    *,
    epoch: int,
    train_loss: float,
    test_loss: float,
    train_accuracy: float,
    test_accuracy: float,
    picture_uri: str = "",
    caption: str,
    picture_html: str | None = None,
    race: str = "",
    run: str = "",
) -> str:
    """The live block: epoch, losses and accuracies over the boundary picture, a caption under;
    in a race, ``race`` (the second copy's numbers, ``tr-race``) between the two. ``run``
    names the script run that drew it (``data-run``: a playing frame updates only its own).

    One HTML element, so a playing frame is one message for the browser to render and the
    numbers always belong to the picture under them. Test ids: ``tr-epoch``,
    ``tr-train-loss``, ``tr-test-loss``, ``tr-train-acc``, ``tr-test-acc``, and the picture
    ``img[data-testid="tr-boundary"]``: ``picture_html`` (:func:`live_picture_html`) when
    given, else an ``<img>`` of ``picture_uri``.
    """
    # The page's text colour, faded (a fixed #555 was 2.4:1 on the dark theme's background).
    label = "font-size:0.8rem;opacity:0.8"
    big = "font-size:1.9rem;line-height:1.15;font-variant-numeric:tabular-nums"
    mid = "font-size:1.35rem;line-height:1.3;font-variant-numeric:tabular-nums"
    small = "font-size:0.85rem;opacity:0.8;font-variant-numeric:tabular-nums"

    def column(title: str, loss: float, acc: float, key: str) -> str:
        return (
            f"<div><div style='{label}'>{title} loss</div>"
            f"<div data-testid='tr-{key}-loss' style='{mid}'>{fit(loss)}</div>"
            f"<div style='{small}'>accuracy <span data-testid='tr-{key}-acc'>{acc:.1%}</span>"
            "</div></div>"
        )

    header = (
        "<div style='display:grid;grid-template-columns:auto 1fr 1fr;gap:1.2rem;"
        "align-items:end;margin-bottom:0.4rem'>"
        f"<div><div style='{label}'>Epoch</div>"
        f"<div data-testid='tr-epoch' style='{big}'>{epoch:,}</div></div>"
        f"{column('Training', train_loss, train_accuracy, 'train')}"
        f"{column('Test', test_loss, test_accuracy, 'test')}</div>"
    )
    picture = picture_html or img_tag(
        picture_uri, alt=f"decision boundary at epoch {epoch}", test_id="tr-boundary"
    )
    if race:
        header += f"<div data-testid='tr-race' style='{small};margin-bottom:0.4rem'>{race}</div>"
    note = f"<div style='opacity:0.8;font-size:0.85rem'>{caption}</div>"
    return Html(
        f"<div data-testid='tr-live' data-epoch='{epoch}' data-run='{escape(run)}'>"
        f"{header}{picture}{note}</div>"
    )
