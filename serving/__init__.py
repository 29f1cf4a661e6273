"""Serving the app and talking to it: shared by bench/, deploy/ and tests/.

- :mod:`serving.server`: start ``streamlit run app.py`` on a free port, wait for
  ``/_stcore/health``, stop it cleanly (``start_server``, ``free_port``, ``healthy``).
- :mod:`serving.stclient`: a light client speaking Streamlit's websocket protocol, as a tab does.
- :mod:`serving.browser`: Debian's chromium and the flags it runs headless with here.

Imports point one way: bench, deploy and tests import this package; it imports nothing from
them (nor from ui, pages or xent_core). ``tests/test_layout.py`` keeps it so.
"""
