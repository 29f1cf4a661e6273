"""The categorical page's session state and its button callbacks, over any mutable mapping.

The page passes ``st.session_state``; the tests pass a plain ``dict``. Callbacks run before
the script, so they may set widget values (class names, weights). The table's rows are kept
by the one table keeper (:func:`keeper`, a ``KeptEditor`` whose base is the
:class:`ClassTable` under :data:`MODEL`): each callback that changes the table takes the
editor's pending edits from it first, then replaces the table, which bumps :data:`VERSION`
and gives the editor a new key, so its old editing state cannot come back. The keeper does
the same with a paste, and keeps a copy of the edited table for a visit to another page.
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
    article_classes,
    class_column_id,
    class_name_problems,
)
from ui.model.categorical_table import add_class as added_class
from ui.model.categorical_table import normalise_rows as normalised_rows
from ui.model.categorical_table import remove_class as removed_class
from ui.model.categorical_table import rename_classes as renamed_classes
from ui.model.table_keeper import KeptEditor, Rows
from ui.text.categorical import name_md

State = MutableMapping[str, Any]

MODEL = "cat_model"  # the ClassTable as last folded
VERSION = "cat_table_version"  # bumped whenever MODEL is replaced: a fresh editor
FLASH = "cat_flash"  # (message, icon) pairs from a button, shown as toasts on the next run
REMOVE_WHICH = "cat_remove_which"  # the select box naming the class to remove
WEIGHTS = "weights"  # the class weights, one per class (also the URL setting's name)
SAVED = "cat_saved"  # the frame the editor last returned: its edits, kept across pages
FOLD = "cat_fold"  # the Fold of the last paste folded into MODEL


def with_frame(table: ClassTable, frame: pd.DataFrame) -> ClassTable:
    """``table`` holding ``frame`` (an edited copy of its own frame) as its cells."""
    cells = frame.reset_index(drop=True).astype(object)
    return ClassTable(cells, table.ids, table.names, table.next_id)


CLASS_ROWS = Rows(frame=lambda table: table.frame, with_frame=with_frame)  # the keeper's view


def keeper(state: State) -> KeptEditor:
    """The table's editor kept across reruns and pages; its rows live in the ClassTable."""
    return KeptEditor(
        state,
        "cat_editor",
        base_key=MODEL,
        saved_key=SAVED,
        version_key=VERSION,
        fold_key=FOLD,
        initial=article_classes,
        keys="numbered",
        rows=CLASS_ROWS,
    )


def editor_key(state: State) -> str:
    """The table editor's key for the current version of the table."""
    return keeper(state).key


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
    keeper(state).ensure()
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
    kept = keeper(state)
    table = added_class(kept.current())
    column, name = table.ids[-1], table.names[-1]
    kept.replace(table)
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
    kept = keeper(state)
    kept.replace(removed_class(kept.current(), column))
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
    kept = keeper(state)
    kept.replace(renamed_classes(kept.current(), names))


def normalise_rows(state: State) -> None:
    """Divide each row that does not add up to 1 by its sum, and say which rows changed."""
    kept = keeper(state)
    table, fixed, failed = normalised_rows(kept.current())
    kept.replace(table)
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
    """The article's table again, with its class names and weight 1 for every class."""
    table = article_classes()
    state[WEIGHTS] = (1.0,) * table.n_classes
    for column, name in zip(table.ids, table.names, strict=True):
        state[name_key(column)] = name
        state[weight_key(column)] = 1.0
    keeper(state).replace(table)


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
    keeper(state).replace(ClassTable(frame, ids, tuple(names), old.next_id + len(names)))
