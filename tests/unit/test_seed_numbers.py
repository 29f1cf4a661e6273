"""The seed article's worked numbers (../shared/reference/seed-facts.md), to 1e-13."""

import numpy as np
import pytest

import xent_core as xc

EXACT = dict(rtol=0, atol=1e-13)

# (t, p, loss) — the seed's binary table, losses as printed there.
BCE_TABLE = [
    (0, 0.07, 0.0725706928348355),
    (1, 0.91, 0.09431067947124129),
    (1, 0.74, 0.3011050927839216),
    (0, 0.23, 0.2613647641344075),
    (0, 0.85, 1.897119984885881),
    (1, 0.17, 1.7719568419318752),
    (1, 0.94, 0.06187540371808753),
]
BCE_SUM = 4.460303459760249

# (label, [p0, p1, p2], loss) — the seed's categorical table.
CAT_TABLE = [
    (0, [0.91, 0.04, 0.05], 0.09431067947124129),
    (1, [0.11, 0.80, 0.09], 0.2231435513142097),
    (2, [0.30, 0.10, 0.60], 0.5108256237659907),
    (0, [0.25, 0.40, 0.35], 1.3862943611198906),
]
CAT_SUM = 2.214574215671332

SOFTMAX_234 = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]


def bce_columns():
    t = np.array([row[0] for row in BCE_TABLE], dtype=float)
    p = np.array([row[1] for row in BCE_TABLE])
    loss = np.array([row[2] for row in BCE_TABLE])
    return t, p, loss


def cat_columns():
    y = np.array([row[0] for row in CAT_TABLE])
    p = np.array([row[1] for row in CAT_TABLE])
    loss = np.array([row[2] for row in CAT_TABLE])
    return y, p, loss


def test_seed_table_sums_are_consistent():
    """The reference itself: printed rows add up to the printed sums."""
    assert sum(r[2] for r in BCE_TABLE) == pytest.approx(BCE_SUM, rel=0, abs=1e-13)
    assert sum(r[2] for r in CAT_TABLE) == pytest.approx(CAT_SUM, rel=0, abs=1e-13)


# ---------------------------------------------------------------- binary
def test_bce_table_rows():
    t, p, loss = bce_columns()
    got = xc.binary_cross_entropy(t, p, reduction="none")
    assert got.shape == (7,)
    np.testing.assert_allclose(got, loss, **EXACT)


@pytest.mark.parametrize("t, p, expected", BCE_TABLE)
def test_bce_table_row_as_scalar(t, p, expected):
    assert xc.binary_cross_entropy([t], [p], reduction="sum") == pytest.approx(
        expected, rel=0, abs=1e-13
    )


def test_bce_table_sum():
    t, p, _ = bce_columns()
    assert xc.binary_cross_entropy(t, p, reduction="sum") == pytest.approx(
        BCE_SUM, rel=0, abs=1e-13
    )


def test_bce_table_mean_is_default():
    t, p, _ = bce_columns()
    expected = BCE_SUM / 7
    assert xc.binary_cross_entropy(t, p) == pytest.approx(expected, rel=0, abs=1e-13)
    assert xc.binary_cross_entropy(t, p, reduction="mean") == pytest.approx(
        expected, rel=0, abs=1e-13
    )


def test_bce_table_with_integer_targets_and_lists():
    rows = [r[0] for r in BCE_TABLE], [r[1] for r in BCE_TABLE]
    assert xc.binary_cross_entropy(*rows, reduction="sum") == pytest.approx(
        BCE_SUM, rel=0, abs=1e-13
    )


def test_bce_from_logits_of_the_table():
    t, p, loss = bce_columns()
    z = np.log(p / (1 - p))  # logit(p)
    got = xc.binary_cross_entropy_with_logits(t, z, reduction="none")
    np.testing.assert_allclose(got, loss, rtol=0, atol=1e-12)
    assert xc.binary_cross_entropy_with_logits(t, z, reduction="sum") == pytest.approx(
        BCE_SUM, rel=0, abs=1e-12
    )


def test_bce_table_gradient_closed_form():
    t, p, _ = bce_columns()
    expected = -t / p + (1 - t) / (1 - p)
    got = xc.binary_cross_entropy_grad(t, p, reduction="sum")
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(xc.binary_cross_entropy_grad(t, p), expected / 7, rtol=1e-15, atol=0)


def test_bce_logits_gradient_is_sigma_minus_t_on_the_table():
    t, p, _ = bce_columns()
    z = np.log(p / (1 - p))
    got = xc.binary_cross_entropy_with_logits_grad(t, z, reduction="sum")
    np.testing.assert_allclose(got, p - t, rtol=0, atol=1e-15)


# ----------------------------------------------------------- categorical
def test_categorical_table_rows():
    y, p, loss = cat_columns()
    got = xc.categorical_cross_entropy(y, p, reduction="none")
    assert got.shape == (4,)
    np.testing.assert_allclose(got, loss, **EXACT)


def test_categorical_table_sum_and_mean():
    y, p, _ = cat_columns()
    assert xc.categorical_cross_entropy(y, p, reduction="sum") == pytest.approx(
        CAT_SUM, rel=0, abs=1e-13
    )
    assert xc.categorical_cross_entropy(y, p) == pytest.approx(CAT_SUM / 4, rel=0, abs=1e-13)


def test_categorical_table_with_one_hot_targets():
    y, p, loss = cat_columns()
    t = np.eye(3)[y]
    np.testing.assert_allclose(xc.categorical_cross_entropy(t, p, reduction="none"), loss, **EXACT)
    assert xc.categorical_cross_entropy(t, p, reduction="sum") == pytest.approx(
        CAT_SUM, rel=0, abs=1e-13
    )


@pytest.mark.parametrize("label, probs, expected", CAT_TABLE)
def test_categorical_single_sample(label, probs, expected):
    got = xc.categorical_cross_entropy(label, probs, reduction="sum")
    assert got == pytest.approx(expected, rel=0, abs=1e-13)


def test_categorical_table_via_softmax_cross_entropy_on_log_p():
    y, p, loss = cat_columns()
    z = np.log(p)  # softmax(log p) = p since each row sums to 1
    np.testing.assert_allclose(
        xc.softmax_cross_entropy(y, z, reduction="none"), loss, rtol=0, atol=1e-12
    )
    assert xc.softmax_cross_entropy(y, z, reduction="sum") == pytest.approx(
        CAT_SUM, rel=0, abs=1e-12
    )


# --------------------------------------------------------------- softmax
def test_softmax_2_3_4():
    np.testing.assert_allclose(xc.softmax([2, 3, 4]), SOFTMAX_234, **EXACT)
    np.testing.assert_allclose(xc.softmax(np.array([2.0, 3.0, 4.0])), SOFTMAX_234, **EXACT)


def test_softmax_2_3_4_in_a_batch_and_shifted():
    z = np.array([[2.0, 3.0, 4.0], [-1.0, 0.0, 1.0], [1002.0, 1003.0, 1004.0]])
    np.testing.assert_allclose(xc.softmax(z), np.tile(SOFTMAX_234, (3, 1)), **EXACT)


def test_log_softmax_2_3_4():
    np.testing.assert_allclose(xc.log_softmax([2, 3, 4]), np.log(SOFTMAX_234), **EXACT)


def test_softmax_jacobian_2_3_4():
    p = np.array(SOFTMAX_234)
    expected = np.diag(p) - np.outer(p, p)
    np.testing.assert_allclose(xc.softmax_jacobian([2, 3, 4]), expected, **EXACT)
