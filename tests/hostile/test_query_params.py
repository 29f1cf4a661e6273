"""Hostile links: every query parameter of every page, fed bad, out-of-range, very long and
repeated values (AppTest).

Each bad value must fall back to what the page shows without a link, with a note naming
the parameter, and leave the link. Values go in batches: run k sets every parameter of a
page to its k-th bad value, and every one of them must be named.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.hostile.catalogue import PAGE_PARAMS
from tests.hostile.conftest import message_texts, open_page, ran, with_link

MAX_NOTE_CHARS = 400  # a note quotes at most 40 characters of the value


def batch(params: dict[str, list], k: int) -> dict[str, Any]:
    """{parameter: its k-th bad value (as written in the link)} for the parameters that have one."""
    return {
        key: value[0] if isinstance(value, tuple) else value
        for key, values in params.items()
        if k < len(values)
        for value in [values[k]]
    }


def expected_words(key: str, value: Any) -> str:
    """What the note about ``key`` must contain."""
    return value[1] if isinstance(value, tuple) else f"Link setting `{key}="


BATCHES = [
    (page, k)
    for page, params in PAGE_PARAMS.items()
    for k in range(max(len(values) for values in params.values()))
]


@pytest.fixture(scope="module")
def defaults() -> dict[str, dict[str, Any]]:
    """Each page's settings when opened without a link: what a bad value falls back to."""
    out = {}
    for page, params in PAGE_PARAMS.items():
        at = open_page(page)
        out[page] = {key: at.session_state[key] for key in params}
    return out


@pytest.mark.parametrize(
    "page, k", BATCHES, ids=[f"{p.split('/')[1][:-3]}-{k}" for p, k in BATCHES]
)
def test_bad_link_values_fall_back_to_the_default_with_a_note_naming_the_parameter(
    defaults: dict[str, dict[str, Any]], page: str, k: int
) -> None:
    """Garbage, nan, ±inf, out of range, 10,000 characters, repeated keys: named, replaced."""
    params = PAGE_PARAMS[page]
    query = batch(params, k)
    at = with_link(page, query)
    notes = message_texts(at)
    for key in query:
        words = expected_words(key, params[key][k])
        named = [n for n in notes if words in n]
        assert named, f"no note contains {words!r}; notes: {[n[:120] for n in notes]}"
        assert all(len(n) <= MAX_NOTE_CHARS for n in named), [len(n) for n in named]
        assert at.session_state[key] == defaults[page][key], (key, at.session_state[key])
        assert key not in at.query_params, f"the link still carries {key}"


@pytest.mark.parametrize("page", ["pages/overview.py", *PAGE_PARAMS])
def test_unknown_and_very_long_keys_are_ignored_and_dropped_from_the_link(page: str) -> None:
    """Keys no page reads (junk, markup, 1,000 characters) change nothing and leave the link."""
    junk = {"foo": "bar", "<script>": "alert(1)", "k" * 1000: "1", "p ": "0.3"}
    at = with_link(page, junk)
    assert not [m for m in message_texts(at) if "Link setting" in m]
    if page != "pages/overview.py":  # a page that publishes its settings rewrites the link
        assert not set(junk) & set(at.query_params)


def test_a_repeated_key_uses_its_last_value() -> None:
    """``?p=abc&p=0.3``: the last value counts, so p = 0.3 with no note."""
    at = with_link("pages/binary.py", {"p": ["abc", "0.3"]})
    assert at.session_state["p"] == 0.3
    assert not message_texts(at)
    ran(at)


def test_a_link_value_with_markup_is_quoted_literally_in_its_note() -> None:
    """``?p=``⏎# big **x**``: the note stays one line (a newline starts a Markdown heading)."""
    at = with_link("pages/binary.py", {"p": "``\n# big **x**"})
    (note,) = [n for n in message_texts(at) if "`p=" in n]
    assert "\n" not in note and "big" in note, note


@pytest.mark.parametrize("page", ["pages/overview.py", *PAGE_PARAMS])
def test_the_classroom_parameters_stay_in_the_link_while_bad_ones_go(page: str) -> None:
    """url_state.publish keeps its APP_WIDE keys (hide, projector) as they are, even when it
    drops a bad value or an unknown key from the same link."""
    at = with_link(page, {"hide": "sidebar", "projector": "1", "foo": "bar", "p": "abc"})
    assert at.query_params["hide"] == "sidebar" and at.query_params["projector"] == "1"
    if page != "pages/overview.py":  # a page that publishes its settings rewrites the link
        assert "foo" not in at.query_params and "p" not in at.query_params
