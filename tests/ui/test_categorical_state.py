"""The categorical page's session state and callbacks, driven with a plain dict."""

from __future__ import annotations

import pytest

from ui.model import categorical_state as state
from ui.model.categorical_table import article_table
from ui.model.table_keeper import apply_edits
from xent_core import ARTICLE_CATEGORICAL_CLASSES


@pytest.fixture
def ss() -> dict:
    """A fresh session as the page has it after url_state.restore: weights 1, 1, 1."""
    session = {state.WEIGHTS: (1.0, 1.0, 1.0)}
    assert state.init(session) is None
    return session


def pending(ss: dict, **edits) -> None:
    """Put an editing state in the editor's key, as st.data_editor does."""
    ss[state.editor_key(ss)] = {
        "edited_rows": {},
        "added_rows": [],
        "deleted_rows": [],
        **edits,
    }


def test_init_creates_the_seed_table_and_the_class_widgets_values(ss: dict) -> None:
    """Version 0, the seed table, names and weights under their widget keys."""
    assert ss[state.VERSION] == 0
    assert state.editor_key(ss) == "cat_editor_0"
    assert ss[state.MODEL].names == ARTICLE_CATEGORICAL_CLASSES
    assert [ss[state.name_key(c)] for c in ("c0", "c1", "c2")] == list(ARTICLE_CATEGORICAL_CLASSES)
    assert [ss[state.weight_key(c)] for c in ("c0", "c1", "c2")] == [1.0, 1.0, 1.0]


def test_init_keeps_a_linked_weight_per_class() -> None:
    """weights=1,2,0.5 from a link fill the number inputs."""
    session = {state.WEIGHTS: (1.0, 2.0, 0.5)}
    assert state.init(session) is None
    assert [session[state.weight_key(c)] for c in ("c0", "c1", "c2")] == [1.0, 2.0, 0.5]


def test_init_resets_a_wrong_number_of_weights_and_says_why() -> None:
    """Two weights for three classes: all 1, with a note quoting the link setting."""
    session = {state.WEIGHTS: (1.0, 2.0)}
    note = state.init(session)
    assert note is not None and "`weights=1,2` lists 2 weights" in note
    assert session[state.WEIGHTS] == (1.0, 1.0, 1.0)


def test_adding_a_class_keeps_pending_edits_and_gives_a_fresh_editor(ss: dict) -> None:
    """A typed cell survives; the editor key changes; the class has weight 1 and a toast."""
    pending(ss, edited_rows={0: {"c0": "0.5"}})
    state.add_class(ss)
    table = ss[state.MODEL]
    assert table.frame.loc[0, "c0"] == "0.5"
    assert table.ids[-1] == "c3" and table.names[-1] == "class 4"
    assert state.editor_key(ss) == "cat_editor_1"
    assert ss[state.WEIGHTS] == (1.0, 1.0, 1.0, 1.0)
    assert ss[state.name_key("c3")] == "class 4" and ss[state.weight_key("c3")] == 1.0
    ((message, _),) = state.pop_flashes(ss)
    assert "Added the class “class 4”" in message
    assert state.pop_flashes(ss) == []


def test_removing_a_class_drops_its_weight_and_clears_the_choice(ss: dict) -> None:
    """Remove seal (weight 2): weights 1 and 0.5 remain for panda and duck."""
    ss[state.WEIGHTS] = (1.0, 2.0, 0.5)
    ss[state.REMOVE_WHICH] = "c1"
    state.remove_class(ss)
    assert ss[state.MODEL].names == ("panda", "duck")
    assert ss[state.WEIGHTS] == (1.0, 0.5)
    assert state.REMOVE_WHICH not in ss
    assert "Removed the class “seal”" in state.pop_flashes(ss)[0][0]


def test_renaming_applies_usable_names_only(ss: dict) -> None:
    """A duplicate name changes nothing; a good one renames the targets."""
    ss[state.name_key("c0")] = "seal"
    state.rename_classes(ss)
    assert ss[state.MODEL].names == ARTICLE_CATEGORICAL_CLASSES and ss[state.VERSION] == 0
    ss[state.name_key("c0")] = " bear"
    state.rename_classes(ss)
    assert ss[state.MODEL].names == ("bear", "seal", "duck")
    assert ss[state.MODEL].frame["target"].tolist() == ["bear", "seal", "duck", "bear"]
    assert state.typed_names(ss) == [" bear", "seal", "duck"]


