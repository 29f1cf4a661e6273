"""Is training going well? A loss history classified as diverging, oscillating, overfitting
or fine, with the numbers behind the verdict.

Pure function of the per-epoch histories (one number per epoch), so a page can call it after
every epoch of live training: divergence is flagged at the first epoch that shows it.

The thresholds (module constants, all documented in :func:`training_health`):

=====================  =====  =====================================================
constant               value  meaning
=====================  =====  =====================================================
DIVERGE_FACTOR         10     train loss ≥ 10 × its lowest value so far, and above its
                              first value: an order of magnitude lost; or (given C)
                              ≥ 10 × log C, ten times the uniform guess's loss
MIN_EPOCHS             6      fewer epochs: too early to call oscillation/overfitting
WINDOW                 20     oscillation is judged on the last 20 epochs
SWING_RELATIVE         0.05   typical epoch-to-epoch change ≥ 5 % of the loss level
SWING_ABSOLUTE         0.01   … and ≥ 0.01 nats (ignores jitter of a tiny loss)
PROGRESS_RATIO         0.2    net decrease < 20 % of the distance travelled
OVERFIT_RISE           0.1    test loss ≥ 10 % above its lowest value …
OVERFIT_RISE_ABSOLUTE  0.02   … and ≥ 0.02 nats above it, while train loss fell
CHANCE_MARGIN          0.05   test accuracy within 5 points of chance (1 / C) …
ACCURACY_CLIMB         0.2    … while train accuracy climbed ≥ 20 points above chance
=====================  =====  =====================================================
"""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

import numpy as np

Status = Literal["diverging", "oscillating", "overfitting", "fine"]
STATUSES: tuple[Status, ...] = ("diverging", "oscillating", "overfitting", "fine")

DIVERGE_FACTOR = 10.0
MIN_EPOCHS = 6
WINDOW = 20
SWING_RELATIVE = 0.05
SWING_ABSOLUTE = 0.01
PROGRESS_RATIO = 0.2
OVERFIT_RISE = 0.1
OVERFIT_RISE_ABSOLUTE = 0.02
CHANCE_MARGIN = 0.05
ACCURACY_CLIMB = 0.2
SMOOTH = 3  # the test loss "now" is the mean of its last 3 values


class TrainingHealth(NamedTuple):
    """The verdict on a training history and the measurements it rests on.

    ``status``: ``"diverging"``, ``"oscillating"``, ``"overfitting"`` or ``"fine"`` (the first
    that applies, in that order). ``epoch``: where the problem shows (0-based): the first
    diverging epoch, the first epoch of the oscillating window, the epoch of the lowest test
    loss (or highest test accuracy) for overfitting — the epoch to have stopped at; None
    when fine. ``growth``: train loss now / its lowest value (inf once it is not finite).
    ``swing``: median |epoch-to-epoch change| / median loss over the window. ``progress``:
    net decrease / total distance travelled over the window (1 = straight down, ≤ 0 = no
    progress; nan for a flat window). ``test_rise``: relative rise of the test loss above
    its lowest value (nan without a test loss).
    """

    status: Status
    epoch: int | None
    growth: float
    swing: float
    progress: float
    test_rise: float


def _history(x, name: str) -> np.ndarray:
    """A 1-D float64 history; nan and ±inf are allowed (they are what divergence looks like)."""
    try:
        a = np.array(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must hold numbers only; got {x!r:.80}") from err
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a list of one value per epoch; got shape {a.shape}.")
    return a


def _loss(x, name: str) -> np.ndarray:
    a = _history(x, name)
    negative = a < 0
    if negative.any():
        i = int(np.argmax(negative))
        raise ValueError(f"{name}[{i}] = {a[i]:g} is negative: a cross-entropy loss is ≥ 0.")
    return a


def _same_length(a: np.ndarray, b: np.ndarray, name: str) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{name} has {b.size} epochs but train_loss has {a.size}: give one value per epoch."
        )


def _accuracy(x, name: str, train_loss: np.ndarray) -> np.ndarray:
    a = _history(x, name)
    _same_length(train_loss, a, name)
    bad = ~((a >= 0) & (a <= 1))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name}[{i}] = {a[i]:g} is not an accuracy: it must lie in [0, 1].")
    return a


def _first_divergence(loss: np.ndarray, ceiling: float) -> int | None:
    """The first epoch t with a non-finite loss, ``L_t ≥ ceiling``, or
    ``L_t ≥ 10 min_{s≤t} L_s`` and ``L_t > L_0``."""
    finite = np.isfinite(loss)
    running_min = np.minimum.accumulate(np.where(finite, loss, np.inf))  # (E,)
    with np.errstate(invalid="ignore"):
        grew = (loss >= DIVERGE_FACTOR * running_min) & (loss > loss[0])
        bad = ~finite | grew | (loss >= ceiling)
    return int(np.argmax(bad)) if bad.any() else None


def _oscillation(loss: np.ndarray) -> tuple[float, float, float]:
    """(swing, progress, median step) over the last WINDOW epochs."""
    w = loss[-WINDOW:]
    if w.size < 2:
        return 0.0, float("nan"), 0.0
    d = np.diff(w)  # (W - 1,)
    step = float(np.median(np.abs(d)))
    level = float(np.median(w))
    swing = step / level if level > 0 else (np.inf if step > 0 else 0.0)
    travelled = float(np.abs(d).sum())
    progress = float((w[0] - w[-1]) / travelled) if travelled > 0 else float("nan")
    return swing, progress, step


