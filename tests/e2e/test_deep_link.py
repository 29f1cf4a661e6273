"""A shared link opened on a freshly started server shows the right page, menu and settings.

Each test starts its OWN `streamlit run`: the bug only shows before any session has loaded
`/` (see docs/deep-links.md), so the shared session server would hide it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import (
    PAGES,
    ROOT,
    TITLES,
    assert_no_app_errors,
    expect_current_page,
    sidebar_nav_labels,
    start_app_server,
    wait_for_app_idle,
)

# A link a teacher might share for each page: real settings of the page (its url_state
# Params), each valid and not at its default, so the page keeps them in the URL. Page
# authors: keep these in step with your page's Params.
SHARED_LINKS = {
    "": "",
    "binary": "p=0.3&yscale=log",
    "categorical": "row=2&smoothing=0.1",
    "softmax": "tau=2&target=1",
    "backprop": "bp_head=sigmoid&bp_n=8",
    "training": "tr_data=xor&tr_seed=7",
    "versus": "vs_z=-2",
    "information": "info_unit=bits",
    "smoothing": "ls_tau=2",
    "gradcheck": "gc_loss=bce&gc_seed=3",
}

APP_TITLE = "xent — the cross-entropy explorer"


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def expect_router_menu(page: Page, title: str) -> None:
    """The menu is app.py's st.navigation (titles, not file names) with `title` current."""
    expect(sidebar_nav_labels(page)).to_have_text(TITLES)
    expect_current_page(page, title)


def stub_app(folder: Path) -> Path:
    """A copy of the shell (app.py, deep_links.py, ui/, static/, .streamlit/), stub pages.

    Each stub calls ensure_router() as real pages do, then prints its name and the query
    string it received, so the routing is checked apart from what the real pages draw.
    """
    shutil.copy(ROOT / "app.py", folder / "app.py")
    shutil.copy(ROOT / "deep_links.py", folder / "deep_links.py")
    shutil.copytree(ROOT / "ui", folder / "ui")  # app.py draws the sidebar with ui.widgets
    shutil.copytree(ROOT / "static", folder / "static")  # the tab icon app.py serves
    shutil.copytree(ROOT / ".streamlit", folder / ".streamlit")
    (folder / "pages").mkdir()
    page_files = re.findall(r'_page\(\s*"(\w+)"', (ROOT / "app.py").read_text())
    assert len(page_files) == len(PAGES), page_files
    for name in page_files:
        (folder / "pages" / f"{name}.py").write_text(
            "import streamlit as st\n"
            "from deep_links import ensure_router\n\n"
            "ensure_router()\n"
            f"st.title('stub {name}')\n"
            "st.code(repr(sorted(st.query_params.to_dict().items())), language=None)\n"
        )
    return folder


def test_a_cold_deep_link_is_routed_by_app_py_and_keeps_its_query(
    browser: Browser, tmp_path: Path
) -> None:
    """On a new server, /binary?... runs binary.py through app.py: titles, config, sidebar."""
    link = "binary?p=0.3&t=1&mode=logits"
    with start_app_server(stub_app(tmp_path)) as url:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"{url}/{link}")
            expect_router_menu(page, "Binary cross-entropy")
            wait_for_app_idle(page)
            expect(page.get_by_role("heading", name="stub binary")).to_be_visible()
            shown_query = "[('mode', 'logits'), ('p', '0.3'), ('t', '1')]"
            expect(page.get_by_text(shown_query)).to_be_visible()
            assert urlsplit(page.url).path == "/binary"
            assert query_of(page) == {"p": ["0.3"], "t": ["1"], "mode": ["logits"]}
            # app.py ran: its page config and shared sidebar are there.
            expect(page).to_have_title(APP_TITLE)
            expect(page.get_by_test_id("stSidebar")).to_contain_text("Reduction")
            assert_no_app_errors(page)
        finally:
            context.close()


@pytest.mark.parametrize(("url_path", "title"), PAGES, ids=[p or "overview" for p, _ in PAGES])
def test_each_page_opens_from_a_cold_shared_link_with_its_settings(
    browser: Browser, url_path: str, title: str
) -> None:
    """A fresh server's first request, a shared link: the real page, titled menu, settings."""
    query = SHARED_LINKS[url_path]
    with start_app_server() as url:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{url}/{url_path}?{query}".rstrip("?"))
            expect_router_menu(page, title)
            wait_for_app_idle(page)
            assert_no_app_errors(page)
            expect(page).to_have_title(APP_TITLE)
            expect(page.get_by_test_id("stSidebar")).to_contain_text("Reduction")
            assert urlsplit(page.url).path == f"/{url_path}"
            kept = query_of(page)
            for key, values in parse_qs(query).items():
                assert kept.get(key) == values, (
                    f"the link's {key}={values[0]} did not survive: the URL is now {page.url}"
                )
        finally:
            context.close()
