"""A classroom at once: 30 sessions on one server, measured (issue 6, "Load").

    python3 bench/load.py                   # its own `streamlit run` on a free loopback port
    python3 bench/load.py --through-proxy   # 2 app processes behind nginx (deploy/cluster.py)
    python3 bench/load.py --url http://127.0.0.1:8501   # a server that is already running
    python3 bench/load.py --quick           # a 20 s smoke run: 6 light sessions, 1 browser
    python3 bench/load.py --whole-class --through-proxy   # 30 players at once (see README)

Thirty chromium tabs on 2 cores would measure chromium, so most sessions are light clients
(serving/stclient.py) speaking Streamlit's own websocket protocol; a few real headless
chromium sessions run beside them and time what a student sees.

1. Solo: one chromium session alone on the idle server edits the binary page's table (and
   moves its p slider): key press -> the new loss drawn (next animation frame), in-page clock.
2. Load: all sessions open their page at the same moment, then act with a think time until
   ``--duration`` ends: 7 binary (slider p, table cells), 7 categorical (true class, a pasted
   row, label smoothing), 6 softmax (logits, τ, target), 10 training (7 step / change batch,
   noise, learning rate; 3 press Play, change the learning rate while playing, then Pause),
   and ``--browsers`` chromium sessions editing the binary table.
   Each interaction is timed from the input sent to ``script_finished`` (for a playing
   session: to the first frame of the new run) and checked: no exception element, and the
   numbers shown equal an independent computation (plain ``math`` here, not xent_core).
3. Report: p50/p95/max per interaction kind and overall, errors, the server's peak RSS
   (its process tree, from /proc: VmRSS sampled every 0.2 s, and VmHWM), its CPU, the load
   average; ``--json`` writes it all. Exit code 1 when there was any error.

The server runs as hosted (``--server.fileWatcherType none``: an edit to the app's files
must not reload modules under a running class), after a warm-up that opens every page once;
this process and its browsers run niced (``--client-nice``), the server at normal priority.
``--app-dir`` runs the server from another copy of the app (to measure a proposed change).

Targets (2 shared cores): interactions p95 < 1 s under load, 0 errors, peak RSS < 2 GiB;
one browser alone: edit -> new loss on screen p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.cluster import cluster, warm_up  # noqa: E402
from serving.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from serving.server import start_server  # noqa: E402
from serving.stclient import ProtocolError, RunResult, StreamlitSession  # noqa: E402
from ui.figures.softmax import TAU_OPTIONS, format_tau  # noqa: E402
from ui.model.categorical_table import ARTICLE_CELLS  # noqa: E402
from xent_core import (  # noqa: E402  (the seed data, not its losses)
    ARTICLE_BINARY_P,
    ARTICLE_BINARY_T,
    ARTICLE_CATEGORICAL_CLASSES,
    ARTICLE_CATEGORICAL_TARGETS,
)

TABLE_PAGES = ("binary", "categorical", "softmax")  # the pages of the table/slider sessions
LEARNING_RATES = ("0.001", "0.003", "0.01", "0.03", "0.1", "0.3")  # pages/training.py options
TARGET_P95_S = 1.0
TARGET_SOLO_P95_S = 0.300
TARGET_RSS_BYTES = 2 * 1024**3
REL_TOL = 1e-12


# ------------------------------------------------------------------------------ recording


@dataclass
class Recorder:
    """Latencies by interaction kind, and every error with who had it."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    alerts: int = 0  # st.error boxes seen after an input (wrong-input messages)
    bytes: int = 0
    start: float = field(default_factory=time.monotonic)
    timeline: list[tuple[float, str, float]] = field(default_factory=list)  # (done at, kind, s)

    def add(self, kind: str, seconds: float) -> None:
        self.samples.setdefault(kind, []).append(seconds)
        self.timeline.append((time.monotonic() - self.start, kind, seconds))

    def error(self, who: str, what: str) -> None:
        self.errors.append(f"{who}: {what}")

    def run(self, who: str, kind: str, result: RunResult, problem: str | None = None) -> None:
        """Record one light-client interaction and what was wrong with it, if anything."""
        self.bytes += result.bytes
        if result.status != "ok":
            self.error(who, f"{kind}: run {result.status} after {result.seconds:.1f} s")
            return
        self.add(kind, result.seconds)
        for text in result.exceptions:
            self.error(who, f"{kind}: exception element: {text[:300]}")
        if result.error_alerts:
            self.alerts += 1
            self.error(who, f"{kind}: unexpected st.error: {result.error_alerts[0][:200]}")
        if problem:
            self.error(who, f"{kind}: {problem}")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(1000 * statistics.median(values), 1),
        "p95_ms": round(1000 * percentile(values, 95), 1),
        "max_ms": round(1000 * max(values), 1),
    }


# ------------------------------------------------------------------------------ the server


def tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def status_kib(pid: int, field_name: str) -> int:
    """A ``kB`` field of /proc/<pid>/status (VmRSS, VmHWM), 0 if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat, idle and iowait excluded)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


class Meter:
    """Samples, every 0.2 s in a thread: the RSS of the server process trees, and the CPU
    time of the servers, of this load generator and of its browsers (chromium, driver)."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = roots
        self.peak_kib = 0
        self.peak_by_root: dict[int, int] = {r: 0 for r in roots}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._cpu_first: dict[int, float] = {}
        self._cpu_last: dict[int, float] = {}
        self._server_pids: set[int] = set()
        self._browser_pids: set[int] = set()
        self.cpu: dict[str, float] = {}

    def _sample_cpu(self, pids: list[int], first_sight_zero: bool) -> None:
        for pid in pids:
            seconds = cpu_seconds(pid)
            if pid not in self._cpu_first:
                self._cpu_first[pid] = 0.0 if first_sight_zero else seconds
            if seconds:
                self._cpu_last[pid] = seconds

    def _loop(self) -> None:
        first = True
        me = os.getpid()
        while not self._stop.is_set():
            total = 0
            for root in self.roots:
                pids = tree_pids(root)
                self._server_pids.update(pids)
                self._sample_cpu(pids, first_sight_zero=not first)
                kib = sum(status_kib(pid, "VmRSS") for pid in pids)
                self.peak_by_root[root] = max(self.peak_by_root[root], kib)
                total += kib
            browsers = [p for p in tree_pids(me) if p != me and p not in self._server_pids]
            self._browser_pids.update(browsers)
            self._sample_cpu(browsers, first_sight_zero=not first)
            self.peak_kib = max(self.peak_kib, total)
            first = False
            self._stop.wait(0.2)

    def _used(self, pids: set[int]) -> float:
        return sum(self._cpu_last.get(p, 0.0) - self._cpu_first.get(p, 0.0) for p in pids)

    def __enter__(self) -> Meter:
        self._machine = machine_busy_seconds()
        self._me = sum(os.times()[:2])
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        server, browsers = self._used(self._server_pids), self._used(self._browser_pids)
        me = sum(os.times()[:2]) - self._me
        machine = machine_busy_seconds() - self._machine
        self.cpu = {
            "server": server,
            "load generator": me,
            "browsers": browsers,
            "everything else on the machine": max(0.0, machine - server - me - browsers),
            "machine": machine,
        }

    def hwm_kib(self) -> dict[int, int]:
        """Each server's own high-water mark (VmHWM), read while it still runs."""
        return {r: status_kib(r, "VmHWM") for r in self.roots}


@contextlib.contextmanager
def own_server(
    extra: list[str] | None = None, app_dir: Path = ROOT
) -> Iterator[tuple[str, list[int]]]:
    """``streamlit run app.py`` (in ``app_dir``) on a free loopback port, as a teacher would,
    hosted (no file watcher: no reloads mid-class), with ``extra`` flags; yields (url, [pid])."""
    with start_server(app_dir=app_dir, hosted=True, flags=extra or ()) as server:
        yield server.url, [server.pid]


# ------------------------------------------------------------------------------ expectations


def bce_sum(rows: list[tuple[float, float]]) -> float:
    """Σ −[t log p + (1 − t) log(1 − p)], written out independently of xent_core."""
    total = 0.0
    for t, p in rows:
        total -= (t * math.log(p) if t else 0.0) + ((1 - t) * math.log(1 - p) if t != 1 else 0.0)
    return total


def cce_sum(rows: list[tuple[int, list[float]]], smoothing: float) -> float:
    """Σ −Σ_j t'_j log p_j with t' = (1 − ε)·one-hot + ε/C, written out independently."""
    total = 0.0
    for label, p in rows:
        c = len(p)
        for j, pj in enumerate(p):
            tj = (1 - smoothing) * (j == label) + smoothing / c
            if tj:
                total -= tj * math.log(pj)
    return total


def close(shown: str | None, expected: float) -> str | None:
    """None when the text ``shown`` is the number ``expected`` (to 1e-12), else a problem."""
    if shown is None:
        return f"expected {expected!r}, nothing shown"
    try:
        value = float(shown.replace("−", "-"))
    except ValueError:
        return f"expected {expected!r}, shown {shown!r}"
    if not math.isclose(value, expected, rel_tol=REL_TOL):
        return f"expected {expected!r}, shown {shown!r}"
    return None


# ------------------------------------------------------------------------------ the students


@dataclass
class Plan:
    url: str
    deadline: float  # time.monotonic() when sessions stop acting
    think: tuple[float, float]
    max_actions: int
    rec: Recorder
    backends: dict[str, int] = field(default_factory=dict)  # sessions per proxy backend
    # Preset cookies (an affinity cookie) and the backend they must reach, dealt out in turn.
    cookie_jars: list[tuple[dict[str, str], str]] = field(default_factory=list)
    opened: int = 0


