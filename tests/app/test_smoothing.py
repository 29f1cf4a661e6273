"""The Label smoothing & temperature page under AppTest: optimum per ε, softmax at τ, links."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import xent_core as xc
from tests.app.conftest import open_page, ran

PAGE = "pages/smoothing.py"


def open_smoothing(**params: str) -> AppTest:
    """Open the page through app.py, with a link's query parameters."""
    return open_page(PAGE, **params)


def frame_with(at: AppTest, column: str):
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a {column!r} column")


def best_p(at: AppTest) -> dict[str, float]:
    frame = frame_with(at, "best p(target)")
    return dict(zip(frame["ε"], frame["best p(target)"].astype(float), strict=True))


def shown_softmax(at: AppTest) -> list[float]:
    return frame_with(at, "p = softmax(z/τ)")["p = softmax(z/τ)"].astype(float).tolist()


@pytest.fixture
def at() -> AppTest:
    return open_smoothing()


def test_default_shows_the_best_prediction_for_each_epsilon(at):
    """C = 3, ε = 0, 0.1, 0.3: best p_target = 1, 0.9333…, 0.8 (= 1 − ε + ε/C)."""
    best = best_p(at)
    assert best == {
        "0": 1.0,
        "0.1": pytest.approx(1 - 0.1 + 0.1 / 3, rel=1e-11),
        "0.3": pytest.approx(0.8, rel=1e-11),
    }
    least = frame_with(at, "least loss H(t′)")["least loss H(t′)"].astype(float).tolist()
    smoothed = xc.smoothed_targets([0], 3, 0.1)
    # the least loss is H(t′): the smoothed target's cross-entropy with itself
    assert least[1] == pytest.approx(
        xc.categorical_cross_entropy(smoothed, smoothed, "sum"), rel=1e-11
    )
    assert len(at.latex) >= 4
    assert dict(at.query_params) == {}  # everything at its default: a clean link


def test_more_classes_move_the_optimum(at):
    """C: 3 → 10 moves the ε = 0.1 optimum to 1 − 0.1 + 0.01 = 0.91; the link records C."""
    ran(at.number_input(key="ls_classes").set_value(10).run())
    assert best_p(at)["0.1"] == pytest.approx(0.91, rel=1e-11)
    assert at.query_params["ls_classes"] == "10"


def test_choosing_epsilons(at):
    """Only ε = 0.5: one row, best p_target = 1 − 0.5 + 0.5/3; none: a hint and no table."""
    ran(at.multiselect(key="ls_eps").set_value([0.5]).run())
    assert best_p(at) == {"0.5": pytest.approx(0.5 + 0.5 / 3, rel=1e-11)}
    assert at.query_params["ls_eps"] == "0.5"
    ran(at.multiselect(key="ls_eps").set_value([]).run())
    assert any("Pick at least one ε" in info.value for info in at.info)


def test_seed_logits_at_tau_one_give_the_seed_softmax(at):
    """z = 2, 3, 4 and τ = 1: p = [0.0900…, 0.2447…, 0.6652…] with every digit."""
    assert shown_softmax(at) == [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]


def test_moving_tau_changes_the_softmax_and_the_link(at):
    """τ: 1 → 2 gives softmax(z/2), flatter; the URL keeps τ."""
    ran(at.select_slider(key="ls_tau").set_value(2.0).run())
    p = shown_softmax(at)
    assert p == [float(v) for v in xc.softmax([2.0, 3.0, 4.0], temperature=2.0)]
    assert p[2] < 0.6652409557748218
    assert at.query_params["ls_tau"] == "2"


def test_typing_logits(at):
    """'0, 0, 5, 1': four classes, the softmax of those logits, the text in the link."""
    ran(at.text_input(key="ls_z").input("0, 0, 5, 1").run())
    assert shown_softmax(at) == [float(v) for v in xc.softmax([0.0, 0.0, 5.0, 1.0])]
    assert at.query_params["ls_z"] == "0, 0, 5, 1"


def test_bad_logits_are_named_and_kept(at):
    """'1, two': an error quoting the text; the text stays in the box; no temperature table."""
    ran(at.text_input(key="ls_z").input("1, two").run())
    (error,) = at.error
    assert "“1, two”" in error.value and "is not a number" in error.value
    assert at.text_input(key="ls_z").value == "1, two"
    with pytest.raises(AssertionError):
        frame_with(at, "p = softmax(z/τ)")


def test_a_target_beyond_the_logits_falls_back_with_a_note(at):
    """Target class 2 with only two logits: a note, and class 1 is used."""
    ran(at.text_input(key="ls_z").input("1, 2").run())
    assert any("Target class 2 does not exist" in w.value for w in at.warning)
    assert at.selectbox(key="ls_target").value == 1


def test_a_shared_link_restores_every_setting():
    """?ls_classes=5&ls_eps=0.05,0.2&ls_z=1,1,3&ls_tau=0.5&ls_target=0."""
    at = open_smoothing(
        ls_classes="5", ls_eps="0.05,0.2", ls_z="1,1,3", ls_tau="0.5", ls_target="0"
    )
    assert at.number_input(key="ls_classes").value == 5
    assert at.multiselect(key="ls_eps").value == [0.05, 0.2]
    assert best_p(at)["0.2"] == pytest.approx(0.8 + 0.04, rel=1e-11)
    assert shown_softmax(at) == [float(v) for v in xc.softmax([1.0, 1.0, 3.0], temperature=0.5)]
    assert at.selectbox(key="ls_target").value == 0
    assert not at.warning


def test_a_bad_link_warns_and_uses_the_defaults():
    """ls_eps=0.25 (not offered) and ls_z=1 (one logit): a note each, the defaults shown."""
    at = open_smoothing(ls_eps="0.25", ls_z="1")
    notes = " ".join(w.value for w in at.warning)
    assert "ls_eps=0.25" in notes and "ls_z=1" in notes
    assert set(best_p(at)) == {"0", "0.1", "0.3"}
    assert shown_softmax(at)[2] == 0.6652409557748218
