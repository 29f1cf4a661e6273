"""CSV files of the loss tables (ui/files/tables.py): written as typed, read back, refused well.

Every malformed file must raise an UploadError naming its line (the header is line 1) and,
where there is one, its column; good files must come back exactly as they were written.
"""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pytest

import xent_core
from ui.figures.binary import article_frame
from ui.files.tables import (
    LOSS,
    MAX_BYTES,
    MAX_CLASSES,
    MAX_NAME_CHARS,
    MAX_ROWS,
    MIN_CLASSES,
    TRUE_CLASS,
    UploadError,
    binary_csv,
    categorical_csv,
    frame_csv,
    guard,
    information_csv,
    losses_by_row,
    read_binary_csv,
    read_categorical_csv,
    row_line_words,
    unguard,
    upload_note,
)
from ui.model import categorical_table
from ui.model import cells as table_cells
from xent_core import ARTICLE_BINARY_P, ARTICLE_BINARY_T

SEED_LOSSES = [  # the seed table's per-row losses (they add up to 4.460303459760249)
    float(v)
    for v in xent_core.binary_cross_entropy(ARTICLE_BINARY_T, ARTICLE_BINARY_P, reduction="none")
]
# Cells a student may type: each must survive download -> upload unchanged.
ODD_CELLS = [
    "abc",
    "=1+1",
    '=HYPERLINK("http://x","click")',
    "+cmd",
    "-x",
    "@SUM(A1)",
    "-0.5",
    "+1e-3",
    "-inf",
    "'quoted",
    "''twice",
    "0,5",
    'say "hi"',
    "a;b\tc",
    "line\nbreak",
    "cr\rhere",
    "\tTAB",
    "café 🐼",
    None,
]


