"""The binary page's table: its keeper, and its text cells read as a batch of (t, p or z).

Pure over any mutable mapping: the page passes ``st.session_state``, the tests a ``dict``.
Every loss comes from ``xent_core``.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

import xent_core
from ui.model.cells import CellProblem, parse_numbers
from ui.model.table_keeper import KeptEditor

Column = Literal["p", "z"]  # the table's second column: p, or the logit z in logits mode


def keeper(
    state: MutableMapping[str, Any], column: Column, initial: Callable[[], pd.DataFrame]
) -> KeptEditor:
    """The table of t and ``column``, kept across reruns and pages (editor ``bce_table_p``,
    ``bce_table_p_1``, … or ``bce_table_z``, …); ``initial`` gives its first rows."""
    return KeptEditor(
        state,
        f"bce_table_{column}",
        base_key=f"bce_base_{column}",
        saved_key=f"bce_saved_{column}",
        initial=initial,
    )


@dataclass(frozen=True)
class Batch:
    """The table read as numbers: the rows that can be used, and why the others cannot."""

    n_rows: int  # rows in the table, usable or not
    problems: list[CellProblem]  # by row, the t cell before the p (or z) cell
    bad_rows: list[int]  # the rows (from 1) left out, in order
    rows: list[int]  # the rows (from 1) that can be used, in order
    t: np.ndarray  # (len(rows),) their targets
    x: np.ndarray  # (len(rows),) their p, or their z in logits mode


def read_batch(frame: pd.DataFrame, column: Column) -> Batch:
    """``frame``'s t cells (0 to 1) and ``column`` cells (p: 0 to 1; z: any finite number)."""
    t_col, t_problems = parse_numbers(frame, ["t"], 0.0, 1.0)
    x_col, x_problems = (
        parse_numbers(frame, ["z"]) if column == "z" else parse_numbers(frame, ["p"], 0.0, 1.0)
    )
    problems = sorted(t_problems + x_problems, key=lambda pr: (pr.row, pr.column != "t"))
    bad_rows = sorted({pr.row for pr in problems})
    rows = [r for r in range(1, len(frame) + 1) if r not in bad_rows]
    keep = [r - 1 for r in rows]
    return Batch(len(frame), problems, bad_rows, rows, t_col[keep, 0], x_col[keep, 0])


@dataclass(frozen=True)
class BatchLosses:
    """The usable rows' losses (nats) from ``xent_core``, and the batch's sum and mean."""

    p: np.ndarray  # (n,) the predictions: p as typed, or σ(z)
    per_row: np.ndarray  # (n,) reduction="none"
    total: float  # reduction="sum": the article's total
    mean: float  # reduction="mean": the sum divided by n, what frameworks report


def batch_losses(batch: Batch, *, logits: bool) -> BatchLosses:
    """The losses of ``batch``'s usable rows; from the logits z without forming p when
    ``logits``, so that huge |z| never overflow."""
    t, x = batch.t, batch.x
    if logits:
        loss = xent_core.binary_cross_entropy_with_logits
        p = xent_core.sigmoid(x)
    else:
        loss = xent_core.binary_cross_entropy
        p = x
    return BatchLosses(
        p=p,
        per_row=loss(t, x, reduction="none"),
        total=loss(t, x, reduction="sum"),
        mean=loss(t, x, reduction="mean"),
    )
