"""A light Streamlit client: one browser tab's websocket conversation, without the browser.

Speaks Streamlit 1.67's own protocol on ``/_stcore/stream`` with the protobuf messages that
ship inside the ``streamlit`` package, the way its frontend does:

- connect with the sub-protocols ``["streamlit", <xsrf token or placeholder>]``;
- open a page: a ``BackMsg.rerun_script`` (a ``ClientState``) with the page's URL path as
  ``page_name``, an empty ``page_script_hash`` and the query string;
- a widget change: another ``rerun_script`` carrying the widget states the tab holds, each
  under the widget's element id (``$$ID-<hash>-<key>``, read from the received deltas), now
  with the page's ``page_script_hash`` (from ``ForwardMsg.new_session``);
- read ``ForwardMsg``s: ``new_session`` (a run starts), ``delta`` (elements, kept as the
  page's element tree by delta path), ``script_finished`` (the run is over).

Used by ``bench/load.py`` (the classroom load), ``deploy/cluster.py`` (the warm-up) and
``tests/scaleout``. Example::

    async with StreamlitSession("http://127.0.0.1:8501", page="binary") as s:
        opened = await s.open()
        moved = await s.set_slider("p", 0.3)  # -> RunResult(seconds=..., exceptions=[])
        s.find_text("loss L(t=1, p=0.3)")
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

# The Live training page's call opening a playing run's own websocket (ui/widgets/frame_socket.py)
LISTEN = re.compile(r'window\.xentLive\.listen\("[^"]*",("[^"]+")\)')
PLACEHOLDER_TOKEN = "PLACEHOLDER_AUTH_TOKEN"  # what the frontend sends without an xsrf cookie
ID_PREFIX = "$$ID-"  # element ids: $$ID-<hash>-<user key>
FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
    ForwardMsg.FINISHED_EARLY_FOR_RERUN: "early for rerun",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment ok",
}


def run_async(coroutine) -> Any:
    """``asyncio.run(coroutine)`` on a thread of its own, so it also works where an event loop
    is already running in this thread (Playwright's sync API leaves one behind in pytest)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class ProtocolError(RuntimeError):
    """The server did something a browser tab would not accept (or went away)."""


@dataclass
class RunResult:
    """One interaction: the input sent -> the script run it caused has finished."""

    seconds: float
    status: str  # "ok", "compile error", or "timeout"
    exceptions: list[str] = field(default_factory=list)  # st.exception / traceback elements
    error_alerts: list[str] = field(default_factory=list)  # st.error boxes shown by the page
    messages: int = 0  # ForwardMsgs received for this run
    bytes: int = 0  # their size on the wire

    @property
    def ok(self) -> bool:
        return self.status == "ok" and not self.exceptions


def element_id(element: Element) -> str:
    """The widget/element id an element carries ("" when it has none)."""
    kind = element.WhichOneof("type")
    if kind is None:
        return ""
    return getattr(getattr(element, kind), "id", "") or ""


def key_of(element_id_: str) -> str | None:
    """The user key inside an element id (``$$ID-<hash>-<key>``), or None."""
    if not element_id_.startswith(ID_PREFIX):
        return None
    parts = element_id_.split("-", 2)
    if len(parts) < 3 or parts[2] == "None":
        return None
    return parts[2]


def element_text(element: Element) -> str:
    """The human-readable text of an element (markdown, metric, alert, html, heading, ...)."""
    kind = element.WhichOneof("type")
    if kind is None:
        return ""
    sub = getattr(element, kind)
    if kind == "metric":
        return f"{sub.label}\n{sub.body}"
    if kind == "exception":
        return f"{sub.type}: {sub.message}"
    for name in ("body", "label", "text"):
        value = getattr(sub, name, None)
        if isinstance(value, str) and value:
            return value
    return ""


def _health_cookies(base_url: str, cookies: dict[str, str], timeout: float) -> None:
    """GET /_stcore/health as the frontend does first, keeping the cookies it sets.

    Streamlit sets its xsrf cookie there; a proxy may set an affinity cookie (deploy/).
    """
    request = urllib.request.Request(f"{base_url}/_stcore/health")
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if response.read().strip() != b"ok":
            raise ProtocolError(f"{base_url}/_stcore/health did not answer ok")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]


