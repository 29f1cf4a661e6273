"""AppTest of classroom mode: every page opened with every control hidden and projector mode
on still computes and shows its numbers; hidden widgets keep the link's values; bad names
get a note; the link keeps the classroom parameters; the sidebar's builder."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, open_page, ran
from ui.model import classroom
from ui.model.classroom import Classroom
from ui.model.controls import CONTROLS
from ui.widgets import classroom as classroom_widgets

# A number each page shows on opening (the article's, or its own default's), and the
# rendered text to find it in.
SHOWN = {
    "overview": "4.460303459760249",  # the binary table's sum
    "binary": "4.460303459760249",
    "categorical": "2.214574215671332",  # the categorical table's sum
    "softmax": "0.6652409557748218",  # softmax([2, 3, 4])[2]
    "backprop": "1.83277",  # the classic 2-16-3 network's loss on its default batch
    "training": "data-testid='tr-epoch' style='font-size:1.9rem;line-height:1.15;",
    "versus": "0.0179862",  # σ(−4)
    "information": "0.897946",  # H(t) of the default pair
    "smoothing": "0.09003057317038046",  # softmax([2, 3, 4])[0] at τ = 1
    "gradcheck": "1e-5",  # the step h
}


def file_of(page: str) -> str:
    return f"pages/{page}.py"


def shown_text(at: AppTest) -> str:
    """Everything the page shows as text: metrics, Markdown, captions, tables, HTML."""
    parts = [f"{m.label} {m.value}" for m in at.metric]
    parts += [str(m.value) for m in (*at.markdown, *at.caption, *at.warning, *at.error)]
    parts += [frame.value.to_string() for frame in at.dataframe]
    parts += [h.proto.body for h in at.get("html")]
    return "\n".join(parts)


def room(at: AppTest) -> Classroom:
    return at.session_state[classroom_widgets.SESSION]


def everything(page: str) -> str:
    return ",".join(c.name for c in classroom.controls(page))


@pytest.mark.parametrize("page", sorted(CONTROLS))
def test_every_page_computes_as_usual_with_every_control_hidden_on_a_projector(page: str):
    """``?hide=<all names>&projector=1``: no exception, no note, the page's number shown."""
    at = open_page(file_of(page), hide=everything(page), projector="1")
    assert room(at) == Classroom(
        page=page, hidden=tuple(c.name for c in classroom.controls(page)), projector=True
    )
    assert SHOWN[page] in shown_text(at)
    assert not [w for w in at.warning if "Link setting" in str(w.value)]
    assert at.query_params["hide"] == everything(page) and at.query_params["projector"] == "1"


def test_hide_all_is_every_control_of_the_page_but_not_the_sidebar():
    at = open_page("pages/gradcheck.py", hide="all")
    assert room(at).hidden == tuple(c.name for c in CONTROLS["gradcheck"])


@pytest.mark.parametrize(
    "page, link, expected",
    [
        ("binary", {"p": "0.3", "t": "0"}, {"p": 0.3, "t": 0.0}),
        ("versus", {"vs_z": "-2", "vs_lr": "1"}, {"vs_z": -2.0, "vs_lr": 1.0}),
        ("softmax", {"z": "1,2,3,4", "tau": "2"}, {"z_3": 4.0, "tau": 2.0, "n_classes": 4}),
        ("smoothing", {"ls_z": "1,2", "ls_tau": "0.5"}, {"ls_z": "1,2", "ls_tau": 0.5}),
        ("gradcheck", {"gc_loss": "bce", "gc_h": "1e-3"}, {"gc_loss": "bce", "gc_h": 1e-3}),
        ("training", {"tr_lr": "0.1", "tr_layers": "1"}, {"tr_lr": 0.1, "tr_layers": 1}),
    ],
)
def test_hidden_widgets_still_hold_the_links_values(page, link, expected):
    """Hiding is only CSS: the widgets are drawn, with the values the link gives them."""
    at = open_page(file_of(page), hide="all", **link)
    for key, value in expected.items():
        assert at.session_state[key] == value, key


def test_the_page_computes_with_the_hidden_values():
    """Binary with p and t hidden at p = 0.3, t = 0: the loss is −log(0.7)."""
    at = open_page("pages/binary.py", hide="p,t", p="0.3", t="0")
    assert "0.356675" in shown_text(at)


def test_an_unknown_name_gets_a_note_naming_it_and_the_known_ones_are_still_hidden():
    at = open_page("pages/versus.py", hide="z,slider")
    notes = [str(w.value) for w in at.warning if "Link setting" in str(w.value)]
    assert len(notes) == 1
    assert "`hide=z,slider`" in notes[0] and "`slider`" in notes[0]
    assert "z, start, rate, steps, sidebar" in notes[0]
    assert room(at).hidden == ("z",)


