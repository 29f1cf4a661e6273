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


def css(room: Classroom) -> str:
    """The style sheet that hides ``room.hidden`` and, in projector mode, enlarges the page."""
    hidden = [c for c in controls(room.page) if c.name in room.hidden]
    selectors = [s for c in hidden for s in c.selectors()]
    if SIDEBAR in hidden or room.projector:
        selectors += SIDEBAR_SELECTORS
    rules = []
    if selectors:
        rules.append(",\n".join(selectors) + " { display: none !important; }")
    if room.projector:
        rules += [
            f"html {{ font-size: {ROOT_FONT_PX}px !important; }}",
            '[data-testid="stHeader"] { display: none !important; }',
            '[data-testid="stMainBlockContainer"] { max-width: none !important; '
            "padding: 1.5rem 2rem 3rem !important; }",
            # the training page's pictures (st.html images) fill their column
            'img[data-testid="tr-boundary"], img[data-testid="tr-units"] '
            "{ width: 100% !important; height: auto !important; }",
        ]
    return "\n".join(rules)
