"""app.py, the router: it runs, and every page it lists hands cold deep links back to it."""

from __future__ import annotations

import ast
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, ROOT

PAGE_FILES = [f"pages/{name}.py" for name in re.findall(r'_page\(\s*"(\w+)"', APP.read_text())]


def test_app_lists_every_page_file_once() -> None:
    """The page list in app.py names each script in pages/ exactly once (none forgotten)."""
    on_disk = sorted(f"pages/{path.name}" for path in (APP.parent / "pages").glob("*.py"))
    assert sorted(PAGE_FILES) == on_disk


def test_app_runs_and_opens_the_overview_by_default() -> None:
    """A plain run of app.py raises nothing and shows the default page."""
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.sidebar.markdown) >= 1  # the shared sidebar's "about" text


def _calls_ensure_router(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and getattr(stmt.value.func, "id", getattr(stmt.value.func, "attr", None))
        == "ensure_router"
    )


def _uses_streamlit(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef):
        return False
    return any(isinstance(node, ast.Name) and node.id == "st" for node in ast.walk(stmt))


@pytest.mark.parametrize("page_file", PAGE_FILES)
def test_page_calls_ensure_router_before_any_streamlit_command(page_file: str) -> None:
    """Each page starts with deep_links.ensure_router() (why: docs/deep-links.md)."""
    path = ROOT / page_file
    if not path.exists():
        pytest.fail(f"{page_file} is listed in app.py but does not exist")
    for stmt in ast.parse(path.read_text()).body:
        if _calls_ensure_router(stmt):
            return
        assert not _uses_streamlit(stmt), (
            f"{page_file}:{stmt.lineno} uses `st` before calling ensure_router(). Start the "
            "page with `from deep_links import ensure_router` and `ensure_router()` "
            "(see docs/deep-links.md)."
        )
    pytest.fail(
        f"{page_file} never calls ensure_router(): a shared link to it, opened on a freshly "
        "started server, shows file names in the menu and no sidebar (docs/deep-links.md). "
        "Add `from deep_links import ensure_router` and call `ensure_router()` first."
    )


def test_open_page_helper_switches_to_a_page() -> None:
    """The tests/app helper runs app.py, then the page, with no exception."""
    from tests.app.conftest import open_page

    at = open_page("pages/overview.py")
    assert not at.exception