def test_a_bad_projector_value_gets_a_note_and_leaves_projector_mode_off():
    at = open_page("pages/softmax.py", projector="big")
    notes = [str(w.value) for w in at.warning if "`projector=big`" in str(w.value)]
    assert notes and "projector mode is off" in notes[0]
    assert room(at).projector is False


def test_the_note_is_shown_once_not_on_every_rerun():
    """Moving a slider afterwards shows the page without the note again."""
    at = open_page("pages/versus.py", hide="bogus")
    assert any("`bogus`" in str(w.value) for w in at.warning)
    ran(at.slider(key="vs_z").set_value(1.0).run())
    assert not any("`bogus`" in str(w.value) for w in at.warning)


def test_the_overview_shows_a_note_for_an_unknown_name():
    """The overview shows notes too (it has no settings of its own)."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["hide"] = "p"
    ran(at.run())
    assert any("`hide=p`" in str(w.value) for w in at.warning)


def test_moving_a_widget_keeps_hide_and_projector_in_the_link():
    """url_state.publish rewrites the link with the new setting and keeps the classroom's."""
    at = open_page("pages/binary.py", hide="t", projector="1")
    ran(at.slider(key="p").set_value(0.25).run())
    assert dict(at.query_params) == {"p": "0.25", "hide": "t", "projector": "1"}


def test_projector_mode_carries_over_to_the_next_page_and_hide_does_not():
    """The menu drops the query string: projector=1 is put back, hide (per page) is not."""
    at = open_page("pages/binary.py", hide="p,t", projector="1")
    at.query_params.clear()  # what following a menu link does
    ran(at.switch_page("pages/softmax.py").run())
    assert room(at) == Classroom(page="softmax", projector=True)
    assert dict(at.query_params) == {"projector": "1"}


def test_projector_0_turns_it_off_for_the_rest_of_the_visit():
    at = open_page("pages/binary.py", projector="1")
    at.query_params["projector"] = "0"
    ran(at.run())
    at.query_params.clear()
    ran(at.switch_page("pages/versus.py").run())
    assert room(at).projector is False and "projector" not in at.query_params


def classroom_styles(at: AppTest) -> list[str]:
    """The style elements classroom mode added (not the app's own sheet, ui/widgets/style.py,
    which every page carries and which has display: none rules of its own)."""
    return [
        h.proto.body
        for h in at.get("html")
        if "display: none" in h.proto.body and 'id="xent-style"' not in h.proto.body
    ]


def test_without_classroom_parameters_nothing_is_hidden_and_no_style_is_added():
    at = open_page("pages/versus.py")
    assert room(at) == Classroom(page="versus")
    assert not classroom_styles(at)
    assert len([h for h in at.get("html") if 'id="xent-style"' in h.proto.body]) == 1


def test_the_style_hides_the_chosen_keys():
    at = open_page("pages/versus.py", hide="start", projector="1")
    styles = classroom_styles(at)
    assert len(styles) == 1
    assert ".st-key-vs_w0" in styles[0] and ".st-key-vs_b0" in styles[0]
    assert ".st-key-vs_z" not in styles[0] and "font-size: 22px" in styles[0]


def copy_buttons(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.sidebar.get("html") if "data-xent-copy" in h.proto.body]


@pytest.mark.parametrize("page", sorted(CONTROLS))
def test_every_page_has_the_copy_link_button_and_the_builder_in_the_sidebar(page: str):
    """The copy button, then the builder offering this page's control names."""
    at = open_page(file_of(page))
    plain, built = copy_buttons(at)
    assert "Copy link to this view" in plain and "data-classroom" not in plain
    assert "Copy classroom link" in built
    picker = at.multiselect(key=f"cls_hide_{page}")
    assert picker.options == [c.name for c in classroom.controls(page)]
    assert at.toggle(key="cls_projector").value is False


def test_the_builder_puts_the_chosen_names_and_projector_on_its_button():
    at = open_page("pages/binary.py")
    at.multiselect(key="cls_hide_binary").set_value(["t", "table"])
    ran(at.toggle(key="cls_projector").set_value(True).run())
    built = copy_buttons(at)[1]
    assert 'data-hide="t,table"' in built and 'data-projector="1"' in built
    assert any("hide=t,table&projector=1" in str(c.value) for c in at.sidebar.caption)
    assert "hide" not in at.query_params  # the builder only builds: this view is unchanged


def test_the_builder_starts_from_what_the_link_hides():
    at = open_page("pages/binary.py", hide="p,bogus")
    assert at.multiselect(key="cls_hide_binary").value == ["p"]
