"""Reading a student's CSV of labelled points: good files in many dialects, and hostile ones.

Every refused file must say where (line as a text editor numbers it, column by name) and
what to do; nothing may raise anything but UploadError.
"""

from __future__ import annotations

import numpy as np
import pytest

from ui.files.points import (
    HALF_WIDTH,
    MAX_BYTES,
    MAX_CLASSES,
    MAX_ROWS,
    MIN_ROWS,
    UploadError,
    parse_points_csv,
    placement_words,
)


def csv_of(rows, header: str = "x1,x2,label", sep: str = ",", end: str = "\n") -> bytes:
    """A CSV text (UTF-8) from a header and rows of values."""
    lines = [header] + [sep.join(str(v) for v in row) for row in rows]
    return (end.join(lines) + end).encode()


def square(n: int = 12, labels=(0, 1)) -> list[tuple]:
    """n points on a 4 × 3 lattice in [0, 3] × [0, 2], labels cycling through ``labels``."""
    return [(i % 4, i // 4 % 3, labels[i % len(labels)]) for i in range(n)]


def refused(data: bytes) -> str:
    with pytest.raises(UploadError) as err:
        parse_points_csv(data)
    return str(err.value)


# --- files that must be read ---------------------------------------------------------------


def test_a_plain_file_gives_points_labels_and_class_names():
    """Integer labels 0..k-1 are the classes themselves; names are their text."""
    points = parse_points_csv(csv_of(square(12, (0, 1, 2))))
    assert len(points) == 12 and points.n_classes == 3
    assert points.class_names == ("0", "1", "2")
    np.testing.assert_array_equal(points.y, [0, 1, 2] * 4)
    np.testing.assert_array_equal(points.raw[:2], [[0, 0], [1, 0]])
    assert points.X.dtype == np.float64 and points.y.dtype == np.intp
    assert points.ignored_columns == ()


def test_points_are_centred_and_scaled_by_one_factor_into_the_plane():
    """The longer side of the box spans [-5.5, 5.5], the other keeps its proportion."""
    points = parse_points_csv(csv_of(square(12)))  # box [0, 3] × [0, 2]
    np.testing.assert_allclose(points.X.min(axis=0), [-HALF_WIDTH, -HALF_WIDTH * 2 / 3])
    np.testing.assert_allclose(points.X.max(axis=0), [HALF_WIDTH, HALF_WIDTH * 2 / 3])
    assert points.center == (1.5, 1.0)
    assert points.scale == pytest.approx(HALF_WIDTH / 1.5, rel=1e-15)
    expected = (points.raw - np.array(points.center)) * points.scale
    np.testing.assert_allclose(points.X, expected, rtol=1e-14, atol=1e-14)
    words = placement_words(points)
    assert "[-6, 6]²" in words and "c = (1.5, 1)" in words and "s = 3.667" in words


@pytest.mark.parametrize("magnitude", [1e-12, 1.0, 1e6, 1e300])
def test_any_finite_magnitude_is_placed_without_overflow(magnitude):
    """Coordinates near ±1e300 or spread over 1e-12 still land in [-5.5, 5.5]²."""
    rows = [(x * magnitude, -x * magnitude, x % 2) for x in range(-5, 7)]
    points = parse_points_csv(csv_of([(f"{a!r}", f"{b!r}", c) for a, b, c in rows]))
    assert np.isfinite(points.X).all()
    assert np.abs(points.X).max() == pytest.approx(HALF_WIDTH, rel=1e-12)


def test_word_labels_become_classes_in_alphabetical_order():
    """cat, dog, emu -> classes 0, 1, 2, named as written."""
    points = parse_points_csv(csv_of(square(12, ("dog", "cat", "emu"))))
    assert points.class_names == ("cat", "dog", "emu")
    np.testing.assert_array_equal(points.y[:3], [1, 0, 2])


def test_number_labels_are_ordered_as_numbers_and_1_0_is_1():
    """Labels -1, 1.0, 1, 10, 2: classes -1, 1, 2, 10 (numeric order, one class for 1)."""
    rows = [(i % 5, i // 5, lab) for i, lab in enumerate(["-1", "1.0", "1", "10", "2"] * 3)]
    points = parse_points_csv(csv_of(rows))
    assert points.class_names == ("-1", "1", "2", "10")
    np.testing.assert_array_equal(points.y[:5], [0, 1, 1, 3, 2])


def test_column_order_case_spaces_and_extra_columns_do_not_matter():
    """' Label ', 'X2', 'id', 'x1' in any order; the extra column is named as ignored."""
    rows = [(lab, y, f"p{i}", x) for i, (x, y, lab) in enumerate(square(12))]
    points = parse_points_csv(csv_of(rows, header=" Label ,X2,id,x1"))
    np.testing.assert_array_equal(points.raw, [(x, y) for x, y, _ in square(12)])
    assert points.ignored_columns == ("id",)


@pytest.mark.parametrize(
    ("sep", "end"), [(",", "\r\n"), (";", "\n"), ("\t", "\n"), (",", "\r"), (", ", "\n")]
)
def test_separators_and_line_endings_of_common_spreadsheets(sep, end):
    """Commas, semicolons, tabs; Windows and old-Mac line endings; spaces after commas."""
    header = sep.join(["x1", "x2", "label"])
    points = parse_points_csv(csv_of(square(12), header=header, sep=sep, end=end))
    assert len(points) == 12 and points.n_classes == 2


def test_a_byte_order_mark_blank_lines_quotes_and_trailing_commas_are_fine():
    """Excel's UTF-8 BOM, blank lines, quoted values and a trailing comma are accepted."""
    body = "\ufeffx1,x2,label\n\n" + "".join(
        f'"{x}",{y},"{lab}",\n' + ("\n" if i == 5 else "") for i, (x, y, lab) in enumerate(square())
    )
    points = parse_points_csv(body.encode())
    assert len(points) == 12 and points.class_names == ("0", "1")


def test_utf16_and_windows_1252_files_are_decoded():
    """Excel's 'Unicode text' (UTF-16 with BOM) and a Latin label 'café' in Windows-1252."""
    text = "x1,x2,label\n" + "".join(
        f"{x},{y},{'café' if lab else 'thé'}\n" for x, y, lab in square()
    )
    assert parse_points_csv(text.encode("utf-16")).class_names == ("café", "thé")
    assert parse_points_csv(text.encode("cp1252")).class_names == ("café", "thé")


def test_the_bounds_themselves_are_allowed():
    """Exactly MIN_ROWS and MAX_ROWS points, and exactly MAX_CLASSES classes, are read."""
    assert len(parse_points_csv(csv_of(square(MIN_ROWS)))) == MIN_ROWS
    rows = [(i % 37, i // 37, i % MAX_CLASSES) for i in range(MAX_ROWS)]
    big = parse_points_csv(csv_of(rows))
    assert len(big) == MAX_ROWS and big.n_classes == MAX_CLASSES


def test_the_same_bytes_give_the_same_fingerprint():
    """The fingerprint identifies the data: same file same, one changed digit different."""
    a = parse_points_csv(csv_of(square()))
    b = parse_points_csv(csv_of(square()))
    rows = square()
    rows[0] = (9, 0, 0)
    c = parse_points_csv(csv_of(rows))
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert len(a.fingerprint) == 16


# --- files that must be refused, with a message naming the place ----------------------------

GOOD = csv_of(square(12))
LINES = GOOD.decode().splitlines(keepends=True)


def with_line(n: int, text: str) -> bytes:
    """GOOD with line n (1 = the header) replaced by ``text``."""
    lines = list(LINES)
    lines[n - 1] = text + "\n"
    return "".join(lines).encode()


HOSTILE = [
    ("empty", b"", ["The file is empty"]),
    ("only whitespace", b" \n\n\t\r\n", ["The file is empty"]),
    ("header only", b"x1,x2,label\n", ["Line 1 is the header, but no points follow it"]),
    ("wrong names", csv_of(square(), header="x,y,label"), ["Line 1", "“x1” and “x2”", "“x”"]),
    ("no label column", csv_of([(1, 2)] * 12, header="x1,x2"), ["no column “label”"]),
    ("no header", csv_of(square()[1:], header="0,0,0"), ["header line is missing"]),
    ("twice", csv_of(square(), header="x1,x2,x1,label"), ["“x1” appears twice", "1 and 3"]),
    ("text for x2", with_line(5, "1,abc,0"), ["Line 5, column “x2”", "“abc” is not a number"]),
    ("nan", with_line(3, "nan,1,0"), ["Line 3, column “x1”", "not a finite number"]),
    ("inf", with_line(4, "1,-inf,0"), ["Line 4, column “x2”", "not a finite number"]),
    ("overflow", with_line(4, "1e999,1,0"), ["Line 4, column “x1”", "not a finite number"]),
    ("underscore", with_line(6, "1_000,1,0"), ["Line 6, column “x1”", "not a number"]),
    ("empty x1", with_line(7, ",1,0"), ["Line 7, column “x1” is empty"]),
    ("empty label", with_line(8, "1,1, "), ["Line 8, column “label” is empty"]),
    ("too few values", with_line(9, "1,2"), ["Line 9 has 2 values", "header names 3 columns"]),
    ("too many values", with_line(2, "1,2,0,7"), ["Line 2 has 4 values"]),
    (
        "decimal comma",
        csv_of([("1,5", 2, 0)] + square(), header="x1;x2;label", sep=";"),
        ["Line 2, column “x1”", "“1,5” is not a number", "Write decimals with a dot"],
    ),
    (
        "unclosed quote",
        with_line(4, '"1,2,0'),
        ["Line 4 has 1 value", "a quote", "never closed"],
    ),
    (
        "six classes",
        csv_of([(i, i % 3, "abcdef"[min(i, 5)]) for i in range(12)]),
        ["Line 7, column “label”", "“f” is a 6th different label", "at most 5 classes", "“e”"],
    ),
    ("one class", csv_of(square(12, ("a",))), ["every point has the label “a”", "2 different"]),
    ("too few rows", csv_of(square(MIN_ROWS - 1)), [f"Only {MIN_ROWS - 1} points"]),
    ("one point", csv_of(square(1)), ["Only 1 point:"]),
    ("same place", csv_of([(2.5, -1, i % 2) for i in range(12)]), ["same place"]),
    ("all zero", csv_of([(0, 0, i % 2) for i in range(12)]), ["at (0, 0)"]),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["Line 3 holds binary data"]),
    ("bad utf16", b"\xff\xfex\x00\x00\xd8", ["not valid UTF-16"]),
    (
        "long label",
        with_line(3, "1,2," + "a" * 41),
        ["Line 3, column “label”", "41 characters long", "at most 40"],
    ),
    (
        "huge field",
        b'x1,x2,label\n1,2,"' + b"a" * 150_000 + b'"\n',
        ["Line 2 cannot be read as CSV", "field larger than field limit"],
    ),
]


@pytest.mark.parametrize(("data", "needles"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_a_malformed_file_is_refused_with_its_line_and_column(data, needles):
    """The message names the line (and column) and what is wrong."""
    message = refused(data)
    for needle in needles:
        assert needle in message, message


def test_one_row_too_many_is_refused_at_its_line():
    """Point 1,001 sits on line 1,002 (after the header): the message says so."""
    rows = [(i % 37, i // 37, i % 2) for i in range(MAX_ROWS + 1)]
    message = refused(csv_of(rows))
    assert f"Line {MAX_ROWS + 2:,}: more than {MAX_ROWS:,} points" in message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    """More than 200 KB: refused by size, whatever it holds (even binary)."""
    message = refused(b"\x00" * (MAX_BYTES + 1))
    assert "200.0 KB; at most 200 KB" in message


def test_typed_markdown_is_quoted_literally_in_messages():
    """A value '**1**' or '$x$' is shown escaped, so it cannot restyle the message."""
    assert "“\\*\\*1\\*\\*” is not a number" in refused(with_line(2, "**1**,2,0"))
    assert "“\\$x\\$”" in refused(with_line(2, "1,$x$,0"))


@pytest.mark.parametrize(
    "data",
    [
        b"\n\n\n",
        b"x1,x2,label",
        b",,,\n,,,\n",
        b'"',
        b'x1,x2,label\n"\n',
        b"x1\x00,x2,label\n",
        b"x1,x2,label\n" + "\u2028,1,0\n".encode() * 12,
        b"\xff" * 100,
        b"label,label,label\n",
        b"x1,x2,label\n" + b"1,2,0\n" * 5 + b"\xe9\n",
    ],
)
def test_nothing_but_upload_error_ever_escapes(data):
    """Odd bytes never raise anything but UploadError (or parse)."""
    try:
        parse_points_csv(data)
    except UploadError as err:
        assert str(err)
