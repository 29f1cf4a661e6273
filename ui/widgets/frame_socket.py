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

A channel carries text from the Play loop's thread to the socket on the server's event loop.
It keeps only the newest :data:`PENDING_KEPT` messages not yet sent: before the tab connects,
and when the event loop falls behind (thirty players on one process), older frames are
dropped, not sent late (as Streamlit replaces an element's message still waiting with the
newer one). :meth:`Channel.close` (the loop ends) closes the socket.
"""

from __future__ import annotations

import asyncio
import gc
import secrets
import threading
import weakref
from collections import deque
from collections.abc import Callable

from streamlit import config
from streamlit.url_util import make_url_path

PATH = "/_xent/frames"
PENDING_KEPT = 2  # messages waiting to be sent: the newest (the player keeps two messages)
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
        self.connected = False  # a tab's socket has read from it
        self._lock = threading.Lock()
        self._pending: deque[str] = deque(maxlen=PENDING_KEPT)  # not yet sent: the newest
        self._closed = False
        self._reader: asyncio.Event | None = None  # the reading socket's wake-up
        self._wake: Callable[[], object] | None = None  # sets it, from any thread
        self._woken = False  # a wake-up is on its way: the reader has not taken since

    def send(self, text: str) -> None:
        """Queue ``text`` for the tab (from any thread)."""
        self._put(text)

    def close(self) -> None:
        """No more messages: the socket closes after the last one, the token stops working."""
        with _channels_lock:
            _channels.pop(self.token, None)
        self._put(None)

    def _put(self, text: str | None) -> None:
        with self._lock:
            if text is None:
                self._closed = True
            else:
                self._pending.append(text)  # the oldest goes beyond PENDING_KEPT
            wake = self._wake if not self._woken else None
            self._woken = self._woken or wake is not None
        if wake is not None:
            wake()

    def attach(self, loop: asyncio.AbstractEventLoop) -> asyncio.Event:
        """The event a socket on ``loop`` waits on before each :meth:`take`; a socket
        attaching after another ends the other's reading."""
        event = asyncio.Event()
        with self._lock:
            if self._wake is not None:
                self._wake()  # the other reader wakes to find it reads no more
            self._reader, self.connected = event, True
            self._wake = lambda: loop.call_soon_threadsafe(event.set)
            self._woken = bool(self._pending) or self._closed
        if self._woken:
            event.set()
        return event

    def take(self, reader: asyncio.Event) -> tuple[list[str], bool]:
        """For the socket woken by ``reader``: the messages waiting, and whether it is done
        (the channel closed, or another socket reads it now)."""
        with self._lock:
            if self._reader is not reader:
                return [], True
            texts = list(self._pending)
            self._pending.clear()
            self._woken = False
            return texts, self._closed

    def detach(self, reader: asyncio.Event) -> None:
        """The socket woken by ``reader`` is gone: keep the next messages for another."""
        with self._lock:
            if self._reader is reader:
                self._reader = self._wake = None
                self._woken = False


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
    reader = channel.attach(asyncio.get_running_loop())
    try:
        done = False
        while not done:
            await reader.wait()
            reader.clear()
            texts, done = channel.take(reader)
            for text in texts:
                await websocket.send_text(text)
        await websocket.close()
    except Exception:  # the tab went away (closed, reloaded, navigated): nothing to send to
        pass
    finally:
        channel.detach(reader)


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
