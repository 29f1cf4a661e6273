"""The app's own style sheet and page script, on every page (app.py calls :func:`apply`).

``style.css``: metric numbers and labels wrap instead of ending in "…", captions and slider
values readable in both themes, chart ticks darker on white, a tab bar too wide for its column
wraps onto a second row instead of scrolling. ``page.js``: formulas and metric
values fitted into their column, a text alternative for every chart, the sidebar folded once
on a tablet, Enter in a table cell sending the edit at once. Both are files beside this
module, sent inline (``st.html`` drops ``<link>``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent
STYLE = (_HERE / "style.css").read_text()
SCRIPT = (_HERE / "page.js").read_text()
# The script installs itself once per browser tab (it checks window.__xentPage), so sending it
# with every run costs the browser nothing more.
HTML = f'<style id="xent-style">\n{STYLE}</style>\n<script>\n{SCRIPT}</script>\n'


def apply() -> None:
    """Add the style sheet and the page script to the page being drawn."""
    st.html(HTML, unsafe_allow_javascript=True)
