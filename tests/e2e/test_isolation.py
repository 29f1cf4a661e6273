"""Two students at once: two browser sessions on one server never see each other's tables."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import (
    assert_no_app_errors,
    edit_cell,
    metric_value,
    save_screenshot,
    wait_for_app_idle,
)

BINARY_SUM = "4.460303459760249"
CATEGORICAL_SUM = "2.214574215671332"


@pytest.fixture
def two_students(browser: Browser, app_server: str) -> Iterator[tuple[Page, Page]]:
    """Two pages in separate browser contexts (no shared cookies or storage) on one server."""
    contexts = [
        browser.new_context(base_url=app_server, viewport={"width": 1400, "height": 900})
        for _ in range(2)
    ]
    try:
        yield contexts[0].new_page(), contexts[1].new_page()
    finally:
        for context in contexts:
            context.close()


def open_page(page: Page, path: str) -> None:
    """Go to ``path`` in a new session and wait until its table is drawn."""
    page.goto(path)
    wait_for_app_idle(page)
    expect(page.get_by_test_id("stDataFrame").first.locator("canvas").first).to_be_visible()


def go_by_menu(page: Page, title: str) -> None:
    """Open another page from the sidebar menu: the same session, as a student does."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    wait_for_app_idle(page)


def softmax_loss(z: list[float], y: int) -> float:
    """-log softmax(z)[y], by hand."""
    top = max(z)
    return -(z[y] - top - math.log(sum(math.exp(v - top) for v in z)))


def test_two_sessions_editing_different_tables_never_see_each_others_values(
    two_students: tuple[Page, Page], screenshot_dir: Path
) -> None:
    """A edits the binary table, B the categorical one: each other page still shows the seed."""
    a, b = two_students
    open_page(a, "/binary")
    open_page(b, "/categorical?input=logits")
    expect(metric_value(a, "sum over 7 rows")).to_have_text(BINARY_SUM)

    # A: row 1's p from 0.07 to 0.5 (t = 0): the sum trades -log 0.93 for -log 0.5.
    edit_cell(a, a.locator(".st-key-bce_table_p"), row=0, text="0.5")
    a_sum = metric_value(a, "sum over 7 rows")
    expect(a_sum).not_to_have_text(BINARY_SUM)
    wait_for_app_idle(a)
    a_expected = float(BINARY_SUM) + math.log(0.93) - math.log(0.5)
    assert math.isclose(float(a_sum.inner_text()), a_expected, rel_tol=1e-14)

    # B: row 1's duck logit from 0.05 to 3, in B's own categorical table.
    b_sum = metric_value(b, "Sum over the 4 rows")
    b_before = b_sum.inner_text()
    edit_cell(b, b.locator(".st-key-cat_table"), row=0, text="3")
    expect(b_sum).not_to_have_text(b_before)
    wait_for_app_idle(b)
    rows = [([0.91, 0.04, 3.0], 0), ([0.11, 0.80, 0.09], 1), ([0.30, 0.10, 0.60], 2),
            ([0.25, 0.40, 0.35], 0)]  # fmt: skip
    b_expected = sum(softmax_loss(z, y) for z, y in rows)
    assert math.isclose(float(b_sum.inner_text()), b_expected, rel_tol=1e-13)

    # Each opens the table the other edited, in the same session: both show the seed.
    go_by_menu(b, "Binary cross-entropy")
    expect(metric_value(b, "sum over 7 rows")).to_have_text(BINARY_SUM)
    go_by_menu(a, "Categorical cross-entropy")
    expect(metric_value(a, "Sum over the 4 rows")).to_have_text(CATEGORICAL_SUM)

    # And A's binary table still holds A's own edit. (B's categorical edit does not survive
    # the visit elsewhere: a bug, see tests/hostile/test_tables.py.)
    go_by_menu(a, "Binary cross-entropy")
    a_sum = metric_value(a, "sum over 7 rows")
    expect(a_sum).not_to_have_text(BINARY_SUM)
    assert math.isclose(float(a_sum.inner_text()), a_expected, rel_tol=1e-14)

    for name, page in (("a", a), ("b", b)):
        assert_no_app_errors(page)
        save_screenshot(page, screenshot_dir / f"isolation-{name}.png")
