"""The categorical page's numbers, all from ``xent_core``: losses, totals, one row's gradients.

Probability mode reads the class cells as p; logits mode reads them as z and applies the
softmax. Class weights and label smoothing mean the same in both (PyTorch's
``cross_entropy``): ``L_i = (1 - ε) w_{y_i} (-log p_{i,y_i}) + (ε/C) Σ_c w_c (-log p_ic)``,
and the mean divides the sum by ``Σ_i w_{y_i}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

import xent_core as xc
from ui.model.categorical_table import ParsedTable
from ui.text.numbers import full

Mode = Literal["probabilities", "logits"]
Reduction = Literal["mean", "sum", "none"]
MODES: tuple[Mode, ...] = ("probabilities", "logits")


def loss(
    labels: np.ndarray,
    values: np.ndarray,
    *,
    mode: Mode,
    reduction: Reduction,
    weights: Sequence[float],
    smoothing: float,
) -> float | np.ndarray:
    """The cross-entropy of the rows ``values`` (p or z, by ``mode``) for true ``labels``."""
    if mode == "probabilities":
        return xc.categorical_cross_entropy(
            labels, values, reduction, weight=weights, label_smoothing=smoothing
        )
    return xc.softmax_cross_entropy(
        labels, values, reduction, weight=weights, label_smoothing=smoothing
    )


@dataclass(frozen=True)
class TableLosses:
    """Every usable row's loss and probabilities, and the totals over the usable rows."""

    usable: np.ndarray  # (N,) bool: the row's cells can be used
    per_row: np.ndarray  # (N,) L_i; nan for a row that cannot be used
    p: np.ndarray  # (N, C) the rows' probabilities (the softmax of z in logits mode); nan rows
    total: float | None  # Σ_i L_i over the usable rows (reduction="sum"); None if there are none
    mean: float | None  # reduction="mean": Σ_i L_i / Σ_i w_{y_i} over the same rows; None likewise

    @property
    def n_used(self) -> int:
        """How many rows the totals add up (rows still being typed are left out)."""
        return int(self.usable.sum())

    @property
    def mean_undefined(self) -> bool:
        """True when the weighted mean is 0/0: every row's true class has weight 0."""
        return self.mean is not None and bool(np.isnan(self.mean))

    def infinite_rows(self) -> list[int]:
        """The rows (counting from 1) whose loss is +∞."""
        return [int(i) + 1 for i in np.flatnonzero(self.per_row == np.inf)]


def table_losses(
    parsed: ParsedTable, *, mode: Mode, weights: Sequence[float], smoothing: float
) -> TableLosses:
    """Losses of the usable rows of ``parsed`` under the page's settings; the sum and the mean
    over those rows (a row with a bad cell, or a new row not typed in yet, is left out)."""
    n, c = parsed.values.shape
    per_row = np.full(n, np.nan)
    p = np.full((n, c), np.nan)
    ok = parsed.valid
    settings = dict(mode=mode, weights=weights, smoothing=smoothing)
    total = mean = None
    if len(ok):
        labels, values = parsed.labels[ok], parsed.values[ok]  # (V,), (V, C)
        per_row[ok] = loss(labels, values, reduction="none", **settings)
        p[ok] = values if mode == "probabilities" else xc.softmax(values)
        if len(ok):  # the rows being typed or fixed are left out, as the binary page does
            total = loss(labels, values, reduction="sum", **settings)
            with np.errstate(invalid="ignore", divide="ignore"):  # Σ w_{y_i} = 0 gives nan
                mean = loss(labels, values, reduction="mean", **settings)
    usable = np.zeros(n, dtype=bool)
    usable[ok] = True
    return TableLosses(usable, per_row, p, total, mean)


def results_frame(losses: TableLosses, classes: Sequence[str], *, mode: Mode) -> pd.DataFrame:
    """The read-only table beside the editor: row number, Lᵢ, and in logits mode p per class."""
    usable = losses.usable.tolist()
    columns: dict[str, list] = {
        "row": list(range(1, len(losses.per_row) + 1)),
        "loss Lᵢ": [full(v) if ok else "—" for v, ok in zip(losses.per_row, usable, strict=True)],
    }
    if mode == "logits":
        for j, name in enumerate(classes):
            columns[f"p({name})"] = [
                f"{row[j]:.4f}" if ok else "—" for row, ok in zip(losses.p, usable, strict=True)
            ]
    return pd.DataFrame(columns)


@dataclass(frozen=True)
class RowView:
    """One row up close: its p, its (smoothed) target and its two gradients."""

    label: int  # the true class
    p: np.ndarray  # (C,) predicted probabilities
    t: np.ndarray  # (C,) the target t′ = (1 - ε) one_hot + ε / C
    grad_z: np.ndarray  # (C,) ∂L_i/∂z = (Σ_c A_c) p - A; p - t′ without weights
    grad_p: np.ndarray  # (C,) ∂L_i/∂p = -A / p; may hold -inf where p = 0

    @property
    def grad_p_finite(self) -> bool:
        """False when ∂L/∂p is infinite somewhere (p = 0 where the target is positive)."""
        return bool(np.isfinite(self.grad_p).all())


def row_view(
    parsed: ParsedTable,
    losses: TableLosses,
    i: int,
    *,
    mode: Mode,
    weights: Sequence[float],
    smoothing: float,
) -> RowView:
    """The numbers of usable row ``i`` (from 0), reduction="none"."""
    n_classes = parsed.values.shape[1]
    label = int(parsed.labels[i])
    p = losses.p[i]
    settings = dict(weight=weights, label_smoothing=smoothing)
    if mode == "probabilities":
        grad_z = xc.softmax_cross_entropy_grad_from_probabilities(
            [label], p[None], "none", **settings
        )
    else:
        grad_z = xc.softmax_cross_entropy_grad([label], parsed.values[[i]], "none", **settings)
    grad_p = xc.categorical_cross_entropy_grad([label], p[None], "none", **settings)
    return RowView(
        label=label,
        p=p,
        t=xc.smoothed_targets([label], n_classes, smoothing)[0],
        grad_z=grad_z[0],
        grad_p=grad_p[0],
    )


def infinite_loss_causes(
    parsed: ParsedTable, losses: TableLosses, classes: Sequence[str]
) -> list[tuple[int, str, list[str]]]:
    """For each row whose loss is +∞: (row from 1, its true class, the classes with p = 0)."""
    return [
        (
            row,
            classes[parsed.labels[row - 1]],
            [classes[j] for j in np.flatnonzero(losses.p[row - 1] == 0)],
        )
        for row in losses.infinite_rows()
    ]
