"""The Cross-entropy vs squared error page under AppTest: numbers at z, the race, links."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import xent_core as xc
from tests.app.conftest import metric, open_page, ran
from ui.text.numbers import short
from xent_core.neuron import sigmoid_derivative, steps_to_within, train_neuron

PAGE = "pages/versus.py"


def open_versus(**params: str) -> AppTest:
    """Open the page through app.py, with a link's query parameters."""
    return open_page(PAGE, **params)


@pytest.fixture
def at() -> AppTest:
    return open_versus()


def test_default_view_shows_a_confidently_wrong_neuron_at_z_minus_4(at):
    """z = −4: p, σ′ and both gradients as xent_core computes them, to 6 digits."""
    z = [-4.0]
    assert metric(at, "p = σ(z)") == short(xc.sigmoid(z)[0]) == "0.0179862"
    assert metric(at, "σ′(z)") == short(sigmoid_derivative(z)[0])
    assert metric(at, "CE ∂L/∂z") == short(xc.sigmoid(z)[0] - 1) == "−0.982014"
    assert metric(at, "SE ∂L/∂z") == "−0.03469"
    assert len(at.latex) >= 4  # both losses, σ′, the update rule


def test_moving_z_changes_the_gradients_and_the_link(at):
    """z: −4 → 0: σ′ = ¼, CE ∂L/∂z = −½, SE ∂L/∂z = 2(−½)(¼) = −¼; the URL records z."""
    ran(at.slider(key="vs_z").set_value(0.0).run())
    assert metric(at, "σ′(z)") == "0.25"
    assert metric(at, "CE ∂L/∂z") == "−0.5"
    assert metric(at, "SE ∂L/∂z") == "−0.25"
    assert at.query_params["vs_z"] == "0"


def test_the_default_race_is_won_by_cross_entropy(at):
    """From w₀ = b₀ = −2, η = 0.15: within 0.1 of t after 50 steps (CE) against 234 (SE)."""
    assert metric(at, "cross-entropy: steps") == "50"
    assert metric(at, "squared error: steps") == "234"
    se = train_neuron("squared_error", -2.0, -2.0, 0.15, 300)
    assert metric(at, "squared error: p after 300") == short(se.p[-1, 0], 4)
    assert any("confidently wrong" in md.value for md in at.markdown)


def test_race_settings_change_the_race_and_the_link(at):
    """η 0.15 → 0.5: both runs are recomputed; the link keeps η."""
    ran(at.select_slider(key="vs_lr").set_value(0.5).run())
    ce = train_neuron("cross_entropy", -2.0, -2.0, 0.5, 300)
    se = train_neuron("squared_error", -2.0, -2.0, 0.5, 300)
    assert metric(at, "cross-entropy: steps") == str(steps_to_within(ce, 0.1))
    assert metric(at, "squared error: steps") == str(steps_to_within(se, 0.1))
    assert metric(at, "cross-entropy: steps") != "50"
    assert at.query_params["vs_lr"] == "0.5"


def test_a_race_that_never_arrives_says_so(at):
    """w₀ = b₀ = −6 and only 50 steps of η = 0.01: squared error never gets close."""
    at.slider(key="vs_w0").set_value(-6.0)
    at.slider(key="vs_b0").set_value(-6.0)
    at.select_slider(key="vs_lr").set_value(0.01)
    ran(at.select_slider(key="vs_steps").set_value(50).run())
    assert metric(at, "squared error: steps") == "not reached"
    assert metric(at, "squared error: p after 50") == short(
        train_neuron("squared_error", -6.0, -6.0, 0.01, 50).p[-1, 0], 4
    )


def test_a_shared_link_restores_every_setting():
    """?vs_z=2&vs_w0=-4&vs_b0=1&vs_lr=0.3&vs_steps=500 sets the widgets and the numbers."""
    at = open_versus(vs_z="2", vs_w0="-4", vs_b0="1", vs_lr="0.3", vs_steps="500")
    assert at.slider(key="vs_z").value == 2.0
    assert (at.slider(key="vs_w0").value, at.slider(key="vs_b0").value) == (-4.0, 1.0)
    assert at.select_slider(key="vs_lr").value == 0.3
    assert at.select_slider(key="vs_steps").value == 500
    assert metric(at, "p = σ(z)") == short(xc.sigmoid([2.0])[0])
    ce = train_neuron("cross_entropy", -4.0, 1.0, 0.3, 500)
    assert metric(at, "cross-entropy: steps") == str(steps_to_within(ce, 0.1))
    assert not at.warning


def test_a_bad_link_warns_and_uses_the_defaults():
    """?vs_lr=0.2 (not offered) and vs_z=99 (out of range): one note each, defaults shown."""
    at = open_versus(vs_lr="0.2", vs_z="99")
    notes = " ".join(w.value for w in at.warning)
    assert "vs_lr=0.2" in notes and "vs_z=99" in notes
    assert at.select_slider(key="vs_lr").value == 0.15
    assert metric(at, "p = σ(z)") == "0.0179862"
