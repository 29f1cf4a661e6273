"""The Information view under AppTest: H(t), KL and H(t, p), edits, presets, units, links."""

from __future__ import annotations

import csv
import io
import math

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import metric, open_page, ran
from ui.text.numbers import short
from xent_core.information import decomposition

PAGE = "pages/information.py"
EDITOR = "info_table"
T, P = (0.6, 0.3, 0.1), (0.25, 0.4, 0.35)


def open_information(**params: str) -> AppTest:
    """Open the page through app.py, with a link's query parameters."""
    return open_page(PAGE, **params)


def edit(at: AppTest, rows: dict[int, dict[str, str]]) -> AppTest:
    """Type into the table: ``{row: {column: text}}`` (rows from 0), then rerun."""
    at.session_state[EDITOR] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return ran(at.run())


def identity_column(at: AppTest, unit: str = "nats") -> list[str]:
    (frame,) = [d.value for d in at.dataframe if unit in d.value.columns]
    return frame[unit].tolist()


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def button(at: AppTest, key: str):
    (found,) = [b for b in at.button if b.key == key]
    return found


@pytest.fixture
def at() -> AppTest:
    return open_information()


def test_default_pair_shows_entropy_kl_and_cross_entropy(at):
    """t = (0.6, 0.3, 0.1), p = (0.25, 0.4, 0.35): the three numbers and the full identity."""
    parts = decomposition(T, P)
    assert metric(at, "H(t): entropy (nats)") == short(parts.entropy) == "0.897946"
    assert metric(at, "KL(t ‖ p)") == short(parts.kl_divergence) == "0.3137"
    assert metric(at, "H(t, p)") == short(parts.cross_entropy) == "1.21165"
    column = identity_column(at)
    assert column[:4] == [
        repr(parts.entropy),
        repr(parts.kl_divergence),
        repr(parts.entropy_plus_kl),
        repr(parts.cross_entropy),
    ]
    assert len(at.latex) >= 4
    assert not at.error and not at.warning


def test_typing_p_equal_to_t_makes_kl_zero(at):
    """Edit p to 0.6, 0.3, 0.1: KL(t ‖ p) = 0 exactly and H(t, p) = H(t)."""
    edit(at, {0: {"p": "0.6"}, 1: {"p": "0.3"}, 2: {"p": "0.1"}})
    assert metric(at, "KL(t ‖ p)") == "0"
    assert metric(at, "H(t, p)") == metric(at, "H(t): entropy") == "0.897946"
    assert at.query_params["info_p"] == "0.6,0.3,0.1"


def test_bits_divide_every_number_by_log_two(at):
    """unit → bits: H(t) in bits, the identity table's column says bits, the link keeps it."""
    ran(at.radio(key="info_unit").set_value("bits").run())
    parts = decomposition(T, P, base=2)
    assert metric(at, "H(t): entropy (bits)") == short(parts.entropy)
    assert short(parts.entropy) == short(0.8979457248567797 / math.log(2))
    assert identity_column(at, "bits")[3] == repr(parts.cross_entropy)
    assert at.query_params["info_unit"] == "bits"


def test_a_column_that_does_not_sum_to_one_is_named_and_can_be_normalised(at):
    """t₁ = 0.5 → 'Column “t (true)” adds up to 0.9'; Normalise fixes it to 5/9, 3/9, 1/9."""
    edit(at, {0: {"t": "0.5"}})
    assert "Column “t (true)” adds up to 0.9, not 1" in errors(at)
    assert not at.metric
    ran(button(at, "info_normalise").click().run())
    assert not at.error
    t = (0.5 / 0.9, 0.3 / 0.9, 0.1 / 0.9)
    assert metric(at, "H(t): entropy") == short(decomposition(t, P).entropy)


def test_a_cell_that_is_not_a_number_is_named_and_kept(at):
    """p₂ = 'abc': an error naming row 2, column p; the table keeps the text."""
    edit(at, {1: {"p": "abc"}})
    assert "Row 2, column “p”: “abc” is not a number." in errors(at)
    assert at.session_state["info_saved"]["p"].tolist() == ["0.25", "abc", "0.35"]
    assert not at.metric


def test_a_zero_probability_on_a_possible_class_is_infinite(at):
    """p = (1, 0, 0) while t₂, t₃ > 0: H(t, p) = KL = ∞ with a warning naming the classes."""
    edit(at, {0: {"p": "1"}, 1: {"p": "0"}, 2: {"p": "0"}})
    assert metric(at, "KL(t ‖ p)") == metric(at, "H(t, p)") == "∞"
    assert metric(at, "H(t): entropy") == "0.897946"
    (warning,) = at.warning
    assert "seal, duck" in warning.value


@pytest.mark.parametrize(
    ("key", "check"),
    [
        ("info_p_is_t", lambda at: metric(at, "KL(t ‖ p)") == "0"),
        ("info_one_hot", lambda at: metric(at, "H(t): entropy") == "0"),
        ("info_uniform", lambda at: metric(at, "H(t, p)") == short(math.log(3))),
    ],
)
def test_preset_buttons(at, key, check):
    """p = t → KL = 0; one-hot t → H(t) = 0; uniform p → H(t, p) = log 3."""
    ran(button(at, key).click().run())
    assert check(at)


