"""xent_core._rows: each row's max and sum, class by class, the same bits as numpy's."""

from __future__ import annotations

import numpy as np
import pytest

from xent_core._rows import FEW, row_max, row_sum

SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e308, -1e308, 5e-324])


def batches():
    rng = np.random.default_rng(7)
    for n in (0, 1, 3, 2500):
        for c in range(1, FEW + 3):
            yield rng.normal(0.0, 10.0, size=(n, c)) * rng.choice([1e-3, 1.0, 1e300], size=(n, c))
    # every pair and triple of special values, in every order
    yield np.array(np.meshgrid(SPECIAL, SPECIAL)).reshape(2, -1).T.copy()
    yield np.array(np.meshgrid(SPECIAL, SPECIAL, SPECIAL)).reshape(3, -1).T.copy()


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("a", list(batches()), ids=lambda a: f"{a.shape}")
def test_row_max_and_row_sum_are_numpys_to_the_bit(a):
    with np.errstate(all="ignore"):
        assert same_bits(row_max(a), a.max(axis=-1, keepdims=True))
        assert same_bits(row_max(a, 1), a.max(axis=1, keepdims=True))
        assert same_bits(row_sum(a), a.sum(axis=-1, keepdims=True))
        assert same_bits(row_sum(a, keepdims=False), a.sum(axis=-1))


def test_other_shapes_and_axes_go_to_numpy():
    a = np.arange(24.0).reshape(2, 3, 4)
    assert same_bits(row_max(a), a.max(axis=-1, keepdims=True))
    assert same_bits(row_sum(a, 0), a.sum(axis=0, keepdims=True))
    v = np.array([3.0, -1.0, 2.0])
    assert same_bits(row_max(v), np.array([3.0])) and same_bits(row_sum(v), np.array([4.0]))


def test_the_inputs_are_not_changed():
    a = np.array([[1.0, -2.0, 3.0], [-0.0, 0.0, -5.0]])
    before = a.copy()
    row_max(a), row_sum(a)
    assert same_bits(a, before)
