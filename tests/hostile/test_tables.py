"""Hostile input in the editable tables: bad cells, whole tables, class names (AppTest).

Every bad input must give no exception, a message naming its row and column (or the
class), and the table must keep exactly what was typed. Bad cells go in batches of at
most 8, the number of problems one error box lists in full.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.hostile.catalogue import (
    BAD_CLASS_NAMES,
    BAD_ROW_SUMS,
    BAD_TARGETS,
    COUNTS,
    LOGIT_CELLS,
    LONG,
    ODD_CLASS_NAMES,
    PASTE_ROWS,
    PROBABILITY_CELLS,
    TOO_MANY_CLASSES,
    chunks,
    problem_words,
)
from tests.hostile.conftest import edit, message_texts, open_page, ran, same_cell, with_link

BINARY = "pages/binary.py"
CATEGORICAL = "pages/categorical.py"
SEED_ROWS = 7  # the binary seed table
CAT_ROWS = 4  # the categorical seed table: panda, seal, duck in columns c0, c1, c2
CAT_SUM = "2.214574215671332"
CAT_EDITOR = "cat_editor_0"  # the categorical editor before any button replaced the table
CAT_CELLS = [(row, column) for row in range(CAT_ROWS) for column in ("c0", "c1")]
CAT_NAMES = {"c0": "panda", "c1": "seal", "c2": "duck"}
MAX_PROBLEM_CHARS = 200  # one listed problem, typed text quoted short

PROBLEM = re.compile(r"^- Row (\d+)(?:, column “(.*?)”)?: (.*?)(?=^- |\Z)", re.M | re.S)


def problems(at: AppTest) -> dict[tuple[int, str | None], str]:
    """Every listed problem of the page's error boxes: {(row, column or None): message}."""
    found = {}
    for box in at.error:
        text = str(box.value)
        assert "… and" not in text, "a batch must fit in one error box: " + text[:300]
        for row, column, message in PROBLEM.findall(text):
            found[(int(row), column or None)] = message.strip()
    return found


def metric_labels(at: AppTest) -> list[str]:
    return [m.label for m in at.metric]


def infos(at: AppTest) -> str:
    return "\n".join(str(i.value) for i in at.info)


def test_the_suite_feeds_at_least_200_bad_inputs() -> None:
    """The catalogue, as parametrized below and in test_query_params.py, holds ≥ 200 inputs."""
    assert sum(COUNTS.values()) >= 200, COUNTS


# ------------------------------------------------------------------------ binary table


@pytest.fixture(scope="module")
def binary_p() -> AppTest:
    return open_page(BINARY)


@pytest.fixture(scope="module")
def binary_z() -> AppTest:
    return with_link(BINARY, {"logits": "1"})


def check_binary_batch(at: AppTest, mode: str, column: str, cells: tuple) -> None:
    """Type ``cells`` into ``column``, one per row from row 1; check messages and the table."""
    key = f"bce_table_{mode}"
    typed = {i: {column: cell} for i, cell in enumerate(cells)}
    edit(at, key, typed)
    found = problems(at)
    for i, cell in enumerate(cells):
        message = found.get((i + 1, column))
        assert message is not None, f"no message names row {i + 1}, column {column}: {found}"
        assert problem_words(cell) in message, (cell[:40] if cell else cell, message)
        assert len(message) <= MAX_PROBLEM_CHARS, message[:300]
    rows = ", ".join(str(i + 1) for i in range(len(cells)))
    assert any(f"{rows} " in w and "left out" in w for w in message_texts(at)), message_texts(at)
    good = SEED_ROWS - len(cells)
    if good:
        assert f"sum over {good} rows (of {SEED_ROWS})" in metric_labels(at)
    else:
        assert "No complete rows yet" in infos(at)
    shown = at.session_state[f"bce_saved_{mode}"]  # what st.data_editor returned
    assert len(shown) == SEED_ROWS
    for i, cell in enumerate(cells):
        assert same_cell(shown[column].iloc[i], cell), (i, shown[column].iloc[i], cell)
    assert at.session_state[key]["edited_rows"] == typed


@pytest.mark.parametrize(
    "column, cells",
    [(c, batch) for c in ("t", "p") for batch in chunks(PROBABILITY_CELLS, SEED_ROWS)],
)
def test_bad_binary_cells_are_named_by_row_and_column_and_kept_as_typed(
    binary_p: AppTest, column: str, cells: tuple
) -> None:
    """Text, nan, ±inf, empty and out-of-[0, 1] cells in t or p: each named, each kept."""
    check_binary_batch(binary_p, "p", column, cells)


