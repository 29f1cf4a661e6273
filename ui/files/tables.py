"""CSV files of the loss tables: downloaded exactly as typed, uploaded back safely.

Pure Python (no Streamlit). Writing (:func:`binary_csv`, :func:`categorical_csv`,
:func:`information_csv`): the table's text cells as the student typed them, then the
computed columns (blank for a row the page leaves out), every cell guarded against
spreadsheet formulas (:func:`guard`). Reading (:func:`read_binary_csv`,
:func:`read_categorical_csv`): an uploaded file becomes the table's text cells, or an
:class:`UploadError` names the line (as a text editor numbers them: the header is line 1)
and column of the first structural problem and says what to do. A value that is not a
number is not structural: it loads as typed, and the page's per-cell checks name its row
and column. Everything is bounded before it is read: bytes, rows, classes, name length.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ui.files.csv_text import CsvLines, UploadError, ordinal

# Shared with the training page's upload: the same decoding, delimiters and error type.
from ui.model.cells import MAX_ROWS
from ui.text.quoting import quote_typed

__all__ = [
    "BINARY_EXAMPLE",
    "BINARY_HELP",
    "CATEGORICAL_EXAMPLE",
    "CATEGORICAL_HELP",
    "LOSS",
    "MAX_BYTES",
    "TRUE_CLASS",
    "TableFile",
    "UploadError",
    "binary_csv",
    "categorical_csv",
    "frame_csv",
    "guard",
    "information_csv",
    "losses_by_row",
    "read_binary_csv",
    "read_categorical_csv",
    "row_line_words",
    "unguard",
    "upload_note",
]

MAX_BYTES = 100_000
MIN_CLASSES, MAX_CLASSES = 2, 10  # ui.model.categorical_table's limits (checked likewise)
MAX_NAME_CHARS = 40  # ui.model.categorical_table.MAX_NAME_CHARS
LOSS = "loss"  # the computed column of a downloaded loss table; ignored on upload
TRUE_CLASS = "true class"  # the categorical table's target column, as its header reads
INFO_TERMS = ("entropy term", "cross-entropy term", "KL term")  # −t log t, −t log p, t log t/p

BINARY_EXAMPLE = "`t,p` (or `t,z` for logits)"
CATEGORICAL_EXAMPLE = f"`{TRUE_CLASS},panda,seal,duck` (one column per class)"
BINARY_HELP = (
    "A header line naming the columns `t` and `p`, or `t` and `z` for logits (the page then "
    "switches to logits mode); other columns, such as the `loss` of a downloaded file, are "
    f"ignored. Then one table row per line. At most {MAX_ROWS} rows and {MAX_BYTES // 1000} "
    "KB. Commas, semicolons or tabs between values; a dot for decimals. A value that is not a "
    "number loads as typed and is marked like a typed one. The file replaces the table's rows; "
    "↺ Reset brings back the article's table."
)
CATEGORICAL_HELP = (
    f"A header line naming the column `{TRUE_CLASS}` and one column per class "
    f"({MIN_CLASSES} to {MAX_CLASSES}, names up to {MAX_NAME_CHARS} characters), e.g. "
    f"`{TRUE_CLASS},panda,seal,duck`; a `{LOSS}` column, as in a downloaded file, is ignored. "
    "Then one table row per line: the true class's name and a value per class (probabilities "
    f"or logits, as the switch above says). At most {MAX_ROWS} rows and {MAX_BYTES // 1000} "
    "KB. Commas, semicolons or tabs between values; a dot for decimals. A value that is not a "
    "number loads as typed and is marked like a typed one. The file replaces the table and its "
    "classes; Reset brings back the article's table."
)


# ------------------------------------------------------------------------------ writing

# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(…)").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def guard(text: str) -> str:
    """``text`` as a CSV cell that a spreadsheet shows and never runs: ``=1+1`` -> ``'=1+1``.

    A cell that is not a plain decimal number and starts with ``= + - @``, a tab or a
    carriage return gets a leading apostrophe; numbers such as ``-0.5`` stay as they are.
    A text that already starts with an apostrophe gets one more, so :func:`unguard` always
    gives back exactly the text.
    """
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def unguard(text: str) -> str:
    """The text of a cell :func:`guard` wrote: without one leading apostrophe."""
    return text[1:] if text.startswith("'") else text


def _typed(cell: object) -> str:
    """A table cell as the student typed it; an empty cell (None, nan) as ``""``."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    return str(cell)


