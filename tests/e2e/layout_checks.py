"""What the browser matrix and the accessibility tests measure in a page, and axe-core.

- :func:`routed_pages`: the pages ``app.py`` routes, read from its ``_page(...)`` lines.
- :data:`CELLS` and :data:`THEMES`: the window sizes and colour schemes of the matrix.
- :func:`probe`: one pass over the rendered page: cut numbers and formulas, the charts'
  colours and names, the main picture and control, sideways scrolling.
- :func:`tab_bars` and :func:`tab_bar_problems`: each ``st.tabs`` bar, its tabs' boxes, and
  any tab not whole inside the bar's box (a bar that scrolls shows its last tab as "T›").
- :func:`under_fixed` and :func:`covered`: the text and controls shown where a fixed element
  (the projector's "Leave projector mode" button) sits; :func:`scroll_main` scrolls the page.
- :func:`run_axe`: axe-core (``tests/e2e/node_modules``, installed by ``npm ci --prefix
  tests/e2e``) injected into the page; :func:`axe_problem` says why it cannot run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from serving.server import ROOT

AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "npm ci --prefix tests/e2e"


def routed_pages(app: Path = ROOT / "app.py") -> list[str]:
    """The url path of every page ``app.py`` routes (``""`` for the default page), in order.

    Read from its ``_page("name", ...)`` calls, so a page added there is tested here.
    """
    found = []
    for node in ast.walk(ast.parse(app.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_page"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            default = any(
                k.arg == "default" and isinstance(k.value, ast.Constant) and k.value.value
                for k in node.keywords
            )
            found.append((node.lineno, "" if default else node.args[0].value))
    return [name for _, name in sorted(found)]


@dataclass(frozen=True)
class Cell:
    """A window the app must work in: its name, size and whether the link says projector=1."""

    name: str
    width: int
    height: int
    projector: bool = False

    @property
    def query(self) -> str:
        return "?projector=1" if self.projector else ""


CELLS = (
    Cell("projector", 1280, 720, projector=True),  # a classroom projector, ?projector=1
    Cell("laptop", 1024, 768),
    Cell("tablet", 820, 1180),  # a tablet held upright
    Cell("phone", 390, 844),
)
THEMES = ("light", "dark")  # the browser's prefers-color-scheme (Playwright color_scheme)


@dataclass(frozen=True)
class Focus:
    """A page's main picture and the control that drives it (CSS selectors).

    ``required``: the cells (names) where both must be on the first screen; elsewhere their
    positions are only recorded, since a long page may not allow it.
    """

    picture: str
    control: str
    required: tuple[str, ...] = ()


def _chart(key: str) -> str:
    """The chart drawn with ``key`` (Streamlit puts ``st-key-<key>`` on its container)."""
    return f'.st-key-{key} [data-testid="stPlotlyChart"]'


# Per page (url path; "" is the overview): the picture a student came to see and the control
# that moves it. A page not listed falls back to its first chart and its first slider.
FOCUS: dict[str, Focus] = {
    "": Focus('[data-testid="stMetric"]', ".st-key-ov_links"),
    "binary": Focus(_chart("bce_curve"), ".st-key-p"),
    "categorical": Focus('[data-testid="stDataFrame"]', '[data-testid="stDataFrame"]'),
    "softmax": Focus(_chart("softmax_bars"), '[class*="st-key-z_"]'),
    "training": Focus(
        '[data-testid="tr-picture"], img[data-testid="tr-boundary"]',
        ".st-key-tr_play",
        required=("projector", "phone"),
    ),
    "versus": Focus(_chart("vs_curves"), ".st-key-vs_z"),
    "information": Focus(_chart("info_distributions"), '[data-testid="stDataFrame"]'),
    "smoothing": Focus(_chart("ls_curves"), '[class*="st-key-ls_eps"], [data-testid="stSlider"]'),
    "gradcheck": Focus(_chart("gc_errors"), '[data-testid="stSelectbox"]'),
}
DEFAULT_FOCUS = Focus('[data-testid="stPlotlyChart"]', '[data-testid="stSlider"]')


# One pass over the page, in the browser (see probe()).
_PROBE_JS = "\n".join(
    line
    for line in (Path(__file__).parent / "layout_probe.js").read_text().splitlines()
    if not line.startswith("//")  # Playwright must see a function expression first
)


SETTLE_MS = 3000  # how long page.js may take to fit and name things after the last change


def settle(page: Page) -> None:
    """Wait (at most SETTLE_MS) until the page script has fitted every formula, metric
    value and heatmap value and named every chart; what is still wrong then is for the
    checks to report."""
    try:
        page.wait_for_function(
            """() => window.__xentPage
                && [...document.querySelectorAll(
                        '.katex-display, [data-testid="stMetricValue"] > div')]
                       .every(e => e.scrollWidth <= e.clientWidth + 1 || !e.clientWidth)
                && [...document.querySelectorAll('[data-testid="stPlotlyChart"] g.hm text')]
                       .every(t => t.style.fontSize || t.style.display)
                && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                       .every(c => c.getAttribute('aria-label'))""",
            timeout=SETTLE_MS,
        )
    except PlaywrightTimeoutError:
        pass


def probe(page: Page, focus: Focus) -> dict[str, Any]:
    """Measure the rendered page (see the module docstring); plain data."""
    return page.evaluate(_PROBE_JS, [focus.picture, focus.control])


# Every tab bar (st.tabs) shown in the page: its box, how wide its content is, its tabs' boxes
# and labels, and whether Streamlit shows its scroll arrows. ``within``: a CSS selector the
# bars must be inside (e.g. a container's ``.st-key-...``), or null for the whole page.
_TAB_BARS_JS = """(within) => {
  const root = document.querySelector(within || '[data-testid="stMain"]');
  if (!root) return [];
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  };
  const bars = [...root.querySelectorAll('[data-testid="stTabs"] [role="tablist"]')];
  return bars.filter(shown).map((bar) => ({
    box: box(bar),
    scrollWidth: bar.scrollWidth,
    clientWidth: bar.clientWidth,
    arrows: [...bar.closest('[data-testid="stTabs"]').querySelectorAll(
      ':scope > [data-testid^="stTabsScroll"]')].filter(shown).length,
    tabs: [...bar.querySelectorAll('[role="tab"]')].map((tab) => ({
      label: tab.innerText.trim(), box: box(tab),
      scrollWidth: tab.scrollWidth, clientWidth: tab.clientWidth,
    })),
  }));
}"""


def tab_bars(page: Page, within: str | None = None) -> list[dict[str, Any]]:
    """Each visible ``st.tabs`` bar of the page (or inside the CSS selector ``within``): its
    ``box`` (left, right, top, bottom), ``scrollWidth`` and ``clientWidth``, the number of
    scroll ``arrows`` shown and its ``tabs`` (``label``, ``box``, ``scrollWidth``,
    ``clientWidth``)."""
    return page.evaluate(_TAB_BARS_JS, within)


def tab_bar_problems(bars: list[dict[str, Any]], slack: float = 0.5) -> list[str]:
    """In words, every tab not whole inside its bar's visible box: a bar that scrolls
    sideways or shows scroll arrows, a tab sticking out of the bar, a label cut in its tab."""
    problems = []
    for bar in bars:
        labels = [tab["label"] for tab in bar["tabs"]]
        if bar["scrollWidth"] > bar["clientWidth"]:
            problems.append(
                f"the tab bar {labels} scrolls sideways "
                f"({bar['scrollWidth']} px in {bar['clientWidth']} px)"
            )
        if bar["arrows"]:
            problems.append(f"the tab bar {labels} shows {bar['arrows']} scroll arrow(s)")
        edge = bar["box"]
        for tab in bar["tabs"]:
            where = tab["box"]
            if where["right"] > edge["right"] + slack or where["left"] < edge["left"] - slack:
                problems.append(
                    f"the tab {tab['label']!r} runs outside its bar: it spans "
                    f"{where['left']:.1f}-{where['right']:.1f} px, the bar "
                    f"{edge['left']:.1f}-{edge['right']:.1f} px"
                )
            if tab["scrollWidth"] > tab["clientWidth"]:
                problems.append(
                    f"the tab {tab['label']!r} is cut ({tab['scrollWidth']} px of label in "
                    f"{tab['clientWidth']} px)"
                )
    return problems


# What is shown where a fixed element sits: the element's box, and the box of every piece of
# text (each line of each text node, chart labels included) and every control or picture in
# the main area, each cut to the part its scrolling and clipping ancestors let show; hidden
# things (display none, visibility hidden, opacity 0, a closed expander's body) are left out.
_UNDER_FIXED_JS = """(selector) => {
  const holder = document.querySelector(selector);
  if (!holder) return {element: null, boxes: []};
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const plain = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const cut = (a, b) => ({left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
                          right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom)});
  const window_ = {left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight};
  const clips = new Map();
  const showable = (el) => {  // the part of the window where el's content can show
    if (!el || el === document.documentElement) return window_;
    if (!clips.has(el)) {
      const cs = getComputedStyle(el);
      let part = cs.position === 'fixed' ? window_ : showable(el.parentElement);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        part = cut(part, plain(el.getBoundingClientRect()));
      }
      clips.set(el, part);
    }
    return clips.get(el);
  };
  const shown = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') return false;
    }
    return !el.closest('details:not([open]) > :not(summary)');
  };
  const boxes = [];
  const add = (kind, what, rect, el) => {
    const box = cut(plain(rect), showable(el));
    if (box.right - box.left > 0.5 && box.bottom - box.top > 0.5) boxes.push({kind, what, box});
  };
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const words = node.textContent.trim().replace(/\\s+/g, ' ');
    const el = node.parentElement;
    if (!words || holder.contains(el) || el.closest('.katex-mathml, style, script')) continue;
    if (!shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) add('text', words.slice(0, 60), rect, el);
  }
  const controls = 'h1, h2, h3, h4, h5, h6, button, input, textarea, select, a[href], '
    + '[role="slider"], [role="tab"], [role="combobox"], [role="radio"], [role="checkbox"], '
    + '[role="switch"], summary, [data-testid="stDataFrame"], [data-testid="stPlotlyChart"], '
    + '[data-testid="stMetric"], img, canvas';
  for (const el of main.querySelectorAll(controls)) {
    if (holder.contains(el) || !shown(el)) continue;
    const what = (el.getAttribute('aria-label') || el.innerText || el.tagName).trim();
    const kind = el.getAttribute('role') || el.getAttribute('data-testid') || el.tagName;
    const rect = el.getBoundingClientRect();
    add(kind.toLowerCase(), what.replace(/\\s+/g, ' ').slice(0, 60), rect, el);
  }
  const element = [...holder.querySelectorAll('button, a, [role="button"]'), holder]
    .find((el) => el.getBoundingClientRect().width > 0);
  return {element: element ? plain(element.getBoundingClientRect()) : null, boxes};
}"""


def under_fixed(page: Page, selector: str) -> dict[str, Any]:
    """Where the fixed element ``selector`` sits and what the main area shows: ``element`` (its
    clickable part's box: left, top, right, bottom; None when it is not there) and ``boxes``
    (``kind``, ``what`` and the shown part of the ``box`` of each text line, heading, control,
    table, chart and picture outside it)."""
    return page.evaluate(_UNDER_FIXED_JS, selector)


def overlap(a: dict[str, float], b: dict[str, float], slack: float = 0.5) -> bool:
    """True when the boxes (left, top, right, bottom) share more than ``slack`` px each way."""
    return (
        a["left"] < b["right"] - slack
        and b["left"] < a["right"] - slack
        and a["top"] < b["bottom"] - slack
        and b["top"] < a["bottom"] - slack
    )


def covered(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The boxes of :func:`under_fixed`'s answer that the fixed element's box overlaps."""
    element = found["element"]
    return [b for b in found["boxes"] if element and overlap(element, b["box"])]


def scroll_main(page: Page, fraction: float) -> int:
    """Scroll the main area (Streamlit scrolls it, not the window) to ``fraction`` of the way
    down (0 the top, 1 the bottom); the pixels scrolled."""
    return page.evaluate(
        """(fraction) => {
            const main = document.querySelector('[data-testid="stMain"]');
            main.scrollTop = Math.round(fraction * (main.scrollHeight - main.clientHeight));
            return main.scrollTop;
        }""",
        fraction,
    )


def rgb(colour: str | None) -> tuple[float, float, float, float] | None:
    """``"#171614"``, ``"rgb(1, 2, 3)"``, ``"rgba(1, 2, 3, 0.5)"``, ``"white"`` -> (r, g, b, a)
    in 0..255 (alpha 0..1); None for anything else."""
    if not colour:
        return None
    c = colour.strip().lower()
    named = {"white": "#ffffff", "black": "#000000", "transparent": "rgba(0,0,0,0)"}
    c = named.get(c, c)
    if c.startswith("#") and len(c) in (4, 7):
        digits = c[1:] if len(c) == 7 else "".join(ch * 2 for ch in c[1:])
        return (*(float(int(digits[i : i + 2], 16)) for i in (0, 2, 4)), 1.0)
    if c.startswith(("rgb(", "rgba(")):
        parts = [float(p) for p in c[c.index("(") + 1 : -1].replace("/", ",").split(",") if p]
        return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)
    return None


