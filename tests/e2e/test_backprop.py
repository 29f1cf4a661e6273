"""The Backpropagation page in a real browser: the loss and the heatmaps draw, on a laptop
screen and on a projector."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import assert_no_app_errors, save_screenshot, wait_for_app_idle
from ui.model import backprop
from ui.text.numbers import short

DESKTOP = {"width": 1400, "height": 1000}
PROJECTOR = {"width": 1280, "height": 720}
WHOLE_PAGE = 8000  # px: the screenshot holds the whole page, top to bottom


def classic_loss() -> str:
    """The loss of the classic network on the page's default batch, as the metric shows it."""
    network = backprop.classic_network("blobs")
    rows = backprop.random_batch(len(network.X), 4, 0)
    return short(network.net.backprop_trace(network.X[rows], network.y[rows]).loss, 6)


def open_backprop(page: Page, query: str = "") -> None:
    """Go to the page (with ``query``) and wait until its last chart, the fading δ, is drawn."""
    page.goto(f"/backprop{'?' + query if query else ''}")
    wait_for_app_idle(page)
    last = chart(page, "bp_fading")
    last.scroll_into_view_if_needed()  # charts far down the page draw once scrolled to
    expect(last).to_be_visible()


def chart(page: Page, key: str) -> Locator:
    """The plotly chart drawn with key ``key``."""
    return page.locator(f".st-key-{key} .js-plotly-plot")


def heatmap_pictures(page: Page, key: str) -> Locator:
    """The pictures plotly paints the heatmaps of chart ``key`` into (one per array)."""
    return chart(page, key).locator("g.hm image")


def shoot(page: Page, path: Path) -> None:
    """The whole page from its title down (open_backprop scrolled to the bottom)."""
    page.get_by_role("heading", name="Backpropagation", exact=True).scroll_into_view_if_needed()
    save_screenshot(page, path, max_height=WHOLE_PAGE)


def loss_metric(page: Page) -> Locator:
    return (
        page.get_by_test_id("stMetric")
        .filter(has_text="Loss L, mean over the N points")
        .get_by_test_id("stMetricValue")
    )


def test_the_page_draws_the_loss_and_every_heatmap(page: Page, screenshot_dir: Path) -> None:
    """The classic network's loss, forward and backward heatmaps, the check table: no errors."""
    page.set_viewport_size(DESKTOP)
    open_backprop(page)
    expect(page.get_by_role("heading", name="Backpropagation", exact=True)).to_be_visible()
    expect(loss_metric(page)).to_have_text(classic_loss())
    for key, arrays in [("bp_forward_1", 3), ("bp_backward_1", 3), ("bp_forward_2", 3)]:
        expect(heatmap_pictures(page, key)).to_have_count(arrays)
    # the panel titles name each array with its shape
    expect(page.locator(".st-key-bp_forward_1 .annotation-text", has_text="Z₁")).to_have_count(1)
    expect(
        page.locator(".st-key-bp_backward_2 .annotation-text", has_text="∂L/∂W₂")
    ).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(9)
    assert page.locator(".katex").count() >= 10
    assert_no_app_errors(page)
    shoot(page, screenshot_dir / "backprop.png")


def test_the_page_on_a_projector(page: Page, screenshot_dir: Path) -> None:
    """?projector=1 at 1280×720: no sidebar, the same loss, the heatmaps drawn."""
    page.set_viewport_size(PROJECTOR)
    open_backprop(page, "projector=1")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(loss_metric(page)).to_have_text(classic_loss())
    expect(heatmap_pictures(page, "bp_backward_2")).to_have_count(3)
    assert_no_app_errors(page)
    shoot(page, screenshot_dir / "backprop-projector.png")
