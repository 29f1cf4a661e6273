"""AppTest helpers: run the real router (app.py) headlessly, then switch to a page."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


def _assert_ran_cleanly(at: AppTest, what: str) -> None:
    assert not at.exception, f"{what} raised:\n" + "\n".join(str(e.value) for e in at.exception)


def ran(at: AppTest) -> AppTest:
    """``at``, once its last run is known to have raised nothing: ``ran(at.run())``."""
    _assert_ran_cleanly(at, "the run")
    return at


def open_page(path: str, timeout: float = 30, **query: str) -> AppTest:
    """Run ``app.py``, then ``switch_page(path)``, checking that neither run raised.

    ``path`` is the page's file path as written in app.py (``"pages/binary.py"``), not its
    url_path; ``query`` are a shared link's query parameters. Returns the AppTest, ready for
    ``at.slider(key=...).set_value(...).run()``.
    """
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    _assert_ran_cleanly(at, "app.py")
    at.switch_page(path).run()
    _assert_ran_cleanly(at, path)
    return at


def with_link(path: str, query: Mapping[str, str]) -> AppTest:
    """The page at ``path`` opened from a shared link carrying ``query`` (see :func:`open_page`)."""
    return open_page(path, **query)


def metric(at: AppTest, label_start: str) -> str:
    """The value of the one metric whose label starts with ``label_start``."""
    found = [m for m in at.metric if m.label.startswith(label_start)]
    assert len(found) == 1, [m.label for m in at.metric]
    return found[0].value


def texts(elements: Iterable) -> str:
    """The values of ``elements`` (``at.error``, ``at.caption``, ...), one per line."""
    return "\n".join(str(e.value) for e in elements)


@pytest.fixture(name="open_page")
def open_page_fixture() -> Callable[..., AppTest]:
    """The :func:`open_page` helper as a fixture: ``at = open_page("pages/binary.py")``."""
    return open_page


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes of each download button, by file name (the last run's win).

    The pages make a file only when it is clicked (``data=`` a callable, run by Streamlit's
    media file manager); AppTest cannot click a download, so this calls it at once.
    """
    files: dict[str, bytes] = {}
    add_deferred = MediaFileManager.add_deferred

    def recording(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            data = data_callable()
            files[file_name] = data.encode() if isinstance(data, str) else data
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return files