async def think(plan: Plan, rng: random.Random) -> bool:
    """Wait a student's think time; False when the session should stop."""
    await asyncio.sleep(rng.uniform(*plan.think))
    return time.monotonic() < plan.deadline


async def opened(plan: Plan, who: str, page: str) -> StreamlitSession:
    session = StreamlitSession(plan.url, page=page)
    expected = None
    if plan.cookie_jars:
        cookies, expected = plan.cookie_jars[plan.opened % len(plan.cookie_jars)]
        session.cookies.update(cookies)
    plan.opened += 1
    await session.connect()
    if session.backend:
        plan.backends[session.backend] = plan.backends.get(session.backend, 0) + 1
    if expected and session.backend != expected:
        plan.rec.error(who, f"not sticky: a cookie of {expected} reached {session.backend}")
    result = await session.open(timeout=120)
    plan.rec.run(who, "page open (all at once)", result)
    return session


async def binary_student(plan: Plan, who: str, rng: random.Random) -> None:
    """Moves the p slider and types probabilities into the seven-row table."""
    rows = [(float(t), float(p)) for t, p in zip(ARTICLE_BINARY_T, ARTICLE_BINARY_P, strict=True)]
    s = await opened(plan, who, "binary")
    problem = close(s.metric("sum over 7 rows"), bce_sum(rows))
    if problem:
        plan.rec.error(who, f"seed sum: {problem}")
    try:
        for _ in range(plan.max_actions):
            if not await think(plan, rng):
                break
            if rng.random() < 0.5:
                p = round(rng.uniform(0.01, 0.99), 2)
                result = await s.set_slider("p", p)
                shown = s.find_text("loss L(t=1, p=")
                want = f"loss L(t=1, p={p:g})"
                ok = shown is not None and shown.startswith(want)
                plan.rec.run(who, "binary: slider p", result, None if ok else f"no '{want}'")
            else:
                row, p = rng.randrange(7), round(rng.uniform(0.01, 0.99), 2)
                rows[row] = (rows[row][0], p)
                result = await s.edit_cell("bce_table_p", row, "p", f"{p:g}")
                problem = close(s.metric("sum over 7 rows"), bce_sum(rows))
                plan.rec.run(who, "binary: table cell", result, problem)
    finally:
        await s.close()


