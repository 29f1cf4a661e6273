"""Classroom mode's pure parts: the registry of hideable controls, the link parsing, the CSS,
the projector figure and the copy buttons' HTML (ui/model/classroom.py, ui/model/controls.py,
ui/figures/projector.py, ui/widgets/classroom.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

from ui.figures import projector
from ui.model import classroom, params
from ui.model.classroom import Classroom
from ui.model.controls import CONTROLS, Control
from ui.widgets import classroom as classroom_widgets

ROOT = Path(__file__).resolve().parents[2]


def page_source(page: str) -> str:
    """pages/<page>.py and the ui modules it imports (where some of its keys are built)."""
    text = (ROOT / "pages" / f"{page}.py").read_text()
    modules = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ui"):
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    for name in sorted(modules):
        module = ROOT / (name.replace(".", "/") + ".py")
        if module.exists() and name != "ui.widgets.classroom":
            text += "\n" + module.read_text()
    return text


def used_as_key(key: str, source: str) -> bool:
    """True when ``source`` gives some widget or container the key ``key`` (``x_*``: a prefix).

    Accepted: ``key="k"``, ``Param("k", …)`` (a page setting, whose widget uses
    ``key=PARAM.key``), an upper-case constant assigned ``"k"``, and for a prefix an f-string
    ``f"x_{…}"``.
    """
    if key.endswith("*"):
        return re.search(rf"""f["']{re.escape(key[:-1])}\{{""", source) is not None
    quoted = rf"""["']{re.escape(key)}["']"""
    patterns = (
        rf"key={quoted}",
        rf"Param\(\s*{quoted}",
        rf"^[A-Z_][A-Z0-9_, ]* = [^\n]*{quoted}",
    )
    return any(re.search(p, source, re.M) for p in patterns)


def routed_pages() -> list[str]:
    """The url paths app.py routes (``_page("name", …)``)."""
    return re.findall(r'_page\("(\w+)"', (ROOT / "app.py").read_text())


# ---------------------------------------------------------------------------- the registry


def test_every_routed_page_has_a_registry_entry_and_no_other_does():
    """The registry names exactly app.py's pages (by url path)."""
    assert sorted(CONTROLS) == sorted(routed_pages())


@pytest.mark.parametrize(
    "page, control",
    [(page, control) for page, controls in CONTROLS.items() for control in controls],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_every_key_in_the_registry_is_a_key_in_its_page(page: str, control: Control):
    """A page that renames a widget key fails here until the registry follows."""
    source = page_source(page)
    missing = [key for key in control.keys if not used_as_key(key, source)]
    assert not missing, f"{page}: {control.name} names keys the page does not have: {missing}"


def test_the_key_check_rejects_a_key_that_is_not_there():
    """The check above is not vacuous: a made-up key and a made-up prefix fail it."""
    source = page_source("binary")
    assert used_as_key("p", source) and used_as_key("bce_table_*", source)
    assert not used_as_key("no_such_key", source)
    assert not used_as_key("no_such_prefix_*", source)


@pytest.mark.parametrize("page", sorted(CONTROLS))
def test_names_are_unique_lower_case_words_and_every_control_covers_something(page: str):
    """Names fit a link (a-z, digits), none repeats, ``all`` is reserved, each has keys."""
    names = [c.name for c in classroom.controls(page)]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z][a-z0-9]*", n) for n in names), names
    assert classroom.ALL not in names
    assert all(c.keys and c.label for c in CONTROLS[page])


def test_the_classroom_parameters_are_kept_by_url_state_publish():
    """publish() leaves hide and projector in the link (ui/params.APP_WIDE)."""
    assert {classroom.HIDE, classroom.PROJECTOR} <= set(params.APP_WIDE)


