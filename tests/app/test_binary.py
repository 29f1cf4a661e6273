"""The binary cross-entropy page, run headlessly: seed numbers, widgets, table edits, URL."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

import xent_core
from tests.app.conftest import metric, open_page, ran, texts, with_link
from xent_core import ARTICLE_BINARY_P, ARTICLE_BINARY_T

PAGE = "pages/binary.py"
SEED_SUM = "4.460303459760249"
SEED_MEAN = "0.6371862085371784"
SEED_LOSS_ROW_5 = 1.897119984885881  # t = 0, p = 0.85


def edit(at: AppTest, key: str, rows: dict[int, dict[str, str]], added=(), deleted=()) -> AppTest:
    """Edit the table as the grid would: ``{row index: {column: typed text}}``."""
    at.session_state[key] = {
        "edited_rows": rows,
        "added_rows": list(added),
        "deleted_rows": list(deleted),
    }
    return ran(at.run())


@pytest.fixture
def at() -> AppTest:
    return open_page(PAGE)


def test_seed_sum_and_mean_appear_with_full_precision_and_their_reductions(at: AppTest) -> None:
    """The seed table's sum 4.460303459760249 and mean are shown, each naming its reduction."""
    assert metric(at, "sum over 7 rows") == SEED_SUM
    assert metric(at, "mean = sum / 7") == SEED_MEAN
    table = at.dataframe[-1].value
    assert table["note"].tolist().count("confident mistake") == 2
    assert table.loc[table["note"] == "confident mistake", "row"].tolist() == [5, 6]
    assert table["loss (nats)"][4] == repr(SEED_LOSS_ROW_5)


def test_the_page_shows_its_formula(at: AppTest) -> None:
    """The loss formula is typeset with st.latex."""
    assert any(r"t \log p" in str(lx.value) for lx in at.latex)


def test_moving_the_p_slider_changes_the_shown_loss(at: AppTest) -> None:
    """Default p = 0.7, t = 1 shows -log 0.7; p = 0.3 shows -log 0.3."""
    assert float(metric(at, "loss L(t=1, p=0.7)")) == pytest.approx(-math.log(0.7), rel=1e-5)
    ran(at.slider(key="p").set_value(0.3).run())
    assert float(metric(at, "loss L(t=1, p=0.3)")) == pytest.approx(-math.log(0.3), rel=1e-5)


def test_gradients_and_logit_are_shown_for_the_point(at: AppTest) -> None:
    """p = 0.7, t = 1: dL/dp = -1/0.7, z = log(0.7/0.3), dL/dz = 0.7 - 1."""
    assert float(metric(at, "dL/dp").replace("−", "-")) == pytest.approx(-1 / 0.7, rel=1e-5)
    assert float(metric(at, "logit z")) == pytest.approx(math.log(0.7 / 0.3), rel=1e-5)
    assert float(metric(at, "dL/dz").replace("−", "-")) == pytest.approx(-0.3, rel=1e-5)


def test_a_soft_target_shows_its_loss_and_its_floor(at: AppTest) -> None:
    """t = 0.3, p = 0.3: the loss is the entropy of 0.3 and the page says so."""
    at.slider(key="p").set_value(0.3)
    ran(at.slider(key="t").set_value(0.3).run())
    entropy = -(0.3 * math.log(0.3) + 0.7 * math.log(0.7))
    assert float(metric(at, "loss L(t=0.3, p=0.3)")) == pytest.approx(entropy, rel=1e-5)
    assert float(metric(at, "dL/dp")) == pytest.approx(0.0, abs=1e-12)
    assert "entropy of t" in texts(at.caption)


def test_a_certain_wrong_prediction_shows_infinity_and_explains(at: AppTest) -> None:
    """t = 1, p = 0: the loss reads ∞ with a warning, and z = -∞ has no finite dL/dz."""
    ran(at.slider(key="p").set_value(0.0).run())
    assert metric(at, "loss L(t=1, p=0)") == "∞"
    assert metric(at, "logit z") == "−∞"
    assert metric(at, "dL/dz") == "—"
    assert "Loss = ∞" in texts(at.warning)


