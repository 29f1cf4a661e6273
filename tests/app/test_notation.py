"""No page shows raw typed notation ("loss L_i", "the true class y_i", "p_target"): math in
markdown is LaTeX ($L_i$), and where LaTeX cannot render (table headers, widget labels) the
words or Unicode say it (Lᵢ, p(target))."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_page
from tests.app.test_router import PAGE_FILES

# A letter, an underscore, then a one-letter index, a braced index or a word index: L_i, y_i,
# p_{i,y_i}, p_target. Not inside $...$ (LaTeX), `code` or a widget key.
RAW = re.compile(r"(?<![\w\\])[A-Za-zα-ω]_(?:\{|[a-z0-9]\b|target\b)")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`", re.S)

LABELLED = (
    "selectbox",
    "slider",
    "select_slider",
    "number_input",
    "text_input",
    "radio",
    "toggle",
    "checkbox",
    "multiselect",
    "button",
    "expander",
    "metric",
)


def shown_texts(at: AppTest) -> list[str]:
    """Every piece of text a page shows: paragraphs, captions, alerts, labels, table headers."""
    found = [str(e.value) for kind in ("markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(at, kind)]  # fmt: skip
    for kind in LABELLED:
        found += [str(getattr(e, "label", "")) for e in getattr(at, kind)]
    for table in at.dataframe:
        found += [str(c) for c in table.value.columns]
    return found


@pytest.mark.parametrize("path", PAGE_FILES)
def test_no_page_shows_raw_underscore_notation(path: str) -> None:
    """Outside LaTeX, no text of the page reads like typed math with an underscore."""
    at = open_page(path, timeout=60)
    raw = [
        (text[:80], hit.group())
        for text in shown_texts(at)
        for hit in RAW.finditer(MATH.sub("", text))
    ]
    assert not raw, raw
