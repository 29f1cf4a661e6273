"""Words and numbers of the Live training page's calibration section (display only).

The numbers come from :meth:`ui.model.training.Training.calibration` (xent_core underneath);
this module formats them and says what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.model.training import Calibration

MIN_BINS, MAX_BINS, DEFAULT_BINS = 5, 20, 10


@dataclass(frozen=True)
class Shown:
    """One figure of the calibration section, as ``st.metric`` takes it."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None


def calibration_metrics(cal: Calibration) -> list[Shown]:
    """ECE before and after, τ*, and the held-out cross-entropy before and after."""
    fit = cal.fit
    return [
        Shown(
            "ECE at τ = 1",
            f"{cal.ece_before:.4f}",
            help="Expected calibration error of the network as it is: the average gap between "
            "confidence and accuracy over the bins, weighted by their points.",
        ),
        Shown(
            "τ* (least test cross-entropy)",
            f"{fit.temperature:.4g}",
            help="The temperature that minimises the mean cross-entropy of softmax(z/τ) on "
            "the test points. τ* > 1: the network was too sure; τ* < 1: too unsure.",
        ),
        Shown(
            "ECE at τ*",
            f"{cal.ece_after:.4f}",
            delta=f"{cal.ece_after - cal.ece_before:+.4f}",
            help="The same error after dividing every logit by τ*.",
        ),
        Shown(
            "Test cross-entropy at τ*",
            f"{fit.cross_entropy:.4f}",
            delta=f"{fit.cross_entropy - cal.test_loss:+.4f}",
            help=f"Mean cross-entropy on the test points; {cal.test_loss:.4f} at τ = 1. "
            f"The accuracy, {cal.accuracy:.1%}, is the same for every τ.",
        ),
    ]


def calibration_verdict(cal: Calibration) -> str:
    """One sentence (Markdown) on what τ* says about the network now."""
    fit = cal.fit
    tau = fit.temperature
    if fit.at_bound and tau == 1.0:
        return (
            "Every test point gets the same logit for every class, so no temperature changes "
            "anything: τ* is left at 1."
        )
    if fit.at_bound:
        low = tau <= fit.temperatures[0]
        return (
            f"The test cross-entropy is still falling at the end of the searched range "
            f"(τ = {tau:g}): "
            + (
                "the network is right on (almost) every test point, so sharper is always better."
                if low
                else f"the network is right on only {cal.accuracy:.0%} of the test points, so "
                "flatter (closer to uniform) is always better."
            )
        )
    if tau > 1.05:
        mood = f"**overconfident**: its logits are about {tau:.2g}× too large"
    elif tau < 0.95:
        mood = f"**underconfident**: its logits are about {1 / tau:.2g}× too small"
    else:
        mood = "already **about calibrated** (τ* ≈ 1)"
    curve = cal.ece_curve
    n_test = int(cal.before.count.sum())
    start = f"At epoch {cal.epoch:,} the network is {mood}. "
    if abs(curve.temperature / tau - 1) < 0.25:
        return (
            start + f"The τ with the least ECE, {curve.temperature:.3g}, is close to τ* = "
            f"{tau:.3g}: minimising the cross-entropy calibrates."
        )
    return (
        start + f"The τ with the least ECE, {curve.temperature:.3g}, is further from τ* = "
        f"{tau:.3g}: with {n_test} test points in {cal.n_bins} bins the ECE is a coarse, "
        "step-wise measure, while the cross-entropy weighs every point's own probability."
    )
