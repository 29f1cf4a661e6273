"""Every page in every window a class uses: projector, laptop, tablet, phone, light and dark.

One server and one browser for the whole matrix; one browser context per window and colour
scheme: its first page opened by its link, the others through the menu, as a class moves
(a reload per page costs the browser as much again). For each page in each window:

- no metric (value, label, delta) and no formula is cut or scrolls inside its box, no metric
  value is shrunk under 3/4 of its size, no formula breaks after an operator, no other
  text ends in an ellipsis that cuts it (Streamlit's own hints aside: ``OWN_ELLIPSES``), and
  the page does not scroll sideways;
- columns stacked on a phone are no further apart than the page's other elements (16 px);
- no word of a widget's label, a metric or a page link breaks across two lines ("rando / m
  seed", "Backpropagatio / n");
- every tab of every tab bar (``st.tabs``) is whole inside the bar, which does not scroll
  sideways (at 1024 px the training settings' bar scrolled: its last tab read "T›");
- the values printed in heatmap cells fit their cells, do not overlap and are at least 9 px
  (too small a cell hides them: hover gives them); so are the values printed on bars;
- a chart's annotations and titles do not overlap one another or a bar;
- every chart is drawn, follows the theme (no white paper in dark mode, its text readable on
  the app's background) and has a text alternative (an ``aria-label``);
- the page's main picture and the control that drives it (``layout_checks.FOCUS``) are both
  on the first screen where the page requires it (the training page on a projector and on a
  phone), their places recorded everywhere else;
- a screenshot of the whole page, a dashed line where the first screen ends:
  ``test-results/screenshots/matrix/<window>-<scheme>-<page>.png``.

Results, problems and places, land in ``test-results/matrix.json`` for the record.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import save_screenshot, wait_for_app_idle
from tests.e2e.layout_checks import (
    CELLS,
    DEFAULT_FOCUS,
    FOCUS,
    THEMES,
    Cell,
    contrast,
    luminance,
    over,
    probe,
    rgb,
    routed_pages,
    settle,
    tab_bar_problems,
    tab_bars,
)

pytestmark = pytest.mark.e2e

PAGES = routed_pages()
MATRIX = [(cell, theme, path) for cell in CELLS for theme in THEMES for path in PAGES]
RESULTS: dict[str, dict] = {}

# Text Streamlit itself cuts with "…", left alone: where (its data-testid) -> why.
OWN_ELLIPSES = {
    "stFileUploaderDropzoneInstructions": "the file uploader's size and type hint: Streamlit's "
    "own words, repeated in the widget's help",
}
WHITE_PAPER = 0.5  # luminance above which a chart's opaque background counts as white
TEXT_CONTRAST = 4.5  # WCAG AA for the charts' text on the app's background


def label(path: str) -> str:
    return path or "overview"


def cell_id(case: tuple[Cell, str, str]) -> str:
    cell, theme, path = case
    return f"{cell.name}-{theme}-{label(path)}"


@pytest.fixture(scope="module")
def window(browser: Browser, app_server: str) -> Iterator[Callable[[Cell, str], Page]]:
    """``window(cell, theme)``: the open page of that window size and colour scheme.

    One context at a time: asking for another window closes the previous one.
    """
    opened: dict[tuple[str, str], Page] = {}

    def open_window(cell: Cell, theme: str) -> Page:
        key = (cell.name, theme)
        if key not in opened:
            for page in opened.values():
                page.context.close()
            opened.clear()
            context = browser.new_context(
                base_url=app_server,
                viewport={"width": cell.width, "height": cell.height},
                color_scheme=theme,
            )
            opened[key] = context.new_page()
        return opened[key]

    warm = browser.new_page(base_url=app_server)  # a cold server's first run imports a lot
    warm.goto("/")
    wait_for_app_idle(warm)
    warm.close()
    yield open_window
    for page in opened.values():
        page.context.close()


@pytest.fixture(scope="module", autouse=True)
def matrix_record(pytestconfig: pytest.Config) -> Iterator[None]:
    """Write every cell's result to ``<--output>/matrix.json`` when the module ends."""
    started = time.monotonic()
    yield
    out = Path(pytestconfig.getoption("--output")).absolute()
    out.mkdir(parents=True, exist_ok=True)
    record = {"seconds": round(time.monotonic() - started, 1), "cells": RESULTS}
    (out / "matrix.json").write_text(json.dumps(record, indent=1, ensure_ascii=False))


# Follow the menu's link to the page, as a student does (the page's code is loaded once per
# window, so a cell costs the page's run and drawing, not a reload); False when the menu has
# no such link (the first page of a window).
FOLLOW_MENU = """(path) => {
    const want = new URL(path, location.href).pathname.replace(/\\/$/, '');
    const link = [...document.querySelectorAll('[data-testid="stSidebarNavLink"]')]
        .find(a => new URL(a.href).pathname.replace(/\\/$/, '') === want);
    if (!link) return false;
    link.click();
    return true;
}"""
SHOWN = """(path) => {
    const want = new URL(path, location.href).pathname.replace(/\\/$/, '');
    const app = document.querySelector('[data-testid="stApp"]');
    return location.pathname.replace(/\\/$/, '') === want
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]');
}"""


