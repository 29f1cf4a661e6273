"""The categorical page's table model: text cells, stable class columns, edits, parsing.

The table is a pandas frame of *text* cells, kept exactly as typed: a ``target`` column
holding class names, then one column per class. Class columns have stable ids (``c0``,
``c1``, …) that never change while the class exists; the class names are only labels, so
renaming a class never loses an edit. :class:`ClassTable` bundles the frame with its ids
and names; every function here returns a new value and never changes its arguments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

import xent_core as xc
from ui.model.cells import CellProblem, blank_rows, parse_numbers, row_sum_problems
from ui.model.table_keeper import apply_edits
from ui.text.quoting import quote_typed
from xent_core import (
    ARTICLE_CATEGORICAL_CLASSES,
    ARTICLE_CATEGORICAL_P,
    ARTICLE_CATEGORICAL_TARGETS,
)

TARGET = "target"  # the name of the target column
TARGET_LABEL = "true class"  # its header in the grid, and its name in messages
MIN_CLASSES, MAX_CLASSES = 2, 10
MAX_NAME_CHARS = 40  # a class name is a column header, a menu entry and a chart label

# The article's 4 × 3 table (xent_core.article) as a student would type it: "0.80", not "0.8".
ARTICLE_CELLS = tuple(tuple(f"{v:.2f}" for v in row) for row in ARTICLE_CATEGORICAL_P)


# ------------------------------------------------------------------------ the frame


def class_column_id(number: int) -> str:
    """The stable column name of the ``number``-th class ever created (``c0``, ``c1``, …)."""
    return f"c{number}"


def article_table() -> pd.DataFrame:
    """The article's table as text cells: ``target`` then the columns ``c0``, ``c1``, ``c2``."""
    columns = {TARGET: list(ARTICLE_CATEGORICAL_TARGETS)}
    for j in range(len(ARTICLE_CATEGORICAL_CLASSES)):
        columns[class_column_id(j)] = [row[j] for row in ARTICLE_CELLS]
    return pd.DataFrame(columns, dtype=object)


def add_class_column(frame: pd.DataFrame, column: str, fill: str = "0") -> pd.DataFrame:
    """A copy of ``frame`` with a new class column ``column`` whose cells read ``fill``."""
    out = frame.copy()
    out[column] = pd.Series([fill] * len(out), index=out.index, dtype=object)
    return out


def remove_class_column(frame: pd.DataFrame, column: str, name: str) -> pd.DataFrame:
    """A copy of ``frame`` without ``column``; rows whose target was ``name`` lose it."""
    out = frame.drop(columns=[column])
    out[TARGET] = out[TARGET].astype(object).where(out[TARGET] != name, None)
    return out


def rename_targets(frame: pd.DataFrame, renames: Mapping[str, str]) -> pd.DataFrame:
    """A copy of ``frame`` whose target cells follow the class renames ``{old: new}``."""
    out = frame.copy()
    out[TARGET] = [renames.get(t, t) if isinstance(t, str) else t for t in out[TARGET]]
    return out


def class_name_problems(names: Sequence[str]) -> list[str]:
    """Why a list of class names cannot be used (empty, too long or repeated); [] when fine.

    Names are compared and measured without their surrounding spaces, as they are used.
    """
    problems = []
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        key = name.strip()
        if not key:
            problems.append(f"Class {j + 1} has no name: type one.")
        elif len(key) > MAX_NAME_CHARS:
            problems.append(
                f"Class {j + 1}’s name “{quote_typed(key)}” has {len(key):,} characters: "
                f"use at most {MAX_NAME_CHARS}."
            )
        elif key in seen:
            problems.append(
                f"Classes {seen[key] + 1} and {j + 1} are both called "
                f"“{quote_typed(key, MAX_NAME_CHARS)}”: class names must differ."
            )
        seen.setdefault(key, j)
    return problems


