"""Fixtures for the browser tests: a real `streamlit run`, and Playwright on Debian's chromium.

- ``app_server`` (session): ``streamlit run app.py`` on a free port; also ``base_url``, so
  ``page.goto("/binary")`` works with pytest-playwright's ``page`` fixture.
- ``browser_type_launch_args``: Playwright launches ``/usr/bin/chromium``. Without it the
  tests skip with the reason, except under ``CI=true``, where they fail.
- ``screenshot_dir``: ``<--output, default test-results>/screenshots``.
- Helpers to import: ``tests.e2e.helpers`` (``wait_for_app_idle``, ``assert_no_app_errors``,
  ``start_app_server`` for a test that needs its own fresh server, ...).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}

try:
    import playwright.sync_api  # noqa: F401
except ImportError:  # only requirements.txt installed: no browser tests here
    if _CI:
        raise
    collect_ignore_glob = ["test_*.py"]

    def pytest_report_header() -> str:
        return (
            "e2e: browser tests NOT collected: the `playwright` package is missing "
            "(python3 -m pip install -r requirements-dev.txt)"
        )

else:
    from playwright.sync_api import expect

    from tests.e2e.helpers import (
        CHROMIUM,
        CHROMIUM_ARGS,
        EXPECT_TIMEOUT_MS,
        chromium_problem,
        is_ci,
        start_app_server,
    )

    # A cold server imports numpy, pandas and plotly on its first run, on 2 shared cores:
    # Playwright's default 5 s for expect(...) is too short for that.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)

    @pytest.fixture(scope="session")
    def chromium() -> str:
        """The chromium binary; fails under CI=true and skips elsewhere when it is missing."""
        problem = chromium_problem()
        if problem:
            if is_ci():
                pytest.fail(f"CI=true: browser tests must run, but {problem}", pytrace=False)
            pytest.skip(problem)
        return CHROMIUM

    @pytest.fixture(autouse=True)
    def _needs_chromium(chromium: str) -> None:
        """Every browser test checks for chromium first, whichever fixtures it uses."""

    @pytest.fixture(scope="session")
    def browser_type_launch_args(browser_type_launch_args: dict, chromium: str) -> dict:
        """pytest-playwright launches Debian's chromium, headless, with the flags that work here."""
        return {
            **browser_type_launch_args,
            "executable_path": chromium,
            "args": CHROMIUM_ARGS,
        }

    @pytest.fixture(scope="session")
    def browser_context_args(browser_context_args: dict) -> dict:
        """A desktop-sized window, so screenshots show the wide layout."""
        return {**browser_context_args, "viewport": {"width": 1400, "height": 900}}

    @pytest.fixture(scope="session")
    def app_server(chromium: str) -> str:
        """Base URL of one `streamlit run app.py` shared by the whole test session."""
        with start_app_server() as url:
            yield url

    @pytest.fixture(scope="session")
    def base_url(app_server: str) -> str:
        """pytest-playwright's base URL: relative ``page.goto("/x")`` goes to ``app_server``."""
        return app_server

    @pytest.fixture(scope="session")
    def screenshot_dir(pytestconfig: pytest.Config, delete_output_dir: None) -> Path:
        """Where screenshots go: ``<pytest --output>/screenshots`` (default test-results/).

        Depends on pytest-playwright's ``delete_output_dir``, which empties that folder at the
        start of the session, so it must run first.
        """
        folder = Path(pytestconfig.getoption("--output")).absolute() / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
