"""The Overview page under AppTest: it is the default page, links every page, and shows the
seed article's numbers computed live."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"
SOFTMAX_234 = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]


@pytest.fixture(scope="module")
def at() -> AppTest:
    """app.py opens on the Overview (no widgets, so one run serves every test here)."""
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception, "\n".join(str(e.value) for e in at.exception)
    return at


def text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_overview_is_the_default_page(at):
    """The app opens on the overview: its title and its explanation of cross-entropy."""
    assert at.title[0].value == "Cross-entropy, seen"
    assert "surprise" in text(at)
    assert any(r"\log p_j" in latex.value for latex in at.latex)


def test_seed_sums_are_metrics_with_every_digit(at):
    """BCE table sum 4.460303459760249 and categorical sum 2.214574215671332, as metrics."""
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Binary table: sum of the 7 losses"] == "4.460303459760249"
    assert metrics["Categorical table: sum of the 4 losses"] == "2.214574215671332"


def test_reductions_are_named(at):
    """The means are given too, labelled as means."""
    captions = " ".join(c.value for c in at.caption)
    assert "mean instead (0.637186 and 0.553644)" in captions


def test_softmax_example_is_shown_in_full(at):
    """softmax([2, 3, 4]) with every digit."""
    assert "[" + ", ".join(repr(v) for v in SOFTMAX_234) + "]" in text(at)


@pytest.mark.parametrize(
    "fact",
    [
        "cost 1.897 and 1.772 nats",  # the two confident mistakes
        "the other five rows together (0.7912)",
        "gives 0.6931 (= log 2)",  # 0·log 0 = 0
        "class gives ∞",
        "it is [−0.91, 0.2447, 0.6652]",  # p − t for target 0
        "gradient of −0.99",  # cross-entropy's dL/dz at p = 0.01, t = 1
        "only −0.0196 from squared error",
        "[−0.9099694268, 0.2447284711, 0.6652409558]",  # central differences
        "16 units",
    ],
)
def test_each_key_result_has_its_live_number(at, fact):
    """Every key result of the seed article is stated, with its number."""
    assert fact in text(at)


def test_every_page_is_linked_once(at):
    """One st.page_link per page, labelled with the page's title."""
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    assert links == {
        "Binary cross-entropy": "binary",
        "Categorical cross-entropy": "categorical",
        "Softmax & its Jacobian": "softmax",
        "Backpropagation": "backprop",
        "Live training": "training",
        "Cross-entropy vs squared error": "versus",
        "Entropy, cross-entropy & KL": "information",
        "Label smoothing & temperature": "smoothing",
        "Gradient check": "gradcheck",
    }


def test_switching_to_the_overview_runs_cleanly(open_page):
    """Reached through switch_page too (as from the sidebar), it renders without error."""
    at = open_page("pages/overview.py")
    assert at.title[0].value == "Cross-entropy, seen"
