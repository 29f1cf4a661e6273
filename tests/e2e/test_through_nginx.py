"""Chromium through the classroom set-up: two app processes behind deploy/'s nginx.

Here, not in tests/scaleout, because it needs pytest-playwright's browser: a second
``sync_playwright()`` beside the plugin's own (started by the browser tests before it) fails
with "using Playwright Sync API inside the asyncio loop".
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from deploy.cluster import BACKEND_HEADER, Cluster, cluster
from tests.e2e.helpers import PAGES, assert_no_app_errors, expect_current_page, wait_for_app_idle
from tests.e2e.test_deep_link import SHARED_LINKS
from tests.scaleout.test_proxy import needs_nginx


@pytest.fixture(scope="module")
def two_backends() -> Iterator[Cluster]:
    needs_nginx()
    with cluster(backends=2) as running:
        yield running


def test_a_browser_opens_a_shared_link_to_every_page_through_nginx(
    two_backends: Cluster, browser: Browser
) -> None:
    """Chromium opens each page's shared link via nginx: the page draws without an error, and
    every /static/ file it loaded (the lazily loaded chunks too) came from nginx, not an app
    process; no request failed."""
    titles = dict(PAGES)
    static, proxied, failed = [], [], []
    page = browser.new_page()
    try:
        page.on("requestfailed", lambda r: failed.append(r.url))

        def seen(response: object) -> None:
            path = urllib.parse.urlsplit(response.url).path
            if path.startswith("/static/"):
                static.append(path)
                if response.status >= 400 or BACKEND_HEADER.lower() in response.headers:
                    proxied.append((path, response.status, response.headers))

        page.on("response", seen)
        for url_path, query in SHARED_LINKS.items():
            link = f"{two_backends.url}/{url_path}" + (f"?{query}" if query else "")
            page.goto(link)
            wait_for_app_idle(page, timeout=90_000)
            assert_no_app_errors(page)
            expect_current_page(page, titles[url_path])
    finally:
        page.close()
    assert len(static) > 50  # the bundle, then each page's lazily loaded chunks
    assert proxied == []
    assert failed == []


def test_training_plays_through_nginx_on_its_own_socket(
    two_backends: Cluster, browser: Browser
) -> None:
    """Play on the Live training page via nginx: the frames' websocket (/_xent/frames) goes
    through nginx to the process holding the session (an unknown token there would be
    refused), and the epoch counter runs on from its messages."""
    from tests.e2e.test_training import button, epoch, wait_for_epoch_at_least

    frames: list[int] = []
    page = browser.new_page()
    try:

        def opened(ws) -> None:
            if "/_xent/frames?run=" in ws.url:
                assert ws.url.startswith(two_backends.url.replace("http", "ws", 1))
                frames.append(0)
                ws.on("framereceived", lambda _payload: frames.__setitem__(-1, frames[-1] + 1))

        page.on("websocket", opened)
        page.goto(f"{two_backends.url}/training")
        wait_for_app_idle(page, timeout=90_000)
        button(page, "tr_play").click()
        wait_for_epoch_at_least(page, 100)
        button(page, "tr_play").click()
        expect_current_page(page, dict(PAGES)["training"])
        assert_no_app_errors(page)
        assert epoch(page) >= 100
    finally:
        page.close()
    assert len(frames) == 1 and frames[0] >= 5, frames
    assert not two_backends.failed()