def open_page(page: Page, path: str, cell: Cell) -> None:
    """Open the page (a link the first time, then the menu) and wait until its charts,
    formulas and fonts are drawn. Projector mode stays on through the menu, as in class."""
    url = f"/{path}"
    if page.url == "about:blank" or not page.evaluate(FOLLOW_MENU, url):
        page.goto(f"{url}{cell.query}")
    page.wait_for_function(SHOWN, arg=url)
    wait_for_app_idle(page)
    page.wait_for_selector("h1", state="visible")
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                   .every(c => { const g = c.querySelector('.js-plotly-plot');
                                 return g && g._fullLayout; })"""
    )
    page.evaluate("() => document.fonts.ready.then(() => true)")
    settle(page)  # the page script fits formulas and metrics once the fonts are in


def faintest_words(chart: dict, paper: tuple) -> tuple[float, str] | None:
    """The lowest contrast of the chart's ticks, titles and legend on ``paper``, and its colour."""
    shown = [(contrast(over(c, paper), paper), w) for w in chart["words"] if (c := rgb(w))]
    return min(shown, default=None)


def chart_problems(seen: dict, theme: str) -> list[str]:
    """Charts not drawn, not following the theme, or without a text alternative."""
    problems = []
    app = rgb(seen["background"]) or (255.0, 255.0, 255.0, 1.0)
    for chart in seen["charts"]:
        name = chart["key"] or "a chart"
        if not chart["drawn"]:
            problems.append(f"chart {name}: not drawn")
            continue
        for part in ("paper", "plot"):
            colour = rgb(chart[part])
            if theme == "dark" and colour and colour[3] > 0:
                if luminance(over(colour, app)) > WHITE_PAPER:
                    problems.append(f"chart {name}: {part} background {chart[part]} in dark mode")
        paper = over(rgb(chart["svgBackground"]) or (0, 0, 0, 0), app)
        faintest = faintest_words(chart, paper)
        if faintest and faintest[0] < TEXT_CONTRAST:
            problems.append(
                f"chart {name}: its text {faintest[1]} has contrast {faintest[0]:.1f}:1 "
                f"on {chart['svgBackground']}"
            )
        if not chart["name"]:
            problems.append(f"chart {name}: no text alternative (aria-label)")
    return problems


def on_first_screen(place: dict | None, height: int) -> bool:
    return place is not None and place["top"] >= 0 and place["bottom"] <= height


def judge(seen: dict, cell: Cell, theme: str, path: str) -> list[str]:
    """Everything wrong with one page in one window, in words."""
    problems = [f"{c['kind']} {c['text']!r} is cut: {c['why']}" for c in seen["cut"]]
    problems += [
        f"text {e['text']!r} ends in an ellipsis ({e['where']})"
        for e in seen["ellipses"]
        if e["where"] not in OWN_ELLIPSES
    ]
    problems += [
        f"the word {b['word']!r} breaks across lines in {b['text']!r} ({b['where']})"
        for b in seen["broken"]
    ]
    problems += [f"chart {c['chart']}: heatmap values: {c['why']}" for c in seen["crowded"]]
    problems += [f"chart {c['chart']}: its words: {c['why']}" for c in seen["covered"]]
    problems += [
        f"chart {t['chart']}: the value {t['text']!r} on a bar is drawn at {t['px']} px (under 9)"
        for t in seen["tiny"]
    ]
    problems += [
        f"stacked columns {g['gap']} px apart (after {g['after']!r}): more than the page's 16 px"
        for g in seen["stacked"]
    ]
    if seen["sideways"] > 1:
        problems.append(f"the page scrolls sideways by {seen['sideways']} px")
    problems += chart_problems(seen, theme)
    focus = FOCUS.get(path, DEFAULT_FOCUS)
    if cell.name in focus.required:
        for what in ("picture", "control"):
            place = seen[what]
            if not on_first_screen(place, cell.height):
                problems.append(
                    f"the main {what} is not on the first screen ({cell.height} px): {place}"
                )
    return problems


def mark_fold(shot: Path, height: int) -> None:
    """Draw a dashed line across the screenshot where the first screen ends."""
    with Image.open(shot) as image:
        if image.height <= height:
            return
        draw = ImageDraw.Draw(image)
        for x in range(0, image.width, 16):
            draw.line([(x, height), (x + 8, height)], fill=(255, 0, 160), width=3)
        image.save(shot)