# ---------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "raw, hidden, unknown",
    [
        (None, (), []),
        ("", (), []),
        ("t", ("t",), []),
        ("table,p", ("p", "table"), []),  # in the page's order
        (" P , Table ,,p", ("p", "table"), []),  # case, spaces, empties, repeats
        ("sidebar", ("sidebar",), []),
        ("all", ("p", "t", "scale", "logits", "table", "csv"), []),
        ("all,sidebar", ("p", "t", "scale", "logits", "table", "csv", "sidebar"), []),
        ("p,bogus,slider,bogus", ("p",), ["bogus", "slider"]),
        ("<b>x</b>", (), ["<b>x</b>"]),
    ],
)
def test_hide_names_are_read_in_the_pages_order_and_unknown_ones_kept_as_typed(
    raw, hidden, unknown
):
    """Known names are hidden; unknown ones are returned for a note."""
    assert classroom.parse_hide(raw, "binary") == (hidden, unknown)


def test_a_page_without_an_entry_can_still_hide_the_sidebar():
    """An unknown page has only the sidebar; ``all`` hides nothing there."""
    assert classroom.parse_hide("all,sidebar,p", "nowhere") == (("sidebar",), ["p"])


@pytest.mark.parametrize(
    "raw, on, error",
    [
        (None, False, False),
        ("1", True, False),
        ("true", True, False),
        (" ON ", True, False),
        ("0", False, False),
        ("no", False, False),
        ("maybe", False, True),
        ("", False, True),
    ],
)
def test_projector_reads_true_or_false_and_explains_anything_else(raw, on, error):
    """``1/true/yes/on``, ``0/false/no/off``; anything else is off, with a reason."""
    value, why = classroom.parse_projector(raw)
    assert value is on and (why is not None) is error


def test_a_link_with_unknown_names_gets_a_note_naming_the_parameter_the_value_and_the_choices():
    """The note quotes ``hide=…``, each unknown name, and lists what the page can hide."""
    room = classroom.read("versus", {"hide": "z,sliders", "projector": "please"})
    assert room.hidden == ("z",) and room.projector is False
    hide_note, projector_note = room.notes
    assert "`hide=z,sliders`" in hide_note and "`sliders`" in hide_note
    assert "z, start, rate, steps, sidebar" in hide_note
    assert "`projector=please`" in projector_note and "projector mode is off" in projector_note


def test_a_very_long_value_is_quoted_short():
    """A 10,000-character value is cut to 40 characters in the note."""
    room = classroom.read("binary", {"hide": "x" * 10_000})
    assert len(room.notes[0]) < 400 and "x" * 40 + "…" in room.notes[0]


def test_a_clean_link_gives_no_notes():
    assert classroom.read("binary", {"hide": "p,t", "projector": "1"}).notes == ()


# ---------------------------------------------------------------------------- CSS


def test_no_classroom_parameters_no_css():
    assert classroom.css(Classroom(page="binary")) == ""


def test_hidden_controls_become_one_display_none_rule_on_their_key_classes():
    """Exact keys by class, prefixes by a class substring, nothing of projector mode."""
    css = classroom.css(Classroom(page="binary", hidden=("p", "table")))
    assert css.count("display: none !important") == 2  # the controls, then columns left empty
    selectors = css.split("{")[0]
    assert ".st-key-p," in selectors or ".st-key-p\n" in selectors
    assert '[class*="st-key-bce_table_"]' in selectors and ".st-key-bce_reset" in selectors
    assert ".st-key-t" not in selectors.replace(".st-key-table", "")
    assert "stSidebar" not in css and "font-size" not in css


def test_controls_in_an_expander_or_a_column_hide_their_holder_too():
    """Hiding the class weights hides their expander; the training settings their column."""
    weights = classroom.css(Classroom(page="categorical", hidden=("weights",)))
    assert '[data-testid="stExpander"]:has([class*="st-key-cat_w_"])' in weights
    settings = classroom.css(Classroom(page="training", hidden=("settings",)))
    assert '[data-testid="stColumn"]:has(.st-key-tr_settings)' in settings


def test_hiding_the_sidebar_hides_it_and_its_toggle():
    css = classroom.css(Classroom(page="softmax", hidden=("sidebar",)))
    for selector in classroom.SIDEBAR_SELECTORS:
        assert selector in css
    assert "font-size" not in css


