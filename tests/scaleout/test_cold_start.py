"""A class opening a freshly started server at the same moment: no page may show an exception.

A shared link is how a class opens the app, often right after the teacher started it. The
first page a process runs imports numpy, pandas and plotly; here ten sessions run their first
pages at once on a cold `streamlit run app.py` (no warm-up, no proxy).
"""

from __future__ import annotations

import asyncio

from serving.server import start_server
from serving.stclient import StreamlitSession, run_async

PAGES = ["binary", "categorical", "softmax", "training", ""] * 2


async def open_all(url: str) -> list[tuple[str, str, list[str]]]:
    async def one(page: str) -> tuple[str, str, list[str]]:
        async with StreamlitSession(url, page=page) as session:
            result = await session.open(timeout=120)
            return page, result.status, result.exceptions

    return await asyncio.gather(*(one(page) for page in PAGES))


def test_ten_sessions_opening_a_cold_server_at_once_see_no_exception() -> None:
    """Ten first pages at the same moment on a fresh process: every run ends ok, no exception."""
    with start_server(hosted=True) as server:
        opened = run_async(open_all(server.url))
    assert [(page, status, exc) for page, status, exc in opened if status != "ok" or exc] == []
