"""Editable tables whose cells are kept exactly as typed and checked cell by cell.

Numeric columns are text columns in ``st.data_editor``: whatever a student types or
pastes stays in the table, and :func:`parse_numbers` turns it into numbers plus a list of
:class:`CellProblem` s that name the row and column of every cell it could not use.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ui.text.quoting import quote_typed

MAX_ROWS = 500  # a paste beyond this is refused with a message, not processed
MAX_PROBLEMS_SHOWN = 8


@dataclass(frozen=True)
class CellProblem:
    """What is wrong with one cell (``row`` counts from 1, as the student sees it)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, column “{self.column}”" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"


def _cell_text(cell) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    return str(cell).strip()


def blank_rows(frame: pd.DataFrame, columns: Sequence[str]) -> frozenset[int]:
    """The rows (counting from 1) whose cells in ``columns`` are all empty: a line the
    student has just added and not typed in yet, left out without a problem."""
    return frozenset(
        i + 1
        for i, row in enumerate(frame[list(columns)].itertuples(index=False))
        if all(not _cell_text(cell) for cell in row)
    )


def parse_number(
    cell, row: int, column: str, lo: float | None = None, hi: float | None = None
) -> tuple[float, CellProblem | None]:
    """One cell as a float; nan and a :class:`CellProblem` if it is not a usable number."""
    text = _cell_text(cell)
    shown = quote_typed(text)
    if not text:
        return math.nan, CellProblem(row, column, "is empty: type a number.")
    try:
        value = float(text)
    except ValueError:
        return math.nan, CellProblem(row, column, f"“{shown}” is not a number.")
    if not math.isfinite(value):
        return math.nan, CellProblem(row, column, f"“{shown}” is not a finite number.")
    if lo is not None and value < lo or hi is not None and value > hi:
        allowed = f"{-math.inf if lo is None else lo:g} to {math.inf if hi is None else hi:g}"
        return math.nan, CellProblem(
            row, column, f"{value:g} is outside the allowed range {allowed}."
        )
    return value, None


def parse_numbers(
    frame: pd.DataFrame,
    columns: Sequence[str],
    lo: float | None = None,
    hi: float | None = None,
) -> tuple[np.ndarray, list[CellProblem]]:
    """The ``columns`` of ``frame`` as a float array (rows, len(columns)), and the problems.

    A cell that is empty, not a number, not finite or outside [lo, hi] becomes nan in the
    array and gets a :class:`CellProblem`.
    """
    values = np.full((len(frame), len(columns)), np.nan)
    problems = []
    for i, row in enumerate(frame[list(columns)].itertuples(index=False)):
        for j, (column, cell) in enumerate(zip(columns, row, strict=True)):
            values[i, j], problem = parse_number(cell, i + 1, column, lo, hi)
            if problem:
                problems.append(problem)
    return values, problems


def row_sum_problems(p: np.ndarray, tol: float = 1e-6) -> list[CellProblem]:
    """A problem for each fully numeric row of probabilities whose sum is not 1 (± tol)."""
    sums = p.sum(axis=1)
    return [
        CellProblem(i + 1, "", f"the probabilities add up to {s:.6g}, not 1.")
        for i, s in enumerate(sums)
        if np.isfinite(s) and abs(s - 1.0) > tol
    ]


def as_text_frame(values: dict[str, Sequence]) -> pd.DataFrame:
    """A frame whose cells are strings (``0.07`` stays ``"0.07"``), ready for editing."""
    return pd.DataFrame(
        {
            k: [f"{v:g}" if isinstance(v, float) else str(v) for v in col]
            for k, col in values.items()
        }
    )
