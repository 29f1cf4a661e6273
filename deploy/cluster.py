"""Several xent app processes behind nginx, with sticky sessions: the classroom set-up.

    python3 deploy/cluster.py --backends 2 --listen 127.0.0.1:8500   # Ctrl-C stops it all
    deploy/run_cluster.sh                                             # the same, from env vars

A Streamlit session is a stateful websocket held by one process, and a tab that reconnects
(after a network blip) must reach the process that holds its session again. So: N
``streamlit run app.py`` processes on loopback ports, and nginx in front with

- sessions placed evenly, then kept: browsers without the cookie ``xent_affinity`` go to
  the processes in turn (round robin, its turn shared by nginx's workers), and a browser's
  first response sets the cookie to its process's name (``b0``, ``b1``, …); every
  later request of that browser, the websocket included, goes to the process it names. A
  class that opens the page at once is split evenly (30 students: 15 and 15), where hashing
  a random cookie split it 18/12 or 13/17 and the busier process's students got a third
  fewer frames (bench/README.md, "The whole class"). Unlike ``ip_hash``, a class behind one
  school NAT address is spread too. If the named process is down, the request goes to the
  next one (``backup``), whose answer re-names the cookie;
- ``proxy_http_version 1.1`` and the ``Upgrade``/``Connection`` headers on the websockets,
  Streamlit's ``/_stcore/stream`` and the Live training page's ``/_xent/frames`` (a playing
  run's frames, ui/widgets/frame_socket.py), with hour-long read/send timeouts (Streamlit
  pings every 30 s);
- ``Host $http_host``: Streamlit rejects a websocket whose Origin differs from its Host;
- ``location /static/``: nginx sends Streamlit's frontend bundle (JS, CSS, fonts, with hashed
  file names, cached for a year as Streamlit itself caches them) straight from the installed
  package's ``static/`` folder. A browser's first page load fetches ~140 of those files, which
  cost an app process 0.4-0.5 s of CPU. Everything Streamlit makes or rewrites still comes
  from the app: index.html for ``/`` and the page routes (``/binary?...``), ``/_stcore/*``,
  ``/media/*``, ``/component/*``, the app's own ``/app/static/*``, ``/favicon.png`` and
  ``/manifest.json``.

nginx runs in the foreground (``daemon off``) with its own prefix in a temporary folder:
never the system service. The config is rendered by :func:`nginx_config`;
``deploy/nginx.conf`` is its rendering for the defaults in the container of
``deploy/Dockerfile`` (see ``--write-config``; ``--static-root`` defaults to this machine's).
A backend or nginx that exits stops the whole cluster (a container then restarts it).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script (deploy/run_cluster.sh): import serving
    sys.path.insert(0, str(ROOT))

from serving.server import AppServer, free_port, launch, stop, wait_healthy  # noqa: E402

DEFAULT_CONFIG = Path(__file__).with_name("nginx.conf")
START_TIMEOUT_S = 90.0
AFFINITY_COOKIE = "xent_affinity"
BACKEND_HEADER = "X-Xent-Backend"  # which app process answered (an upstream address)
STATIC_MAX_AGE_S = 365 * 24 * 3600  # Streamlit's own Cache-Control for its hashed assets
# Where pip installs Streamlit's frontend in deploy/Dockerfile's image (python:3.11-slim).
CONTAINER_STATIC_ROOT = "/usr/local/lib/python3.11/site-packages/streamlit/static"
WARM_PAGES = ("", "binary", "categorical", "softmax", "training")  # url paths in app.py


def streamlit_static_dir() -> Path:
    """The ``static/`` folder of the streamlit package this interpreter (and the backends) runs.

    Found without importing streamlit: the app processes run ``sys.executable -m streamlit``,
    so this is the folder they serve their frontend from (``file_util.get_static_dir()``).
    """
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"streamlit is not installed for {sys.executable}")
    folder = Path(spec.origin).parent / "static"
    if not (folder / "index.html").is_file():
        raise FileNotFoundError(f"Streamlit's frontend is missing: no {folder}/index.html")
    return folder


def backend_name(k: int) -> str:
    """The cookie's name for the k-th backend (0-based): ``b0``, ``b1``, …"""
    return f"b{k}"