@pytest.mark.parametrize("cells", chunks(LOGIT_CELLS, SEED_ROWS))
def test_bad_binary_logit_cells_are_named_by_row_and_column_and_kept_as_typed(
    binary_z: AppTest, cells: tuple
) -> None:
    """In logits mode, text, nan, ±inf and empty z cells: each named, each kept."""
    check_binary_batch(binary_z, "z", "z", cells)


def test_an_empty_binary_table_says_so_and_stays_empty(binary_p: AppTest) -> None:
    """All seven rows deleted: no exception, a message asking for a row, no totals."""
    edit(binary_p, "bce_table_p", {}, deleted=range(SEED_ROWS))
    assert "No complete rows yet" in infos(binary_p)
    assert not [label for label in metric_labels(binary_p) if label.startswith("sum over")]
    assert len(binary_p.session_state["bce_saved_p"]) == 0


def test_a_1000_row_paste_into_the_binary_table_is_refused_with_the_rows_named(
    binary_p: AppTest,
) -> None:
    """1,000 pasted rows: an error naming the rows to delete; all 1,007 rows kept as typed."""
    pasted = [{"t": str(i % 2), "p": f"0.{i:03d}"} for i in range(PASTE_ROWS)]
    edit(binary_p, "bce_table_p", {}, added=pasted)
    total = SEED_ROWS + PASTE_ROWS
    assert any(f"Delete rows 501 to {total}" in m for m in message_texts(binary_p))
    shown = binary_p.session_state["bce_saved_p"]
    assert len(shown) == total
    assert shown["p"].tolist()[SEED_ROWS:] == [row["p"] for row in pasted]


# ------------------------------------------------------------------- categorical table


@pytest.fixture(scope="module")
def categorical_p() -> AppTest:
    return open_page(CATEGORICAL)


@pytest.fixture(scope="module")
def categorical_z() -> AppTest:
    return with_link(CATEGORICAL, {"input": "logits"})


def categorical_edit(at: AppTest, typed: dict[int, dict]) -> None:
    """Edit the first categorical editor; the table must not be replaced by the page."""
    edit(at, CAT_EDITOR, typed)
    assert at.session_state["cat_table_version"] == 0, "the page replaced the table"
    assert at.session_state[CAT_EDITOR]["edited_rows"] == typed  # the grid shows them


def check_categorical_batch(at: AppTest, cells: tuple) -> None:
    """Type ``cells`` into (row, panda), (row, seal), … ; each named, the totals withheld."""
    typed: dict[int, dict] = {}
    for (row, column), cell in zip(CAT_CELLS, cells, strict=False):
        typed.setdefault(row, {})[column] = cell
    categorical_edit(at, typed)
    found = problems(at)
    for (row, column), cell in zip(CAT_CELLS, cells, strict=False):
        message = found.get((row + 1, CAT_NAMES[column]))
        assert message is not None, f"no message names row {row + 1}, {column}: {found}"
        assert problem_words(cell) in message, (cell[:40] if cell else cell, message)
        assert len(message) <= MAX_PROBLEM_CHARS, message[:300]
    bad_rows = {row for (row, _), _ in zip(CAT_CELLS, cells, strict=False)}
    losses = at.dataframe[-1].value["loss Lᵢ"].tolist()
    assert [losses[r] for r in sorted(bad_rows)] == ["—"] * len(bad_rows)
    if len(bad_rows) == CAT_ROWS:
        assert "The sum and the mean need at least one usable row" in infos(at)


@pytest.mark.parametrize("cells", chunks(PROBABILITY_CELLS, len(CAT_CELLS)))
def test_bad_probability_cells_are_named_by_row_and_class_and_kept_as_typed(
    categorical_p: AppTest, cells: tuple
) -> None:
    """Text, nan, ±inf, empty and out-of-[0, 1] probabilities: each named, each kept."""
    check_categorical_batch(categorical_p, cells)


@pytest.mark.parametrize("cells", chunks(LOGIT_CELLS, len(CAT_CELLS)))
def test_bad_logit_cells_are_named_by_row_and_class_and_kept_as_typed(
    categorical_z: AppTest, cells: tuple
) -> None:
    """In logits mode, text, nan, ±inf and empty logits: each named, each kept."""
    check_categorical_batch(categorical_z, cells)


SHORT_TARGETS = [t for t in BAD_TARGETS if t is None or len(t) < LONG]


