"""Reading a student's CSV file as text: shared by every upload (tables, training points).

Pure Python. Problems raise :class:`UploadError` with a message that names the line, as a
text editor numbers it, and says what to do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

DELIMITERS = (",", ";", "\t")


class UploadError(ValueError):
    """A file the page cannot use; the message says where (line, column) and what to do."""


def line_of(data: bytes, index: int) -> int:
    """The 1-based line of byte ``index`` in ``data``, as a text editor numbers it."""
    return data.count(b"\n", 0, index) + 1


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UploadError(
                "The file starts like UTF-16 text but is not valid UTF-16: save it as UTF-8 CSV."
            ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise UploadError(
            f"Line {line_of(data, nul):,} holds binary data (a NUL byte): this is not a text "
            "CSV file. Save it as “CSV (UTF-8)”."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise UploadError(
            f"Line {line_of(data, err.start):,} is not readable text (byte "
            f"0x{data[err.start]:02x}): save the file as “CSV (UTF-8)”."
        ) from None


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of comma, semicolon and tab in the header line (comma if none)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, … 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class CsvLines:
    """A student's CSV file as ``(line, row)`` pairs: blank lines skipped, ``line`` the one
    a row starts on (a quoted value may span lines), as a text editor numbers it.

    Raises :class:`UploadError` with ``empty`` for a file with no text. While iterating,
    ``line`` is the last line read and ``line_num`` the csv reader's, for messages about a
    ``csv.Error`` raised by the iteration.
    """

    def __init__(self, data: bytes, *, empty: str, strict: bool = False) -> None:
        text = decode_text(data)
        if not text.strip():
            raise UploadError(empty)
        self.delimiter = sniff_delimiter(text.lstrip("\r\n").splitlines()[0])
        self._reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=self.delimiter, strict=strict
        )
        self.line = 0

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        for row in self._reader:
            start, self.line = self.line + 1, self._reader.line_num
            if any(cell.strip() for cell in row):
                yield start, row
