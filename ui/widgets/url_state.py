"""Page settings that live in the URL, so a teacher can share a link to exactly this view.

A page declares its settings as :class:`ui.model.params.Param` s, calls :func:`restore`
before drawing its widgets (each widget uses ``key=param.key`` and no ``value=``), and
:func:`publish` after reading them. A bad or out-of-range value in a link falls back to the
default with a note.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ui.model.params import APP_WIDE, MAX_SHOWN, Param
from ui.text.quoting import in_code_span

KEPT = "_url_kept"  # session-state key: the settings each page last published
NOTES = "_url_notes"  # session-state key: notes about the link, shown by show_notes


def restore(params: Sequence[Param]) -> None:
    """Give each widget key its starting value: the link's if it has a valid one, else the
    value the student left this page with earlier in the session, else the default.

    Runs at the top of a page. Keys the session already has (the student moved the widget)
    are left alone, so the link is read once per visit. (Streamlit drops a widget's state
    when its page is left; :func:`publish` keeps a copy so a return visit finds the settings
    as they were.) Bad link values are reported by :func:`show_notes`.
    """
    notes = []
    kept = st.session_state.get(KEPT, {})
    for param in params:
        if param.key in st.session_state:
            continue
        raw = st.query_params.get(param.key)
        value = kept.get(param.key, param.default)
        if raw is not None:
            try:
                value = param.parse(raw)
            except ValueError as err:
                notes.append(
                    f"Link setting `{param.key}={in_code_span(raw, MAX_SHOWN)}` {err}; "
                    f"using the default `{param.format(param.default)}`."
                )
        st.session_state[param.key] = value
    if notes:
        st.session_state.setdefault(NOTES, []).extend(notes)


def add_note(note: str) -> None:
    """Queue a note about the link for :func:`show_notes` (for settings read elsewhere)."""
    st.session_state.setdefault(NOTES, []).append(note)


def show_notes() -> None:
    """Show (once) what :func:`restore` (or a caller of :func:`add_note`) could not use."""
    for note in st.session_state.pop(NOTES, []):
        st.warning(note, icon="🔗")


def publish(params: Sequence[Param]) -> None:
    """Write the current settings into the URL (settings at their default are left out) and
    keep a copy in the session for the next visit to this page. The app-wide settings
    (:data:`APP_WIDE`) stay in the link as they are."""
    kept = st.session_state.setdefault(KEPT, {})
    kept.update({p.key: st.session_state[p.key] for p in params if p.key in st.session_state})
    wanted = {
        p.key: p.format(st.session_state[p.key])
        for p in params
        if p.key in st.session_state and st.session_state[p.key] != p.default
    }
    wanted.update({key: st.query_params[key] for key in APP_WIDE if key in st.query_params})
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
