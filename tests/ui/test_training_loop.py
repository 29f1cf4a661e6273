"""The Play loop's decisions and pacing, driven with fake clocks, drawing and rerun."""

from __future__ import annotations

import contextlib
import itertools
import threading

import numpy as np
import pytest

from ui.model import training, training_loop
from ui.model import training_controller as control
from ui.model.training import MIN_SLEEP, Diverged, Setup, Training, frame_sleep
from ui.model.training_controller import ERROR, NOTE, PARAMS, RUNNING
from ui.model.training_loop import (
    CURVE_EVERY,
    FRAMES_PER_MESSAGE,
    LOOP,
    UNITS_EVERY,
    Drawn,
    Frame,
    frame,
    idle,
    idle_words,
    play,
    redrawn_within,
    reusable,
    settle_interrupted,
    take_over,
)

WORK = 0.02  # seconds each fake frame "takes"


class Rerun(Exception):
    """What the fake rerun raises (Streamlit's st.rerun raises too)."""


class Click(Exception):
    """A student's click interrupting a frame (Streamlit raises into the running script)."""


def rerun():
    raise Rerun


def playing_state(**changes) -> dict:
    return {**{p.key: p.default for p in PARAMS}, RUNNING: True, **changes}


def small_run() -> Training:
    return Training.start(Setup(n_points=40))


def perf_clock():
    """Tick at 0, 1, 2, …; each frame's work ends WORK seconds after its tick."""
    ticks = itertools.count()
    values = (v for t in ticks for v in (float(t), t + WORK))
    return lambda: next(values)


class Screen:
    """The fake drawing: what each frame drew, and a way to stop after ``frames`` frames."""

    def __init__(self, state: dict, run: Training, frames: int):
        self.state, self.run, self.frames = state, run, frames
        self.live: list[int] = []  # the epoch shown by each draw_live
        self.more: list[Frame] = []

    def draw_live(self) -> None:
        self.live.append(self.run.epoch)

    def draw_more(self, f: Frame) -> None:
        self.more.append(f)
        if f.number == self.frames:
            self.state[RUNNING] = False  # as if paused between two frames


def drive(state: dict, run: Training, screen: Screen, **kwargs) -> list[float]:
    """Play with fakes until the loop ends; the sleeps it asked for."""
    sleeps: list[float] = []
    play(
        state,
        run,
        started=0.0,
        draw_live=screen.draw_live,
        draw_more=screen.draw_more,
        rerun=rerun,
        monotonic=kwargs.pop("monotonic", lambda: 1.0),
        work_clock=kwargs.pop("work_clock", perf_clock()),
        sleep=sleeps.append,
        **kwargs,
    )
    return sleeps


# --- which frame redraws what -----------------------------------------------------------------


def test_the_curve_is_redrawn_soon_after_play_then_every_60th_frame():
    curves = [n for n in range(1, 181) if frame(n).curve]
    assert curves == [1, 61, 121] and CURVE_EVERY == 60


def test_the_units_are_redrawn_every_24th_frame_never_with_the_curve():
    units = [n for n in range(1, 73) if frame(n).units]
    assert units == [12, 36, 60] and UNITS_EVERY == 24
    assert not any(frame(n).curve and frame(n).units for n in range(1, 1000))


# --- when to stop -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "stops"), [(10.0, False), (609.999, False), (610.0, False), (610.001, True)]
)
def test_idle_means_more_than_the_limit_since_the_last_interaction(now, stops):
    assert idle(10.0, now, 600.0) is stops


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (600, "10 minutes"),
        (120, "2 minutes"),
        (90, "90 seconds"),
        (2, "2 seconds"),
        (1, "1 second"),
    ],
)
def test_idle_limits_read_as_minutes_or_seconds(seconds, words):
    assert idle_words(seconds) == words


def test_an_idle_session_pauses_with_a_note_before_training_any_further():
    """Past the limit: paused, told why and how to go on, a rerun, no epoch trained."""
    state, run = playing_state(), small_run()
    screen = Screen(state, run, frames=99)
    with pytest.raises(Rerun):
        drive(state, run, screen, idle_seconds=600.0, monotonic=lambda: 600.5)
    assert state[RUNNING] is False and run.epoch == 0 and not screen.live
    assert state[NOTE] == (
        "Paused after 10 minutes without any interaction, to leave the server to others. "
        "Press Play to go on."
    )