def test_editing_a_cell_changes_the_sum(at: AppTest) -> None:
    """Row 5's p from 0.85 to 0.15 (now right) replaces its loss -log 0.15 by -log 0.85."""
    edit(at, "bce_table_p", {4: {"p": "0.15"}})
    expected = float(SEED_SUM) - SEED_LOSS_ROW_5 - math.log(0.85)
    assert float(metric(at, "sum over 7 rows")) == pytest.approx(expected, rel=1e-14)
    table = at.dataframe[-1].value
    assert table["note"].tolist().count("confident mistake") == 1


def test_added_and_deleted_rows_change_the_count_in_the_labels(at: AppTest) -> None:
    """Deleting row 5 and adding (1, 0.5) gives a sum over 7 rows with log 2 in it."""
    edit(at, "bce_table_p", {}, added=[{"t": "1", "p": "0.5"}], deleted=[4])
    expected = float(SEED_SUM) - SEED_LOSS_ROW_5 + math.log(2)
    assert float(metric(at, "sum over 7 rows")) == pytest.approx(expected, rel=1e-14)


def test_a_text_cell_names_its_row_and_column_and_is_left_out(at: AppTest) -> None:
    """'abc' in row 2, column p: an error names them, the other six rows are summed."""
    edit(at, "bce_table_p", {1: {"p": "abc"}})
    assert "Row 2, column “p”: “abc” is not a number." in texts(at.error)
    assert "Row 2 is left out of the sum and mean" in texts(at.warning)
    expected = float(SEED_SUM) + math.log(0.91)
    assert float(metric(at, "sum over 6 rows (of 7)")) == pytest.approx(expected, rel=1e-14)
    assert metric(at, "mean = sum / 6")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ({"t": "2"}, "Row 3, column “t”: 2 is outside the allowed range 0 to 1."),
        ({"p": "-0.1"}, "Row 3, column “p”: -0.1 is outside the allowed range 0 to 1."),
        ({"p": ""}, "Row 3, column “p”: is empty: type a number."),
        ({"t": "nan"}, "Row 3, column “t”: “nan” is not a finite number."),
    ],
)
def test_out_of_range_and_empty_cells_are_named(
    at: AppTest, cell: dict[str, str], message: str
) -> None:
    """t and p must be numbers in [0, 1]; each bad cell gets a message naming it."""
    edit(at, "bce_table_p", {2: cell})
    assert message in texts(at.error)


def test_an_infinite_row_shows_infinity_in_the_sum_with_an_explanation(at: AppTest) -> None:
    """Row 6 (t = 1) with p = 0: its loss, the sum and the mean are ∞, and a warning says why."""
    edit(at, "bce_table_p", {5: {"p": "0"}})
    assert metric(at, "sum over 7 rows") == "∞"
    assert metric(at, "mean = sum / 7") == "∞"
    assert "Loss = ∞ in row 6" in texts(at.warning)
    assert at.dataframe[-1].value["loss (nats)"][5] == "∞"


def test_the_reset_button_brings_back_the_seed_table(at: AppTest) -> None:
    """After an edit, 'Reset to the article's table' restores its sum."""
    edit(at, "bce_table_p", {0: {"p": "0.5"}})
    assert metric(at, "sum over 7 rows") != SEED_SUM
    ran(at.button(key="bce_reset").click().run())
    assert metric(at, "sum over 7 rows") == SEED_SUM


def test_logits_mode_gives_the_seed_sum_from_logits_and_shows_p(at: AppTest) -> None:
    """The toggle swaps p for z = logit(p): same sum, and a read-only p = σ(z) column."""
    ran(at.toggle(key="logits").set_value(True).run())
    assert metric(at, "sum over 7 rows") == SEED_SUM
    table = at.dataframe[-1].value
    assert [float(v) for v in table["p = σ(z)"]] == pytest.approx(
        [0.07, 0.91, 0.74, 0.23, 0.85, 0.17, 0.94], rel=1e-14
    )
    assert any("max(z, 0)" in str(lx.value) for lx in at.latex)


