"""xent's user interface: pure plotly figure builders and shared Streamlit widgets.

Figure builders (``*_figures.py``) take numbers and return ``go.Figure``; they import
neither streamlit nor xent_core's internals. Widgets (``url_state``, ``tables``) are the
Streamlit pieces the pages share.
"""
