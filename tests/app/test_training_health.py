"""The Live training page says when training goes wrong: diverging, oscillating."""

from __future__ import annotations

from tests.app.conftest import open_page, ran
from ui.model import training_controller as control


def test_an_oscillating_run_shows_a_hint_beside_the_loss_curves():
    """The session's run trained at learning rate 3 (it swings): the page names it."""
    at = open_page("pages/training.py", tr_data="circle")
    run = at.session_state[control.STATE]
    state = {"tr_lr": 3.0, "tr_batch": 10, "tr_l2": 0.0}
    for _ in range(40):
        control.train(state, run, epochs=1)
    ran(at.run())
    assert any("The loss swings up and down" in w.value for w in at.warning)


def test_a_diverging_step_pauses_with_the_loss_in_scientific_notation():
    """sigmoid, learning rate 10, L2 10, one Step: the error names the exploding loss."""
    at = open_page("pages/training.py", tr_data="circle", tr_act="sigmoid", tr_lr="10", tr_l2="10")
    ran(at.button(key="tr_step").click().run())
    (error,) = [e.value for e in at.error if "exploding" in e.value]
    assert "e+" in error and "Lower the learning rate (try 1)" in error
    assert at.session_state[control.RUNNING] is False
