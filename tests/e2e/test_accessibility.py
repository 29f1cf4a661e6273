"""Accessibility in a real browser: axe-core on every page, light and dark, and the keyboard.

axe-core 4.14 (``tests/e2e/package.json``; ``npm ci --prefix tests/e2e`` installs it) is
injected into each page with ``page.add_script_tag`` and run with the WCAG 2.x A/AA and
best-practice rules. A serious or critical violation fails, and so does any violation of the
rules in :data:`ALWAYS_FAIL` whatever axe's impact. Streamlit's own markup is set aside only
where :data:`STREAMLIT_OWN` names the rule and the element and says why. Without axe-core the
tests skip, except under ``CI=true``, where they fail. Counts by rule land in
``test-results/axe.json``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.helpers import is_ci, wait_for_app_idle
from tests.e2e.layout_checks import axe_problem, routed_pages, run_axe, settle

pytestmark = pytest.mark.e2e

PAGES = routed_pages()
THEMES = ("light", "dark")
WINDOW = {"width": 1280, "height": 800}
FAILING_IMPACTS = {"serious", "critical"}
# Rules the issue names: they fail whatever impact axe gives them (heading-order is
# "moderate", empty-table-header "minor" in axe 4.14).
ALWAYS_FAIL = {"heading-order", "empty-table-header"}

# Streamlit's own markup, set aside: rule -> (where, why). The app writes none of it.
STREAMLIT_OWN: dict[str, tuple[str, str]] = {
    "list": (
        '[data-testid="stSidebarNav"]',
        "st.navigation's menu: Streamlit 1.67 wraps each section's <li> items in a <div> "
        "inside the <ul data-testid=stSidebarNavItems>",
    ),
    "listitem": (
        '[data-testid="stSidebarNav"]',
        "the same menu: its <li> items sit in that <div>, not directly in the <ul>",
    ),
}

RECORD: dict[str, dict] = {}


@pytest.fixture(scope="session")
def axe_ready() -> None:
    """axe-core is there; under CI=true its absence fails instead of skipping."""
    problem = axe_problem()
    if problem:
        if is_ci():
            pytest.fail(f"CI=true: the accessibility tests must run, but {problem}", pytrace=False)
        pytest.skip(problem)


@pytest.fixture(scope="module", autouse=True)
def axe_record(pytestconfig: pytest.Config) -> Iterator[None]:
    """Write what axe found, by page and rule, to ``<--output>/axe.json``."""
    yield
    out = Path(pytestconfig.getoption("--output")).absolute()
    out.mkdir(parents=True, exist_ok=True)
    failing: Counter[str] = Counter()
    excepted: Counter[str] = Counter()
    for seen in RECORD.values():
        failing.update(seen["failing"])
        excepted.update(seen["excepted"])
    record = {
        "failing_by_rule": dict(sorted(failing.items())),
        "excepted_by_rule": dict(sorted(excepted.items())),
        "exceptions": {rule: why for rule, (_, why) in STREAMLIT_OWN.items()},
        "pages": RECORD,
    }
    (out / "axe.json").write_text(json.dumps(record, indent=1, ensure_ascii=False))


@pytest.fixture(scope="module")
def themed(browser: Browser, app_server: str) -> Iterator[dict[str, Page]]:
    """One page per colour scheme, at a desktop size."""
    pages = {}
    for theme in THEMES:
        context = browser.new_context(base_url=app_server, viewport=WINDOW, color_scheme=theme)
        pages[theme] = context.new_page()
    yield pages
    for page in pages.values():
        page.context.close()


def open_page(page: Page, path: str) -> None:
    """Go to the page and wait until its charts are drawn and the page script has run."""
    page.goto(f"/{path}")
    wait_for_app_idle(page)
    page.wait_for_selector("h1", state="visible")
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                   .every(c => { const g = c.querySelector('.js-plotly-plot');
                                 return g && g._fullLayout; })"""
    )
    page.evaluate("() => document.fonts.ready.then(() => true)")
    settle(page)


def failing(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS or v["id"] in ALWAYS_FAIL]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:4]:
            lines.append(f"    {' > '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"      {(node['summary'] or '').splitlines()[-1][:200]}")
        if len(v["nodes"]) > 4:
            lines.append(f"    ... and {len(v['nodes']) - 4} more")
    return "\n".join(lines)


def by_rule(violations: list[dict]) -> dict[str, int]:
    return dict(Counter(v["id"] for v in violations for _ in v["nodes"]))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_axe_finds_no_serious_violation(
    axe_ready: None, themed: dict[str, Page], path: str, theme: str
) -> None:
    """axe-core finds no serious or critical violation, no skipped heading level and no
    empty table header."""
    page = themed[theme]
    open_page(page, path)
    found = run_axe(page, exceptions=STREAMLIT_OWN)
    bad = failing(found["violations"])
    RECORD[f"{path or 'overview'}-{theme}"] = {
        "failing": by_rule(bad),
        "excepted": by_rule(found["excepted"]),
        "all": {v["id"]: [v["impact"], len(v["nodes"])] for v in found["violations"]},
    }
    assert not bad, f"{path or 'overview'} ({theme}):\n{describe(bad)}"


def focused(page: Page) -> str:
    """What has the keyboard focus: a chart-toolbar button's title, else a label or tag."""
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return e.getAttribute('data-title') || e.getAttribute('aria-label')
                          || e.className.toString() || e.tagName; }"""
    )


def test_the_keyboard_reaches_binarys_p_slider_right_after_its_charts_two_buttons(
    themed: dict[str, Page],
) -> None:
    """From the title, Tab reaches the p slider after the loss chart's camera and fullscreen
    buttons; no formula box takes a Tab stop (the chart toolbar had eight buttons)."""
    page = themed["light"]
    open_page(page, "binary")
    page.locator("h1").click()
    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1] == "predicted probability p":
            break
    assert seen[-1] == "predicted probability p", f"Tab went through {seen}"
    before = [s for s in seen[:-1] if s != "Link to heading"]  # the title's own anchor
    assert before == ["Download plot as a PNG", "Fullscreen"], f"Tab went through {seen}"
