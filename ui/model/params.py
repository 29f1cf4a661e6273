"""Page settings that live in the URL, so a teacher can share a link to exactly this view.

A page declares its settings as :class:`Param` s, calls :func:`restore` before drawing its
widgets (each widget uses ``key=param.key`` and no ``value=``), and :func:`publish` after
reading them. A bad or out-of-range value in a link falls back to the default with a note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ui.text import in_code_span

MAX_SHOWN = 40  # characters of a bad link value quoted back to the user


@dataclass(frozen=True)
class Param:
    """One setting: its widget key (also its name in the query string) and how to read it.

    ``parse`` turns the query-string text into a value or raises ``ValueError`` with a
    message saying what is expected; ``format`` turns a value back into text.
    """

    key: str
    default: Any
    parse: Callable[[str], Any]
    format: Callable[[Any], str] = field(default=str)


def number(lo: float, hi: float) -> Callable[[str], float]:
    """A parser for a finite number in [lo, hi]."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"is not a number (expected {lo:g} to {hi:g})") from None
        if not lo <= value <= hi:  # also rejects nan
            raise ValueError(f"is outside {lo:g} to {hi:g}")
        return value

    return parse


def integer(lo: int, hi: int) -> Callable[[str], int]:
    """A parser for a whole number in [lo, hi]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"is not a whole number (expected {lo} to {hi})") from None
        if not lo <= value <= hi:
            raise ValueError(f"is outside {lo} to {hi}")
        return value

    return parse


def choice(options: Sequence[str]) -> Callable[[str], str]:
    """A parser for one of ``options``."""

    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"is not one of {', '.join(options)}")
        return text

    return parse


def boolean(text: str) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off``."""
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("is not true or false")


def format_bool(value: bool) -> str:
    return "1" if value else "0"


def number_list(n_min: int, n_max: int, lo: float, hi: float) -> Callable[[str], tuple[float, ...]]:
    """A parser for ``n_min`` to ``n_max`` comma-separated numbers, each in [lo, hi]."""
    one = number(lo, hi)

    def parse(text: str) -> tuple[float, ...]:
        parts = text.split(",")
        if not n_min <= len(parts) <= n_max:
            raise ValueError(f"must list {n_min} to {n_max} numbers separated by commas")
        return tuple(one(part) for part in parts)

    return parse


def format_numbers(values: Sequence[float]) -> str:
    return ",".join(f"{v:g}" for v in values)


KEPT = "_url_kept"  # session-state key: the settings each page last published
NOTES = "_url_notes"  # session-state key: notes about the link, shown by show_notes

# Link settings of the whole app, not of one page (classroom mode, ui/classroom.py):
# :func:`publish` leaves them in the link as they are.
APP_WIDE = ("hide", "projector")


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
