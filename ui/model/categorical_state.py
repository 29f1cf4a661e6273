"""The categorical page's session state and its button callbacks, over any mutable mapping.

The page passes ``st.session_state``; the tests pass a plain ``dict``. Callbacks run before
the script, so they may set widget values (class names, weights). Each one that changes the
table folds the editor's pending edits in first, then replaces the table and bumps
:data:`VERSION`, which gives the editor a new key: its old editing state cannot come back.
The page itself does the same with a paste (:func:`finish`), and keeps a copy of the
edited table for a visit to another page (:func:`start`).
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

import pandas as pd

from ui.model import params
from ui.model.categorical_table import (
    MAX_CLASSES,
    MIN_CLASSES,
    TARGET,
    ClassTable,
    class_column_id,
    class_name_problems,
    seed_classes,
    with_edits,
)
from ui.model.categorical_table import add_class as added_class
from ui.model.categorical_table import normalise_rows as normalised_rows
from ui.model.categorical_table import remove_class as removed_class
from ui.model.categorical_table import rename_classes as renamed_classes
from ui.model.table_keeper import Fold, should_fold
from ui.text.categorical import name_md

State = MutableMapping[str, Any]

MODEL = "cat_model"  # the ClassTable as last folded
VERSION = "cat_table_version"  # bumped whenever MODEL is replaced: a fresh editor
FLASH = "cat_flash"  # (message, icon) pairs from a button, shown as toasts on the next run
REMOVE_WHICH = "cat_remove_which"  # the select box naming the class to remove
WEIGHTS = "weights"  # the class weights, one per class (also the URL setting's name)
SAVED = "cat_saved"  # the frame the editor last returned: its edits, kept across pages
FOLD = "cat_fold"  # the Fold of the last paste folded into MODEL


def editor_key(state: State) -> str:
    """The table editor's key for the current version of the table."""
    return f"cat_editor_{state[VERSION]}"


def name_key(column: str) -> str:
    """The key of the text input naming the class in ``column``."""
    return f"cat_name_{column}"


def weight_key(column: str) -> str:
    """The key of the number input holding the weight of the class in ``column``."""
    return f"cat_w_{column}"


def init(state: State) -> str | None:
    """Create the table on a first visit and the class widgets' values; a note if needed.

    ``state[WEIGHTS]`` must already hold the (URL-restored) weights. When their number does
    not match the classes they are reset to 1 and the returned note says why.
    """
    if MODEL not in state:
        state[MODEL] = seed_classes()
        state[VERSION] = 0
    table: ClassTable = state[MODEL]
    note = None
    if len(state[WEIGHTS]) != table.n_classes:
        note = (
            f"Link setting `weights={params.format_numbers(state[WEIGHTS])}` lists "
            f"{len(state[WEIGHTS])} weights but the table has {table.n_classes} classes; "
            "using weight 1 for every class."
        )
        state[WEIGHTS] = (1.0,) * table.n_classes
    for column, name, weight in zip(table.ids, table.names, state[WEIGHTS], strict=True):
        state.setdefault(name_key(column), name)
        state.setdefault(weight_key(column), float(weight))
    return note


def typed_names(state: State) -> list[str]:
    """The class names as typed in their text inputs (perhaps not usable yet)."""
    return [state[name_key(column)] for column in state[MODEL].ids]


def folded(state: State) -> ClassTable:
    """The table with the editor's pending edits folded in."""
    return with_edits(state[MODEL], state.get(editor_key(state)))


def replace(state: State, table: ClassTable) -> None:
    """Make ``table`` the page's table, in a fresh editor (older copies and folds dropped)."""
    state[MODEL] = table
    state[VERSION] += 1
    state.pop(SAVED, None)
    state.pop(FOLD, None)


def with_frame(table: ClassTable, frame: pd.DataFrame) -> ClassTable:
    """``table`` holding ``frame`` (an edited copy of its own frame) as its cells."""
    cells = frame.reset_index(drop=True).astype(object)
    return ClassTable(cells, table.ids, table.names, table.next_id)


def start(state: State) -> None:
    """Before the editor: edits Streamlit would drop are folded into the table.

    Those are the old editor's, changed after a paste was folded (the browser did not
    have the new editor yet), and those of a visit to another page, which drops the
    editor's state: the copy :func:`finish` kept becomes the table.
    """
    fold: Fold | None = state.get(FOLD)
    if fold is not None:
        if (late := fold.late_edits(state)) is not None:
            replace(state, with_edits(fold.base, late))
            state[FOLD] = Fold(fold.key, fold.base, late)
            return
        if state.get(fold.key) is None:  # the old editor is gone for good
            del state[FOLD]
    if editor_key(state) not in state and SAVED in state:
        replace(state, with_frame(state[MODEL], state[SAVED]))


