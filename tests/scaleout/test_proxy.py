"""Scale-out on loopback: two app processes behind nginx, sticky sessions, the load harness.

Needs Debian's nginx (``apt-get install -y nginx``): skipped without it, except under
``CI=true``, where a missing nginx fails (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from pathlib import Path

import pytest

from bench import load
from deploy.cluster import (
    AFFINITY_COOKIE,
    BACKEND_HEADER,
    CONTAINER_STATIC_ROOT,
    DEFAULT_CONFIG,
    Cluster,
    backend_name,
    cluster,
    main,
    nginx_config,
    streamlit_static_dir,
)
from serving.stclient import run_async

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def needs_nginx() -> str:
    if NGINX is None:
        if CI:
            pytest.fail("CI=true: nginx must be installed (apt-get install -y nginx)")
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    return NGINX


@pytest.fixture(scope="module")
def two_backends() -> Iterator[Cluster]:
    """Two `streamlit run app.py` processes behind nginx, all on loopback."""
    needs_nginx()
    with cluster(backends=2) as running:
        yield running


def health(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """GET /_stcore/health through the proxy: (backend that answered, affinity cookie set)."""
    request = urllib.request.Request(f"{url}/_stcore/health")
    if cookie:
        request.add_header("Cookie", f"{AFFINITY_COOKIE}={cookie}")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b"ok"
        set_cookie = None
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == AFFINITY_COOKIE:
                set_cookie = rest.split(";", 1)[0]
        return response.headers[BACKEND_HEADER], set_cookie


def one_cookie_per_backend(url: str) -> dict[str, str]:
    """Fresh browsers (no cookie) until each backend has been handed out once."""
    found: dict[str, str] = {}
    for _ in range(64):  # each fresh browser lands on either backend: 2**-63 to miss one
        backend, cookie = health(url)
        assert cookie, "a browser without the affinity cookie must be given one"
        found.setdefault(backend, cookie)
        if len(found) == 2:
            break
    return found


def test_every_request_with_one_affinity_cookie_reaches_the_same_backend(
    two_backends: Cluster,
) -> None:
    """Fresh browsers spread over both processes; each one then sticks to its process."""
    cookies = one_cookie_per_backend(two_backends.url)
    assert sorted(cookies) == sorted(u.removeprefix("http://") for u in two_backends.backend_urls)
    for backend, cookie in cookies.items():
        for _ in range(5):
            assert health(two_backends.url, cookie) == (backend, None)  # no new cookie either


def test_fresh_browsers_take_turns_so_a_class_is_split_evenly(two_backends: Cluster) -> None:
    """A class opening the page one after another: each fresh browser goes to the other
    process than the one before (with a hashed random cookie two in a row landed on the same
    process half the time, and 30 students split 18/12), and its cookie names that process."""
    a, b = (u.removeprefix("http://") for u in two_backends.backend_urls)
    names = {a: backend_name(0), b: backend_name(1)}
    served = [health(two_backends.url) for _ in range(12)]
    order = [backend for backend, _ in served]
    assert all(first != second for first, second in zip(order, order[1:], strict=False)), order
    assert order.count(a) == order.count(b) == 6
    assert all(cookie == names[backend] for backend, cookie in served)


def test_a_class_opening_at_once_is_split_evenly(two_backends: Cluster) -> None:
    """30 fresh browsers at the same moment (nginx's two workers answer them): 15 and 15."""
    with ThreadPoolExecutor(max_workers=30) as pool:
        served = list(pool.map(lambda _: health(two_backends.url), range(30)))
    backends = [backend for backend, _ in served]
    assert sorted(Counter(backends).values()) == [15, 15], Counter(backends)


def test_a_cookie_naming_no_process_is_placed_afresh(two_backends: Cluster) -> None:
    """An old hashed cookie (a random id from before this set-up) or a made-up one: the
    browser is placed like a new one and given a cookie that names its process."""
    for stale in ("4c3f1e0d9a8b7c6d5e4f3a2b1c0d9e8f", "b7", "b0b1"):
        backend, cookie = health(two_backends.url, stale)
        assert cookie is not None and cookie in (backend_name(0), backend_name(1))
        assert health(two_backends.url, cookie) == (backend, None)


def test_a_short_load_through_nginx_has_no_errors_and_both_backends_serve_it(
    two_backends: Cluster,
) -> None:
    """6 table sessions and 2 training sessions (1 playing), 3 interactions each, via nginx."""
    cookies = one_cookie_per_backend(two_backends.url)
    jars = [({AFFINITY_COOKIE: cookie}, backend) for backend, cookie in cookies.items()]
    plan, _ = run_async(
        load.run_load(
            two_backends.url,
            table_sessions=6,
            training_sessions=2,
            players=1,
            duration=90.0,
            think=(0.2, 0.5),
            max_actions=3,
            cookie_jars=jars,
        )
    )
    assert plan.rec.errors == []
    assert plan.backends == {backend: 4 for backend in cookies}  # 8 sessions, dealt in turn
    done = {kind: len(times) for kind, times in plan.rec.samples.items()}
    assert done["page open (all at once)"] == 8
    table_runs = sum(n for kind, n in done.items() if kind.split(":")[0] in load.TABLE_PAGES)
    assert table_runs == 6 * 3
    assert done["training: play -> first frame"] == 1
    assert done["training: pause"] == 1
    assert not two_backends.failed()


def test_the_shipped_nginx_conf_is_the_rendered_default(tmp_path: Path) -> None:
    """deploy/nginx.conf is what `deploy/cluster.py --write-config` renders for the image."""
    rendered = tmp_path / "nginx.conf"
    static = ["--static-root", CONTAINER_STATIC_ROOT]  # deploy/Dockerfile's streamlit
    assert main(["--write-config", str(rendered), *static]) == 0
    assert rendered.read_text() == DEFAULT_CONFIG.read_text()


def test_nginx_accepts_the_rendered_config(tmp_path: Path) -> None:
    """`nginx -t` passes: websocket upgrade map, affinity maps, hash upstream."""
    nginx = needs_nginx()
    (tmp_path / "tmp").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(
        nginx_config(
            listen="127.0.0.1:1",
            backends=["127.0.0.1:2", "127.0.0.1:3"],
            static_root=streamlit_static_dir(),
        )
    )
    checked = subprocess.run(
        [nginx, "-t", "-p", f"{tmp_path}/", "-c", str(config), "-e", "stderr"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


# ------------------------------------------------------------ Streamlit's frontend from nginx

# A link a teacher might share (tests/e2e/test_deep_link.py has one for every page).
DEEP_LINKS = ("", "binary?p=0.3&yscale=log", "training?tr_data=xor&tr_seed=7")


def fetch(url: str) -> tuple[bytes, Message]:
    """GET ``url`` (no cookie): the body and the response headers (names in any case)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers


def bundle_files(index_html: str) -> list[str]:
    """The /static/ files index.html asks for (script, module preloads, CSS, the font)."""
    return re.findall(r'(?:src|href)="\./(static/[^"]+)"', index_html)


def upstreams_in_log(access_log: Path, path_prefix: str) -> set[str]:
    """nginx's ``upstream=`` for every logged request whose path starts with ``path_prefix``
    (``-``: nginx answered the request itself)."""
    found = set()
    for line in access_log.read_text().splitlines():
        request = line.split('"')[1] if line.count('"') >= 2 else ""
        if request.split(" ")[1:2] and request.split(" ")[1].startswith(path_prefix):
            found.add(line.split("upstream=", 1)[1].split()[0])
    return found


def test_streamlits_frontend_files_come_from_nginx_and_every_page_from_an_app_process(
    two_backends: Cluster,
) -> None:
    """index.html (any page route, query string kept) is an app process's answer; the JS, CSS
    and fonts it names are nginx's: byte for byte the installed package's files, cached a year,
    no upstream in the access log, no affinity cookie."""
    static_dir = streamlit_static_dir()
    backends = {u.removeprefix("http://") for u in two_backends.backend_urls}
    index = ""
    for link in DEEP_LINKS:
        body, headers = fetch(f"{two_backends.url}/{link}")
        assert headers.get(BACKEND_HEADER) in backends, (link, headers)
        assert headers["Content-Type"].startswith("text/html")
        assert headers["Cache-Control"] == "no-cache"  # Streamlit's own, for its HTML
        index = body.decode()
    files = bundle_files(index)
    assert len(files) > 20 and any(f.endswith(".css") for f in files), files
    for name in files:
        body, headers = fetch(f"{two_backends.url}/{name}")
        assert BACKEND_HEADER not in headers, (name, headers.get(BACKEND_HEADER))
        assert "Set-Cookie" not in headers, name
        assert headers["Cache-Control"] == "public, immutable, max-age=31536000", name
        assert body == (static_dir / name).read_bytes(), name
    _, headers = fetch(f"{two_backends.url}/_stcore/health")
    assert headers.get(BACKEND_HEADER) in backends  # the app's own routes are still proxied
    time.sleep(0.2)  # nginx writes its access log line after the response
    assert upstreams_in_log(two_backends.access_log, "/static/") == {"-"}
    assert upstreams_in_log(two_backends.access_log, "/binary?") <= backends


def test_a_static_folder_nginx_cannot_read_leaves_the_files_to_the_app_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a static root nginx cannot use (here: missing; in practice, a folder its workers
    may not read), the bundle still loads, from an app process, and the start-up warns."""
    needs_nginx()
    name = bundle_files((streamlit_static_dir() / "index.html").read_text())[0]
    with cluster(backends=1, warm=False, static_root=tmp_path / "missing") as running:
        body, headers = fetch(f"{running.url}/{name}")
        assert headers.get(BACKEND_HEADER) == running.backend_urls[0].removeprefix("http://")
        assert body == (streamlit_static_dir() / name).read_bytes()
    assert "nginx cannot read" in capsys.readouterr().err
