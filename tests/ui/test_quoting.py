"""Typed text quoted back in messages: one line, short, nothing interpreted or reordered."""

from __future__ import annotations

import pytest

from ui.text.quoting import REPLACEMENT, in_code_span, neutralised, quote_typed

BIDI = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]


@pytest.mark.parametrize("char", BIDI + ["\x00", "\x07", "\x1b", "\x7f", "\u200b", "\ufeff"])
def test_control_and_bidi_characters_are_replaced(char):
    """A right-to-left override (and friends) cannot reverse the rest of the message."""
    typed = f"0.5{char}abc"
    for quoted in (quote_typed(typed), in_code_span(typed)):
        assert char not in quoted
        assert quoted == f"0.5{REPLACEMENT}abc"


def test_ordinary_text_passes_unchanged():
    """Letters of any script, accents and emoji are not control characters."""
    text = "чай 茶 café ☕ σ(z)"
    assert neutralised(text) == text
    assert in_code_span(text) == text


def test_whitespace_folds_to_single_spaces_on_one_line():
    assert quote_typed("a\tb\n\nc") == "a b c"
    assert in_code_span("a\r\nb") == "a b"


def test_long_values_are_shortened_with_an_ellipsis():
    """A 10,000-character link value becomes a short quote, not a 2,000-px warning."""
    long = "9" * 10_000
    assert in_code_span(long) == "9" * 40 + "…"
    assert quote_typed(long) == "9" * 20 + "…"
    assert len(in_code_span("\u202e" * 10_000, 40)) == 41


def test_markdown_is_escaped_and_code_spans_cannot_be_closed():
    assert quote_typed("**0.5**") == "\\*\\*0.5\\*\\*"
    assert quote_typed("$x$") == "\\$x\\$"
    assert "`" not in in_code_span("a`b")
