"""Numbers as the pages show them: every digit, a few digits, or a loss that may be undefined.

One formatter per need, used by every page and figure:
- :func:`full` — all the digits float64 holds (the shortest text that reads back as the
  same number), for the numbers a student checks against another tool;
- :func:`short` — a few significant digits with a typographic minus, for labels;
- :func:`fit` — fixed decimals while the number fits a narrow box (a live loss), scientific
  notation past it, so a diverging loss of 1e60 reads ``1.000e+60``, not 61 digits.
Infinities read ``∞`` / ``−∞`` and a nan reads ``undefined`` in both.
"""

from __future__ import annotations

import math

UNDEFINED = "undefined"  # how a nan (0·log 0 gone wrong, ∞ − ∞) reads on screen


def _special(x: float) -> str | None:
    if math.isnan(x):
        return UNDEFINED
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return None


def full(x: float) -> str:
    """All the digits float64 holds (shortest round-trip form); ``∞`` for infinity."""
    return _special(x) or repr(float(x))


def short(x: float, digits: int = 6) -> str:
    """``digits`` significant digits with a typographic minus; ``0`` for an exact zero."""
    if x == 0:
        return "0"
    return _special(x) or f"{x:.{digits}g}".replace("-", "−")


def fit(x: float, decimals: int = 4, max_chars: int = 9) -> str:
    """``x`` with ``decimals`` decimals if that takes at most ``max_chars`` characters, else in
    scientific notation with ``decimals - 1`` decimals; ``∞``, ``undefined`` spelled out."""
    special = _special(x)
    if special:
        return special
    fixed = f"{x:.{decimals}f}"
    text = fixed if len(fixed) <= max_chars else f"{x:.{max(decimals - 1, 1)}e}"
    return text.replace("-", "−")
