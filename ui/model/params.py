"""Page settings as link parameters: how each is read from the query string and written back.

A page declares its settings as :class:`Param` s; :mod:`ui.widgets.url_state` restores them
from the link before the widgets are drawn and publishes them after. Every parser raises
``ValueError`` with what it expected, so a bad link value becomes a note, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_SHOWN = 40  # characters of a bad link value quoted back to the user


@dataclass(frozen=True)
class Param:
    """One setting: its widget key (also its name in the query string) and how to read it.

    ``parse`` turns the query-string text into a value or raises ``ValueError`` with a
    message saying what is expected; ``format`` turns a value back into text.
    """

    key: str
    default: Any
    parse: Callable[[str], Any]
    format: Callable[[Any], str] = field(default=str)


def number(lo: float, hi: float) -> Callable[[str], float]:
    """A parser for a finite number in [lo, hi]."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"is not a number (expected {lo:g} to {hi:g})") from None
        if not lo <= value <= hi:  # also rejects nan
            raise ValueError(f"is outside {lo:g} to {hi:g}")
        return value

    return parse


def integer(lo: int, hi: int) -> Callable[[str], int]:
    """A parser for a whole number in [lo, hi]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"is not a whole number (expected {lo} to {hi})") from None
        if not lo <= value <= hi:
            raise ValueError(f"is outside {lo} to {hi}")
        return value

    return parse


def choice(options: Sequence[str]) -> Callable[[str], str]:
    """A parser for one of ``options``."""

    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"is not one of {', '.join(options)}")
        return text

    return parse


def number_choice(options: Sequence[float]) -> Callable[[str], float]:
    """A link parser for one of ``options`` (numbers), returning the option itself."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError("is not a number") from None
        if value not in options:
            raise ValueError(f"is not one of {', '.join(f'{o:g}' for o in options)}")
        return options[list(options).index(value)]

    return parse


def boolean(text: str) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off``."""
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("is not true or false")


def format_bool(value: bool) -> str:
    return "1" if value else "0"


def number_list(n_min: int, n_max: int, lo: float, hi: float) -> Callable[[str], tuple[float, ...]]:
    """A parser for ``n_min`` to ``n_max`` comma-separated numbers, each in [lo, hi]."""
    one = number(lo, hi)

    def parse(text: str) -> tuple[float, ...]:
        parts = text.split(",")
        if not n_min <= len(parts) <= n_max:
            raise ValueError(f"must list {n_min} to {n_max} numbers separated by commas")
        return tuple(one(part) for part in parts)

    return parse


def format_numbers(values: Sequence[float]) -> str:
    return ",".join(f"{v:g}" for v in values)


# Link settings of the whole app, not of one page (classroom mode, ui/model/classroom.py):
# publishing a page's settings leaves them in the link as they are.
APP_WIDE = ("hide", "projector")