def cells(data: bytes) -> list[list[str]]:
    """The file as a spreadsheet or Python's csv module reads it."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def binary_frame(column: str, values: list) -> pd.DataFrame:
    return pd.DataFrame({"t": ["1"] * len(values), column: values}, dtype=object)


def error(read, data: bytes) -> str:
    with pytest.raises(UploadError) as info:
        read(data)
    return str(info.value)


# --------------------------------------------------------------------------- limits


def test_the_limits_are_the_pages_own() -> None:
    """Rows, classes and class-name length match ui.tables and ui.model.categorical_table."""
    assert MAX_ROWS == table_cells.MAX_ROWS
    assert (MIN_CLASSES, MAX_CLASSES) == (
        categorical_table.MIN_CLASSES,
        categorical_table.MAX_CLASSES,
    )
    assert MAX_NAME_CHARS == categorical_table.MAX_NAME_CHARS
    assert TRUE_CLASS == categorical_table.TARGET_LABEL
    assert MAX_BYTES == 100_000


def test_exactly_the_row_limit_loads_and_one_more_is_refused_naming_its_line() -> None:
    """500 rows load; a 501st, on line 502, is named."""
    body = b"t,p\n" + b"1,0.5\n" * MAX_ROWS
    assert len(read_binary_csv(body)) == MAX_ROWS
    message = error(read_binary_csv, body + b"0,0.2\n")
    assert message.startswith("Line 502: more than 500 rows")


def test_exactly_the_byte_limit_loads_and_one_byte_more_is_refused() -> None:
    """100,000 bytes are read; 100,001 are refused before decoding."""
    head = b"t,p,note\n1,0.5,"
    data = head + b"x" * (MAX_BYTES - len(head))
    assert len(data) == MAX_BYTES and len(read_binary_csv(data)) == 1
    assert "The file is 100.0 KB; at most 100 KB" in error(read_binary_csv, data + b"x")


# --------------------------------------------------------------------------- the guard


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-inf", "'-inf"),
        ("-", "'-"),
        ("'a", "''a"),  # so that the upload's one apostrophe less is exactly what was typed
        ("-0.5", "-0.5"),
        ("+1e-3", "+1e-3"),
        ("-.5", "-.5"),
        ("-1E5", "-1E5"),
        ("0.07", "0.07"),
        ("abc", "abc"),
        ("", ""),
    ],
)
def test_a_formula_gets_an_apostrophe_and_a_number_does_not(typed: str, written: str) -> None:
    """= + - @ tab CR (and ') start get a leading ' unless the cell is a number."""
    assert guard(typed) == written
    assert unguard(guard(typed)) == typed


def test_every_cell_of_a_download_is_guarded_headers_included() -> None:
    """Typed formulas in cells and in class names reach the file with an apostrophe."""
    frame = pd.DataFrame(
        {"target": ["=evil", "a"], "c0": ["=1+1", "-0.5"], "c1": ["@x", "0.5"]}, dtype=object
    )
    rows = cells(categorical_csv(frame, ids=["c0", "c1"], names=["a", "+b"], loss=[1.0, 2.0]))
    assert rows[0] == [TRUE_CLASS, "a", "'+b", LOSS]
    assert rows[1][:3] == ["'=evil", "'=1+1", "'@x"]
    assert rows[2][:3] == ["a", "-0.5", "0.5"]
    dangerous = [c for row in rows for c in row if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert dangerous == []


# --------------------------------------------------------------------------- writing


def test_the_binary_seed_downloads_as_typed_with_every_digit_of_each_loss() -> None:
    """t,p,loss: the cells exactly as the seed shows them, losses in shortest round-trip form."""
    data = binary_csv(article_frame("p"), "p", SEED_LOSSES)
    text = data.decode("utf-8")
    assert text.startswith(f"t,p,loss\r\n0,0.07,{SEED_LOSSES[0]!r}\r\n1,0.91,")
    rows = cells(data)
    assert [r[:2] for r in rows[1:]] == article_frame("p").values.tolist()
    assert [float(r[2]) for r in rows[1:]] == SEED_LOSSES
    assert math.fsum(float(r[2]) for r in rows[1:]) == pytest.approx(4.460303459760249, 1e-15)


def test_a_row_left_out_has_a_blank_loss_and_its_bad_cell_as_typed() -> None:
    """A bad cell stays as typed; its row's loss is empty; inf is written as inf."""
    frame = binary_frame("z", ["2", "two", None, "1e400"])
    loss = losses_by_row(4, [1, 4], [0.12692801104297263, math.inf])
    assert cells(binary_csv(frame, "z", loss)) == [
        ["t", "z", "loss"],
        ["1", "2", "0.12692801104297263"],
        ["1", "two", ""],
        ["1", "", ""],
        ["1", "1e400", "inf"],
    ]


def test_the_information_table_downloads_its_terms_in_the_chosen_unit_or_blanks() -> None:
    """class,t,p and the three terms per class; blank term columns when the table is unusable."""
    frame = pd.DataFrame({"class": ["a", "b"], "t": ["0.5", "0.5"], "p": ["0.25", "0.75"]})
    terms = [[0.5, 0.5], [1.0, 0.20751874963942185], [0.5, -0.2924812503605781]]
    rows = cells(information_csv(frame, unit="bits", terms=terms))
    assert rows[0] == [
        "class",
        "t",
        "p",
        "entropy term (bits)",
        "cross-entropy term (bits)",
        "KL term (bits)",
    ]
    assert rows[2] == ["b", "0.5", "0.75", "0.5", "0.20751874963942185", "-0.2924812503605781"]
    blank = cells(information_csv(frame, unit="nats"))
    assert blank[0][3] == "entropy term (nats)" and blank[1] == ["a", "0.5", "0.25", "", "", ""]


def test_losses_by_row_puts_each_loss_at_its_row() -> None:
    """Rows count from 1; the rows left out are nan."""
    out = losses_by_row(4, [2, 4], [0.5, 1.5])
    assert out[1] == 0.5 and out[3] == 1.5 and math.isnan(out[0]) and math.isnan(out[2])


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("column", ["p", "z"])
def test_a_downloaded_binary_table_uploads_back_exactly(column: str) -> None:
    """Odd cells, formulas, quotes, line breaks and empty cells come back as they were typed."""
    frame = binary_frame(column, ODD_CELLS)
    frame.loc[3, "t"] = "=t"
    data = binary_csv(frame, column, [math.nan] * len(frame))
    loaded = read_binary_csv(data, file_name="back.csv")
    assert loaded.columns == ("t", column) and loaded.ignored == (LOSS,)
    assert loaded.frame().equals(frame)
    assert loaded.file_name == "back.csv"


def test_the_seed_tables_round_trip_in_both_modes() -> None:
    """The seed's p table and its logits table upload back cell for cell."""
    for column in ("p", "z"):
        seed = article_frame(column)
        loaded = read_binary_csv(binary_csv(seed, column, SEED_LOSSES))
        assert loaded.frame().equals(seed.astype(object))


def test_a_downloaded_categorical_table_uploads_back_with_its_classes() -> None:
    """Class names (one called "loss", one "true class", one with a comma) and cells survive."""
    names = ["panda", "loss", TRUE_CLASS, "a,b", "=x"]
    ids = [f"c{j}" for j in range(len(names))]
    values = {c: ODD_CELLS[j : j + 4] for j, c in enumerate(ids)}
    frame = pd.DataFrame({"target": ["panda", "loss", None, "nope"], **values}, dtype=object)
    data = categorical_csv(frame, ids=ids, names=names, loss=[0.1, math.nan, math.nan, 2.0])
    loaded = read_categorical_csv(data)
    assert loaded.columns == (TRUE_CLASS, *names)
    assert loaded.ignored == (LOSS,)
    assert loaded.frame(["target", *ids]).equals(frame)


def test_the_categorical_seed_round_trips() -> None:
    """The seed's 4 × 3 table: panda, seal, duck."""
    table = categorical_table.article_classes()
    data = categorical_csv(table.frame, ids=table.ids, names=table.names, loss=[0.1, 0.2, 0.3, 0.4])
    assert data.decode().splitlines()[:2] == [
        "true class,panda,seal,duck,loss",
        "panda,0.91,0.04,0.05,0.1",
    ]
    loaded = read_categorical_csv(data)
    assert loaded.columns[1:] == table.names
    assert loaded.frame(["target", *table.ids]).equals(table.frame)


# --------------------------------------------------------------------------- lenient reading


@pytest.mark.parametrize(
    "data",
    [
        b"t,p\n1,0.9\n0,0.2\n",
        b"t;p\n1;0.9\n0;0.2\n",
        b"t\tp\n1\t0.9\n0\t0.2\n",
        b"\xef\xbb\xbft,p\r\n1,0.9\r\n0,0.2\r\n",  # UTF-8 with a BOM, CRLF
        "t,p\n1,0.9\n0,0.2\n".encode("utf-16"),
        b"T , P \n 1 , 0.9 \n0,0.2,\n",  # case, spaces, a trailing comma
        b"t (target),p (predicted)\n1,0.9\n0,0.2\n",  # the grid's headers
        b"id,p,t,loss\n7,0.9,1,x\n8,0.2,0,\n",  # any order, other columns ignored
        b"t,p\n1,0.9\n\n0,0.2\n\n",  # blank lines
        b"'t,p\n'1,0.9\n0,'0.2\n",  # apostrophes a guard would write
    ],
)
def test_common_spellings_of_the_same_binary_table_read_the_same(data: bytes) -> None:
    """Delimiters, encodings, case, spaces, column order and blank lines do not matter."""
    assert read_binary_csv(data).rows == (("1", "0.9"), ("0", "0.2"))


def test_a_t_z_header_reads_as_logits_and_values_that_are_not_numbers_load_as_typed() -> None:
    """z chooses logits mode; "abc", "1e999" and an empty cell are the page's to name."""
    loaded = read_binary_csv(b"t,z\n1,abc\n0,1e999\n1,\n")
    assert loaded.columns == ("t", "z")
    assert loaded.rows == (("1", "abc"), ("0", "1e999"), ("1", None))


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        ((2, 3, 4), "Table row r is line r + 1 of the file."),
        ((3, 4), "Table row r is line r + 2 of the file."),
        (
            (2, 3, 5, 6, 9),
            "Blank lines (or line breaks inside quotes) were skipped: rows 1–2 are lines 2–3, "
            "rows 3–4 are lines 5–6, row 5 is line 9.",
        ),
    ],
)
def test_the_note_says_which_file_line_each_row_came_from(lines, words) -> None:
    """One offset in one sentence; runs of rows when blank lines were skipped."""
    assert row_line_words(lines) == words


