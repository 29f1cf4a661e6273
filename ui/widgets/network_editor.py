"""The Live training page's network diagram section and its editor: type a weight, add or
remove a unit (the diagram does the same with a click; every other weight stays).

The decisions (which edge is chosen, what an edit does to the run) live in
:mod:`ui.model.network_levers`; this module draws the widgets.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.model import network_levers as levers
from ui.model import training_loop
from ui.model.training import Training
from ui.model.training_controller import State
from ui.widgets import classroom, network_view, training_live


def editor(run: Training, ss: State) -> None:
    """Type a weight, or add or remove a unit, while paused or playing (the diagram does the
    same with a click). Every other weight stays."""
    net = run.net
    names = [
        [levers.unit_name(k, j, net.sizes, run.setup.features) for j in range(size)]
        for k, size in enumerate(net.sizes)
    ]
    k, i, j = levers.chosen_edge(ss, net)
    cols = st.columns([1.2, 1, 1, 1.1, 0.8], vertical_alignment="bottom")
    cols[0].selectbox(
        "Weights from",
        range(len(net.weights)),
        key=levers.EDGE_K,
        format_func=lambda m: (
            f"{'inputs' if m == 0 else f'hidden {m}'} → "
            f"{'outputs' if m == len(net.weights) - 1 else f'hidden {m + 1}'}"
        ),
        on_change=levers.edge_chosen,
        args=(ss, net),
    )
    cols[1].selectbox(
        "from unit",
        range(net.sizes[k]),
        key=levers.EDGE_I,
        format_func=lambda m: names[k][m],
        on_change=levers.edge_chosen,
        args=(ss, net),
    )
    cols[2].selectbox(
        "to unit",
        range(net.sizes[k + 1]),
        key=levers.EDGE_J,
        format_func=lambda m: names[k + 1][m],
        on_change=levers.edge_chosen,
        args=(ss, net),
    )
    cols[3].number_input(
        "New weight",
        -levers.MAX_WEIGHT,
        levers.MAX_WEIGHT,
        step=0.1,
        format="%.4f",
        key=levers.WEIGHT,
    )
    cols[4].button(
        "Set",
        key="tr_edit_set",
        on_click=after_the_loop(levers.set_from_editor),
        args=(ss, run),
        width="stretch",
    )
    st.caption(f"Now: {names[k][i]} → {names[k + 1][j]}: w = {net.weights[k][i, j]:.4f}.")
    unit_buttons(run, ss)


def after_the_loop(edit: Callable[..., object]) -> Callable[..., None]:
    """``edit(state, run, …)`` as a callback: it runs when the new script run starts, while the
    previous run's Play loop may still be training ``run``, so that loop lets go of it first
    (:func:`training_loop.take_over`)."""

    def callback(state: State, *args: object) -> None:
        training_loop.take_over(state)
        edit(state, *args)

    return callback


def network_diagram(run: Training, ss: State) -> tuple[DeltaGenerator, bool]:
    """The heading and the network diagram; returns the diagram's element (for the playing
    frames) and whether it takes clicks.

    The page gives these a block of their own at its top level: a playing frame that redraws
    the diagram makes the browser re-render that block's few children, not the formulas,
    pictures and expanders of the block below (a third of the drawn frames otherwise).
    """
    room = ss.get(classroom.SESSION)  # a classroom link may hide the editor: no clicks then
    editable = not (room is not None and "edit" in room.hidden)
    st.header("The network, seen and steered")
    network = training_live.show_network(run, st.empty(), ss, editable=editable)
    return network, editable


def network_notes(run: Training, ss: State) -> None:
    """What the diagram shows and how to steer it, and the editor (under the diagram)."""
    zeros = run.setup.init == "zeros" and run.setup.hidden
    st.caption(
        "Each square is what that unit outputs over the plane (blue positive, orange negative, "
        "each scaled to its own range; an output is p of its class). Each line is a weight: "
        "blue positive, orange negative, wider and darker for larger |w|, dotted grey when "
        "exactly 0. **Hover** a line for its weight now, a unit for its formula; **click** a "
        "line to type a new weight; **− / +** by a layer removes or adds a unit, keeping the "
        "other weights."
        + (
            " With zeros to start, every hidden unit stays identical: the same picture."
            if zeros
            else ""
        )
    )
    if levers.EDIT_ERROR in ss:
        st.warning(ss.pop(levers.EDIT_ERROR), icon=":material/warning:")
    network_view.bridge(lambda text: after_the_loop(levers.edit_network)(ss, run, text))
    by_hand = st.expander(  # its widgets only while open: ~4 ms of every rerun otherwise
        "Edit a weight or a layer by hand",
        key="tr_edit_open",
        on_change="rerun",
        icon=":material/edit:",
    )
    if by_hand.open:
        with by_hand:
            editor(run, ss)


def unit_buttons(run: Training, ss: State) -> None:
    """− / + for each hidden layer: remove its last unit or add one, keeping the other weights."""
    net = run.net
    hidden = net.sizes[1:-1]
    if hidden:
        unit_cols = st.columns(len(hidden))
        for layer, (col, width) in enumerate(zip(unit_cols, hidden, strict=True), start=1):
            with col:
                st.markdown(f"Hidden layer {layer}: **{width}** units")
                minus, plus = st.columns(2)
                minus.button(
                    "−",
                    key=f"tr_edit_remove{layer}",
                    help=f"Remove the last unit of hidden layer {layer}; keep the other weights.",
                    disabled=not levers.can_remove(net.sizes, layer),
                    on_click=after_the_loop(levers.edit_network),
                    args=(ss, run, f"remove {layer}"),
                    width="stretch",
                )
                plus.button(
                    "+",
                    key=f"tr_edit_add{layer}",
                    help=f"Add a unit to hidden layer {layer} (its weights by the init rule, "
                    "bias 0); keep the other weights.",
                    disabled=not levers.can_add(net.sizes, layer),
                    on_click=after_the_loop(levers.edit_network),
                    args=(ss, run, f"add {layer}"),
                    width="stretch",
                )
