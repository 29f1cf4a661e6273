"""The load harness's light client (serving/stclient.py) against a real `streamlit run`.

It must see what a browser sees: the seed numbers on open, a slider move and a table edit
changing the loss, a bad cell's message; otherwise bench/load.py measures nothing.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator

import pytest

from bench.load import LIVE
from serving.server import start_server
from serving.stclient import RunResult, StreamlitSession, element_id, key_of, run_async

SEED_SUM = 4.460303459760249


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with start_server(hosted=True) as running:
        yield running.url


def binary_session(url: str, steps) -> list:
    """Open /binary, run ``steps(session)`` and return what it returns."""

    async def go() -> list:
        async with StreamlitSession(url, page="binary") as session:
            opened = await session.open(timeout=120)
            assert opened.ok, opened
            return await steps(session)

    return run_async(go())


def test_opening_the_binary_page_shows_the_seed_sum_and_its_widgets(server: str) -> None:
    """The open run finishes with the seed's sum, and the widget keys map to element ids."""

    async def steps(s: StreamlitSession) -> list:
        return [s.metric("sum over 7 rows"), s.widget_id("p"), s.widget_id("bce_table_p")]

    total, p_id, table_id = binary_session(server, steps)
    assert float(total) == SEED_SUM
    assert p_id.startswith("$$ID-") and p_id.endswith("-p")
    assert table_id.endswith("-bce_table_p")


def test_a_slider_move_sent_as_widget_state_changes_the_loss_shown(server: str) -> None:
    """p = 0.3 with t = 1: the metric reads loss L(t=1, p=0.3) = −log 0.3 to 6 digits."""

    async def steps(s: StreamlitSession) -> list:
        result = await s.set_slider("p", 0.3)
        return [result, s.metric("loss L(t=1, p=0.3)")]

    result, shown = binary_session(server, steps)
    assert isinstance(result, RunResult) and result.ok and result.seconds > 0
    assert float(shown) == pytest.approx(-math.log(0.3), rel=1e-5)


def test_a_table_edit_sent_as_editor_json_changes_the_sum(server: str) -> None:
    """Row 5's p from 0.85 to 0.15 (t = 0): the sum drops by log(0.85/0.15)."""

    async def steps(s: StreamlitSession) -> list:
        result = await s.edit_cell("bce_table_p", 4, "p", "0.15")
        return [result, s.metric("sum over 7 rows")]

    result, shown = binary_session(server, steps)
    assert result.ok and not result.error_alerts
    assert float(shown) == pytest.approx(SEED_SUM - math.log(0.85 / 0.15), rel=1e-14)


def test_a_table_edit_sends_the_sum_before_the_losses_table_and_the_bar_chart(
    server: str,
) -> None:
    """The sum's element arrives first, then the losses table's, then the bars': a browser
    draws the number a student waits for before the costlier table and chart."""

    async def steps(s: StreamlitSession) -> list:
        order: list[str] = []

        def note(element) -> bool:
            kind, key = element.WhichOneof("type"), key_of(element_id(element))
            if kind == "metric" and element.metric.label.startswith("sum over"):
                order.append("sum")
            elif kind == "dataframe" and key != "bce_table_p":  # not the editor
                order.append("losses table")
            elif key == "bce_bars":
                order.append("bar chart")
            return False  # never resolves: it only notes the order

        s._watchers.append((note, asyncio.get_running_loop().create_future()))
        result = await s.edit_cell("bce_table_p", 4, "p", "0.15")
        s._watchers.clear()
        return [result, order]

    result, order = binary_session(server, steps)
    assert result.ok
    assert order == ["sum", "losses table", "bar chart"]


def test_a_bad_cell_is_reported_as_a_message_not_an_exception(server: str) -> None:
    """'abc' in row 2's p: an st.error naming row 2, column p; no exception element."""

    async def steps(s: StreamlitSession) -> list:
        return [await s.edit_cell("bce_table_p", 1, "p", "abc")]

    (result,) = binary_session(server, steps)
    assert result.status == "ok" and result.exceptions == []
    assert any("Row 2, column “p”" in alert for alert in result.error_alerts)


def test_a_playing_runs_frames_are_read_from_its_own_socket_as_a_browser_reads_them(
    server: str,
) -> None:
    """Play on /training: the client opens the run's websocket (ui/widgets/frame_socket.py)
    and its frames reach the watchers, ~60 a second in two-frame messages, while Streamlit's
    socket stays nearly quiet (the curve and the units); the live block shows their epochs."""

    def shown(s: StreamlitSession) -> int:
        return max(int(e) for t in s.texts() for e in LIVE.findall(t))

    async def go() -> tuple[int, int, int, int, bool]:
        async with StreamlitSession(server, page="training") as s:
            assert (await s.open(timeout=120)).ok
            frames = [0]

            def count(element) -> bool:
                if element.WhichOneof("type") == "html":
                    frames[0] += element.html.body.count("data-epoch=")
                return False

            s._watchers.append((count, asyncio.get_running_loop().create_future()))
            s.stage_click("tr_play")
            await s.send_only()
            await asyncio.sleep(1.5)
            reading = s._frames is not None and not s._frames.done()
            frames0, messages0, epoch0 = frames[0], s.messages, shown(s)
            await asyncio.sleep(2.0)
            epoch1 = shown(s)
            s.stage_click("tr_play")
            await s.send_only()
            return frames[0] - frames0, s.messages - messages0, epoch0, epoch1, reading

    frames, messages, epoch0, epoch1, reading = run_async(go())
    assert reading
    assert frames >= 80, frames  # 2 s at 60 frames a second
    # Messages on both sockets: the frames' (two frames each) and a few of Streamlit's.
    assert messages <= frames / 2 + 12, (messages, frames)
    assert epoch1 >= epoch0 + 80  # the block's epochs come from the socket's frames
