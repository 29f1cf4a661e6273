"""The categorical cross-entropy page in a real browser: it loads, cell edits change the loss."""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import assert_no_app_errors, wait_for_app_idle

SEED_SUM = "2.214574215671332"
SUM_LABEL = "Sum over the 4 rows"
HEADER_PX = 36  # glide-data-grid header height
ROW_PX = 35  # glide-data-grid row height


def open_categorical(page: Page, query: str = "") -> None:
    """Go to the page (with ``query``) and wait until it has drawn its table."""
    page.goto(f"/categorical{'?' + query if query else ''}")
    wait_for_app_idle(page)
    expect(editor(page).locator("canvas").first).to_be_visible()


def editor(page: Page) -> Locator:
    """The editable table of predictions."""
    return page.locator(".st-key-cat_table")


def metric_value(page: Page, label: str) -> Locator:
    """The value of the metric whose label contains ``label``."""
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def edit_last_column(page: Page, row: int, text: str) -> None:
    """Type ``text`` into the last class column of 0-based ``row``, as a student does."""
    grid = editor(page)
    grid.scroll_into_view_if_needed()
    box = grid.locator("canvas").first.bounding_box()
    assert box is not None
    x = box["x"] + box["width"] - 40
    y = box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2
    page.mouse.dblclick(x, y)
    cell = page.locator("input.gdg-input, textarea.gdg-input")
    expect(cell).to_be_visible()
    cell.fill(text)
    cell.press("Enter")


def full_page_screenshot(page: Page, path: Path) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its main area, so grow the window."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(900, height + 40)})
    wait_for_app_idle(page)
    page.screenshot(path=str(path), full_page=True)


def softmax_loss(z: list[float], y: int) -> float:
    """-log softmax(z)[y], by hand."""
    top = max(z)
    return -(z[y] - top - math.log(sum(math.exp(v - top) for v in z)))


def test_categorical_page_loads_without_errors_and_is_screenshotted(
    page: Page, screenshot_dir: Path
) -> None:
    """Every element draws with no exception: table, losses, totals, both charts, formulas."""
    open_categorical(page)
    expect(page.get_by_role("heading", name="Categorical cross-entropy")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)  # the editor and the losses
    expect(metric_value(page, SUM_LABEL)).to_have_text(SEED_SUM)
    expect(metric_value(page, "Mean over the 4 rows")).to_have_text("0.553643553917833")
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2)
    expect(page.locator(".js-plotly-plot .legendtext", has_text="p (predicted)")).to_be_visible()
    assert_no_app_errors(page)
    full_page_screenshot(page, screenshot_dir / "categorical.png")


def test_editing_a_logit_in_the_browser_changes_the_loss(page: Page) -> None:
    """In logits mode, row 1's duck logit from 0.05 to 3: the sum follows -log softmax."""
    open_categorical(page, "input=logits")
    rows = [
        ([0.91, 0.04, 0.05], 0),
        ([0.11, 0.80, 0.09], 1),
        ([0.30, 0.10, 0.60], 2),
        ([0.25, 0.40, 0.35], 0),
    ]
    before = sum(softmax_loss(z, y) for z, y in rows)
    shown = metric_value(page, SUM_LABEL)
    expect(shown).to_be_visible()
    assert math.isclose(float(shown.inner_text()), before, rel_tol=1e-13)
    edit_last_column(page, row=0, text="3")
    expect(shown).not_to_have_text(shown.inner_text())
    wait_for_app_idle(page)
    rows[0] = ([0.91, 0.04, 3.0], 0)
    after = sum(softmax_loss(z, y) for z, y in rows)
    assert math.isclose(float(shown.inner_text()), after, rel_tol=1e-13)
    assert_no_app_errors(page)


def test_a_row_that_no_longer_adds_up_is_named_and_normalised_in_one_click(page: Page) -> None:
    """Row 3's duck from 0.60 to 0.90: a message names row 3; Normalise rows fixes it."""
    open_categorical(page)
    edit_last_column(page, row=2, text="0.90")
    message = page.get_by_test_id("stAlert").filter(
        has_text="Row 3: the probabilities add up to 1.3"
    )
    expect(message).to_be_visible()
    expect(metric_value(page, SUM_LABEL)).to_have_count(0)
    page.locator(".st-key-cat_normalise").get_by_role("button").click()
    expect(message).to_have_count(0)
    shown = metric_value(page, SUM_LABEL)
    expect(shown).to_be_visible()
    wait_for_app_idle(page)
    expected = -math.log(0.91) - math.log(0.80) - math.log(0.90 / 1.3) - math.log(0.25)
    assert math.isclose(float(shown.inner_text()), expected, rel_tol=1e-14)
    assert_no_app_errors(page)


def test_a_shared_link_restores_its_settings(page: Page) -> None:
    """/categorical?input=logits&smoothing=0.2&row=3 opens with those settings and keeps them."""
    open_categorical(page, "input=logits&smoothing=0.2&row=3")
    expect(page.locator(".st-key-input").get_by_role("radio", name="logits")).to_be_checked()
    expect(page.locator(".st-key-smoothing").get_by_role("slider")).to_have_value("0.2")
    expect(page.get_by_text("Row 3: predicted p against the target t")).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"input": ["logits"], "smoothing": ["0.2"], "row": ["3"]}
    assert_no_app_errors(page)
