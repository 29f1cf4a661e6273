"""The Gradient check page in a real browser: it draws, the integer switch shows the pitfall
and the fix, the step slider and new inputs change the numbers, typed cells are checked, a
link restores the view."""

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
from ui.figures.gradcheck import error_text
from ui.text.numbers import short
from xent_core.gradient_check import CHECKABLE, LOSSES, check_gradient, random_case


def open_gradcheck(page: Page, query: str = "") -> None:
    """Go to the page (with ``query``) and wait until its last chart, the step sweep, is drawn."""
    page.goto(f"/gradcheck{'?' + query if query else ''}")
    wait_for_app_idle(page)
    expect(page.locator(".st-key-gc_sweep .main-svg").first).to_be_visible()


def alert(page: Page, text: str) -> Locator:
    """The alert box (error, warning, info) that contains ``text``."""
    return page.get_by_test_id("stAlert").filter(has_text=text)


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def edit_typed(page: Page, editor_key: str, row: int, column: int, text: str) -> None:
    """Type ``text`` into 0-based (row, column) of the typed table, as a student does."""
    columns = 4  # target, z0, z1, z2 of the softmax table
    edit_cell(page, page.locator(f".st-key-{editor_key}"), row, text, at=(column + 0.5) / columns)


def test_gradcheck_page_loads_without_errors_and_is_screenshotted(
    page: Page, screenshot_dir: Path
) -> None:
    """Settings, formulas, the per-element chart and table, and the step sweep all draw."""
    open_gradcheck(page)
    expect(page.get_by_role("heading", name="Gradient check")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2)
    check = check_gradient(random_case("softmax_ce", 0))
    expect(metric_value(page, "L(z), sum")).to_have_text(short(check.loss))
    expect(metric_value(page, "worst relative error")).to_have_text(error_text(check.worst))
    expect(metric_value(page, "step h")).to_have_text("1e-5")
    expect(page.locator(".st-key-gc_errors text", has_text="1e-8")).to_be_visible()
    expect(page.locator(".st-key-gc_sweep text", has_text="chosen h = 1e-5")).to_be_visible()
    expect(page.get_by_text("All 12 elements agree")).to_be_visible()
    assert page.locator(".katex").count() >= 5
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "gradcheck.png")


def test_the_integer_switch_shows_the_all_zeros_pitfall_and_the_fix(
    page: Page, screenshot_dir: Path
) -> None:
    """Switch on: the naive worst error is exactly 1, the cast one agrees, the pitfall is told."""
    open_gradcheck(page)
    page.locator(".st-key-gc_int").get_by_text("feed integer inputs").click()
    fixed = check_gradient(random_case("softmax_ce", 0, whole_numbers=True))
    expect(metric_value(page, "worst relative error, naive")).to_have_text("1")
    expect(metric_value(page, "worst relative error, cast to float64")).to_have_text(
        error_text(fixed.worst)
    )
    expect(alert(page, "The integer pitfall")).to_be_visible()
    expect(page.locator(".st-key-gc_errors .legendtext", has_text="naive")).to_be_visible()
    wait_for_app_idle(page)
    assert query_of(page)["gc_int"] == ["1"]
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "gradcheck-integer.png")


def test_the_step_slider_and_new_inputs_change_the_numbers(page: Page) -> None:
    """ArrowRight on h: 1e-5 → 1e-6; 'New random inputs': seed 1 and its loss."""
    open_gradcheck(page)
    slider = page.locator(".st-key-gc_h").get_by_role("slider")
    slider.focus()
    slider.press("ArrowRight")
    expect(metric_value(page, "step h")).to_have_text("1e-6")
    at_1e6 = check_gradient(random_case("softmax_ce", 0), 1e-6)
    expect(metric_value(page, "worst relative error")).to_have_text(error_text(at_1e6.worst))
    page.get_by_role("button", name="New random inputs").click()
    seed_1 = check_gradient(random_case("softmax_ce", 1), 1e-6)
    expect(metric_value(page, "L(z), sum")).to_have_text(short(seed_1.loss))
    wait_for_app_idle(page)
    assert query_of(page)["gc_h"] == ["1e-6"]
    assert query_of(page)["gc_seed"] == ["1"]
    assert_no_app_errors(page)


def test_typed_cells_are_checked_and_used(page: Page) -> None:
    """Typed inputs: z₀ of row 1 = 'abc' names the cell; '5' gives a new loss."""
    open_gradcheck(page)
    page.locator(".st-key-gc_src").get_by_text("typed in a table").click()
    expect(page.locator(".st-key-gc_table_softmax_ce canvas").first).to_be_visible()
    wait_for_app_idle(page)
    edit_typed(page, "gc_table_softmax_ce", 0, 1, "abc")
    expect(alert(page, "Row 1, column “z0”: “abc” is not a number.")).to_be_visible()
    edit_typed(page, "gc_table_softmax_ce", 0, 1, "5")
    expect(alert(page, "is not a number")).to_have_count(0)
    expect(page.get_by_text("All 9 elements agree")).to_be_visible()
    assert_no_app_errors(page)


def test_a_shared_link_restores_a_big_step_on_bce(page: Page, screenshot_dir: Path) -> None:
    """?gc_loss=bce&gc_h=1e-1: BCE on p with h = 0.1, its worst error, the V ringed at 1e-1."""
    open_gradcheck(page, "gc_loss=bce&gc_h=1e-1&gc_seed=2")
    check = check_gradient(random_case("bce", 2), 1e-1)
    expect(metric_value(page, "L(p), sum")).to_have_text(short(check.loss))
    expect(metric_value(page, "worst relative error")).to_have_text(error_text(check.worst))
    expect(page.locator(".st-key-gc_sweep text", has_text="chosen h = 1e-1")).to_be_visible()
    if check.undefined.any():
        expect(alert(page, "reaches 0 or 1 or goes beyond")).to_be_visible()
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "gradcheck-big-step.png")


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (820, 1180), (390, 844)])
@pytest.mark.parametrize("loss", CHECKABLE)
def test_the_chosen_loss_is_shown_whole_in_its_box(
    browser: Browser, app_server: str, loss: str, width: int, height: int
) -> None:
    """Each loss's title fits the select box: at 1024 px "Softmax cross-entropy on logits z"
    was clipped to "…on logit" (Streamlit clips the chosen option without an ellipsis)."""
    context = browser.new_context(base_url=app_server, viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"/gradcheck?gc_loss={loss}")
        wait_for_app_idle(page)
        field = page.get_by_test_id("stSelectbox").locator("input")
        expect(field).to_have_value(LOSSES[loss].title)
        shown, whole = field.evaluate("(e) => [e.clientWidth, e.scrollWidth]")
        assert whole <= shown + 1, f"{LOSSES[loss].title!r}: {whole} px in {shown} px"
    finally:
        context.close()
