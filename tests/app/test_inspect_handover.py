"""Live training's "Inspect this network" opens Backpropagation on the very same run."""

from __future__ import annotations

import numpy as np

from tests.app.conftest import open_page, ran
from ui.model import backprop
from ui.model import training_controller as control


def test_inspect_pauses_and_opens_backprop_on_the_training_network():
    """The button pauses, switches page, and the page selects "your network" at its epoch;
    the run's weights are bit for bit those it had when the button was pressed."""
    at = open_page("pages/training.py")
    ran(at.button(key="tr_step").click().run())  # one epoch: a network that has trained
    run = at.session_state[control.STATE]
    saved = [a.copy() for a in (*run.net.weights, *run.net.biases)]
    ran(at.button(key="tr_inspect").click().run())
    assert at.session_state[control.RUNNING] is False
    assert at.radio(key="bp_net").value == "yours"
    assert f"epoch {run.epoch}" in at.radio(key="bp_net").options[1]
    assert at.session_state[control.STATE] is run  # the same run, not a copy
    for now, before in zip((*run.net.weights, *run.net.biases), saved, strict=True):
        np.testing.assert_array_equal(now, before)
    assert backprop.INSPECT not in at.session_state  # read once


def test_inspect_as_a_callback_only_pauses_and_asks():
    """The controller's part, over a plain dict: pause, and leave the hand-over key."""
    state = {control.RUNNING: True}
    assert not control.inspecting(state)
    control.inspect(state)
    assert state == {control.RUNNING: False, backprop.INSPECT: True}
    assert control.inspecting(state)