def test_the_idle_limit_is_read_from_the_training_model_at_each_play(monkeypatch):
    """As the AppTest shortens it: ui.model.training.IDLE_SECONDS, looked up when Play runs."""
    monkeypatch.setattr(training, "IDLE_SECONDS", 1.0)
    state, run = playing_state(), small_run()
    with pytest.raises(Rerun):
        drive(state, run, Screen(state, run, frames=99), monotonic=lambda: 1.5)
    assert "Paused after 1 second without any interaction" in state[NOTE]


def diverge_on_call(run: Training, n: int) -> None:
    """Make the ``n``-th call of ``run.train`` diverge (and the others train as usual)."""
    real_train = run.train
    calls = itertools.count(1)

    def diverging(epochs, **settings):
        if next(calls) == n:
            raise Diverged(f"Training diverged after epoch {n}: … Lower the learning rate")
        return real_train(epochs, **settings)

    run.train = diverging


def test_a_divergence_stops_the_loop_with_its_message_and_draws_nothing_more():
    """The frame that diverged is not drawn: the error is left for the rerun to show."""
    state, run = playing_state(), small_run()
    screen = Screen(state, run, frames=99)
    diverge_on_call(run, 3)
    with pytest.raises(Rerun):
        drive(state, run, screen)
    assert screen.live == [1, 2] and run.epoch == 2
    assert state[RUNNING] is False and "Lower the learning rate" in state[ERROR]


# --- frames and pacing ----------------------------------------------------------------------------


def test_each_frame_trains_the_epochs_per_frame_draws_and_then_yields_the_core():
    """Three epochs a frame for 61 frames: the live block every frame, the curve on 1 and 61,
    the units on 12, 36 and 60, and after each frame the sleep frame_sleep asks for."""
    state, run = playing_state(tr_speed=3), small_run()
    screen = Screen(state, run, frames=61)
    sleeps = drive(state, run, screen)
    assert screen.live == [3 * n for n in range(1, 62)] and run.epoch == 183
    assert [f.number for f in screen.more] == list(range(1, 62))
    assert [f.number for f in screen.more if f.curve] == [1, 61]
    assert [f.number for f in screen.more if f.units] == [12, 36, 60]
    assert sleeps == [pytest.approx(frame_sleep(WORK))] * 61
    assert min(sleeps) >= MIN_SLEEP
    assert training._playing == 0  # counted among the players only while playing


def test_a_paused_session_does_not_train_or_draw():
    state, run = playing_state(**{RUNNING: False}), small_run()
    screen = Screen(state, run, frames=1)
    assert drive(state, run, screen) == [] and run.epoch == 0 and not screen.live


# --- a click in the middle of a frame -------------------------------------------------------------


def test_a_click_before_the_frame_is_shown_undoes_its_training():
    """Interrupted in frame 3 before its live block: the run goes back to epoch 2, on screen."""
    state, run = playing_state(), small_run()
    screen = Screen(state, run, frames=99)

    def live_until_clicked():
        if len(screen.live) == 2:
            raise Click
        screen.draw_live()

    with pytest.raises(Click):
        play(
            state,
            run,
            started=0.0,
            draw_live=live_until_clicked,
            draw_more=screen.draw_more,
            rerun=rerun,
            monotonic=lambda: 1.0,
            work_clock=perf_clock(),
            sleep=lambda s: None,
        )
    assert screen.live == [1, 2]
    assert run.epoch == 2 and run.history.epochs[-1] == 2
    assert training._playing == 0


def test_a_click_after_the_live_block_was_shown_keeps_the_frame():
    """Interrupted while the curve is redrawn: the epoch on screen is the run's, kept."""
    state, run = playing_state(), small_run()
    screen = Screen(state, run, frames=99)

    def more_until_clicked(f: Frame):
        if f.number == 3:
            raise Click
        screen.draw_more(f)

    with pytest.raises(Click):
        play(
            state,
            run,
            started=0.0,
            draw_live=screen.draw_live,
            draw_more=more_until_clicked,
            rerun=rerun,
            monotonic=lambda: 1.0,
            work_clock=perf_clock(),
            sleep=lambda s: None,
        )
    assert screen.live == [1, 2, 3] and run.epoch == 3


def test_settling_undoes_only_a_frame_never_shown_and_only_once():
    run = small_run()
    control.train(playing_state(), run, epochs=1)
    assert not settle_interrupted(run, shown_epoch=1) and run.epoch == 1
    assert settle_interrupted(run, shown_epoch=0) and run.epoch == 0
    assert not settle_interrupted(run, shown_epoch=-1) and run.epoch == 0


