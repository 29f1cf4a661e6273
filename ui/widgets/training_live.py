"""The live part of the Live training page: the epoch counter over the boundary picture, the
loss curve and the first-layer units, drawn once per run and replaced in place while playing.

The loop itself and its decisions (which frame redraws what, when to stop) are
:mod:`ui.model.training_loop`; :func:`play` hands it the drawing and Streamlit's rerun.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from PIL import Image
from streamlit.delta_generator import DeltaGenerator

from ui.figures import projector
from ui.figures.boundary import (
    Html,
    argmax_grid,
    boundary_picture,
    img_tag,
    jpeg_data_uri,
    live_html,
    live_picture_html,
    png_bytes,
    static_layer_style,
    units_picture,
)
from ui.figures.network import network_scene, network_script, scene_json
from ui.figures.race import race_curve_figure
from ui.figures.training import loss_curve_figure
from ui.model import network_levers as levers
from ui.model import training_loop
from ui.model.network import layer_grids
from ui.model.training import Training
from ui.model.training_controller import RUNNING, State
from ui.text.network import race_numbers
from ui.text.numbers import fit
from ui.widgets import classroom, frame_socket, network_view

UNITS_PHONE_COLUMNS = 4  # 4 × 84 px tiles + gaps: 354 px, a phone's column (358 px at 390)
COSTLIEST = 5  # training points ringed as the costliest now
LIVE_GRID = 50  # the live picture's field: 50² probabilities, scaled up by the browser
BOUNDARY_PNG_PX = 720  # the downloaded boundary picture (the live one is 360 px)
# The browser's frame player (a playing message's frames, one after another, into the block)
PLAYER = "\n".join(  # its comments left out: it rides in every run of the page
    line
    for line in (Path(__file__).parent / "live_player.js").read_text().splitlines()
    if line.strip() and not line.lstrip().startswith("//")
)
# While playing, the messages sent to the run's websocket before the tab connects to it: if it
# has not by then (a proxy passing no websocket but Streamlit's), they go as elements again.
SOCKET_WAIT_MESSAGES = 30  # 1 s
_runs = itertools.count(1)  # names each script run's live block (data-run)
# Redrawn every few frames while training: a toolbar with only the camera (a PNG of the curves).
CHART_CONFIG = {"modeBarButtons": [["toImage"]], **projector.png_export("training_curves")}


def view_grid(grid: np.ndarray, view: str) -> np.ndarray:
    """The probabilities as the chosen view paints them: as they are ("confidence") or each
    cell's top class at full strength ("classes", the discretised output)."""
    return argmax_grid(grid) if view == "classes" else grid


def run_picture(
    run: Training,
    *,
    test: bool,
    highlight: np.ndarray | None = None,
    size: int = 360,
    view: str = "confidence",
) -> Image.Image:
    """The plane coloured by the network's class probabilities, its points (and test points)."""
    return boundary_picture(
        view_grid(run.probability_grid(), view),
        train_xy=run.X_train,
        train_labels=run.y_train,
        test_xy=run.X_test if test else None,
        test_labels=run.y_test if test else None,
        highlight=highlight,
        size=size,
    )


def boundary_png(run: Training, *, test: bool, view: str = "confidence") -> bytes:
    """The decision boundary picture at BOUNDARY_PNG_PX, as a PNG file (made on a click)."""
    return png_bytes(run_picture(run, test=test, size=BOUNDARY_PNG_PX, view=view))


