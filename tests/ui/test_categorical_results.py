"""The categorical page's numbers against hand computations with ``math`` (not xent_core)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ui.model.categorical_results import (
    infinite_loss_causes,
    results_frame,
    row_view,
    table_losses,
)
from ui.model.categorical_table import apply_edits, article_classes, parse_table

CLASSES = ["panda", "seal", "duck"]
SEED_ROWS = [  # (true class, p)
    (0, [0.91, 0.04, 0.05]),
    (1, [0.11, 0.80, 0.09]),
    (2, [0.30, 0.10, 0.60]),
    (0, [0.25, 0.40, 0.35]),
]


def hand_loss(y: int, p: list[float], eps: float, w: list[float]) -> float:
    """(1 - ε) w_y (-log p_y) + (ε / C) Σ_c w_c (-log p_c)."""
    c = len(p)
    return (1 - eps) * w[y] * -math.log(p[y]) + eps / c * sum(
        wc * -math.log(pc) for wc, pc in zip(w, p, strict=True)
    )


def hand_softmax(z: list[float]) -> list[float]:
    e = [math.exp(v - max(z)) for v in z]
    return [v / sum(e) for v in e]


def parsed_seed(edits: dict | None = None, *, probabilities: bool = True):
    table = article_classes()
    return parse_table(table, apply_edits(table.frame, edits), probabilities=probabilities)


def test_the_seed_table_gives_the_articles_losses() -> None:
    """Per-row −log p of the true class; sum 2.214574215671332; mean = sum / 4."""
    losses = table_losses(parsed_seed(), mode="probabilities", weights=[1, 1, 1], smoothing=0)
    assert losses.per_row.tolist() == [
        0.09431067947124129,
        0.2231435513142097,
        0.5108256237659907,
        1.3862943611198906,
    ]
    assert losses.total == 2.214574215671332
    assert losses.mean == pytest.approx(2.214574215671332 / 4, rel=1e-15)
    assert losses.usable.all() and not losses.infinite_rows() and not losses.mean_undefined


@pytest.mark.parametrize(("eps", "w"), [(0.1, [1, 2, 0.5]), (0.0, [3, 1, 1]), (1.0, [1, 1, 1])])
def test_weights_and_smoothing_on_probabilities_match_the_formula(eps, w) -> None:
    """Each L_i, the sum and the mean Σ L_i / Σ w_{y_i}, by hand."""
    losses = table_losses(parsed_seed(), mode="probabilities", weights=w, smoothing=eps)
    expected = [hand_loss(y, p, eps, w) for y, p in SEED_ROWS]
    assert losses.per_row == pytest.approx(expected, rel=1e-14)
    assert losses.total == pytest.approx(sum(expected), rel=1e-14)
    divisor = sum(w[y] for y, _ in SEED_ROWS)
    assert losses.mean == pytest.approx(sum(expected) / divisor, rel=1e-14)


def test_logits_mode_applies_the_softmax_first() -> None:
    """The cells read as z: p = softmax(z) per row, and the same formula on it."""
    losses = table_losses(
        parsed_seed(probabilities=False), mode="logits", weights=[1, 2, 1], smoothing=0.2
    )
    for i, (y, z) in enumerate(SEED_ROWS):
        p = hand_softmax(z)
        assert losses.p[i] == pytest.approx(p, rel=1e-14)
        assert losses.per_row[i] == pytest.approx(hand_loss(y, p, 0.2, [1, 2, 1]), rel=1e-13)


def test_unusable_rows_have_no_loss_and_the_totals_leave_them_out() -> None:
    """Row 2 with text: nan loss, not usable; the sum and the mean are over rows 1, 3, 4."""
    losses = table_losses(
        parsed_seed({"edited_rows": {1: {"c0": "x"}}}),
        mode="probabilities",
        weights=[1, 1, 1],
        smoothing=0,
    )
    assert losses.usable.tolist() == [True, False, True, True]
    assert math.isnan(losses.per_row[1]) and np.isnan(losses.p[1]).all()
    assert losses.per_row[3] == 1.3862943611198906
    kept = -math.log(0.91) - math.log(0.60) - math.log(0.25)
    assert losses.n_used == 3
    assert losses.total == pytest.approx(kept, rel=1e-15)
    assert losses.mean == pytest.approx(kept / 3, rel=1e-15)


def test_a_table_with_no_usable_row_has_no_totals() -> None:
    """Every row with text: nothing to add up, so neither sum nor mean."""
    edits = {"edited_rows": {i: {"c0": "x"} for i in range(4)}}
    losses = table_losses(parsed_seed(edits), mode="probabilities", weights=[1, 1, 1], smoothing=0)
    assert losses.n_used == 0
    assert losses.total is None and losses.mean is None


def test_all_true_classes_weighted_zero_leave_the_mean_undefined() -> None:
    """Weights 0, 0, 0: the mean is 0 / 0, reported as undefined rather than raised."""
    losses = table_losses(parsed_seed(), mode="probabilities", weights=[0, 0, 0], smoothing=0)
    assert losses.total == 0.0
    assert losses.mean_undefined


def test_infinite_losses_name_their_row_true_class_and_zero_classes() -> None:
    """Row 2 (seal) with p(seal) = 0; row 1 with p(duck) = 0 and ε = 0.1."""
    edits = {
        "edited_rows": {1: {"c0": "0.2", "c1": "0", "c2": "0.8"}, 0: {"c1": "0.09", "c2": "0"}}
    }
    parsed = parsed_seed(edits)
    plain = table_losses(parsed, mode="probabilities", weights=[1, 1, 1], smoothing=0)
    assert plain.infinite_rows() == [2]
    assert infinite_loss_causes(parsed, plain, CLASSES) == [(2, "seal", ["seal"])]
    smooth = table_losses(parsed, mode="probabilities", weights=[1, 1, 1], smoothing=0.1)
    assert infinite_loss_causes(parsed, smooth, CLASSES) == [
        (1, "panda", ["duck"]),
        (2, "seal", ["seal"]),
    ]


def test_results_frame_lists_every_row_with_a_dash_for_unusable_ones() -> None:
    """Full-precision losses; logits mode adds p per class to 4 decimals."""
    parsed = parsed_seed({"edited_rows": {2: {"c2": ""}}}, probabilities=False)
    losses = table_losses(parsed, mode="logits", weights=[1, 1, 1], smoothing=0)
    frame = results_frame(losses, CLASSES, mode="logits")
    assert frame.columns.tolist() == ["row", "loss Lᵢ", "p(panda)", "p(seal)", "p(duck)"]
    assert frame["row"].tolist() == [1, 2, 3, 4]
    assert frame.loc[2].tolist()[1:] == ["—"] * 4
    assert frame.loc[0, "p(panda)"] == f"{hand_softmax([0.91, 0.04, 0.05])[0]:.4f}"
    assert float(frame.loc[0, "loss Lᵢ"]) == pytest.approx(
        -math.log(hand_softmax([0.91, 0.04, 0.05])[0]), rel=1e-14
    )
    probs = results_frame(losses, CLASSES, mode="probabilities")
    assert probs.columns.tolist() == ["row", "loss Lᵢ"]


def test_a_rows_view_in_probability_mode_is_t_prime_minus_a_over_p_and_sum_a_p_minus_a() -> None:
    """Row 2 (seal), ε = 0.3, w = 1, 2, 1: t′, ∂L/∂p = −A/p, ∂L/∂z = (Σ A) p − A."""
    parsed = parsed_seed()
    settings = dict(mode="probabilities", weights=[1, 2, 1], smoothing=0.3)
    view = row_view(parsed, table_losses(parsed, **settings), 1, **settings)
    p = [0.11, 0.80, 0.09]
    a = [0.3 / 3 * 1, 0.7 * 2 + 0.3 / 3 * 2, 0.3 / 3 * 1]
    assert view.label == 1
    assert view.p.tolist() == p
    assert view.t == pytest.approx([0.1, 0.8, 0.1], rel=1e-15)
    assert view.grad_p == pytest.approx([-ak / pk for ak, pk in zip(a, p, strict=True)], rel=1e-14)
    assert view.grad_z == pytest.approx(
        [sum(a) * pk - ak for ak, pk in zip(a, p, strict=True)], rel=1e-14
    )
    assert view.grad_p_finite


def test_a_rows_logit_gradient_is_the_same_from_p_as_from_z() -> None:
    """Cells z in logits mode and softmax(z) typed as p give the same ∂L/∂z."""
    z = [0.25, 0.40, 0.35]
    logits = parsed_seed(probabilities=False)
    settings = dict(weights=[3, 1, 1], smoothing=0.2)
    from_z = row_view(
        logits, table_losses(logits, mode="logits", **settings), 3, mode="logits", **settings
    )
    typed = {"edited_rows": {3: {f"c{j}": repr(v) for j, v in enumerate(hand_softmax(z))}}}
    probs = parsed_seed(typed)
    from_p = row_view(
        probs,
        table_losses(probs, mode="probabilities", **settings),
        3,
        mode="probabilities",
        **settings,
    )
    assert from_p.grad_z == pytest.approx(from_z.grad_z, rel=1e-12)
    assert from_p.grad_p == pytest.approx(from_z.grad_p, rel=1e-12)


def test_a_zero_probability_with_a_positive_target_makes_grad_p_infinite_not_grad_z() -> None:
    """Row 2 with p(seal) = 0: ∂L/∂p is −∞ there, ∂L/∂z = p − t = 0.2, −1, 0.8."""
    parsed = parsed_seed({"edited_rows": {1: {"c0": "0.2", "c1": "0", "c2": "0.8"}}})
    settings = dict(mode="probabilities", weights=[1, 1, 1], smoothing=0.0)
    view = row_view(parsed, table_losses(parsed, **settings), 1, **settings)
    assert not view.grad_p_finite
    assert view.grad_z == pytest.approx([0.2, -1.0, 0.8], rel=1e-15)