# --- several frames a message ---------------------------------------------------------------------


class Messages(Screen):
    """The fake drawing with frames: the epochs rendered, grouped by the message that sent them."""

    def __init__(self, state: dict, run: Training, frames: int):
        super().__init__(state, run, frames)
        self.rendered: list[int] = []
        self.sent: list[list[int]] = []

    def render(self) -> None:
        self.rendered.append(self.run.epoch)

    def draw_live(self) -> None:
        self.sent.append(self.rendered)
        self.rendered = []
        super().draw_live()


def play_messages(state, run, screen, *, draw_live=None, per_message=2) -> None:
    play(
        state,
        run,
        started=0.0,
        draw_live=draw_live or screen.draw_live,
        draw_more=screen.draw_more,
        rerun=rerun,
        render=screen.render,
        frames_per_message=per_message,
        monotonic=lambda: 1.0,
        work_clock=perf_clock(),
        sleep=lambda s: None,
    )


def test_a_message_carries_each_frame_trained_since_the_last_one():
    """Two frames a message, two epochs a frame: every frame's moment is rendered and sent, the
    curve and units counted in messages."""
    state, run = playing_state(tr_speed=2), small_run()
    screen = Messages(state, run, frames=3)
    play_messages(state, run, screen)
    assert screen.sent == [[2, 4], [6, 8], [10, 12]] and run.epoch == 12
    assert screen.live == [4, 8, 12] and [f.number for f in screen.more] == [1, 2, 3]


def test_a_click_before_a_message_went_out_takes_the_run_back_to_the_last_one_sent():
    """Both frames of message 2 trained, then the click: back to epoch 2, weights and curve."""
    state, run = playing_state(), small_run()
    screen = Messages(state, run, frames=99)
    sent_weights = []

    def live_until_clicked():
        if len(screen.sent) == 1:
            raise Click
        screen.draw_live()
        sent_weights.append([W.copy() for W in run.net.weights])

    with pytest.raises(Click):
        play_messages(state, run, screen, draw_live=live_until_clicked)
    assert screen.sent == [[1, 2]] and screen.rendered == [3, 4]
    assert run.epoch == 2 and run.history.epochs[-1] == 2
    assert all(np.array_equal(W, V) for W, V in zip(run.net.weights, sent_weights[0], strict=True))
    assert training._playing == 0


def test_a_divergence_in_a_message_leaves_the_run_at_the_last_message_sent():
    """Message 2's second frame diverges: its first frame was never sent, so it goes too."""
    state, run = playing_state(), small_run()
    screen = Messages(state, run, frames=99)
    diverge_on_call(run, 4)
    with pytest.raises(Rerun):
        play_messages(state, run, screen)
    assert screen.sent == [[1, 2]] and run.epoch == 2 and run.history.epochs[-1] == 2
    assert state[RUNNING] is False and "Lower the learning rate" in state[ERROR]


def test_rewinding_to_a_mark_undoes_every_epoch_since_and_nothing_without_one():
    run = small_run()
    control.train(playing_state(), run, epochs=1)
    mark, weights = run.mark(), [W.copy() for W in run.net.weights]
    rng_state, curve = run.rng.bit_generator.state, list(run.history.epochs)
    assert not run.rewind(mark) and run.epoch == 1  # nothing trained since the mark
    for _ in range(3):
        control.train(playing_state(), run, epochs=2)
    assert run.epoch == 7
    assert run.rewind(mark) and run.epoch == 1 and run.history.epochs == curve
    assert all(np.array_equal(W, V) for W, V in zip(run.net.weights, weights, strict=True))
    assert run.rng.bit_generator.state == rng_state
    control.train(playing_state(), run, epochs=1)  # the same epoch 2 as before the rewind
    again = [W.copy() for W in run.net.weights]
    run.rewind(mark)
    control.train(playing_state(), run, epochs=1)
    assert all(np.array_equal(W, V) for W, V in zip(run.net.weights, again, strict=True))


def test_a_message_of_two_frames_is_paced_as_two_frames():
    """At most 60 frames a second whatever the frames per message: a message of two waits at
    least two frames' time (minus its work), not one."""
    state, run = playing_state(), small_run()
    screen = Messages(state, run, frames=3)
    # no work: the sleep is the frame rate's alone
    sleeps = drive(
        state, run, screen, render=screen.render, frames_per_message=2, work_clock=lambda: 0.0
    )
    assert sleeps == [pytest.approx(2 / 60)] * 3


