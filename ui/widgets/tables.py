"""How the tables' problems are shown: error boxes naming each bad cell."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from ui.model.cells import MAX_PROBLEMS_SHOWN, MAX_ROWS, CellProblem


def show_problems(problems: Sequence[CellProblem], what: str) -> None:
    """One error box listing the first problems (and how many more there are)."""
    if not problems:
        return
    lines = [f"- {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(f"- … and {len(problems) - MAX_PROBLEMS_SHOWN} more.")
    st.error(f"**{what}** — fix these cells:\n" + "\n".join(lines), icon="✏️")


def too_many_rows(frame: pd.DataFrame) -> bool:
    """Show an error and return True when the table has more than :data:`MAX_ROWS` rows."""
    if len(frame) > MAX_ROWS:
        st.error(
            f"The table has {len(frame)} rows; this page works with at most {MAX_ROWS}. "
            f"Delete rows {MAX_ROWS + 1} to {len(frame)} to see the losses again.",
            icon="✂️",
        )
        return True
    return False
