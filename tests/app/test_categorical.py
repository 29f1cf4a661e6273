"""The categorical cross-entropy page, run headlessly: seed numbers, edits, messages, URL.

Expected numbers come from the seed article or are computed here by hand with ``math``,
independently of xent_core.
"""

from __future__ import annotations

import json
import math

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import metric, open_page, ran, texts, with_link

PAGE = "pages/categorical.py"
SEED_SUM = "2.214574215671332"
SEED_MEAN = "0.553643553917833"
SEED_LOSSES = [
    "0.09431067947124129",
    "0.2231435513142097",
    "0.5108256237659907",
    "1.3862943611198906",
]
SEED_ROWS = [  # (true class, cells)
    (0, [0.91, 0.04, 0.05]),
    (1, [0.11, 0.80, 0.09]),
    (2, [0.30, 0.10, 0.60]),
    (0, [0.25, 0.40, 0.35]),
]
SUM_LABEL = "Sum over the"


def editor_key(at: AppTest) -> str:
    """The table editor's current key (it changes whenever a button replaces the table)."""
    return f"cat_editor_{at.session_state['cat_table_version']}"


def edit(at: AppTest, rows: dict[int, dict[str, str | None]], added=(), deleted=()) -> AppTest:
    """Edit the table as the grid would: ``{row index: {column id: typed text}}``."""
    at.session_state[editor_key(at)] = {
        "edited_rows": rows,
        "added_rows": list(added),
        "deleted_rows": list(deleted),
    }
    return ran(at.run())


def results(at: AppTest):
    """The read-only results table beside the editor."""
    return at.dataframe[-1].value


def chart_bars(at: AppTest, key: str, trace: int = 0) -> tuple[list[str], list[float]]:
    """Class names and bar heights of one trace of the plotly chart with ``key``."""
    (chart,) = [c for c in at.get("plotly_chart") if c.key == key]
    spec = json.loads(chart.proto.spec)
    return spec["data"][trace]["x"], spec["data"][trace]["y"]


def chart_keys(at: AppTest) -> list[str]:
    return [c.key for c in at.get("plotly_chart")]


def hand_softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / sum(e) for v in e]


def hand_smoothed_weighted_losses(rows, eps: float, w: list[float]) -> list[float]:
    """PyTorch's cross_entropy per row, from logits, with label smoothing and class weights."""
    out = []
    for y, z in rows:
        nll = [-math.log(p) for p in hand_softmax(z)]
        c = len(z)
        out.append(
            (1 - eps) * w[y] * nll[y] + eps / c * sum(wc * n for wc, n in zip(w, nll, strict=True))
        )
    return out


def hand_probability_losses(rows, eps: float, w: list[float]) -> list[float]:
    """The same on probabilities as typed: (1 - ε) w_y (-log p_y) + ε/C Σ_c w_c (-log p_c)."""
    out = []
    for y, p in rows:
        nll = [-math.log(pc) for pc in p]
        c = len(p)
        out.append(
            (1 - eps) * w[y] * nll[y] + eps / c * sum(wc * n for wc, n in zip(w, nll, strict=True))
        )
    return out


def hand_coefficients(y: int, c: int, eps: float, w: list[float]) -> list[float]:
    """A_k, the coefficient of -log p_k in L: (1 - ε) w_y [k = y] + (ε / C) w_k."""
    return [(1 - eps) * w[y] * (k == y) + eps / c * w[k] for k in range(c)]


@pytest.fixture
def at() -> AppTest:
    return open_page(PAGE)


def test_seed_sum_and_mean_appear_at_full_precision_with_their_reductions(at: AppTest) -> None:
    """The seed table gives sum 2.214574215671332 and mean = sum / 4, each naming its reduction."""
    assert metric(at, 'Sum over the 4 rows (reduction="sum")') == SEED_SUM
    assert metric(at, 'Mean over the 4 rows (reduction="mean")') == SEED_MEAN
    assert results(at)["loss Lᵢ"].tolist() == SEED_LOSSES


def test_the_page_shows_its_formulas(at: AppTest) -> None:
    """The loss and the reductions are typeset with st.latex."""
    formulas = texts(at.latex)
    assert r"-\sum_c t_{ic}\log p_{ic}" in formulas
    assert r"\frac{1}{N}\sum_i L_i" in formulas
    ran(at.radio(key="input").set_value("logits").run())
    assert r"\sum_i w_{y_i}" in texts(at.latex)


