"""The binary cross-entropy page in a real browser: it loads, edits change the sum, links work."""

from __future__ import annotations

import math
import re
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
from tests.e2e.layout_checks import FOCUS, probe

SEED_SUM = "4.460303459760249"


def open_binary(page: Page, query: str = "") -> None:
    """Go to the page (with ``query``) and wait until it has drawn its table."""
    page.goto(f"/binary{'?' + query if query else ''}")
    wait_for_app_idle(page)
    expect(editor(page).locator("canvas").first).to_be_visible()


def editor(page: Page) -> Locator:
    """The editable (t, p) table, or (t, z) in logits mode."""
    return page.locator(".st-key-bce_table_p, .st-key-bce_table_z")


def slider(page: Page, key: str) -> Locator:
    """The range input of the slider with widget key ``key``."""
    return page.locator(f".st-key-{key}").get_by_role("slider")


def test_binary_page_loads_without_errors_and_is_screenshotted(
    page: Page, screenshot_dir: Path
) -> None:
    """Every element draws with no exception: curves, controls, seed table, sum, bar chart."""
    open_binary(page)
    expect(page.get_by_role("heading", name="Binary cross-entropy")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2)
    expect(metric_value(page, "sum over 7 rows")).to_have_text(SEED_SUM)
    expect(metric_value(page, "mean = sum / 7")).to_have_text("0.6371862085371784")
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)  # the editor and the losses
    expect(
        page.locator(".js-plotly-plot .legendtext", has_text="confident mistake")
    ).to_be_visible()
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "binary.png")


def test_editing_a_table_cell_in_the_browser_changes_the_sum(page: Page) -> None:
    """Row 5's p from 0.85 to 0.15: the sum drops by log(0.85/0.15) ≈ 1.7346."""
    open_binary(page)
    expect(metric_value(page, "sum over 7 rows")).to_have_text(SEED_SUM)
    edit_cell(page, editor(page), row=4, text="0.15")
    shown = metric_value(page, "sum over 7 rows")
    expect(shown).not_to_have_text(SEED_SUM)
    wait_for_app_idle(page)
    expected = float(SEED_SUM) - 1.897119984885881 - math.log(0.85)
    assert math.isclose(float(shown.inner_text()), expected, rel_tol=1e-14)
    assert_no_app_errors(page)


def test_a_text_cell_typed_in_the_browser_gets_a_message_naming_it(page: Page) -> None:
    """Typing 'abc' into row 2's p shows an error naming row 2, column p; nothing crashes."""
    open_binary(page)
    edit_cell(page, editor(page), row=1, text="abc")
    expect(page.get_by_test_id("stAlert").filter(has_text="Row 2, column “p”")).to_be_visible()
    expect(metric_value(page, "sum over 6 rows (of 7)")).to_be_visible()
    assert_no_app_errors(page)


def test_a_shared_link_restores_its_settings(page: Page) -> None:
    """/binary?p=0.3&t=0&yscale=log&logits=1 opens with those settings, and keeps the link."""
    page.goto("/binary?p=0.3&t=0&yscale=log&logits=1")
    wait_for_app_idle(page)
    expect(slider(page, "p")).to_have_value("0.3")
    expect(slider(page, "t")).to_have_value("0")
    expect(page.locator(".st-key-yscale").get_by_role("radio", name="log")).to_be_checked()
    expect(page.locator(".st-key-logits").get_by_role("switch")).to_be_checked()
    expect(page.get_by_test_id("stMetric").filter(has_text="loss L(t=0, p=0.3)")).to_be_visible()
    expect(page.locator(".st-key-bce_table_z")).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"p": ["0.3"], "t": ["0"], "yscale": ["log"], "logits": ["1"]}
    assert_no_app_errors(page)


def test_moving_the_p_slider_updates_the_loss_and_the_link(page: Page) -> None:
    """ArrowRight on p (0.7 → 0.71) changes the loss shown and writes p=0.71 into the URL."""
    open_binary(page)
    before = page.get_by_test_id("stMetric").filter(has_text="loss L(t=1, p=0.7)")
    expect(before).to_be_visible()
    slider(page, "p").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("stMetric").filter(has_text="loss L(t=1, p=0.71)")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]p=0\.71(&|$)"))
    assert_no_app_errors(page)


# Every cell of the page's grids whose text is wider than its column (glide-data-grid draws on
# a canvas: the columns, the cells and the font are the grid component's props, read through
# React's fiber on the canvas, as tests/e2e/layout_probe.js reads the headers).
CUT_CELLS_JS = """() => {
  const cut = [];
  const measure = document.createElement('canvas').getContext('2d');
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    const canvas = grid.querySelector('canvas[data-testid="data-grid-canvas"]');
    const key = Object.keys(canvas).find((k) => k.startsWith('__reactFiber'));
    let props = null;
    for (let f = key && canvas[key], i = 0; f && i < 20 && !props; f = f.return, i++) {
      const p = f.memoizedProps;
      if (p && Array.isArray(p.columns) && p.theme && p.getCellContent && p.rows > 0) props = p;
    }
    if (!props) { cut.push({why: 'no grid props'}); continue; }
    const {theme} = props;
    measure.font = `${theme.baseFontStyle} ${theme.fontFamily}`;
    props.columns.forEach((column, c) => {
      for (let r = 0; r < props.rows; r++) {
        const text = String(props.getCellContent([c, r]).displayData ?? '');
        const need = 2 * theme.cellHorizontalPadding + measure.measureText(text).width;
        if (need > column.width + 0.5) {
          cut.push({column: column.title, text, need, width: column.width});
        }
      }
    });
  }
  return cut;
}"""


@pytest.mark.parametrize("query", ["", "logits=1"], ids=["p", "logits"])
@pytest.mark.parametrize(("width", "height"), [(1024, 768), (820, 1180)])
def test_both_tables_show_every_column_whole_on_a_laptop_and_a_tablet(
    browser: Browser, app_server: str, width: int, height: int, query: str
) -> None:
    """The editor (t, p or z) and the losses (row, loss, note; p in logits mode) fit their
    columns: no header is cut ("t (targe…", "p (pre…" before), no value is cut (the article's
    exact logits, −0.8472978603872037, were cut in an 80 px column) and neither grid scrolls
    sideways."""
    context = browser.new_context(base_url=app_server, viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_binary(page, query)
        grids = page.get_by_test_id("stDataFrame")
        expect(grids).to_have_count(2)
        expect(grids.nth(1).locator("canvas").first).to_be_visible()
        wait_for_app_idle(page)
        seen = probe(page, FOCUS["binary"])
        headers = [c for c in seen["cut"] if c["kind"] == "table header"]
        assert not headers, headers
        scrolls = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
                       .map(s => [s.scrollWidth, s.clientWidth])"""
        )
        assert len(scrolls) == 2 and all(content <= shown for content, shown in scrolls), scrolls
        cells = page.evaluate(CUT_CELLS_JS)
        assert not cells, cells
    finally:
        context.close()


def test_the_bar_chart_is_drawn_at_the_margins_it_asks_for(page: Page) -> None:
    """The bars' requested margins are the ones Streamlit's theme pushes them to (the article's
    table): plotly draws the chart once per edit, not a second time with new margins."""
    open_binary(page)
    expect(page.locator(".st-key-bce_bars .js-plotly-plot .main-svg").first).to_be_visible()
    asked, drawn = page.locator(".st-key-bce_bars .js-plotly-plot").evaluate(
        "(gd) => [gd.layout.margin, gd._fullLayout._size]"
    )
    assert {side: drawn[side] for side in "lrtb"} == {side: asked[side] for side in "lrtb"}
