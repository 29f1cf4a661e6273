"""The Cross-entropy vs squared error page in a real browser: it draws, z moves the numbers,
the race animates, a link restores."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

import xent_core as xc
from tests.e2e.helpers import assert_no_app_errors, metric_value, save_screenshot, wait_for_app_idle
from ui.text.numbers import short
from xent_core.neuron import steps_to_within, train_neuron


def open_versus(page: Page, query: str = "") -> None:
    """Go to the page (with ``query``) and wait until the race chart, its last figure, is drawn."""
    page.goto(f"/versus{'?' + query if query else ''}")
    wait_for_app_idle(page)
    expect(race(page).locator(".main-svg").first).to_be_visible()


def race(page: Page) -> Locator:
    """The animated race chart."""
    return page.locator(".st-key-vs_race")


def race_step_label(page: Page) -> Locator:
    """The race slider's current-value label, ``step k``."""
    return race(page).locator("text.slider-label").first


def slider(page: Page, key: str) -> Locator:
    """The range input of the slider with widget key ``key``."""
    return page.locator(f".st-key-{key}").get_by_role("slider")


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_versus_page_loads_without_errors_and_is_screenshotted(
    page: Page, screenshot_dir: Path
) -> None:
    """Curves over z, formulas, gradients at z = −4, the race and its result all draw."""
    open_versus(page)
    expect(page.get_by_role("heading", name="Cross-entropy versus squared error")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2)
    expect(metric_value(page, "CE ∂L/∂z")).to_have_text("−0.982014")
    expect(metric_value(page, "SE ∂L/∂z")).to_have_text("−0.03469")
    expect(metric_value(page, "cross-entropy: steps")).to_have_text("50")
    expect(metric_value(page, "squared error: steps")).to_have_text("234")
    expect(race_step_label(page)).to_have_text("step 300")
    expect(page.locator(".st-key-vs_curves .legendtext", has_text="σ′(z)")).to_be_visible()
    assert page.locator(".katex").count() >= 4
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "versus.png")


def test_the_race_plays_in_the_browser(page: Page, screenshot_dir: Path) -> None:
    """▶ Race restarts both runs from step 0 and animates them back to the last step."""
    open_versus(page)
    race(page).scroll_into_view_if_needed()
    race(page).get_by_text("▶ Race").click()
    expect(race_step_label(page)).not_to_have_text("step 300")  # it went back to the start
    race(page).screenshot(path=str(screenshot_dir / "versus-race-playing.png"))
    expect(race_step_label(page)).to_have_text("step 300")  # and ran to the end
    assert_no_app_errors(page)


def test_moving_z_in_the_browser_changes_the_gradients(page: Page) -> None:
    """z: −4 → −3.9 with the arrow key: p and both gradients update, the URL keeps z."""
    open_versus(page)
    z = slider(page, "vs_z")
    z.focus()
    z.press("ArrowRight")
    expect(z).to_have_attribute("aria-valuetext", "-3.90")
    expect(metric_value(page, "p = σ(z)")).to_have_text(short(xc.sigmoid([-3.9])[0]))
    expect(metric_value(page, "CE ∂L/∂z")).to_have_text(short(xc.sigmoid([-3.9])[0] - 1))
    wait_for_app_idle(page)
    assert query_of(page) == {"vs_z": ["-3.9"]}
    assert_no_app_errors(page)


def test_a_shared_link_restores_the_race(page: Page) -> None:
    """?vs_w0=-4&vs_b0=1&vs_lr=0.3&vs_steps=500: the sliders and the race's results."""
    open_versus(page, "vs_w0=-4&vs_b0=1&vs_lr=0.3&vs_steps=500")
    expect(slider(page, "vs_w0")).to_have_attribute("aria-valuetext", "-4.00")
    expect(slider(page, "vs_b0")).to_have_attribute("aria-valuetext", "1.00")
    ce = train_neuron("cross_entropy", -4.0, 1.0, 0.3, 500)
    se = train_neuron("squared_error", -4.0, 1.0, 0.3, 500)
    expect(metric_value(page, "cross-entropy: steps")).to_have_text(str(steps_to_within(ce, 0.1)))
    expect(metric_value(page, "squared error: steps")).to_have_text(str(steps_to_within(se, 0.1)))
    expect(race_step_label(page)).to_have_text("step 500")
    expect(page.get_by_test_id("stMain").get_by_test_id("stAlert")).to_have_count(0)
    assert_no_app_errors(page)
