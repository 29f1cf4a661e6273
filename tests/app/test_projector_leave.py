"""AppTest of the way out of projector mode: the "Leave projector mode" button."""

from __future__ import annotations

from tests.app.conftest import open_page, ran
from ui.model.classroom import LEAVE_KEY, Classroom
from ui.widgets import classroom as classroom_widgets


def test_projector_mode_shows_a_leave_button_and_it_brings_the_page_back():
    """The button drops projector=1 from the link (hide stays) and the next page keeps it off."""
    at = open_page("pages/binary.py", hide="t", projector="1")
    ran(at.button(key=LEAVE_KEY).click().run())
    assert at.session_state[classroom_widgets.SESSION] == Classroom(page="binary", hidden=("t",))
    assert dict(at.query_params) == {"hide": "t"}
    assert not [b for b in at.button if b.key == LEAVE_KEY]
    at.query_params.clear()  # what following a menu link does
    ran(at.switch_page("pages/softmax.py").run())
    assert at.session_state[classroom_widgets.SESSION].projector is False


def test_without_projector_mode_there_is_no_leave_button():
    at = open_page("pages/versus.py")
    assert not [b for b in at.button if b.key == LEAVE_KEY]