def test_logits_mode_is_stable_for_huge_logits(at: AppTest) -> None:
    """z = -1000 for a positive: loss 1000 exactly (p = σ(z) underflows, the loss does not)."""
    ran(at.toggle(key="logits").set_value(True).run())
    edit(at, "bce_table_z", {0: {"t": "1", "z": "-1000"}})
    assert at.dataframe[-1].value["loss (nats)"][0] == "1000.0"
    assert not at.error


def test_finite_logits_whose_losses_overflow_the_sum_are_named(at: AppTest) -> None:
    """z = ±1.7e308, both confidently wrong: no row is ∞ but the sum is; rows 1, 2 named."""
    ran(at.toggle(key="logits").set_value(True).run())
    edit(at, "bce_table_z", {0: {"z": "1.7e308"}, 1: {"z": "-1.7e308"}})
    assert at.dataframe[-1].value["loss (nats)"][:2].tolist() == ["1.7e+308", "1.7e+308"]
    assert metric(at, "sum over 7 rows") == "∞"
    warning = texts(at.warning)
    assert "**Sum = ∞, yet no row's loss is:** the losses of rows 1, 2 " in warning


def test_a_logit_must_be_a_finite_number(at: AppTest) -> None:
    """z = 'inf' is refused with a message naming row 4, column z."""
    ran(at.toggle(key="logits").set_value(True).run())
    edit(at, "bce_table_z", {3: {"z": "inf"}})
    assert "Row 4, column “z”: “inf” is not a finite number." in texts(at.error)


def test_table_edits_survive_switching_logits_mode_and_back(at: AppTest) -> None:
    """An edit in the p table is still there after a visit to logits mode."""
    edit(at, "bce_table_p", {4: {"p": "0.15"}})
    changed = metric(at, "sum over 7 rows")
    ran(at.toggle(key="logits").set_value(True).run())
    ran(at.toggle(key="logits").set_value(False).run())
    assert metric(at, "sum over 7 rows") == changed


def test_a_shared_link_restores_p_t_scale_and_mode() -> None:
    """?p=0.3&t=0&yscale=log&logits=1 sets the sliders, the axis and logits mode."""
    at = with_link(PAGE, {"p": "0.3", "t": "0", "yscale": "log", "logits": "1"})
    assert at.slider(key="p").value == 0.3
    assert at.slider(key="t").value == 0.0
    assert at.radio(key="yscale").value == "log"
    assert at.toggle(key="logits").value is True
    assert float(metric(at, "loss L(t=0, p=0.3)")) == pytest.approx(-math.log(0.7), rel=1e-5)
    assert not at.warning


def test_a_bad_link_value_falls_back_to_the_default_with_a_note() -> None:
    """?p=abc: a warning quotes it, and p is the default 0.7."""
    at = with_link(PAGE, {"p": "abc", "t": "0"})
    assert "p=abc" in texts(at.warning)
    assert at.slider(key="p").value == 0.7
    assert at.slider(key="t").value == 0.0


def test_settings_are_written_back_to_the_url(at: AppTest) -> None:
    """Moving p and switching to the log axis puts p and yscale in the query string."""
    at.slider(key="p").set_value(0.25)
    ran(at.radio(key="yscale").set_value("log").run())
    assert at.query_params["p"] == "0.25"
    assert at.query_params["yscale"] == "log"
    assert "t" not in at.query_params  # a setting at its default stays out of the link


