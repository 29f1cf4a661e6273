"""The categorical page's table model: text frames, class columns, edits, parsing."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ui.model.categorical_table import (
    ARTICLE_CELLS,
    MAX_CLASSES,
    TARGET,
    TARGET_LABEL,
    ClassTable,
    add_class,
    add_class_column,
    apply_edits,
    article_classes,
    article_table,
    class_name_problems,
    new_class_name,
    normalise_rows,
    parse_table,
    parse_targets,
    remove_class,
    remove_class_column,
    rename_classes,
    rename_targets,
    typed_distribution,
    with_edits,
)
from ui.model.cells import CellProblem
from xent_core import ARTICLE_CATEGORICAL_CLASSES, ARTICLE_CATEGORICAL_TARGETS

CLASSES = ["panda", "seal", "duck"]


# ------------------------------------------------------------------------- the table


def test_the_seed_table_holds_the_articles_cells_as_typed_text() -> None:
    """Targets panda/seal/duck/panda and the 4 × 3 probabilities, as strings."""
    frame = article_table()
    assert frame.columns.tolist() == [TARGET, "c0", "c1", "c2"]
    assert frame[TARGET].tolist() == list(ARTICLE_CATEGORICAL_TARGETS)
    assert frame.loc[1, "c1"] == "0.80"  # the trailing zero stays: text, not a float
    assert [tuple(r) for r in frame[["c0", "c1", "c2"]].itertuples(index=False)] == list(
        ARTICLE_CELLS
    )
    assert ARTICLE_CATEGORICAL_CLASSES == ("panda", "seal", "duck")


def test_apply_edits_changes_cells_then_deletes_then_adds_rows() -> None:
    """Cell edits go by row position; deletions before additions, as Streamlit does."""
    edits = {
        "edited_rows": {0: {"c0": "0.5"}, "2": {TARGET: "seal"}},
        "deleted_rows": [1],
        "added_rows": [{TARGET: "duck", "c2": "1"}],
    }
    out = apply_edits(article_table(), edits)
    assert out.index.tolist() == [0, 1, 2, 3]
    assert out[TARGET].tolist() == ["panda", "seal", "panda", "duck"]
    assert out.loc[0, "c0"] == "0.5"
    assert out.loc[3, "c2"] == "1" and out.loc[3, "c0"] is None


def test_apply_edits_without_edits_returns_an_equal_new_frame() -> None:
    """No editing state: the same cells, and the base frame is not touched."""
    base = article_table()
    out = apply_edits(base, None)
    pd.testing.assert_frame_equal(out, base.astype(object))
    out.loc[0, "c0"] = "x"
    assert base.loc[0, "c0"] == "0.91"


def test_apply_edits_ignores_unknown_columns_and_rows() -> None:
    """A stale edit (a removed class, a row past the end) is skipped, not an error."""
    out = apply_edits(article_table(), {"edited_rows": {0: {"c9": "1"}, 7: {"c0": "1"}}})
    pd.testing.assert_frame_equal(out, article_table().astype(object))


def test_adding_a_class_appends_a_column_of_zeros() -> None:
    """The new column reads "0" in every row; the others are unchanged."""
    out = add_class_column(article_table(), "c3")
    assert out.columns.tolist()[-1] == "c3"
    assert out["c3"].tolist() == ["0"] * 4
    assert out["c0"].tolist() == article_table()["c0"].tolist()


def test_removing_a_class_drops_its_column_and_clears_its_targets() -> None:
    """Rows whose true class was removed get an empty target, to be chosen again."""
    out = remove_class_column(article_table(), "c0", "panda")
    assert out.columns.tolist() == [TARGET, "c1", "c2"]
    assert out[TARGET].tolist() == [None, "seal", "duck", None]


def test_renaming_classes_renames_the_targets() -> None:
    """{old: new} applies to every target cell; other cells stay."""
    out = rename_targets(article_table(), {"panda": "bear"})
    assert out[TARGET].tolist() == ["bear", "seal", "duck", "bear"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a", "b"], []),
        (["a", " "], ["Class 2 has no name"]),
        (["a", "b", "a"], ["Classes 1 and 3 are both called “a”"]),
        (["a ", "a"], ["Classes 1 and 2 are both called “a”"]),
        (["a", "x" * 41], ["Class 2’s name “xxxxxxxxxxxxxxxxxxxx…” has 41 characters"]),
        (["a", " " + "x" * 40 + " "], []),
        (["**a**", "**a**"], ["Classes 1 and 2 are both called “\\*\\*a\\*\\*”"]),
    ],
)
def test_class_name_problems_name_the_empty_or_repeated_class(names, expected) -> None:
    """Empty, too long (over 40 characters) and duplicate names are reported by class number."""
    problems = class_name_problems(names)
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start)


def test_parse_targets_gives_class_indices_and_names_bad_cells() -> None:
    """Known names become indices; empty or unknown cells become -1 with a message."""
    frame = pd.DataFrame({TARGET: ["duck", None, "owl", "panda", ""]}, dtype=object)
    labels, problems = parse_targets(frame, CLASSES)
    assert labels.tolist() == [2, -1, -1, 0, -1]
    assert [(p.row, p.column) for p in problems] == [
        (2, TARGET_LABEL),
        (3, TARGET_LABEL),
        (5, TARGET_LABEL),
    ]
    assert "empty" in problems[0].message
    assert "“owl” is not one of the classes" in problems[1].message


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("x" * 10_000, "“xxxxxxxxxxxxxxxxxxxx…” is not one of the classes"),
        ("**duck**", "“\\*\\*duck\\*\\*” is not one of the classes"),
        (" panda", "“panda” with spaces around it is not one of the classes"),
    ],
)
def test_a_bad_true_class_is_quoted_short_and_escaped(cell: str, shown: str) -> None:
    """What was typed is quoted shortened and Markdown-escaped, never in full."""
    _, problems = parse_targets(pd.DataFrame({TARGET: [cell]}, dtype=object), CLASSES)
    assert problems[0].message.startswith(shown)
    assert len(problems[0].message) < 100


# ------------------------------------------------------------------- the class table


def test_the_seed_class_table_names_columns_c0_to_c2_panda_seal_duck() -> None:
    """Ids c0..c2 label panda, seal, duck; the next class will be c3."""
    table = article_classes()
    assert table.ids == ("c0", "c1", "c2")
    assert table.names == ARTICLE_CATEGORICAL_CLASSES
    assert table.next_id == 3 and table.n_classes == 3
    pd.testing.assert_frame_equal(table.frame, article_table())
    assert table.named(CellProblem(1, "c1", "is empty.")) == CellProblem(1, "seal", "is empty.")
    assert table.named(CellProblem(1, TARGET, "is empty.")).column == TARGET


def test_with_edits_folds_the_editor_state_and_keeps_ids_and_names() -> None:
    """Edits land in the frame; the original table is unchanged."""
    table = article_classes()
    out = with_edits(table, {"edited_rows": {1: {"c2": "x"}}, "deleted_rows": [0]})
    assert out.frame["c2"].tolist() == ["x", "0.60", "0.35"]
    assert (out.ids, out.names, out.next_id) == (table.ids, table.names, table.next_id)
    assert table.frame.loc[1, "c2"] == "0.09"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a", "b"], "class 3"),
        (["a", "class 3"], "class 4"),
        (["class 3", "class 4", "b"], "class 5"),
    ],
)
def test_a_new_class_gets_the_first_free_class_number(names, expected) -> None:
    """class k, with k one past the number of classes unless that name is taken."""
    assert new_class_name(names) == expected


def test_adding_a_class_gives_a_fresh_id_a_free_name_and_zeros() -> None:
    """A class added after a removal does not reuse the removed column's id."""
    table = add_class(remove_class(add_class(article_classes()), "c3"))
    assert table.ids == ("c0", "c1", "c2", "c4")
    assert table.names == ("panda", "seal", "duck", "class 4")
    assert table.frame["c4"].tolist() == ["0"] * 4
    assert table.next_id == 5


