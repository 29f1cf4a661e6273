"""The Label smoothing & temperature page in a real browser: it draws, τ and typed logits
change the softmax, a link restores every setting."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

import xent_core as xc
from tests.e2e.helpers import assert_no_app_errors, save_screenshot, wait_for_app_idle


def open_smoothing(page: Page, query: str = "") -> None:
    """Go to the page (with ``query``) and wait until its last table has drawn."""
    page.goto(f"/smoothing{'?' + query if query else ''}")
    wait_for_app_idle(page)
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()


def cell_texts(page: Page, nth: int, column: int) -> Locator:
    """The hidden text cells of one column of the ``nth`` table on the page."""
    table = page.get_by_test_id("stDataFrame").nth(nth)
    return table.locator(f'[data-testid^="glide-cell-{column}-"]')


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def softmax_texts(z, tau=1.0) -> list[str]:
    return [repr(float(v)) for v in xc.softmax(z, temperature=tau)]


def test_smoothing_page_loads_without_errors_and_is_screenshotted(
    page: Page, screenshot_dir: Path
) -> None:
    """Loss curves per ε, their table, the τ figure and the softmax table all draw."""
    open_smoothing(page)
    expect(page.get_by_role("heading", name="Label smoothing & temperature")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2)
    expect(page.locator(".st-key-ls_curves .legendtext")).to_have_text(
        ["ε = 0", "ε = 0.1", "ε = 0.3"]
    )
    expect(cell_texts(page, 0, 3)).to_have_text(["1", "0.933333333333", "0.8"])  # best p_target
    expect(cell_texts(page, 1, 2)).to_have_text(softmax_texts([2, 3, 4]))
    assert page.locator(".katex").count() >= 5
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "smoothing.png")


def test_moving_tau_in_the_browser_changes_the_softmax(page: Page) -> None:
    """τ: 1 → 1.5 with the arrow key: softmax(z/1.5) in the table, τ in the link."""
    open_smoothing(page)
    tau = page.locator(".st-key-ls_tau").get_by_role("slider")
    tau.focus()
    tau.press("ArrowRight")
    expect(cell_texts(page, 1, 2)).to_have_text(softmax_texts([2, 3, 4], 1.5))
    wait_for_app_idle(page)
    assert query_of(page) == {"ls_tau": ["1.5"]}
    assert_no_app_errors(page)


def test_typing_logits_in_the_browser(page: Page) -> None:
    """'0, 0, 5, 1' + Enter: four classes in the softmax table; a typo gets a message."""
    open_smoothing(page)
    box = page.locator(".st-key-ls_z input")
    box.fill("0, 0, 5, 1")
    box.press("Enter")
    expect(cell_texts(page, 1, 2)).to_have_text(softmax_texts([0, 0, 5, 1]))
    box.fill("0, zero")
    box.press("Enter")
    expect(
        page.get_by_test_id("stAlert").filter(has_text="“0, zero” is not a number")
    ).to_be_visible()
    assert_no_app_errors(page)


def test_a_shared_link_restores_every_setting(page: Page, screenshot_dir: Path) -> None:
    """?ls_classes=10&ls_eps=0.1,0.5&ls_z=1,1,3&ls_tau=0.5&ls_target=0."""
    open_smoothing(page, "ls_classes=10&ls_eps=0.1,0.5&ls_z=1,1,3&ls_tau=0.5&ls_target=0")
    expect(page.locator(".st-key-ls_classes input")).to_have_value("10")
    expect(cell_texts(page, 0, 3)).to_have_text(["0.91", "0.55"])  # 1 − ε + ε/10
    expect(cell_texts(page, 1, 2)).to_have_text(softmax_texts([1, 1, 3], 0.5))
    expect(page.locator(".st-key-ls_z input")).to_have_value("1,1,3")
    expect(page.get_by_test_id("stMain").get_by_test_id("stAlert")).to_have_count(0)
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "smoothing-link.png")