def test_editing_a_cell_changes_the_sum(at: AppTest) -> None:
    """Row 4 becomes 0.5 / 0.15 / 0.35: its loss is -log 0.5 and the sum follows."""
    edit(at, {3: {"c0": "0.5", "c1": "0.15"}})
    expected = -math.log(0.91) - math.log(0.80) - math.log(0.60) - math.log(0.5)
    assert float(metric(at, SUM_LABEL)) == pytest.approx(expected, rel=1e-14)
    assert results(at)["loss Lᵢ"][3] == repr(-math.log(0.5))


def test_edits_survive_switching_to_logits_and_back(at: AppTest) -> None:
    """An edited cell is still there after the mode changes twice."""
    edit(at, {3: {"c0": "0.5", "c1": "0.15"}})
    ran(at.radio(key="input").set_value("logits").run())
    rows = [*SEED_ROWS[:3], (0, [0.5, 0.15, 0.35])]
    expected = sum(hand_smoothed_weighted_losses(rows, 0.0, [1, 1, 1]))
    assert float(metric(at, SUM_LABEL)) == pytest.approx(expected, rel=1e-13)
    ran(at.radio(key="input").set_value("probabilities").run())
    assert results(at)["loss Lᵢ"][3] == repr(-math.log(0.5))


def test_bad_cells_get_messages_naming_row_and_column_and_the_cells_stay_as_typed(
    at: AppTest,
) -> None:
    """Text, a negative, a value above 1 and a row not summing to 1 each get a message."""
    edit(
        at,
        {
            0: {"c0": "abc"},
            1: {"c1": "-0.1"},
            2: {"c2": "1.5"},
            3: {"c0": "0.5"},
        },
    )
    errors = texts(at.error)
    assert "Row 1, column “panda”: “abc” is not a number." in errors
    assert "Row 2, column “seal”: -0.1 is outside the allowed range 0 to 1." in errors
    assert "Row 3, column “duck”: 1.5 is outside the allowed range 0 to 1." in errors
    assert "Row 4: the probabilities add up to 1.25, not 1." in errors
    assert results(at)["loss Lᵢ"].tolist() == ["—"] * 4
    assert not [m for m in at.metric if m.label.startswith(SUM_LABEL)]
    assert "The sum and the mean need at least one usable row" in texts(at.info)
    table = at.session_state[editor_key(at)]["edited_rows"]
    assert table[0]["c0"] == "abc"  # what was typed is kept


def test_an_empty_target_and_an_empty_cell_are_named(at: AppTest) -> None:
    """A row without a true class or with an empty probability is reported, not a crash."""
    edit(at, {1: {"target": None, "c2": ""}})
    errors = texts(at.error)
    assert "Row 2, column “true class”: is empty: choose the true class." in errors
    assert "Row 2, column “duck”: is empty: type a number." in errors


def test_normalise_rows_fixes_a_row_that_does_not_add_up_to_one(at: AppTest) -> None:
    """Row 4 typed as 0.5 / 0.4 / 0.35 becomes 0.4 / 0.32 / 0.28 after one click."""
    edit(at, {3: {"c0": "0.5"}})
    assert "Row 4: the probabilities add up to 1.25" in texts(at.error)
    ran(at.button(key="cat_normalise").click().run())
    assert not at.error
    assert "Normalised row(s) 4" in texts(at.toast)
    expected = -math.log(0.91) - math.log(0.80) - math.log(0.60) - math.log(0.5 / 1.25)
    assert float(metric(at, SUM_LABEL)) == pytest.approx(expected, rel=1e-14)
    assert at.button(key="cat_normalise").disabled


def test_reset_brings_back_the_seed_table(at: AppTest) -> None:
    """After edits and a new class, reset shows the seed sum again."""
    edit(at, {0: {"c0": "0.5"}})
    ran(at.button(key="cat_add_class").click().run())
    ran(at.button(key="cat_reset").click().run())
    assert metric(at, SUM_LABEL) == SEED_SUM
    assert [at.text_input(key=f"cat_name_c{j}").value for j in range(3)] == [
        "panda",
        "seal",
        "duck",
    ]


