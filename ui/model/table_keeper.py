"""One keeper for every editable table: an ``st.data_editor``'s text cells across reruns and visits.

Streamlit re-applies an editor's whole editing state on every rerun, and its added rows
one at a time (about 2 ms each, more as the table grows: a 1,000-row paste costs about
2 CPU seconds per rerun). A paste is therefore folded into the editor's base once, and
the editor gets a new key, so that it starts again with no edits. A widget's state is
also dropped when the student opens another page, so a copy of what the editor returned
becomes the base on the way back.

Every page's table is one :class:`KeptEditor`: the binary page's ``bce_table_p`` and
``bce_table_z``, the categorical page's ``cat_editor_0``, ``cat_editor_1``, … (its rows
inside the page's own class-table model), the information page's ``info_table`` and the
gradient check's ``gc_table_{loss}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from ui.model.cells import MAX_ROWS

FOLD_ADDED_ROWS = 5  # more added rows than this are folded into the editor's base frame

# How the editor's key follows the table's version (bumped whenever the table is replaced):
# "suffixed": name, name_1, name_2, …; "numbered": name_0, name_1, …; "fixed": always name.
KeyStyle = Literal["suffixed", "numbered", "fixed"]


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
    base: Any  # what the old editor showed: a frame, or a page's own table model
    edits: Mapping[str, Any]

    def late_edits(self, state: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The old editor's state if it changed after the fold, else None."""
        current = state.get(self.key)
        return None if current is None or current == self.edits else current


@dataclass(frozen=True)
class Rows:
    """How a keeper reaches the rows of what it keeps: a frame itself, or a model holding one.

    ``frame(kept)`` is the frame the editor shows; ``with_frame(kept, frame)`` is ``kept``
    holding ``frame`` (an edited copy of its own) instead, its rows numbered 0..N-1.
    """

    frame: Callable[[Any], pd.DataFrame]
    with_frame: Callable[[Any, pd.DataFrame], Any]


def _renumbered(_: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True)


FRAME = Rows(frame=lambda kept: kept, with_frame=_renumbered)  # the kept table is the frame


class KeptEditor:
    """One ``st.data_editor`` table of text cells kept in session state (or any mapping).

    Call :meth:`start` before drawing the editor with :attr:`frame` under :attr:`key`, and
    :meth:`finish` with what it returned; a button's callback calls :meth:`replace` or
    :meth:`reset`. The state keys: ``base_key`` (the table shown: a frame, or a page's model
    reached through ``rows``), ``saved_key`` (the last frame returned), ``version_key``
    (default ``{name}_version``) and ``fold_key`` (default ``{name}_fold``).

    ``keys`` says how the editor's key follows the version (:data:`KeyStyle`). A ``"fixed"``
    key never changes: a new table drops the editor's state instead, which starts it afresh
    only because its rows are new (an editor with ``num_rows="dynamic"`` is known by its
    data), and a paste is not folded, since the old grid's late edits could not be told
    from the new one's.
    """

    def __init__(
        self,
        state: MutableMapping[str, Any],
        name: str,
        *,
        base_key: str,
        saved_key: str,
        initial: Callable[[], Any],
        version_key: str | None = None,
        fold_key: str | None = None,
        keys: KeyStyle = "suffixed",
        rows: Rows = FRAME,
    ) -> None:
        self._state, self._name, self._initial, self._keys, self._rows = (
            state,
            name,
            initial,
            keys,
            rows,
        )
        self._base, self._saved = base_key, saved_key
        self._version = version_key or f"{name}_version"
        self._fold = fold_key or f"{name}_fold"

    # ------------------------------------------------------------------ reading

    @property
    def key(self) -> str:
        """The editor's key for the current version of the table (see :data:`KeyStyle`)."""
        if self._keys == "fixed":
            return self._name
        version = self._state.get(self._version, 0)
        if self._keys == "numbered" or version:
            return f"{self._name}_{version}"
        return self._name

    @property
    def base(self) -> Any:
        """The table the editor shows: a frame, or the page's model holding one."""
        return self._state[self._base]

    @property
    def frame(self) -> pd.DataFrame:
        """The frame the editor shows."""
        return self._rows.frame(self.base)

    def current(self) -> Any:
        """The table with the editor's pending edits in it (for a callback that changes it)."""
        return self._rows.with_frame(self.base, apply_edits(self.frame, self._state.get(self.key)))

    # ------------------------------------------------------------------ one run

    def ensure(self) -> None:
        """The initial table on a first visit (and version 0 for a key that has versions)."""
        if self._base not in self._state:
            self._state[self._base] = self._initial()
        if self._keys != "fixed":
            self._state.setdefault(self._version, 0)

    def start(self) -> None:
        """Before the editor: the initial table on a first visit; edits that would be lost
        (the old grid's after a fold, or a visit's to another page), folded in."""
        self.ensure()
        if self._fold_late_edits():
            return
        saved = self._state.get(self._saved)
        if self.key not in self._state and saved is not None:  # back from another page
            if not saved.equals(self.frame):
                self.replace(self._rows.with_frame(self.base, saved))

    def finish(self, edited: pd.DataFrame) -> None:
        """After the editor: keep what it returned; fold a paste into the base (once)."""
        state = self._state
        state[self._saved] = edited
        edits = state.get(self.key)
        if self._keys != "fixed" and should_fold(edits, len(edited)):
            fold = Fold(self.key, self.base, edits)
            self._renew(self._rows.with_frame(self.base, edited))
            state[self._saved] = self.frame
            state[self._fold] = fold

    # ------------------------------------------------------------------ callbacks

    def reset(self) -> None:
        """The initial table again, in a fresh editor (a button callback)."""
        self.replace(self._initial())

    def replace(self, kept: Any) -> None:
        """``kept`` as the table, in a fresh editor: its rows replace the table's, pending
        edits and pastes included (a callback, e.g. an uploaded file). :meth:`reset` still
        brings back the initial table."""
        self._renew(self._rows.with_frame(kept, self._rows.frame(kept)))
        self._state.pop(self._saved, None)
        self._state.pop(self._fold, None)

    # ------------------------------------------------------------------ inside

    def _renew(self, kept: Any) -> None:
        """``kept`` as the base of an editor that starts with no edits."""
        self._state[self._base] = kept
        if self._keys == "fixed":
            self._state.pop(self._name, None)
        else:
            self._state[self._version] = self._state.get(self._version, 0) + 1

    def _fold_late_edits(self) -> bool:
        """True when the old grid of a fold was edited before the new one arrived: its
        edits, relative to the table it showed, then make the table."""
        fold: Fold | None = self._state.get(self._fold)
        if fold is None:
            return False
        if (late := fold.late_edits(self._state)) is not None:
            frame = apply_edits(self._rows.frame(fold.base), late)
            self.replace(self._rows.with_frame(fold.base, frame))
            self._state[self._fold] = Fold(fold.key, fold.base, late)
            return True
        if self._state.get(fold.key) is None:  # the old editor is gone for good
            del self._state[self._fold]
        return False
