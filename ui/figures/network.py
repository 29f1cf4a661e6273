"""The network diagram: inputs -> every hidden unit -> the output units, drawn live.

Each unit is a small picture of what it outputs over the plane (the boundary's colours: the
diverging blue/orange of the unit tiles, the class colours for the outputs), each connection
a line coloured by the sign of its weight (blue positive, orange negative: they read apart
for colour-blind eyes too, and a weight of exactly 0 is a dotted grey line) and as wide and
as opaque as ``|w|`` is large. Hovering (or tapping) a connection shows its weight now,
hovering a unit its formula with the numbers and its picture large.

This module builds the *scene*: everything the diagram shows, as plain numbers and strings
(:func:`network_scene`), and the HTML that carries it (:func:`network_html`). The browser
draws it on a canvas with ``ui/widgets/network.js``. Why not SVG (measured, headless
chromium on 2 shared cores): ``st.html`` strips ``<svg>`` (DOMPurify's HTML profile);
``st.markdown`` keeps it but turns every node into a React element, which halved the page's
live updates for the 2-8-4-3 net; a 4 × 32 SVG (3,200 paths) cost hundreds of ms per frame
even through ``innerHTML``. A canvas draws 3,200 lines in a few ms.

All the unit pictures travel as one JPEG sprite (one decode per frame); the scene says which
cell of it is which unit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ui.figures.boundary import class_rgb, jpeg_data_uri, unit_colors
from ui.text.network import unit_formula, unit_label

# Playground's blue and orange (the unit tiles' scale in ui.figures.boundary), per theme.
POSITIVE = {"light": "#0877bd", "dark": "#3b8fd4"}
NEGATIVE = {"light": "#f59322", "dark": "#f5a14a"}
ZERO = {"light": "#9ca3af", "dark": "#6b7280"}  # a weight of exactly 0: a dotted grey line
BACKGROUND = {"light": "#ffffff", "dark": "#0e1117"}
INK = {"light": "#31333f", "dark": "#e6e6e6"}  # text
MUTED = {"light": "#6b7280", "dark": "#9ca3af"}
PANEL = {"light": "#ffffff", "dark": "#1f2430"}
FRAME = {"light": "#b0b4bb", "dark": "#4b5261"}

WIDTH = 760  # the drawing's width in CSS px (it shrinks to fit its column)
TOP = 46  # room for the layer captions and, under them, the layers' [−][+] buttons
BOTTOM = 10
LEFT = 58  # room for the input names
RIGHT = 46  # room for the class names
TILE_MAX, TILE_MIN = 32, 12  # a unit's picture, px: shrinks as the widest layer grows
GAP_MAX, GAP_MIN = 8, 3
COLUMN_MAX = 480  # the tallest column of units, px
MIN_HEIGHT = 200  # a drawing never flatter than this, however few the units
ZOOM = 120  # a hovered unit's picture, px

# A connection's look: width and opacity grow with |w| up to W_FULL and stay there.
W_FULL = 3.0
WIDTH_MIN, WIDTH_MAX = 0.5, 6.0
WIDTH_MAX_DENSE = 2.5  # the widest line of a network with many connections (see edge_look)
OPACITY_MIN = 0.3  # the faintest non-zero connection (lower in dense networks: DENSE)
DENSE = 200  # more connections than this: the faint ones fade further


@dataclass(frozen=True)
class Layout:
    """Where everything goes: the viewBox, the tile size, each column's x and each unit's y."""

    width: int
    height: int
    tile: float
    columns: tuple[float, ...]  # the left edge of each layer's tiles
    rows: tuple[tuple[float, ...], ...]  # the top edge of each unit's tile, layer by layer

    def center(self, layer: int, j: int) -> tuple[float, float]:
        return self.columns[layer] + self.tile / 2, self.rows[layer][j] + self.tile / 2


def layout(sizes: Sequence[int], *, width: int = WIDTH) -> Layout:
    """Columns evenly spread, each layer's units centred; tiles shrink for wide layers."""
    widest = max(sizes)
    gap = GAP_MAX if widest <= 8 else max(GAP_MIN, GAP_MAX - (widest - 8) // 4)
    tile = (COLUMN_MAX - (widest - 1) * gap) / widest
    tile = float(min(TILE_MAX, max(TILE_MIN, math.floor(tile))))
    column_height = widest * tile + (widest - 1) * gap
    height = int(max(MIN_HEIGHT, TOP + column_height + BOTTOM))
    n = len(sizes)
    span = width - LEFT - RIGHT - tile
    columns = tuple(LEFT + span * k / (n - 1) for k in range(n))
    rows = []
    for size in sizes:
        own = size * tile + (size - 1) * gap
        top = TOP + (height - TOP - BOTTOM - own) / 2
        rows.append(tuple(top + j * (tile + gap) for j in range(size)))
    return Layout(width=width, height=height, tile=tile, columns=columns, rows=tuple(rows))


def _signed_lut() -> np.ndarray:
    """unit_colors at 255 levels of [-1, 1]: (255, 3) uint8, level 0 = -1, 127 = 0, 254 = +1."""
    return unit_colors(np.linspace(-1.0, 1.0, 255))


_SIGNED_LUT = _signed_lut()


def tile_colors(grids: np.ndarray, *, kind: str, n_classes: int = 2, cls: int = 0) -> np.ndarray:
    """RGB (U, r, r, 3) of unit pictures (U, r, r), row 0 at the top = the largest x₂.

    ``kind="signed"`` (inputs and hidden units): blue positive, orange negative, white 0, each
    scaled by its own largest |value| (ui.figures.boundary.unit_colors, looked up at 255
    levels). ``"probability"`` (output unit ``cls``): white at p = 0 to its class colour at
    p = 1, 85 % strong as the boundary picture.
    """
    grids = np.asarray(grids, dtype=np.float64)[:, ::-1]  # flip: xent_core.grid's row 0 = min x₂
    if kind == "probability":
        rgb = class_rgb(n_classes)[cls]
        lut = (255.0 + np.linspace(0.0, 0.85, 256)[:, None] * (rgb - 255.0)).astype(np.uint8)
        return lut[np.rint(np.clip(grids, 0.0, 1.0) * 255).astype(np.intp)]
    scale = np.abs(grids).reshape(len(grids), -1).max(axis=1)
    scale[scale == 0] = 1.0
    levels = np.rint((grids / scale[:, None, None] + 1.0) * 127.0).astype(np.intp)
    return _SIGNED_LUT[levels]


def sprite(tiles: Sequence[np.ndarray]) -> tuple[Image.Image, int, int]:
    """All tiles (each (r, r, 3) uint8) in one picture, row-major: (picture, columns, r)."""
    r = tiles[0].shape[0]
    columns = max(1, math.ceil(math.sqrt(len(tiles))))
    rows = math.ceil(len(tiles) / columns)
    sheet = np.full((rows * r, columns * r, 3), 255, dtype=np.uint8)
    for k, tile in enumerate(tiles):
        y, x = divmod(k, columns)
        sheet[y * r : (y + 1) * r, x * r : (x + 1) * r] = tile
    return Image.fromarray(sheet), columns, r


def edge_look(w: np.ndarray, n_connections: int) -> tuple[np.ndarray, np.ndarray]:
    """Line width (px) and opacity of each connection, both rising with ``|w|``.

    Width ``WIDTH_MIN + (top - WIDTH_MIN)·√min(|w|/W_FULL, 1)`` (the square root spreads the
    small weights apart), opacity from a floor to 1 linearly in ``min(|w|/W_FULL, 1)``. Past
    DENSE connections both shrink in proportion (``top`` from WIDTH_MAX towards
    WIDTH_MAX_DENSE, the floor below OPACITY_MIN): a 4 × 32 network's thousands of lines stay
    thin and the faint ones fade instead of greying the picture (and thin lines are what a
    canvas draws fast).
    """
    strength = np.minimum(np.abs(np.asarray(w, dtype=np.float64)) / W_FULL, 1.0)
    crowd = min(1.0, DENSE / max(1, n_connections))
    top = max(WIDTH_MAX_DENSE, WIDTH_MAX * math.sqrt(crowd))
    width = WIDTH_MIN + (top - WIDTH_MIN) * np.sqrt(strength)
    floor = OPACITY_MIN * crowd
    opacity = floor + (1.0 - floor) * strength
    return width, opacity


def _sprite_tiles(layer_grids, n_layers: int, n_classes: int) -> list[np.ndarray]:
    """Every unit's picture (r, r, 3), layer by layer: signed scale, probability for outputs."""
    tiles: list[np.ndarray] = []
    for k, grids in enumerate(layer_grids):
        if k == n_layers:
            for c in range(n_classes):
                one = grids[c : c + 1]
                tiles.append(tile_colors(one, kind="probability", n_classes=n_classes, cls=c)[0])
        else:
            tiles.extend(tile_colors(grids, kind="signed"))
    return tiles


def captions(sizes: Sequence[int]) -> list[str]:
    """The caption over each column: ``2 inputs``, ``hidden 1 · 8``, …, ``softmax output``."""
    n_layers = len(sizes) - 1
    out = []
    for k, size in enumerate(sizes):
        if k == 0:
            out.append(f"{size} input{'s' * (size > 1)}")
        elif k == n_layers:
            out.append("softmax output")
        else:
            out.append(f"hidden {k} · {size}")
    return out


def unit_formulas(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    names: Sequence[Sequence[str]],
    activation: str,
    class_names: Sequence[str],
) -> list[list[str]]:
    """Each unit's hover text, layer by layer: an input says what it is; a hidden unit its
    formula with the numbers; an output unit ``z₀ = …`` and ``p₀ = softmax(z)₀: class …``."""
    n_layers = len(weights)
    out = [[f"{name}: input feature" for name in names[0]]]
    for k in range(1, n_layers + 1):
        W, b = np.asarray(weights[k - 1]), np.asarray(biases[k - 1])
        layer = []
        for j, name in enumerate(names[k]):
            formula = unit_formula(
                W[:, j].tolist(),
                float(b[j]),
                inputs=names[k - 1],
                activation=activation,
                name=name,
                output=k == n_layers,
            )
            if k == n_layers:
                index = name[1:]
                formula += f"\np{index} = softmax(z){index}: class {class_names[j]}"
            layer.append(formula)
        out.append(layer)
    return out


def network_scene(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    *,
    inputs: Sequence[str],
    activation: str,
    layer_grids: Sequence[np.ndarray] | None = None,
    class_names: Sequence[str] | None = None,
    theme: str = "light",
    uid: str = "net",
    editable: bool = True,
    bridge: str = "tr_net_cmd",
    width: int = WIDTH,
    quality: int = 80,
) -> dict:
    """Everything the diagram shows, as JSON-ready numbers and strings.

    Parameters
    ----------
    weights, biases : the network's arrays, ``weights[k]`` (fan_in, fan_out) from layer k to
        k + 1 (``h @ W + b``), as :class:`xent_core.MLP` keeps them
    inputs : the input features' names (``xent_core.FEATURES``), one per row of weights[0]
    activation : the hidden layers' activation, named in the formulas
    layer_grids : what every unit outputs over the plane, layer by layer, each (units, r, r)
        in xent_core.grid's order: features, hidden activations, output probabilities
        (:func:`ui.model.network.layer_grids`). None draws empty boxes.
    class_names : written beside the output units (default ``0, 1, …``)
    theme : ``"light"`` or ``"dark"`` (Streamlit's theme): background, ink and line colours
    uid : names this diagram among the page's (its canvas is kept from frame to frame)
    editable : whether a click on a connection offers to type its weight, and the hidden
        layers get "+"/"−" buttons (commands for the page: see ui/widgets/network.js)
    bridge : the widget key of the page's hidden text input that receives those commands

    Returns
    -------
    dict with ``sizes``, ``width``/``height``/``tile``/``columns``/``rows`` (the layout, CSS
    px), ``names`` and ``formulas`` (per layer, per unit), ``captions``, ``classes``, and per
    connection, in the order of the weight arrays (layer k, then row i, then column j):
    ``w`` (the weight, 6 significant digits), ``lw`` (line width) and ``a`` (opacity); the
    colours; ``sprite`` (a JPEG data URI, or "") with ``cols`` cells of ``r`` px per row.
    """
    sizes = [int(np.shape(weights[0])[0]), *(int(np.shape(W)[1]) for W in weights)]
    n_layers = len(weights)
    if len(inputs) != sizes[0]:
        raise ValueError(f"inputs names {len(inputs)} features; the network takes {sizes[0]}.")
    if theme not in BACKGROUND:
        raise ValueError(f"theme must be one of {', '.join(BACKGROUND)}; got {theme!r}.")
    n_classes = sizes[-1]
    classes = [str(c) for c in (class_names or range(n_classes))]
    geo = layout(sizes, width=width)
    names = [[unit_label(k, j, n_layers, inputs) for j in range(s)] for k, s in enumerate(sizes)]
    w = np.concatenate([np.asarray(W, dtype=np.float64).ravel() for W in weights])
    lw, alpha = edge_look(w, len(w))
    sprite_uri, columns, r = "", 1, 0
    if layer_grids is not None:
        sheet, columns, r = sprite(_sprite_tiles(layer_grids, n_layers, n_classes))
        sprite_uri = jpeg_data_uri(sheet, quality=quality)
    return {
        "uid": uid,
        "sizes": sizes,
        "width": geo.width,
        "height": geo.height,
        "tile": geo.tile,
        "columns": [round(x, 1) for x in geo.columns],
        "rows": [[round(y, 1) for y in row] for row in geo.rows],
        "names": names,
        "formulas": unit_formulas(weights, biases, names, activation, classes),
        "captions": captions(sizes),
        "classes": classes,
        "w": [float(f"{v:.6g}") for v in w.tolist()],
        "lw": np.round(lw, 1).tolist(),
        "a": np.round(alpha, 2).tolist(),
        "colors": {
            "pos": POSITIVE[theme],
            "neg": NEGATIVE[theme],
            "zero": ZERO[theme],
            "bg": BACKGROUND[theme],
            "ink": INK[theme],
            "muted": MUTED[theme],
            "frame": FRAME[theme],
            "panel": PANEL[theme],
        },
        "sprite": sprite_uri,
        "cols": columns,
        "r": r,
        "zoom": ZOOM,
        "editable": bool(editable),
        "bridge": bridge,
    }


def edge_color(scene: dict, n: int) -> str:
    """The colour connection ``n`` of the scene is drawn in (as network.js picks it)."""
    w = scene["w"][n]
    colors = scene["colors"]
    return colors["pos"] if w > 0 else colors["neg"] if w < 0 else colors["zero"]


def scene_json(scene: dict) -> str:
    """The scene as JSON that is safe inside ``<script>…</script>`` and passes DOMPurify.

    DOMPurify drops a script whose text looks like markup, and ``</script`` would end it:
    every ``<`` is written ``\\u003c`` (the same string once parsed).
    """
    return json.dumps(scene, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def network_html(scene: dict, *, test_id: str = "tr-network") -> str:
    """The ``st.html`` body that draws ``scene``: a holder and one call of network.js.

    The holder reserves the drawing's size (no jump while the script draws), names the
    network in ``data-sizes`` and ``data-connections`` and is a labelled group for screen
    readers (the canvas inside is its image; its "−"/"+" buttons stay reachable).
    ``window.xentNet`` (ui/widgets/network.js, installed once per tab) keeps the canvas from
    frame to frame and moves it into this holder, so a hovered connection stays hovered.
    """
    sizes = "-".join(map(str, scene["sizes"]))
    n = len(scene["w"])
    label = (
        f"Network {sizes}: {n} connections, blue for positive weights, orange for negative, "
        "wider for larger |w|. Hover a connection for its weight, a unit for its formula."
    )
    ratio = f"{scene['width']} / {scene['height']}"
    holder = (
        f'<div class="xent-net" data-testid="{test_id}" data-uid="{scene["uid"]}" '
        f'data-sizes="{sizes}" data-connections="{n}" role="group" aria-label="{label}" '
        f'style="position:relative;width:100%;max-width:{scene["width"]}px;'
        f'aspect-ratio:{ratio}"></div>'
    )
    call = (
        "<script>(function(s,d){var n=window.xentNet;if(n){n.draw(s,d);}else{"
        "(window.xentNetPending=window.xentNetPending||[]).push([s,d]);}})"
        f"(document.currentScript,{scene_json(scene)})</script>"
    )
    return holder + call


def network_script(scene: dict) -> str:
    """A ``<script>`` that draws ``scene`` into the page's holder of its diagram (found by
    ``scene["uid"]``): what a playing frame appends to its live block, so the diagram and the
    numbers arrive in one message (a second element update per frame cost the browser a
    quarter of its drawn frames, bench/live_training.py)."""
    uid = json.dumps(scene["uid"])
    return (
        "<script>(function(u,d){var n=window.xentNet;if(n){n.drawAt(u,d);}else{"
        "(window.xentNetPending=window.xentNetPending||[]).push([u,d]);}})"
        f"({uid},{scene_json(scene)})</script>"
    )