def finish(state: State, edited: pd.DataFrame) -> None:
    """After the editor: keep what it returned, and fold a paste into the table once.

    Streamlit re-applies added rows one at a time on every rerun; folded, a 1,000-row
    paste costs that once, and the editor starts again with no edits under a new key.
    """
    key = editor_key(state)
    edits = state.get(key)
    if should_fold(edits, len(edited)):
        table = state[MODEL]
        replace(state, with_frame(table, edited))
        state[FOLD] = Fold(key, table, edits)
    else:
        state[SAVED] = edited


def flash(state: State, message: str, icon: str) -> None:
    """Queue a message to show as a toast on the next run."""
    state.setdefault(FLASH, []).append((message, icon))


def pop_flashes(state: State) -> list[tuple[str, str]]:
    """The queued (message, icon) pairs, removed from the queue."""
    return state.pop(FLASH, [])


# ------------------------------------------------------------------------ callbacks


def add_class(state: State) -> None:
    """Append a class whose cells read 0, with weight 1 (nothing at the maximum)."""
    if state[MODEL].n_classes >= MAX_CLASSES:
        return
    table = added_class(folded(state))
    column, name = table.ids[-1], table.names[-1]
    replace(state, table)
    state[WEIGHTS] = (*state[WEIGHTS], 1.0)
    state[name_key(column)] = name
    state[weight_key(column)] = 1.0
    flash(
        state,
        f"Added the class “{name_md(name)}” with 0 in every row; rename it above.",
        ":material/add:",
    )


def remove_class(state: State) -> None:
    """Remove the class chosen in the :data:`REMOVE_WHICH` box and its weight."""
    column = state.get(REMOVE_WHICH)
    table: ClassTable = state[MODEL]
    if table.n_classes <= MIN_CLASSES or column not in table.ids:
        return
    j = table.ids.index(column)
    name = table.names[j]
    replace(state, removed_class(folded(state), column))
    state[WEIGHTS] = tuple(w for k, w in enumerate(state[WEIGHTS]) if k != j)
    del state[REMOVE_WHICH]
    flash(
        state,
        f"Removed the class “{name_md(name)}”. Rows whose true class was {name_md(name)} "
        "need a new one, "
        "and rows may no longer add up to 1.",
        ":material/remove:",
    )


def rename_classes(state: State) -> None:
    """Use the typed class names, if they are usable (the page says why when not)."""
    names = [name.strip() for name in typed_names(state)]
    if class_name_problems(names) or tuple(names) == state[MODEL].names:
        return
    replace(state, renamed_classes(folded(state), names))


def normalise_rows(state: State) -> None:
    """Divide each row that does not add up to 1 by its sum, and say which rows changed."""
    table, fixed, failed = normalised_rows(folded(state))
    replace(state, table)
    if fixed:
        flash(
            state,
            f"Normalised row(s) {', '.join(map(str, fixed))}: each now sums to 1.",
            ":material/balance:",
        )
    if failed:
        flash(
            state,
            f"Row(s) {', '.join(map(str, failed))} add up to 0: there is nothing to scale. "
            "Type at least one positive probability.",
            ":material/error:",
        )


def reset_table(state: State) -> None:
    """The seed table again, with its class names and weight 1 for every class."""
    table = seed_classes()
    state[WEIGHTS] = (1.0,) * table.n_classes
    for column, name in zip(table.ids, table.names, strict=True):
        state[name_key(column)] = name
        state[weight_key(column)] = 1.0
    replace(state, table)


def load_table(state: State, names: Sequence[str], rows: Sequence[Sequence[str | None]]) -> None:
    """An uploaded table: classes ``names``, and ``rows`` of (true class, one cell per class).

    The classes get new column ids, so no widget of an old class is reused; a class keeps
    its weight when the table had one of the same name, a new one gets weight 1.
    """
    old: ClassTable = state[MODEL]
    if class_name_problems(names) or not MIN_CLASSES <= len(names) <= MAX_CLASSES:
        raise ValueError(f"Unusable class names for a table: {list(names)!r}.")
    ids = tuple(class_column_id(old.next_id + j) for j in range(len(names)))
    frame = pd.DataFrame([list(row) for row in rows], columns=[TARGET, *ids], dtype=object)
    kept = dict(zip(old.names, state[WEIGHTS], strict=True))
    weights = tuple(float(kept.get(name, 1.0)) for name in names)
    state[WEIGHTS] = weights
    for column, name, weight in zip(ids, names, weights, strict=True):
        state[name_key(column)] = name
        state[weight_key(column)] = weight
    state.pop(REMOVE_WHICH, None)
    replace(state, ClassTable(frame, ids, tuple(names), old.next_id + len(names)))
