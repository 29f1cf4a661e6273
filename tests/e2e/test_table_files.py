"""The loss tables' CSV files in a real browser: download, upload, a malformed file named."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

import xent_core
from tests.e2e.helpers import (
    assert_no_app_errors,
    edit_cell,
    metric_value,
    save_screenshot,
    wait_for_app_idle,
)

SEED_SUM = "4.460303459760249"
CAT_SEED_SUM = "2.214574215671332"


def open_page(page: Page, path: str) -> None:
    """Go to a page and wait until its table has drawn."""
    page.goto(path)
    wait_for_app_idle(page)
    expect(page.get_by_test_id("stDataFrame").locator("canvas").first).to_be_visible()


def download(page: Page, key: str) -> tuple[str, list[list[str]]]:
    """Click the Download CSV button with ``key``: the file's name and its rows."""
    with page.expect_download() as info:
        page.locator(f".st-key-{key}").get_by_role("button").click()
    file = info.value
    text = Path(file.path()).read_text(encoding="utf-8")
    return file.suggested_filename, list(csv.reader(io.StringIO(text, newline="")))


def chooser(page: Page, key: str) -> Locator:
    """The file input of the uploader ``key``, its expander opened as a student opens it."""
    expander = page.get_by_test_id("stExpander").filter(has_text="Upload a CSV into")
    if expander.locator("details").get_attribute("open") is None:
        expander.locator("summary").click()
    expect(page.locator(f".st-key-{key}").get_by_test_id("stFileUploaderDropzone")).to_be_visible()
    return page.locator(f".st-key-{key} input[type=file]")


def csv_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def bce_sum(t: list[float], p: list[float]) -> str:
    return repr(float(xent_core.binary_cross_entropy(t, p, reduction="sum")))


def test_the_binary_table_downloads_as_typed_with_each_rows_loss(page: Page) -> None:
    """xent-binary-p.csv: t, p as the table shows them and losses that add up to the seed sum."""
    open_page(page, "/binary")
    name, rows = download(page, "bce_download")
    assert name == "xent-binary-p.csv"
    assert rows[0] == ["t", "p", "loss"]
    assert rows[1][:2] == ["0", "0.07"] and len(rows) == 8
    assert math.fsum(float(r[2]) for r in rows[1:]) == pytest.approx(float(SEED_SUM), rel=1e-15)


def test_an_uploaded_binary_file_replaces_the_rows_once(page: Page, screenshot_dir: Path) -> None:
    """A file's three rows give their sum; an edit after it survives a rerun; choosing the
    same file again brings its rows back."""
    open_page(page, "/binary")
    content = csv_file("three.csv", "t,p\n1,0.9\n0,0.2\n1,0.6\n")
    chooser(page, "bce_upload").set_input_files(content)
    expected = bce_sum([1, 0, 1], [0.9, 0.2, 0.6])
    expect(metric_value(page, "sum over 3 rows")).to_have_text(expected)
    expect(page.get_by_text("Loaded three.csv: 3 rows into the p table.")).to_be_visible()
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "table-files-binary.png")

    edit_cell(page, page.locator(".st-key-bce_table_p_1"), 0, "0.5")
    edited = bce_sum([1, 0, 1], [0.5, 0.2, 0.6])
    expect(metric_value(page, "sum over 3 rows")).to_have_text(edited)
    page.locator(".st-key-yscale").get_by_text(
        "log", exact=True
    ).click()  # a full rerun of the page
    wait_for_app_idle(page)
    expect(metric_value(page, "sum over 3 rows")).to_have_text(edited)

    chooser(page, "bce_upload").set_input_files(content)  # the same file, chosen again
    expect(metric_value(page, "sum over 3 rows")).to_have_text(expected)


def test_a_t_z_file_turns_on_logits_mode(page: Page) -> None:
    """A header t,z: the logits toggle turns on and the sum is the logits' loss."""
    open_page(page, "/binary")
    chooser(page, "bce_upload").set_input_files(csv_file("z.csv", "t,z,loss\n1,0,\n0,2,\n"))
    expected = xent_core.binary_cross_entropy_with_logits([1, 0], [0.0, 2.0], reduction="sum")
    expect(metric_value(page, "sum over 2 rows")).to_have_text(repr(float(expected)))
    expect(page.locator(".st-key-logits").get_by_role("switch")).to_be_checked()
    name, rows = download(page, "bce_download")
    assert name == "xent-binary-z.csv" and rows[0] == ["t", "z", "loss"]


def test_a_malformed_file_is_named_by_line_and_column_and_the_sum_stays(page: Page) -> None:
    """A line with a value too many: an error naming line 3, column 3; the seed sum stays."""
    open_page(page, "/binary")
    chooser(page, "bce_upload").set_input_files(csv_file("bad.csv", "t,p\n1,0.5\n0,0.5,9\n"))
    expect(
        page.get_by_text("Line 3, column 3: this line has 3 values", exact=False)
    ).to_be_visible()
    expect(page.get_by_text("bad.csv cannot be used; the table is unchanged.")).to_be_visible()
    expect(metric_value(page, "sum over 7 rows")).to_have_text(SEED_SUM)
    assert_no_app_errors(page)


def test_the_categorical_table_downloads_and_uploads_back_and_takes_new_classes(
    page: Page, screenshot_dir: Path
) -> None:
    """The seed's file has its class names and losses; it uploads back to the same sum; a file
    with classes cat, dog replaces the classes."""
    open_page(page, "/categorical")
    name, rows = download(page, "cat_download")
    assert name == "xent-categorical-p.csv"
    assert rows[0] == ["true class", "panda", "seal", "duck", "loss"]
    assert math.fsum(float(r[4]) for r in rows[1:]) == pytest.approx(float(CAT_SEED_SUM), 1e-15)

    text = "\n".join(",".join(row) for row in rows)
    chooser(page, "cat_upload").set_input_files(csv_file(name, text))
    expect(page.get_by_text(f"Loaded {name}: 4 rows into the table.", exact=False)).to_be_visible()
    expect(metric_value(page, "Sum over the 4 rows")).to_have_text(CAT_SEED_SUM)

    file = "true class,cat,dog\ncat,0.8,0.2\ndog,0.5,0.5\n"
    chooser(page, "cat_upload").set_input_files(csv_file("pets.csv", file))
    expected = -math.log(0.8) - math.log(0.5)
    expect(metric_value(page, "Sum over the 2 rows")).to_have_text(repr(expected))
    expect(page.get_by_text("2 classes: “cat”, “dog”", exact=False)).to_be_visible()
    chooser(page, "cat_upload")  # the chooser open, for the picture
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "table-files-categorical.png")


def test_the_information_table_downloads_with_its_terms(page: Page) -> None:
    """class, t, p and the three per-class terms; the entropy terms add up to H(t)."""
    open_page(page, "/information")
    name, rows = download(page, "info_download")
    assert name == "xent-information.csv"
    assert rows[0][:4] == ["class", "t", "p", "entropy term (nats)"]
    entropy = math.fsum(float(r[3]) for r in rows[1:])
    assert entropy == pytest.approx(
        -(0.6 * math.log(0.6) + 0.3 * math.log(0.3) + 0.1 * math.log(0.1))
    )