def nginx_config(*, listen: str, backends: Sequence[str], static_root: str | Path) -> str:
    """The nginx configuration: ``listen`` (host:port) in front of ``backends`` (host:port).

    ``static_root`` is the backends' Streamlit ``static/`` folder (:func:`streamlit_static_dir`):
    nginx serves ``/static/*`` from it, and proxies everything else.
    """
    names = [backend_name(k) for k in range(len(backends))]
    servers = "\n".join(f"        server {b} max_fails=0;" for b in backends)
    by_cookie = "\n".join(f'        "{n}" xent_{n};' for n in names)
    # The process that answered is the last address of $upstream_addr (after a failover it
    # lists the refused one first: "127.0.0.1:A, 127.0.0.1:B").
    served = "\n".join(
        f"        ~(^|,\\s){re.escape(b)}$ {n};" for b, n in zip(backends, names, strict=True)
    )
    pinned = "\n\n".join(
        f"    upstream xent_{n} {{\n"
        f"        server {b} max_fails=0;\n"
        + "\n".join(f"        server {other} backup;" for other in backends if other != b)
        + "\n    }"
        for b, n in zip(backends, names, strict=True)
    )
    return f"""# xent behind nginx: students placed evenly and kept there (a cookie), websockets.
# Rendered by deploy/cluster.py (nginx_config); run with
#   nginx -p <prefix> -c <this file> -e stderr
# Paths below are relative to the prefix, but for /static/'s root: the installed streamlit
# package's static/ folder (cluster.py --write-config --static-root <folder> renders another).
worker_processes auto;
daemon off;
pid nginx.pid;
error_log stderr warn;

events {{
    worker_connections 4096;
}}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;

    log_format xent '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                    'upstream=$upstream_addr affinity=$cookie_{AFFINITY_COOKIE} '
                    'rt=$request_time';
    access_log access.log xent;

    # Websocket upgrade: "Connection: upgrade" when the browser asks for it.
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
    # Session affinity: the cookie names the process that holds the browser's session; a
    # browser without it (or with a name no process has) is placed by xent_new.
    map $cookie_{AFFINITY_COOKIE} $xent_upstream {{
{by_cookie}
        default xent_new;
    }}
    # The name of the process that answered, and a cookie naming it when the browser's
    # cookie names another process or none (a new browser, or a failover).
    map $upstream_addr $xent_served_by {{
{served}
        default '';
    }}
    map "$cookie_{AFFINITY_COOKIE}:$xent_served_by" $xent_affinity_changes {{
        ~^(?<same>[^:]+):\\k<same>$ '';
        ~^[^:]*:(?<to>.+)$ "{AFFINITY_COOKIE}=$to; Path=/; HttpOnly; SameSite=Lax";
        default '';
    }}

    # New browsers: each process in turn (the zone shares the turn between nginx's workers).
    upstream xent_new {{
        zone xent_new 64k;
{servers}
    }}

    # A browser whose cookie names a process: that process; the others only if it is down.
{pinned}

    server {{
        listen {listen};
        client_max_body_size 200m;  # Streamlit's default upload limit

        proxy_http_version 1.1;
        proxy_set_header Host $http_host;  # Streamlit compares the websocket Origin to Host
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        add_header Set-Cookie $xent_affinity_changes always;
        add_header {BACKEND_HEADER} $upstream_addr always;

        location / {{
            proxy_pass http://$xent_upstream;
        }}

        # The websockets: Streamlit's, and the Live training page's frames while it plays
        # (ui/widgets/frame_socket.py), which must reach the process holding the session.
        location ~ ^/(_stcore/stream|_xent/frames)$ {{
            proxy_pass http://$xent_upstream;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            proxy_buffering off;
        }}

        # Streamlit's frontend bundle (/static/js, /static/css, /static/media), from disk:
        # the installed package's own files, the same version as the app processes run.
        # Hashed names: cached for a year, as Streamlit caches them. No cookie, no upstream.
        # A file nginx cannot read (its workers run as nobody when it starts as root) or
        # does not find goes to the app, which answers as it would without this block.
        location /static/ {{
            root {static_root};
            try_files $uri @xent;
            add_header Cache-Control "public, immutable, max-age={STATIC_MAX_AGE_S}";
        }}

        location @xent {{
            proxy_pass http://$xent_upstream;
        }}
    }}
}}
"""


