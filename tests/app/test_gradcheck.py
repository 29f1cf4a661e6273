"""The Gradient check page under AppTest: the default check, typed inputs and their messages,
the step h, the integer pitfall and its fix, new random inputs, and shared links."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import metric, open_page, ran, texts
from ui.figures.gradcheck import error_text
from ui.text.numbers import full, short
from xent_core.gradient_check import CHECKABLE, LOSSES, check_gradient, random_case

PAGE = "pages/gradcheck.py"
SEED_SOFTMAX = (0.09003057317038046, 0.24472847105479764, 0.6652409557748218)


def open_gradcheck(**params: str) -> AppTest:
    """Open the page through app.py, with a link's query parameters."""
    return open_page(PAGE, **params)


def results(at: AppTest):
    """The element-by-element table (the last dataframe on the page)."""
    (frame,) = [d.value for d in at.dataframe if "verdict" in d.value.columns]
    return frame


def edit(at: AppTest, key: str, rows: dict[int, dict[str, str]]) -> AppTest:
    """Type into the table with editor ``key``: ``{row: {column: text}}``, then rerun."""
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return ran(at.run())


def button(at: AppTest, key: str):
    (found,) = [b for b in at.button if b.key == key]
    return found


def expected_column(values: np.ndarray) -> list[str]:
    return [full(v).replace("-", "−") for v in values.ravel()]


@pytest.fixture
def at() -> AppTest:
    return open_gradcheck()


def test_default_check_is_softmax_ce_on_seeded_random_logits(at):
    """Seed 0, h = 1e-5: every analytic and numeric digit and the worst relative error shown."""
    check = check_gradient(random_case("softmax_ce", 0), 1e-5)
    frame = results(at)
    assert frame["analytic"].tolist() == expected_column(check.analytic)
    assert frame["numeric"].tolist() == expected_column(check.numeric)
    assert metric(at, "L(z), sum") == short(check.loss)
    assert metric(at, "worst relative error") == error_text(check.worst)
    assert check.worst < 1e-8
    assert metric(at, "step h") == "1e-5"
    assert set(frame["verdict"]) == {"✓ agrees"}
    assert "All 12 elements agree" in texts(at.caption)
    assert len(at.latex) >= 5
    assert not at.error and not at.warning
    assert dict(at.query_params) == {}


def test_the_results_download_as_csv_with_every_digit_and_ascii_minus(downloads):
    """xent-gradcheck-softmax_ce.csv: the table shown, each gradient parses back exactly."""
    at = open_gradcheck()
    check = check_gradient(random_case("softmax_ce", 0), 1e-5)
    rows = list(csv.reader(io.StringIO(downloads["xent-gradcheck-softmax_ce.csv"].decode())))
    assert rows[0] == list(results(at).columns)
    analytic = [float(row[rows[0].index("analytic")]) for row in rows[1:]]
    assert analytic == check.analytic.ravel().tolist()
    assert at.download_button(key="gc_download").label == "Download CSV"


def test_typed_softmax_starts_at_the_seed_logits_and_shows_p_minus_t(at):
    """z = (2, 3, 4), target 2: the analytic gradient is (0.0900…, 0.2447…, 0.6652… − 1)."""
    ran(at.radio(key="gc_src").set_value("typed").run())
    frame = results(at)
    assert frame["analytic"].tolist()[:3] == [
        full(SEED_SOFTMAX[0]),
        full(SEED_SOFTMAX[1]),
        full(SEED_SOFTMAX[2] - 1).replace("-", "−"),
    ]
    assert frame["x (float64)"].tolist()[:3] == ["2", "3", "4"]
    assert at.query_params["gc_src"] == "typed"


def test_typed_bce_is_the_seed_table_and_a_bad_cell_is_named_and_kept(at):
    """BCE on p, typed: L = 4.4603 (the seed's sum); p₂ = 'abc' names row 2, column p."""
    ran(at.selectbox(key="gc_loss").set_value("bce").run())
    ran(at.radio(key="gc_src").set_value("typed").run())
    assert metric(at, "L(p), sum") == short(4.460303459760249) == "4.4603"
    assert results(at)["analytic"][0] == full(1 / (1 - 0.07))  # t = 0: (1 - t) / (1 - p)
    edit(at, "gc_table_bce", {1: {"p": "abc"}})
    assert "Row 2, column “p”: “abc” is not a number." in texts(at.error)
    assert not at.metric
    edit(at, "gc_table_bce", {1: {"p": "0.5"}})
    assert metric(at, "L(p), sum") != "4.4603"
    assert not at.error


def test_typed_class_label_out_of_range_is_named(at):
    ran(at.radio(key="gc_src").set_value("typed").run())
    edit(at, "gc_table_softmax_ce", {0: {"target": "3"}})
    assert "Row 1, column “target”: 3 is not a class label: use 0, 1 or 2." in texts(at.error)


