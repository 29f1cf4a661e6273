"""Browser-test helpers: start a real `streamlit run`, wait for it, check what it shows.

Import them in a test module with ``from tests.e2e.helpers import ...`` (pytest puts the
repository root on ``sys.path``, see ``pyproject.toml``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

# Debian's chromium and its headless flags (Playwright's browser download is never used).
from serving.browser import CHROMIUM, CHROMIUM_ARGS
from serving.server import ROOT, start_server

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ROOT"]  # re-exported for the test modules

# The menu as designed: (url_path, st.Page title) in app.py's order. An independent copy of
# the spec, so a test fails if app.py drifts from it.
PAGES = [
    ("", "Overview"),
    ("binary", "Binary cross-entropy"),
    ("categorical", "Categorical cross-entropy"),
    ("softmax", "Softmax & its Jacobian"),
    ("backprop", "Backpropagation"),
    ("training", "Live training"),
    ("versus", "Cross-entropy vs squared error"),
    ("information", "Entropy, cross-entropy & KL"),
    ("smoothing", "Label smoothing & temperature"),
    ("gradcheck", "Gradient check"),
]
TITLES = [title for _, title in PAGES]

SERVER_START_TIMEOUT_S = 60.0
APP_IDLE_TIMEOUT_MS = 30_000
EXPECT_TIMEOUT_MS = 20_000  # for expect(...); set in tests/e2e/conftest.py


def is_ci() -> bool:
    """True when the CI variable says so (``.ci/run`` sets ``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def chromium_problem() -> str | None:
    """Why the browser tests cannot run here, or None when chromium is there."""
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return (
        f"Debian's chromium is not installed ({CHROMIUM} not found). "
        "Install it with `apt-get update && apt-get install -y chromium` "
        "(never `playwright install`), or point XENT_CHROMIUM at a chromium binary."
    )


@contextlib.contextmanager
def start_app_server(app_dir: Path = ROOT, script: str = "app.py") -> Iterator[str]:
    """Run ``streamlit run <script>`` in ``app_dir`` on a free port; yield its base URL.

    ``serving.server.start_server``: the server is this interpreter's streamlit, it is
    healthy when the URL is yielded and terminated on exit; if it does not come up, the error
    carries the tail of its log.
    """
    with start_server(app_dir=app_dir, script=script, timeout=SERVER_START_TIMEOUT_S) as server:
        yield server.url


def wait_for_app_idle(page: Page, timeout: float = APP_IDLE_TIMEOUT_MS) -> None:
    """Wait until the app is connected, its script has finished, nothing says Running and
    no element is still a loading skeleton.

    Call it after ``goto`` and after each interaction. The skeleton check matters: charts,
    metrics and tables load their code lazily and stay grey boxes for seconds after the
    script has finished. A page whose script keeps running (a live training loop) never
    becomes idle: wait for what it shows instead.
    """
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]',
        state="attached",
        timeout=timeout,
    )
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const status = document.querySelector('[data-testid="stStatusWidget"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !(status && status.innerText.includes('Running'))
                && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0;
        }""",
        timeout=timeout,
    )


def assert_no_app_errors(page: Page) -> None:
    """Fail if the page shows a Streamlit exception box or any traceback text."""
    exceptions = page.get_by_test_id("stException")
    if exceptions.count():
        raise AssertionError(
            "the page shows an exception:\n" + "\n---\n".join(exceptions.all_inner_texts())
        )
    body = page.locator("body").inner_text()
    assert "Traceback" not in body, f"the page shows a traceback:\n{body[-3000:]}"


def sidebar_nav_links(page: Page) -> Locator:
    """The page links of the sidebar menu drawn by ``st.navigation``."""
    return page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")


def sidebar_nav_labels(page: Page) -> Locator:
    """The label of each sidebar menu link (the ``st.Page`` title, without its icon)."""
    return sidebar_nav_links(page).locator("span[label]")


def expect_current_page(page: Page, title: str) -> None:
    """The sidebar marks the page titled ``title`` as the one shown."""
    expect(page.locator('[data-testid="stSidebarNavLink"][aria-current="page"]')).to_have_count(1)
    expect(
        page.locator('[data-testid="stSidebarNavLink"][aria-current="page"] span[label]')
    ).to_have_text(title)


def save_screenshot(page: Page, path: Path, *, max_height: int = 4000) -> Path:
    """Screenshot the whole app, not just the window, to ``path`` (a .png).

    Streamlit scrolls inside its main block, so Playwright's ``full_page`` stops at the
    window; this grows the window to the main block's height for the shot, then restores it.
    """
    size = page.viewport_size or {"width": 1400, "height": 900}
    height = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            return main ? main.scrollHeight : document.body.scrollHeight;
        }"""
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), max_height)})
    try:
        wait_for_app_idle(page)  # a resize can re-render charts
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(size)
    return path


HEADER_PX = 36  # glide-data-grid's header height
ROW_PX = 35  # glide-data-grid's row height


def edit_cell(page: Page, grid: Locator, row: int, text: str, *, at: float | None = None) -> None:
    """Type ``text`` into 0-based ``row`` of the data editor ``grid``, as a student does.

    The cell is in the column whose centre is at fraction ``at`` of the grid's width, or in
    the last column when ``at`` is None.
    """
    grid.scroll_into_view_if_needed()
    canvas = grid.locator("canvas").first
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box is not None, "the data editor has no canvas on screen"
    x = box["x"] + (box["width"] - 40 if at is None else box["width"] * at)
    page.mouse.dblclick(x, box["y"] + HEADER_PX + ROW_PX * (row + 0.5))
    cell = page.locator("input.gdg-input, textarea.gdg-input")
    expect(cell).to_be_visible()
    cell.fill(text)
    cell.press("Enter")


def metric_value(page: Page, label: str) -> Locator:
    """The value of the metric whose label contains ``label``."""
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")