def test_a_zero_probability_on_the_true_class_shows_infinity(at: AppTest) -> None:
    """Row 2 gives seal probability 0: its loss, the sum and the mean are ∞, explained."""
    edit(at, {1: {"c0": "0.2", "c1": "0", "c2": "0.8"}})
    assert results(at)["loss Lᵢ"][1] == "∞"
    assert metric(at, SUM_LABEL) == "∞"
    assert "−log 0 = +∞" in texts(at.warning)
    ran(at.selectbox(key="row").set_value(2).run())
    assert "there is no finite gradient" in texts(at.warning)
    _, grad_z = chart_bars(at, "cat_grad_figure")  # through the softmax it stays finite
    assert grad_z == pytest.approx([0.2, -1.0, 0.8], rel=1e-15)


def test_label_smoothing_on_logits_matches_a_hand_computation(at: AppTest) -> None:
    """Logits mode with ε = 0.1: the sum equals (1 - ε)(-log p_y) + ε/C Σ_c -log p_c."""
    ran(at.radio(key="input").set_value("logits").run())
    plain = sum(hand_smoothed_weighted_losses(SEED_ROWS, 0.0, [1, 1, 1]))
    assert float(metric(at, SUM_LABEL)) == pytest.approx(plain, rel=1e-13)
    ran(at.slider(key="smoothing").set_value(0.1).run())
    smoothed = sum(hand_smoothed_weighted_losses(SEED_ROWS, 0.1, [1, 1, 1]))
    assert float(metric(at, SUM_LABEL)) == pytest.approx(smoothed, rel=1e-13)
    assert smoothed != pytest.approx(plain)
    assert "p(panda)" in results(at).columns


def test_class_weights_divide_the_mean_by_the_true_classes_total_weight(at: AppTest) -> None:
    """Weights 1, 2, 1: the mean is Σ L_i / (1 + 2 + 1 + 1), and the page says so."""
    ran(at.radio(key="input").set_value("logits").run())
    ran(at.number_input(key="cat_w_c1").set_value(2.0).run())
    per_row = hand_smoothed_weighted_losses(SEED_ROWS, 0.0, [1, 2, 1])
    assert float(metric(at, SUM_LABEL)) == pytest.approx(sum(per_row), rel=1e-13)
    assert float(metric(at, "Weighted mean")) == pytest.approx(sum(per_row) / 5, rel=1e-13)
    assert "w_panda + w_seal + w_duck + w_panda = 1 + 2 + 1 + 1" in texts(at.markdown)


def test_weights_and_smoothing_on_probabilities_match_a_hand_computation(at: AppTest) -> None:
    """Probabilities, ε = 0.1, weights 1, 2, 0.5: each L_i, the sum and Σ L_i / Σ w_{y_i}."""
    assert not at.slider(key="smoothing").disabled
    assert not at.number_input(key="cat_w_c1").disabled
    ran(at.slider(key="smoothing").set_value(0.1).run())
    ran(at.number_input(key="cat_w_c1").set_value(2.0).run())
    ran(at.number_input(key="cat_w_c2").set_value(0.5).run())
    per_row = hand_probability_losses(SEED_ROWS, 0.1, [1, 2, 0.5])
    shown = [float(v) for v in results(at)["loss Lᵢ"]]
    assert shown == pytest.approx(per_row, rel=1e-13)
    assert float(metric(at, SUM_LABEL)) == pytest.approx(sum(per_row), rel=1e-13)
    divisor = 1 + 2 + 0.5 + 1  # the true classes panda, seal, duck, panda
    assert float(metric(at, "Weighted mean")) == pytest.approx(sum(per_row) / divisor, rel=1e-13)
    assert "w_panda + w_seal + w_duck + w_panda = 1 + 2 + 0.5 + 1" in texts(at.markdown)
    assert "switch" not in texts(at.info)


def test_a_link_with_smoothing_applies_it_to_probabilities() -> None:
    """?smoothing=0.3 in probability mode: the sum is the smoothed one, not the seed sum."""
    at = with_link(PAGE, {"smoothing": "0.3"})
    smoothed = sum(hand_probability_losses(SEED_ROWS, 0.3, [1, 1, 1]))
    assert float(metric(at, SUM_LABEL)) == pytest.approx(smoothed, rel=1e-13)
    assert metric(at, SUM_LABEL) != SEED_SUM
    assert not at.warning