def static_from_nginx(url: str, static_root: Path) -> bool:
    """True when nginx at ``url`` answers a file of Streamlit's bundle itself (no upstream)."""
    sample = min((static_root / "static" / "css").glob("*.css"))
    with urllib.request.urlopen(f"{url}/static/css/{sample.name}", timeout=10) as response:
        response.read()
        return BACKEND_HEADER not in response.headers


def warm_up(url: str, pages: Sequence[str] = WARM_PAGES) -> None:
    """Open each page once, one after the other, before students can reach the process.

    A fresh process imports numpy, pandas and plotly on its first page (seconds on 2 cores),
    and sessions whose first pages run at the same moment on a cold process have shown an
    AttributeError from a half-imported pandas (plotly peeks at ``sys.modules``).
    Raises RuntimeError if a page shows an exception.
    """
    from serving.stclient import StreamlitSession, run_async  # websockets: not for --write-config

    async def visit() -> None:
        for page in pages:
            async with StreamlitSession(url, page=page) as session:
                result = await session.open(timeout=120)
                if not result.ok:
                    raise RuntimeError(f"warm-up of {url}/{page}: {result}")

    run_async(visit())


@dataclass
class Cluster:
    """A running cluster: the proxy's URL and each backend's URL and process."""

    url: str
    backend_urls: list[str]
    backends: list[subprocess.Popen]
    nginx: subprocess.Popen
    folder: Path  # config, access log, process logs
    extra: dict = field(default_factory=dict)

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.backends]

    def failed(self) -> list[str]:
        """Processes that have exited."""
        pairs = zip(self.backend_urls, self.backends, strict=True)
        out = [f"backend {u} (exit {p.returncode})" for u, p in pairs if p.poll() is not None]
        if self.nginx.poll() is not None:
            out.append(f"nginx (exit {self.nginx.returncode})")
        return out


