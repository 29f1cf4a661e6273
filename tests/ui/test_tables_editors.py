"""The one table keeper (ui/model/table_keeper.py): pastes folded once, edits kept across
pages, the three key styles and a page's own model holding the rows.

A plain dict stands in for st.session_state; ``draw`` does what a run with the editor
does: Streamlit applies the editing state under the editor's key to the base frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from ui.model.cells import MAX_ROWS
from ui.model.table_keeper import (
    FOLD_ADDED_ROWS,
    Fold,
    KeptEditor,
    Rows,
    apply_edits,
    should_fold,
)

SEED = {"t": ["0", "1"], "p": ["0.2", "0.9"]}


def seed() -> pd.DataFrame:
    return pd.DataFrame(SEED, dtype=object)


def editor(ss: dict) -> KeptEditor:
    return KeptEditor(ss, "ed", base_key="ed_base", saved_key="ed_saved", initial=seed)


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


# ------------------------------------------------------------- one keeper, four tables


def test_the_first_visit_gives_the_initial_table_at_version_0() -> None:
    """ensure(): the initial frame under base_key and version 0, once; a second call keeps it."""
    ss: dict = {}
    table = editor(ss)
    table.ensure()
    assert ss["ed_version"] == 0 and table.key == "ed" and table.frame.equals(seed())
    ss["ed_base"] = ss["ed_base"].iloc[:1]
    table.ensure()
    assert len(table.base) == 1


def test_a_visit_without_edits_keeps_the_key_and_one_with_edits_gives_a_new_one() -> None:
    """Back from another page: an unchanged copy changes nothing; an edited one is the table."""
    ss: dict = {}
    draw(ss)
    del ss["ed"]
    draw(ss)
    assert editor(ss).key == "ed"
    draw(ss, state(edited={0: {"p": "0.4"}}))
    del ss["ed"]
    shown = draw(ss)
    assert editor(ss).key == "ed_1" and shown["p"].tolist() == ["0.4", "0.9"]
    assert ss["ed_1"] == state()  # the new editor starts with no edits


def test_current_is_the_table_with_the_pending_edits_in_it() -> None:
    """A callback reads the table as the student sees it, before the next run."""
    ss: dict = {}
    draw(ss)
    ss["ed"] = state(edited={1: {"t": "x"}}, added=rows(1), deleted=[0])
    assert editor(ss).current()["t"].tolist() == ["x", "1"]
    assert editor(ss).base.equals(seed())  # nothing replaced yet


@pytest.mark.parametrize(
    ("keys", "expected"),
    [("suffixed", ["t", "t_1", "t_2"]), ("numbered", ["t_0", "t_1", "t_2"])],
)
def test_the_key_styles_number_the_editors(keys: str, expected: list[str]) -> None:
    """suffixed: name, name_1, …; numbered: name_0, name_1, … (each replace bumps it)."""
    ss: dict = {}
    table = KeptEditor(ss, "t", base_key="b", saved_key="s", initial=seed, keys=keys)
    table.ensure()
    found = [table.key]
    for _ in range(2):
        table.reset()
        found.append(table.key)
    assert found == expected


def fixed_editor(ss: dict) -> KeptEditor:
    return KeptEditor(
        ss, "fx", base_key="fx_base", saved_key="fx_saved", initial=seed, keys="fixed"
    )


def fixed_draw(ss: dict, edits: dict | None = None) -> pd.DataFrame:
    table = fixed_editor(ss)
    table.start()
    if edits is not None:
        ss[table.key] = edits
    ss.setdefault(table.key, state())
    edited = apply_edits(table.frame, ss[table.key])
    table.finish(edited)
    return edited


def test_a_fixed_key_never_changes_and_a_new_table_drops_the_editor_state() -> None:
    """keys="fixed" (info_table): replace and reset keep the key and forget the old edits."""
    ss: dict = {}
    fixed_draw(ss, state(edited={0: {"p": "0.5"}}))
    table = fixed_editor(ss)
    table.replace(table.current().assign(t=["1", "1"]))
    assert table.key == "fx" and "fx" not in ss and "fx_saved" not in ss
    assert "fx_version" not in ss
    assert fixed_draw(ss).values.tolist() == [["1", "0.5"], ["1", "0.9"]]
    table.reset()
    assert fixed_draw(ss).equals(seed())


def test_a_fixed_key_keeps_a_paste_as_edits_and_its_edits_across_a_visit() -> None:
    """No fold under a fixed key (its old grid could not be told from the new one)."""
    ss: dict = {}
    fixed_draw(ss)
    pasted = fixed_draw(ss, state(added=rows(1000)))
    assert len(pasted) == 1002 and len(fixed_editor(ss).base) == 2 and "fx_fold" not in ss
    del ss["fx"]  # another page
    assert len(fixed_draw(ss)) == 1002
    assert fixed_editor(ss).key == "fx" and len(fixed_editor(ss).base) == 1002


@dataclass(frozen=True)
class Named:
    """A page's own table model holding a frame, as the categorical ClassTable does."""

    frame: pd.DataFrame
    title: str


NAMED = Rows(frame=lambda kept: kept.frame, with_frame=lambda kept, f: Named(f, kept.title))


def test_a_model_keeps_its_own_fields_through_folds_and_visits() -> None:
    """rows=Rows(...): the keeper folds and restores the model's frame, not the model."""
    ss: dict = {}

    def table() -> KeptEditor:
        return KeptEditor(
            ss,
            "m",
            base_key="m_model",
            saved_key="m_saved",
            initial=lambda: Named(seed(), "article"),
            rows=NAMED,
        )

    def run(edits: dict | None = None) -> pd.DataFrame:
        kept = table()
        kept.start()
        if edits is not None:
            ss[kept.key] = edits
        ss.setdefault(kept.key, state())
        edited = apply_edits(kept.frame, ss[kept.key])
        kept.finish(edited)
        return edited

    run()
    run(state(added=rows(10)))
    assert table().key == "m_1" and isinstance(table().base, Named)
    assert table().base.title == "article" and len(table().frame) == 12
    run(state(edited={0: {"p": "x"}}))
    del ss[table().key]
    run()
    assert table().base.title == "article" and table().frame["p"].tolist()[0] == "x"
    table().replace(Named(seed(), "mine"))
    assert table().base.title == "mine" and table().key == "m_3"
