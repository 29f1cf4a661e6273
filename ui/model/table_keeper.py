"""One keeper for every editable table: an ``st.data_editor``'s text cells across reruns and visits.

Streamlit re-applies an editor's whole editing state on every rerun, and its added rows
one at a time (about 2 ms each, more as the table grows: a 1,000-row paste costs about
2 CPU seconds per rerun). A paste is therefore folded into the editor's base frame once,
and the editor gets a new key, so that it starts again with no edits. A widget's state
is also dropped when the student opens another page, so a copy of what the editor
returned becomes the base on the way back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ui.model.cells import MAX_ROWS

FOLD_ADDED_ROWS = 5  # more added rows than this are folded into the editor's base frame


def apply_edits(base: pd.DataFrame, edits: Mapping[str, Any] | None) -> pd.DataFrame:
    """``base`` with a ``st.data_editor`` editing state applied, as a new frame (index 0..N-1).

    The state holds ``edited_rows`` (row position -> {column: value}), ``deleted_rows``
    (row positions) and ``added_rows`` ([{column: value}]), applied in Streamlit's order:
    cell edits, then deletions, then additions. Unknown columns are ignored.
    """
    frame = base.copy().astype(object).reset_index(drop=True)
    if not edits:
        return frame
    for row, changes in (edits.get("edited_rows") or {}).items():
        for column, value in changes.items():
            if column in frame.columns and 0 <= int(row) < len(frame):
                frame.iat[int(row), frame.columns.get_loc(column)] = value
    deleted = [int(r) for r in edits.get("deleted_rows") or [] if 0 <= int(r) < len(frame)]
    frame = frame.drop(index=frame.index[deleted])
    added = [
        {column: row.get(column) for column in frame.columns}
        for row in edits.get("added_rows") or []
    ]
    if added:
        frame = pd.concat([frame, pd.DataFrame(added, columns=frame.columns, dtype=object)])
    return frame.reset_index(drop=True)


def should_fold(edits: Mapping[str, Any] | None, n_rows: int) -> bool:
    """True when an editing state should be folded into its base frame, in a new editor.

    That is when it holds more than :data:`FOLD_ADDED_ROWS` added rows, or added rows that
    take the table (``n_rows`` rows, edits applied) past :data:`MAX_ROWS`. A row or two
    added by hand are left in the editor: folding replaces the grid under the student.
    """
    added = len((edits or {}).get("added_rows") or [])
    return added > FOLD_ADDED_ROWS or (added > 0 and n_rows > MAX_ROWS)


@dataclass(frozen=True)
class Fold:
    """An editor whose state was folded: ``key`` showed ``base`` and held ``edits``.

    Until the browser has the new editor, the student may still change the old one; its
    state is then still relative to ``base`` (see :meth:`late_edits`).
    """

    key: str
    base: Any  # the frame the old editor showed (or a page's own table model)
    edits: Mapping[str, Any]

    def late_edits(self, state: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The old editor's state if it changed after the fold, else None."""
        current = state.get(self.key)
        return None if current is None or current == self.edits else current


class KeptEditor:
    """One ``st.data_editor`` table of text cells kept in session state (or any mapping).

    Call :meth:`start` before drawing the editor with :attr:`base` under :attr:`key`, and
    :meth:`finish` with what it returned. The state keys: ``base_key`` (the frame shown),
    ``saved_key`` (the last frame returned), ``{name}_version`` and ``{name}_fold``.
    """

    def __init__(
        self,
        state: MutableMapping[str, Any],
        name: str,
        *,
        base_key: str,
        saved_key: str,
        seed: Callable[[], pd.DataFrame],
    ) -> None:
        self._state, self._name, self._seed = state, name, seed
        self._base, self._saved = base_key, saved_key
        self._version, self._fold = f"{name}_version", f"{name}_fold"

    @property
    def key(self) -> str:
        """The editor's key: ``name`` at first, ``name_1``, ``name_2``, … after each fold."""
        version = self._state.get(self._version, 0)
        return self._name if version == 0 else f"{self._name}_{version}"

    @property
    def base(self) -> pd.DataFrame:
        return self._state[self._base]

    def start(self) -> None:
        """Before the editor: the seed on a first visit; edits that would be lost, folded."""
        state = self._state
        state.setdefault(self._base, self._seed())
        fold: Fold | None = state.get(self._fold)
        if fold is not None:
            if (late := fold.late_edits(state)) is not None:  # the old grid was edited
                self._replace(apply_edits(fold.base, late))
                state[self._fold] = Fold(fold.key, fold.base, late)
                return
            if state.get(fold.key) is None:  # the old editor is gone for good
                del state[self._fold]
        if self.key not in state and self._saved in state:  # back from another page
            state[self._base] = state[self._saved]

    def finish(self, edited: pd.DataFrame) -> None:
        """After the editor: keep what it returned; fold a paste into the base (once)."""
        state = self._state
        state[self._saved] = edited
        edits = state.get(self.key)
        if should_fold(edits, len(edited)):
            fold = Fold(self.key, self.base, edits)
            self._replace(edited.reset_index(drop=True))
            state[self._saved] = self.base
            state[self._fold] = fold

    def reset(self) -> None:
        """The seed table again, in a fresh editor (a button callback)."""
        self.replace(self._seed())

    def replace(self, frame: pd.DataFrame) -> None:
        """``frame`` as the table, in a fresh editor: its rows replace the table's, pending
        edits and pastes included (a callback, e.g. an uploaded file). :meth:`reset` still
        brings back the seed."""
        self._replace(frame.reset_index(drop=True))
        self._state.pop(self._saved, None)
        self._state.pop(self._fold, None)

    def _replace(self, frame: pd.DataFrame) -> None:
        self._state[self._base] = frame
        self._state[self._version] = self._state.get(self._version, 0) + 1
