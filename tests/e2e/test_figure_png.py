"""Every page's figures can be saved as PNG from the chart's own toolbar (issue 7, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import PAGES, wait_for_app_idle

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIGURE_PAGES = [(path, title) for path, title in PAGES if path]  # the overview has no figure


@pytest.mark.parametrize(("url_path", "title"), FIGURE_PAGES, ids=[p for p, _ in FIGURE_PAGES])
def test_the_first_figure_of_every_page_downloads_as_a_png(
    page: Page, tmp_path: Path, url_path: str, title: str
) -> None:
    """Hover the page's first plotly figure, press its camera button: a real PNG arrives."""
    page.goto(f"/{url_path}")
    wait_for_app_idle(page)
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.scroll_into_view_if_needed()
    chart.hover()
    camera = chart.locator('.modebar-btn[data-title="Download plot as a PNG"]')
    expect(camera).to_be_visible()
    with page.expect_download() as download:
        camera.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("xent-") and saved.suffix == ".png", saved.name
    data = saved.read_bytes()
    assert data.startswith(PNG_MAGIC), f"{title}: {saved.name} is not a PNG"
    assert len(data) > 5_000, f"{title}: {saved.name} is {len(data)} bytes, an empty picture?"