@pytest.mark.parametrize(("cell", "theme", "path"), MATRIX, ids=[cell_id(c) for c in MATRIX])
def test_page_fits_the_window(
    window: Callable[[Cell, str], Page],
    screenshot_dir: Path,
    cell: Cell,
    theme: str,
    path: str,
) -> None:
    """No number or formula is cut, charts follow the theme, the picture is where it must be."""
    page = window(cell, theme)
    started = time.monotonic()
    open_page(page, path, cell)
    errors = page.get_by_test_id("stException")
    seen = probe(page, FOCUS.get(path, DEFAULT_FOCUS))
    problems = judge(seen, cell, theme, path) + tab_bar_problems(tab_bars(page))
    if errors.count():
        problems.insert(0, "the page shows an exception: " + errors.first.inner_text()[:300])
    shot = save_screenshot(page, screenshot_dir / "matrix" / f"{cell_id((cell, theme, path))}.png")
    mark_fold(shot, cell.height)
    RESULTS[cell_id((cell, theme, path))] = {
        "problems": problems,
        "picture": seen["picture"],
        "control": seen["control"],
        "main_width": seen["mainWidth"],
        "sidebar_open": seen["sidebarOpen"],
        "seconds": round(time.monotonic() - started, 1),
    }
    assert not problems, f"{label(path)} at {cell.name} ({theme}):\n- " + "\n- ".join(problems)


# ----------------------------------------------------------------- projector and tablet


def fresh_page(browser: Browser, app_server: str, width: int, height: int) -> Page:
    context = browser.new_context(base_url=app_server, viewport={"width": width, "height": height})
    return context.new_page()


def test_leaving_projector_mode_brings_the_menu_back(browser: Browser, app_server: str) -> None:
    """Projector mode hides the menu; its "Leave projector mode" button, top right, ends it."""
    page = fresh_page(browser, app_server, 1280, 720)
    try:
        page.goto("/binary?projector=1&hide=t")
        wait_for_app_idle(page)
        expect(page.get_by_test_id("stSidebar")).to_be_hidden()
        leave = page.get_by_role("button", name="Leave projector mode")
        box = leave.bounding_box()
        assert box and box["y"] < 60 and box["x"] + box["width"] > 1280 - 60, box
        leave.click()
        expect(page.get_by_test_id("stSidebar")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/binary\?hide=t$"))
        wait_for_app_idle(page)
        expect(page.locator(".st-key-t").first).to_be_hidden()  # the rest of the link stays
        expect(leave).to_have_count(0)
    finally:
        page.context.close()


def test_hidden_buttons_leave_no_empty_columns_beside_the_slider(
    browser: Browser, app_server: str
) -> None:
    """Training with Play, Step, Reset and the preset hidden: the speed slider moves to the
    left edge instead of floating after four empty columns."""
    page = fresh_page(browser, app_server, 1280, 720)
    try:
        page.goto("/training?projector=1&hide=play,preset")
        wait_for_app_idle(page)
        slider = page.locator(".st-key-tr_speed")
        expect(slider).to_be_visible()
        left = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()["x"]
        assert slider.bounding_box()["x"] - left < 80, "the slider floats right of empty columns"
    finally:
        page.context.close()


def test_a_tablet_opens_with_the_sidebar_folded_and_can_open_it(
    browser: Browser, app_server: str
) -> None:
    """At 820 px (Streamlit folds only at 768 px and below) the page gets the whole width."""
    page = fresh_page(browser, app_server, 820, 1180)
    try:
        page.goto("/binary")
        wait_for_app_idle(page)
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
        assert page.locator('[data-testid="stMain"]').bounding_box()["width"] > 780
        page.get_by_test_id("stExpandSidebarButton").click()
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
        page.reload()  # the student's choice is kept: no folding again
        wait_for_app_idle(page)
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
    finally:
        page.context.close()


def test_the_training_calibration_charts_follow_the_dark_theme(
    browser: Browser, app_server: str, screenshot_dir: Path
) -> None:
    """The reliability diagrams and the temperature chart (drawn only when their section is
    open) had white paper with the dark theme's near-white text."""
    context = browser.new_context(
        base_url=app_server, viewport={"width": 1280, "height": 900}, color_scheme="dark"
    )
    page = context.new_page()
    try:
        page.goto("/training")
        wait_for_app_idle(page)
        page.get_by_text("Calibration: is the network as sure as it is right?").click()
        charts = page.locator(
            ".st-key-tr_reliability_before, .st-key-tr_reliability_after, .st-key-tr_temperature"
        )
        expect(charts).to_have_count(3)
        wait_for_app_idle(page)
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                       .every(c => c.getAttribute('aria-label'))"""
        )
        seen = probe(page, FOCUS["training"])
        calibration = [c for c in seen["charts"] if c["key"].startswith("tr_")]
        assert len(calibration) == 3, seen["charts"]
        problems = chart_problems({**seen, "charts": calibration}, "dark")
        save_screenshot(page, screenshot_dir / "matrix" / "training-calibration-dark.png")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