def _computed(value: float | None) -> str:
    """A computed number with every float64 digit; blank for a row left out (None, nan)."""
    if value is None or math.isnan(value):
        return ""
    return repr(float(value))


def _write(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 CSV (RFC 4180: CRLF, quotes where needed), every cell guarded."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([guard(name) for name in header])
    writer.writerows([guard(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A table of text cells as shown (a results table), as a guarded UTF-8 CSV.

    The typographic minus of the page (−0.25) is written as ``-`` so that a spreadsheet
    reads the number.
    """
    cells = frame.astype(str).map(lambda text: text.replace("\u2212", "-"))
    return _write([str(c) for c in frame.columns], cells.itertuples(index=False))


def losses_by_row(n_rows: int, rows: Sequence[int], loss: Sequence[float]) -> list[float]:
    """``loss[k]`` at position ``rows[k] - 1`` of a list of ``n_rows``, nan elsewhere."""
    out = [math.nan] * n_rows
    for row, value in zip(rows, loss, strict=True):
        out[row - 1] = float(value)
    return out


def binary_csv(frame: pd.DataFrame, column: Literal["p", "z"], loss: Sequence[float]) -> bytes:
    """The binary table as typed (``t`` and ``p`` or ``z``) and each row's loss (nan: blank)."""
    cells = frame[["t", column]].itertuples(index=False)
    rows = ([_typed(t), _typed(x), _computed(v)] for (t, x), v in zip(cells, loss, strict=True))
    return _write(["t", column, LOSS], rows)


def categorical_csv(
    frame: pd.DataFrame,
    *,
    ids: Sequence[str],
    names: Sequence[str],
    loss: Sequence[float],
    target: str = "target",
) -> bytes:
    """The categorical table as typed: the true class, a column per class named by its class
    name (``frame``'s column ``ids[j]`` is class ``names[j]``), then each row's loss."""
    cells = frame[[target, *ids]].itertuples(index=False)
    rows = (
        [*(_typed(cell) for cell in row), _computed(v)] for row, v in zip(cells, loss, strict=True)
    )
    return _write([TRUE_CLASS, *names, LOSS], rows)


def information_csv(
    frame: pd.DataFrame, *, unit: str, terms: Sequence[Sequence[float]] | None = None
) -> bytes:
    """The two distributions as typed (``class``, ``t``, ``p``) and, when they can be used,
    each class's entropy, cross-entropy and KL terms in ``unit`` (else blank columns)."""
    n = len(frame)
    columns = terms if terms is not None else [[math.nan] * n for _ in INFO_TERMS]
    cells = frame[["class", "t", "p"]].itertuples(index=False)
    rows = (
        [*(_typed(cell) for cell in row), *(_computed(c[i]) for c in columns)]
        for i, row in enumerate(cells)
    )
    return _write(["class", "t", "p", *(f"{name} ({unit})" for name in INFO_TERMS)], rows)


# ------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class TableFile:
    """Table rows read from an uploaded CSV, as text cells, and where each one came from."""

    columns: tuple[str, ...]  # binary: ("t", "p" or "z"); categorical: (TRUE_CLASS, *classes)
    rows: tuple[tuple[str | None, ...], ...]  # cells stripped; None for an empty one
    lines: tuple[int, ...]  # the file line each row starts on (the header is line 1)
    ignored: tuple[str, ...]  # the header names of the columns that were not read
    fingerprint: str  # a hash of the file's bytes: the same file gives the same rows
    file_name: str = "table.csv"

    def __len__(self) -> int:
        return len(self.rows)

    def frame(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The rows as a frame of text cells, its columns named ``columns`` (default: ours)."""
        names = list(self.columns if columns is None else columns)
        return pd.DataFrame(list(self.rows), columns=names, dtype=object)


def _where(line: int, column: int | None = None, name: str | None = None) -> str:
    where = f"Line {line:,}"
    if column is not None:
        where += f", column {column}"
        if name:
            where += f" (“{quote_typed(name)}”)"
    return where


def _found(names: Sequence[str]) -> str:
    shown = [f"“{quote_typed(n)}”" for n in names[:6] if n]
    more = ", …" if len(names) > 6 else ""
    return ", ".join(shown) + more if shown else "nothing"


def _looks_like_numbers(row: Sequence[str]) -> bool:
    return len(row) >= 2 and all(_NUMBER.fullmatch(cell.strip()) for cell in row[:2])


def _missing_header(
    what: str, names: Sequence[str], raw: Sequence[str], line: int, example: str
) -> str:
    reason = (
        "it holds numbers, so the header line is missing"
        if _looks_like_numbers(raw)
        else f"found {_found(names)}"
    )
    return (
        f"{_where(line)} (the header): {what} ({reason}). The first line must name the "
        f"columns, e.g. “{example}”."
    )


Picked = tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...]]  # indices, names, ignored
HeaderCheck = Callable[[list[str], list[str], int], Picked]


def _read(data: bytes, check_header: HeaderCheck, *, max_rows: int, example: str) -> tuple:
    """The rows of an uploaded CSV, as the columns ``check_header`` picks from the header.

    ``check_header(names, raw, line)`` gets the header's cells (stripped and unguarded; ``raw``
    as in the file) and its line (1 unless blank lines come first), and returns the indices
    of the columns to read, in the table's order, the table's names for them, and the names
    of the columns it ignores; it raises :class:`UploadError` for a header it cannot use.
    """
    if len(data) > MAX_BYTES:
        raise UploadError(
            f"The file is {len(data) / 1000:,.1f} KB; at most {MAX_BYTES // 1000} KB can be "
            f"uploaded (a table holds at most {max_rows} rows)."
        )
    file = CsvLines(
        data,
        empty=f"The file is empty. It needs a header line (e.g. “{example}”) and one line per "
        "table row.",
        strict=True,
    )
    picked: tuple[int, ...] | None = None
    columns: tuple[str, ...] = ()
    header: list[str] = []
    header_line = 1
    ignored: tuple[str, ...] = ()
    rows: list[tuple[str | None, ...]] = []
    lines: list[int] = []
    try:
        for line_start, row in file:
            if picked is None:
                header_line = line_start
                while row and not row[-1].strip():
                    row = row[:-1]  # trailing empty header cells ("t,p,")
                header = [unguard(cell.strip()) for cell in row]
                picked, columns, ignored = check_header(header, row, header_line)
                continue
            while len(row) > len(header) and not row[-1].strip():
                row = row[:-1]  # trailing empty cells ("1,0.5,")
            if len(row) != len(header):
                raise UploadError(_width_problem(row, header, line_start))
            if len(rows) == max_rows:
                raise UploadError(
                    f"{_where(line_start)}: more than {max_rows} rows. The table holds at most "
                    f"{max_rows}: keep the first {max_rows} (or split the file)."
                )
            cells = (unguard(row[j].strip()) for j in picked)
            rows.append(tuple(cell or None for cell in cells))
            lines.append(line_start)
    except csv.Error as err:
        if "end of data" in str(err):
            raise UploadError(
                f'{_where(file.line + 1)}: a quote (") opens a value that is never closed, so '
                "every line after it would join that value. Close the quote, or remove it."
            ) from None
        raise UploadError(
            f"{_where(file.line_num)} cannot be read as CSV: a value in quotes must end with "
            f"its quote, then a {_delimiter_name(file.delimiter)} or the end of the line. Check "
            'the quotes on this line (a quote inside quotes is written twice: "").'
        ) from None
    if not rows:
        raise UploadError(
            f"{_where(header_line)} is the header, but no rows follow it: add one line per "
            "table row."
        )
    return columns, tuple(rows), tuple(lines), ignored


def _delimiter_name(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab"}.get(delimiter, repr(delimiter))


def _width_problem(row: Sequence[str], header: Sequence[str], line: int) -> str:
    n, width = len(row), len(header)
    names = ", ".join(quote_typed(h) for h in header[:8]) + (", …" if width > 8 else "")
    quotes = any("\n" in cell or "\r" in cell for cell in row)
    hint = ' A quote (") that is never closed joins the lines after it.' if quotes else ""
    if n > width:
        return (
            f"{_where(line, width + 1)}: this line has {n:,} values, but the header names "
            f"{width:,} columns ({names}). Remove the extra value, or put quotes around a value "
            f"that holds a comma.{hint}"
        )
    return (
        f"{_where(line, n + 1, header[n])}: this line has only {n:,} value{'s' * (n != 1)}, "
        f"but the header names {width:,} columns ({names}). Write every column on every "
        f"line; leave a value empty with nothing between two commas.{hint}"
    )


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


# The binary table's columns, as our file names them or as the grid's headers read.
_BINARY_NAMES = {
    "t": "t",
    "t (target)": "t",
    "p": "p",
    "p (predicted)": "p",
    "z": "z",
    "z (logit)": "z",
}


def _binary_header(names: list[str], raw: list[str], line: int) -> Picked:
    found: dict[str, int] = {}
    for i, name in enumerate(names):
        column = _BINARY_NAMES.get(name.lower())
        if column is None:
            continue
        if column in found:
            raise UploadError(
                f"{_where(line)} (the header): column “{column}” appears twice (columns "
                f"{found[column] + 1} and {i + 1}): keep one."
            )
        found[column] = i
    if "p" in found and "z" in found:
        raise UploadError(
            f"{_where(line)} (the header): it names both “p” (column {found['p'] + 1}) and "
            f"“z” (column {found['z'] + 1}): keep p for probabilities or z for logits, not both."
        )
    second = "z" if "z" in found else "p"
    missing = [c for c in ("t", second) if c not in found]
    if missing:
        what = " and ".join(f"“{c}”" for c in missing)
        what = f"no column{'s' * (len(missing) > 1)} {what}"
        raise UploadError(_missing_header(what, names, raw, line, "t,p"))
    picked = (found["t"], found[second])
    ignored = tuple(quote_typed(n) for i, n in enumerate(names) if i not in picked and n)
    return picked, ("t", second), ignored


def read_binary_csv(data: bytes, *, file_name: str = "table.csv") -> TableFile:
    """The binary table's rows from an uploaded CSV: columns ``("t", "p")`` or ``("t", "z")``.

    Raises :class:`UploadError` naming the line and column of a structural problem.
    """
    columns, rows, lines, ignored = _read(data, _binary_header, max_rows=MAX_ROWS, example="t,p")
    return TableFile(columns, rows, lines, ignored, _fingerprint(data), file_name)


def _categorical_header(
    names: list[str], raw: list[str], line: int
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    lowered = [name.lower() for name in names]
    if TRUE_CLASS not in lowered:
        raise UploadError(
            _missing_header(
                f"no column “{TRUE_CLASS}”", names, raw, line, f"{TRUE_CLASS},panda,seal,duck"
            )
        )
    target = lowered.index(TRUE_CLASS)  # a class may be called "true class" too: after it
    losses = [i for i, name in enumerate(lowered) if name == LOSS]
    computed = losses[-1:]  # our download's loss column is the last "loss" (a class may be one)
    classes = [i for i in range(len(names)) if i != target and i not in computed]
    seen: dict[str, int] = {}
    for count, i in enumerate(classes, start=1):
        name = names[i]
        if count > MAX_CLASSES:
            raise UploadError(
                f"{_where(line, i + 1, name)} (the header) is the {ordinal(count)} class "
                f"column; the table holds at most {MAX_CLASSES} classes. Keep {MAX_CLASSES} "
                "class columns or fewer."
            )
        if not name:
            raise UploadError(
                f"{_where(line, i + 1)} (the header) has no name: every class column needs one."
            )
        if len(name) > MAX_NAME_CHARS:
            raise UploadError(
                f"{_where(line, i + 1, name)} (the header): the class name has {len(name):,} "
                f"characters; use at most {MAX_NAME_CHARS}."
            )
        if name in seen:
            raise UploadError(
                f"{_where(line)} (the header): columns {seen[name] + 1} and {i + 1} are both "
                f"called “{quote_typed(name, MAX_NAME_CHARS)}”: class names must differ."
            )
        seen[name] = i
    if len(classes) < MIN_CLASSES:
        raise UploadError(
            f"{_where(line)} (the header): {len(classes)} class column{'s' * (len(classes) != 1)} "
            f"besides “{TRUE_CLASS}”; the table needs {MIN_CLASSES} to {MAX_CLASSES}, one "
            f"column per class (e.g. “{TRUE_CLASS},panda,seal,duck”)."
        )
    ignored = tuple(quote_typed(names[i]) for i in computed)
    return (target, *classes), (TRUE_CLASS, *(names[i] for i in classes)), ignored


def read_categorical_csv(data: bytes, *, file_name: str = "table.csv") -> TableFile:
    """The categorical table's rows from an uploaded CSV: columns ``(TRUE_CLASS, *classes)``.

    Every header column but ``true class`` and our download's ``loss`` is a class, in file
    order. Raises :class:`UploadError` naming the line and column of a structural problem.
    """
    columns, rows, lines, ignored = _read(
        data, _categorical_header, max_rows=MAX_ROWS, example=f"{TRUE_CLASS},panda,seal,duck"
    )
    return TableFile(columns, rows, lines, ignored, _fingerprint(data), file_name)


# ------------------------------------------------------------------------------ words


def row_line_words(lines: Sequence[int]) -> str:
    """Which file line each table row came from, in one sentence."""
    offsets = [line - row for row, line in enumerate(lines, start=1)]
    if len(set(offsets)) <= 1:
        k = offsets[0] if offsets else 1
        return f"Table row r is line r + {k} of the file."
    runs: list[tuple[int, int, int]] = []  # (first row, last row, offset)
    for row, offset in enumerate(offsets, start=1):
        if runs and runs[-1][2] == offset:
            runs[-1] = (runs[-1][0], row, offset)
        else:
            runs.append((row, row, offset))
    parts = [
        f"row {a} is line {a + k}" if a == b else f"rows {a}–{b} are lines {a + k}–{b + k}"
        for a, b, k in runs[:6]
    ]
    more = ", …" if len(runs) > 6 else ""
    return (
        "Blank lines (or line breaks inside quotes) were skipped: " + ", ".join(parts) + more + "."
    )


def upload_note(loaded: TableFile, what: str, extra: str = "") -> str:
    """What was loaded from which file, which line each row is, what was ignored (Markdown)."""
    n = len(loaded)
    ignored = (
        f" Ignored column{'s' * (len(loaded.ignored) > 1)}: {', '.join(loaded.ignored)}."
        if loaded.ignored
        else ""
    )
    return (
        f"Loaded **{quote_typed(loaded.file_name, 40)}**: {n} row{'s' * (n != 1)} into {what}."
        f"{extra} {row_line_words(loaded.lines)}{ignored}"
    )