@contextlib.contextmanager
def cluster(
    *,
    backends: int = 2,
    listen: str | None = None,
    backend_ports: Sequence[int] | None = None,
    app_dir: Path = ROOT,
    folder: Path | None = None,
    nginx: str | None = None,
    warm: bool = True,
    static_root: Path | None = None,
) -> Iterator[Cluster]:
    """Start ``backends`` app processes and nginx on loopback; stop them all on exit.

    ``listen`` is nginx's host:port (default: a free loopback port); the backends take
    ``backend_ports`` (default: free ports) on 127.0.0.1. Logs go to ``folder`` (default: a
    temporary folder, removed afterwards). With ``warm`` each process has opened every page
    once (:func:`warm_up`) before nginx starts. nginx serves ``/static/`` from ``static_root``
    (default: :func:`streamlit_static_dir`); if it cannot, a warning says so on stderr and the
    app processes serve those files.
    """
    nginx = nginx or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise FileNotFoundError("nginx is not installed (apt-get install -y nginx)")
    own_folder = folder is None
    folder = Path(tempfile.mkdtemp(prefix="xent-cluster-")) if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tmp").mkdir(exist_ok=True)
    listen = listen or f"127.0.0.1:{free_port()}"
    static_root = static_root or streamlit_static_dir()
    ports = list(backend_ports or [free_port() for _ in range(backends)])
    servers: list[AppServer] = []
    procs: list[subprocess.Popen] = []
    logs: list[Path] = []

    def tails() -> str:
        return "\n".join(f"--- {log}\n{log.read_text(errors='replace')[-2000:]}" for log in logs)

    try:
        for port in ports:  # the app as hosted (no file watcher), on loopback
            log = folder / f"backend-{port}.log"
            logs.append(log)
            servers.append(launch(app_dir=app_dir, port=port, hosted=True, log=log))
            procs.append(servers[-1].process)
        for server in servers:
            server.wait_healthy(START_TIMEOUT_S, others=servers)
        urls = [server.url for server in servers]
        if warm:
            for url in urls:
                warm_up(url)
        config = folder / "nginx.conf"
        config.write_text(
            nginx_config(
                listen=listen,
                backends=[u.removeprefix("http://") for u in urls],
                static_root=static_root,
            )
        )
        nginx_log = folder / "nginx.log"
        logs.append(nginx_log)
        with nginx_log.open("w") as out:
            proxy = subprocess.Popen(
                [nginx, "-p", f"{folder}/", "-c", str(config), "-e", "stderr"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        procs.append(proxy)
        url = f"http://{listen}"
        wait_healthy(url, processes=procs, log_tails=tails, timeout=START_TIMEOUT_S, what="nginx")
        if not static_from_nginx(url, streamlit_static_dir()):
            print(
                f"xent: nginx cannot read {static_root} (as its worker user); "
                "the app processes serve Streamlit's /static/ files",
                file=sys.stderr,
                flush=True,
            )
        yield Cluster(url=url, backend_urls=urls, backends=procs[:-1], nginx=proxy, folder=folder)
    finally:
        stop(procs[::-1])  # nginx first, then the apps
        for server in servers:
            server.log.close()
        if own_folder:
            shutil.rmtree(folder, ignore_errors=True)


def backend_counts(access_log: Path) -> dict[str, int]:
    """Websocket sessions per upstream address, from nginx's access log."""
    counts: dict[str, int] = {}
    for line in access_log.read_text().splitlines():
        if "/_stcore/stream" in line and "upstream=" in line:
            upstream = line.split("upstream=", 1)[1].split()[0]
            counts[upstream] = counts.get(upstream, 0) + 1
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", type=int, default=int(os.environ.get("XENT_BACKENDS", 2)))
    parser.add_argument("--listen", default=os.environ.get("XENT_LISTEN", "127.0.0.1:8500"))
    parser.add_argument(
        "--first-backend-port",
        type=int,
        default=int(os.environ.get("XENT_FIRST_BACKEND_PORT", 8501)),
        help="backends listen on 127.0.0.1 at this port and the next ones",
    )
    parser.add_argument("--logs", type=Path, help="keep logs and the rendered config here")
    parser.add_argument(
        "--write-config",
        type=Path,
        help="only write the nginx config for these settings to this file, then exit",
    )
    parser.add_argument(
        "--static-root",
        help="with --write-config: Streamlit's static/ folder (default: this interpreter's)",
    )
    args = parser.parse_args(argv)
    ports = [args.first_backend_port + k for k in range(args.backends)]
    if args.write_config:
        backends = [f"127.0.0.1:{p}" for p in ports]
        static_root = args.static_root or streamlit_static_dir()
        args.write_config.write_text(
            nginx_config(listen=args.listen, backends=backends, static_root=static_root)
        )
        return 0
    stop = {"now": False}

    def on_signal(signum: int, _frame: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with cluster(
        backends=args.backends, listen=args.listen, backend_ports=ports, folder=args.logs
    ) as c:
        print(f"xent: http://{args.listen} -> {', '.join(c.backend_urls)}", flush=True)
        while not stop["now"]:
            if failed := c.failed():
                print(f"xent: stopping, exited: {', '.join(failed)}", file=sys.stderr)
                return 1
            time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
