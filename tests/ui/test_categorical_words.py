"""The categorical page's words and formulas: settings in, text out."""

from __future__ import annotations

import math

import pytest

from ui.text.categorical import (
    formulas,
    gradient_names,
    logit_gradient_words,
    logits_origin_words,
    mean_words,
    name_md,
    probability_gradient_words,
    row_choice,
    target_label,
    weight_sum_terms,
    zero_probability_warning,
)

CLASSES = ["panda", "seal", "duck"]


# ------------------------------------------------------------------------------ words


def test_weight_sum_terms_writes_the_weighted_means_divisor_out() -> None:
    """One term per row: the weight of that row's true class."""
    assert (
        weight_sum_terms(CLASSES, [0, 1, 2, 0], [1.0, 2.0, 0.5])
        == "w_panda + w_seal + w_duck + w_panda = 1 + 2 + 0.5 + 1"
    )


@pytest.mark.parametrize(
    ("weighted", "eps", "names"),
    [
        (False, 0.0, ("∂L/∂z = p − t", "∂L/∂p = −t/p")),
        (False, 0.1, ("∂L/∂z = p − t′", "∂L/∂p = −t′/p")),
        (True, 0.0, ("∂L/∂z", "∂L/∂p")),
        (True, 0.1, ("∂L/∂z", "∂L/∂p")),
    ],
)
def test_gradient_names_give_the_closed_form_only_when_it_is_p_minus_t(
    weighted, eps, names
) -> None:
    """Without weights the bars are p − t (or p − t′); with weights they are only named."""
    assert gradient_names(weighted=weighted, smoothing=eps) == names


def test_the_target_legend_says_when_it_is_smoothed() -> None:
    """t for ε = 0, t′ for ε > 0."""
    assert target_label(0.0) == "t (one-hot target)"
    assert target_label(0.2) == "t′ (smoothed target)"


def test_formulas_follow_the_settings() -> None:
    """Plain: −Σ t log p and 1/N; ε: t′; weights: A and Σ w_{y_i} only; logits: softmax."""
    plain = "\n".join(formulas(mode="probabilities", weighted=False, smoothing=0.0))
    assert r"-\sum_c t_{ic}\log p_{ic}" in plain and r"\frac{1}{N}\sum_i L_i" in plain
    assert r"p_{ic} - t_{ic}" in plain and r"-\frac{t_{ic}}{p_{ic}}" in plain
    assert "e^{z_{ic}}" not in plain
    smooth = "\n".join(formulas(mode="probabilities", weighted=False, smoothing=0.1))
    assert r"t'_{ic} = (1-\varepsilon)\,t_{ic} + \frac{\varepsilon}{C}" in smooth
    assert r"p_{ic} - t'_{ic}" in smooth
    heavy = "\n".join(formulas(mode="logits", weighted=True, smoothing=0.1))
    assert "e^{z_{ic}}" in heavy and r"A_{ic}" in heavy
    assert r"\frac{\sum_i L_i}{\sum_i w_{y_i}}" in heavy and r"\frac{1}{N}" not in heavy


def test_zero_probability_warning_explains_each_kind_of_infinity() -> None:
    """A zero on the true class is −log 0; a zero elsewhere costs ∞ only through ε."""
    true_only = zero_probability_warning([(2, "seal", ["seal"])], 0.0)
    assert true_only.startswith("Row(s) 2: the true class has probability 0")
    assert "−log 0 = +∞" in true_only and "label smoothing" not in true_only
    both = zero_probability_warning([(1, "panda", ["duck", "seal"]), (2, "seal", ["seal"])], 0.1)
    assert "Row(s) 2:" in both
    assert "ε = 0.1 every class has a target t′ ≥ ε/C > 0" in both
    assert "row 1: p = 0 for duck, seal" in both


def test_mean_words_name_the_divisor() -> None:
    """N rows without weights; the written-out Σ w_{y_i} with weights."""
    assert "divides that sum by 4, the number of rows" in mean_words(
        n_rows=4, weighted=False, divisor_terms="w_a = 1"
    )
    weighted = mean_words(n_rows=4, weighted=True, divisor_terms="w_a + w_b = 1 + 2")
    assert "$\\sum_i w_{y_i}$ = w_a + w_b = 1 + 2" in weighted


def test_gradient_words_match_the_settings() -> None:
    """The words say t, t′ or A, and where the logit gradient comes from in each mode."""
    assert "Only the true class gets a push" in probability_gradient_words(
        weighted=False, smoothing=0.0
    )
    assert "∂L/∂p = −t′/p" in probability_gradient_words(weighted=False, smoothing=0.2)
    assert "∂L/∂p = −A/p" in probability_gradient_words(weighted=True, smoothing=0.0)
    assert "softmax(z) = p" in logits_origin_words("probabilities")
    assert "logits in the table" in logits_origin_words("logits")
    assert "the bars are p − t′" in logit_gradient_words(0.2, None)
    assert "w_seal of the true class scales every bar" in logit_gradient_words(0.0, "seal")
    assert r"$(\sum_c A_c)\,p - A$" in logit_gradient_words(0.2, "seal")


# ------------------------------------------------------------------ typed class names


def test_class_names_in_markdown_are_escaped_and_shortened() -> None:
    """“$x$” stays literal inside the mean's LaTeX; a long name is cut at 40 characters."""
    assert name_md("$x$") == "\\$x\\$"
    assert name_md("y" * 50) == "y" * 40 + "…"
    assert weight_sum_terms(["$x$", "seal"], [0, 1], [1.0, 2.0]) == "w_\\$x\\$ + w_seal = 1 + 2"
    assert "w_\\*\\*b\\*\\*" in logit_gradient_words(0.0, "**b**")
    warning = zero_probability_warning([(1, "seal", ["**b**"])], 0.1)
    assert "p = 0 for \\*\\*b\\*\\*" in warning


@pytest.mark.parametrize(
    ("target", "entry"),
    [
        ("seal", "Row 2: true class seal"),
        (None, "Row 2: true class —"),
        (math.nan, "Row 2: true class —"),
        ("z" * 10_000, "Row 2: true class " + "z" * 30 + "…"),
        ("a\nb", "Row 2: true class a b"),
    ],
)
def test_the_row_menu_names_the_true_class_short_and_on_one_line(target, entry) -> None:
    """The row menu is plain text: no escaping, but one line and at most 30 characters."""
    assert row_choice(2, target) == entry