def test_integer_inputs_show_the_all_zeros_pitfall_beside_the_fix(at):
    """Switch on: x is int64, every naive numeric gradient 0.0 with relative error 1; the
    cast check agrees; the link says gc_int=1."""
    ran(at.toggle(key="gc_int").set_value(True).run())
    case = random_case("softmax_ce", 0, whole_numbers=True)
    fixed = check_gradient(case)
    frame = results(at)
    assert frame["x (int64)"].tolist() == [str(v).replace("-", "−") for v in case.x.ravel()]
    assert set(frame["numeric, naive"]) == {"0.0"}
    assert set(frame["rel. error, naive"]) == {"1"}
    assert frame["numeric, float64"].tolist() == expected_column(fixed.numeric)
    assert metric(at, "worst relative error, naive") == "1"
    assert metric(at, "worst relative error, cast to float64") == error_text(fixed.worst)
    assert "The integer pitfall" in texts(at.warning)
    assert "np.zeros_like(x)" in texts(at.warning)
    assert at.query_params["gc_int"] == "1"


def test_integer_typed_logits_are_rounded_and_fed_as_int64(at):
    """Typed z = (2, 3, 4) with the switch on: exactly the seed's int array, naive all zeros."""
    ran(at.radio(key="gc_src").set_value("typed").run())
    ran(at.toggle(key="gc_int").set_value(True).run())
    edit(at, "gc_table_softmax_ce", {1: {"z0": "1.6"}})
    frame = results(at)
    assert frame["x (int64)"].tolist()[:4] == ["2", "3", "4", "2"]
    assert set(frame["numeric, naive"]) == {"0.0"}
    assert "rounded to whole numbers" in texts(at.caption)


def test_integer_switch_is_off_for_probability_losses(at):
    """On for softmax CE, then categorical on p: the switch greys out and p stays float."""
    ran(at.toggle(key="gc_int").set_value(True).run())
    ran(at.selectbox(key="gc_loss").set_value("categorical").run())
    assert at.toggle(key="gc_int").disabled
    assert "x (float64)" in results(at).columns
    assert "numeric, naive" not in results(at).columns
    assert "logits z and weights W₁ only" in texts(at.caption)


def test_a_big_step_disagrees_and_leaves_the_domain(at):
    """BCE on p, h = 1e-1: the worst error grows to ~0.1 and the out-of-range rows are named."""
    ran(at.selectbox(key="gc_loss").set_value("bce").run())
    ran(at.select_slider(key="gc_h").set_value(1e-1).run())
    check = check_gradient(random_case("bce", 0), 1e-1)
    assert metric(at, "worst relative error") == error_text(check.worst)
    assert check.worst > 1e-3
    assert metric(at, "step h") == "1e-1"
    assert at.query_params["gc_h"] == "1e-1"
    if check.undefined.any():
        assert "reaches 0 or 1 or goes beyond" in texts(at.warning)


def test_moving_the_step_changes_the_worst_error(at):
    before = metric(at, "worst relative error")
    ran(at.select_slider(key="gc_h").set_value(1e-9).run())
    after = metric(at, "worst relative error")
    assert after == error_text(check_gradient(random_case("softmax_ce", 0), 1e-9).worst)
    assert after != before


def test_new_random_inputs_move_to_the_next_seed(at):
    ran(button(at, "gc_new").click().run())
    assert at.number_input(key="gc_seed").value == 1
    assert at.query_params["gc_seed"] == "1"
    check = check_gradient(random_case("softmax_ce", 1))
    assert results(at)["analytic"].tolist() == expected_column(check.analytic)


def test_mlp_typed_w1_edit_changes_the_gradient(at):
    """The MLP, typed: W₁ of seed 0 to 3 decimals; typing W₁[1,1] = 2 changes L and dL/dW₁."""
    ran(at.selectbox(key="gc_loss").set_value("mlp").run())
    ran(at.radio(key="gc_src").set_value("typed").run())
    before = metric(at, "L(W₁), mean")
    edit(at, "gc_table_mlp", {0: {"h1": "2"}})
    assert metric(at, "L(W₁), mean") != before
    assert results(at)["x (float64)"][0] == "2"
    assert set(results(at)["verdict"]) == {"✓ agrees"}
    assert "fixed points and labels (random seed 0)" in " ".join(e.label for e in at.expander)


def test_a_shared_link_restores_every_setting():
    at = open_gradcheck(gc_loss="mlp", gc_seed="5", gc_h="1e-3", gc_int="1")
    assert at.selectbox(key="gc_loss").value == "mlp"
    assert at.number_input(key="gc_seed").value == 5
    assert at.select_slider(key="gc_h").value == 1e-3
    case = random_case("mlp", 5, whole_numbers=True)
    fixed = check_gradient(case, 1e-3)
    assert metric(at, "worst relative error, cast to float64") == error_text(fixed.worst)
    assert metric(at, "worst relative error, naive") == "1"


@pytest.mark.parametrize("params", [{"gc_h": "3"}, {"gc_loss": "hinge"}, {"gc_seed": "-1"}])
def test_a_bad_link_value_falls_back_with_a_note(params):
    at = open_gradcheck(**params)
    (key,) = params
    assert f"Link setting `{key}=" in texts(at.warning)
    assert metric(at, "step h") == "1e-5"


@pytest.mark.parametrize("loss", CHECKABLE)
@pytest.mark.parametrize("whole", [False, True])
def test_every_loss_with_and_without_integers_draws(loss, whole):
    at = open_gradcheck(gc_loss=loss, gc_int="1" if whole else "0")
    assert len(at.get("plotly_chart")) == 2
    naive = whole and LOSSES[loss].takes_whole_numbers
    assert ("numeric, naive" in results(at).columns) == naive