def luminance(colour: tuple[float, float, float, float]) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b, _ = colour
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: tuple, b: tuple) -> float:
    """WCAG contrast ratio of two opaque colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(colour: tuple, background: tuple) -> tuple[float, float, float, float]:
    """``colour`` (maybe translucent) as seen over an opaque ``background``."""
    a = colour[3]
    return (*(a * colour[i] + (1 - a) * background[i] for i in range(3)), 1.0)


def axe_problem() -> str | None:
    """Why axe-core cannot be injected here, or None."""
    if AXE_JS.is_file():
        return None
    return f"axe-core is not installed ({AXE_JS} is missing): run `{AXE_INSTALL}`"


# Rules run: WCAG 2.0-2.2 A and AA and the best-practice rules (heading order, regions...).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def run_axe(page: Page, *, exceptions: dict[str, tuple[str, str]] | None = None) -> dict:
    """axe-core's violations in ``page`` (its ``axe.run`` over the whole document).

    ``exceptions``: rule id -> (CSS selector, why): a violation of that rule on an element
    inside that selector is set aside (``excepted``), not returned in ``violations``. Each
    violation: ``id``, ``impact``, ``help`` and its ``nodes`` (``target``, ``html``,
    ``summary``), as axe reports them.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    within = {rule: selector for rule, (selector, _) in (exceptions or {}).items()}
    return page.evaluate(
        """async ([options, within]) => {
            const r = await axe.run(document, options);
            const found = {violations: [], excepted: []};
            for (const v of r.violations) {
                const nodes = {kept: [], excepted: []};
                for (const n of v.nodes) {
                    const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
                    const set = within[v.id] && el && el.closest(within[v.id]);
                    nodes[set ? 'excepted' : 'kept'].push({target: n.target,
                        html: n.html.slice(0, 300), summary: n.failureSummary});
                }
                for (const part of ['kept', 'excepted']) {
                    if (nodes[part].length) {
                        found[part === 'kept' ? 'violations' : 'excepted'].push(
                            {id: v.id, impact: v.impact, help: v.help, nodes: nodes[part]});
                    }
                }
            }
            return found;
        }""",
        [AXE_OPTIONS, within],
    )