def test_adding_past_ten_classes_is_refused() -> None:
    """At MAX_CLASSES, add_class raises a message naming the limit."""
    table = article_classes()
    while table.n_classes < MAX_CLASSES:
        table = add_class(table)
    with pytest.raises(ValueError, match="already has 10 classes"):
        add_class(table)


def test_removing_a_class_drops_its_column_name_and_targets() -> None:
    """Removing seal: rows whose true class was seal lose it, the others keep theirs."""
    table = remove_class(article_classes(), "c1")
    assert table.ids == ("c0", "c2") and table.names == ("panda", "duck")
    assert table.frame.columns.tolist() == [TARGET, "c0", "c2"]
    assert table.frame[TARGET].tolist() == ["panda", None, "duck", "panda"]


def test_removing_an_unknown_class_or_below_two_classes_is_refused() -> None:
    """A column that is not there, or the last two classes, raise a ValueError."""
    with pytest.raises(ValueError, match="no class column 'c7'"):
        remove_class(article_classes(), "c7")
    with pytest.raises(ValueError, match="fewest"):
        remove_class(remove_class(article_classes(), "c0"), "c1")


def test_renaming_classes_strips_names_and_renames_targets() -> None:
    """panda → " bear ": the name is "bear" and the targets follow."""
    table = rename_classes(article_classes(), [" bear ", "seal", "duck"])
    assert table.names == ("bear", "seal", "duck")
    assert table.frame[TARGET].tolist() == ["bear", "seal", "duck", "bear"]
    assert table.ids == ("c0", "c1", "c2")


