"""Hostile CSV files uploaded into the loss tables (AppTest): the binary and categorical pages.

Every malformed file must give no exception, one error naming the file and where the problem
is (its line, and column where there is one), and leave the table exactly as it was, the
student's pending edits included.
"""

from __future__ import annotations

import codecs

import pytest
from streamlit.testing.v1 import AppTest

from tests.hostile.conftest import edit, open_page, ran

BINARY = "pages/binary.py"
CATEGORICAL = "pages/categorical.py"
BIG = 100_000  # ui.files.tables.MAX_BYTES

BINARY_FILES: list[tuple[bytes, str]] = [
    (b"", "The file is empty"),
    (b"   \n\t\n\r\n", "The file is empty"),
    (codecs.BOM_UTF8, "The file is empty"),
    (b"t,p\n" + b"1,0.5\n" * 20_000, "The file is 120.0 KB; at most 100 KB"),
    (b"t,p,x\n1,0.5," + b"y" * (BIG - 11), "The file is 100.0 KB; at most 100 KB"),
    (b"t,p\n1,0.5\n0,0.\x002\n", "Line 3 holds binary data (a NUL byte)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Line 3 holds binary data"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Line 1 holds binary data"),
    (b"t,p\n1,\x81\n", "Line 2 is not readable text (byte 0x81)"),
    (b"t,p\n1,0.5\n0,0.5\n1,\x8f\x90\n", "Line 4 is not readable text (byte 0x8f)"),
    (b"\xff\xfet\x00,\x00p\x00\n\x00\x00\xd8", "not valid UTF-16"),
    (b"1,0.5\n0,0.2\n", "it holds numbers, so the header line is missing"),
    (codecs.BOM_UTF8 + b"1,0.5\n", "it holds numbers, so the header line is missing"),
    (b"a,b\n1,0.5\n", "Line 1 (the header): no columns “t” and “p” (found “a”, “b”)"),
    (b"t\n1\n", "Line 1 (the header): no column “p”"),
    (b"p\n0.5\n", "Line 1 (the header): no column “t”"),
    (b"target,probability\n1,0.5\n", "no columns “t” and “p”"),
    ("t,p\n".encode("utf-16").replace(b"p", b"q"), "Line 1 (the header): no column “p”"),
    (b"t,p,z\n1,0.5,0\n", "it names both “p” (column 2) and “z” (column 3)"),
    (b"t,z,p\n1,0,0.5\n", "it names both “p” (column 3) and “z” (column 2)"),
    (b"t,t,p\n1,1,0.5\n", "column “t” appears twice (columns 1 and 2)"),
    (b"p,P,t\n1,1,0.5\n", "column “p” appears twice (columns 1 and 2)"),
    (b"t,p\n1,0.5\n0,0.5,7\n", "Line 3, column 3: this line has 3 values"),
    (b"t,p\n1\n", "Line 2, column 2 (“p”): this line has only 1 value"),
    (b"t;p\n1;0.5;7\n", "Line 2, column 3: this line has 3 values"),
    (b"t\tp\n1,0.5\n", "Line 2, column 2 (“p”): this line has only 1 value"),
    (b"t,p\n1;0.5\n", "Line 2, column 2 (“p”): this line has only 1 value"),
    (b"t,p\r1,0.5,3\r", "Line 2, column 3: this line has 3 values"),
    (b"t,p\n1,0.5\n" + b"," * 5000 + b"1\n", "Line 3, column 3: this line has 5,001 values"),
    (b"t,p\n", "Line 1 is the header, but no rows follow it"),
    (b"t,p\n" + b"\n" * 1000, "Line 1 is the header, but no rows follow it"),
    (b"t,p\n,\n , \n", "Line 1 is the header, but no rows follow it"),
    (b"\n\nt,p\n", "Line 3 is the header, but no rows follow it"),
    (b"t,p\n" + b"1,0.5\n" * 501, "Line 502: more than 500 rows"),
    (b"t,p\n" + b"1,0\n" * 10_000, "Line 502: more than 500 rows"),
    (b't,p\n1,"0.5\n0,0.2\n', 'Line 2: a quote (") opens a value that is never closed'),
    (b't,p\n1,0.5\n0,"0.2"x\n', "Line 3 cannot be read as CSV"),
    (b"=cmd|' /C calc'!A0,p\n1,0.5\n", "no column “t” (found “=cmd\\|' /C calc'!A0”, “p”)"),
    (b"<html><body>t,p</body></html>\n", "Line 1 (the header): no columns “t” and “p”"),
    (b'{"t": [1, 0], "p": [0.5, 0.5]}\n', "Line 1"),
    (b"x" * 50_000 + b"\n1\n", "Line 1 (the header): no columns “t” and “p”"),
    (b"t,p,loss\n1,0.5\n", "Line 2, column 3 (“loss”): this line has only 2 values"),
]

CLASSES_11 = ",".join(f"k{j}" for j in range(1, 12))
CLASSES_40 = ",".join(f"k{j}" for j in range(1, 41))
CATEGORICAL_FILES: list[tuple[bytes, str]] = [
    (b"", "The file is empty"),
    (b"\x00\x01\x02\x03", "Line 1 holds binary data"),
    (b"panda,seal,duck\n1,0,0\n", "Line 1 (the header): no column “true class”"),
    (b"target,panda,seal\npanda,1,0\n", "no column “true class” (found “target”, “panda”"),
    (b"panda,0.5,0.5\n", "no column “true class” (found “panda”, “0.5”, “0.5”)"),
    (b"1,0.5,0.5\n", "it holds numbers, so the header line is missing"),
    (b"true class,a\na,1\n", "Line 1 (the header): 1 class column besides “true class”"),
    (b"true class,loss\na,1\n", "0 class columns besides “true class”"),
    (b"true class\na\n", "0 class columns besides “true class”"),
    (f"true class,{CLASSES_11}\nk1{',0' * 11}\n".encode(), "column 12 (“k11”) (the header)"),
    (f"true class,{CLASSES_40}\nk1{',0' * 40}\n".encode(), "is the 11th class column"),
    (b"true class,a,,b\na,1,0,0\n", "Line 1, column 3 (the header) has no name"),
    (f"true class,a,{'n' * 41}\na,1,0\n".encode(), "the class name has 41 characters"),
    (f"true class,a,{'n' * 5000}\na,1,0\n".encode(), "the class name has 5,000 characters"),
    (b"true class,a,b,a\na,1,0,0\n", "columns 2 and 4 are both called “a”"),
    (b"true class,a,b, b \na,1,0,0\n", "columns 3 and 4 are both called “b”"),
    (b"true class,a,b\n", "Line 1 is the header, but no rows follow it"),
    (b"true class,a,b\na,1,0\nb,1\n", "Line 3, column 3 (“b”): this line has only 2 values"),
    (b"true class,a,b\na,1,0,0,0\n", "Line 2, column 4: this line has 5 values"),
    (b"true class,a,b\n" + b"a,1,0\n" * 501, "Line 502: more than 500 rows"),
    (b'true class,"a,b\na,1,0\n', 'Line 1: a quote (") opens a value that is never closed'),
    (b"true class;a;b\na;1;0;1\n", "Line 2, column 4: this line has 4 values"),
]


def error_text(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.error)


def upload(at: AppTest, key: str, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=key).set_value((name, data, "text/csv"))
    return ran(at.run())


def test_the_suite_uploads_at_least_40_malformed_files() -> None:
    """The two catalogues hold 40 or more files, all different."""
    files = [data for data, _ in BINARY_FILES + CATEGORICAL_FILES]
    assert len(files) >= 40


# ------------------------------------------------------------------------ binary


@pytest.fixture(scope="module")
def binary() -> AppTest:
    """The binary page with an edit pending in the table (row 1's p is 0.5)."""
    at = open_page(BINARY)
    return edit(at, "bce_table_p", {0: {"p": "0.5"}})


@pytest.mark.parametrize(("data", "needle"), BINARY_FILES)
def test_a_malformed_file_in_the_binary_table_is_named_and_changes_nothing(
    binary: AppTest, data: bytes, needle: str
) -> None:
    """An error names the file and where; the table, its pending edit and its sum stay."""
    before = binary.session_state["bce_saved_p"].values.tolist()
    total = [m.value for m in binary.metric if m.label.startswith("sum over")]
    name = f"hostile-{len(data)}.csv"
    upload(binary, "bce_upload", name, data)
    text = error_text(binary)
    assert f"**{name}** cannot be used; the table is unchanged." in text
    assert needle in text
    assert binary.session_state["bce_saved_p"].values.tolist() == before
    assert before[0] == ["0", "0.5"]  # the edit made before any upload
    assert [m.value for m in binary.metric if m.label.startswith("sum over")] == total
    assert binary.toggle(key="logits").value is False


# ------------------------------------------------------------------------ categorical


@pytest.fixture(scope="module")
def categorical() -> AppTest:
    """The categorical page with an edit pending in the table (row 1's panda is 0.9)."""
    at = open_page(CATEGORICAL)
    return edit(at, "cat_editor_0", {0: {"c0": "0.9", "c1": "0.05"}})


@pytest.mark.parametrize(("data", "needle"), CATEGORICAL_FILES)
def test_a_malformed_file_in_the_categorical_table_is_named_and_changes_nothing(
    categorical: AppTest, data: bytes, needle: str
) -> None:
    """An error names the file and where; the classes, cells and pending edit stay."""
    model = categorical.session_state["cat_model"]
    version = categorical.session_state["cat_table_version"]
    before = categorical.session_state["cat_saved"].values.tolist()
    name = f"hostile-{len(data)}.csv"
    upload(categorical, "cat_upload", name, data)
    text = error_text(categorical)
    assert f"**{name}** cannot be used; the table is unchanged." in text
    assert needle in text
    assert categorical.session_state["cat_model"] is model
    assert categorical.session_state["cat_table_version"] == version == 0
    assert categorical.session_state["cat_saved"].values.tolist() == before
    assert before[0][1:] == ["0.9", "0.05", "0.05"]
    assert [t.value for t in categorical.text_input] == ["panda", "seal", "duck"]