def live_block(
    run: Training,
    *,
    test: bool,
    view: str = "confidence",
    theme: str = "light",
    rival: str = "",
    run_name: str = "",
) -> str:
    """The epoch counter over the boundary picture, with its points and costliest rings, in
    the page's ``theme`` (the field fades to its background); in a race, the second copy's
    numbers under the first's, named ``rival`` (:func:`rival_name`). ``run_name``: the script
    run drawing it (:class:`Live`)."""
    costly = run.costliest(COSTLIEST)
    picture = live_picture_html(
        view_grid(run.probability_grid(LIVE_GRID), view),
        epoch=run.epoch,
        train_xy=run.X_train,
        train_labels=run.y_train,
        test_xy=run.X_test if test else None,
        test_labels=run.y_test if test else None,
        highlight=costly,
        inline_layer=False,  # the axes and points: sent once per run by show_live
        theme=theme,
    )
    losses = ", ".join(fit(v, 2, 7) for v in run.point_losses()[costly])
    m = run.metrics()
    race = ""
    if rival and run.race is not None and run.race.metrics is not None:
        r = run.race.metrics
        race = race_numbers(
            rival,
            train_loss=r.train_loss,
            test_loss=r.test_loss,
            train_accuracy=r.train_accuracy,
            test_accuracy=r.test_accuracy,
        )
    return live_html(
        epoch=m.epoch,
        train_loss=m.train_loss,
        test_loss=m.test_loss,
        train_accuracy=m.train_accuracy,
        test_accuracy=m.test_accuracy,
        picture_html=picture,
        caption=f"Ringed in red: the {len(costly)} training points costing the most loss "
        f"now, −log p(class) = {losses}.",
        race=race,
        run=run_name,
    )


def rival_name(run: Training, state: State) -> str:
    """The race's second copy as the curves name it (``"Adam"``), or "" without a race."""
    if run.race is None:
        return ""
    return levers.lane_names(state.get("tr_opt", "sgd"), state["tr_lr"], run.setup.race)[1]


def loss_curve(run: Training, *, log: bool, state: State | None = None) -> go.Figure:
    """The training and test loss over the epochs so far (both lanes' in a race)."""
    h = run.history
    if run.race is not None and state is not None:
        r = run.race.history
        names = levers.lane_names(state.get("tr_opt", "sgd"), state["tr_lr"], run.setup.race)
        return race_curve_figure(
            names=names,
            epochs=(h.epochs, r.epochs),
            train_loss=(h.train_loss, r.train_loss),
            test_loss=(h.test_loss, r.test_loss),
            y_scale="log" if log else "linear",
            height=430,
        )
    return loss_curve_figure(
        epochs=h.epochs,
        train_loss=h.train_loss,
        test_loss=h.test_loss,
        y_scale="log" if log else "linear",
        height=430,
    )


@dataclass(frozen=True)
class Live:
    """The live block of one script run: its name (``data-run``), and where a playing message
    goes: the run's own websocket (``channel``, while playing where the server has one) or
    else an element (``frames``); ``live_player.js`` plays its frames into the block."""

    name: str
    frames: DeltaGenerator
    channel: frame_socket.Channel | None = None


def frames_html(name: str, blocks: list[str]) -> Html:
    """A playing message: ``blocks``, the live block at consecutive frames, for the block of
    run ``name``, handed to the frame player (:func:`show_live` installs it). JSON with every
    "<" escaped, so Streamlit's sanitiser keeps the script."""
    frames = json.dumps([str(b) for b in blocks]).replace("<", "\\u003c")
    return Html(f"<script>window.xentLive.play({json.dumps(name)},{frames});</script>")


def frames_message(blocks: list[str], scene: dict | None = None) -> str:
    """A playing message for the run's websocket: ``{"frames": blocks}``, and the network
    diagram's scene as ``"net": [its id, scene]`` when ``scene`` is given."""
    frames = json.dumps([str(b) for b in blocks], ensure_ascii=False)
    net = "" if scene is None else f',"net":[{json.dumps(scene["uid"])},{scene_json(scene)}]'
    return f'{{"frames":{frames}{net}}}'