def test_smoothing_makes_a_zero_probability_on_any_class_infinite(at: AppTest) -> None:
    """Row 1 with duck p = 0: finite without smoothing, ∞ with ε > 0, and the page says why."""
    edit(at, {0: {"c1": "0.09", "c2": "0"}})
    assert results(at)["loss Lᵢ"][0] == repr(-math.log(0.91))
    ran(at.slider(key="smoothing").set_value(0.1).run())
    assert results(at)["loss Lᵢ"][0] == "∞"
    assert metric(at, SUM_LABEL) == "∞"
    warning = texts(at.warning)
    assert "every class has a target t′ ≥ ε/C > 0" in warning
    assert "row 1: p = 0 for duck" in warning


def test_adding_renaming_and_removing_classes(at: AppTest) -> None:
    """A 4th class appears with zeros; renaming keeps targets; removing empties targets."""
    ran(at.button(key="cat_add_class").click().run())
    assert at.text_input(key="cat_name_c3").value == "class 4"
    assert metric(at, SUM_LABEL) == SEED_SUM  # a class of zeros changes nothing
    ran(at.text_input(key="cat_name_c0").input("bear").run())
    assert at.selectbox(key="row").format_func(1) == "Row 1: true class bear"
    assert metric(at, SUM_LABEL) == SEED_SUM
    at.selectbox(key="cat_remove_which").set_value("c0")
    ran(at.button(key="cat_remove_class").click().run())
    errors = texts(at.error)
    assert "Row 1, column “true class”: is empty" in errors
    assert "Row 4, column “true class”: is empty" in errors


def test_duplicate_or_empty_class_names_get_a_message_and_the_table_keeps_its_names(
    at: AppTest,
) -> None:
    """Naming two classes "seal" or one "" is refused with a clear message."""
    ran(at.text_input(key="cat_name_c0").input("seal").run())
    assert "Classes 1 and 2 are both called “seal”" in texts(at.error)
    assert metric(at, SUM_LABEL) == SEED_SUM
    ran(at.text_input(key="cat_name_c0").input("").run())
    assert "Class 1 has no name" in texts(at.error)


def test_a_class_called_target_or_with_markup_is_kept_and_shown_literally(at: AppTest) -> None:
    """“target” reads no cell as a true class; “**b**” is not bold in its weight label."""
    ran(at.text_input(key="cat_name_c0").input("target").run())
    assert metric(at, SUM_LABEL) == SEED_SUM and not at.error
    ran(at.text_input(key="cat_name_c1").input("**b**").run())
    assert at.number_input(key="cat_w_c1").label == "w_\\*\\*b\\*\\*"
    edit(at, {0: {"c1": "abc"}})
    assert "Row 1, column “\\*\\*b\\*\\*”: “abc” is not a number." in texts(at.error)


def test_a_class_name_over_40_characters_is_refused_naming_the_class(at: AppTest) -> None:
    """A 41-character name: a message naming class 2 and the limit; the table keeps “seal”."""
    ran(at.text_input(key="cat_name_c1").input("s" * 41).run())
    assert "Class 2’s name" in texts(at.error) and "use at most 40" in texts(at.error)
    assert at.session_state["cat_model"].names == ("panda", "seal", "duck")


def test_classes_stop_at_ten_and_at_two(at: AppTest) -> None:
    """The add button is disabled at 10 classes, the remove button at 2."""
    for _ in range(7):
        ran(at.button(key="cat_add_class").click().run())
    assert at.button(key="cat_add_class").disabled
    for column in ["c9", "c8", "c7", "c6", "c5", "c4", "c3", "c2"]:
        at.selectbox(key="cat_remove_which").set_value(column)
        ran(at.button(key="cat_remove_class").click().run())
    assert at.button(key="cat_remove_class").disabled


def test_a_thousand_row_paste_gives_a_message_not_a_hang(at: AppTest) -> None:
    """1,000 added rows are refused with a message naming the limit."""
    row = {"target": "panda", "c0": "1", "c1": "0", "c2": "0"}
    edit(at, {}, added=[row] * 1000)
    assert "The table has 1004 rows" in texts(at.error)


