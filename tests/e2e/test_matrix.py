"""Every page in every window a class uses: projector, laptop, tablet, phone, light and dark.

One server and one browser for the whole matrix; one browser context per window and colour
scheme, its pages opened one after the other (72 page loads for 9 pages). For each:

- no metric (value, label, delta) and no formula is cut or scrolls inside its box, and the
  page does not scroll sideways;
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
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page

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
)

pytestmark = pytest.mark.e2e

PAGES = routed_pages()
MATRIX = [(cell, theme, path) for cell in CELLS for theme in THEMES for path in PAGES]
RESULTS: dict[str, dict] = {}

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


def open_page(page: Page, path: str, cell: Cell) -> None:
    """Go to the page as a link opens it and wait until its charts, formulas and fonts are
    drawn."""
    page.goto(f"/{path}{cell.query}")
    wait_for_app_idle(page)
    page.wait_for_selector("h1", state="visible")
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                   .every(c => { const g = c.querySelector('.js-plotly-plot');
                                 return g && g._fullLayout; })"""
    )
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_timeout(150)  # one more frame for layout after the fonts


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
    problems = judge(seen, cell, theme, path)
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
        "other_ellipses": seen["ellipses"],
        "seconds": round(time.monotonic() - started, 1),
    }
    assert not problems, f"{label(path)} at {cell.name} ({theme}):\n- " + "\n- ".join(problems)
