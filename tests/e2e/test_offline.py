"""A classroom without internet: no page asks any host but the app's own server for anything.

Streamlit fetches a ``:material/...:`` *tab* icon (``page_icon``) from fonts.gstatic.com, so
app.py passes a PNG from the repository (static/xent-icon.png) instead. The menu's
``:material/...:`` icons are drawn with the Material Symbols font Streamlit ships and serves
itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request

from tests.e2e.helpers import PAGES, ROOT, assert_no_app_errors, wait_for_app_idle

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
ICON = ROOT / "static" / "xent-icon.png"


def leaves_the_machine(url: str) -> bool:
    """True for a URL on another host (data: and blob: URLs stay in the page)."""
    parts = urlsplit(url)
    return parts.scheme not in {"data", "blob", "about"} and parts.hostname not in LOCAL_HOSTS


def record_requests(page: Page) -> list[str]:
    """Every URL the page requests from now on (appended as they happen)."""
    urls: list[str] = []

    def seen(request: Request) -> None:
        urls.append(request.url)

    page.on("request", seen)
    return urls


def tab_icon_href(page: Page) -> str:
    """The address of the tab icon Streamlit set (its ``<link rel="... icon">``)."""
    return page.locator('link[rel~="icon"]').last.get_attribute("href") or ""


@pytest.mark.parametrize(("url_path", "title"), PAGES, ids=[p or "overview" for p, _ in PAGES])
def test_opening_a_page_requests_nothing_from_another_host(
    page: Page, app_server: str, url_path: str, title: str
) -> None:
    """A fresh browser opens the page: every request goes to the app's own server."""
    urls = record_requests(page)
    page.goto(f"/{url_path}")
    wait_for_app_idle(page)
    assert_no_app_errors(page)
    assert urls, "no request was recorded"
    assert [url for url in urls if leaves_the_machine(url)] == []


def test_the_tab_icon_is_the_repository_png_served_by_the_app(page: Page, app_server: str) -> None:
    """The tab icon comes from the app's own server and is static/xent-icon.png."""
    page.goto("/")
    wait_for_app_idle(page)
    href = tab_icon_href(page)
    assert urlsplit(href).netloc == urlsplit(app_server).netloc, href
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert response.body() == ICON.read_bytes()
