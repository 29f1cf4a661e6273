"""The network diagram in the page: its script installed once per run, a frame drawn into a
slot, and the hidden text input through which a click on the diagram edits the network.

The scene and its HTML are built by :mod:`ui.figures.network`; the browser draws them with
``network.js`` beside this module. A click on a connection (or "+"/"−" by a layer) types a
command into the hidden input :data:`BRIDGE`; its ``on_change`` callback hands it to the
page (:func:`bridge`), which applies it with :mod:`ui.model.network`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.figures.network import network_html

_HERE = Path(__file__).parent
SCRIPT = f"<script>\n{(_HERE / 'network.js').read_text()}</script>\n"
BRIDGE = "tr_net_cmd"  # the hidden text input's key (network_scene's default bridge)
# The bridge input is out of sight but still focusable and typeable by the script; projector
# mode lets the diagram grow with its column.
STYLE = (
    f".st-key-{BRIDGE} {{ position: absolute !important; left: -10000px !important; "
    "width: 1px !important; height: 1px !important; overflow: hidden !important; }"
)
PROJECTOR_STYLE = '[data-testid="tr-network"] { max-width: none !important; }'


def install(*, projector: bool = False) -> None:
    """The diagram's script (it keeps itself to one copy per tab) and its style."""
    style = STYLE + ("\n" + PROJECTOR_STYLE if projector else "")
    st.html(f"<style>{style}</style>{SCRIPT}", unsafe_allow_javascript=True)


def draw(scene: dict, into: DeltaGenerator | None = None, *, test_id: str = "tr-network"):
    """Draw ``scene`` (ui.figures.network.network_scene) into ``into`` (a slot to replace)."""
    target = st if into is None else into
    return target.html(network_html(scene, test_id=test_id), unsafe_allow_javascript=True)


def bridge(on_command: Callable[[str], None]) -> None:
    """The hidden text input the diagram types its commands into; ``on_command(text)`` runs
    as its callback (before the script), with the ``#nonce`` removed."""

    def received() -> None:
        text = str(st.session_state.get(BRIDGE, "")).split("#", 1)[0].strip()
        if text:
            on_command(text)

    st.text_input(
        "Network edit (typed by the diagram)",
        key=BRIDGE,
        on_change=received,
        label_visibility="collapsed",
    )