def test_projector_mode_hides_the_sidebar_and_header_and_enlarges_text_width_and_pictures():
    css = classroom.css(Classroom(page="training", projector=True))
    assert '[data-testid="stSidebar"]' in css and '[data-testid="stHeader"]' in css
    assert f"html {{ font-size: {classroom.ROOT_FONT_PX}px !important; }}" in css
    assert "max-width: none" in css
    assert 'img[data-testid="tr-boundary"]' in css and "width: 100%" in css


# ---------------------------------------------------------------------------- figures


def figure() -> go.Figure:
    """A small figure with fonts set in three places, a height and margins."""
    return go.Figure(
        go.Bar(x=["a", "b"], y=[1, 2], textfont=dict(size=10)),
        layout=dict(
            font=dict(size=14),
            height=380,
            margin=dict(l=10, r=10, t=50, b=10, pad=2),
            annotations=[dict(text="note", x=0, y=1, font=dict(size=12, color="red"))],
            xaxis=dict(tickfont=dict(size=11)),
        ),
    )


def test_the_projector_figure_scales_every_font_size_and_margin_and_is_taller():
    """Each font size and margin times FONT_SCALE, the height times HEIGHT_SCALE."""
    big = projector.projector_figure(figure(), font_scale=1.5, height_scale=1.4)
    assert big.layout.font.size == 21
    assert big.layout.annotations[0].font.size == 18
    assert big.layout.annotations[0].font.color == "red"
    assert big.layout.xaxis.tickfont.size == 16.5
    assert big.data[0].textfont.size == 15
    assert big.layout.height == 532
    assert (big.layout.margin.l, big.layout.margin.t, big.layout.margin.pad) == (15, 75, 2)


def test_the_projector_figure_leaves_the_original_alone():
    """A cached figure (the race) must not grow each time it is drawn."""
    original = figure()
    before = original.to_dict()
    projector.projector_figure(original)
    assert original.to_dict() == before


def test_a_figure_without_sizes_gets_plotlys_defaults_enlarged():
    big = projector.projector_figure(go.Figure(go.Scatter(y=[1, 2])), font_scale=2, height_scale=2)
    assert big.layout.font.size == 2 * projector.PLOTLY_FONT_SIZE
    assert big.layout.height == 2 * projector.PLOTLY_HEIGHT


def test_animation_frames_are_scaled_too():
    fig = go.Figure(
        go.Scatter(y=[1]),
        frames=[go.Frame(data=[go.Scatter(y=[2], textfont=dict(size=10))], name="1")],
    )
    big = projector.projector_figure(fig, font_scale=2)
    assert big.frames[0].data[0].textfont.size == 20


class FakeStreamlit:
    """Records plotly_chart calls; a session state to put a Classroom in."""

    def __init__(self, room: Classroom | None) -> None:
        self.session_state = {} if room is None else {classroom_widgets.SESSION: room}
        self.calls: list[tuple[go.Figure, dict]] = []

    def plotly_chart(self, fig, **kwargs):
        self.calls.append((fig, kwargs))
        return "element"


def test_chart_draws_exactly_the_figure_built_outside_projector_mode(monkeypatch):
    fake = FakeStreamlit(Classroom(page="binary", hidden=("p",)))
    monkeypatch.setattr(classroom_widgets, "st", fake)
    fig = figure()
    assert classroom_widgets.chart(fig, key="k", width="stretch") == "element"
    config = projector.png_export("k")
    assert fake.calls == [(fig, {"key": "k", "config": config, "width": "stretch"})]


def test_chart_draws_the_projector_figure_in_projector_mode_into_the_given_place(monkeypatch):
    fake = FakeStreamlit(Classroom(page="binary", projector=True))
    place = FakeStreamlit(None)
    monkeypatch.setattr(classroom_widgets, "st", fake)
    classroom_widgets.chart(figure(), key="k", into=place)
    assert not fake.calls
    ((drawn, kwargs),) = place.calls
    assert drawn.layout.height == round(380 * projector.HEIGHT_SCALE)
    assert drawn.layout.font.size == 14 * projector.FONT_SCALE
    assert kwargs == {"key": "k", "config": projector.png_export("k")}


