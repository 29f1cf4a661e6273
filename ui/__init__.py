"""xent's user interface, one folder per role (tests/ui/test_house.py keeps it so).

- ``figures/``: pure builders: numbers in, ``go.Figure`` (or a PIL picture, a display frame)
  out; the app's colours in ``figures/theme.py``.
- ``text/``: words and number formatting for the pages; safe quoting of what a student typed.
- ``model/``: pure state and parsing over any mutable mapping (tests pass a dict): table
  cells, the one table keeper, the categorical table, the training session, link settings,
  the classroom-mode registry.
- ``files/``: CSV in and out, the training export.
- ``widgets/``: the only ui code that imports Streamlit: link state, classroom mode and
  ``chart()``, the table and CSV widgets.

Arrows point one way: pages -> widgets -> model / figures / text / files -> xent_core.
"""