@pytest.mark.parametrize(
    ("names", "message"),
    [(["seal", "seal", "duck"], "both called “seal”"), (["", "seal", "duck"], "no name")],
)
def test_renaming_to_unusable_names_is_refused(names, message) -> None:
    """Repeated or empty names raise the message the page shows."""
    with pytest.raises(ValueError, match=message):
        rename_classes(article_classes(), names)


def test_normalise_rows_divides_only_the_rows_that_do_not_add_up() -> None:
    """Row 4 as 0.5/0.4/0.35 becomes 0.4/0.32/0.28; row 2 as 0/0/0 cannot be scaled."""
    table = with_edits(
        article_classes(),
        {"edited_rows": {3: {"c0": "0.5"}, 1: {"c0": "0", "c1": "0", "c2": "0"}}},
    )
    out, fixed, failed = normalise_rows(table)
    assert (fixed, failed) == ([4], [2])
    row4 = [float(out.frame.loc[3, c]) for c in out.ids]
    assert row4 == pytest.approx([0.5 / 1.25, 0.4 / 1.25, 0.35 / 1.25], rel=1e-15)
    assert out.frame.loc[0].tolist() == table.frame.loc[0].tolist()  # as typed
    assert out.frame.loc[1].tolist() == table.frame.loc[1].tolist()


def test_parse_table_reads_the_seed_table_as_valid_numbers() -> None:
    """Every row usable: labels 0, 1, 2, 0 and the seed probabilities."""
    parsed = parse_table(article_classes(), probabilities=True)
    assert parsed.labels.tolist() == [0, 1, 2, 0]
    assert parsed.values.tolist() == [[float(v) for v in row] for row in ARTICLE_CELLS]
    assert parsed.valid.tolist() == [0, 1, 2, 3]
    assert parsed.all_valid and parsed.n_rows == 4
    assert not parsed.cell_problems and not parsed.sum_problems and not parsed.bad_rows


def test_parse_table_names_bad_rows_and_keeps_the_good_ones() -> None:
    """A bad target, a bad cell and a bad sum each take their row out of ``valid``."""
    table = article_classes()
    frame = apply_edits(
        table.frame,
        {"edited_rows": {0: {TARGET: "owl"}, 1: {"c1": "abc"}, 3: {"c0": "0.5"}}},
    )
    parsed = parse_table(table, frame, probabilities=True)
    assert parsed.valid.tolist() == [2]
    assert parsed.bad_rows == {1, 2, 4}
    assert [(p.row, p.column) for p in parsed.cell_problems] == [(1, TARGET_LABEL), (2, "seal")]
    assert [p.row for p in parsed.sum_problems] == [4]
    assert not parsed.all_valid


