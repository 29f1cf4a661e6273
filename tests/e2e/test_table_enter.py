"""Enter in a table cell sends the edit at once and still moves down a row (ui/widgets/page.js, 5).

``st.data_editor`` sends an edit 150 ms after the editor closes (a debounce in Streamlit's
bundle); the page script makes Enter close it as a click outside does, which sends at once.

How "at once" is checked without a wall-clock threshold: at the Enter (a capture listener on
window, so before the page's own), the probe starts a 100 ms timer, and it records whether the
websocket message carrying the edit was sent before that timer fired. The browser fires timers
in the order they fall due, so on a slow or loaded machine both come late but keep their order:
the debounced message is sent from a timer due 150 ms after the Enter (after the probe's), the
immediate one from a 0 ms timer started in the Enter's own handler (before it). The elapsed
time is kept in the message for the failure report.
"""

from __future__ import annotations

import json
import math

from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import HEADER_PX, ROW_PX, assert_no_app_errors, edit_cell, metric_value
from tests.e2e.test_binary import editor, open_binary

SEED_T = [0, 1, 1, 0, 0, 1, 1]  # the article's binary example (xent_core.ARTICLE_BINARY_*)
SEED_P = [0.07, 0.91, 0.74, 0.23, 0.85, 0.17, 0.94]
DEBOUNCE_CHECK_MS = 100  # the probe's timer: between the 0 ms of a flush and the 150 ms debounce

# Every Enter/Escape gets a timer; every message carrying a data editor's state is kept with
# the state's JSON, the time since the last key and whether that key's timer had fired.
PROBE = f"""
(() => {{
  const keys = [];
  const edits = window.__xentEdits = [];
  window.addEventListener('keydown', (e) => {{
    if (e.key !== 'Enter' && e.key !== 'Escape') return;
    const key = {{key: e.key, t: performance.now(), fired: false}};
    keys.push(key);
    setTimeout(() => {{ key.fired = true; }}, {DEBOUNCE_CHECK_MS});
  }}, true);
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {{
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    const text = bytes instanceof Uint8Array ? new TextDecoder('latin1').decode(bytes) : '';
    const state = text.match(/\\{{"edited_rows".*?"deleted_rows":\\[[^\\]]*\\]\\}}/);
    if (state) {{
      const key = keys[keys.length - 1];
      edits.push({{state: state[0], key: key ? key.key : null,
                  ms: key ? performance.now() - key.t : null,
                  beforeTimer: key ? !key.fired : null}});
    }}
    return send.call(this, data);
  }};
}})();
"""


def open_probed(page: Page) -> None:
    """The binary page with the probe installed before any of the page's scripts."""
    page.add_init_script(PROBE)
    open_binary(page)


def edits_sent(page: Page) -> list[dict]:
    """The data-editor states the page has sent, in order (see PROBE)."""
    return page.evaluate("() => window.__xentEdits")


def bce_sum(p: list[float]) -> float:
    """The seed table's sum of -[t log p + (1 - t) log(1 - p)] with the column p."""
    return sum(-math.log(q) if t else -math.log(1 - q) for t, q in zip(SEED_T, p, strict=True))


def expect_sum(page: Page, p: list[float]) -> None:
    """The page shows the sum over 7 rows for the column ``p`` (to 1e-12)."""
    shown = metric_value(page, "sum over 7 rows")
    want = bce_sum(p)
    page.wait_for_function(
        """([want]) => [...document.querySelectorAll('[data-testid="stMetric"]')].some(
              (m) => m.innerText.includes('sum over 7 rows')
                  && Math.abs(parseFloat(m.querySelector('[data-testid="stMetricValue"]')
                                          .innerText) - want) <= 1e-12 * want)""",
        arg=[want],
    )
    assert math.isclose(float(shown.inner_text()), want, rel_tol=1e-12)