# ---------------------------------------------------------------------------- copy buttons


def test_the_copy_button_copies_the_address_as_it_is():
    """No classroom data: the script copies window.location.href itself."""
    text = classroom_widgets.copy_button_html("Copy link to this view", test_id="xent-copy-link")
    assert 'data-xent-copy="1"' in text and 'data-testid="xent-copy-link"' in text
    assert "data-classroom" not in text and 'data-done="Link copied"' in text
    assert "window.location.href" in text and "execCommand" in text
    assert "navigator.clipboard" in text and "isSecureContext" in text


def test_the_classroom_button_carries_the_chosen_names_and_projector():
    text = classroom_widgets.copy_button_html(
        "Copy classroom link", test_id="b", hidden=["p", "table"], projector=True
    )
    assert 'data-classroom="1"' in text and 'data-hide="p,table"' in text
    assert 'data-projector="1"' in text
    nothing = classroom_widgets.copy_button_html("x", test_id="b", hidden=[], projector=False)
    assert 'data-hide=""' in nothing and 'data-projector="0"' in nothing


def test_only_the_first_button_carries_the_style_and_the_script():
    """``assets=False``: the button alone (the page's first button brought the rest)."""
    full = classroom_widgets.copy_button_html("x", test_id="a")
    bare = classroom_widgets.copy_button_html("y", test_id="b", hidden=["p"], assets=False)
    assert "<script>" in full and "<style>" in full
    assert "<script>" not in bare and "<style>" not in bare and "data-xent-copy" in bare


def test_the_button_text_and_colours_are_escaped():
    text = classroom_widgets.copy_button_html("<b>", test_id="b", primary='red" onclick="x')
    assert "<b>" not in text.split("<button")[1].split("</button>")[0]
    assert 'onclick="x' not in text


def test_the_readmes_table_of_names_is_the_registry():
    """README.md's "hide= names" table lists exactly each page's control names, in order."""
    readme = (ROOT / "README.md").read_text()
    rows = dict(re.findall(r"^\| (\w+) \| (`.+`) \|$", readme, re.M))
    assert rows == {
        page: ", ".join(f"`{c.name}`" for c in controls) for page, controls in CONTROLS.items()
    }


def test_a_figures_png_is_named_after_its_key_at_twice_the_resolution():
    """The toolbar camera saves xent-<key>.png at scale 2 (sharp on a slide), no plotly logo."""
    config = projector.png_export("bce_curve")
    assert config["toImageButtonOptions"] == {
        "format": "png",
        "filename": "xent-bce-curve",
        "scale": 2,
    }
    assert config["displaylogo"] is False
    assert projector.png_export(None)["toImageButtonOptions"]["filename"] == "xent-figure"


def test_a_pages_own_chart_config_is_kept_over_the_png_defaults(monkeypatch):
    """The training curves pass their own toolbar; chart() adds to it, never replaces it."""
    fake = FakeStreamlit(Classroom(page="training"))
    monkeypatch.setattr(classroom_widgets, "st", fake)
    classroom_widgets.chart(figure(), key="c", config={"modeBarButtons": [["toImage"]]})
    ((_, kwargs),) = fake.calls
    assert kwargs["config"]["modeBarButtons"] == [["toImage"]]
    assert kwargs["config"]["toImageButtonOptions"]["filename"] == "xent-c"


@pytest.mark.parametrize("asset", ["BUTTON_STYLE", "COPY_SCRIPT"])
def test_the_copy_buttons_assets_survive_streamlits_html_sanitiser(asset):
    """DOMPurify removes a style or script element whose text holds something tag-like
    (``<`` then a letter or ``/``): one ``<link>`` in a CSS comment left the button unstyled."""
    body = getattr(classroom_widgets, asset).strip()
    inner = body.split(">", 1)[1].rsplit("</", 1)[0]
    assert not re.search(r"<[/\w]", inner), re.search(r".{0,30}<[/\w].{0,30}", inner).group(0)