@pytest.mark.parametrize("targets", chunks(SHORT_TARGETS, CAT_ROWS))
def test_a_true_class_that_is_not_a_class_is_named_by_row_and_kept(
    categorical_p: AppTest, targets: tuple
) -> None:
    """Unknown, out-of-range, mis-cased, padded, empty and injected true classes: each named."""
    categorical_edit(categorical_p, {i: {"target": t} for i, t in enumerate(targets)})
    found = problems(categorical_p)
    for i, target in enumerate(targets):
        message = found.get((i + 1, "true class"))
        assert message is not None, f"no message names row {i + 1}'s true class: {found}"
        expected = "is empty" if target in ("", None) else "is not one of the classes"
        assert expected in message, (target, message)


def test_a_bad_true_class_message_names_the_column_as_its_header_shows_it(
    categorical_p: AppTest,
) -> None:
    """Row 1's true class “zebra”: the message names column “true class”."""
    categorical_edit(categorical_p, {0: {"target": "zebra"}})
    assert (1, "true class") in problems(categorical_p)


def test_a_very_long_true_class_is_quoted_short(categorical_p: AppTest) -> None:
    """Row 1's true class of 10,000 characters: named, with a short message, kept."""
    long = next(t for t in BAD_TARGETS if t and len(t) >= LONG)
    categorical_edit(categorical_p, {0: {"target": long}})
    message = problems(categorical_p)[(1, "true class")]
    assert len(message) <= MAX_PROBLEM_CHARS, f"{len(message)} characters"


def test_rows_that_do_not_add_up_are_named_and_normalise_keeps_what_it_cannot_fix() -> None:
    """Rows summing to 1.5, 0, 0.9, 1.000002: each named; Normalise fixes three, not the 0."""
    at = open_page(CATEGORICAL)
    typed = {
        i: dict(zip(("c0", "c1", "c2"), row, strict=True)) for i, row in enumerate(BAD_ROW_SUMS)
    }
    categorical_edit(at, typed)
    found = problems(at)
    for i in range(len(BAD_ROW_SUMS)):
        assert "not 1" in found[(i + 1, None)], found
    ran(at.button(key="cat_normalise").click().run())
    toasts = " ".join(str(t.value) for t in at.toast)
    assert "Normalised row(s) 1, 3, 4" in toasts and "Row(s) 2 add up to 0" in toasts, toasts
    frame = at.session_state["cat_model"].frame
    assert frame.loc[1, ["c0", "c1", "c2"]].tolist() == ["0", "0", "0"]  # kept as typed
    assert set(problems(at)) == {(2, None)}


def test_pending_bad_cells_survive_adding_a_class() -> None:
    """Garbage typed, then "Add a class": the cells keep the garbage and are still named."""
    at = open_page(CATEGORICAL)
    typed = {0: {"c0": "abc"}, 2: {"c2": ""}, 3: {"target": "zebra"}}
    categorical_edit(at, typed)
    ran(at.button(key="cat_add_class").click().run())
    frame = at.session_state["cat_model"].frame
    assert (frame.loc[0, "c0"], frame.loc[2, "c2"], frame.loc[3, "target"]) == ("abc", "", "zebra")
    assert {(1, "panda"), (3, "duck"), (4, "true class")} <= set(problems(at))


def test_an_empty_categorical_table_says_so(categorical_p: AppTest) -> None:
    """All four rows deleted: no exception, a message asking for a row, no totals."""
    edit(categorical_p, CAT_EDITOR, {}, deleted=range(CAT_ROWS))
    assert "The table is empty" in infos(categorical_p)
    assert not metric_labels(categorical_p)


def test_a_1000_row_paste_into_the_categorical_table_is_refused_with_the_rows_named(
    categorical_p: AppTest,
) -> None:
    """1,000 pasted rows: an error naming the rows to delete, the paste kept in the grid."""
    pasted = [{"target": "seal", "c0": "0.2", "c1": "0.5", "c2": "0.3"}] * PASTE_ROWS
    edit(categorical_p, CAT_EDITOR, {}, added=pasted)
    total = CAT_ROWS + PASTE_ROWS
    assert any(f"Delete rows 501 to {total}" in m for m in message_texts(categorical_p))
    assert len(categorical_p.session_state[CAT_EDITOR]["added_rows"]) == PASTE_ROWS


def test_adding_classes_stops_at_ten_and_says_so() -> None:
    """Asking for 50 classes: the add button stops at 10 (disabled, its help names the limit)."""
    at = open_page(CATEGORICAL)
    for _ in range(TOO_MANY_CLASSES):
        button = at.button(key="cat_add_class")
        if button.disabled:
            break
        ran(button.click().run())
    assert at.session_state["cat_model"].n_classes == 10
    assert at.button(key="cat_add_class").disabled
    assert "At most 10 classes" in at.button(key="cat_add_class").help
    assert not message_texts(at)


# ------------------------------------------------------------------------- class names


@pytest.fixture(scope="module")
def names_page() -> AppTest:
    return open_page(CATEGORICAL)


