"""Helpers for the hostile-input tests: open a page from a link, edit a table, read messages.

Builds on ``tests/app/conftest.py`` (``open_page`` runs app.py, then switches page).
Import them with ``from tests.hostile.conftest import ...``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, open_page

__all__ = [
    "APP",
    "edit",
    "message_texts",
    "open_page",
    "problem_lines",
    "ran",
    "same_cell",
    "with_link",
]


def ran(at: AppTest) -> AppTest:
    """``at`` after a run that raised nothing (no exception element, no traceback)."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def with_link(page: str, query: Mapping[str, str | list[str]]) -> AppTest:
    """A fresh session opened from a shared link: app.py, then ``page``, with ``query``.

    A list value repeats the key in the query string, as ``?k=a&k=b`` does.
    """
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params.update(query)
    ran(at.run())
    return ran(at.switch_page(page).run())


def message_texts(at: AppTest) -> list[str]:
    """The text of every st.error and st.warning the page shows."""
    return [str(e.value) for e in at.error] + [str(w.value) for w in at.warning]


def problem_lines(at: AppTest) -> list[str]:
    """The listed cell problems (``- Row r, column “c”: …``) of every error box."""
    return [
        line[2:]
        for e in at.error
        for line in str(e.value).splitlines()
        if line.startswith("- Row ") or line.startswith("- …")
    ]


def edit(
    at: AppTest,
    key: str,
    rows: Mapping[int, Mapping[str, Any]],
    added: Iterable[Mapping[str, Any]] = (),
    deleted: Sequence[int] = (),
) -> AppTest:
    """Edit the table with key ``key`` as the grid would ({row index: {column: text}}), run."""
    at.session_state[key] = {
        "edited_rows": {int(r): dict(c) for r, c in rows.items()},
        "added_rows": [dict(row) for row in added],
        "deleted_rows": list(deleted),
    }
    return ran(at.run())


def same_cell(shown: Any, typed: str | None) -> bool:
    """True when a table cell still holds what was typed (an empty cell may read as nan)."""
    if typed is None:
        return shown is None or (isinstance(shown, float) and math.isnan(shown))
    return isinstance(shown, str) and shown == typed
