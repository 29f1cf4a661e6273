"""Editors across reruns (ui/tables.py): pastes folded once, edits kept across pages.

A plain dict stands in for st.session_state; ``draw`` does what a run with the editor
does: Streamlit applies the editing state under the editor's key to the base frame.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ui.model.cells import MAX_ROWS
from ui.model.table_keeper import FOLD_ADDED_ROWS, Fold, KeptEditor, apply_edits, should_fold

SEED = {"t": ["0", "1"], "p": ["0.2", "0.9"]}


def seed() -> pd.DataFrame:
    return pd.DataFrame(SEED, dtype=object)


def editor(ss: dict) -> KeptEditor:
    return KeptEditor(ss, "ed", base_key="ed_base", saved_key="ed_saved", seed=seed)


def draw(ss: dict, edits: dict | None = None) -> pd.DataFrame:
    """One run: start, the editor (its state under its key), finish; the frame it returned."""
    table = editor(ss)
    table.start()
    if edits is not None:
        ss[table.key] = edits
    ss.setdefault(table.key, {"edited_rows": {}, "added_rows": [], "deleted_rows": []})
    edited = apply_edits(table.base, ss[table.key])
    table.finish(edited)
    return edited


def rows(n: int) -> list[dict]:
    return [{"t": "1", "p": f"0.{i:03d}"} for i in range(n)]


def state(added=(), deleted=(), edited=None) -> dict:
    return {"edited_rows": edited or {}, "added_rows": list(added), "deleted_rows": list(deleted)}


@pytest.mark.parametrize(
    ("added", "n_rows", "fold"),
    [
        (0, 10, False),
        (FOLD_ADDED_ROWS, 10, False),  # a few rows added by hand stay in the editor
        (FOLD_ADDED_ROWS + 1, 10, True),
        (1, MAX_ROWS + 1, True),  # one row too many: folded, so the message stays cheap
        (0, MAX_ROWS + 7, False),  # already folded: nothing to fold again
    ],
)
def test_a_paste_or_rows_past_the_limit_are_folded(added: int, n_rows: int, fold: bool) -> None:
    """More than FOLD_ADDED_ROWS added rows, or any that go past MAX_ROWS, are folded."""
    assert should_fold(state(added=rows(added)), n_rows) is fold
    assert should_fold(None, n_rows) is False


def test_a_paste_is_folded_once_into_the_base_under_a_new_key() -> None:
    """1,000 pasted rows: the next editor shows 1,002 rows as typed and holds no edits."""
    ss: dict = {}
    draw(ss)
    pasted = draw(ss, state(added=rows(1000), edited={0: {"p": "abc"}}))
    table = editor(ss)
    assert table.key == "ed_1" and len(table.base) == len(pasted) == 1002
    assert table.base["p"].tolist() == ["abc", "0.9", *(r["p"] for r in rows(1000))]
    fold = ss["ed_fold"]
    assert isinstance(fold, Fold) and fold.key == "ed" and fold.base.equals(seed())
    again = draw(ss)  # a plain rerun: the old state is unchanged, no second fold
    assert editor(ss).key == "ed_1" and again.equals(table.base)
    deleted = draw(ss, state(deleted=range(500, 1002)))
    assert len(deleted) == 500 and editor(ss).key == "ed_1"


def test_the_old_editor_changed_after_the_fold_is_folded_again_from_its_own_base() -> None:
    """Rows deleted in the old grid before the new one arrived: gone from the new one."""
    ss: dict = {}
    draw(ss)
    pasted = state(added=rows(1000))
    draw(ss, pasted)
    ss["ed"] = state(added=rows(498), deleted=[0])  # the old grid: paste cut, row 1 deleted
    shown = draw(ss)
    assert editor(ss).key == "ed_2" and len(shown) == 499
    assert shown["p"].tolist()[:3] == ["0.9", "0.000", "0.001"]
    del ss["ed"]  # Streamlit drops the old editor's state once it is not drawn
    draw(ss)
    assert "ed_fold" not in ss and editor(ss).key == "ed_2"


def test_edits_survive_a_visit_to_another_page() -> None:
    """The editor's state is dropped on another page; the saved copy becomes the base."""
    ss: dict = {}
    draw(ss)
    draw(ss, state(edited={1: {"p": "0.5"}}, added=rows(2)))
    del ss["ed"]  # another page: Streamlit forgets the editor
    shown = draw(ss)
    assert shown["p"].tolist() == ["0.2", "0.5", "0.000", "0.001"]


def test_reset_brings_back_the_seed_in_a_fresh_editor() -> None:
    """After a paste and an edit, reset: the seed, a new key, no saved copy or fold."""
    ss: dict = {}
    draw(ss)
    draw(ss, state(added=rows(10)))
    editor(ss).reset()
    assert editor(ss).key == "ed_2" and editor(ss).base.equals(seed())
    assert "ed_saved" not in ss and "ed_fold" not in ss
    assert draw(ss).equals(seed())


def test_replace_puts_new_rows_in_a_fresh_editor_and_reset_still_gives_the_seed() -> None:
    """An upload replaces the rows (pending edits dropped, index renumbered); reset undoes it."""
    ss: dict = {}
    draw(ss)
    draw(ss, state(edited={0: {"p": "0.3"}}, added=rows(10)))  # an edit, then a folded paste
    draw(ss, state(edited={1: {"t": "0"}}))  # an edit pending in the new editor
    new = pd.DataFrame({"t": ["1", "x"], "p": ["0.6", None]}, index=[5, 9], dtype=object)
    key = editor(ss).key
    editor(ss).replace(new)
    assert editor(ss).key != key  # a new editor: the old one's edits cannot come back
    assert "ed_saved" not in ss and "ed_fold" not in ss
    shown = draw(ss)
    assert shown.index.tolist() == [0, 1]
    assert shown["t"].tolist() == ["1", "x"] and shown["p"].tolist() == ["0.6", None]
    draw(ss, state(edited={0: {"p": "0.7"}}))
    del ss[editor(ss).key]  # another page and back: the replaced rows, with the edit, stay
    assert draw(ss)["p"].tolist() == ["0.7", None]
    editor(ss).reset()
    assert draw(ss).equals(seed())
