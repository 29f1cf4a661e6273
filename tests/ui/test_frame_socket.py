"""The playing run's own websocket (ui/widgets/frame_socket.py): its channel and its endpoint.

The endpoint runs here on an asyncio loop of its own thread (``run_async``: Playwright's
sync API leaves an event loop running in pytest's) with a stand-in for Starlette's WebSocket (the
real one, through ``streamlit run`` and nginx, is in tests/e2e/test_training.py and
tests/e2e/test_through_nginx.py).
"""

from __future__ import annotations

import asyncio
import gc
import json

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute

from serving.stclient import run_async
from ui.widgets import frame_socket
from ui.widgets.frame_socket import PENDING_KEPT, REFUSED, Channel, open_channel
from ui.widgets.training_live import frames_message


class FakeSocket:
    """What the endpoint uses of Starlette's WebSocket, recorded."""

    def __init__(self, token: str, *, gone_after: int | None = None) -> None:
        self.query_params = {"run": token}
        self.accepted = False
        self.closed: int | None = None
        self.sent: list[str] = []
        self.gone_after = gone_after  # the tab goes away after this many messages

    async def accept(self) -> None:
        self.accepted = True

    async def send_text(self, text: str) -> None:
        if self.gone_after is not None and len(self.sent) >= self.gone_after:
            raise RuntimeError("the tab went away")  # as Starlette's send on a closed socket
        self.sent.append(text)

    async def close(self, code: int = 1000) -> None:
        self.closed = code


@pytest.fixture
def with_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """Channels open as if the process's server had the route."""
    monkeypatch.setattr(frame_socket, "_installed", True)


def serve_until_closed(socket: FakeSocket, channel: Channel, *sends: str) -> None:
    """Run the endpoint for ``socket`` while another thread sends ``sends`` and closes."""

    async def main() -> None:
        served = asyncio.create_task(frame_socket.serve(socket))
        await asyncio.sleep(0)  # the endpoint attaches
        loop = asyncio.get_running_loop()

        def send_all() -> None:
            for text in sends:
                channel.send(text)
            channel.close()

        await loop.run_in_executor(None, send_all)
        await asyncio.wait_for(served, 5)

    run_async(main())


def refused(token: str) -> FakeSocket:
    """The endpoint's answer to ``token`` (within 2 s: a channel accepted would wait on)."""
    socket = FakeSocket(token)
    run_async(asyncio.wait_for(frame_socket.serve(socket), 2))
    return socket


def test_messages_sent_before_the_tab_connects_wait_and_only_the_newest(with_route) -> None:
    channel = open_channel()
    for k in range(5):
        channel.send(f"early {k}")
    assert not channel.connected
    socket = FakeSocket(channel.token)
    serve_until_closed(socket, channel, "late 0", "late 1")
    assert channel.connected
    early = [f"early {k}" for k in range(5)][-PENDING_KEPT:]
    assert socket.accepted
    assert socket.sent == [*early, "late 0", "late 1"]
    assert socket.closed == 1000  # closed by the server once the loop ended


def test_a_closed_channels_token_is_refused(with_route) -> None:
    channel = open_channel()
    channel.close()
    socket = refused(channel.token)
    assert not socket.accepted and socket.closed == REFUSED and socket.sent == []


def test_an_unknown_token_is_refused(with_route) -> None:
    open_channel()
    socket = refused("not-a-token")
    assert not socket.accepted and socket.closed == REFUSED


def test_tokens_are_unguessable_and_distinct(with_route) -> None:
    tokens = {open_channel().token for _ in range(50)}
    assert len(tokens) == 50 and all(len(t) >= 24 for t in tokens)


def test_a_channel_no_run_holds_any_more_is_forgotten(with_route) -> None:
    token = open_channel().token  # the run that opened it is gone (never played)
    gc.collect()
    assert refused(token).closed == REFUSED


def test_after_the_tab_goes_away_the_channel_keeps_only_the_newest(with_route) -> None:
    channel = open_channel()
    first = FakeSocket(channel.token, gone_after=1)

    async def main() -> None:
        served = asyncio.create_task(frame_socket.serve(first))
        await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, lambda: [channel.send(f"m{k}") for k in range(2)])
        await asyncio.wait_for(served, 5)  # the second send failed: the endpoint returned
        for k in range(2, 6):
            channel.send(f"m{k}")

    run_async(main())
    assert first.sent == ["m0"]
    second = FakeSocket(channel.token)  # the tab reconnects
    serve_until_closed(second, channel)
    assert second.sent == [f"m{k}" for k in range(6)][-PENDING_KEPT:]


def test_a_second_socket_on_a_channel_ends_the_first(with_route) -> None:
    channel = open_channel()
    first, second = FakeSocket(channel.token), FakeSocket(channel.token)

    async def main() -> None:
        one = asyncio.create_task(frame_socket.serve(first))
        await asyncio.sleep(0)
        channel.send("a")
        await asyncio.sleep(0.01)
        two = asyncio.create_task(frame_socket.serve(second))
        await asyncio.wait_for(one, 2)  # the first ends as the second attaches
        channel.send("b")
        channel.close()
        await asyncio.wait_for(two, 2)

    run_async(main())
    assert first.sent == ["a"] and first.closed == 1000
    assert second.sent == ["b"] and second.closed == 1000


def test_a_reader_behind_gets_only_the_newest_messages(with_route) -> None:
    """The event loop busy (thirty players on one process) while the loop sends on: the
    frames it could not send in time are dropped, not sent late."""
    channel = open_channel()
    socket = FakeSocket(channel.token)

    async def main() -> None:
        served = asyncio.create_task(frame_socket.serve(socket))
        await asyncio.sleep(0)
        channel.send("m0")
        await asyncio.sleep(0.01)  # sent at once
        for k in range(1, 8):  # the loop sends seven while this event loop is busy
            channel.send(f"m{k}")
        channel.close()
        await asyncio.wait_for(served, 2)

    run_async(main())
    assert socket.sent == ["m0", *[f"m{k}" for k in range(1, 8)][-PENDING_KEPT:]]


def test_without_one_server_app_no_channel_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two Starlette apps in the process (or none, as under AppTest): not knowing which one
    serves, no route is added and the page sends its frames as elements."""
    apps = [Starlette(), Starlette()]  # alive while the process is searched
    monkeypatch.setattr(frame_socket, "_installed", None)
    assert frame_socket._the_app() is None
    assert open_channel() is None
    assert all(len(app.router.routes) == 0 for app in apps)


def test_the_route_goes_first_under_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Added before Streamlit's own routes (its catch-all page route would answer first),
    under ``server.baseUrlPath``."""
    from streamlit import config

    app = Starlette(routes=[WebSocketRoute("/_stcore/stream", frame_socket.serve)])
    monkeypatch.setattr(config, "get_option", {"server.baseUrlPath": "class/"}.get)
    frame_socket._add_route(app)
    route = app.router.routes[0]
    assert isinstance(route, WebSocketRoute)
    assert route.path == "/class/_xent/frames" and route.endpoint is frame_socket.serve
    assert len(app.router.routes) == 2


def test_a_playing_message_is_json_with_its_frames_and_the_diagram() -> None:
    blocks = ["<div data-testid='tr-live'>1</div>", "<div>é</div>"]
    assert json.loads(frames_message(blocks)) == {"frames": blocks}
    scene = {"uid": "net-1", "nodes": ["</script>"]}
    assert json.loads(frames_message(blocks, scene)) == {"frames": blocks, "net": ["net-1", scene]}