def test_a_paste_is_folded_once_and_deleting_the_extra_rows_brings_the_totals_back(
    at: AppTest,
) -> None:
    """1,000 pasted rows: a new editor holds them (no edits to re-apply); deleting 501-1004
    in it brings the sum back, the pasted rows kept as typed."""
    row = {"target": "panda", "c0": "1", "c1": "0", "c2": "0"}
    edit(at, {}, added=[row] * 1000)
    ran(at.run())  # a rerun: the paste is in the table, not in the editor's state
    assert editor_key(at) == "cat_editor_1" and "The table has 1004 rows" in texts(at.error)
    assert len(at.session_state["cat_model"].frame) == 1004
    edit(at, {}, deleted=range(500, 1004))
    assert metric(at, SUM_LABEL) == SEED_SUM  # 496 pasted rows of −log 1 = 0 added
    assert results(at)["row"].tolist()[-1] == 500


def test_added_and_deleted_rows_change_the_totals(at: AppTest) -> None:
    """Deleting row 4 and adding a certain-and-right row: the sum drops to rows 1-3."""
    edit(at, {}, added=[{"target": "duck", "c0": "0", "c1": "0", "c2": "1"}], deleted=[3])
    expected = -math.log(0.91) - math.log(0.80) - math.log(0.60)
    assert float(metric(at, 'Sum over the 4 rows (reduction="sum")')) == pytest.approx(
        expected, rel=1e-14
    )


def test_a_shared_link_restores_mode_smoothing_weights_and_row() -> None:
    """input, smoothing, weights and row from the URL set the widgets."""
    at = with_link(PAGE, {"input": "logits", "smoothing": "0.2", "weights": "1,2,0.5", "row": "3"})
    assert at.radio(key="input").value == "logits"
    assert at.slider(key="smoothing").value == 0.2
    assert [at.number_input(key=f"cat_w_c{j}").value for j in range(3)] == [1.0, 2.0, 0.5]
    assert at.selectbox(key="row").value == 3
    per_row = hand_smoothed_weighted_losses(SEED_ROWS, 0.2, [1, 2, 0.5])
    assert float(metric(at, SUM_LABEL)) == pytest.approx(sum(per_row), rel=1e-13)
    assert not at.warning


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ({"smoothing": "2"}, "`smoothing=2` is outside 0 to 1"),
        ({"input": "odds"}, "`input=odds` is not one of probabilities, logits"),
        ({"weights": "1,2"}, "lists 2 weights but the table has 3 classes"),
        ({"weights": "1,x,1"}, "`weights=1,x,1` is not a number"),
        ({"row": "9"}, "There is no row 9"),
    ],
)
def test_a_bad_link_setting_falls_back_with_a_note(query, note) -> None:
    """Each bad value is named in a warning and the seed numbers still show."""
    at = with_link(PAGE, query)
    assert note in texts(at.warning)
    assert metric(at, SUM_LABEL) == SEED_SUM


def test_moving_a_setting_writes_it_into_the_url(at: AppTest) -> None:
    """Choosing logits, ε and a row puts them in the query string."""
    ran(at.radio(key="input").set_value("logits").run())
    ran(at.slider(key="smoothing").set_value(0.25).run())
    ran(at.selectbox(key="row").set_value(2).run())
    assert at.query_params["input"] == "logits"
    assert at.query_params["smoothing"] == "0.25"
    assert at.query_params["row"] == "2"


@pytest.mark.parametrize("eps", [0.0, 0.3])
def test_the_gradient_chart_shows_p_minus_t_of_the_selected_row(at: AppTest, eps: float) -> None:
    """Logits mode, row 2 (true class seal): the bars are softmax(z) - t′, t′ = (1-ε)t + ε/3."""
    ran(at.radio(key="input").set_value("logits").run())
    ran(at.slider(key="smoothing").set_value(eps).run())
    ran(at.selectbox(key="row").set_value(2).run())
    p = hand_softmax([0.11, 0.80, 0.09])
    t = [(1 - eps) * (c == 1) + eps / 3 for c in range(3)]
    classes, bars = chart_bars(at, "cat_grad_figure")
    assert classes == ["panda", "seal", "duck"]
    assert bars == pytest.approx([pc - tc for pc, tc in zip(p, t, strict=True)], rel=1e-13)
    _, p_bars = chart_bars(at, "cat_row_figure")
    assert p_bars == pytest.approx(p, rel=1e-13)
    _, t_bars = chart_bars(at, "cat_row_figure", trace=1)
    assert t_bars == pytest.approx(t, rel=1e-15)


