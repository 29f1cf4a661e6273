"""The Softmax & Jacobian page under AppTest: seed numbers, widgets, temperature, links."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import xent_core as xc
from tests.app.conftest import ran, with_link

PAGE = "pages/softmax.py"
SOFTMAX_234 = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]


def open_with_link(**params: str) -> AppTest:
    """Open app.py with these query parameters (a shared link), then the softmax page."""
    return with_link(PAGE, params)


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has ``column``."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no dataframe with a {column!r} column")


def shown_p(at: AppTest) -> np.ndarray:
    return frame_with(at, "pᵢ")["pᵢ"].astype(float).to_numpy()


def shown_jacobian(at: AppTest) -> np.ndarray:
    return frame_with(at, "j = 0").astype(float).to_numpy()


def max_difference(at: AppTest) -> float:
    (metric,) = [m for m in at.metric if m.label.startswith("max |Jᵀ(−t/p)")]
    return float(metric.value)


@pytest.fixture
def at(open_page) -> AppTest:
    return open_page(PAGE)


def test_seed_softmax_appears_with_every_digit(at):
    """Default logits [2, 3, 4]: the page shows the seed's p exactly."""
    frame = frame_with(at, "pᵢ")
    assert list(frame["pᵢ"]) == [repr(v) for v in SOFTMAX_234]
    assert at.number_input(key="n_classes").value == 3
    assert [at.slider(key=f"z_{i}").value for i in range(3)] == [2.0, 3.0, 4.0]
    assert at.select_slider(key="tau").value == 1.0


def test_moving_a_logit_changes_p(at):
    """z₀ from 2 to 5: p becomes softmax([5, 3, 4]) and the link records it."""
    ran(at.slider(key="z_0").set_value(5.0).run())
    p = shown_p(at)
    np.testing.assert_allclose(p, xc.softmax([5.0, 3.0, 4.0]), rtol=0, atol=1e-16)
    assert p[0] > SOFTMAX_234[0]
    assert at.query_params["z"] == "5,3,4"


def test_seed_jacobian_cells(at):
    """J_ij = p_i(δ_ij − p_j): the diagonal p_i(1 − p_i), off-diagonal −p_i p_j."""
    J = shown_jacobian(at)
    p = np.array(SOFTMAX_234)
    np.testing.assert_allclose(np.diag(J), p * (1 - p), rtol=1e-14)
    assert J[0, 1] == pytest.approx(-p[0] * p[1], rel=1e-14)


def test_temperature_divides_the_jacobian(at):
    """τ = 2: J_00 = p'_0 (1 − p'_0) / 2 with p' = softmax(z / 2)."""
    ran(at.select_slider(key="tau").set_value(2.0).run())
    p = xc.softmax([1.0, 1.5, 2.0])  # z / τ
    J = shown_jacobian(at)
    assert J[0, 0] == pytest.approx(p[0] * (1 - p[0]) / 2, rel=1e-14)
    assert J[1, 2] == pytest.approx(-p[1] * p[2] / 2, rel=1e-14)
    np.testing.assert_allclose(shown_p(at), p, rtol=0, atol=1e-16)
    assert at.query_params["tau"] == "2"


def test_property_checks_all_pass_for_the_seed(at):
    """Four check lines, all passing, with the eigenvalues shown."""
    checks = [m.value for m in at.markdown if "check_circle" in m.value or "warning" in m.value]
    assert len(checks) == 4
    assert all(":green[" in line for line in checks)
    assert any("0.1186, 0.3709" in line for line in checks)
    assert any("rank C − 1 = 2" in line for line in checks)


def test_a_saturated_softmax_reports_the_lost_rank():
    """τ = 0.1 with logits 20 apart: the rank check fails and says why."""
    at = open_with_link(z="10,-10,0", tau="0.1")
    checks = [m.value for m in at.markdown if ":orange[" in m.value]
    assert len(checks) == 1
    assert "saturated" in checks[0]