@pytest.mark.parametrize("name, words", BAD_CLASS_NAMES)
def test_an_empty_or_repeated_class_name_is_refused_with_the_class_named(
    names_page: AppTest, name: str, words: str
) -> None:
    """Class 1 renamed to an empty or taken name: a message naming it; the typed name stays."""
    ran(names_page.text_input(key="cat_name_c0").input(name).run())
    assert any(words in m for m in message_texts(names_page)), message_texts(names_page)
    assert names_page.text_input(key="cat_name_c0").value == name
    assert names_page.session_state["cat_model"].names == ("panda", "seal", "duck")
    assert [m.value for m in names_page.metric][0] == CAT_SUM


@pytest.mark.parametrize("name", ODD_CLASS_NAMES)
def test_an_odd_but_usable_class_name_is_kept_and_changes_no_number(
    names_page: AppTest, name: str
) -> None:
    """Markup, SQL, emoji with a direction override, or a results column's name: kept as text."""
    ran(names_page.text_input(key="cat_name_c0").input(name).run())
    assert not message_texts(names_page), message_texts(names_page)
    assert names_page.session_state["cat_model"].names[0] == name
    assert [m.value for m in names_page.metric][0] == CAT_SUM


def test_a_class_named_target_is_refused_or_works() -> None:
    """Class 1 renamed “target”: either a message refusing the name or the seed sum unchanged."""
    at = open_page(CATEGORICAL)
    ran(at.text_input(key="cat_name_c0").input("target").run())
    refused = any("Class 1" in m and "target" in m for m in message_texts(at))
    assert refused or [m.value for m in at.metric][:1] == [CAT_SUM], message_texts(at)[:2]


def test_a_10000_character_class_name_is_refused_with_the_class_named() -> None:
    """Class 1 renamed to 10,000 characters: a message naming class 1; the typed name stays."""
    at = open_page(CATEGORICAL)
    ran(at.text_input(key="cat_name_c0").input("x" * LONG).run())
    assert any("Class 1" in m for m in message_texts(at)), message_texts(at)
    assert at.text_input(key="cat_name_c0").value == "x" * LONG


def test_categorical_edits_survive_a_visit_to_another_page() -> None:
    """Row 1's duck typed as “abc”, a visit to the binary page, back: “abc” is still named."""
    at = open_page(CATEGORICAL)
    categorical_edit(at, {0: {"c2": "abc"}})
    assert (1, "duck") in problems(at)
    ran(at.switch_page(BINARY).run())
    ran(at.switch_page(CATEGORICAL).run())
    assert (1, "duck") in problems(at), "the typed “abc” is gone"


def test_huge_finite_logits_get_a_message_when_the_sum_overflows(binary_z: AppTest) -> None:
    """Rows 1 and 2 confidently wrong by z = ±1.7e308: the ∞ sum is explained or refused."""
    edit(binary_z, "bce_table_z", {0: {"z": "1.7e308"}, 1: {"z": "-1.7e308"}})
    sums = [m.value for m in binary_z.metric if m.label.startswith("sum over")]
    explained = [m for m in message_texts(binary_z) if "1" in m and "2" in m]
    assert sums != ["∞"] or explained, (sums, message_texts(binary_z))


def test_huge_finite_logits_give_a_number_not_an_undefined_loss(categorical_z: AppTest) -> None:
    """Row 1's logits (1e308, −1e308, 0) for a panda: the loss is −log 1 = 0, no weight note."""
    categorical_edit(categorical_z, {0: {"c0": "1e308", "c1": "-1e308", "c2": "0"}})
    loss = categorical_z.dataframe[-1].value["loss Lᵢ"].iloc[0]
    assert loss not in ("undefined", "∞", "—") and float(loss) == 0.0, loss
    assert not [m for m in message_texts(categorical_z) if "weight 0" in m]


MARKUP_CELLS = ("**0.5**", "$\\frac{1}{2}$", "`0.5", "0.5\n# big", "[0.5](http://x)")
UNESCAPED_MARKUP = re.compile(r"(?<!\\)[*$`\[\]]|\n")


def test_typed_markup_is_quoted_literally_in_its_message(binary_p: AppTest) -> None:
    """Cells holding Markdown, LaTeX, a backtick, a newline, a link: quoted, not rendered."""
    edit(binary_p, "bce_table_p", {i: {"p": cell} for i, cell in enumerate(MARKUP_CELLS)})
    found = problems(binary_p)
    for i, cell in enumerate(MARKUP_CELLS):
        message = found[(i + 1, "p")]
        assert not UNESCAPED_MARKUP.search(message), (cell, message)