# Every table (st.dataframe, st.data_editor) whose grid scrolls sideways inside its box: the
# columns past its right edge are cut where a student reads them.
_SIDEWAYS_TABLES_JS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .map((grid) => {
    const scroller = grid.querySelector('.dvn-scroller');
    const holder = grid.closest('[class*="st-key-"]');
    const key = holder ? [...holder.classList].find((c) => c.startsWith('st-key-')).slice(7) : '';
    return scroller && {key, content: scroller.scrollWidth, shown: scroller.clientWidth};
  })
  .filter((t) => t && t.content > t.shown + 1)"""


def sideways_tables(page: Page) -> list[dict[str, Any]]:
    """The tables of the page that scroll sideways: ``key`` (of the nearest keyed container,
    or ""), ``content`` and ``shown`` widths in px."""
    return page.evaluate(_SIDEWAYS_TABLES_JS)


# The values printed on a chart's bars as drawn: plotly shrinks a bar's text with a transform
# (scale), not its font size, so the size is the font size times the drawn / natural height.
_BAR_VALUES_JS = """(selector) => [...document.querySelectorAll(
    `${selector} [data-testid="stPlotlyChart"] g.trace.bars text.bartext`)]
  .filter((t) => (t.textContent || '').trim() && t.getBBox().height)
  .map((t) => ({text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize)
                * t.getBoundingClientRect().height / t.getBBox().height}))"""


def bar_values(page: Page, selector: str) -> list[dict[str, Any]]:
    """Each value printed on a bar of the charts inside ``selector``: ``text`` and ``px``, the
    font size it is drawn at."""
    return page.evaluate(_BAR_VALUES_JS, selector)