def test_reset_brings_back_the_default_pair(at):
    """After an edit, ↺ Reset shows the default numbers again."""
    edit(at, {0: {"p": "0.6"}, 1: {"p": "0.3"}, 2: {"p": "0.1"}})
    ran(button(at, "info_reset").click().run())
    assert metric(at, "KL(t ‖ p)") == "0.3137"


def test_adding_a_class_row(at):
    """A fourth class with t = 0 and p = 0.1 (others rescaled): t's zero adds nothing to KL."""
    at.session_state[EDITOR] = {
        "edited_rows": {0: {"p": "0.2"}, 1: {"p": "0.35"}},
        "added_rows": [{"class": "owl", "t": "0", "p": "0.1"}],
        "deleted_rows": [],
    }
    ran(at.run())
    t, p = (0.6, 0.3, 0.1, 0.0), (0.2, 0.35, 0.35, 0.1)
    assert metric(at, "KL(t ‖ p)") == short(decomposition(t, p).kl_divergence)
    assert at.query_params["info_t"] == "0.6,0.3,0.1,0"


def test_a_shared_link_restores_both_distributions_and_the_unit():
    """?info_t=0.5,0.5&info_p=0.9,0.1&info_unit=bits: two classes, in bits."""
    at = open_information(info_t="0.5,0.5", info_p="0.9,0.1", info_unit="bits")
    assert at.session_state["info_saved"]["t"].tolist() == ["0.5", "0.5"]
    parts = decomposition((0.5, 0.5), (0.9, 0.1), base=2)
    assert metric(at, "H(t): entropy (bits)") == "1"
    assert metric(at, "KL(t ‖ p)") == short(parts.kl_divergence)
    assert not at.warning


def test_a_link_with_mismatched_lengths_warns_and_uses_the_defaults():
    """t has 3 values, p has 2: a note, and the default pair."""
    at = open_information(info_t="0.2,0.3,0.5", info_p="0.5,0.5", info_unit="furlongs")
    notes = " ".join(w.value for w in at.warning)
    assert "3 values for t but 2 for p" in notes
    assert "info_unit=furlongs" in notes
    assert metric(at, "KL(t ‖ p) (nats)") == "0.3137"


def test_more_than_ten_classes_are_refused_with_a_message(at):
    """Eight added rows make 11 classes: an error saying 2 to 10, and no numbers."""
    at.session_state[EDITOR] = {
        "edited_rows": {},
        "added_rows": [{"class": f"c{i}", "t": "0", "p": "0"} for i in range(8)],
        "deleted_rows": [],
    }
    ran(at.run())
    assert "The table has 11 classes; this view needs 2 to 10." in errors(at)
    assert not at.metric


def test_a_typed_class_name_is_shown_literally(at):
    """A class named '**x**' that the model rules out is quoted as typed, not in bold."""
    edit(at, {1: {"class": "**x**", "p": "0"}, 0: {"p": "0.65"}})
    (warning,) = at.warning
    assert r"\*\*x\*\*" in warning.value


# ---------------------------------------------------------------- CSV download


def downloaded_rows(downloads: dict[str, bytes]) -> list[list[str]]:
    return list(csv.reader(io.StringIO(downloads["xent-information.csv"].decode(), newline="")))


def test_the_distributions_download_with_each_classs_three_terms(downloads, at):
    """class, t, p as typed, then −t log t, −t log p and t log(t/p) per class (by hand)."""
    assert at.download_button(key="info_download").label == "Download CSV"
    rows = downloaded_rows(downloads)
    assert rows[0] == [
        "class",
        "t",
        "p",
        "entropy term (nats)",
        "cross-entropy term (nats)",
        "KL term (nats)",
    ]
    assert [row[:3] for row in rows[1:]] == [
        ["panda", "0.6", "0.25"],
        ["seal", "0.3", "0.4"],
        ["duck", "0.1", "0.35"],
    ]
    for row, t, p in zip(rows[1:], T, P, strict=True):
        by_hand = [-t * math.log(t), -t * math.log(p), t * math.log(t / p)]
        assert [float(v) for v in row[3:]] == pytest.approx(by_hand, rel=1e-14)
    entropy_total = math.fsum(float(row[3]) for row in rows[1:])
    assert entropy_total == pytest.approx(decomposition(T, P).entropy, rel=1e-15)


def test_bits_are_in_the_file_when_bits_are_shown(downloads, at):
    """The unit radio on bits: the header says bits and the terms are log2."""
    ran(at.radio(key="info_unit").set_value("bits").run())
    rows = downloaded_rows(downloads)
    assert rows[0][3] == "entropy term (bits)"
    assert float(rows[1][3]) == pytest.approx(-0.6 * math.log2(0.6), rel=1e-14)


def test_a_table_that_cannot_be_used_downloads_as_typed_with_blank_terms(downloads, at):
    """A typed formula is guarded, and no terms are computed for an unusable table."""
    edit(at, {1: {"p": "=0.4"}})
    rows = downloaded_rows(downloads)
    assert rows[2] == ["seal", "0.3", "'=0.4", "", "", ""]
    assert all(row[3:] == ["", "", ""] for row in rows[1:])
