"""The article's worked numbers (/work/shared/reference/worked-numbers.md), to 1e-13.

The inputs come from ``xent_core.article``; the losses and sums below are the reference's
printed values, an independent check of both the data and the math.
"""

import numpy as np
import pytest

import xent_core as xc

EXACT = dict(rtol=0, atol=1e-13)

# The reference's per-row losses, in the order of the article's rows.
BCE_LOSSES = (
    0.0725706928348355,
    0.09431067947124129,
    0.3011050927839216,
    0.2613647641344075,
    1.897119984885881,
    1.7719568419318752,
    0.06187540371808753,
)
BCE_SUM = 4.460303459760249
CAT_LOSSES = (0.09431067947124129, 0.2231435513142097, 0.5108256237659907, 1.3862943611198906)
CAT_SUM = 2.214574215671332

# (t, p, loss) and (label, [p0, p1, p2], loss), rows of the article's tables.
BCE_TABLE = list(zip(xc.ARTICLE_BINARY_T, xc.ARTICLE_BINARY_P, BCE_LOSSES, strict=True))
CAT_TABLE = list(
    zip(xc.ARTICLE_CATEGORICAL_LABELS, xc.ARTICLE_CATEGORICAL_P, CAT_LOSSES, strict=True)
)

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


def test_reference_sums_are_consistent():
    """The reference itself: printed rows add up to the printed sums."""
    assert sum(BCE_LOSSES) == pytest.approx(BCE_SUM, rel=0, abs=1e-13)
    assert sum(CAT_LOSSES) == pytest.approx(CAT_SUM, rel=0, abs=1e-13)


# ------------------------------------------------------------ xent_core.article
def test_article_constants_are_the_reference_tables():
    assert xc.ARTICLE_BINARY_T == (0, 1, 1, 0, 0, 1, 1)
    assert xc.ARTICLE_BINARY_P == (0.07, 0.91, 0.74, 0.23, 0.85, 0.17, 0.94)
    assert xc.ARTICLE_CATEGORICAL_CLASSES == ("panda", "seal", "duck")
    assert xc.ARTICLE_CATEGORICAL_TARGETS == ("panda", "seal", "duck", "panda")
    assert xc.ARTICLE_CATEGORICAL_LABELS == tuple(
        xc.ARTICLE_CATEGORICAL_CLASSES.index(name) for name in xc.ARTICLE_CATEGORICAL_TARGETS
    )
    assert np.array(xc.ARTICLE_CATEGORICAL_P).shape == (4, 3)
    assert xc.ARTICLE_BINARY_SUM == BCE_SUM
    assert xc.ARTICLE_CATEGORICAL_SUM == CAT_SUM
    assert xc.ARTICLE_AUTHOR == "Bala Priya C"
    assert xc.ARTICLE_TITLE == "Cross-Entropy Loss: Make Predictions with Confidence"


@pytest.mark.parametrize(
    "name",
    [
        "ARTICLE_BINARY_T",
        "ARTICLE_BINARY_P",
        "ARTICLE_BINARY_CONFIDENT_MISTAKES",
        "ARTICLE_CATEGORICAL_CLASSES",
        "ARTICLE_CATEGORICAL_TARGETS",
        "ARTICLE_CATEGORICAL_LABELS",
        "ARTICLE_CATEGORICAL_P",
    ],
)
def test_article_tables_are_immutable_tuples(name):
    value = getattr(xc, name)
    assert isinstance(value, tuple)
    assert all(not isinstance(row, list | np.ndarray | dict) for row in value)
    assert name in xc.__all__
    with pytest.raises(TypeError):
        value[0] = 0  # type: ignore[index]


def test_article_categorical_rows_are_distributions():
    np.testing.assert_allclose(np.array(xc.ARTICLE_CATEGORICAL_P).sum(axis=1), 1.0, atol=1e-15)


def test_article_constants_reproduce_the_sums():
    binary = xc.binary_cross_entropy(xc.ARTICLE_BINARY_T, xc.ARTICLE_BINARY_P, reduction="sum")
    categorical = xc.categorical_cross_entropy(
        xc.ARTICLE_CATEGORICAL_LABELS, xc.ARTICLE_CATEGORICAL_P, reduction="sum"
    )
    assert binary == pytest.approx(4.460303459760249, rel=0, abs=1e-13)
    assert categorical == pytest.approx(2.214574215671332, rel=0, abs=1e-13)
    assert binary == pytest.approx(xc.ARTICLE_BINARY_SUM, rel=0, abs=1e-13)
    assert categorical == pytest.approx(xc.ARTICLE_CATEGORICAL_SUM, rel=0, abs=1e-13)


def test_article_confident_mistakes_are_the_two_worst_rows():
    loss = xc.binary_cross_entropy(xc.ARTICLE_BINARY_T, xc.ARTICLE_BINARY_P, reduction="none")
    assert tuple(sorted(np.argsort(loss)[-2:].tolist())) == xc.ARTICLE_BINARY_CONFIDENT_MISTAKES


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
