"""A playing message of the Live training page: the frame player's script and its frames, as
Streamlit's HTML sanitiser (DOMPurify) will let them through."""

from __future__ import annotations

import json
import re
from unittest.mock import patch

from ui.figures.boundary import live_html
from ui.model.training import Setup, Training
from ui.widgets.training_live import PLAYER, frames_html

# DOMPurify removes an element whose text looks like markup: a "<" then a letter or a slash.
MARKUP = re.compile(r"<[/\w]")


def block(epoch: int, run: str = "7") -> str:
    return live_html(
        epoch=epoch,
        train_loss=0.5,
        test_loss=0.6,
        train_accuracy=0.9,
        test_accuracy=0.8,
        picture_html="<img data-testid='tr-boundary' alt='x' src='data:image/png;base64,AA=='>",
        caption="Ringed in red: <b>1</b> point & a <i>caption</i>.",
        run=run,
    )


def script_text(html: str) -> str:
    match = re.fullmatch(r"<script>(.*)</script>", html, flags=re.S)
    assert match, html[:80]
    return match.group(1)


def test_the_player_has_no_markup_like_text_the_sanitiser_would_drop_it_for():
    assert PLAYER.startswith("(function () {") and "window.xentLive" in PLAYER
    assert not MARKUP.search(PLAYER)


def test_a_message_is_one_script_that_plays_its_frames_in_order_for_its_run():
    blocks = [block(41), block(42)]
    text = script_text(frames_html("7", blocks))
    assert not MARKUP.search(text)  # every "<" of the frames escaped
    call = text.rsplit("window.xentLive.play(", 1)[1]
    name, frames = re.fullmatch(r'("[^"]*"),(\[.*\])\);', call, flags=re.S).groups()
    assert json.loads(name) == "7"
    assert json.loads(frames) == blocks  # the blocks themselves, "<" and "&" and all
    assert text.startswith("window.xentLive.play(")  # the player itself comes once per run


def test_the_player_comes_once_per_run_with_the_pictures_layer_and_takes_no_room():
    from ui.widgets import training_live

    class Recorder:
        def __init__(self):
            self.calls = []

        def html(self, body, **kw):
            self.calls.append((str(body), kw))

        def empty(self):
            return "slot"

    st = Recorder()
    run = Training.start(Setup(n_points=40))
    state = {"tr_show_test": False}
    with (
        patch.object(training_live, "st", st),
        patch.object(training_live, "theme", lambda: "light"),
    ):
        live = training_live.show_live(run, state)
    (block_html, _), (layer, kw) = st.calls  # the block first: style.css rule 7
    assert kw == {"unsafe_allow_javascript": True}
    assert layer.startswith('<style id="xent-layer">')  # style.css rule 5: out of the flow
    assert f"<script>{PLAYER}</script>" in layer
    assert "<script" not in block_html and live.frames == "slot"


def test_each_frame_names_the_run_and_epoch_it_belongs_to():
    html = block(1234, run="12")
    assert html.startswith("<div data-testid='tr-live' data-epoch='1234' data-run='12'>")
    assert "data-run='&lt;b&gt;'" in block(1, run="<b>")  # quoted, never markup