def test_table_edits_survive_a_visit_to_another_page(at: AppTest) -> None:
    """Edit, open the Overview, come back: the edited sum is still shown."""
    edit(at, "bce_table_p", {4: {"p": "0.15"}})
    changed = metric(at, "sum over 7 rows")
    ran(at.switch_page("pages/overview.py").run())
    ran(at.switch_page(PAGE).run())
    assert metric(at, "sum over 7 rows") == changed != SEED_SUM


def test_a_paste_is_folded_once_and_deleting_the_extra_rows_brings_the_sum_back(
    at: AppTest,
) -> None:
    """1,000 pasted rows: a new editor holds them; deleting rows 501-1007 in it restores a
    sum over 500 rows, the pasted cells kept as typed."""
    pasted = [{"t": "1", "p": "1"}] * 1000
    edit(at, "bce_table_p", {}, added=pasted)
    ran(at.run())
    assert "Delete rows 501 to 1007" in texts(at.error)
    assert at.session_state["bce_base_p"]["p"].tolist()[-1] == "1"
    edit(at, "bce_table_p_1", {}, deleted=range(500, 1007))
    assert metric(at, "sum over 500 rows") == SEED_SUM  # 493 rows of −log 1 = 0


# ---------------------------------------------------------------- CSV download and upload


def upload(at: AppTest, content: bytes | str, name: str = "mine.csv") -> AppTest:
    """Choose a file in the table's uploader, as a student does, and run."""
    data = content.encode() if isinstance(content, str) else content
    at.file_uploader(key="bce_upload").set_value((name, data, "text/csv"))
    return ran(at.run())


def editor_key(at: AppTest, column: str = "p") -> str:
    """The table editor's current key (a new one after each upload or reset)."""
    name = f"bce_table_{column}"
    version = at.session_state[f"{name}_version"] if f"{name}_version" in at.session_state else 0
    return name if version == 0 else f"{name}_{version}"


def table_cells(at: AppTest, column: str = "p") -> list[list]:
    """The table as the editor last returned it: [[t, p or z], ...]."""
    return at.session_state[f"bce_saved_{column}"].values.tolist()


def test_the_download_is_the_table_as_typed_with_each_rows_loss(downloads, at) -> None:
    """A bad cell stays as typed (formula-guarded) with a blank loss; the others have theirs."""
    download = at.download_button(key="bce_download")
    assert download.label == "Download CSV"
    edit(at, "bce_table_p", {1: {"p": "=1+1"}})
    lines = downloads["xent-binary-p.csv"].decode().splitlines()
    assert lines[0] == "t,p,loss"
    seed = xent_core.binary_cross_entropy(ARTICLE_BINARY_T, ARTICLE_BINARY_P, reduction="none")
    assert lines[1] == f"0,0.07,{float(seed[0])!r}"
    assert lines[2] == "1,'=1+1,"
    assert lines[5] == f"0,0.85,{SEED_LOSS_ROW_5!r}"
    shown = at.dataframe[-1].value["loss (nats)"].tolist()
    assert [line.split(",")[2] for line in lines[1:] if not line.endswith(",")] == shown


def test_the_logits_table_downloads_as_z(downloads, at) -> None:
    """In logits mode the file is xent-binary-z.csv with a z column."""
    ran(at.toggle(key="logits").set_value(True).run())
    lines = downloads["xent-binary-z.csv"].decode().splitlines()
    assert lines[0] == "t,z,loss" and len(lines) == 8


def test_a_downloaded_table_uploads_back_to_the_same_table_and_sum(downloads, at) -> None:
    """Edit (one bad cell), download, reset, upload the file: the same cells, the same sum."""
    edit(at, "bce_table_p", {0: {"p": "0.5"}, 2: {"t": "x"}}, added=[{"t": "1", "p": "0.25"}])
    before, total = table_cells(at), metric(at, "sum over 7 rows (of 8)")
    data = downloads["xent-binary-p.csv"]
    ran(at.button(key="bce_reset").click().run())
    assert metric(at, "sum over 7 rows") == SEED_SUM
    upload(at, data, "xent-binary-p.csv")
    assert table_cells(at) == before
    assert metric(at, "sum over 7 rows (of 8)") == total
    assert "Row 3, column “t”: “x” is not a number." in texts(at.error)