def test_parse_table_in_logits_mode_accepts_any_finite_number_and_any_sum() -> None:
    """Logits 5, -3, 12 are fine: no range and no sum check."""
    table = article_classes()
    frame = apply_edits(table.frame, {"edited_rows": {0: {"c0": "5", "c1": "-3", "c2": "12"}}})
    parsed = parse_table(table, frame, probabilities=False)
    assert parsed.all_valid
    assert parsed.values[0].tolist() == [5.0, -3.0, 12.0]
    assert parse_table(table, frame, probabilities=True).bad_rows == {1}


def test_a_class_named_target_is_read_by_its_column_not_its_name() -> None:
    """Class 1 called “target”: the seed rows still parse, a bad cell names the class."""
    table = rename_classes(article_classes(), ["target", "seal", "duck"])
    parsed = parse_table(table, probabilities=True)
    assert parsed.all_valid and parsed.labels.tolist() == [0, 1, 2, 0]
    frame = apply_edits(table.frame, {"edited_rows": {1: {"c0": "abc"}}})
    parsed = parse_table(table, frame, probabilities=True)
    assert [(p.row, p.column) for p in parsed.cell_problems] == [(2, "target")]
    assert normalise_rows(with_edits(table, {"edited_rows": {3: {"c0": "0.5"}}}))[1] == [4]


def test_a_bad_cell_names_its_class_markdown_escaped() -> None:
    """A class called “**b**”: its cell problem names column “\\*\\*b\\*\\*”, shown as typed."""
    table = rename_classes(article_classes(), ["**b**", "seal", "duck"])
    frame = apply_edits(table.frame, {"edited_rows": {0: {"c0": "abc"}}})
    parsed = parse_table(table, frame, probabilities=True)
    assert parsed.cell_problems[0].column == "\\*\\*b\\*\\*"


def test_class_tables_are_values_the_functions_never_change() -> None:
    """Every function returns a new table; the seed table stays as it was."""
    table = article_classes()
    before = table.frame.copy()
    add_class(table), remove_class(table, "c0"), rename_classes(table, ["a", "b", "c"])
    normalise_rows(with_edits(table, {"edited_rows": {0: {"c0": "2"}}}))
    pd.testing.assert_frame_equal(table.frame, before)
    assert isinstance(table, ClassTable) and table.names == ARTICLE_CATEGORICAL_CLASSES


def test_a_new_line_with_nothing_typed_is_blank_not_a_list_of_problems() -> None:
    """The grid's added row (all cells None or empty) gives no problem and is not usable."""
    table = with_edits(article_classes(), {"added_rows": [{"target": None, "c0": None}]})
    parsed = parse_table(table, probabilities=True)
    assert parsed.blank == frozenset({5})
    assert parsed.cell_problems == [] and parsed.sum_problems == []
    assert parsed.valid.tolist() == [0, 1, 2, 3]
    typed = with_edits(table, {"edited_rows": {4: {"c0": "0.5"}}})
    parsed = parse_table(typed, probabilities=True)  # one cell typed: now it is checked
    assert parsed.blank == frozenset()
    assert {p.row for p in parsed.cell_problems} == {5}


@pytest.mark.parametrize(
    ("p", "typed"),
    [
        ([0.5 / 1.25, 0.4 / 1.25, 0.35 / 1.25], ["0.4", "0.32", "0.28"]),
        ([1 / 3, 1 / 3, 1 / 3], ["0.333334", "0.333333", "0.333333"]),
        ([0.0, 1.0], ["0", "1"]),
        ([1e-9, 1 - 1e-9], ["1e-09", "0.999999999"]),  # rounding would make class 0 impossible
    ],
)
def test_normalised_rows_are_typed_short_and_still_add_up_to_one(p, typed) -> None:
    out = typed_distribution(np.array(p))
    assert out == typed
    assert math.fsum(float(v) for v in out) == pytest.approx(1.0, abs=1e-15)