def test_the_probability_gradient_chart_shows_minus_t_over_p(at: AppTest) -> None:
    """Probability mode, row 4 (true class panda, p = 0.25): the bars are -4, 0, 0."""
    ran(at.selectbox(key="row").set_value(4).run())
    _, bars = chart_bars(at, "cat_grad_p_figure")
    assert bars == pytest.approx([-4.0, 0.0, 0.0], rel=1e-15)


def test_probability_mode_also_shows_the_logit_gradient_p_minus_t(at: AppTest) -> None:
    """Row 4 (panda, p = 0.25 / 0.40 / 0.35): ∂L/∂z = p − t = −0.75, 0.40, 0.35."""
    ran(at.selectbox(key="row").set_value(4).run())
    assert chart_keys(at) == ["cat_row_figure", "cat_grad_p_figure", "cat_grad_figure"]
    _, bars = chart_bars(at, "cat_grad_figure")
    assert bars == pytest.approx([0.25 - 1, 0.40, 0.35], rel=1e-14)
    assert "∂L/∂z = p − t" in texts(at.markdown)


def test_probability_mode_row_charts_with_weights_and_smoothing_match_a_hand_computation(
    at: AppTest,
) -> None:
    """Row 2 (seal), ε = 0.3, w = 1, 2, 1: bars t′, ∂L/∂p = −A/p and ∂L/∂z = (Σ A) p − A."""
    ran(at.slider(key="smoothing").set_value(0.3).run())
    ran(at.number_input(key="cat_w_c1").set_value(2.0).run())
    ran(at.selectbox(key="row").set_value(2).run())
    p = [0.11, 0.80, 0.09]
    a = hand_coefficients(1, 3, 0.3, [1, 2, 1])
    _, t_bars = chart_bars(at, "cat_row_figure", trace=1)
    assert t_bars == pytest.approx([0.1, 0.8, 0.1], rel=1e-14)  # (1 − 0.3) one-hot + 0.3 / 3
    _, grad_p = chart_bars(at, "cat_grad_p_figure")
    assert grad_p == pytest.approx([-ak / pk for ak, pk in zip(a, p, strict=True)], rel=1e-14)
    _, grad_z = chart_bars(at, "cat_grad_figure")
    expected = [sum(a) * pk - ak for ak, pk in zip(a, p, strict=True)]
    assert grad_z == pytest.approx(expected, rel=1e-13)
    assert sum(grad_z) == pytest.approx(sum(a) * sum(p) - sum(a), abs=1e-15)


def test_the_logit_gradient_from_p_equals_the_one_from_z_when_p_is_its_softmax(
    at: AppTest,
) -> None:
    """Type softmax(z) as probabilities: ∂L/∂z matches the logits-mode chart for z itself."""
    z = [0.25, 0.40, 0.35]
    ran(at.slider(key="smoothing").set_value(0.2).run())
    ran(at.number_input(key="cat_w_c0").set_value(3.0).run())
    ran(at.radio(key="input").set_value("logits").run())
    ran(at.selectbox(key="row").set_value(4).run())
    _, from_z = chart_bars(at, "cat_grad_figure")
    ran(at.radio(key="input").set_value("probabilities").run())
    edit(at, {3: {f"c{j}": repr(v) for j, v in enumerate(hand_softmax(z))}})
    _, from_p = chart_bars(at, "cat_grad_figure")
    assert from_p == pytest.approx(from_z, rel=1e-12)


# ---------------------------------------------------------------- CSV download and upload


def upload(at: AppTest, content: bytes | str, name: str = "mine.csv") -> AppTest:
    """Choose a file in the table's uploader, as a student does, and run."""
    data = content.encode() if isinstance(content, str) else content
    at.file_uploader(key="cat_upload").set_value((name, data, "text/csv"))
    return ran(at.run())


def shown_table(at: AppTest) -> tuple[tuple[str, ...], list[list]]:
    """The class names and the cells (true class first) of the table as last shown."""
    model = at.session_state["cat_model"]
    frame = at.session_state["cat_saved"] if "cat_saved" in at.session_state else model.frame
    return model.names, frame[["target", *model.ids]].values.tolist()


