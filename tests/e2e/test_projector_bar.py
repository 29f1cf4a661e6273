"""Projector mode's "Leave projector mode" button covers nothing, on every page.

It is fixed in the top right corner (the menu is gone, it is the way back). Fixed over the
page, it sat on the wide titles at 1024 px and, once scrolled, on whatever passed under it:
the training page's "Loss curves" heading, sliders, tables, charts. For each page the app
routes, at the projector's 1280 x 720 and at 1024 x 768, at the top of the page and scrolled
down in steps to its bottom, the button's box overlaps the shown part of no text, heading,
control, table, chart or picture (``layout_checks.under_fixed``). A screenshot of each window
position that fails: ``test-results/screenshots/projector-bar/<window>-<page>-<px>.png``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import wait_for_app_idle
from tests.e2e.layout_checks import covered, routed_pages, scroll_main, settle, under_fixed
from ui.model.classroom import LEAVE_KEY

pytestmark = pytest.mark.e2e

WINDOWS = ((1280, 720), (1024, 768))  # a classroom projector, a smaller one (or a laptop's)
SCROLLS = (0, 0.1, 0.25, 0.5, 0.75, 1)  # how far down the page, as a fraction of its scrolling
BUTTON = f".st-key-{LEAVE_KEY}"
CASES = [(size, path) for size in WINDOWS for path in routed_pages()]


def case_id(case: tuple[tuple[int, int], str]) -> str:
    (width, height), path = case
    return f"{width}x{height}-{path or 'overview'}"


@pytest.fixture(scope="module")
def window(browser: Browser, app_server: str) -> Iterator[Callable[[tuple[int, int]], Page]]:
    """``window((width, height))``: a page of that size; asking for another closes it."""
    opened: dict[tuple[int, int], Page] = {}

    def open_window(size: tuple[int, int]) -> Page:
        if size not in opened:
            for page in opened.values():
                page.context.close()
            opened.clear()
            width, height = size
            context = browser.new_context(
                base_url=app_server, viewport={"width": width, "height": height}
            )
            opened[size] = context.new_page()
        return opened[size]

    yield open_window
    for page in opened.values():
        page.context.close()


def open_on_projector(page: Page, path: str) -> None:
    """Open the page's projector link and wait until it is drawn and its text fitted."""
    page.goto(f"/{path}?projector=1")
    wait_for_app_idle(page)
    expect(page.locator("h1").first).to_be_visible()
    expect(page.get_by_role("button", name="Leave projector mode")).to_be_visible()
    page.evaluate("() => document.fonts.ready.then(() => true)")
    settle(page)


@pytest.mark.parametrize(("size", "path"), CASES, ids=[case_id(c) for c in CASES])
def test_the_leave_projector_button_covers_no_content(
    window: Callable[[tuple[int, int]], Page],
    screenshot_dir: Path,
    size: tuple[int, int],
    path: str,
) -> None:
    """At the top and scrolled down, no text, heading or control lies under the button."""
    page = window(size)
    open_on_projector(page, path)
    problems = []
    for fraction in SCROLLS:
        scrolled = scroll_main(page, fraction)
        found = under_fixed(page, BUTTON)
        assert found["element"], f"no Leave projector mode button, scrolled {scrolled} px"
        hits = covered(found)
        if hits:
            shot = screenshot_dir / "projector-bar" / f"{case_id((size, path))}-{scrolled}.png"
            page.screenshot(path=str(shot))
            listed = "; ".join(f"{h['kind']} {h['what']!r}" for h in hits[:6])
            more = f" and {len(hits) - 6} more" if len(hits) > 6 else ""
            problems.append(f"scrolled {scrolled} px, the button covers {listed}{more}")
    assert not problems, f"{case_id((size, path))} (button at {found['element']}):\n- " + (
        "\n- ".join(problems)
    )


# What Tab passes before the first control: Streamlit's "Skip to main content" link and its
# scrolling main area (focusable, so the keyboard can scroll it).
NOT_A_CONTROL = '[data-testid="stSkipToContent"], [data-testid="stMain"], body'


def test_the_leave_projector_button_is_the_keyboards_first_control(page: Page) -> None:
    """Tab from the top of a projector page reaches the button before any other control,
    and Enter on it leaves projector mode."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_on_projector(page, "training")
    for _ in range(4):
        page.keyboard.press("Tab")
        if not page.evaluate("(s) => document.activeElement.matches(s)", NOT_A_CONTROL):
            break
    leave = page.get_by_role("button", name="Leave projector mode")
    expect(leave).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    expect(leave).to_have_count(0)
