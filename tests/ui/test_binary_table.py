"""The binary page's table model (ui/model/binary_table.py): its keeper, a batch read from
text cells, and its losses checked against the article's sum and a hand computation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ui.figures.binary import article_frame
from ui.model.binary_table import batch_losses, keeper, read_batch
from xent_core import ARTICLE_BINARY_P, ARTICLE_BINARY_T

ARTICLE_SUM = 4.460303459760249  # the article's total over its seven rows


def frame(t: list[str], x: list[str], column: str = "p") -> pd.DataFrame:
    return pd.DataFrame({"t": t, column: x}, dtype=object)


@pytest.mark.parametrize("column", ["p", "z"])
def test_the_keeper_names_the_editor_and_its_state_by_column(column: str) -> None:
    """bce_table_p (then _1, _2, …), its base and saved copy under bce_base_p, bce_saved_p."""
    ss: dict = {}
    table = keeper(ss, column, lambda: article_frame(column))
    table.start()
    assert table.key == f"bce_table_{column}" and ss[f"bce_table_{column}_version"] == 0
    assert ss[f"bce_base_{column}"].equals(article_frame(column))
    table.reset()
    assert table.key == f"bce_table_{column}_1"


@pytest.mark.parametrize("column", ["p", "z"])
def test_the_article_table_reads_as_seven_usable_rows_with_the_article_sum(column: str) -> None:
    """p as typed, or z = logit(p): the same seven rows and the article's sum to 1e-15."""
    batch = read_batch(article_frame(column), column)
    assert batch.n_rows == 7 and batch.rows == list(range(1, 8))
    assert not batch.problems and not batch.bad_rows
    assert batch.t.tolist() == list(ARTICLE_BINARY_T)
    losses = batch_losses(batch, logits=column == "z")
    assert losses.total == pytest.approx(ARTICLE_SUM, rel=1e-15)
    assert losses.mean == pytest.approx(ARTICLE_SUM / 7, rel=1e-15)
    np.testing.assert_allclose(losses.p, ARTICLE_BINARY_P, rtol=1e-15)


def test_bad_cells_are_listed_by_row_t_first_and_their_rows_left_out() -> None:
    """Row 2's p and t, row 3's t: problems in row order, t before p; only row 1 is used."""
    batch = read_batch(frame(["1", "x", "2", "0"], ["0.9", "abc", "0.5", None]), "p")
    assert [(pr.row, pr.column) for pr in batch.problems] == [
        (2, "t"),
        (2, "p"),
        (3, "t"),
        (4, "p"),
    ]
    assert batch.bad_rows == [2, 3, 4] and batch.rows == [1]
    losses = batch_losses(batch, logits=False)
    assert losses.per_row.tolist() == [pytest.approx(-math.log(0.9), rel=1e-15)]


def test_a_logit_may_be_any_finite_number_but_a_probability_is_0_to_1() -> None:
    """z = 3 is a logit; p = 3 is out of range."""
    assert read_batch(frame(["1"], ["3"], "z"), "z").rows == [1]
    assert read_batch(frame(["1"], ["3"]), "p").bad_rows == [1]


def test_huge_logits_give_finite_losses_from_z() -> None:
    """t = 0, z = 1000: L = 1000 exactly (softplus form), never log(1 - σ(z)) = log 0."""
    losses = batch_losses(read_batch(frame(["0", "1"], ["1000", "1000"], "z"), "z"), logits=True)
    assert losses.per_row.tolist() == [1000.0, 0.0]
    assert losses.total == 1000.0 and losses.mean == 500.0


def test_an_empty_table_is_an_empty_batch() -> None:
    """No rows: nothing usable, nothing wrong."""
    batch = read_batch(frame([], []), "p")
    assert batch.n_rows == 0 and batch.rows == [] and batch.problems == []
