"""The one table keeper on the pages under AppTest: edits survive other pages, resets and
presets start a fresh editor, and the editor keys the classroom registry names hold."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_page

BINARY, INFORMATION, GRADCHECK = "pages/binary.py", "pages/information.py", "pages/gradcheck.py"
OVERVIEW = "pages/overview.py"


def ran(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def edit(at: AppTest, key: str, rows: dict[int, dict[str, str]]) -> AppTest:
    """Type into the editor ``key`` as the grid would, then rerun."""
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return ran(at.run())


def away_and_back(at: AppTest, page: str) -> AppTest:
    """Open the Overview, then ``page`` again: Streamlit forgets the editor's state."""
    ran(at.switch_page(OVERVIEW).run())
    return ran(at.switch_page(page).run())


def metric(at: AppTest, label_start: str) -> str:
    (found,) = [m.value for m in at.metric if m.label.startswith(label_start)]
    return found


# ------------------------------------------------------------------------ binary


def test_binary_edits_come_back_in_a_new_editor_and_an_untouched_table_keeps_its_key() -> None:
    """A visit without edits keeps bce_table_p; with an edit the kept copy is the table, in
    bce_table_p_1, and the sum is the edited one."""
    at = open_page(BINARY)
    away_and_back(at, BINARY)
    assert at.session_state["bce_table_p_version"] == 0
    edit(at, "bce_table_p", {4: {"p": "0.15"}})
    edited = metric(at, "sum over 7 rows")
    away_and_back(at, BINARY)
    assert at.session_state["bce_table_p_version"] == 1
    assert at.session_state["bce_base_p"]["p"].tolist()[4] == "0.15"
    assert metric(at, "sum over 7 rows") == edited
    edit(at, "bce_table_p_1", {0: {"p": "0.5"}})
    assert metric(at, "sum over 7 rows") != edited


# ------------------------------------------------------------------------ information


def test_information_edits_survive_a_visit_under_the_same_key() -> None:
    """p = t typed, Overview, back: KL is still 0, and the editor is still info_table."""
    at = open_page(INFORMATION)
    edit(at, "info_table", {0: {"p": "0.6"}, 1: {"p": "0.3"}, 2: {"p": "0.1"}})
    assert metric(at, "KL(t ‖ p)") == "0"
    away_and_back(at, INFORMATION)
    assert metric(at, "KL(t ‖ p)") == "0"
    assert at.session_state["info_base"]["p"].tolist() == ["0.6", "0.3", "0.1"]
    assert "info_table" in at.session_state and "info_table_version" not in at.session_state


@pytest.mark.parametrize("button", ["info_one_hot", "info_p_is_t", "info_uniform", "info_reset"])
def test_an_information_button_keeps_the_key_a_classroom_link_hides(button: str) -> None:
    """After a preset or reset the editor is still info_table (?hide=table names it), with
    no edits left over from before the button."""
    at = open_page(INFORMATION)
    edit(at, "info_table", {2: {"class": "owl"}})
    ran(at.button(key=button).click().run())
    assert at.session_state["info_table"]["edited_rows"] == {}
    names = at.session_state["info_saved"]["class"].tolist()
    assert names == (
        ["panda", "seal", "duck"] if button == "info_reset" else ["panda", "seal", "owl"]
    )


def test_an_information_preset_uses_the_pending_edits() -> None:
    """t typed as 0.2, 0.3, 0.5, then p = t: p is the typed t and KL = 0."""
    at = open_page(INFORMATION)
    at.session_state["info_table"] = {
        "edited_rows": {0: {"t": "0.2"}, 2: {"t": "0.5"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    ran(at.button(key="info_p_is_t").click().run())
    assert at.session_state["info_saved"]["p"].tolist() == ["0.2", "0.3", "0.5"]
    assert metric(at, "KL(t ‖ p)") == "0"


# ------------------------------------------------------------------------ gradient check


def typed_bce() -> AppTest:
    """The gradient check on BCE of p, with the typed table (the article's seven rows)."""
    at = open_page(GRADCHECK, gc_loss="bce", gc_src="typed")
    assert metric(at, "L(p), sum") == "4.4603"
    return at


def test_gradcheck_typed_edits_survive_a_visit_and_random_inputs() -> None:
    """p₂ typed as 0.5: the loss stays changed after the Overview and after random and back."""
    at = typed_bce()
    edit(at, "gc_table_bce", {1: {"p": "0.5"}})
    changed = metric(at, "L(p), sum")
    assert changed != "4.4603"
    away_and_back(at, GRADCHECK)
    assert metric(at, "L(p), sum") == changed
    ran(at.radio(key="gc_src").set_value("random").run())
    ran(at.radio(key="gc_src").set_value("typed").run())
    assert metric(at, "L(p), sum") == changed
    assert at.session_state["gc_base_bce"]["p"].tolist()[1] == "0.5"


def test_gradcheck_reset_gives_the_article_table_in_a_fresh_editor() -> None:
    """After an edit, ↺ Reset: the article's rows again under gc_table_bce_1, no edits."""
    at = typed_bce()
    edit(at, "gc_table_bce", {1: {"p": "abc"}})
    assert not at.metric
    ran(at.button(key="gc_reset").click().run())
    assert metric(at, "L(p), sum") == "4.4603" and not at.error
    assert "gc_table_bce_1" in at.session_state
    assert at.session_state["gc_table_bce_1"]["edited_rows"] == {}