class StreamlitSession:
    """One tab: a websocket to a Streamlit server, its element tree and its widget states.

    Interactions are sequential (as a student's are): each ``set_*``/``click`` sends the
    input and waits for the script run it caused to finish, returning a :class:`RunResult`.
    """

    def __init__(self, base_url: str, *, page: str = "", query: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.page = page.strip("/")
        self.query = query.lstrip("?")
        self.page_script_hash = ""
        self.ids: dict[str, str] = {}  # user key -> element id
        self.elements: dict[tuple[int, ...], tuple[int, Element]] = {}  # path -> (run, element)
        self.widget_states: dict[str, WidgetState] = {}  # element id -> the value the tab holds
        self.editors: dict[str, dict[str, Any]] = {}  # data_editor key -> its edit state
        self.exceptions_seen: list[str] = []
        self.cache: dict[str, ForwardMsg] = {}  # cacheable messages by hash, as the frontend keeps
        self.messages = 0
        self.bytes = 0
        self._ws: Any = None
        self._reader: asyncio.Task | None = None
        self._run = 0  # runs started (new_session messages) on this connection
        self._finished: asyncio.Queue[tuple[float, int, str]] = asyncio.Queue()
        self._watchers: list[tuple[Callable[[Element], bool], asyncio.Future]] = []
        self._closed: BaseException | None = None
        self._frames: asyncio.Task | None = None  # reading a playing run's own websocket
        self.cookies: dict[str, str] = {}  # as a browser keeps them for this site
        self.backend = ""  # the proxy's X-Xent-Backend answer, when there is a proxy

    # ------------------------------------------------------------------ connection

    async def __aenter__(self) -> StreamlitSession:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self, timeout: float = 30.0) -> None:
        """Open the websocket as the frontend does (health check first, then the stream)."""
        parts = urllib.parse.urlsplit(self.base_url)
        await asyncio.to_thread(_health_cookies, self.base_url, self.cookies, timeout)
        token = self.cookies.get("_streamlit_xsrf", PLACEHOLDER_TOKEN)
        scheme = "wss" if parts.scheme == "https" else "ws"
        url = f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream"
        self._ws = await self._websocket(url, timeout, subprotocols=["streamlit", token])
        self.backend = self._ws.response.headers.get("X-Xent-Backend", "")
        self._reader = asyncio.create_task(self._read(), name=f"stclient-{self.page}")

    async def _websocket(self, url: str, timeout: float, **options: Any) -> Any:
        """A websocket to ``url`` on this server, with the browser's origin and cookies."""
        parts = urllib.parse.urlsplit(self.base_url)
        return await websockets.connect(
            url,
            max_size=None,
            open_timeout=timeout,
            origin=f"{parts.scheme}://{parts.netloc}",
            compression=None,
            additional_headers=(
                {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
                if self.cookies
                else None
            ),
            **options,
        )

    async def _read_frames(self, target: str, slot: tuple[int, ...], run: int) -> None:
        """A playing run's messages from its own websocket (``target``: path and query), as a
        browser's frame player reads them: each one's frames become the element at ``slot``
        (the run's live block, as the page shows it) and go to the watchers."""
        parts = urllib.parse.urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        try:
            async with await self._websocket(f"{scheme}://{parts.netloc}{target}", 30.0) as ws:
                async for data in ws:
                    element = Element()
                    element.html.body = "".join(json.loads(data)["frames"])
                    self.messages += 1
                    self.bytes += len(data)
                    self.elements[slot] = (run, element)
                    self._notify(element, time.perf_counter())
        except (websockets.ConnectionClosed, OSError):
            pass  # the run ended (Pause), or the session did

    async def close(self) -> None:
        if self._frames is not None:
            self._frames.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self.messages += 1
                self.bytes += len(data)
                self._handle(self._resolve(msg), time.perf_counter())
        except websockets.ConnectionClosed as err:
            self._closed = err
        except BaseException as err:  # a parse error: the run waiting must hear of it
            self._closed = err
            raise
        finally:
            if self._closed is None:
                self._closed = ProtocolError("the websocket closed")
            self._finished.put_nowait((time.perf_counter(), self._run, "closed"))
            for _, future in self._watchers:
                if not future.done():
                    future.set_exception(ProtocolError(f"connection closed: {self._closed}"))

    def _resolve(self, msg: ForwardMsg) -> ForwardMsg:
        """Keep cacheable messages; replace a reference to one (``ref_hash``) by the message.

        The frontend lists the hashes it holds in every rerun request, and the server then
        sends a short reference instead of an unchanged large element (a plotly figure).
        """
        if msg.WhichOneof("type") == "ref_hash":
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                raise ProtocolError(f"reference to a message never received: {msg.ref_hash}")
            full = ForwardMsg()
            full.CopyFrom(cached)
            full.metadata.CopyFrom(msg.metadata)
            return full
        if msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = msg
        return msg

    def _handle(self, msg: ForwardMsg, now: float) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._run += 1
            self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            path = tuple(msg.metadata.delta_path)
            self.elements[path] = (self._run, element)
            wid = element_id(element)
            if (key := key_of(wid)) is not None:
                self.ids[key] = wid
            if element.WhichOneof("type") == "exception":
                self.exceptions_seen.append(element_text(element))
            if element.WhichOneof("type") == "html" and (m := LISTEN.search(element.html.body)):
                if self._frames is not None:
                    self._frames.cancel()
                target = json.loads(m.group(1))
                self._frames = asyncio.create_task(self._read_frames(target, path, self._run))
            self._notify(element, now)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "add_block":
            path = tuple(msg.metadata.delta_path)
            self.elements.pop(path, None)
        elif kind == "script_finished":
            status = FINISHED.get(msg.script_finished, str(msg.script_finished))
            if status == "ok":  # the frontend drops what this run did not redraw
                self.elements = {p: (r, e) for p, (r, e) in self.elements.items() if r >= self._run}
            self._finished.put_nowait((now, self._run, status))

    def _notify(self, element: Element, now: float) -> None:
        """Resolve the watchers whose predicate ``element`` meets."""
        for watch in list(self._watchers):
            predicate, future = watch
            if not future.done() and predicate(element):
                future.set_result(now)
                self._watchers.remove(watch)

    # ------------------------------------------------------------------ runs

    async def _rerun(self, *, first: bool = False, timeout: float = 60.0) -> RunResult:
        """Send a rerun with the tab's widget states; wait for that run to finish."""
        if self._closed is not None:
            raise ProtocolError(f"connection closed: {self._closed}")
        while not self._finished.empty():  # forget finishes from before this input
            self._finished.get_nowait()
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        if first:  # what the frontend sends on connect: the page from the URL path
            state.page_name = self.page
            state.page_script_hash = ""
        else:
            state.page_script_hash = self.page_script_hash
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.base_url}/{self.page}" + (
            f"?{self.query}" if self.query else ""
        )
        state.widget_states.widgets.extend(self.widget_states.values())
        state.cached_message_hashes.extend(self.cache)
        exceptions_before = len(self.exceptions_seen)
        messages_before, bytes_before = self.messages, self.bytes
        run_before = self._run
        start = time.perf_counter()
        await self._ws.send(back.SerializeToString())
        self._drop_triggers()
        deadline = start + timeout
        while True:
            try:
                now, run, status = await asyncio.wait_for(
                    self._finished.get(), max(0.0, deadline - time.perf_counter())
                )
            except TimeoutError:
                now, status = time.perf_counter(), "timeout"
                break
            if status == "closed":
                raise ProtocolError(f"connection closed: {self._closed}")
            if run > run_before and status in ("ok", "compile error"):
                break  # "early for rerun" is a run our input interrupted, or an st.rerun
        return RunResult(
            seconds=now - start,
            status=status,
            exceptions=self.exceptions_seen[exceptions_before:],
            error_alerts=self.error_alerts(),
            messages=self.messages - messages_before,
            bytes=self.bytes - bytes_before,
        )

    async def open(self, timeout: float = 60.0) -> RunResult:
        """Load the page as a browser does on connect (URL path and query string)."""
        return await self._rerun(first=True, timeout=timeout)

    async def send_only(self) -> float:
        """Send a rerun with the current widget states without waiting; the send time.

        For a page whose script keeps running (a live training loop): wait for what it
        draws with :meth:`wait_for_element` instead of a finished run.
        """
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_script_hash
        state.widget_states.widgets.extend(self.widget_states.values())
        state.cached_message_hashes.extend(self.cache)
        start = time.perf_counter()
        await self._ws.send(back.SerializeToString())
        self._drop_triggers()
        return start

    def watch(self, predicate: Callable[[Element], bool]) -> asyncio.Future:
        """A future resolved with the arrival time of the next element matching ``predicate``."""
        future = asyncio.get_running_loop().create_future()
        if self._closed is not None:
            future.set_exception(ProtocolError(f"connection closed: {self._closed}"))
        else:
            self._watchers.append((predicate, future))
        return future

    # ------------------------------------------------------------------ widgets

    def widget_id(self, key: str) -> str:
        try:
            return self.ids[key]
        except KeyError:
            raise ProtocolError(
                f"no widget with key {key!r} on page {self.page!r} (seen: {sorted(self.ids)})"
            ) from None

    def _state(self, key: str) -> WidgetState:
        state = WidgetState(id=self.widget_id(key))
        self.widget_states[state.id] = state
        return state

    def _drop_triggers(self) -> None:
        """Buttons are one-shot: the frontend sends a trigger once, then forgets it."""
        for wid in [w for w, s in self.widget_states.items() if s.WhichOneof("value") in
                    ("trigger_value", "string_trigger_value", "json_trigger_value")]:  # fmt: skip
            del self.widget_states[wid]

    def stage_slider(self, key: str, *values: float) -> None:
        """Set an st.slider (number values) without sending."""
        self._state(key).double_array_value.data.extend(values)

    def stage_option(self, key: str, option: str, *, multi: bool = False) -> None:
        """Set a radio/selectbox (``multi=False``) or select_slider (``multi=True``) by its
        option's text as shown (the ``format_func`` output)."""
        state = self._state(key)
        if multi:
            state.string_array_value.data.append(option)
        else:
            state.string_value = option

    def stage_click(self, key: str) -> None:
        self._state(key).trigger_value = True

    def stage_bool(self, key: str, value: bool) -> None:
        self._state(key).bool_value = value

    def stage_number(self, key: str, value: float) -> None:
        self._state(key).double_value = value

    def stage_cell(self, key: str, row: int, column: str, text: Any) -> None:
        """Edit one data_editor cell: the editor's whole edit state, as the frontend sends it.

        The frontend keeps every edit since the editor appeared and sends them all as JSON:
        ``{"edited_rows": {"<row>": {"<column>": value}}, "added_rows": [], "deleted_rows": []}``
        (column = the DataFrame's column name; a text column's value is a string).
        """
        edits = self.editors.setdefault(
            key, {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
        )
        edits["edited_rows"].setdefault(str(row), {})[column] = text
        self._state(key).string_value = json.dumps(edits, separators=(",", ":"))

    async def set_slider(self, key: str, *values: float) -> RunResult:
        self.stage_slider(key, *values)
        return await self._rerun()

    async def set_option(self, key: str, option: str, *, multi: bool = False) -> RunResult:
        self.stage_option(key, option, multi=multi)
        return await self._rerun()

    async def click(self, key: str) -> RunResult:
        self.stage_click(key)
        return await self._rerun()

    async def edit_cell(self, key: str, row: int, column: str, text: Any) -> RunResult:
        self.stage_cell(key, row, column, text)
        return await self._rerun()

    # ------------------------------------------------------------------ reading the page

    def current(self) -> Iterator[Element]:
        """The page's elements in delta-path order (what a browser would show now)."""
        for _, (_, element) in sorted(self.elements.items()):
            yield element

    def texts(self) -> list[str]:
        return [t for e in self.current() if (t := element_text(e))]

    def find_text(self, needle: str) -> str | None:
        """The first element text containing ``needle``."""
        return next((t for t in self.texts() if needle in t), None)

    def metric(self, label_start: str) -> str | None:
        """The value of the first metric whose label starts with ``label_start``."""
        for element in self.current():
            if element.WhichOneof("type") == "metric" and element.metric.label.startswith(
                label_start
            ):
                return element.metric.body
        return None

    def error_alerts(self) -> list[str]:
        """The st.error boxes on the page now."""
        return [
            e.alert.body
            for e in self.current()
            if e.WhichOneof("type") == "alert" and e.alert.format == e.alert.ERROR
        ]