def test_the_seed_downloads_with_class_names_and_each_rows_loss(downloads, at) -> None:
    """true class, panda, seal, duck, loss: the cells as typed, the seed's losses."""
    assert at.download_button(key="cat_download").label == "Download CSV"
    lines = downloads["xent-categorical-p.csv"].decode().splitlines()
    assert lines[0] == "true class,panda,seal,duck,loss"
    assert lines[1] == f"panda,0.91,0.04,0.05,{SEED_LOSSES[0]}"
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == SEED_LOSSES


def test_a_bad_row_downloads_as_typed_with_a_blank_loss(downloads, at) -> None:
    """A typed formula is guarded; the row the page leaves out has no loss."""
    edit(at, {1: {"c1": "@cmd"}})
    lines = downloads["xent-categorical-p.csv"].decode().splitlines()
    assert lines[2] == "seal,0.11,'@cmd,0.09,"
    ran(at.radio(key="input").set_value("logits").run())
    assert "xent-categorical-z.csv" in downloads


def test_a_downloaded_table_uploads_back_to_the_same_table_and_totals(downloads, at) -> None:
    """Add a class, edit cells, download, reset, upload: same classes, cells and sum."""
    ran(at.button(key="cat_add_class").click().run())
    edit(at, {0: {"c0": "0.81", "c3": "0.1"}, 2: {"c2": "0.5", "c3": "0.1"}})
    before, total = shown_table(at), metric(at, SUM_LABEL)
    data = downloads["xent-categorical-p.csv"]
    assert data.decode().splitlines()[0] == "true class,panda,seal,duck,class 4,loss"
    ran(at.button(key="cat_reset").click().run())
    assert metric(at, SUM_LABEL) == SEED_SUM
    upload(at, data, "xent-categorical-p.csv")
    assert shown_table(at) == before
    assert metric(at, SUM_LABEL) == total
    assert "Loaded **xent-categorical-p.csv**: 4 rows into the table. 4 classes" in texts(
        at.caption
    )


def test_a_file_with_its_own_classes_replaces_them_and_keeps_a_named_weight(at) -> None:
    """panda (weight 2 kept) and cow (new, weight 1): the weighted sum of the file's rows."""
    ran(at.number_input(key="cat_w_c0").set_value(2.0).run())
    upload(at, "true class,panda,cow\npanda,0.9,0.1\ncow,0.3,0.7\n")
    assert shown_table(at) == (("panda", "cow"), [["panda", "0.9", "0.1"], ["cow", "0.3", "0.7"]])
    assert at.session_state["weights"] == (2.0, 1.0)
    assert [t.value for t in at.text_input] == ["panda", "cow"]
    expected = 2 * -math.log(0.9) - math.log(0.7)
    assert float(metric(at, SUM_LABEL)) == pytest.approx(expected, rel=1e-15)


def test_an_uploaded_table_is_kept_through_edits_and_reruns(at: AppTest) -> None:
    """After the upload, an edit survives a rerun; the same file chosen again replaces it."""
    content = "true class,a,b\na,0.5,0.5\n"
    upload(at, content)
    edit(at, {0: {"c3": "0.25", "c4": "0.75"}})
    ran(at.slider(key="smoothing").set_value(0.1).run())
    assert shown_table(at)[1] == [["a", "0.25", "0.75"]]
    upload(at, content)
    assert shown_table(at)[1] == [["a", "0.5", "0.5"]]


def test_too_many_classes_are_named_and_the_table_stays(at: AppTest) -> None:
    """Eleven class columns: line 1, column 12 is named; the seed table is still there."""
    names = ",".join(f"k{j}" for j in range(1, 12))
    upload(at, f"true class,{names}\nk1{',0.1' * 11}\n", "wide.csv")
    error = texts(at.error)
    assert "**wide.csv** cannot be used; the table is unchanged." in error
    assert "Line 1, column 12 (“k11”) (the header) is the 11th class column" in error
    assert shown_table(at)[0] == ("panda", "seal", "duck")
    assert metric(at, SUM_LABEL) == SEED_SUM


def test_a_target_that_is_no_class_loads_and_is_named_by_its_row(at: AppTest) -> None:
    """Not structural: the row loads as typed and the usual message names it."""
    upload(at, "true class,cat,dog,loss\ncat,0.9,0.1,\nbird,0.5,0.5,\n")
    assert "Row 2, column “true class”: “bird” is not one of the classes" in texts(at.error)
    assert "Table row r is line r + 1 of the file. Ignored column: loss." in texts(at.caption)
