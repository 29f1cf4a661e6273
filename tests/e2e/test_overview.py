"""The Overview page in a real browser: it loads, shows the seed sums, and its links work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    PAGES,
    assert_no_app_errors,
    expect_current_page,
    metric_value,
    save_screenshot,
    wait_for_app_idle,
)


def open_overview(page: Page) -> None:
    page.goto("/")
    wait_for_app_idle(page)
    expect(page.get_by_role("heading", name="Cross-entropy, seen")).to_be_visible()


def page_links(page: Page) -> Locator:
    """The st.page_link entries in the page body (not the sidebar menu)."""
    return page.get_by_test_id("stMain").get_by_test_id("stPageLink")


def test_overview_loads_without_errors_and_is_screenshotted(
    page: Page, screenshot_dir: Path
) -> None:
    """Text, formulas, one link per page, the seed sums and the key results all draw."""
    open_overview(page)
    expect(metric_value(page, "Binary table")).to_have_text("4.460303459760249")
    expect(metric_value(page, "Categorical table")).to_have_text("2.214574215671332")
    expect(page_links(page)).to_have_count(len(PAGES) - 1)  # every page but this one
    expect(page.get_by_text("0.09003057317038046, 0.24472847105479764")).to_be_visible()
    expect(page.get_by_text("Confident mistakes cost the most.")).to_be_visible()
    assert page.locator(".katex").count() >= 3
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "overview-page.png")


@pytest.mark.parametrize(
    ("label", "url_path"),
    [("Binary cross-entropy", "binary"), ("Softmax & its Jacobian", "softmax")],
)
def test_a_page_link_opens_its_page(page: Page, label: str, url_path: str) -> None:
    """Clicking a link in the overview's list opens that page, marked in the menu."""
    open_overview(page)
    page_links(page).filter(has_text=label).click()
    expect(page).to_have_url(re.compile(rf"/{url_path}(\?.*)?$"))
    wait_for_app_idle(page)
    expect_current_page(page, label)
    assert_no_app_errors(page)