class WallAndCpu:
    """Fake clocks for a loop whose work waits beyond its CPU time: each frame rendered takes
    ``wall`` seconds on the wall clock but only ``cpu`` of this thread's CPU time, each sleep
    overshoots by ``overshoot``; ``stall`` adds wall seconds to one frame (by its number)."""

    def __init__(self, *, wall: float, cpu: float, overshoot: float = 0.0015, stall=(0, 0.0)):
        self.now, self.cpu_time = 1.0, 0.0
        self.wall, self.cpu, self.overshoot, self.stall = wall, cpu, overshoot, stall
        self.frames = 0
        self.sleeps: list[float] = []
        self.sent: list[float] = []  # the wall time each message went out

    def render(self) -> None:
        self.frames += 1
        self.now += self.wall + (self.stall[1] if self.frames == self.stall[0] else 0.0)
        self.cpu_time += self.cpu

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + self.overshoot


def play_clocked(clock: WallAndCpu, messages: int, *, players: int = 1) -> None:
    state, run = playing_state(), small_run()
    screen = Messages(state, run, frames=messages)

    def draw_live() -> None:
        clock.sent.append(clock.now)
        screen.draw_live()

    with contextlib.ExitStack() as others:
        for _ in range(players - 1):
            others.enter_context(training.playing())
        play(
            state,
            run,
            started=0.0,
            draw_live=draw_live,
            draw_more=screen.draw_more,
            rerun=rerun,
            render=clock.render,
            frames_per_message=2,
            monotonic=lambda: clock.now,
            work_clock=lambda: clock.cpu_time,
            sleep=clock.sleep,
        )


def test_messages_of_two_frames_go_out_every_two_60ths_of_a_second_on_the_wall_clock():
    """Work of 12 ms a message on the wall clock but 4 ms of CPU (the GIL, sending), sleeps
    1.5 ms late: still one message every 2/60 s on average, 60 frames a second, not drifting
    (paced on the CPU time: 12 + 29.3 + 1.5 ms, 47 frames a second)."""
    clock = WallAndCpu(wall=0.006, cpu=0.002)
    play_clocked(clock, 121)
    periods = [b - a for a, b in itertools.pairwise(clock.sent)]
    assert (clock.sent[-1] - clock.sent[0]) / 120 == pytest.approx(2 / 60, rel=1e-3)
    assert max(periods) == pytest.approx(2 / 60, abs=0.002)
    assert min(clock.sleeps) >= MIN_SLEEP


def test_after_a_stall_the_loop_catches_up_by_one_message_at_most():
    """A message held up for a second: the loop does not send the 30 it missed in a burst; in
    the second after, it sends 30 messages and at most one more."""
    clock = WallAndCpu(wall=0.006, cpu=0.002, stall=(21, 1.0))
    play_clocked(clock, 100)
    stalled = clock.sent[10]  # message 11, of frames 21 and 22
    assert stalled - clock.sent[9] > 1.0
    within = [t for t in clock.sent if stalled < t <= stalled + 1.0]
    assert 30 <= len(within) <= 31
    periods = [b - a for a, b in itertools.pairwise(clock.sent[20:])]
    assert periods == [pytest.approx(2 / 60, abs=0.002)] * len(periods)


def test_many_players_sleep_for_their_share_of_the_cpu_time_not_the_wall_time():
    """Ten players of one process: each computes at most PROCESS_DUTY / 10 of the CPU, measured
    on its thread's CPU time (10 ms a message), not on the wall time its work took (50 ms)."""
    clock = WallAndCpu(wall=0.025, cpu=0.005)
    play_clocked(clock, 5, players=10)
    duty = training.PROCESS_DUTY / 10
    assert clock.sleeps == [pytest.approx(0.01 * (1 / duty - 1))] * 5


# --- pictures a rerun may show again --------------------------------------------------------------