def test_the_lines_of_rows_count_blank_lines_and_the_header_is_line_1() -> None:
    """A file with blank lines: each row knows its line."""
    loaded = read_binary_csv(b"t,p\n\n1,0.5\n0,0.5\n\n\n1,0.1\n")
    assert loaded.lines == (3, 4, 7)


def test_the_upload_note_names_the_file_rows_lines_and_ignored_columns() -> None:
    """Markdown: the file name escaped and bold."""
    loaded = read_binary_csv(b"t,p,loss\n1,0.5,0.69\n", file_name="my_*table*.csv")
    note = upload_note(loaded, "the p table", " Switched.")
    assert note == (
        r"Loaded **my\_\*table\*.csv**: 1 row into the p table. Switched. "
        "Table row r is line r + 1 of the file. Ignored column: loss."
    )


def test_the_fingerprint_is_the_files_bytes() -> None:
    """The same bytes give the same fingerprint; one byte more gives another."""
    a, b = read_binary_csv(b"t,p\n1,0.5\n"), read_binary_csv(b"t,p\n1,0.5\n")
    assert a.fingerprint == b.fingerprint
    assert read_binary_csv(b"t,p\n1,0.6\n").fingerprint != a.fingerprint


# --------------------------------------------------------------------------- malformed

BINARY_BAD = [
    (b"", "The file is empty. It needs a header line (e.g. “t,p”)"),
    (b"\n \n\r\n", "The file is empty"),
    (b"t,p\n" + b"1,0.5\n" * 20_000, "The file is 120.0 KB; at most 100 KB"),
    (b"t,p\n1,0.5\x00\n", "Line 2 holds binary data (a NUL byte)"),
    (b"t,p\n1,0.5\n0,\x81\x8d\n", "Line 3 is not readable text (byte 0x81)"),
    (b"\xff\xfet\x00,\x00p\x00\n\x00\x00\xd8", "starts like UTF-16 text but is not valid UTF-16"),
    (
        b"1,0.5\n0,0.2\n",
        "Line 1 (the header): no columns “t” and “p” (it holds numbers, so the header line "
        "is missing). The first line must name the columns, e.g. “t,p”.",
    ),
    (b"t,q\n1,0.5\n", "Line 1 (the header): no column “p” (found “t”, “q”)"),
    (b"target,prob\n1,0.5\n", "no columns “t” and “p” (found “target”, “prob”)"),
    (b"t,p,z\n1,0.5,0\n", "Line 1 (the header): it names both “p” (column 2) and “z” (column 3)"),
    (b"t,p,t\n1,0.5,1\n", "Line 1 (the header): column “t” appears twice (columns 1 and 3)"),
    (b"t,p\n1,0.5\n0,0.5,7\n", "Line 3, column 3: this line has 3 values, but the header names 2"),
    (b"t,p\n1,0.5\n0\n", "Line 3, column 2 (“p”): this line has only 1 value"),
    (b"t,p,loss\n1,0.5\n", "Line 2, column 3 (“loss”): this line has only 2 values"),
    (b't,p\n1,"0.5\n0,0.2\n', 'Line 2: a quote (") opens a value that is never closed'),
    (b't,p\n1,0.5\n0,"0.2"x\n', "Line 3 cannot be read as CSV: a value in quotes must end"),
    (b't;p\n1;"0.2"x\n', "then a semicolon or the end of the line"),
    (b"t,p\n", "Line 1 is the header, but no rows follow it"),
    (b"\n\nt,p\n\n", "Line 3 is the header, but no rows follow it"),
    (b"\nq,p\n1,1\n", "Line 2 (the header): no column “t”"),
    (b"t,p\n" + b"1,0.5\n" * 501, "Line 502: more than 500 rows"),
]


