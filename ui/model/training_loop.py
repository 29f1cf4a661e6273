"""The Play loop of the Live training page, free of Streamlit: its pacing and its decisions.

While playing, the page trains a frame, draws it and sleeps, again and again, until the
student pauses (any interaction reruns the script, which interrupts the loop with an
exception), the idle limit passes or training diverges. :func:`play` is that loop with its
effects passed in (draw the live block, draw the curve and units, rerun the script, the
clocks, sleep), so the tests drive it with fakes and the page passes Streamlit's. The
decisions are plain functions: :func:`frame` (which frame redraws the loss curve, which the
units), :func:`idle` (when to stop) and, on an interruption, whether the frame trained was
ever shown (else it is undone, so the paused state is the one on screen).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from ui.model import training, turns
from ui.model.training import FRAME_SECONDS, Pace, Snapshot, Training, frame_sleep, playing
from ui.model.training_controller import ERROR, NOTE, RUNNING, State
from ui.model.training_controller import train as train_frame

# Frames (the live block at consecutive moments) sent in one message, which the browser plays
# one after another (ui/widgets/live_player.js). A message costs the server its pacing, its
# turn-taking and its send, and, sent as a Streamlit element (where the run's own websocket,
# ui/widgets/frame_socket.py, is missing), the tab a re-render of the page by Streamlit's React
# (~6 ms of main thread, CDP profile 2026-12-07: 175 ms a second at 30 messages), so two
# frames a message draw more of them for less. Three drew no more where the tab is the limit
# (as elements): with chromium's CPU slowed 4 times, as on a tablet, 19.8 frames/s
# (19.8-21.7) against 19.5 (17.3-19.5) at two, the curve and the units redrawn as often in
# time (bench/live_training.py's counter, interleaved, 2026-12-07). And a paused run shows
# the last frame sent, which the tab, up to a message behind, may not have shown yet: the
# more frames a message, the further Pause can jump ahead (at four it did every time).
FRAMES_PER_MESSAGE = 2
# While playing, redraw the plotly loss curve every 60th message (every 2 s at 30 messages a
# second): a plotly redraw costs the browser 50-170 ms of main thread (CDP profiles,
# 2026-12-07: a quarter of the tab's time at every 12th frame, a sixth at every 36th), time
# the live block needs to be drawn at all.
CURVE_EVERY = 60
# ... and the first-layer units every 24th message (never with the curve): ~2 ms of server
# CPU a picture (bench/frame_cost.py), 1.25 times a second.
UNITS_EVERY = 24
# ... and the network diagram every k-th message (inside the live block's own message, see
# ui.widgets.training_live.play), k growing with its connections (its cost on the server and
# in the browser grows with them: bench/network_cost.py): the default 2-8-4-2 net (56
# connections, ~1.4 ms a diagram) every 8th message (~4 a second), 4 × 32 (3,200+) every
# 24th.
NETWORK_EVERY = ((200, 8), (1200, 12), (10**9, 24))
# Before each message, while another page run of the process holds its turn or waits for it
# (ui.model.turns.busy: a student's click), the loop waits, a few ms at a time and at most
# OTHERS_FIRST_MOST_S: the click's run then has the process to itself instead of sharing the
# GIL with every player's frames (bench/README.md, "Session 6": the whole class's clicks p95
# 1245-1669 -> 347-417 ms).
OTHERS_FIRST_STEP_S = 0.005
OTHERS_FIRST_MOST_S = 0.25


@dataclass(frozen=True, slots=True)
class Frame:
    """One playing message's plan: its number since Play (1, 2, …) and what it redraws
    besides the live block (numbers and boundary picture, drawn every frame)."""

    number: int
    curve: bool  # the plotly loss curve: a costly message, a few times a second
    units: bool  # the first-layer units picture
    network: bool = False  # the network diagram


def network_every(connections: int) -> int:
    """Every how many frames the diagram of a network with ``connections`` is redrawn."""
    return next(every for most, every in NETWORK_EVERY if connections <= most)


def frame(number: int, *, network_every: int = 0) -> Frame:
    """Message ``number``'s plan: the curve on 1, 61, 121, … (soon after Play), the units on
    12, 36, 60, … (never with the curve), the network diagram every ``network_every``-th
    message from message 2 (0: never; with k = 8, 12 or 24 never with the units or the
    curve)."""
    return Frame(
        number,
        curve=number % CURVE_EVERY == 1,
        units=number % UNITS_EVERY == UNITS_EVERY // 2,
        network=network_every > 0 and number % network_every == 2 % network_every,
    )


LOOP = "_tr_loop"  # the session's Play loop while it runs: its Handover


@dataclass(frozen=True, slots=True)
class Handover:
    """How a new run of the page's script takes over from a Play loop still running.

    Streamlit starts the new run at once (``runner.fastReruns``) and stops the old one only
    when it next sends an element, so for a moment both threads hold the same Training: the
    new one drawing or editing it while the old one trains it, or undoes a frame it never
    sent (once a curve of one epoch more than its losses). The new run sets ``stop`` and
    waits for ``done`` (:func:`take_over`); the loop, which also sleeps on ``stop``, leaves
    at once or after the frame it is in."""

    stop: threading.Event
    done: threading.Event


def take_over(state: State, timeout: float = 2.0) -> bool:
    """Stop the Play loop an earlier run of this session's script left running, and wait (at
    most ``timeout`` s) until it has let go of the run; True if none is left running."""
    loop = state.get(LOOP)
    if loop is None:
        return True
    loop.stop.set()
    return loop.done.wait(timeout)


@dataclass(frozen=True, slots=True)
class Drawn:
    """A picture the page drew of a run (the units, the diagram): of which run, at which epoch,
    under which settings (``key``: the theme, …), and the picture itself."""

    run: int  # the Training's serial
    epoch: int
    key: tuple
    picture: object


def reusable(drawn: Drawn | None, run: Training, key: tuple, *, playing: bool, within: int) -> bool:
    """Whether a rerun may show ``drawn`` again instead of drawing it anew: same run and key,
    and the same epoch, or, while playing, at most ``within`` epochs older (the loop redraws it
    that often anyway: a learning-rate change while playing then costs ~20 ms less, the units
    picture and the diagram, bench/README.md)."""
    if drawn is None or drawn.run != run.serial or drawn.key != key or drawn.epoch > run.epoch:
        return False
    return drawn.epoch == run.epoch or (playing and run.epoch - drawn.epoch <= within)


def redrawn_within(every: int, epochs_per_frame: int) -> int:
    """How many epochs apart the loop redraws a picture it redraws every ``every`` messages."""
    return every * FRAMES_PER_MESSAGE * epochs_per_frame


def idle(started: float, now: float, limit: float) -> bool:
    """True once more than ``limit`` seconds passed since the last interaction (``started``)."""
    return now - started > limit


def idle_words(seconds: float) -> str:
    """``600`` -> ``"10 minutes"``, ``2`` -> ``"2 seconds"``, ``1`` -> ``"1 second"``."""
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} second" + ("" if seconds == 1 else "s")


def pause_idle(state: State, limit: float) -> None:
    """Pause after ``limit`` idle seconds, with a note saying why and how to go on."""
    state[RUNNING] = False
    state[NOTE] = (
        f"Paused after {idle_words(limit)} without any interaction, to leave the server to "
        "others. Press Play to go on."
    )


def settle_interrupted(run: Training, shown_epoch: int, mark: Snapshot | None = None) -> bool:
    """After an interruption: undo the frames trained but never sent (the live block last
    showed ``shown_epoch``), so the paused run is the one on screen: back to ``mark``
    (:meth:`Training.mark`, taken before the message's first frame) or, without one, before
    the last frame. True if it undid anything."""
    if shown_epoch == run.epoch:
        return False
    return run.rewind(mark) if mark is not None else run.undo()


def others_first(
    busy: Callable[[], bool], wait: Callable[[float], object], stop: threading.Event
) -> float:
    """Wait while ``busy()`` (other page runs want the process), :data:`OTHERS_FIRST_STEP_S`
    at a time, at most :data:`OTHERS_FIRST_MOST_S` in all or until ``stop`` is set; returns
    the time waited."""
    waited = 0.0
    while waited < OTHERS_FIRST_MOST_S and not stop.is_set() and busy():
        wait(OTHERS_FIRST_STEP_S)
        waited += OTHERS_FIRST_STEP_S
    return waited


def play(
    state: State,
    run: Training,
    *,
    started: float,
    draw_live: Callable[[], None],
    draw_more: Callable[[Frame], None],
    rerun: Callable[[], NoReturn],
    render: Callable[[], None] = lambda: None,
    frames_per_message: int = 1,
    idle_seconds: float | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    work_clock: Callable[[], float] = time.thread_time,
    sleep: Callable[[float], None] | None = None,
    busy: Callable[[], bool] = turns.busy,
) -> None:
    """Train and redraw until paused (a rerun), idle too long, diverged or the session ends.

    ``started`` is the ``monotonic()`` time of the last interaction (the script's start).
    Each frame trains ``state["tr_speed"]`` epochs and calls ``render()`` (the numbers and
    the picture of that moment, kept for the message); after ``frames_per_message`` frames,
    ``draw_live()`` sends them in one message, then ``draw_more(frame)`` (the curve and the
    units when the message asks: ``frame`` counts messages), then the loop sleeps
    :func:`~ui.model.training.frame_sleep` of the work, until the next message is due on the
    ``monotonic()`` clock (:class:`~ui.model.training.Pace`, one message every
    ``frames_per_message`` frames of FRAME_SECONDS) or longer. A click before the message went out
    takes the run back to the last message sent (:func:`settle_interrupted`). ``rerun()`` must not
    return (Streamlit's raises): it is called after an idle pause or a divergence, both of
    which leave ``state[RUNNING]`` False. ``idle_seconds`` defaults to
    :data:`ui.model.training.IDLE_SECONDS`, read at each call.

    ``work_clock`` measures a frame's work for the sleep's share of a core: this thread's CPU
    time, not the wall clock, which would count the time a frame waits for the GIL behind the
    other sessions as its work (with 10 players on a busy process each then slept for seconds:
    0.6 frames/s, bench/frame_cost.py --players 10). The frame rate's cap is on the wall clock
    (``monotonic``): measured from the CPU time, each message's period was its wall time
    beyond its CPU time and the sleep's overshoot longer than two frames' (~56 frames/s sent
    instead of 60, bench/live_training.py --vs-playground).

    While it runs, ``state[LOOP]`` holds its :class:`Handover`: a new run of the script stops
    it (:func:`take_over`); ``sleep`` (by default) wakes up for that. Before each message it
    lets other page runs go first (:func:`others_first` while ``busy()``).
    """
    limit = training.IDLE_SECONDS if idle_seconds is None else idle_seconds
    shown_epoch = -1  # the epoch the live block last showed
    number = 0
    handover = Handover(threading.Event(), threading.Event())
    wait = handover.stop.wait if sleep is None else sleep
    pace = Pace(FRAME_SECONDS * frames_per_message)
    state[LOOP] = handover
    try:
        with playing():  # counted among this process's players (a shared CPU budget)
            while state.get(RUNNING) and not handover.stop.is_set():
                if idle(started, monotonic(), limit):
                    pause_idle(state, limit)
                    rerun()
                others_first(busy, wait, handover.stop)
                if handover.stop.is_set():
                    break
                pace.start(monotonic())
                tick = work_clock()
                mark = run.mark() if frames_per_message > 1 else None
                try:
                    for _ in range(frames_per_message):
                        train_frame(state, run, epochs=state["tr_speed"])
                        if ERROR in state:
                            rerun()
                        render()
                    number += 1
                    draw_live()
                    shown_epoch = run.epoch
                    draw_more(frame(number))
                except BaseException:  # a click interrupted the frame (Streamlit's rerun/stop)
                    settle_interrupted(run, shown_epoch, mark)
                    raise
                wait(frame_sleep(work_clock() - tick, left=pace.left(monotonic())))
    finally:
        handover.done.set()
        if state.get(LOOP) is handover:
            del state[LOOP]