def test_normalise_rows_reports_fixed_and_impossible_rows(ss: dict) -> None:
    """Row 4 is normalised; row 1 (all zeros) cannot be, and both get a toast."""
    pending(ss, edited_rows={3: {"c0": "0.5"}, 0: {"c0": "0", "c1": "0", "c2": "0"}})
    state.normalise_rows(ss)
    messages = [m for m, _ in state.pop_flashes(ss)]
    assert messages[0].startswith("Normalised row(s) 4")
    assert messages[1].startswith("Row(s) 1 add up to 0")
    assert float(ss[state.MODEL].frame.loc[3, "c0"]) == pytest.approx(0.4, rel=1e-15)


def test_reset_brings_back_the_seed_table_names_and_weights(ss: dict) -> None:
    """After a new class, a rename and weights, reset restores the seed and weight 1."""
    state.add_class(ss)
    ss[state.name_key("c0")] = "bear"
    state.rename_classes(ss)
    ss[state.WEIGHTS] = (2.0, 2.0, 2.0, 2.0)
    state.reset_table(ss)
    assert ss[state.MODEL].frame.equals(article_table())
    assert ss[state.MODEL].names == ARTICLE_CATEGORICAL_CLASSES
    assert ss[state.WEIGHTS] == (1.0, 1.0, 1.0)
    assert ss[state.name_key("c0")] == "panda" and ss[state.weight_key("c0")] == 1.0


# ------------------------------------------------------------- edits across reruns


def run_editor(ss: dict) -> None:
    """One run of the page's table: start, the editor applies its state, finish."""
    table = state.keeper(ss)
    table.start()
    ss.setdefault(table.key, {"edited_rows": {}, "added_rows": [], "deleted_rows": []})
    table.finish(apply_edits(table.frame, ss[table.key]))


def test_edits_survive_a_visit_to_another_page(ss: dict) -> None:
    """Another page drops the editor's state: the kept copy becomes the table, as typed."""
    pending(ss, edited_rows={0: {"c2": "abc"}})
    run_editor(ss)
    del ss[state.editor_key(ss)]  # what Streamlit does on another page
    run_editor(ss)
    assert ss[state.MODEL].frame.loc[0, "c2"] == "abc"
    assert state.editor_key(ss) == "cat_editor_1"


def test_a_paste_is_folded_into_the_table_once_and_kept_as_typed(ss: dict) -> None:
    """1,000 pasted rows: folded into the table under a new key; a rerun folds nothing."""
    row = {"target": "seal", "c0": "0.2", "c1": "0.5", "c2": "x"}
    pending(ss, added_rows=[row] * 1000)
    run_editor(ss)
    table = ss[state.MODEL]
    assert state.editor_key(ss) == "cat_editor_1" and len(table.frame) == 1004
    assert table.frame.loc[1003].tolist() == ["seal", "0.2", "0.5", "x"]
    assert table.ids == ("c0", "c1", "c2") and table.names == ARTICLE_CATEGORICAL_CLASSES
    run_editor(ss)
    assert state.editor_key(ss) == "cat_editor_1"


def test_the_old_editor_edited_after_a_fold_is_folded_again(ss: dict) -> None:
    """The old grid still showing: its deletions are applied to the table it showed."""
    row = {"target": "seal", "c0": "0.2", "c1": "0.5", "c2": "0.3"}
    pending(ss, added_rows=[row] * 1000)
    run_editor(ss)
    ss["cat_editor_0"] = {"edited_rows": {}, "added_rows": [row] * 10, "deleted_rows": [0]}
    run_editor(ss)
    assert len(ss[state.MODEL].frame) == 13 and state.editor_key(ss) == "cat_editor_2"
    assert ss[state.MODEL].frame.loc[0, "target"] == "seal"


def test_a_button_after_a_visit_keeps_the_kept_copy_out(ss: dict) -> None:
    """A replaced table (a class added) is not overwritten by an older kept copy."""
    pending(ss, edited_rows={0: {"c0": "0.5"}})
    run_editor(ss)
    state.add_class(ss)
    run_editor(ss)
    assert ss[state.MODEL].ids == ("c0", "c1", "c2", "c3")
    assert ss[state.MODEL].frame.loc[0, "c0"] == "0.5"
