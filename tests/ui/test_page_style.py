"""The app's own style sheet and page script, the projector style, the chart toolbar and the
figures' theme: what the browser matrix (tests/e2e/test_matrix.py) checks drawn, as data."""

from __future__ import annotations

import re

import numpy as np

from ui.figures import projector, theme
from ui.figures.training import loss_curve_figure, reliability_figure, temperature_figure
from ui.model import classroom
from ui.model.classroom import LEAVE_KEY, Classroom
from ui.widgets import style


def test_every_page_gets_the_sheet_and_the_script_once_per_tab():
    """One st.html: the sheet (by id, so its holder takes no room) and the guarded script."""
    assert '<style id="xent-style">' in style.HTML and "<script>" in style.HTML
    assert "window.__xentPage" in style.SCRIPT
    assert 'style[id^="xent-"]' in style.STYLE


def test_metric_values_and_labels_wrap_instead_of_ending_in_an_ellipsis():
    rule = style.STYLE.split('[data-testid="stMetricValue"] > div,', 1)[1].split("}", 1)[0]
    assert "text-overflow: clip !important" in rule and "white-space: normal !important" in rule


def test_the_script_fits_formulas_and_metrics_and_names_charts():
    for part in ('".katex-display"', '[data-testid="stMetricValue"]', "aria-label", "figure"):
        assert part in style.SCRIPT


def test_projector_mode_has_a_way_back_and_a_compact_title():
    css = classroom.css(Classroom(page="binary", projector=True))
    assert f".st-key-{LEAVE_KEY} {{ position: fixed !important;" in css
    # the button has a bar of its own: the scrolling main area starts under it
    bar = f"{classroom.BAR_REM}rem"
    assert f'[data-testid="stMain"] {{ margin-top: {bar} !important;' in css
    assert f"height: calc(100dvh - {bar}) !important;" in css
    assert "h1 { font-size: 2.25rem !important;" in css
    assert "tr-picture" not in css  # the training page's rules stay on the training page


def test_on_a_projector_the_training_picture_fits_under_the_buttons():
    css = classroom.css(Classroom(page="training", projector=True))
    assert re.search(r'\[data-testid="tr-picture"\] \{ max-width: min\(25rem, calc\(100vh', css)
    assert ':has(h1) + [data-testid="stElementContainer"]' in css


def test_hiding_every_control_of_a_column_hides_the_column():
    """Hiding Play, Step, Reset and the preset leaves no empty columns beside the slider."""
    css = classroom.css(Classroom(page="training", hidden=("play", "preset")))
    rule = next(line for line in css.splitlines() if line.startswith('[data-testid="stColumn"]'))
    assert rule.startswith('[data-testid="stColumn"]:has(.st-key-tr_play, ')
    assert ':not(:has([data-testid="stElementContainer"]:not(.st-key-tr_play, ' in rule
    assert rule.endswith("{ display: none !important; }")


def test_the_chart_toolbar_keeps_the_camera_and_drops_the_zoom_buttons():
    config = projector.png_export("bce_curve")
    assert "toImage" not in config["modeBarButtonsToRemove"]
    assert {"zoom2d", "pan2d", "resetScale2d"} <= set(config["modeBarButtonsToRemove"])


def test_the_shared_template_leaves_background_and_text_colour_to_the_app_theme():
    layout = theme.TEMPLATE.layout
    assert layout.paper_bgcolor is None and layout.plot_bgcolor is None
    assert layout.font.color is None


def figures():
    edges = np.linspace(0, 1, 6)
    yield loss_curve_figure(epochs=[0, 1, 2], train_loss=[1.0, 0.8, 0.7], test_loss=[1, 0.9, 0.8])
    yield reliability_figure(
        edges=edges,
        confidence=[0.1, 0.3, 0.5, 0.7, 0.9],
        accuracy=[0.1, 0.3, 0.4, 0.6, 0.8],
        count=[1, 2, 3, 4, 5],
        n_classes=2,
        title="t",
    )
    yield temperature_figure(
        temperatures=[0.5, 1.0, 2.0],
        cross_entropy=[0.9, 0.6, 0.7],
        ece=[0.1, 0.05, 0.08],
        ce_temperature=1.0,
        ece_temperature=1.0,
    )


def test_the_training_figures_set_no_background_or_text_colour():
    """Dark mode: white paper with the theme's near-white text was unreadable."""
    for fig in figures():
        spec = fig.to_plotly_json()["layout"]
        assert "paper_bgcolor" not in spec and "plot_bgcolor" not in spec
        assert "color" not in spec["font"]
        for note in spec.get("annotations", []):
            assert "bgcolor" not in note and "color" not in note.get("font", {})


def test_the_sheet_and_the_script_hold_nothing_tag_like():
    """DOMPurify (st.html) drops a style or script element whose text looks like a tag."""
    for text in (style.STYLE, style.SCRIPT):
        assert not re.search(r"<[A-Za-z/!]", text)


def themed_figures():
    """One figure per builder that takes the shared look (theme.look)."""
    from ui.figures.binary import loss_bars_figure
    from ui.figures.binary import loss_curve_figure as bce_curve
    from ui.figures.categorical import gradient_figure, prediction_figure
    from ui.figures.softmax import chain_rule_figure, jacobian_heatmap, softmax_bars

    abc = ["a", "b", "c"]
    yield bce_curve(p=0.3, t=1.0)
    yield loss_bars_figure(
        rows=[1, 2, 3], loss=np.array([0.1, 2.5, np.inf]), mistake=np.array([0, 1, 1]), mean=1.2
    )
    yield softmax_bars(p=[0.2, 0.3, 0.5], labels=abc)
    yield jacobian_heatmap(J=np.eye(3) * 0.2, labels=abc, digits=3)
    yield chain_rule_figure(
        dl_dp=[0.0, -2.0, 0.0], via_jacobian=[0.2, -0.5, 0.3], direct=[0.2, -0.5, 0.3], labels=abc
    )
    yield prediction_figure(classes=abc, p=[0.2, 0.3, 0.5], t=[0.0, 1.0, 0.0], target=1)
    yield gradient_figure(classes=abc, grad=[0.2, -0.7, 0.5], title="row 1")


def test_figures_name_the_shared_template_and_draw_exactly_what_the_template_object_drew(
    monkeypatch,
):
    """The registered template (a deep copy per figure, ~0.3 ms) gives every figure the same
    JSON as passing theme.TEMPLATE itself (re-validated in full per figure, ~2.3 ms)."""
    named = [fig.to_json() for fig in themed_figures()]
    monkeypatch.setattr(theme, "TEMPLATE_NAME", theme.TEMPLATE)  # the object, as before
    assert [fig.to_json() for fig in themed_figures()] == named
    assert all('"template":{' in spec for spec in named)  # sent in full, not by name


def test_each_figure_gets_its_own_copy_of_the_shared_template():
    """A figure changing its template (the projector's copy, a test) changes no other figure's."""
    a, b = next(themed_figures()), next(themed_figures())
    assert a.layout.template == b.layout.template == theme.TEMPLATE
    assert a.layout.template is not b.layout.template
    a.layout.template.layout.font.size = 99
    assert b.layout.template.layout.font.size is None
    assert theme.TEMPLATE.layout.font.size is None
    assert next(themed_figures()).layout.template == theme.TEMPLATE
