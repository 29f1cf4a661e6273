"""The one table keeper in a real browser: a reset sticks, a visit keeps the edits, a preset
keeps the information table's key."""

from __future__ import annotations

import math

from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    assert_no_app_errors,
    edit_cell,
    metric_value,
    sidebar_nav_links,
    wait_for_app_idle,
)

SEED_SUM = "4.460303459760249"


def grid(page: Page, key_prefix: str) -> Locator:
    """The data editor whose key starts with ``key_prefix`` (a fresh editor adds _1, _2, …)."""
    return page.locator(f'[class*="st-key-{key_prefix}"]')


def open_and_wait(page: Page, path: str, editor: Locator) -> None:
    page.goto(path)
    wait_for_app_idle(page)
    expect(editor.locator("canvas").first).to_be_visible()


def go_to(page: Page, title: str) -> None:
    """Open another page from the sidebar menu, as a student does."""
    sidebar_nav_links(page).filter(has_text=title).click()
    wait_for_app_idle(page)


def test_a_reset_typed_mlp_table_stays_reset_after_another_change(page: Page) -> None:
    """W₁[1,1] typed as 2, ↺ Reset, then h moved: the loss is the seed's, not the edited one."""
    table = grid(page, "gc_table_mlp")
    open_and_wait(page, "/gradcheck?gc_loss=mlp&gc_src=typed", table)
    loss = metric_value(page, "L(W₁), mean")
    expect(loss).not_to_have_text("")
    seeded = loss.inner_text()
    edit_cell(page, table, 0, "2", at=1.5 / 5)  # input, h1, …, h4: the h1 column
    expect(loss).not_to_have_text(seeded)
    wait_for_app_idle(page)
    page.get_by_role("button", name="Reset the table").click()
    expect(loss).to_have_text(seeded)
    wait_for_app_idle(page)
    page.locator(".st-key-gc_h").get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".st-key-gc_sweep text", has_text="chosen h = 1e-6")).to_be_visible()
    wait_for_app_idle(page)
    expect(loss).to_have_text(seeded)
    assert_no_app_errors(page)


def test_binary_edits_survive_a_visit_and_the_table_still_takes_edits(page: Page) -> None:
    """Row 5's p as 0.15, the Overview, back: the edited sum; then row 1's p as 0.5 counts too."""
    table = grid(page, "bce_table_p")
    open_and_wait(page, "/binary", table)
    total = metric_value(page, "sum over 7 rows")
    edit_cell(page, table, 4, "0.15")
    expect(total).not_to_have_text(SEED_SUM)
    wait_for_app_idle(page)
    edited = total.inner_text()
    go_to(page, "Overview")
    go_to(page, "Binary cross-entropy")
    expect(total).to_have_text(edited)
    expect(table.locator("canvas").first).to_be_visible()
    edit_cell(page, table, 0, "0.5")  # t = 0: −log(1 − p) from 0.07 to 0.5
    expected = float(edited) - (-math.log(0.93)) + (-math.log(0.5))
    expect(total).not_to_have_text(edited)
    wait_for_app_idle(page)
    assert math.isclose(float(total.inner_text()), expected, rel_tol=1e-12)
    assert_no_app_errors(page)


def test_an_information_preset_keeps_the_table_key_and_its_result(page: Page) -> None:
    """p₁ typed as 0.35, 'p = t': KL = 0 in the same info_table editor, and it stays 0."""
    table = page.locator(".st-key-info_table")
    open_and_wait(page, "/information", table)
    edit_cell(page, table, 0, "0.35")
    expect(page.get_by_test_id("stAlert").filter(has_text="adds up to 1.1")).to_be_visible()
    wait_for_app_idle(page)
    page.get_by_role("button", name="p = t: KL = 0").click()
    kl = metric_value(page, "KL(t ‖ p)")
    expect(kl).to_have_text("0")
    expect(table.locator("canvas").first).to_be_visible()
    page.locator(".st-key-info_unit").get_by_text("bits").click()
    expect(metric_value(page, "H(t): entropy (bits)")).to_be_visible()
    wait_for_app_idle(page)
    expect(kl).to_have_text("0")
    assert_no_app_errors(page)
