"""The calibration section's numbers and sentence: what τ* says, in words."""

from __future__ import annotations

import dataclasses

import numpy as np

import xent_core
from ui.model.training import Calibration, Setup, Training
from ui.text.calibration import calibration_metrics, calibration_verdict


def trained(epochs: int = 20) -> Calibration:
    run = Training.start(Setup(dataset="gaussian", noise=0.6, hidden=(32, 32)))
    for _ in range(epochs // 10):
        run.train(10, lr=0.1, batch_size=10, l2=0.0)
    return run.calibration(10)


def with_fit(cal: Calibration, **changes) -> Calibration:
    return dataclasses.replace(cal, fit=cal.fit._replace(**changes))


def test_the_four_figures_are_ece_before_tau_star_ece_after_and_the_test_loss():
    """Values to 4 decimals, deltas signed, every one with a help text."""
    cal = trained()
    shown = calibration_metrics(cal)
    assert [s.label for s in shown] == [
        "ECE at τ = 1",
        "τ* (least test cross-entropy)",
        "ECE at τ*",
        "Test cross-entropy at τ*",
    ]
    assert shown[0].value == f"{cal.ece_before:.4f}"
    assert shown[1].value == f"{cal.fit.temperature:.4g}"
    assert shown[2].delta == f"{cal.ece_after - cal.ece_before:+.4f}"
    assert shown[3].delta.startswith("-")  # τ* never raises the cross-entropy
    assert f"{cal.accuracy:.1%}" in shown[3].help
    assert all(s.help for s in shown)


def test_an_overfitted_network_is_called_overconfident():
    """Noisy Gaussians after 60 epochs of a [2, 32, 32, 2] net: τ* > 1, overconfident."""
    cal = trained(60)
    assert cal.fit.temperature > 1.05
    words = calibration_verdict(cal)
    assert "**overconfident**" in words and f"{cal.fit.temperature:.3g}" in words


def test_the_verdict_for_each_kind_of_tau_star():
    """τ* < 1 underconfident, ≈ 1 calibrated, at the grid's ends and with equal logits."""
    cal = trained()
    assert "**underconfident**" in calibration_verdict(with_fit(cal, temperature=0.5))
    assert "about calibrated" in calibration_verdict(with_fit(cal, temperature=1.0))
    low = calibration_verdict(with_fit(cal, temperature=0.05, at_bound=True))
    assert "right on (almost) every test point" in low
    high = calibration_verdict(with_fit(cal, temperature=20.0, at_bound=True))
    assert "flatter" in high and f"{cal.accuracy:.0%}" in high
    flat = calibration_verdict(with_fit(cal, temperature=1.0, at_bound=True))
    assert "no temperature changes anything" in flat


def test_the_verdict_says_whether_the_least_ece_tau_is_near_tau_star():
    """Within 25 %: 'close to'; further: why ECE and cross-entropy can disagree."""
    cal = trained()
    near = dataclasses.replace(
        with_fit(cal, temperature=2.0), ece_curve=cal.ece_curve._replace(temperature=2.2)
    )
    assert "close to τ* = 2" in calibration_verdict(near)
    far = dataclasses.replace(near, ece_curve=cal.ece_curve._replace(temperature=5.0))
    words = calibration_verdict(far)
    assert "further from" in words and f"{int(cal.before.count.sum())} test points" in words


def test_a_calibration_on_equal_logits_reads_as_flat():
    """A network whose output ignores the input (zero weights): τ* = 1 and the flat sentence."""
    run = Training.start(Setup())
    for W in run.net.weights:
        W[:] = 0.0
    run._metrics = None
    cal = run.calibration(10)
    assert cal.fit.temperature == 1.0 and cal.fit.at_bound
    assert np.isclose(cal.test_loss, np.log(2))
    assert cal.accuracy == xent_core.accuracy(run.y_test, np.full((len(run.y_test), 2), 0.5))
    assert "no temperature changes anything" in calibration_verdict(cal)
