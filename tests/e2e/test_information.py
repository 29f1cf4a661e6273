"""The Information view in a real browser: it draws, a typed cell changes KL, presets and the
normalise button work, units switch, a link restores both distributions."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.helpers import (
    assert_no_app_errors,
    edit_cell,
    metric_value,
    save_screenshot,
    wait_for_app_idle,
)
from tests.e2e.layout_checks import bar_values
from ui.text.numbers import short
from xent_core.information import decomposition

T, P = (0.6, 0.3, 0.1), (0.25, 0.4, 0.35)


def open_information(page: Page, query: str = "") -> None:
    """Go to the page (with ``query``) and wait until its table has drawn."""
    page.goto(f"/information{'?' + query if query else ''}")
    wait_for_app_idle(page)
    expect(editor(page).locator("canvas").first).to_be_visible()


def editor(page: Page) -> Locator:
    """The editable table of classes, t and p."""
    return page.locator(".st-key-info_table")


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_information_page_loads_without_errors_and_is_screenshotted(
    page: Page, screenshot_dir: Path
) -> None:
    """Table, distributions, the identity (bars, every digit), formulas and class terms draw."""
    open_information(page)
    expect(
        page.get_by_role("heading", name="Entropy, cross-entropy and KL divergence")
    ).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(3)
    expect(metric_value(page, "H(t): entropy")).to_have_text("0.897946")
    expect(metric_value(page, "KL(t ‖ p)")).to_have_text("0.3137")
    expect(metric_value(page, "H(t, p)")).to_have_text("1.21165")
    expect(page.locator(".st-key-info_identity text", has_text="KL(t ‖ p) 0.3137")).to_be_visible()
    assert page.locator(".katex").count() >= 5
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "information.png")


def test_typing_a_probability_in_the_browser_changes_kl(page: Page) -> None:
    """p: 0.25, 0.4, 0.35 → 0.35, 0.3, 0.35 in two cells: KL, H(t, p) and the link follow."""
    open_information(page)
    edit_cell(page, editor(page), 0, "0.35")
    expect(page.get_by_test_id("stAlert").filter(has_text="adds up to 1.1")).to_be_visible()
    edit_cell(page, editor(page), 1, "0.3")
    parts = decomposition(T, (0.35, 0.3, 0.35))
    expect(metric_value(page, "KL(t ‖ p)")).to_have_text(short(parts.kl_divergence))
    expect(metric_value(page, "H(t, p)")).to_have_text(short(parts.cross_entropy))
    wait_for_app_idle(page)
    assert query_of(page)["info_p"] == ["0.35,0.3,0.35"]
    assert_no_app_errors(page)


def test_normalise_fixes_a_column_that_does_not_add_up(page: Page) -> None:
    """p₁ = 0.5 makes p add up to 1.25; Normalise divides it by 1.25 and the numbers return."""
    open_information(page)
    edit_cell(page, editor(page), 0, "0.5")
    expect(page.get_by_test_id("stAlert").filter(has_text="adds up to 1.25")).to_be_visible()
    page.get_by_role("button", name="Normalise t and p").click()
    parts = decomposition(T, (0.5 / 1.25, 0.4 / 1.25, 0.35 / 1.25))
    expect(metric_value(page, "KL(t ‖ p)")).to_have_text(short(parts.kl_divergence))
    expect(page.get_by_test_id("stAlert").filter(has_text="adds up to")).to_have_count(0)
    assert_no_app_errors(page)


def test_preset_and_unit_buttons(page: Page) -> None:
    """'p = t' makes KL 0; switching to bits relabels the numbers in bits."""
    open_information(page)
    page.get_by_role("button", name="p = t: KL = 0").click()
    expect(metric_value(page, "KL(t ‖ p)")).to_have_text("0")
    page.locator(".st-key-info_unit").get_by_text("bits").click()
    bits = decomposition(T, T, base=2)
    expect(metric_value(page, "H(t): entropy (bits)")).to_have_text(short(bits.entropy))
    wait_for_app_idle(page)
    assert query_of(page)["info_unit"] == ["bits"]
    assert_no_app_errors(page)


def test_a_shared_link_restores_both_distributions(page: Page, screenshot_dir: Path) -> None:
    """?info_t=0.5,0.5&info_p=1,0: two classes, KL = ∞ with its warning, H(t) = 1 bit."""
    open_information(page, "info_t=0.5,0.5&info_p=1,0&info_unit=bits")
    expect(metric_value(page, "H(t): entropy (bits)")).to_have_text("1")
    expect(metric_value(page, "KL(t ‖ p)")).to_have_text("∞")
    expect(page.get_by_test_id("stAlert").filter(has_text="calls possible data")).to_be_visible()
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "information-infinite.png")


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (390, 844), (1280, 720)])
def test_the_identity_bars_print_no_value_too_small_to_read(
    browser: Browser, app_server: str, width: int, height: int
) -> None:
    """The H(t) + KL bar's labels are at least 9 px or left out: at 1024 px "KL(t ‖ p) 0.3137"
    was drawn at ~6 px in its thin segment (the metrics and the table give every value)."""
    context = browser.new_context(base_url=app_server, viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_information(page)
        expect(
            page.locator(".st-key-info_identity .js-plotly-plot .main-svg").first
        ).to_be_attached()
        wait_for_app_idle(page)
        values = bar_values(page, ".st-key-info_identity")
        assert any(v["text"].startswith("H(t, p)") for v in values), values  # drawn at all
        tiny = [v for v in values if v["px"] < 9]
        assert not tiny, tiny
    finally:
        context.close()
