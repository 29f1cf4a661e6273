"""Quoting what a student typed back to them, safely, inside a Markdown message."""

from __future__ import annotations

import re

# Characters that Streamlit's Markdown (with its LaTeX, colour and emoji extensions) would
# interpret: a typed "**0.5**" or "$\frac12$" must show as typed, not bold or as a fraction.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>$#|~])")


def quote_typed(text: str, limit: int = 20) -> str:
    """``text`` on one line, cut to ``limit`` characters (with "…"), Markdown-escaped."""
    one_line = " ".join(str(text).split())
    short = one_line if len(one_line) <= limit else one_line[:limit] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", short)


def in_code_span(text: str, limit: int = 40) -> str:
    """``text`` made safe inside a Markdown code span: one line, no backticks, cut to ``limit``.

    Nothing inside a code span is interpreted, so only what would end it must go.
    """
    one_line = " ".join(str(text).replace("`", "'").split())
    return one_line if len(one_line) <= limit else one_line[:limit] + "…"
