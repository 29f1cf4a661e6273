"""Start ``streamlit run app.py`` on a free loopback port, wait until it is healthy, stop it.

The one copy of that loop, for the browser tests, the benchmarks and the cluster::

    with start_server() as server:             # a fresh `streamlit run app.py`
        urllib.request.urlopen(server.url)      # http://127.0.0.1:<free port>

    # several at once (deploy/cluster.py): launch them all, then wait for each
    servers = [launch(port=p, log=folder / f"backend-{p}.log", hosted=True) for p in ports]
    for s in servers:
        s.wait_healthy(others=servers)

The server runs ``sys.executable -m streamlit`` (the interpreter running the caller: a venv's
python starts the venv's streamlit) with ``OPENBLAS_NUM_THREADS=1`` (tiny matrices: extra
BLAS threads only fight the sessions for the cores) and ``PYTHONUNBUFFERED=1`` (its log is
complete when it dies). If it does not come up, the error carries the tail of its log.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]  # the repository: app.py and .streamlit/
HOST = "127.0.0.1"
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0

# Every server started here: no browser opened, no usage statistics, loopback only.
BASE_FLAGS = ("--server.headless", "true", "--browser.gatherUsageStats", "false")
# As hosted for a class: no file watcher, so an edit to the app's files cannot reload modules
# under running sessions (bench/README.md, "Found along the way").
HOSTED_FLAGS = ("--server.fileWatcherType", "none")
SERVER_ENV = {"OPENBLAS_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}


def free_port(host: str = HOST) -> int:
    """A TCP port that was free a moment ago on ``host``."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    """True when ``GET <url>/_stcore/health`` answers ``ok``."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


def streamlit_command(
    port: int, *, script: str = "app.py", host: str = HOST, flags: Sequence[str] = ()
) -> list[str]:
    """``python -m streamlit run <script>`` headless on ``host:port``, then ``flags``."""
    return [sys.executable, "-m", "streamlit", "run", script, *BASE_FLAGS,
            "--server.address", host, "--server.port", str(port), *flags]  # fmt: skip


def wait_healthy(
    url: str,
    *,
    processes: Sequence[subprocess.Popen] = (),
    log_tails: Callable[[], str] = str,
    timeout: float = START_TIMEOUT_S,
    what: str = "the server",
) -> None:
    """Poll ``<url>/_stcore/health`` every 0.1 s until it answers ``ok``.

    Raises RuntimeError, with ``log_tails()`` in its message, when one of ``processes`` exits
    first or ``timeout`` seconds pass.
    """
    deadline = time.monotonic() + timeout
    while not healthy(url):
        dead = [p for p in processes if p.poll() is not None]
        if dead or time.monotonic() > deadline:
            why = ", ".join(f"pid {p.pid} exited with {p.returncode}" for p in dead)
            raise RuntimeError(
                f"{what} did not become healthy at {url} "
                f"({why or f'not within {timeout:g} s'}). Logs:\n{log_tails()}"
            )
        time.sleep(0.1)


def stop(procs: Sequence[subprocess.Popen]) -> None:
    """Terminate every process that still runs, wait for each, kill the ones that hang."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class AppServer:
    """One ``streamlit run`` process: its URL, its process and its log."""

    url: str
    port: int
    script: str
    app_dir: Path
    process: subprocess.Popen
    log: IO[bytes] = field(repr=False)  # the server's stdout and stderr

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's log so far (read without moving the file's offset, which
        the server process shares)."""
        fd = self.log.fileno()
        size = os.fstat(fd).st_size
        start = max(0, size - 4 * chars)
        return os.pread(fd, size - start, start).decode(errors="replace")[-chars:]

    def wait_healthy(
        self, timeout: float = START_TIMEOUT_S, others: Sequence[AppServer] = ()
    ) -> None:
        """Poll ``/_stcore/health`` until ``ok``; raise RuntimeError with the log tail if this
        process (or one of ``others``, started beside it) exits or ``timeout`` passes."""
        servers = [self, *(s for s in others if s is not self)]

        def tails() -> str:
            return "\n".join(f"--- {s.url}\n{s.log_tail()}" for s in servers)

        wait_healthy(
            self.url,
            processes=[s.process for s in servers],
            log_tails=tails,
            timeout=timeout,
            what=f"`streamlit run {self.script}` in {self.app_dir}",
        )

    def stop(self) -> None:
        """Terminate the server (kill it if it hangs) and close its log."""
        stop([self.process])
        self.log.close()


def launch(
    *,
    app_dir: Path = ROOT,
    script: str = "app.py",
    port: int | None = None,
    host: str = HOST,
    hosted: bool = False,
    flags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
) -> AppServer:
    """Start ``streamlit run <script>`` in ``app_dir`` without waiting for it.

    ``port``: a free one when None. ``hosted``: add :data:`HOSTED_FLAGS`. ``flags``: more
    ``streamlit run`` options. ``env``: extra environment on top of this process's and
    :data:`SERVER_ENV`. ``log``: the file for its output (default: a temporary file).
    """
    port = free_port(host) if port is None else port
    command = streamlit_command(
        port, script=script, host=host, flags=[*(HOSTED_FLAGS if hosted else ()), *flags]
    )
    out = log.open("wb") if log is not None else tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(
            command,
            cwd=app_dir,
            env={**os.environ, **SERVER_ENV, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    except BaseException:
        out.close()
        raise
    return AppServer(f"http://{host}:{port}", port, script, Path(app_dir), process, out)


@contextlib.contextmanager
def start_server(*, timeout: float = START_TIMEOUT_S, **options) -> Iterator[AppServer]:
    """:func:`launch` a server, wait until it is healthy, yield it; stop it on exit.

    Takes :func:`launch`'s keyword arguments. If it does not become healthy within
    ``timeout`` seconds, raises RuntimeError with the tail of its log.
    """
    server = launch(**options)
    try:
        server.wait_healthy(timeout)
        yield server
    finally:
        server.stop()
