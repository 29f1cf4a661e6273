"""The categorical cross-entropy page in a real browser: it loads, cell edits change the loss."""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    HEADER_PX,
    ROW_PX,
    assert_no_app_errors,
    edit_cell,
    metric_value,
    save_screenshot,
    wait_for_app_idle,
)

SEED_SUM = "2.214574215671332"
SUM_LABEL = "Sum over the 4 rows"
ARTICLE_BINARY_P = [[0.91, 0.04, 0.05], [0.11, 0.80, 0.09], [0.30, 0.10, 0.60], [0.25, 0.40, 0.35]]
SEED_TRUE = [0, 1, 2, 0]  # panda, seal, duck, panda


def open_categorical(page: Page, query: str = "") -> None:
    """Go to the page (with ``query``) and wait until it has drawn its table."""
    page.goto(f"/categorical{'?' + query if query else ''}")
    wait_for_app_idle(page)
    expect(editor(page).locator("canvas").first).to_be_visible()


def editor(page: Page) -> Locator:
    """The editable table of predictions."""
    return page.locator(".st-key-cat_table")


def choose_true_class(page: Page, row: int, name: str) -> None:
    """Pick ``name`` in the true-class select box of 0-based ``row``, as a student does."""
    grid = editor(page)
    grid.scroll_into_view_if_needed()
    box = grid.locator("canvas").first.bounding_box()
    assert box is not None
    x = box["x"] + 80  # inside the first data column, "true class", past the row markers
    y = box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2
    page.mouse.dblclick(x, y)
    expect(page.get_by_role("combobox")).not_to_have_count(0)
    page.get_by_role("option", name=name, exact=True).click()


def seed_sum_by_hand(true_classes: list[int], eps: float = 0.0, w=(1.0, 1.0, 1.0)) -> float:
    """Σ_i (1 − ε) w_{y_i} (−log p_{i,y_i}) + (ε/C) Σ_c w_c (−log p_ic) over the seed rows."""
    total = 0.0
    for y, p in zip(true_classes, ARTICLE_BINARY_P, strict=True):
        total += (1 - eps) * w[y] * -math.log(p[y])
        total += eps / 3 * sum(wc * -math.log(pc) for wc, pc in zip(w, p, strict=True))
    return total


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
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(3)  # p/t, ∂L/∂p, ∂L/∂z
    expect(page.locator(".js-plotly-plot .legendtext", has_text="p (predicted)")).to_be_visible()
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "categorical.png")


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
    edit_cell(page, editor(page), row=0, text="3")
    expect(shown).not_to_have_text(shown.inner_text())
    wait_for_app_idle(page)
    rows[0] = ([0.91, 0.04, 3.0], 0)
    after = sum(softmax_loss(z, y) for z, y in rows)
    assert math.isclose(float(shown.inner_text()), after, rel_tol=1e-13)
    assert_no_app_errors(page)


def test_a_row_that_no_longer_adds_up_is_named_and_normalised_in_one_click(page: Page) -> None:
    """Row 3's duck from 0.60 to 0.90: a message names row 3; Normalise rows fixes it."""
    open_categorical(page)
    edit_cell(page, editor(page), row=2, text="0.90")
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
    # Normalised and typed to six decimals: duck 0.90 / 1.3 = 0.6923076… is typed 0.692308.
    expected = -math.log(0.91) - math.log(0.80) - math.log(0.692308) - math.log(0.25)
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


def test_choosing_another_true_class_in_the_select_box_changes_the_loss(page: Page) -> None:
    """Row 4's true class from panda to seal: its loss becomes −log 0.40 and the sum follows."""
    open_categorical(page)
    shown = metric_value(page, SUM_LABEL)
    expect(shown).to_have_text(SEED_SUM)
    choose_true_class(page, row=3, name="seal")
    expect(shown).not_to_have_text(SEED_SUM)
    wait_for_app_idle(page)
    expected = seed_sum_by_hand([0, 1, 2, 1])
    assert math.isclose(float(shown.inner_text()), expected, rel_tol=1e-14)
    expect(editor(page).get_by_test_id("glide-cell-1-3")).to_have_text("seal")  # kept as chosen
    assert_no_app_errors(page)


def test_the_row_menu_names_a_rows_new_true_class(page: Page) -> None:
    """Row 1's true class from panda to seal: the row menu says so (the browser kept the old
    text until the page set the menu's value each run)."""
    open_categorical(page)
    menu = page.locator(".st-key-row").get_by_role("combobox")
    expect(menu).to_have_value("Row 1: true class panda")
    choose_true_class(page, row=0, name="seal")
    wait_for_app_idle(page)
    expect(menu).to_have_value("Row 1: true class seal")


def test_weights_and_smoothing_apply_to_probabilities_and_are_screenshotted(
    page: Page, screenshot_dir: Path
) -> None:
    """?smoothing=0.1&weights=1,2,0.5&row=2: the sum and weighted mean match a hand computation."""
    open_categorical(page, "smoothing=0.1&weights=1,2,0.5&row=2")
    w = (1.0, 2.0, 0.5)
    total = seed_sum_by_hand(SEED_TRUE, eps=0.1, w=w)
    shown = metric_value(page, SUM_LABEL)
    expect(shown).to_be_visible()
    assert math.isclose(float(shown.inner_text()), total, rel_tol=1e-13)
    mean = float(metric_value(page, "Weighted mean").inner_text())
    assert math.isclose(mean, total / (1 + 2 + 0.5 + 1), rel_tol=1e-13)
    expect(page.get_by_text("Row 2: predicted p against the target t′")).to_be_visible()
    expect(
        page.locator(".js-plotly-plot .legendtext", has_text="t′ (smoothed target)")
    ).to_be_visible()
    page.get_by_text("Class weights w (one per class)").click()
    expect(page.locator(".st-key-cat_w_c1 input")).to_have_value("2.00")
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "categorical-weights-smoothing.png")


def test_a_text_cell_is_named_in_an_error_and_screenshotted(
    page: Page, screenshot_dir: Path
) -> None:
    """Row 2's duck cell typed as "abc": an error names row 2 and column duck; no totals."""
    open_categorical(page)
    edit_cell(page, editor(page), row=1, text="abc")
    message = page.get_by_test_id("stAlert").filter(
        has_text="Row 2, column “duck”: “abc” is not a number."
    )
    expect(message).to_be_visible()
    expect(metric_value(page, SUM_LABEL)).to_have_count(0)
    expect(page.get_by_text("Row 2 has cells to fix")).to_have_count(0)  # row 1 is shown
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "categorical-error.png")
