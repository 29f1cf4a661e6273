"""Tables of full float64 numbers on a laptop (1024 px, the menu open): whole, not scrolled.

A grid too wide for its box scrolls sideways inside itself and shows its last column cut at
the box's edge: the backprop page's relative errors read "2.56e−1" for 2.56e−11, the
categorical page hid its "duck" column and cut the per-row losses.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.helpers import wait_for_app_idle
from tests.e2e.layout_checks import sideways_tables

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "path", ["categorical", "backprop", "gradcheck", "information", "softmax", "smoothing"]
)
def test_no_table_scrolls_sideways_on_a_1024_px_laptop(
    browser: Browser, app_server: str, path: str
) -> None:
    """Every table of the page shows all its columns whole at 1024 × 768 with the menu open."""
    context = browser.new_context(base_url=app_server, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"/{path}")
        wait_for_app_idle(page)
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
        expect(page.locator('[data-testid="stDataFrame"] canvas').first).to_be_visible()
        wait_for_app_idle(page)
        assert not sideways_tables(page), sideways_tables(page)
    finally:
        context.close()
