"""Quoting what a student typed back to them, safely, inside a Markdown message."""

from __future__ import annotations

import re
import unicodedata

# Characters that Streamlit's Markdown (with its LaTeX, colour and emoji extensions) would
# interpret: a typed "**0.5**" or "$\frac12$" must show as typed, not bold or as a fraction.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>$#|~])")


REPLACEMENT = "\ufffd"  # � stands in for a control or bidi character a student typed


def neutralised(text: str) -> str:
    """``text`` with every control and format character (bidi overrides such as U+202E,
    zero-width joiners, NUL…) replaced by �, so it cannot reorder or hide the message around
    it. Whitespace is left for the callers, who fold it to single spaces."""
    return "".join(
        REPLACEMENT if unicodedata.category(c) in ("Cc", "Cf") and not c.isspace() else c
        for c in str(text)
    )


def quote_typed(text: str, limit: int = 20) -> str:
    """``text`` on one line, cut to ``limit`` characters (with "…"), Markdown-escaped, its
    control and bidi characters neutralised."""
    one_line = " ".join(neutralised(text).split())
    short = one_line if len(one_line) <= limit else one_line[:limit] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", short)


def in_code_span(text: str, limit: int = 40) -> str:
    """``text`` made safe inside a Markdown code span: one line, no backticks, cut to ``limit``.

    Nothing inside a code span is interpreted, so only what would end it must go; control
    and bidi characters are neutralised (a U+202E would reverse the rest of the message).
    """
    one_line = " ".join(neutralised(text).replace("`", "'").split())
    return one_line if len(one_line) <= limit else one_line[:limit] + "…"