def parse_targets(
    frame: pd.DataFrame, classes: Sequence[str]
) -> tuple[np.ndarray, list[CellProblem]]:
    """The target column as class indices (-1 where unusable) and a problem per bad cell.

    Problems name the column as its header reads, :data:`TARGET_LABEL`.
    """
    labels = np.full(len(frame), -1, dtype=np.intp)
    problems = []
    index = {name: j for j, name in enumerate(classes)}
    for i, cell in enumerate(frame[TARGET]):
        if isinstance(cell, str) and cell in index:
            labels[i] = index[cell]
        elif cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell == "":
            problems.append(CellProblem(i + 1, TARGET_LABEL, "is empty: choose the true class."))
        elif isinstance(cell, str) and cell.strip() in index:
            problems.append(
                CellProblem(
                    i + 1,
                    TARGET_LABEL,
                    f"“{quote_typed(cell.strip(), MAX_NAME_CHARS)}” with spaces around it "
                    "is not one of the classes: choose it from the list.",
                )
            )
        else:
            shown = quote_typed(cell)  # shortened, Markdown-escaped: shown as typed
            problems.append(
                CellProblem(
                    i + 1, TARGET_LABEL, f"“{shown}” is not one of the classes: choose one."
                )
            )
    return labels, problems


# ------------------------------------------------------------------- the class table


@dataclass(frozen=True)
class ClassTable:
    """The table's text cells with its class columns' ids and the class names they show.

    ``frame`` has the columns ``target`` and ``ids`` (in order); ``names[j]`` labels
    ``ids[j]``; ``next_id`` numbers the next class column ever created.
    """

    frame: pd.DataFrame
    ids: tuple[str, ...]
    names: tuple[str, ...]
    next_id: int

    @property
    def n_classes(self) -> int:
        return len(self.ids)

    def named(self, problem: CellProblem) -> CellProblem:
        """``problem`` naming its column by the class name (Markdown-escaped), not the id."""
        if problem.column not in self.ids:
            return problem
        name = self.names[self.ids.index(problem.column)]
        return replace(problem, column=quote_typed(name, MAX_NAME_CHARS))


def article_classes() -> ClassTable:
    """The article's table: panda, seal, duck in columns ``c0``, ``c1``, ``c2``."""
    n = len(ARTICLE_CATEGORICAL_CLASSES)
    return ClassTable(
        article_table(),
        tuple(class_column_id(j) for j in range(n)),
        ARTICLE_CATEGORICAL_CLASSES,
        next_id=n,
    )


def with_edits(table: ClassTable, edits: Mapping[str, Any] | None) -> ClassTable:
    """``table`` with a ``st.data_editor`` editing state folded into its cells."""
    return ClassTable(apply_edits(table.frame, edits), table.ids, table.names, table.next_id)


def new_class_name(names: Sequence[str]) -> str:
    """``class k`` for the first k ≥ len(names) + 1 that is not already a class name."""
    number = len(names) + 1
    while f"class {number}" in names:
        number += 1
    return f"class {number}"


def add_class(table: ClassTable, fill: str = "0") -> ClassTable:
    """``table`` with one more class at the end, named :func:`new_class_name`, cells ``fill``."""
    if table.n_classes >= MAX_CLASSES:
        raise ValueError(f"The table already has {MAX_CLASSES} classes, the most it can hold.")
    column = class_column_id(table.next_id)
    return ClassTable(
        add_class_column(table.frame, column, fill),
        (*table.ids, column),
        (*table.names, new_class_name(table.names)),
        table.next_id + 1,
    )


def remove_class(table: ClassTable, column: str) -> ClassTable:
    """``table`` without the class in ``column``; rows whose true class it was lose it."""
    if column not in table.ids:
        raise ValueError(f"There is no class column {column!r}; the columns are {table.ids}.")
    if table.n_classes <= MIN_CLASSES:
        raise ValueError(f"The table has {MIN_CLASSES} classes, the fewest it can hold.")
    j = table.ids.index(column)
    return ClassTable(
        remove_class_column(table.frame, column, table.names[j]),
        table.ids[:j] + table.ids[j + 1 :],
        table.names[:j] + table.names[j + 1 :],
        table.next_id,
    )


def rename_classes(table: ClassTable, names: Sequence[str]) -> ClassTable:
    """``table`` with its classes called ``names`` (stripped); target cells follow."""
    new = tuple(name.strip() for name in names)
    if len(new) != table.n_classes:
        raise ValueError(f"{len(new)} names were given for {table.n_classes} classes.")
    problems = class_name_problems(new)
    if problems:
        raise ValueError(" ".join(problems))
    renames = {old: name for old, name in zip(table.names, new, strict=True) if old != name}
    return ClassTable(rename_targets(table.frame, renames), table.ids, new, table.next_id)


