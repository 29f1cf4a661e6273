"""Categorical editing in progress: a new empty line and a row being fixed do not hide the
totals; they are left out and named, as the binary page does."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import metric, open_page, texts
from tests.app.test_categorical import PAGE, SEED_SUM, edit
from ui.model.categorical_state import MODEL


@pytest.fixture
def at() -> AppTest:
    return open_page(PAGE)


def test_a_new_empty_line_raises_no_error_and_is_left_out(at: AppTest) -> None:
    """Clicking the grid's empty last line adds a row of empty cells: no red message, the
    totals stay over the 4 typed rows, and a caption says the empty row 5 is left out."""
    edit(at, {}, added=[{"target": None, "c0": None, "c1": None, "c2": None}])
    assert not at.error
    assert metric(at, 'Sum over 4 of the 5 rows (reduction="sum")') == SEED_SUM
    assert "the empty row 5, until you type in it" in texts(at.caption)
    at.selectbox(key="row").set_value(5).run()
    assert "Row 5 is empty: choose its true class" in texts(at.info)


def test_a_row_being_fixed_is_left_out_of_the_totals_not_the_whole_table(at: AppTest) -> None:
    """Row 2 with text: its cell is named, and the sum and mean cover rows 1, 3 and 4."""
    edit(at, {1: {"c1": "0.8x"}})
    assert "Row 2, column “seal”: “0.8x” is not a number." in texts(at.error)
    kept = -math.log(0.91) - math.log(0.60) - math.log(0.25)
    assert float(metric(at, 'Sum over 3 of the 4 rows (reduction="sum")')) == pytest.approx(
        kept, rel=1e-15
    )
    assert float(metric(at, 'Mean over 3 of the 4 rows (reduction="mean")')) == pytest.approx(
        kept / 3, rel=1e-15
    )
    assert "row 2, until the cells listed above are fixed" in texts(at.caption)


def test_normalise_rows_types_short_numbers_that_add_up_to_one(at: AppTest) -> None:
    """Row 3 with duck 0.90 (sum 1.3) becomes 0.230769, 0.076923, 0.692308: six decimals."""
    edit(at, {2: {"c2": "0.90"}})
    at.button(key="cat_normalise").click().run()
    assert not at.error
    row = at.session_state[MODEL].frame.loc[2, ["c0", "c1", "c2"]].tolist()
    assert row == ["0.230769", "0.076923", "0.692308"]
    assert math.fsum(float(v) for v in row) == pytest.approx(1.0, abs=1e-15)
