"""ui.figures.information: table helpers and the three figures, via values and fig.data."""

import math

import numpy as np
import pandas as pd
import pytest

from ui.figures.information import (
    CE_COLOR,
    DEFAULT_NAMES,
    DEFAULT_P,
    DEFAULT_T,
    H_COLOR,
    KL_COLOR,
    P_COLOR,
    T_COLOR,
    base_of,
    class_labels,
    column_sum_problem,
    distributions_figure,
    identity_figure,
    identity_frame,
    normalised,
    table_frame,
    terms_figure,
    with_one_hot_t,
    with_p_equal_t,
    with_uniform_p,
)
from ui.model.cells import parse_numbers
from xent_core.information import cross_entropy, decomposition, entropy, kl_divergence

LABELS = list(DEFAULT_NAMES)


def default_table() -> pd.DataFrame:
    return table_frame(DEFAULT_T, DEFAULT_P, DEFAULT_NAMES)


def numbers(frame: pd.DataFrame) -> np.ndarray:
    values, problems = parse_numbers(frame, ["t", "p"], 0.0, 1.0)
    assert not problems
    return values


# ---------------------------------------------------------------- table helpers


def test_table_frame_holds_text_cells_and_names_every_class():
    """Names, then t and p as typed text; missing names become 'class i'."""
    frame = default_table()
    assert frame.to_dict("list") == {
        "class": ["panda", "seal", "duck"],
        "t": ["0.6", "0.3", "0.1"],
        "p": ["0.25", "0.4", "0.35"],
    }
    assert table_frame([0.5, 0.5], [0.5, 0.5])["class"].tolist() == ["class 1", "class 2"]


def test_class_labels_fill_blanks_and_tell_repeats_apart():
    """A blank or missing name shows as 'class i'; a repeated one gets its row number."""
    assert class_labels(["a", "", None, float("nan"), "a"]) == [
        "a (1)",
        "class 2",
        "class 3",
        "class 4",
        "a (5)",
    ]


def test_column_sum_problem_names_the_column_and_its_sum():
    """0.1 + 0.2 + 0.7 is a distribution (rounding); 0.5 + 0.4 is not."""
    assert column_sum_problem(np.array([0.1, 0.2, 0.7]), "t (true)") is None
    message = column_sum_problem(np.array([0.5, 0.4]), "t (true)")
    assert message.startswith("Column “t (true)” adds up to 0.9, not 1")


def test_presets_change_one_column_and_keep_the_rest():
    """one-hot t, p = t (the typed text itself) and uniform p."""
    frame = default_table()
    assert with_one_hot_t(frame)["t"].tolist() == ["1", "0", "0"]
    assert with_one_hot_t(frame)["p"].tolist() == frame["p"].tolist()
    frame.loc[0, "t"] = " 0.60 "
    assert with_p_equal_t(frame)["p"].tolist() == [" 0.60 ", "0.3", "0.1"]
    uniform = numbers(with_uniform_p(default_table()))[:, 1]
    assert uniform.tolist() == [1 / 3] * 3
    assert default_table()["t"].tolist() == ["0.6", "0.3", "0.1"]  # never changed in place


def test_normalised_divides_each_column_by_its_sum():
    """t = 2, 1, 1 → ½, ¼, ¼; p = 0.2, 0.2, 0.1 → 0.4, 0.4, 0.2."""
    frame = default_table()
    frame["t"] = ["2", "1", "1"]
    frame["p"] = ["0.2", "0.2", "0.1"]
    values = numbers(normalised(frame))
    np.testing.assert_allclose(values[:, 0], [0.5, 0.25, 0.25], rtol=1e-15)
    np.testing.assert_allclose(values[:, 1], [0.4, 0.4, 0.2], rtol=1e-15)


@pytest.mark.parametrize("bad", ["x", "-0.1", "", "nan"])
def test_normalised_refuses_a_table_with_an_unusable_cell(bad):
    """Text, a negative number or an empty cell: nothing to normalise (None)."""
    frame = default_table()
    frame.loc[1, "p"] = bad
    assert normalised(frame) is None


def test_a_column_of_zeros_cannot_be_normalised():
    """A column summing to 0 has no distribution to scale to."""
    frame = default_table()
    frame["t"] = ["0", "0", "0"]
    assert normalised(frame) is None


def test_units_are_natural_log_or_base_two():
    assert base_of("nats") is None and base_of("bits") == 2.0


# ---------------------------------------------------------------- figures