def test_a_t_z_file_switches_to_logits_and_its_sum_is_shown(at: AppTest) -> None:
    """t,z with z = 0 twice: logits mode turns on, the sum is 2 log 2."""
    upload(at, "t,z\n1,0\n0,0\n")
    assert at.toggle(key="logits").value is True
    assert table_cells(at, "z") == [["1", "0"], ["0", "0"]]
    expected = xent_core.binary_cross_entropy_with_logits([1, 0], [0.0, 0.0], reduction="sum")
    assert metric(at, "sum over 2 rows") == repr(float(expected))
    note = texts(at.caption)
    assert "Loaded **mine.csv**: 2 rows into the z table. Switched to logits mode" in note
    assert at.query_params["logits"] == "1"


def test_a_file_is_applied_once_and_again_only_when_chosen_again(at: AppTest) -> None:
    """Edits after an upload survive reruns; choosing the same file again replaces them."""
    content = "t,p\n1,0.5\n0,0.5\n"
    upload(at, content)
    assert metric(at, "sum over 2 rows") == repr(2 * math.log(2))
    edit(at, editor_key(at), {0: {"p": "0.25"}})
    ran(at.slider(key="p").set_value(0.3).run())  # a full rerun: the file is not read again
    assert table_cells(at) == [["1", "0.25"], ["0", "0.5"]]
    upload(at, content)  # the same file chosen again
    assert table_cells(at) == [["1", "0.5"], ["0", "0.5"]]


def test_a_malformed_file_names_its_line_and_leaves_the_table_as_it_was(at: AppTest) -> None:
    """A line with a value too many: the message names line and column; nothing changes."""
    edit(at, "bce_table_p", {0: {"p": "0.5"}})
    before, total = table_cells(at), metric(at, "sum over 7 rows")
    upload(at, "t,p\n1,0.5\n0,0.5,9\n", "bad.csv")
    error = texts(at.error)
    assert "**bad.csv** cannot be used; the table is unchanged. Line 3, column 3" in error
    assert table_cells(at) == before and metric(at, "sum over 7 rows") == total
    upload(at, "t,p\n1,0.9\n", "good.csv")  # the next good file clears the message
    assert "cannot be used" not in texts(at.error)


def test_values_that_are_not_numbers_load_as_typed_and_are_named_by_row(at: AppTest) -> None:
    """After a blank line, file line 4 is table row 2; the note and the cell message say so."""
    upload(at, "t,p\n1,0.9\n\n0,half\n")
    assert "Row 2, column “p”: “half” is not a number." in texts(at.error)
    assert "rows 1–1 are lines 2–2" not in texts(at.caption)
    assert "row 1 is line 2, row 2 is line 4." in texts(at.caption)


def test_reset_after_an_upload_brings_back_the_seed_and_drops_the_note(at: AppTest) -> None:
    """The uploaded rows go, the article's seven come back, the 'Loaded' note goes."""
    upload(at, "t,p\n1,0.9\n")
    assert "Loaded **mine.csv**" in texts(at.caption)
    ran(at.button(key="bce_reset").click().run())
    assert metric(at, "sum over 7 rows") == SEED_SUM
    assert "Loaded" not in texts(at.caption)


def test_a_t_p_file_in_logits_mode_switches_back_to_probabilities(at: AppTest) -> None:
    """Logits mode on, a t,p file: the toggle goes off and the p table holds the file."""
    ran(at.toggle(key="logits").set_value(True).run())
    upload(at, "t,p\n1,0.5\n")
    assert at.toggle(key="logits").value is False
    assert table_cells(at) == [["1", "0.5"]]
    assert "Switched to p: the file has a column p." in texts(at.caption)
    assert metric(at, "sum over 1 rows") == repr(math.log(2))