@pytest.mark.parametrize(("target", "tau"), [(0, 1.0), (1, 1.0), (2, 0.1), (1, 10.0)])
def test_chain_rule_routes_agree(at, target, tau):
    """Jᵀ(−t/p) and (p − t)/τ differ by less than 1e-12 whatever the target and τ."""
    at.select_slider(key="tau").set_value(tau)
    ran(at.selectbox(key="target").set_value(target).run())
    assert max_difference(at) < 1e-12
    frame = frame_with(at, "Jᵀ(−t/p)")
    direct = frame[frame.columns[-1]].astype(float).to_numpy()
    expected = xc.softmax_cross_entropy_grad(target, np.array([2.0, 3.0, 4.0]) / tau, "sum")[0]
    np.testing.assert_allclose(direct, expected / tau, rtol=1e-14, atol=1e-16)
    via = frame["Jᵀ(−t/p)"].astype(float).to_numpy()
    np.testing.assert_allclose(via, direct, rtol=0, atol=1e-12)


def test_more_classes_add_logit_sliders(at):
    """C = 5: five sliders, the new ones at 0, and five probabilities."""
    ran(at.number_input(key="n_classes").set_value(5).run())
    values = [at.slider(key=f"z_{i}").value for i in range(5)]
    assert values == [2.0, 3.0, 4.0, 0.0, 0.0]
    np.testing.assert_allclose(shown_p(at), xc.softmax(values), rtol=0, atol=1e-16)
    assert shown_jacobian(at).shape == (5, 5)
    assert at.query_params["z"] == "2,3,4,0,0"


def test_fewer_classes_move_a_missing_target_to_class_0(at):
    """Target class 3 of 4, then C = 3: a note, and the target becomes class 0."""
    ran(at.number_input(key="n_classes").set_value(4).run())
    ran(at.selectbox(key="target").set_value(3).run())
    ran(at.number_input(key="n_classes").set_value(3).run())
    assert any("Target class 3 does not exist" in w.value for w in at.warning)
    assert at.selectbox(key="target").value == 0


def test_a_shared_link_restores_logits_and_temperature():
    """?z=1,2,3,4&tau=2&target=3 opens with 4 classes, τ = 2, target 3."""
    at = open_with_link(z="1,2,3,4", tau="2", target="3")
    assert not at.warning
    assert at.number_input(key="n_classes").value == 4
    assert [at.slider(key=f"z_{i}").value for i in range(4)] == [1.0, 2.0, 3.0, 4.0]
    assert at.select_slider(key="tau").value == 2.0
    assert at.selectbox(key="target").value == 3
    np.testing.assert_allclose(
        shown_p(at), xc.softmax([1.0, 2.0, 3.0, 4.0], temperature=2.0), rtol=0, atol=1e-16
    )


@pytest.mark.parametrize(
    ("params", "notes"),
    [
        ({"z": "1,2,abc"}, ["`z=1,2,abc` is not a number"]),
        ({"z": "1,2"}, ["`z=1,2` must list 3 to 10 numbers"]),
        ({"z": "1,2,30"}, ["`z=1,2,30` is outside -10 to 10"]),
        ({"tau": "2.5"}, ["`tau=2.5` is not one of the temperatures"]),
        ({"tau": "-1", "target": "x"}, ["`tau=-1`", "`target=x` is not a whole number"]),
    ],
)
def test_bad_link_values_warn_and_fall_back(params, notes):
    """Each bad setting gets a warning naming it; the page shows the defaults."""
    at = open_with_link(**params)
    warnings = " ".join(w.value for w in at.warning)
    for note in notes:
        assert note in warnings
    assert list(shown_p(at)) == SOFTMAX_234
    assert at.select_slider(key="tau").value == 1.0


def test_a_target_the_logits_do_not_have_warns():
    """?target=7 with 3 classes: a note, and class 0."""
    at = open_with_link(target="7")
    assert any("Target class 7 does not exist with 3 classes" in w.value for w in at.warning)
    assert at.selectbox(key="target").value == 0
