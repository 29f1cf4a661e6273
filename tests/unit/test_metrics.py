"""accuracy, reliability bins and the expected calibration error."""

import numpy as np
import pytest

import xent_core as xc


def test_accuracy_simple():
    p = np.array([[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.1, 0.9]])
    assert xc.accuracy([0, 1, 1, 1], p) == 0.75
    assert xc.accuracy([0, 1, 0, 1], p) == 1.0
    assert xc.accuracy([1, 0, 1, 0], p) == 0.0
    assert isinstance(xc.accuracy([0, 1, 1, 1], p), float)


def test_accuracy_ties_go_to_the_lowest_class():
    p = np.array([[0.5, 0.5], [0.4, 0.4]])  # two ties (scores need not sum to 1)
    assert xc.accuracy([0, 0], p) == 1.0


def test_accuracy_multiclass_and_scores():
    p = xc.softmax(np.array([[1.0, 3.0, 2.0], [5.0, 0.0, 0.0], [0.0, 0.0, 0.1]]))
    assert xc.accuracy([1, 0, 2], p) == 1.0
    assert xc.accuracy([1, 0, 0], p) == pytest.approx(2 / 3, rel=1e-15)


def test_reliability_counts_and_edges():
    rng = np.random.default_rng(0)
    p = xc.softmax(rng.normal(scale=2.0, size=(500, 3)))
    y = rng.integers(0, 3, size=500)
    bins = xc.reliability_bins(y, p, n_bins=10)
    assert bins.count.sum() == 500
    np.testing.assert_allclose(bins.edges, np.linspace(0, 1, 11), rtol=0, atol=0)
    filled = bins.count > 0
    # every bin's mean confidence lies inside its bin
    assert np.all(bins.confidence[filled] >= bins.edges[:-1][filled])
    assert np.all(bins.confidence[filled] <= bins.edges[1:][filled])
    # confidences are ≥ 1/C, so the bins below 1/3 are empty
    assert np.all(bins.count[:3] == 0)
    assert np.all(np.isnan(bins.confidence[~filled])) and np.all(np.isnan(bins.accuracy[~filled]))
    # reference binning by hand
    conf = p.max(axis=1)
    correct = p.argmax(axis=1) == y
    for b in np.flatnonzero(filled):
        lo, hi = bins.edges[b], bins.edges[b + 1]
        in_bin = (conf >= lo) & ((conf < hi) if b < 9 else (conf <= hi))
        assert bins.count[b] == in_bin.sum()
        assert bins.confidence[b] == pytest.approx(conf[in_bin].mean(), rel=1e-14)
        assert bins.accuracy[b] == pytest.approx(correct[in_bin].mean(), rel=1e-14)


def test_confidence_one_lands_in_the_last_bin():
    bins = xc.reliability_bins([0, 1], [[1.0, 0.0], [0.0, 1.0]], n_bins=4)
    np.testing.assert_array_equal(bins.count, [0, 0, 0, 2])
    assert bins.accuracy[3] == 1.0 and bins.confidence[3] == 1.0


def calibrated_case(m=20):
    """Binary predictions at confidences 0.55, 0.65, …, 0.95; in each group of m rows
    exactly a fraction c is labelled with the predicted class."""
    rows, labels = [], []
    for c in (0.55, 0.65, 0.75, 0.85, 0.95):
        n_right = round(c * m)
        for i in range(m):
            rows.append([c, 1 - c])
            labels.append(0 if i < n_right else 1)
    return np.array(labels), np.array(rows)


def test_perfectly_calibrated():
    y, p = calibrated_case()
    bins = xc.reliability_bins(y, p, n_bins=10)
    filled = bins.count > 0
    np.testing.assert_array_equal(np.flatnonzero(filled), [5, 6, 7, 8, 9])
    np.testing.assert_array_equal(bins.count[filled], 20)
    np.testing.assert_allclose(bins.accuracy[filled], bins.confidence[filled], rtol=0, atol=1e-15)
    assert xc.expected_calibration_error(y, p, n_bins=10) == pytest.approx(0.0, abs=1e-15)


def test_ece_closed_form():
    # three rows at 0.8 all right, one row at 0.7 wrong
    p = np.array([[0.8, 0.2]] * 3 + [[0.7, 0.3]])
    y = np.array([0, 0, 0, 1])
    # ten bins: (3/4)|1 - 0.8| + (1/4)|0 - 0.7| = 0.15 + 0.175
    assert xc.expected_calibration_error(y, p, n_bins=10) == pytest.approx(0.325, abs=1e-15)
    # one bin: |3/4 - (0.8·3 + 0.7)/4| = |0.75 - 0.775|
    assert xc.expected_calibration_error(y, p, n_bins=1) == pytest.approx(0.025, abs=1e-15)


def test_ece_of_a_confident_liar():
    p = np.array([[0.99, 0.01]] * 10)
    y = np.ones(10, dtype=int)
    assert xc.expected_calibration_error(y, p) == pytest.approx(0.99, abs=1e-15)


def test_ece_in_unit_interval():
    rng = np.random.default_rng(1)
    for _ in range(5):
        p = xc.softmax(rng.normal(scale=3.0, size=(100, 4)))
        y = rng.integers(0, 4, 100)
        ece = xc.expected_calibration_error(y, p, n_bins=15)
        assert 0.0 <= ece <= 1.0
        # ECE is the count-weighted mean gap of the reliability bins
        b = xc.reliability_bins(y, p, n_bins=15)
        f = b.count > 0
        assert ece == pytest.approx(
            float((b.count[f] * np.abs(b.accuracy[f] - b.confidence[f])).sum() / 100), rel=1e-14
        )


def test_bins_follow_numpy_histogram_edges_included_on_the_left():
    # confidences exactly on the edges 0.5 and 0.75 (exact in binary): [lo, hi), last closed
    p = np.array([[0.5, 0.5], [0.75, 0.25], [0.25, 0.75], [1.0, 0.0], [0.6, 0.4], [0.5, 0.5]])
    y = np.array([0, 0, 0, 0, 1, 1])
    bins = xc.reliability_bins(y, p, n_bins=4)
    np.testing.assert_array_equal(bins.count, [0, 0, 3, 3])
    np.testing.assert_array_equal(bins.count, np.histogram(p.max(axis=1), bins=bins.edges)[0])
    rng = np.random.default_rng(5)
    q = xc.softmax(rng.normal(size=(300, 2)))
    r = xc.reliability_bins(rng.integers(0, 2, 300), q, n_bins=7)
    np.testing.assert_array_equal(r.count, np.histogram(q.max(axis=1), bins=r.edges)[0])
