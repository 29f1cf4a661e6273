"""The Softmax & Jacobian page in a real browser: it draws, a logit moves p, a link restores."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

import xent_core as xc
from tests.e2e.helpers import assert_no_app_errors, save_screenshot, wait_for_app_idle

SEED_BARS = ["0.0900", "0.2447", "0.6652"]  # softmax([2, 3, 4]) to 4 decimals


def open_softmax(page: Page, query: str = "") -> None:
    """Go to the page (with ``query``) and wait until its last element, the metric, is drawn."""
    page.goto(f"/softmax{'?' + query if query else ''}")
    wait_for_app_idle(page)
    expect(page.get_by_test_id("stMetric")).to_be_visible()


def bar_labels(page: Page, chart_key: str) -> Locator:
    """The value labels printed on the bars of the plotly chart with key ``chart_key``."""
    return page.locator(f".st-key-{chart_key} text.bartext")


def slider(page: Page, key: str) -> Locator:
    """The range input of the slider with widget key ``key``."""
    return page.locator(f".st-key-{key}").get_by_role("slider")


def four_decimals(values) -> list[str]:
    return [f"{v:.4f}" for v in values]


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_softmax_page_loads_without_errors_and_is_screenshotted(
    page: Page, screenshot_dir: Path
) -> None:
    """Every element draws: controls, softmax bars, Jacobian heatmap, checks, chain rule."""
    open_softmax(page)
    expect(page.get_by_role("heading", name="Softmax & its Jacobian")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(3)
    expect(bar_labels(page, "softmax_bars")).to_have_text(SEED_BARS)
    expect(page.locator(".st-key-jacobian_heatmap text", has_text="0.0819")).to_be_visible()
    expect(page.get_by_text("every row sums to 0")).to_be_visible()
    expect(page.get_by_test_id("stMarkdown").filter(has_text="rank C − 1 = 2")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(3)  # p and J (folded), chain rule
    difference = page.get_by_test_id("stMetricValue").inner_text()
    assert float(difference) < 1e-12
    assert page.locator(".katex").count() >= 4  # the formulas beside the pictures
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "softmax-seed.png")


def test_moving_a_logit_in_the_browser_changes_the_shown_p(page: Page) -> None:
    """z₀: 2 → 2.1 with the arrow key; the bars show softmax([2.1, 3, 4]) and the URL keeps it."""
    open_softmax(page)
    expect(bar_labels(page, "softmax_bars")).to_have_text(SEED_BARS)
    z0 = slider(page, "z_0")
    z0.focus()
    z0.press("ArrowRight")
    expect(z0).to_have_attribute("aria-valuetext", "2.10")
    expect(bar_labels(page, "softmax_bars")).to_have_text(
        four_decimals(xc.softmax([2.1, 3.0, 4.0]))
    )
    wait_for_app_idle(page)
    assert query_of(page) == {"z": ["2.1,3,4"]}
    assert_no_app_errors(page)


def test_a_shared_link_restores_logits_temperature_and_target(
    page: Page, screenshot_dir: Path
) -> None:
    """?z=1,2,3,4&tau=2&target=3: four sliders at 1..4, τ = 2, −t/p only on class 3."""
    open_softmax(page, "z=1,2,3,4&tau=2&target=3")
    expect(page.locator(".st-key-n_classes input")).to_have_value("4")
    for i, value in enumerate(["1.00", "2.00", "3.00", "4.00"]):
        expect(slider(page, f"z_{i}")).to_have_attribute("aria-valuetext", value)
    expect(page.locator(".st-key-tau").get_by_role("slider")).to_have_attribute(
        "aria-valuetext", "2"
    )
    p = xc.softmax([1.0, 2.0, 3.0, 4.0], temperature=2.0)
    expect(bar_labels(page, "softmax_bars")).to_have_text(four_decimals(p))
    # −t/p is 0 except on the target class, where it is −1/p₃
    left = page.locator(".st-key-chain_rule_figure .trace.bars").first.locator("text.bartext")
    expect(left).to_have_text(["0", "0", "0", f"−{1 / p[3]:.4g}"])
    expect(page.get_by_test_id("stMain").get_by_test_id("stAlert")).to_have_count(0)
    assert query_of(page) == {"z": ["1,2,3,4"], "tau": ["2"], "target": ["3"]}
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "softmax-link.png")


def test_a_bad_link_warns_and_shows_the_defaults(page: Page) -> None:
    """?z=1,oops,3&tau=2.5: one note per bad setting, and the seed's softmax."""
    open_softmax(page, "z=1,oops,3&tau=2.5")
    alerts = page.get_by_test_id("stMain").get_by_test_id("stAlert")
    expect(alerts.filter(has_text="z=1,oops,3")).to_be_visible()
    expect(alerts.filter(has_text="tau=2.5")).to_be_visible()
    expect(bar_labels(page, "softmax_bars")).to_have_text(SEED_BARS)
    assert_no_app_errors(page)