def training_health(
    train_loss,
    test_loss=None,
    *,
    train_accuracy=None,
    test_accuracy=None,
    n_classes: int | None = None,
) -> TrainingHealth:
    """Classify a training history as diverging, oscillating, overfitting or fine.

    Parameters
    ----------
    train_loss : (E,) the training loss after each of E epochs (nan/inf allowed)
    test_loss : (E,) the held-out loss at the same epochs, or None
    train_accuracy, test_accuracy : (E,) accuracies in [0, 1] at the same epochs, or None;
        both are needed for the accuracy test of overfitting, with ``n_classes``
    n_classes : C ≥ 2, or None: chance accuracy is 1 / C and the uniform guess's loss is
        ``log C``; needed with the accuracies, optional otherwise

    Returns
    -------
    :class:`TrainingHealth`. The checks, in order (the first that holds wins):

    1. **diverging** — at some epoch t the train loss is not finite, or it is at least
       ``DIVERGE_FACTOR`` (10) times its lowest value so far *and* above its first value
       (the run has lost an order of magnitude and is worse than untrained), or, when
       ``n_classes`` is given, it is at least 10 × ``log C``, ten times the loss of the
       uniform guess (an epoch's mean loss can blow up within the first epoch, before any
       lower value was recorded). ``epoch`` is the first such t, so calling this after every
       epoch flags divergence at once.
    2. **oscillating** (≥ ``MIN_EPOCHS`` epochs) — over the last ``WINDOW`` (20) epochs the
       median step ``|L_{t+1} - L_t|`` is ≥ 5 % of the median loss and ≥ 0.01 nats, and the
       net decrease is < 20 % of the distance travelled (``progress``): big swings, little
       headway, whether the loss zigzags or wanders. A learning rate too large for the
       valley is the usual cause. (Mini-batch noise on a healthy run moves the epoch's mean
       loss by ~1 %.)
    3. **overfitting** (≥ ``MIN_EPOCHS`` epochs) — the test loss (mean of its last 3 values)
       is ≥ 10 % and ≥ 0.02 nats above its lowest value, reached at an earlier epoch, while
       the train loss is lower now than at that epoch: the net is fitting the training points
       at the expense of new ones. Or, with accuracies: test accuracy within 5 points of
       chance ``1/C`` while train accuracy climbed to ≥ 20 points above both chance and its
       first value (memorising). ``epoch`` is the best test epoch, where early stopping
       would have stopped.
    4. **fine** otherwise (including histories too short to judge).
    """
    train = _loss(train_loss, "train_loss")
    test = None
    if test_loss is not None:
        test = _loss(test_loss, "test_loss")
        _same_length(train, test, "test_loss")
    if n_classes is not None and not (int(n_classes) == n_classes and n_classes >= 2):
        raise ValueError(f"n_classes must be a whole number ≥ 2; got {n_classes!r}.")
    accuracies = None
    if train_accuracy is not None or test_accuracy is not None:
        if train_accuracy is None or test_accuracy is None or n_classes is None:
            raise ValueError(
                "train_accuracy, test_accuracy and n_classes go together: give all three."
            )
        accuracies = (
            _accuracy(train_accuracy, "train_accuracy", train),
            _accuracy(test_accuracy, "test_accuracy", train),
        )

    finite = train[np.isfinite(train)]
    lowest = float(finite.min()) if finite.size else np.nan
    if np.isfinite(train[-1]) and lowest > 0:
        growth = float(train[-1] / lowest)
    else:
        growth = 1.0 if train[-1] == lowest else np.inf
    nan = float("nan")

    ceiling = DIVERGE_FACTOR * math.log(n_classes) if n_classes is not None else np.inf
    bad = _first_divergence(train, ceiling)
    if bad is not None:
        return TrainingHealth("diverging", bad, growth, nan, nan, nan)
    swing, progress, step = _oscillation(train)
    test_rise, best = nan, None
    if test is not None and np.isfinite(test).any():
        best = int(np.nanargmin(np.where(np.isfinite(test), test, np.nan)))
        low = test[best]
        now = float(np.mean(test[-SMOOTH:]))
        test_rise = float((now - low) / low) if low > 0 else (np.inf if now > low else 0.0)
    if train.size < MIN_EPOCHS:
        return TrainingHealth("fine", None, growth, swing, progress, test_rise)
    if (
        swing >= SWING_RELATIVE
        and step >= SWING_ABSOLUTE
        and not progress >= PROGRESS_RATIO  # nan (flat) never oscillates: swing is 0 then
    ):
        start = train.size - min(WINDOW, train.size)
        return TrainingHealth("oscillating", start, growth, swing, progress, test_rise)
    if best is not None and best < train.size - 1:
        rise = float(np.mean(test[-SMOOTH:])) - test[best]
        if test_rise >= OVERFIT_RISE and rise >= OVERFIT_RISE_ABSOLUTE and train[-1] < train[best]:
            return TrainingHealth("overfitting", best, growth, swing, progress, test_rise)
    if accuracies is not None:
        train_acc, test_acc = accuracies
        chance = 1.0 / n_classes
        climbed = train_acc[-1] >= max(chance, train_acc[0]) + ACCURACY_CLIMB
        if climbed and test_acc[-1] <= chance + CHANCE_MARGIN:
            best_acc = int(np.argmax(test_acc))
            return TrainingHealth("overfitting", best_acc, growth, swing, progress, test_rise)
    return TrainingHealth("fine", None, growth, swing, progress, test_rise)