NORMALISED_DECIMALS = 6  # "Normalise rows" types 0.4, 0.32, 0.28 — not 16-digit values


def typed_distribution(p: np.ndarray, decimals: int = NORMALISED_DECIMALS) -> list[str]:
    """A distribution as a student would type it: ``decimals`` decimals at most, trailing
    zeros dropped, and the rounding error given to the largest entry so the typed numbers
    still add up to exactly 1 in decimal (their float sum is within 1e-15 of 1). A row with
    an entry too small for that keeps every digit: rounding must not make a class impossible."""
    p = np.asarray(p, dtype=np.float64)  # (C,)
    scale = 10**decimals
    units = np.floor(p * scale + 0.5).astype(np.int64)  # (C,) multiples of 10^-decimals
    if ((p > 0) & (units == 0)).any():  # rounding would turn a possible class into p = 0
        return [repr(float(v)) for v in p]
    units[int(np.argmax(units))] += scale - int(units.sum())
    return [f"{u / scale:.{decimals}f}".rstrip("0").rstrip(".") or "0" for u in units]


def normalise_rows(table: ClassTable) -> tuple[ClassTable, list[int], list[int]]:
    """Rows whose numbers do not add up to 1 divided by their sum (``xc.normalize_rows``).

    Returns the new table, the rows (counting from 1) that were normalised and those that
    could not be (they add up to 0). Rows with unusable cells are left as typed.
    """
    values, _ = parse_numbers(table.frame, table.ids, 0.0, 1.0)
    frame = table.frame.copy()
    fixed, failed = [], []
    for problem in row_sum_problems(values):
        i = problem.row - 1
        try:
            row = xc.normalize_rows(values[i])
        except ValueError:
            failed.append(problem.row)
            continue
        for column, text in zip(table.ids, typed_distribution(row), strict=True):
            frame.at[i, column] = text
        fixed.append(problem.row)
    return ClassTable(frame, table.ids, table.names, table.next_id), fixed, failed


# ------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class ParsedTable:
    """The table read as numbers: what could be used, and a problem for what could not."""

    values: np.ndarray  # (N, C) the class cells; nan where a cell is unusable
    labels: np.ndarray  # (N,) the true classes as indices; -1 where unusable
    cell_problems: list[CellProblem]  # target cells first, then class cells
    sum_problems: list[CellProblem]  # rows of probabilities that do not add up to 1
    valid: np.ndarray  # the indices (from 0) of the rows that can be used, in order
    blank: frozenset[int] = frozenset()  # rows (from 1) not typed in yet: left out, no problem

    @property
    def n_rows(self) -> int:
        return len(self.labels)

    @property
    def bad_rows(self) -> frozenset[int]:
        """The rows (counting from 1, as the student sees them) that cannot be used."""
        return frozenset(p.row for p in [*self.cell_problems, *self.sum_problems])

    @property
    def all_valid(self) -> bool:
        """True when the table has rows and every one of them can be used."""
        return self.n_rows > 0 and len(self.valid) == self.n_rows


def parse_table(
    table: ClassTable, frame: pd.DataFrame | None = None, *, probabilities: bool
) -> ParsedTable:
    """``frame`` (default: the table's own; columns ``target`` + ``table.ids``) as numbers.

    With ``probabilities`` every class cell must lie in [0, 1] and every row add up to 1;
    otherwise the cells are logits, any finite numbers.
    """
    frame = table.frame if frame is None else frame
    lo, hi = (0.0, 1.0) if probabilities else (None, None)
    blank = blank_rows(frame, [TARGET, *table.ids])  # a new line, nothing typed yet
    values, problems = parse_numbers(frame, table.ids, lo, hi)  # by id: a name may be "target"
    problems = [table.named(problem) for problem in problems if problem.row not in blank]
    labels, target_problems = parse_targets(frame, table.names)
    target_problems = [problem for problem in target_problems if problem.row not in blank]
    sums = row_sum_problems(values) if probabilities else []
    bad = {p.row for p in [*problems, *target_problems, *sums]} | blank
    valid = np.array([i for i in range(len(frame)) if i + 1 not in bad], dtype=np.intp)
    return ParsedTable(values, labels, [*target_problems, *problems], sums, valid, blank)
