"""Scale-out on loopback: two app processes behind nginx, sticky sessions, the load harness.

Needs Debian's nginx (``apt-get install -y nginx``): skipped without it, except under
``CI=true``, where a missing nginx fails (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import load
from deploy.cluster import (
    AFFINITY_COOKIE,
    BACKEND_HEADER,
    DEFAULT_CONFIG,
    Cluster,
    cluster,
    main,
    nginx_config,
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
    """deploy/nginx.conf is exactly what `deploy/cluster.py --write-config` renders."""
    rendered = tmp_path / "nginx.conf"
    assert main(["--write-config", str(rendered)]) == 0
    assert rendered.read_text() == DEFAULT_CONFIG.read_text()


def test_nginx_accepts_the_rendered_config(tmp_path: Path) -> None:
    """`nginx -t` passes: websocket upgrade map, affinity maps, hash upstream."""
    nginx = needs_nginx()
    (tmp_path / "tmp").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config(listen="127.0.0.1:1", backends=["127.0.0.1:2", "127.0.0.1:3"]))
    checked = subprocess.run(
        [nginx, "-t", "-p", f"{tmp_path}/", "-c", str(config), "-e", "stderr"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