def show_live(run: Training, state: State) -> Live:
    """The live block, drawn here, and the slot where playing messages go."""
    test, page_theme = state["tr_show_test"], theme()
    layer = static_layer_style(
        train_xy=run.X_train,
        train_labels=run.y_train,
        test_xy=run.X_test if test else None,
        test_labels=run.y_test if test else None,
        n_classes=run.setup.n_classes,
        theme=page_theme,
    )
    view, name = state.get("tr_view", "confidence"), str(next(_runs))
    rival = rival_name(run, state)
    st.html(live_block(run, test=test, view=view, theme=page_theme, rival=rival, run_name=name))
    # The playing run's messages come on its own websocket where the server has one.
    channel = frame_socket.open_channel() if state.get(RUNNING) else None
    listen = ""
    if channel is not None:
        path = frame_socket.url_path(channel)
        listen = f"window.xentLive.listen({json.dumps(name)},{json.dumps(path)});"
    # Once per run, taking no room on the page: the picture's axes and points (a <style>)
    # and the frame player (installed once per tab), so a playing message carries only its
    # frames: the player in each cost the tab a compile and a longer sanitising 30 times a
    # second (CDP profile, 2026-12-07). After the block: the phone's and the projector's
    # sheets find the line over the picture as the element just before the block's.
    st.html(Html(f"{layer}<script>{PLAYER}{listen}</script>"), unsafe_allow_javascript=True)
    # Scripts allowed: the frames' play calls, and every few messages the network diagram.
    return Live(name=name, frames=st.empty(), channel=channel)


def show_curve(run: Training, state: State) -> DeltaGenerator:
    """The loss curve, drawn here; returns its element, for the playing frames to replace."""
    figure = loss_curve(run, log=state["tr_log"], state=state)
    return classroom.chart(figure, config=CHART_CONFIG)


DRAWN_UNITS, DRAWN_NETWORK = "_tr_drawn_units", "_tr_drawn_network"  # training_loop.Drawn


def recent(
    state: State,
    name: str,
    run: Training,
    key: tuple,
    *,
    every: int,
    draw: Callable[[], object],
    fresh: bool = False,
) -> object:
    """The picture ``name`` of ``run``: the one drawn last if a rerun may show it again
    (:func:`training_loop.reusable`: the loop redraws it every ``every`` messages), else (or
    ``fresh``, as the loop asks) ``draw()``, kept for the next rerun."""
    drawn = state.get(name)
    within = training_loop.redrawn_within(every, state.get("tr_speed", 1))
    playing = bool(state.get(RUNNING))
    if not fresh and training_loop.reusable(drawn, run, key, playing=playing, within=within):
        return drawn.picture
    picture = draw()
    state[name] = training_loop.Drawn(run.serial, run.epoch, key, picture)
    return picture


def show_units(
    run: Training, target: DeltaGenerator, state: State, *, fresh: bool = False
) -> DeltaGenerator:
    """The small multiples of the first hidden layer (or a note when there is none)."""
    if not run.setup.hidden:
        return target.info(
            "No hidden layer: the network is softmax regression, so every boundary is a "
            "straight line. Add a hidden layer to see its units.",
            icon=":material/info:",
        )
    page_theme = theme()

    def draw() -> str:
        grids = run.first_layer_grid()
        return img_tag(
            jpeg_data_uri(units_picture(grids, theme=page_theme), quality=80),
            # Four to a row on a phone: eight (714 px) shrunk to its width halved the labels.
            phone_uri=jpeg_data_uri(
                units_picture(grids, columns=UNITS_PHONE_COLUMNS, theme=page_theme), quality=80
            ),
            alt=f"first-layer units at epoch {run.epoch}",
            test_id="tr-units",
        )

    every = training_loop.UNITS_EVERY
    key = (page_theme, run.edits)
    picture = recent(state, DRAWN_UNITS, run, key, every=every, draw=draw, fresh=fresh)
    return target.html(picture)


def theme() -> str:
    """Streamlit's theme in this browser: "light" or "dark"."""
    return "dark" if getattr(st.context.theme, "type", None) == "dark" else "light"


def grid_resolution(sizes: list[int]) -> int:
    """The unit pictures' grid: 40² points, 24² once there are more than 40 units (a 4 × 32
    net's 133 pictures then cost a third of the server time and of the bytes)."""
    return 40 if sum(sizes) <= 40 else 24


