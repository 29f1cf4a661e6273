"""Page runs take turns: one script run of a server process computes at a time, the others wait.

One Streamlit process runs every session's script in a thread of its own, and Python's GIL lets
one of them compute at a time anyway. When a class acts at once (30 sessions open their page in
the same second, or answer it together), the GIL hands the core round in 5 ms slices: every run
finishes late (each waits for all the others), and the server's event loop, which receives the
students' inputs and sends the answers, gets its slice only between theirs. In bench/load.py's
default load, inputs waited 1–2.8 s before their run even started while the runs themselves took
0.1–0.9 s (bench/README.md, "Load"). Waiting on a lock costs no GIL: runs that wait their turn
leave the core to the one that computes and to the event loop, and are answered in the order
they came.

``app.py`` holds a turn around each page run (:func:`turn`). A run that becomes a long loop (the
Live training page while it plays) gives its turn back first (:func:`step_aside`): a playing
loop paces itself (``ui.model.training.frame_sleep``) and must not hold the others up; it also
waits before its next frame while a page run holds the turn or waits for it (:func:`busy`), so
a click is answered before another frame is drawn. A run waits at most ``TURN_TIMEOUT_S`` and
then computes anyway, so a slow page can never stall the process. Fragment reruns (the binary
table) do not run app.py and take no turn.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

TURN_TIMEOUT_S = 3.0  # the longest a run waits for its turn before it computes anyway

_turn = threading.Semaphore(1)  # released by the thread that took it; FIFO among waiters
_held = threading.local()  # .held: this thread's run holds the turn; .counted: in _wanting
_wanting = 0  # page runs that hold the turn or wait for it
_wanting_lock = threading.Lock()


def _count(delta: int) -> None:
    global _wanting
    with _wanting_lock:
        _wanting += delta


def busy() -> bool:
    """True while a page run of this process holds the turn or waits for it."""
    return _wanting > 0


def holding() -> bool:
    """True while the calling thread's run holds the turn."""
    return getattr(_held, "held", False)


@contextmanager
def turn(timeout: float = TURN_TIMEOUT_S) -> Iterator[bool]:
    """Wait for this process's turn (at most ``timeout`` s), run the body, give the turn back.

    Yields whether the turn was taken (False after a timeout: the body runs anyway). Nested
    use in the same thread (a page re-entering the router) does not wait for itself.
    """
    if holding():
        yield True
        return
    _count(+1)
    _held.counted = True
    try:
        taken = _turn.acquire(timeout=timeout)
        _held.held = taken
        yield taken
    finally:
        step_aside()


def step_aside() -> None:
    """Give the turn back now, if this thread's run holds it (a run about to loop for long),
    and stop counting it as a run that wants one (:func:`busy`)."""
    if holding():
        _held.held = False
        _turn.release()
    if getattr(_held, "counted", False):
        _held.counted = False
        _count(-1)