@pytest.mark.parametrize(("data", "needle"), BINARY_BAD)
def test_a_malformed_binary_file_is_refused_naming_its_line_and_column(data, needle) -> None:
    """Each structural problem: an UploadError whose message names where it is."""
    assert needle in error(read_binary_csv, data)


CLASSES_11 = ",".join(f"k{j}" for j in range(1, 12))
CATEGORICAL_BAD = [
    (b"", "needs a header line (e.g. “true class,panda,seal,duck”)"),
    (
        b"target,a,b\na,1,0\n",
        "Line 1 (the header): no column “true class” (found “target”, “a”, “b”)",
    ),
    (b"panda,0.5,0.5\n", "no column “true class” (found “panda”, “0.5”, “0.5”)"),
    (b"true class,a\na,1\n", "Line 1 (the header): 1 class column besides “true class”"),
    (b"true class,loss\na,1\n", "0 class columns besides “true class”"),
    (
        f"true class,{CLASSES_11}\nk1{',0' * 11}\n".encode(),
        "Line 1, column 12 (“k11”) (the header) is the 11th class column; the table holds at "
        "most 10 classes",
    ),
    (b"true class,a,,b\na,1,0,0\n", "Line 1, column 3 (the header) has no name"),
    (
        f"true class,a,{'x' * 41}\na,1,0\n".encode(),
        "Line 1, column 3 (“xxxxxxxxxxxxxxxxxxxx…”) (the header): the class name has 41 "
        "characters; use at most 40.",
    ),
    (b"true class,a,b, a\na,1,0,0\n", "columns 2 and 4 are both called “a”"),
    (b"true class,a,b\na,1,0\nb,0\n", "Line 3, column 3 (“b”): this line has only 2 values"),
    (
        b"true class,a,b\na,1,0,9\n",
        "Line 2, column 4: this line has 4 values, but the header names 3 columns",
    ),
    (b"true class,a,b\n" + b"a,1,0\n" * 501, "Line 502: more than 500 rows"),
    (b"true class,a,b\n", "Line 1 is the header, but no rows follow it"),
]


@pytest.mark.parametrize(("data", "needle"), CATEGORICAL_BAD)
def test_a_malformed_categorical_file_is_refused_naming_its_line_and_column(data, needle):
    """Each structural problem: an UploadError whose message names where it is."""
    assert needle in error(read_categorical_csv, data)


def test_a_categorical_file_with_ten_classes_and_an_odd_target_loads() -> None:
    """The maximum number of classes loads; a target that is no class loads as typed."""
    names = [f"k{j}" for j in range(1, 11)]
    loaded = read_categorical_csv(f"True Class,{','.join(names)}\nk99{',0.1' * 10}\n".encode())
    assert loaded.columns == (TRUE_CLASS, *names)
    assert loaded.rows == (("k99", *["0.1"] * 10),)


def test_a_results_table_downloads_as_shown_with_ascii_minus_and_guarded_text():
    """frame_csv: the page's −0.5 becomes -0.5 (a number to a spreadsheet); =1+1 is guarded."""
    frame = pd.DataFrame({"element": ["z[0]", "=1+1"], "analytic": ["\u22120.5", "0.25"]})
    assert frame_csv(frame).decode() == "element,analytic\r\nz[0],-0.5\r\n'=1+1,0.25\r\n"
