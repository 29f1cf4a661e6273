"""What is going wrong with a training run, in a student's words, with the lever to try.

The verdict comes from :func:`xent_core.training_health` on the run's loss history; these
functions only turn it into a sentence. Epoch numbers are the ones on the loss curve.
"""

from __future__ import annotations

from collections.abc import Sequence

from ui.text.numbers import fit
from xent_core import TrainingHealth


def _epoch_at(epochs: Sequence[int], index: int | None) -> int | None:
    """The epoch of history entry ``index`` (the history keeps every epoch, then thins)."""
    if index is None or not epochs:
        return None
    return epochs[min(max(index, 0), len(epochs) - 1)]


def diverging_words(health: TrainingHealth, *, loss_reached: float, lr: float) -> str:
    """Why the run was paused (and its last epoch undone): the loss grew by orders of
    magnitude."""
    lower = f"{lr / 10:g}"
    return (
        f"**The loss is exploding** — the next epoch took it to {fit(loss_reached)}, "
        f"{fit(health.growth, 0)} times its lowest value: each step overshoots the minimum "
        "and lands further away. Training was paused before that epoch. Lower the learning "
        f"rate (try {lower}) or the L2 strength, then press **Play** again."
    )


def oscillating_words(health: TrainingHealth) -> str:
    """The loss swings up and down without getting lower."""
    return (
        f"**The loss swings up and down** (a typical step changes it by {health.swing:.0%}) "
        "and has barely come down over the last 20 epochs: the learning rate is at the edge "
        "of too large. Try a smaller one, or a bigger batch for steadier steps."
    )


def overfitting_words(health: TrainingHealth, epochs: Sequence[int]) -> str:
    """Training loss falls, test loss rises: the network memorises the training points."""
    best = _epoch_at(epochs, health.epoch)
    at_best = f" (it was lowest at epoch {best:,})" if best is not None else ""
    return (
        "**Overfitting**: the training loss keeps falling while the loss on the test points "
        f"has risen {health.test_rise:.0%} above its best{at_best}. The network is "
        "memorising the training points, noise included, instead of the pattern. More "
        "training points, fewer hidden units, or some L2 help; stopping at the best test "
        "loss is called early stopping."
    )


def hint(health: TrainingHealth, epochs: Sequence[int]) -> str | None:
    """The sentence to show beside the loss curves while the run is not diverging."""
    if health.status == "oscillating":
        return oscillating_words(health)
    if health.status == "overfitting":
        return overfitting_words(health, epochs)
    return None