def network_scene_of(run: Training, *, editable: bool) -> dict:
    """The diagram of this run's network now (ui.figures.network)."""
    net = run.net
    return network_scene(
        net.weights,
        net.biases,
        inputs=run.setup.features,
        activation=net.activation,
        layer_grids=layer_grids(net, run.setup.features, resolution=grid_resolution(net.sizes)),
        class_names=run.class_names,
        theme=theme(),
        editable=editable,
    )


def network_scene_now(run: Training, state: State, *, editable: bool, fresh: bool = False) -> dict:
    """The diagram's scene of ``run`` (:func:`network_scene_of`), or the last one drawn if a
    rerun may show it again (:func:`recent`)."""
    every = training_loop.network_every(sum(W.size for W in run.net.weights))
    return recent(
        state,
        DRAWN_NETWORK,
        run,
        (theme(), editable, run.edits),
        every=every,
        draw=lambda: network_scene_of(run, editable=editable),
        fresh=fresh,
    )


def show_network(
    run: Training, target: DeltaGenerator, state: State, *, editable: bool
) -> DeltaGenerator:
    """The network diagram, drawn into ``target``; returns its element, for the frames."""
    return network_view.draw(network_scene_now(run, state, editable=editable), into=target)


@dataclass
class Slots:
    """The elements a playing frame replaces (each call on one replaces that element)."""

    live: Live
    chart: DeltaGenerator
    units: DeltaGenerator
    network: DeltaGenerator | None = None
    editable: bool = True


def play(run: Training, slots: Slots, state: State, *, started: float) -> None:
    """Play: train and redraw into ``slots`` until paused, idle too long or diverged.

    A playing message carries FRAMES_PER_MESSAGE frames of the live block, which the browser
    plays one after another; it goes on the run's own websocket (``slots.live.channel``,
    :mod:`ui.widgets.frame_socket`) or, without one, as an element replaced in place (which
    the tab re-renders the page for). The curve and the units, elements, follow a few times a
    second.
    """

    view, page_theme = state.get("tr_view", "confidence"), theme()
    connections = sum(W.size for W in run.net.weights)
    every = training_loop.network_every(connections) if slots.network is not None else 0
    drawn = 0
    blocks: list[str] = []  # the frames of the message being made

    def render() -> None:
        blocks.append(
            live_block(
                run,
                test=state["tr_show_test"],
                view=view,
                theme=page_theme,
                rival=rival_name(run, state),
                run_name=slots.live.name,
            )
        )

    def draw_live() -> None:
        # The diagram rides in the frames' message every `every`-th message: one element
        # update per message (a second one cost the browser a quarter of its drawn frames).
        nonlocal drawn
        drawn += 1
        scene = None
        if training_loop.frame(drawn, network_every=every).network:
            scene = network_scene_now(run, state, editable=slots.editable, fresh=True)
        channel = slots.live.channel
        if channel is not None and (channel.connected or drawn <= SOCKET_WAIT_MESSAGES):
            channel.send(frames_message(blocks, scene))
        else:
            html = frames_html(slots.live.name, blocks)
            if scene is not None:
                html = Html(html + network_script(scene))
            slots.live.frames.html(html, unsafe_allow_javascript=True)
        blocks.clear()

    def draw_more(frame: training_loop.Frame) -> None:
        if frame.units:
            show_units(run, slots.units, state, fresh=True)
        if frame.curve:
            classroom.chart(
                loss_curve(run, log=state["tr_log"], state=state),
                # A key per frame: Streamlit refuses two plotly charts with the same id (made
                # from the figure) in one run, which a curve unchanged since the last one had
                # (a StreamlitDuplicateElementId in bench/load.py --whole-class).
                key=f"tr_curve_{frame.number}",
                into=slots.chart,
                config=CHART_CONFIG,
            )

    try:
        training_loop.play(
            state,
            run,
            started=started,
            draw_live=draw_live,
            draw_more=draw_more,
            rerun=st.rerun,
            render=render,
            frames_per_message=training_loop.FRAMES_PER_MESSAGE,
        )
    finally:
        if slots.live.channel is not None:
            slots.live.channel.close()