def test_a_picture_is_shown_again_only_for_its_run_its_settings_and_a_recent_epoch():
    run, other = small_run(), small_run()
    control.train(playing_state(), run, epochs=5)
    drawn = Drawn(run.serial, 5, ("light",), "picture at 5")
    assert reusable(drawn, run, ("light",), playing=False, within=48)  # the same epoch
    assert not reusable(drawn, run, ("dark",), playing=False, within=48)  # another theme
    assert not reusable(drawn, other, ("light",), playing=True, within=48)  # another run
    assert not reusable(None, run, ("light",), playing=True, within=48)
    control.train(playing_state(), run, epochs=3)  # epoch 8
    assert not reusable(drawn, run, ("light",), playing=False, within=48)  # paused: exact only
    assert reusable(drawn, run, ("light",), playing=True, within=3)  # playing, 3 epochs old
    assert not reusable(drawn, run, ("light",), playing=True, within=2)
    assert not reusable(
        Drawn(run.serial, 9, ("light",), "x"), run, ("light",), playing=True, within=48
    )


def test_the_loop_redraws_a_picture_every_so_many_epochs():
    assert redrawn_within(24, 1) == 24 * FRAMES_PER_MESSAGE
    assert redrawn_within(8, 3) == 8 * FRAMES_PER_MESSAGE * 3


def test_every_training_run_has_its_own_serial_and_an_edit_counts():
    run, other = small_run(), small_run()
    assert run.serial != other.serial and run.edits == 0
    run.replace_network(lambda net: net)
    assert run.edits == 1


# --- a new run of the script takes over from a loop still playing ---------------------------------


def test_a_new_run_stops_the_loop_left_playing_and_waits_until_it_let_go_of_the_run():
    """Streamlit starts the new run before the old one stops: take_over stops the old loop
    (even in its sleep) and returns once it has left; the run stays as the loop left it."""
    state, run = playing_state(), small_run()
    screen = Messages(state, run, frames=10**6)
    started = threading.Event()

    def draw_live() -> None:
        screen.draw_live()
        started.set()

    loop = threading.Thread(
        target=play,
        args=(state, run),
        kwargs=dict(
            started=0.0,
            draw_live=draw_live,
            draw_more=screen.draw_more,
            rerun=rerun,
            render=screen.render,
            frames_per_message=2,
            monotonic=lambda: 1.0,
        ),
    )
    loop.start()
    assert started.wait(10) and LOOP in state
    assert take_over(state, timeout=10)
    epoch, sent = run.epoch, len(screen.sent)
    assert LOOP not in state and training._playing == 0
    loop.join(1)
    assert not loop.is_alive() and run.epoch == epoch and len(screen.sent) == sent
    assert epoch == 2 * sent  # every frame trained was sent: nothing left half-done
    assert take_over(state)  # no loop left: nothing to wait for


def test_without_a_loop_playing_a_new_run_takes_over_at_once():
    assert take_over({})


def test_the_loop_lets_other_page_runs_go_first_then_plays_on():
    """While another page run wants the process (turns.busy), the loop waits before its next
    message, in steps, and then trains and draws as before."""
    state, run = playing_state(), small_run()
    screen = Screen(state, run, frames=3)
    answers = iter([True, True, False] + [False] * 10)  # a click's run for two steps
    sleeps = drive(state, run, screen, busy=lambda: next(answers))
    step = training_loop.OTHERS_FIRST_STEP_S
    assert sleeps[:2] == [step, step] and len(sleeps) == 2 + 3
    assert sleeps[2:] == [pytest.approx(frame_sleep(WORK))] * 3
    assert len(screen.live) == 3


def test_the_loop_waits_for_others_at_most_a_quarter_second_a_message():
    """A process that is never free (page runs one after another): every message still goes
    out after OTHERS_FIRST_MOST_S, so no player starves."""
    state, run = playing_state(), small_run()
    screen = Screen(state, run, frames=2)
    sleeps = drive(state, run, screen, busy=lambda: True)
    steps = round(training_loop.OTHERS_FIRST_MOST_S / training_loop.OTHERS_FIRST_STEP_S)
    waits = [s for s in sleeps if s == training_loop.OTHERS_FIRST_STEP_S]
    assert len(waits) == 2 * steps and len(screen.live) == 2


def test_a_take_over_while_the_loop_waits_for_others_ends_it_without_a_frame():
    state, run = playing_state(), small_run()
    screen = Screen(state, run, frames=5)
    stopping = {"calls": 0}

    def busy() -> bool:
        stopping["calls"] += 1
        if stopping["calls"] == 2:
            take_over(state, timeout=0.0)  # a new run of this session, while the loop waits
        return True

    drive(state, run, screen, busy=busy)
    assert screen.live == [] and run.epoch == 0
