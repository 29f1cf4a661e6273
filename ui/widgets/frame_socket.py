"""A playing run's frames, straight to its tab: a websocket of our own beside Streamlit's.

While the Live training page plays, its loop sends 30 messages a second. Sent as Streamlit
elements (``st.html``), each one made the tab's Streamlit re-render the page with React and
decode the message: with the tab's CPU slowed 4 times, as on a classroom tablet, that took
~55 % of its main thread (CDP trace, 2026-12-07: React 362 ms a second, its message handling
185 ms), and React, behind, rendered only 14 of the 30 messages: the frames in the other 16
never reached the player. Sent here, a message is one websocket text the frame player
(``live_player.js``) parses and plays, and nothing else on the page runs.

The route is ``<baseUrlPath>/_xent/frames?run=<token>``, added once per process to the
Starlette app ``streamlit run`` serves (:func:`install`); the token is a :class:`Channel`'s,
made per playing script run (:func:`open_channel`) and unguessable: a tab reads only its
own run's frames. Where the route cannot be added (no server: AppTest; another Streamlit
server), :func:`open_channel` returns None and the page sends its frames as elements, as before.

A tab whose socket never connects (a proxy passing no websocket but Streamlit's) gets its
frames as elements again after a second (``ui.widgets.training_live.SOCKET_WAIT_MESSAGES``).

A channel carries text from the Play loop's thread to the socket's event loop
(``call_soon_threadsafe``); the messages sent before the tab connects wait, the last
:data:`EARLY_KEPT` of them. :meth:`Channel.close` (the loop ends) closes the socket.
"""

from __future__ import annotations

import asyncio
import gc
import secrets
import threading
import weakref
from collections.abc import Callable

from streamlit import config
from streamlit.url_util import make_url_path

PATH = "/_xent/frames"
EARLY_KEPT = 2  # messages kept for a tab not yet connected: the newest
REFUSED = 1008  # websocket close code "policy violation": no channel has this token

# The open channels by token; a channel whose run is gone (never played, say: interrupted
# before its loop began) leaves with its last reference.
_channels: weakref.WeakValueDictionary[str, Channel] = weakref.WeakValueDictionary()
_channels_lock = threading.Lock()
_installed: bool | None = None  # None: not tried yet in this process
_install_lock = threading.Lock()


class Channel:
    """One playing run's messages, from the loop's thread to its tab's socket."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._lock = threading.Lock()
        self._early: list[str] = []  # sent while no socket reads: the newest EARLY_KEPT
        self._closed = False
        self._deliver: Callable[[str | None], object] | None = None  # to the reading socket
        self._reader: asyncio.Queue[str | None] | None = None
        self.connected = False  # a tab's socket has read from it

    def send(self, text: str) -> None:
        """Queue ``text`` for the tab (from any thread)."""
        self._put(text)

    def close(self) -> None:
        """No more messages: the socket closes after the last one, the token stops working."""
        with _channels_lock:
            _channels.pop(self.token, None)
        self._put(None)

    def _put(self, item: str | None) -> None:
        with self._lock:
            if item is None:
                self._closed = True
            if self._deliver is not None:
                self._deliver(item)
            elif item is not None:
                self._early = [*self._early, item][-EARLY_KEPT:]

    def attach(self, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str | None]:
        """The queue a socket on ``loop`` reads: the early messages, then each one sent, then
        None once closed. A socket attaching after another ends the other's queue."""
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        with self._lock:
            if self._deliver is not None:
                self._deliver(None)
            for text in self._early:
                queue.put_nowait(text)
            self._early = []
            if self._closed:
                queue.put_nowait(None)
            self._deliver = lambda item: loop.call_soon_threadsafe(queue.put_nowait, item)
            self._reader = queue
            self.connected = True
        return queue

    def detach(self, queue: asyncio.Queue[str | None]) -> None:
        """The socket reading ``queue`` is gone: keep the next messages for another."""
        with self._lock:
            if self._reader is queue:
                self._deliver = self._reader = None


def open_channel() -> Channel | None:
    """A new channel for a playing run, or None where the route could not be added."""
    if not install():
        return None
    channel = Channel(secrets.token_urlsafe(18))
    with _channels_lock:
        _channels[channel.token] = channel
    return channel


def url_path(channel: Channel) -> str:
    """The path (and query) a tab opens to read ``channel``."""
    base = config.get_option("server.baseUrlPath") or ""
    return f"{make_url_path(base, PATH)}?run={channel.token}"


async def serve(websocket) -> None:
    """The route's endpoint: the channel named by ``?run=``, its messages until it closes."""
    with _channels_lock:
        channel = _channels.get(websocket.query_params.get("run", ""))
    if channel is None:
        await websocket.close(code=REFUSED)
        return
    await websocket.accept()
    queue = channel.attach(asyncio.get_running_loop())
    try:
        while (text := await queue.get()) is not None:
            await websocket.send_text(text)
        await websocket.close()
    except Exception:  # the tab went away (closed, reloaded, navigated): nothing to send to
        pass
    finally:
        channel.detach(queue)


def install() -> bool:
    """Add the route to this process's Starlette app, once; False where there is none.

    ``streamlit run`` builds its Starlette app inside its server and keeps no public handle
    on it, so it is found among the live objects (once per process). Starlette reads
    ``app.router.routes`` at each request, so a route added while serving is served.
    """
    global _installed
    with _install_lock:
        if _installed is None:
            app = _the_app()
            if app is not None:
                _add_route(app)
            _installed = app is not None
        return _installed


def _the_app():
    """The one Starlette app in this process (Streamlit's), or None: none (AppTest), or
    several (not knowing which one serves, use none)."""
    try:
        from starlette.applications import Starlette
    except ImportError:
        return None
    apps = [o for o in gc.get_referrers(Starlette) if isinstance(o, Starlette)]
    return apps[0] if len(apps) == 1 else None


def _add_route(app) -> None:
    """Put the route first in ``app`` (before Streamlit's catch-all page route)."""
    from starlette.routing import WebSocketRoute

    base = config.get_option("server.baseUrlPath") or ""
    app.router.routes.insert(0, WebSocketRoute(make_url_path(base, PATH), serve))
