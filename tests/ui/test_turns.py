"""ui/model/turns.py: one page run of a process computes at a time; a long loop steps aside."""

from __future__ import annotations

import threading

import pytest

from ui.model import turns


def in_thread(body) -> threading.Thread:
    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread


def turn_is_free() -> bool:
    """True when nobody holds the turn (checked without keeping it)."""
    if turns._turn.acquire(blocking=False):
        turns._turn.release()
        return True
    return False


def test_a_second_run_waits_until_the_first_gives_its_turn_back():
    first_in, first_may_leave, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with turns.turn():
            order.append("first in")
            first_in.set()
            first_may_leave.wait(10)
            order.append("first out")

    def second() -> None:
        with turns.turn(timeout=10) as taken:
            order.append(f"second in ({taken})")

    a = in_thread(first)
    assert first_in.wait(10)
    b = in_thread(second)
    b.join(0.3)
    assert b.is_alive(), "the second run computed while the first held the turn"
    first_may_leave.set()
    a.join(10), b.join(10)
    assert order == ["first in", "first out", "second in (True)"]
    assert turn_is_free()


def test_a_run_that_steps_aside_lets_the_next_one_in_while_it_goes_on():
    looping, stop, second_done = threading.Event(), threading.Event(), threading.Event()

    def player() -> None:
        with turns.turn():
            turns.step_aside()  # the Play loop starts here
            assert not turns.holding()
            looping.set()
            stop.wait(10)

    def other() -> None:
        with turns.turn(timeout=10) as taken:
            assert taken
        second_done.set()

    a = in_thread(player)
    assert looping.wait(10)
    b = in_thread(other)
    assert second_done.wait(10), "the other run waited for the playing loop"
    stop.set()
    a.join(10), b.join(10)
    assert turn_is_free()


def test_a_run_waits_at_most_the_timeout_then_computes_anyway():
    inside, leave = threading.Event(), threading.Event()

    def holder() -> None:
        with turns.turn():
            inside.set()
            leave.wait(10)

    a = in_thread(holder)
    assert inside.wait(10)
    with turns.turn(timeout=0.05) as taken:
        assert not taken and not turns.holding()
    leave.set()
    a.join(10)
    assert turn_is_free()


def test_the_turn_comes_back_when_the_run_raises_and_nesting_does_not_wait_for_itself():
    with pytest.raises(RuntimeError):  # st.rerun, st.stop and errors leave through here
        with turns.turn():
            with turns.turn(timeout=10) as again:  # a page re-entering the router
                assert again and turns.holding()
            assert turns.holding()
            raise RuntimeError("stop")
    assert not turns.holding() and turn_is_free()
    turns.step_aside()  # without the turn: nothing to give back
    assert turn_is_free()


def test_busy_while_a_run_holds_the_turn_or_waits_for_it_not_after_it_steps_aside():
    """busy(): what a playing loop checks before each frame. A run holding the turn and one
    waiting for it both count; stepping aside (a page about to play) or leaving does not."""
    holder_in, holder_may_go, waiter_in = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def holder() -> None:
        with turns.turn():
            holder_in.set()
            holder_may_go.wait(10)
            turns.step_aside()  # as the Live training page before its loop
            seen["holder stepped aside, waiter got in"] = waiter_in.wait(10)

    def waiter() -> None:
        with turns.turn(timeout=10):
            waiter_in.set()

    assert not turns.busy()
    a = in_thread(holder)
    assert holder_in.wait(10) and turns.busy()
    b = in_thread(waiter)
    while turns._wanting < 2:  # the waiter is counted before it waits
        threading.Event().wait(0.001)
    holder_may_go.set()
    a.join(10), b.join(10)
    assert seen == {"holder stepped aside, waiter got in": True}
    assert not turns.busy() and turns._wanting == 0 and turn_is_free()


def test_a_run_that_raises_is_not_counted_any_more():
    with pytest.raises(RuntimeError), turns.turn():
        assert turns.busy()
        raise RuntimeError("the page failed")
    assert not turns.busy()