def cell_editor(page: Page) -> Locator:
    """glide-data-grid's editor of the open cell."""
    return page.locator("input.gdg-input, textarea.gdg-input")


def test_enter_sends_the_edit_at_once_and_moves_down_a_row(page: Page) -> None:
    """Row 5's p + Enter: sent once, before the debounce; Enter, type, Enter edits row 6."""
    open_probed(page)
    edit_cell(page, editor(page), row=4, text="0.15")
    p = SEED_P.copy()
    p[4] = 0.15
    expect_sum(page, p)
    first = edits_sent(page)
    assert len(first) == 1, f"one message for one edit, got {first}"
    assert json.loads(first[0]["state"])["edited_rows"] == {"4": {"p": "0.15"}}
    assert first[0]["key"] == "Enter" and first[0]["beforeTimer"], (
        f"the edit went {first[0]['ms']:.0f} ms after Enter, after a {DEBOUNCE_CHECK_MS} ms "
        "timer started at the Enter: it waited for the data editor's debounce"
    )

    # The selection moved to row 6 as Enter moves it: Enter opens that cell's editor.
    page.keyboard.press("Enter")
    cell = cell_editor(page)
    expect(cell).to_be_visible()
    expect(cell).to_have_value("0.17")
    box = editor(page).locator("canvas").first.bounding_box()
    middle = cell.bounding_box()
    assert box is not None and middle is not None
    row = (middle["y"] + middle["height"] / 2 - box["y"] - HEADER_PX) // ROW_PX
    assert row == 5, f"the editor opened on row {row + 1}, not on row 6"
    cell.fill("0.5")
    cell.press("Enter")
    p[5] = 0.5
    expect_sum(page, p)
    both = edits_sent(page)
    assert len(both) == 2, f"one message per edit, got {both}"
    assert json.loads(both[1]["state"])["edited_rows"] == {"4": {"p": "0.15"}, "5": {"p": "0.5"}}
    assert both[1]["beforeTimer"], f"the second edit went {both[1]['ms']:.0f} ms after Enter"
    assert_no_app_errors(page)


def test_escape_still_cancels_a_typed_cell(page: Page) -> None:
    """Row 3's p typed as 0.01, then Escape: the editor closes, nothing is sent, the sum stays."""
    open_probed(page)
    grid = editor(page)
    grid.scroll_into_view_if_needed()
    box = grid.locator("canvas").first.bounding_box()
    assert box is not None
    page.mouse.dblclick(box["x"] + box["width"] - 40, box["y"] + HEADER_PX + ROW_PX * 2.5)
    cell = cell_editor(page)
    expect(cell).to_be_visible()
    cell.fill("0.01")
    cell.press("Escape")
    expect(cell).to_have_count(0)
    page.wait_for_timeout(500)  # past the 150 ms debounce: a cancelled edit is never sent
    assert edits_sent(page) == []
    expect_sum(page, SEED_P)


def test_enter_in_a_cell_leaves_the_sidebar_and_an_open_expander_as_they_were(
    page: Page,
) -> None:
    """The click outside that Enter sends is not taken for a click by the rest of the page."""
    open_probed(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    upload = page.get_by_test_id("stExpander").filter(has_text="Upload a CSV into")
    upload.locator("summary").click()
    expect(upload.locator("details")).to_have_attribute("open", "")
    expect(upload.get_by_test_id("stFileUploader")).to_be_visible()
    # Seen here: the first double click on the table after the expander opened only selects
    # the cell; a click on it first, and the double click opens the editor as usual.
    grid = editor(page)
    grid.scroll_into_view_if_needed()
    box = grid.locator("canvas").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] - 40, box["y"] + HEADER_PX + ROW_PX * 2.5)
    edit_cell(page, grid, row=2, text="0.2")
    p = SEED_P.copy()
    p[2] = 0.2
    expect_sum(page, p)
    expect(upload.locator("details")).to_have_attribute("open", "")
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    assert_no_app_errors(page)
