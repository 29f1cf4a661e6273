"""Classroom mode in the page: the link's style applied, figures drawn through :func:`chart`,
the "Copy link to this view" button and the classroom-link builder in the sidebar.

app.py calls :func:`apply` before each page runs and :func:`sidebar` to draw the copy button
and the builder; pages draw their figures with :func:`chart`. What a link asks for is parsed
by :mod:`ui.model.classroom`; the copy buttons' script and style sheet are the files
``copy_link.js`` and ``copy_link.css`` beside this module.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.figures.projector import png_export, projector_figure
from ui.model.classroom import HIDE, LEAVE_KEY, PROJECTOR, Classroom, controls, css, read
from ui.widgets import url_state

_HERE = Path(__file__).parent
# One listener for every copy button of the page, installed once per browser tab (see the file).
COPY_SCRIPT = f"<script>\n{(_HERE / 'copy_link.js').read_text()}</script>\n"
BUTTON_STYLE = f"<style>\n{(_HERE / 'copy_link.css').read_text()}</style>\n"

SESSION = "_classroom"  # session-state key: the Classroom of the current run
NOTED = "_classroom_noted"  # the (page, hide, projector) whose notes were already shown


def apply(page: str) -> Classroom:
    """Read ``?hide=`` and ``?projector=`` for ``page`` (its url path), inject their style.

    Called by app.py before the page runs. Projector mode carries over to the pages visited
    from here (the menu drops the query string; this puts ``projector=1`` back), ``hide``
    does not: its names belong to one page. Notes about bad values are shown once, by the
    page's :func:`ui.widgets.url_state.show_notes`.
    """
    query = {key: st.query_params[key] for key in (HIDE, PROJECTOR) if key in st.query_params}
    before: Classroom | None = st.session_state.get(SESSION)
    if PROJECTOR not in query and before is not None and before.projector:
        query[PROJECTOR] = "1"
        st.query_params[PROJECTOR] = "1"
    room = read(page, query)
    st.session_state[SESSION] = room
    asked = (page, query.get(HIDE), query.get(PROJECTOR))
    if room.notes and st.session_state.get(NOTED) != asked:
        for note in room.notes:
            url_state.add_note(note)
    st.session_state[NOTED] = asked
    style = css(room)
    if style:
        st.html(f'<style id="xent-classroom">\n{style}\n</style>')
    if room.projector:  # the menu is gone: the way back, fixed in the top right corner
        st.button(
            "Leave projector mode",
            key=LEAVE_KEY,
            icon=":material/close_fullscreen:",
            type="tertiary",
            on_click=leave_projector,
        )
    return room


def leave_projector() -> None:
    """The button's callback: drop ``projector`` from the link and stop carrying it over."""
    if PROJECTOR in st.query_params:
        del st.query_params[PROJECTOR]
    st.session_state[SESSION] = None


def projecting() -> bool:
    """True when the current run is in projector mode."""
    room: Classroom | None = st.session_state.get(SESSION)
    return room is not None and room.projector


def chart(
    fig: go.Figure,
    *,
    key: str | None = None,
    into: DeltaGenerator | None = None,
    **kwargs: Any,
) -> DeltaGenerator:
    """``st.plotly_chart(fig, key=key, **kwargs)``; in projector mode, bigger fonts, taller.

    ``into`` is where to draw it (a column, or an element to replace in place); the page's
    main area by default. Outside projector mode the figure is drawn exactly as built. The
    toolbar's camera saves a PNG at twice the screen resolution, named after ``key``.
    """
    target = st if into is None else into
    if projecting():
        fig = projector_figure(fig)
    config = {**png_export(key), **kwargs.pop("config", {})}
    return target.plotly_chart(fig, key=key, config=config, **kwargs)


# Material Symbols Rounded is the icon font Streamlit itself loads (SVG would be sanitised).
LINK_ICON = '<span class="xent-copy-icon" aria-hidden="true">link</span>'


def theme_colors() -> tuple[str, str]:
    """The primary colour and a secondary button's background, as Streamlit's theme has them."""
    primary = st.get_option("theme.primaryColor") or "#ff4b4b"
    dark = getattr(st.context.theme, "type", None) == "dark"
    background = st.get_option("theme.backgroundColor") or ("#0e1117" if dark else "#ffffff")
    return primary, background


def copy_button_html(
    label: str,
    *,
    test_id: str,
    done: str = "Link copied",
    hidden: Sequence[str] | None = None,
    projector: bool = False,
    primary: str = "#ff4b4b",
    background: str = "#ffffff",
    assets: bool = True,
) -> str:
    """A button that copies the page's address; with ``hidden`` given, a classroom link.

    ``hidden`` (control names) and ``projector`` replace the address's ``hide`` and
    ``projector`` parameters at click time; ``None`` copies the address exactly. ``assets``
    adds the buttons' style sheet and click script, which one button per page carries for all.
    """
    data = {"data-xent-copy": "1", "data-done": done, "data-testid": test_id}
    if hidden is not None:
        data |= {
            "data-classroom": "1",
            "data-hide": ",".join(hidden),
            "data-projector": "1" if projector else "0",
        }
    attributes = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in data.items())
    colours = f"--xent-primary:{primary};--xent-button-bg:{background};"
    box = (
        f'<div class="xent-copy" style="{html.escape(colours, quote=True)}">'
        f'<button type="button" {attributes}>{LINK_ICON}<span>{html.escape(label)}</span>'
        "</button>"
        f'<div class="xent-copy-status" role="status" data-testid="{test_id}-status"></div>'
        f'<input class="xent-copy-field" type="text" readonly hidden '
        f'data-testid="{test_id}-field" aria-label="the link"></div>'
    )
    return f"{BUTTON_STYLE}{box}{COPY_SCRIPT}" if assets else box


def builder_default(page: str) -> list[str]:
    """The builder's starting choice: what the current link hides."""
    room: Classroom | None = st.session_state.get(SESSION)
    return list(room.hidden) if room is not None and room.page == page else []


def sidebar(page: str) -> None:
    """The "Copy link to this view" button and the classroom-link builder, for the sidebar."""
    primary, background = theme_colors()
    colours = dict(primary=primary, background=background)
    st.html(
        copy_button_html("Copy link to this view", test_id="xent-copy-link", **colours),
        unsafe_allow_javascript=True,
    )
    with st.expander("Classroom link", key="cls_builder", icon=":material/school:"):
        st.caption(
            "A link for a class: hide the controls you choose (they keep this view's "
            "settings) and, for a projector, enlarge everything."
        )
        choices = controls(page)
        pick_key = f"cls_hide_{page}"
        if pick_key not in st.session_state:
            st.session_state[pick_key] = builder_default(page)
        hidden = st.multiselect(
            "Hide these controls",
            [c.name for c in choices],
            key=pick_key,
            placeholder="nothing hidden",
            help="\n".join(f"- **{c.name}**: {c.label}" for c in choices),
        )
        projector = st.toggle(
            "Projector: larger text and figures, no sidebar",
            key="cls_projector",
            help="The sidebar disappears, text and figures grow; it stays on for the pages "
            "opened from there.",
        )
        st.html(
            copy_button_html(
                "Copy classroom link",
                test_id="xent-copy-classroom",
                done="Classroom link copied",
                hidden=hidden,
                projector=projector,
                assets=False,  # the button above brought the style and the script
                **colours,
            ),
            unsafe_allow_javascript=True,
        )
        added = [f"{HIDE}={','.join(hidden)}"] * bool(hidden) + [f"{PROJECTOR}=1"] * projector
        if added:
            st.caption(f"The link adds `{'&'.join(added)}` to this page's address.")