def test_distributions_figure_shows_t_and_p_side_by_side():
    """Two bar traces over the classes, coloured t green and p blue, values printed."""
    fig = distributions_figure(t=DEFAULT_T, p=DEFAULT_P, labels=LABELS)
    t_bars, p_bars = fig.data
    assert list(t_bars.x) == LABELS and list(t_bars.y) == list(DEFAULT_T)
    assert list(p_bars.y) == list(DEFAULT_P)
    assert (t_bars.marker.color, p_bars.marker.color) == (T_COLOR, P_COLOR)
    assert list(p_bars.text) == ["0.25", "0.4", "0.35"]
    assert fig.layout.barmode == "group"
    assert tuple(fig.layout.yaxis.range) == (0, 1.12)


def test_terms_figure_shows_the_three_contributions_of_each_class():
    """−t log t, −t log p and t log(t/p) per class, exactly as xent_core gives them."""
    fig = terms_figure(t=DEFAULT_T, p=DEFAULT_P, labels=LABELS)
    h, ce, kl = fig.data
    np.testing.assert_array_equal(h.y, entropy(DEFAULT_T, terms=True))
    np.testing.assert_array_equal(ce.y, cross_entropy(DEFAULT_T, DEFAULT_P, terms=True))
    np.testing.assert_array_equal(kl.y, kl_divergence(DEFAULT_T, DEFAULT_P, terms=True))
    assert [h.marker.color, ce.marker.color, kl.marker.color] == [H_COLOR, CE_COLOR, KL_COLOR]
    assert kl.y[1] < 0 and fig.layout.yaxis.range[0] < kl.y[2]  # room for the negative bars
    assert fig.layout.yaxis.title.text == "nats"


def test_terms_figure_in_bits_divides_by_log_two():
    """unit='bits': every term is the nats value / ln 2, and the axis says bits."""
    nats = terms_figure(t=DEFAULT_T, p=DEFAULT_P, labels=LABELS)
    bits = terms_figure(t=DEFAULT_T, p=DEFAULT_P, labels=LABELS, unit="bits")
    np.testing.assert_allclose(bits.data[1].y, np.asarray(nats.data[1].y) / math.log(2))
    assert bits.layout.yaxis.title.text == "bits"


def test_an_infinite_term_is_a_hatched_bar_labelled_infinity():
    """p = 0 where t > 0: that class's −t log p and KL term are ∞, drawn to the top, hatched."""
    t, p = [0.5, 0.5], [1.0, 0.0]
    fig = terms_figure(t=t, p=p, labels=["a", "b"])
    h, ce, kl = fig.data
    assert list(ce.text) == ["0", "∞"]  # −0.5 log 1 is +0.0
    assert list(ce.marker.pattern.shape) == ["", "/"]
    assert ce.y[1] == kl.y[1] == max(fig.layout.yaxis.range) / 1.12
    assert list(h.marker.pattern.shape) == ["", ""]


def test_identity_figure_stacks_entropy_and_kl_to_the_length_of_cross_entropy():
    """Row 'H(t) + KL': H(t) then KL stacked; row 'H(t, p)': the cross-entropy alone."""
    parts = decomposition(DEFAULT_T, DEFAULT_P)
    fig = identity_figure(parts=parts)
    h, kl, ce = fig.data
    assert list(h.y) == ["H(t) + KL(t ‖ p)", "H(t, p)"]
    assert list(h.x) == [parts.entropy, 0.0]
    assert list(kl.x) == [parts.kl_divergence, 0.0]
    assert list(ce.x) == [0.0, parts.cross_entropy]
    assert h.x[0] + kl.x[0] == pytest.approx(ce.x[1], rel=1e-15)
    assert fig.layout.barmode == "stack" and fig.layout.showlegend is False
    assert [h.marker.color, kl.marker.color, ce.marker.color] == [H_COLOR, KL_COLOR, CE_COLOR]
    assert h.text[0] == "H(t) 0.8979"


def test_identity_frame_lists_every_digit_and_the_difference():
    """H(t), KL, their sum, H(t, p) and the rounding-sized difference, in the unit's column."""
    parts = decomposition(DEFAULT_T, DEFAULT_P, base=2)
    frame = identity_frame(parts=parts, unit="bits")
    assert frame.columns.tolist() == ["quantity", "bits"]
    assert frame["bits"][0] == repr(parts.entropy)
    assert frame["bits"][2] == repr(parts.entropy_plus_kl)
    assert frame["bits"][3] == repr(parts.cross_entropy)
    assert frame["bits"][4].endswith("(float64 rounding)")
