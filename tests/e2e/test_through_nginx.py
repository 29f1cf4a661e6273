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