def random_distribution(rng: random.Random, n: int) -> list[float]:
    """n probabilities with two decimals, each at least 0.01, summing to exactly 1."""
    cuts = sorted(rng.sample(range(1, 100), n - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return [k / 100 for k in parts]


async def categorical_student(plan: Plan, who: str, rng: random.Random) -> None:
    """Changes true classes, pastes whole rows of probabilities, moves label smoothing."""
    classes = list(ARTICLE_CATEGORICAL_CLASSES)
    rows = [
        (classes.index(target), [float(x) for x in cells])
        for target, cells in zip(ARTICLE_CATEGORICAL_TARGETS, ARTICLE_CELLS, strict=True)
    ]
    smoothing = 0.0
    key = "cat_editor_0"
    s = await opened(plan, who, "categorical")
    label = 'Sum over the 4 rows (reduction="sum")'
    if problem := close(s.metric(label), cce_sum(rows, smoothing)):
        plan.rec.error(who, f"seed sum: {problem}")
    try:
        for _ in range(plan.max_actions):
            if not await think(plan, rng):
                break
            choice = rng.random()
            row = rng.randrange(len(rows))
            if choice < 0.4:
                target = rng.randrange(len(classes))
                rows[row] = (target, rows[row][1])
                result = await s.edit_cell(key, row, "target", classes[target])
                kind = "categorical: true class"
            elif choice < 0.8:
                p = random_distribution(rng, len(classes))
                rows[row] = (rows[row][0], p)
                for j, pj in enumerate(p):  # a pasted row: one message, three cells
                    s.stage_cell(key, row, f"c{j}", f"{pj:g}")
                result = await s.edit_cell(key, row, "c0", f"{p[0]:g}")
                kind = "categorical: pasted row"
            else:
                smoothing = round(rng.uniform(0.0, 0.3), 2)
                result = await s.set_slider("smoothing", smoothing)
                kind = "categorical: smoothing"
            plan.rec.run(who, kind, result, close(s.metric(label), cce_sum(rows, smoothing)))
    finally:
        await s.close()


async def softmax_student(plan: Plan, who: str, rng: random.Random) -> None:
    """Moves logits, the temperature and the target class; the chain rule must hold."""
    s = await opened(plan, who, "softmax")
    try:
        for _ in range(plan.max_actions):
            if not await think(plan, rng):
                break
            choice = rng.random()
            if choice < 0.6:
                i = rng.randrange(3)
                result = await s.set_slider(f"z_{i}", round(rng.uniform(-5, 5), 1))
                kind = "softmax: logit"
            elif choice < 0.85:
                tau = format_tau(rng.choice(TAU_OPTIONS))
                result = await s.set_option("tau", tau, multi=True)
                kind = "softmax: temperature"
            else:
                result = await s.set_option("target", f"class {rng.randrange(3)}")
                kind = "softmax: target"
            shown = s.metric("max |Jᵀ(−t/p) − (p − t)/τ|")
            problem = None
            if shown is None or not float(shown.replace("−", "-")) < 1e-12:
                problem = f"chain-rule difference shown {shown!r}, not < 1e-12"
            plan.rec.run(who, kind, result, problem)
    finally:
        await s.close()


LIVE = re.compile(r"data-epoch='(\d+)'")


def live_epoch(s: StreamlitSession) -> int | None:
    """The epoch the live block shows now: the newest of the frames received (while playing,
    a message carries a few frames of the block drawn when the run started)."""
    epochs = [int(e) for text in s.texts() for e in LIVE.findall(text)]
    return max(epochs) if epochs else None


def live_frames(element: object) -> int:
    """How many frames of the live block an element carries (0 if it is not the block)."""
    return element.html.body.count("data-epoch=") if element.WhichOneof("type") == "html" else 0


def is_live_frame(element: object) -> bool:
    return live_frames(element) > 0


async def trainer(plan: Plan, who: str, rng: random.Random) -> None:
    """On the training page without playing: Step, and the batch, noise, learning rate."""
    s = await opened(plan, who, "training")
    epoch, noise = live_epoch(s), 0.1  # the page's default noise
    try:
        for _ in range(plan.max_actions):
            if not await think(plan, rng):
                break
            choice = rng.random()
            problem = None
            if choice < 0.4:
                result = await s.click("tr_step")
                kind = "training: step"
                now = live_epoch(s)
                if epoch is not None and now != epoch + 1:
                    problem = f"step: epoch {epoch} -> {now}"
            elif choice < 0.6:
                result = await s.set_slider("tr_batch", rng.randrange(1, 101))
                kind = "training: batch size"
            elif choice < 0.8:
                result = await s.set_option("tr_lr", rng.choice(LEARNING_RATES), multi=True)
                kind = "training: learning rate"
            else:
                noise = rng.choice([n for n in range(21) if n != round(noise * 20)]) / 20
                result = await s.set_slider("tr_noise", noise)
                kind = "training: noise (restarts)"
                if result.status == "ok" and live_epoch(s) != 0:
                    problem = f"new data did not restart at epoch 0 ({live_epoch(s)})"
            epoch = live_epoch(s)
            plan.rec.run(who, kind, result, problem)
    finally:
        await s.close()


SELF_PAUSED = ("**The loss is exploding**", "Training diverged")  # the page's own pauses
SAFE_LR = "0.03"  # the rate a student picks after the page paused itself (the default)


def self_paused(s: StreamlitSession) -> bool:
    """True while the page stands paused by itself, saying why (a learning rate of 3 or 10 can
    make the loss explode): its message stays until Play is pressed again."""
    return any(alert.startswith(SELF_PAUSED) for alert in s.error_alerts())


async def player(plan: Plan, who: str, rng: random.Random) -> None:
    """Presses Play, changes the learning rate while it trains, presses Pause at the end."""
    s = await opened(plan, who, "training")

    async def next_frame(kind: str) -> bool:
        """Send the staged input; time it to the first live frame drawn by the new run."""
        run_at_send = s._run
        frame = s.watch(lambda el: s._run > run_at_send and is_live_frame(el))
        sent = await s.send_only()
        try:
            plan.rec.add(kind, await asyncio.wait_for(frame, 60) - sent)
            return True
        except (TimeoutError, ProtocolError) as err:
            plan.rec.error(who, f"{kind}: no frame ({err!r})")
            return False

    frames = [0]  # live frames received, counted by a watcher that never resolves

    def count(element: object) -> bool:
        frames[0] += live_frames(element)
        return False

    s._watchers.append((count, asyncio.get_running_loop().create_future()))
    try:
        if not await think(plan, rng):
            return
        s.stage_click("tr_play")
        if not await next_frame("training: play -> first frame"):
            return
        epoch_start = live_epoch(s) or 0
        frames_start, t_start = frames[0], time.perf_counter()
        for _ in range(plan.max_actions):
            if not await think(plan, rng):
                break
            if self_paused(s):  # as a student would: a smaller rate, and Play again
                s.stage_option("tr_lr", SAFE_LR, multi=True)
                s.stage_click("tr_play")
                if not await next_frame("training: play again after the page paused itself"):
                    return
                continue
            s.stage_option("tr_lr", rng.choice(LEARNING_RATES), multi=True)
            if not await next_frame("training: lr while playing -> next frame"):
                return
        plan.rec.add("training: epochs trained per player", float(live_epoch(s) - epoch_start))
        plan.rec.add(
            "training: frames/s received per player",
            (frames[0] - frames_start) / (time.perf_counter() - t_start),
        )
        for text in s.exceptions_seen:
            plan.rec.error(who, f"exception while playing: {text[:300]}")
        if self_paused(s):  # already paused: pressing the button now would press Play
            return
        result = await s.click("tr_play")  # Pause: the loop stops, the run finishes
        # The page may have paused itself in this last frame and said why (its divergence
        # check): the page working, not an error of the run.
        result.error_alerts = [a for a in result.error_alerts if not a.startswith(SELF_PAUSED)]
        plan.rec.run(who, "training: pause", result)
    finally:
        s._watchers.clear()
        await s.close()


# ------------------------------------------------------------------------------ browsers

WATCH_JS = """
([label, keys]) => {
  const w = window.__xent = {t0: null, t1: null, value: null};
  const read = () => {
    for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
      if (m.innerText.includes(label)) return m.innerText;
    }
    return null;
  };
  const before = read();
  const onKey = (e) => { if (w.t0 === null && keys.includes(e.key)) w.t0 = performance.now(); };
  document.addEventListener('keydown', onKey, {capture: true});
  const obs = new MutationObserver(() => {
    const now = read();
    if (w.t0 !== null && w.t1 === null && now !== null && now !== before) {
      obs.disconnect();
      document.removeEventListener('keydown', onKey, {capture: true});
      w.value = now;
      requestAnimationFrame(() => { w.t1 = performance.now(); });  // the frame that shows it
    }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
      && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0;
}"""
HEADER_PX, ROW_PX = 36, 35  # glide-data-grid header and row heights


class BrowserStudent:
    """One chromium tab on the binary page, timing key press -> the new number drawn."""

    def __init__(self, context: object, url: str) -> None:
        self.context = context
        self.url = url
        self.rows = [
            (float(t), float(p)) for t, p in zip(ARTICLE_BINARY_T, ARTICLE_BINARY_P, strict=True)
        ]
        self.page = None

    async def open(self) -> float:
        start = time.perf_counter()
        self.page = await self.context.new_page()
        await self.page.goto(f"{self.url}/binary")
        await self.page.wait_for_selector(".st-key-bce_table_p canvas", timeout=120_000)
        await self.idle()
        return time.perf_counter() - start

    async def idle(self) -> None:
        await self.page.wait_for_function(IDLE_JS, timeout=60_000)

    async def _timed(self, label: str, keys: list[str], act: Callable[[], Awaitable]) -> tuple:
        await self.page.evaluate(WATCH_JS, [label, keys])
        await act()
        await self.page.wait_for_function("() => window.__xent.t1 !== null", timeout=60_000)
        w = await self.page.evaluate("() => window.__xent")
        await self.idle()
        return (w["t1"] - w["t0"]) / 1000, w["value"]

    async def edit_cell(self, rng: random.Random) -> tuple[float, str | None]:
        """Type a new p into a random row: Enter -> the new sum drawn; and is it right?"""
        row, p = rng.randrange(7), round(rng.uniform(0.01, 0.99), 2)
        if p == self.rows[row][1]:
            p = round(min(0.99, p + 0.01), 2) if p < 0.5 else round(p - 0.01, 2)
        self.rows[row] = (self.rows[row][0], p)
        grid = self.page.locator(".st-key-bce_table_p")
        await grid.scroll_into_view_if_needed()
        box = await grid.locator("canvas").first.bounding_box()

        async def act() -> None:
            await self.page.mouse.dblclick(
                box["x"] + box["width"] - 40, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2
            )
            cell = self.page.locator("input.gdg-input, textarea.gdg-input")
            await cell.wait_for(state="visible", timeout=10_000)
            await cell.fill(f"{p:g}")
            await cell.press("Enter")

        seconds, text = await self._timed("sum over 7 rows", ["Enter"], act)
        value = text.strip().splitlines()[-1] if text else None
        return seconds, close(value, bce_sum(self.rows))

    async def move_slider(self) -> tuple[float, str | None]:
        """ArrowRight/Left on the p slider: key -> the new loss label drawn."""
        slider = self.page.locator(".st-key-p").get_by_role("slider")
        now = float(await slider.input_value())
        key = "ArrowLeft" if now >= 0.95 else "ArrowRight"
        want = round(now + (0.01 if key == "ArrowRight" else -0.01), 2)

        async def act() -> None:
            await slider.focus()
            await self.page.keyboard.press(key)

        seconds, text = await self._timed("loss L(", [key], act)
        ok = text is not None and f"p={want:g})" in text
        return seconds, None if ok else f"expected p={want:g} in the loss label, got {text!r}"

    async def exceptions(self) -> int:
        return await self.page.get_by_test_id("stException").count()


@contextlib.asynccontextmanager
async def chromium():
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def new_student(browser: object, url: str) -> tuple[BrowserStudent, float]:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    student = BrowserStudent(context, url)
    return student, await student.open()


async def solo_browser(url: str, rec: Recorder, edits: int, slides: int) -> None:
    """One chromium session alone on the server: the student's own view of "instant"."""
    async with chromium() as browser:
        student, _ = await new_student(browser, url)
        rng = random.Random(7)
        await student.edit_cell(rng)  # the first edit loads the editor's code: not timed
        for _ in range(edits):
            seconds, problem = await student.edit_cell(rng)
            rec.add("solo browser: table cell -> new sum drawn", seconds)
            if problem:
                rec.error("solo browser", f"table cell: {problem}")
        for _ in range(slides):
            seconds, problem = await student.move_slider()
            rec.add("solo browser: slider key -> new loss drawn", seconds)
            if problem:
                rec.error("solo browser", f"slider: {problem}")
        if n := await student.exceptions():
            rec.error("solo browser", f"{n} exception element(s) on the page")
        await student.context.close()


async def browser_students(plan: Plan, n: int) -> None:
    """``n`` chromium tabs editing the binary page while the light sessions load the server."""
    if n <= 0:
        return
    async with chromium() as browser:

        async def one(k: int) -> None:
            who, rng = f"browser {k}", random.Random(1000 + k)
            try:
                student, seconds = await new_student(browser, plan.url)
                plan.rec.add("browser: page open (under load)", seconds)
                while await think(plan, rng):
                    if rng.random() < 0.7:
                        seconds, problem = await student.edit_cell(rng)
                        kind = "browser: table cell -> new sum drawn"
                    else:
                        seconds, problem = await student.move_slider()
                        kind = "browser: slider key -> new loss drawn"
                    plan.rec.add(kind, seconds)
                    if problem:
                        plan.rec.error(who, f"{kind}: {problem}")
                if count := await student.exceptions():
                    plan.rec.error(who, f"{count} exception element(s) on the page")
                await student.context.close()
            except Exception as err:  # a browser failure is an error of the run, not a crash
                plan.rec.error(who, f"{type(err).__name__}: {str(err)[:300]}")

        await asyncio.gather(*(one(k) for k in range(n)))


# ------------------------------------------------------------------------------ the run

Student = Callable[[Plan, str, random.Random], Awaitable[None]]


def cast(table_sessions: int, training_sessions: int, players: int) -> list[tuple[str, Student]]:
    """Who does what: (name, coroutine function) per light session."""
    per_page = [table_sessions - 2 * (table_sessions // 3)] + [table_sessions // 3] * 2
    out: list[tuple[str, Student]] = []
    for name, count, student in zip(
        TABLE_PAGES,
        per_page,
        (binary_student, categorical_student, softmax_student),
        strict=True,
    ):
        out += [(f"{name} {k}", student) for k in range(count)]
    players = min(players, training_sessions)
    out += [(f"player {k}", player) for k in range(players)]
    out += [(f"trainer {k}", trainer) for k in range(training_sessions - players)]
    return out


async def guarded(plan: Plan, who: str, student: Student, rng: random.Random) -> None:
    try:
        await student(plan, who, rng)
    except Exception as err:  # a session that dies is an error of the run
        plan.rec.error(who, f"{type(err).__name__}: {str(err)[:300]}")


async def run_load(
    url: str,
    *,
    table_sessions: int = 20,
    training_sessions: int = 10,
    players: int = 3,
    browsers: int = 0,
    duration: float = 60.0,
    think: tuple[float, float] = (1.0, 4.0),
    max_actions: int = 200,
    seed: int = 0,
    cookie_jars: list[tuple[dict[str, str], str]] | None = None,
) -> tuple[Plan, float]:
    """All sessions at once until ``duration`` ends (or ``max_actions`` each); the plan
    (its recorder holds the results) and the wall time."""
    start = time.monotonic()
    plan = Plan(
        url=url,
        deadline=start + duration,
        think=think,
        max_actions=max_actions,
        rec=Recorder(),
        cookie_jars=list(cookie_jars or []),
    )
    sessions = [
        guarded(plan, who, student, random.Random(f"{seed}-{who}"))
        for who, student in cast(table_sessions, training_sessions, players)
    ]
    await asyncio.wait_for(
        asyncio.gather(*sessions, browser_students(plan, browsers)), timeout=duration + 240
    )
    return plan, time.monotonic() - start


def report(result: dict) -> str:
    lines = [
        f"xent load: {result['sessions']} light sessions + {result['browsers']} browsers, "
        f"{result['duration_s']:.0f} s, think {result['think_s']} s, target {result['target']}",
        f"load average (1 min) at start {result['loadavg_start']:.2f}, "
        f"at end {result['loadavg_end']:.2f} ({os.cpu_count()} cores)",
        "",
        f"{'interaction':46s} {'n':>5s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}",
    ]
    for kind, s in result["interactions"].items():
        if "per player" in kind:
            continue
        lines.append(
            f"{kind:46s} {s['n']:5d} {s['p50_ms']:8.0f} {s['p95_ms']:8.0f} {s['max_ms']:8.0f}"
        )
    for kind, s in result["interactions"].items():
        if "epochs trained per player" in kind:
            lines.append(f"{kind:46s} {s['n']:5d}   median {s['p50_ms'] / 1000:.0f} epochs")
    if f := result.get("frames_per_player"):
        lines.append(
            f"{'training: frames/s received per player':46s} {f['n']:5d}   median "
            f"{f['median']:.1f}, 10th percentile {f['p10']:.1f}, slowest {f['min']:.1f}   "
            f"[target every player >= 8: {'met' if f['min'] >= 8 else 'MISSED'}]"
        )
    lines.append("")
    lines.append("the same interactions by when they finished (the opening burst is at 0 s):")
    for window, s in result["by_time"].items():
        lines.append(
            f"  {window:>10s}  n={s['n']:4d}  p50 {s['p50_ms']:6.0f} ms  p95 {s['p95_ms']:6.0f} ms"
            f"  max {s['max_ms']:6.0f} ms"
        )
    o = result["overall"]
    lines += [
        "",
        f"all interactions under load (not page opens): n={o['n']}  p50 {o['p50_ms']:.0f} ms"
        f"  p95 {o['p95_ms']:.0f} ms  max {o['max_ms']:.0f} ms   [target p95 < 1000 ms: "
        f"{'met' if o['p95_ms'] < 1000 else 'MISSED'}]",
        f"errors: {len(result['errors'])}   [target 0: "
        f"{'met' if not result['errors'] else 'MISSED'}]",
        f"server peak RSS: {result['peak_rss_mib']:.0f} MiB (process tree, sampled; VmHWM "
        f"{result['hwm_mib']}) [target < 2048 MiB: "
        f"{'met' if result['peak_rss_mib'] < 2048 else 'MISSED'}]",
        "CPU during the load, % of one core (the machine has "
        f"{100 * (os.cpu_count() or 1)} %): "
        + ", ".join(f"{k} {v}" for k, v in result["cpu_percent_of_one_core"].items()),
    ]
    if result.get("solo"):
        s = result["solo"]
        lines.append(
            f"one browser alone, table edit -> new sum drawn: n={s['n']} p50 {s['p50_ms']:.0f}"
            f" ms p95 {s['p95_ms']:.0f} ms max {s['max_ms']:.0f} ms   [target p95 < 300 ms: "
            f"{'met' if s['p95_ms'] < 300 else 'MISSED'}]"
        )
    if result.get("backends"):
        lines.append(f"sessions per backend (proxy): {result['backends']}")
    for error in result["errors"][:20]:
        lines.append(f"  error: {error}")
    if len(result["errors"]) > 20:
        lines.append(f"  ... and {len(result['errors']) - 20} more")
    return "\n".join(lines)


@contextlib.contextmanager
def target(args: argparse.Namespace) -> Iterator[tuple[str, list[int], str]]:
    if args.url:
        yield args.url.rstrip("/"), args.pid or [], args.url
    elif args.through_proxy:
        with cluster(backends=args.backends, warm=not args.cold, app_dir=args.app_dir) as c:
            yield c.url, c.pids, f"nginx {c.url} -> {', '.join(c.backend_urls)}"
    else:
        with own_server(args.streamlit_arg, args.app_dir) as (url, pids):
            where = "" if args.app_dir == ROOT else f" in {args.app_dir}"
            yield url, pids, f"streamlit run app.py{where} at {url}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help="an app that is already running (no server started)")
    where.add_argument(
        "--through-proxy", action="store_true", help="start N app processes behind nginx"
    )
    parser.add_argument(
        "--streamlit-arg",
        action="append",
        help="an extra `streamlit run` flag for the server started here, e.g. "
        "--streamlit-arg=--runner.postScriptGC=true (to compare a setting)",
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="run the server from this copy of the app (to measure a proposed change)",
    )
    parser.add_argument("--pid", type=int, action="append", help="with --url: server pid(s)")
    parser.add_argument("--backends", type=int, default=2, help="with --through-proxy")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--table-sessions", type=int, default=20)
    parser.add_argument("--training-sessions", type=int, default=10)
    parser.add_argument("--players", type=int, default=3, help="training sessions playing")
    parser.add_argument("--browsers", type=int, default=2, help="chromium tabs under load")
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=4.0)
    parser.add_argument("--max-actions", type=int, default=200, help="per session")
    parser.add_argument("--solo-edits", type=int, default=20, help="0: no solo browser phase")
    parser.add_argument("--solo-slides", type=int, default=5)
    parser.add_argument(
        "--client-nice",
        type=int,
        default=10,
        help="niceness of the load generator and its browsers (the server keeps its own)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no warm-up: every session's first page may be the process's first",
    )
    parser.add_argument("--quick", action="store_true", help="a 20 s smoke run")
    parser.add_argument(
        "--solo-only", action="store_true", help="only the one-browser-alone phase, no load"
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument(
        "--whole-class",
        action="store_true",
        help="the whole class presses Play: 30 players (--players), no table sessions, "
        "no browsers; frames/s received per player reported",
    )
    args = parser.parse_args(argv)
    if args.whole_class:
        players = args.players if args.players != 3 else 30
        args.table_sessions, args.training_sessions, args.players = 0, players, players
        args.browsers, args.solo_edits = 0, 0
    if args.quick:
        args.duration, args.table_sessions, args.training_sessions = 20.0, 3, 3
        args.players, args.browsers, args.solo_edits, args.solo_slides = 1, 1, 5, 2
    browsers_needed = args.browsers > 0 or args.solo_edits > 0
    if browsers_needed and not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: use --browsers 0 --solo-edits 0", file=sys.stderr)
        return 2

    solo = Recorder()
    n_light = len(cast(args.table_sessions, args.training_sessions, args.players))
    with target(args) as (url, pids, what):
        print(f"xent load: {what}", flush=True)
        # The students' side (this process, its browsers) yields the cores to the server it
        # started: in a classroom they run on other machines.
        os.nice(args.client_nice)
        if not (args.cold or args.through_proxy):  # the cluster warms its processes itself
            warm_up(url)
        if args.solo_edits:
            print("one browser alone ...", flush=True)
            asyncio.run(solo_browser(url, solo, args.solo_edits, args.solo_slides))
        if args.solo_only:
            for kind, values in solo.samples.items():
                s = summary(values)
                print(f"{kind}: n={s['n']} p50 {s['p50_ms']:.0f} ms p95 {s['p95_ms']:.0f} ms"
                      f" max {s['max_ms']:.0f} ms")  # fmt: skip
            for error in solo.errors:
                print(f"  error: {error}")
            return 1 if solo.errors else 0
        print(f"load: {n_light} light sessions + {args.browsers} browsers ...", flush=True)
        loadavg_start = os.getloadavg()[0]
        with Meter(pids) as meter:
            plan, wall = asyncio.run(
                run_load(
                    url,
                    table_sessions=args.table_sessions,
                    training_sessions=args.training_sessions,
                    players=args.players,
                    browsers=args.browsers,
                    duration=args.duration,
                    think=(args.think_min, args.think_max),
                    max_actions=args.max_actions,
                    seed=args.seed,
                )
            )
            hwm = meter.hwm_kib()
        loadavg_end = os.getloadavg()[0]
    rec, backends = plan.rec, plan.backends
    timed = {k: v for k, v in rec.samples.items() if "per player" not in k}
    under_load = [
        x for k, v in timed.items() if "page open" not in k for x in v
    ]  # every interaction, light and browser
    interactions = {k: summary(v) for k, v in sorted(timed.items())}
    for k, v in rec.samples.items():
        if "epochs trained per player" in k:
            interactions[k] = {"n": len(v), "p50_ms": 1000 * statistics.median(v)}
    rates = rec.samples.get("training: frames/s received per player")
    frames_per_player = (
        {"n": len(rates), "median": statistics.median(rates), "p10": percentile(rates, 10),
         "min": min(rates)} if rates else None
    )  # fmt: skip
    by_window: dict[int, list[float]] = {}  # the interactions finished in each 10 s
    for at, kind, seconds in rec.timeline:
        if "page open" not in kind and "per player" not in kind:
            by_window.setdefault(10 * int(at // 10), []).append(seconds)
    windows = {f"{w}-{w + 10} s": summary(v) for w, v in sorted(by_window.items())}
    solo_cells = solo.samples.get("solo browser: table cell -> new sum drawn")
    result = {
        "target": what,
        "sessions": n_light,
        "browsers": args.browsers,
        "duration_s": wall,
        "think_s": [args.think_min, args.think_max],
        "loadavg_start": loadavg_start,
        "loadavg_end": loadavg_end,
        "interactions": interactions,
        "overall": summary(under_load) if under_load else {"n": 0},
        "by_time": windows,
        "timeline_start_epoch_s": round(time.time() - (time.monotonic() - rec.start), 3),
        "timeline": [(round(at, 3), kind, round(seconds, 4)) for at, kind, seconds in rec.timeline],
        "solo": summary(solo_cells) if solo_cells else None,
        "solo_all": {k: summary(v) for k, v in solo.samples.items()},
        "errors": solo.errors + rec.errors,
        "peak_rss_mib": meter.peak_kib / 1024,
        "hwm_mib": {pid: round(kib / 1024) for pid, kib in hwm.items()},
        "cpu_percent_of_one_core": {k: round(100 * v / wall) for k, v in meter.cpu.items()},
        "backends": backends,
        "frames_per_player": frames_per_player,
    }
    text = report(result)
    for kind, s in result["solo_all"].items():
        if "slider" in kind:
            text += (
                f"\none browser alone, {kind.split(': ', 1)[1]}: n={s['n']} p50 "
                f"{s['p50_ms']:.0f} ms p95 {s['p95_ms']:.0f} ms max {s['max_ms']:.0f} ms"
            )
    print(text)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
