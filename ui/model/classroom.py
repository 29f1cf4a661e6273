"""Classroom mode, as data: what a link's ``?hide=`` and ``?projector=`` ask of a page.

``?hide=t,table`` hides those controls of the page (names from :mod:`ui.model.controls`).
They are only hidden (CSS on their ``st-key-<key>`` class), never left out, so they still
hold the link's values and the page computes exactly as without ``hide``. ``?projector=1``
hides the sidebar, enlarges the text and the figures and lets the content use the whole
width. :func:`read` parses the link, :func:`css` writes the style sheet;
:mod:`ui.widgets.classroom` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.model.controls import CONTROLS, SIDEBAR, SIDEBAR_SELECTORS, Control, controls
from ui.model.params import boolean
from ui.text.quoting import in_code_span

HIDE = "hide"  # ?hide=name,name: controls to hide (names from CONTROLS)
PROJECTOR = "projector"  # ?projector=1: big text and figures, no sidebar
ALL = "all"  # ?hide=all: every control of the page (not the sidebar)
ROOT_FONT_PX = 22  # projector: the root font size (Streamlit's text is in rem; default 16)
MAX_SHOWN = 40  # characters of a bad link value quoted back

__all__ = ["CONTROLS", "Classroom", "Control", "controls", "css", "parse_hide", "read"]


@dataclass(frozen=True)
class Classroom:
    """What a link asked for: the page, the controls to hide, projector mode, and the notes."""

    page: str
    hidden: tuple[str, ...] = ()
    projector: bool = False
    notes: tuple[str, ...] = ()


def parse_hide(raw: str | None, page: str) -> tuple[tuple[str, ...], list[str]]:
    """``"p, Table,,p"`` -> ``(("p", "table"), [])``: known names in the page's order, unknown.

    Names are case-insensitive, spaces and empty items are ignored, ``all`` is every control
    of the page (not the sidebar). Returns the names to hide and the unknown ones as typed.
    """
    if raw is None:
        return (), []
    known = {c.name: c for c in controls(page)}
    wanted: set[str] = set()
    unknown: list[str] = []
    for item in raw.split(","):
        name = item.strip().lower()
        if not name:
            continue
        if name == ALL:
            wanted.update(c.name for c in CONTROLS.get(page, ()))
        elif name in known:
            wanted.add(name)
        elif item.strip() not in unknown:
            unknown.append(item.strip())
    return tuple(c.name for c in controls(page) if c.name in wanted), unknown


def parse_projector(raw: str | None) -> tuple[bool, str | None]:
    """``"1"`` -> ``(True, None)``; a value that is not true or false -> ``(False, why)``."""
    if raw is None:
        return False, None
    try:
        return boolean(raw.strip()), None
    except ValueError as err:
        return False, str(err)


def read(page: str, query: dict[str, str]) -> Classroom:
    """What the link's ``query`` asks of ``page``, with a note for each thing it cannot use."""
    hidden, unknown = parse_hide(query.get(HIDE), page)
    projector, why = parse_projector(query.get(PROJECTOR))
    notes = []
    if unknown:
        names = ", ".join(c.name for c in controls(page))
        listed = ", ".join(f"`{in_code_span(u, MAX_SHOWN)}`" for u in unknown)
        notes.append(
            f"Link setting `{HIDE}={in_code_span(query[HIDE], MAX_SHOWN)}`: "
            f"{'no control is' if len(unknown) == 1 else 'no controls are'} named {listed} "
            f"on this page; it can hide {names} (or {ALL})."
        )
    if why:
        notes.append(
            f"Link setting `{PROJECTOR}={in_code_span(query[PROJECTOR], MAX_SHOWN)}` {why} "
            "(use 1 or 0); projector mode is off."
        )
    return Classroom(page=page, hidden=hidden, projector=projector, notes=tuple(notes))


LEAVE_KEY = "xent_leave_projector"  # the "Leave projector mode" button (ui/widgets/classroom.py)
BAR_REM = 2.5  # projector: the bar across the top that holds only that button
LEAVE_REM = 2.0  # ... and the button's height in it

# Projector mode, on every page: no sidebar or header, text and figures larger, the whole
# width, a compact title, and the way back in the top right corner. That corner is a bar of
# its own: the scrolling main area starts under it, so nothing, at the top of the page or
# scrolled, ever passes under the button (fixed over the page, it covered the wide titles at
# 1024 px and, scrolled, the "Loss curves" heading, sliders, tables and charts).
PROJECTOR_RULES = (
    f"html {{ font-size: {ROOT_FONT_PX}px !important; }}",
    '[data-testid="stHeader"] { display: none !important; }',
    f'[data-testid="stMain"] {{ margin-top: {BAR_REM}rem !important; '
    f"height: calc(100dvh - {BAR_REM}rem) !important; }}",
    '[data-testid="stMainBlockContainer"] { max-width: none !important; '
    "padding: 0 2rem 3rem !important; }",
    "h1 { font-size: 2.25rem !important; padding: 0 0 0.5rem !important; }",
    f".st-key-{LEAVE_KEY} {{ position: fixed !important; "
    f"top: {(BAR_REM - LEAVE_REM) / 2}rem !important; right: 0.75rem; "
    "width: auto !important; z-index: 999990; }",
    f".st-key-{LEAVE_KEY} button {{ min-height: {LEAVE_REM}rem !important; }}",
    # the training page's pictures (st.html images) fill their column
    'img[data-testid="tr-boundary"], img[data-testid="tr-units"] '
    "{ width: 100% !important; height: auto !important; }",
)
# ... and per page. Training: the live picture and Play on the first screen of a 1280 x 720
# projector: the intro paragraph under the title and the line over the picture (network
# sizes, also in the Network tab) are left out, the teacher says them; the picture is no
# taller than the window left under the bar, the title, the buttons and its numbers.
PROJECTOR_PAGE_RULES: dict[str, tuple[str, ...]] = {
    "training": (
        '[data-testid="stElementContainer"]:has(h1) + '
        '[data-testid="stElementContainer"]:has(> [data-testid="stMarkdown"]), '
        '[data-testid="stElementContainer"]:has(> [data-testid="stMarkdown"]):has('
        '+ [data-testid="stElementContainer"] [data-testid="tr-live"]) '
        "{ display: none !important; }",
        '[data-testid="tr-picture"] { max-width: min(25rem, calc(100vh - 17rem)) !important; }',
    ),
}


def empty_columns_rule(selectors: list[str]) -> str:
    """A rule hiding every column that holds some of ``selectors`` and nothing else, so
    hiding controls leaves no hole (a lone slider beside four empty button columns)."""
    hidden = ", ".join(selectors)
    shown = f'[data-testid="stElementContainer"]:not({hidden}):not(:is({hidden}) *)'
    column = f'[data-testid="stColumn"]:has({hidden}):not(:has({shown}))'
    return column + " { display: none !important; }"


def css(room: Classroom) -> str:
    """The style sheet that hides ``room.hidden`` and, in projector mode, enlarges the page."""
    hidden = [c for c in controls(room.page) if c.name in room.hidden]
    selectors = [s for c in hidden for s in c.selectors()]
    rules = []
    if selectors:
        rules.append(empty_columns_rule(selectors))
    if SIDEBAR in hidden or room.projector:
        selectors += SIDEBAR_SELECTORS
    if selectors:
        rules.insert(0, ",\n".join(selectors) + " { display: none !important; }")
    if room.projector:
        rules += [*PROJECTOR_RULES, *PROJECTOR_PAGE_RULES.get(room.page, ())]
    return "\n".join(rules)
