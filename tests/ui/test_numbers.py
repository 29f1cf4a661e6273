"""The one place numbers are formatted for the screen (ui/text/numbers.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ui.text.numbers import fit, full, short


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.214574215671332, "2.214574215671332"),
        (math.inf, "∞"),
        (math.nan, "undefined"),
        (np.float64(0.1), "0.1"),
    ],
)
def test_full_keeps_full_precision_and_names_infinity(value, text) -> None:
    """repr-precision numbers, ∞ for +inf, 'undefined' for nan."""
    assert full(value) == text


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (0.0725706928348355, 6, "0.0725707"),
        (-1.897119984885881, 4, "−1.897"),
        (0.0, 3, "0"),
        (-0.0, 3, "0"),
        (math.inf, 6, "∞"),
        (-math.inf, 3, "−∞"),
        (math.nan, 6, "undefined"),
        (1234567.0, 3, "1.23e+06"),
    ],
)
def test_short_keeps_a_few_digits_with_a_typographic_minus(value, digits, text) -> None:
    """Significant digits, − not -, 0 for either zero, ∞ and undefined spelled out."""
    assert short(value, digits) == text


def test_full_reads_back_as_the_same_float() -> None:
    """Every digit float64 holds: the text parses back to the identical number."""
    for value in (4.460303459760249, 2.214574215671332, 1e-300, -0.1 + 0.2):
        assert float(full(value)) == value
    assert full(-math.inf) == "−∞"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.6931471805599453, "0.6931"),
        (1234.5678, "1234.5678"),
        (12345.678, "1.235e+04"),
        (1e60, "1.000e+60"),
        (-3.5e300, "−3.500e+300"),
        (math.inf, "∞"),
        (math.nan, "undefined"),
    ],
)
def test_fit_keeps_a_live_loss_inside_its_box(value, text) -> None:
    """Fixed decimals while short, scientific past 9 characters: never 60 digits."""
    assert fit(value) == text
    assert len(fit(value)) <= 11
