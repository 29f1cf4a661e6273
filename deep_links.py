"""Make a shared link (``/binary?p=0.3``) work on a freshly started server.

Every page script calls :func:`ensure_router` as its first Streamlit command. See
``docs/deep-links.md`` for the cause; in short: because a ``pages/`` folder sits beside
``app.py``, Streamlit 1.67 starts a new server in its old "pages directory" mode
(``PagesManager.uses_pages_directory``) and keeps it until some session has run
``st.navigation``. A deep link opened before anyone loaded ``/`` is therefore served by
running ``pages/<name>.py`` on its own: no ``app.py``, so file names in the menu, no page
config and no shared sidebar. The page script is the only code of ours that runs then, so
it is where the hand-over to the router has to start.
"""

from __future__ import annotations

import os

import pandas  # noqa: F401  (fully imported before a page uses plotly: see app.py)
import streamlit as st


def _served_without_router() -> bool:
    """True when this run was started by Streamlit's pages-directory mode, not by app.py.

    In that mode the page registry holds the entry script itself (``app.py``) next to the
    files of ``pages/``; ``st.navigation`` in app.py never registers app.py as a page.
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        if ctx is None:  # bare `python pages/x.py`: nothing to route
            return False
        manager = ctx.pages_manager
        pages = list(manager.get_pages().values())
        entry = os.path.realpath(manager.main_script_path)
        return len(pages) > 1 and any(
            os.path.realpath(page["script_path"]) == entry for page in pages
        )
    except (ImportError, AttributeError, KeyError, TypeError):
        # Streamlit internals moved: do nothing; tests/e2e/test_deep_link.py will notice.
        return False


def ensure_router() -> None:
    """Re-run the app through ``app.py``'s ``st.navigation`` if a deep link bypassed it.

    Switches the process out of pages-directory mode and reruns. The rerun keeps the
    URL path and query string, so the same page opens with the same settings, now with the
    right menu labels, page config and sidebar. A no-op in every other run (one dict scan).
    """
    if not _served_without_router():
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()
