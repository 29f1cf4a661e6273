"""Every page of the menu opens in the browser with no error, and is photographed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    PAGES,
    TITLES,
    assert_no_app_errors,
    expect_current_page,
    save_screenshot,
    sidebar_nav_labels,
    wait_for_app_idle,
)


@pytest.mark.parametrize(("url_path", "title"), PAGES, ids=[p or "overview" for p, _ in PAGES])
def test_page_opens_without_error_and_is_screenshotted(
    page: Page, screenshot_dir: Path, url_path: str, title: str
) -> None:
    """The page loads from its URL on the shared server, shows no exception, and its
    screenshot is written to test-results/screenshots/<page>.png."""
    page.goto(f"/{url_path}")
    wait_for_app_idle(page)
    expect(sidebar_nav_labels(page)).to_have_text(TITLES)
    expect_current_page(page, title)
    assert_no_app_errors(page)
    shot = save_screenshot(page, screenshot_dir / f"{url_path or 'overview'}.png")
    assert shot.stat().st_size > 10_000, f"{shot} looks empty"


def test_clicking_a_menu_link_opens_that_page(page: Page) -> None:
    """The sidebar menu moves between pages (client-side) and keeps the shared sidebar."""
    page.goto("/")
    wait_for_app_idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Softmax & its Jacobian").click()
    expect(page).to_have_url(re.compile(r"/softmax(\?.*)?$"))
    wait_for_app_idle(page)
    expect_current_page(page, "Softmax & its Jacobian")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Reduction")
    assert_no_app_errors(page)
