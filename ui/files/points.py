"""A student's own CSV of labelled 2-D points, read for the Live training page.

Pure Python (no Streamlit): :func:`parse_points_csv` turns the uploaded bytes into points
in the page's [-6, 6]² plane and class indices, or raises :class:`UploadError` whose message
names the line and column of the first problem, as a text editor numbers them (the header is
line 1). Everything is bounded before it is read: bytes, rows, classes, label length.
"""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass

import numpy as np

from ui.files.csv_text import CsvLines, UploadError, ordinal
from ui.text.quoting import quote_typed

COLUMNS = ("x1", "x2", "label")
MAX_BYTES = 200_000
MAX_ROWS = 1000
MIN_ROWS = 10
MAX_CLASSES = 5
MAX_LABEL_CHARS = 40
HALF_WIDTH = 5.5  # the longer side of the points' bounding box spans [-5.5, 5.5]
FORMAT_HELP = (
    "A header line naming the columns `x1`, `x2` and `label` (any order; other columns are "
    f"ignored), then one point per line. Labels `0` … `k-1`, or up to {MAX_CLASSES} different "
    f"words. {MIN_ROWS} to {MAX_ROWS:,} points, at most {MAX_BYTES // 1000} KB. "
    "Commas, semicolons or tabs between values; a dot for decimals. The points are shifted "
    "and scaled (one factor for both axes) into the page's [-6, 6]² plane."
)


@dataclass(frozen=True)
class UploadedPoints:
    """Points read from a CSV and placed in the plane: ``X = (raw - center) · scale``.

    ``y`` holds class indices 0 … k-1; ``class_names[k]`` is the label text of class k
    (labels are ordered as numbers when all are numbers, else alphabetically).
    """

    X: np.ndarray  # (n, 2) in [-HALF_WIDTH, HALF_WIDTH]², float64
    y: np.ndarray  # (n,) int
    raw: np.ndarray  # (n, 2) as in the file
    class_names: tuple[str, ...]
    center: tuple[float, float]
    scale: float
    ignored_columns: tuple[str, ...]
    fingerprint: str  # a hash of the file's bytes: the same file is the same data
    file_name: str = "points.csv"

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def __len__(self) -> int:
        return len(self.y)


def _where(line: int, column: str | None = None) -> str:
    return f"Line {line:,}" + (f", column “{column}”" if column else "")


def _number(text: str, line: int, column: str, delimiter: str) -> float:
    shown = quote_typed(text)
    if not text:
        raise UploadError(f"{_where(line, column)} is empty: every point needs {column}.")
    try:
        if "_" in text:
            raise ValueError
        value = float(text)
    except ValueError:
        hint = ""
        if delimiter != "," and "," in text:
            hint = " Write decimals with a dot (1.5, not 1,5)."
        raise UploadError(f"{_where(line, column)}: “{shown}” is not a number.{hint}") from None
    if not math.isfinite(value):
        raise UploadError(f"{_where(line, column)}: “{shown}” is not a finite number.")
    return value


def _header(row: list[str], line: int) -> tuple[dict[str, int], tuple[str, ...]]:
    """Column name -> index for x1, x2, label; and the names of the other columns."""
    names = [cell.strip().lower() for cell in row]
    found: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in COLUMNS:
            if name in found:
                raise UploadError(
                    f"{_where(line)} (the header): column “{name}” appears twice "
                    f"(columns {found[name] + 1} and {i + 1})."
                )
            found[name] = i
    missing = [c for c in COLUMNS if c not in found]
    if missing:
        looks_numeric = all(_is_number(cell) for cell in row[:2]) and len(row) >= 2
        seen = ", ".join(f"“{quote_typed(n)}”" for n in names[:6] if n) or "nothing"
        if looks_numeric:
            reason = "it holds numbers, so the header line is missing"
        else:
            reason = f"found {seen}"
        quoted = [f"“{m}”" for m in missing]
        what = (
            f"no column {quoted[0]}"
            if len(quoted) == 1
            else f"no columns {', '.join(quoted[:-1])} and {quoted[-1]}"
        )
        raise UploadError(
            f"{_where(line)} (the header): {what} ({reason}). "
            "The first line must name the columns x1, x2 and label."
        )
    others = tuple(quote_typed(n) for i, n in enumerate(names) if i not in found.values() and n)
    return found, others


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _label_key(label: str) -> str:
    """The class a label names: a number's shortest form (``1.0`` and ``1`` are ``1``), else
    the text itself."""
    if not _is_number(label):
        return label
    value = float(label)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _classes(keys: list[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class indices and names from label keys: numbers in numeric order, else alphabetical."""
    if all(_is_number(key) for key in keys):
        distinct = sorted(set(keys), key=float)
    else:
        distinct = sorted(set(keys))
    index = {name: k for k, name in enumerate(distinct)}
    return np.array([index[key] for key in keys]), tuple(distinct)


def _place(raw: np.ndarray) -> tuple[np.ndarray, tuple[float, float], float]:
    """Shift the bounding box's centre to 0 and scale both axes by one factor so its longer
    side spans [-HALF_WIDTH, HALF_WIDTH]. Works for any finite magnitudes (no overflow)."""
    m = float(np.abs(raw).max())
    if m == 0.0:
        raise UploadError("Every point is at (0, 0): the points need some spread to be placed.")
    unit = raw / m  # (n, 2) in [-1, 1]
    lo, hi = unit.min(axis=0), unit.max(axis=0)
    center = (lo + hi) / 2
    half = float(((hi - lo) / 2).max())
    factor = HALF_WIDTH / half if half > 0 else math.inf
    if not math.isfinite(factor):
        raise UploadError(
            "All points are at the same place: they need some spread to be placed in the plane."
        )
    X = (unit - center) * factor  # (n, 2)
    return (
        np.clip(X, -HALF_WIDTH, HALF_WIDTH),
        (float(center[0] * m), float(center[1] * m)),
        (factor / m),
    )


def parse_points_csv(data: bytes, *, file_name: str = "points.csv") -> UploadedPoints:
    """Read a CSV of labelled 2-D points; raise :class:`UploadError` naming line and column."""
    if len(data) > MAX_BYTES:
        raise UploadError(
            f"The file is {len(data) / 1000:,.1f} KB; at most {MAX_BYTES // 1000} KB "
            f"(about {MAX_ROWS:,} points) can be uploaded."
        )
    file = CsvLines(
        data,
        empty="The file is empty. It needs a header line (x1,x2,label) and at least "
        f"{MIN_ROWS} points.",
    )
    delimiter = file.delimiter
    columns: dict[str, int] | None = None
    ignored: tuple[str, ...] = ()
    coords: list[tuple[float, float]] = []
    labels: list[str] = []
    seen_labels: dict[str, int] = {}
    try:
        for line_start, row in file:
            if columns is None:
                columns, ignored = _header(row, line_start)
                width = len(row)
                continue
            while len(row) > width and not row[-1].strip():
                row = row[:-1]  # trailing empty cells ("1,2,0,")
            if len(row) != width:
                quotes = any("\n" in cell or "\r" in cell for cell in row)
                hint = ' (a quote “"” that is never closed joins the lines after it)' * quotes
                raise UploadError(
                    f"{_where(line_start)} has {len(row)} value{'s' * (len(row) != 1)}, but the "
                    f"header names {width} columns{hint}: write x1, x2 and label on every line."
                )
            if len(coords) == MAX_ROWS:
                raise UploadError(
                    f"{_where(line_start)}: more than {MAX_ROWS:,} points. Keep at most "
                    f"{MAX_ROWS:,} (a server shared by a class trains them live)."
                )
            x1 = _number(row[columns["x1"]].strip(), line_start, "x1", delimiter)
            x2 = _number(row[columns["x2"]].strip(), line_start, "x2", delimiter)
            label = row[columns["label"]].strip()
            if not label:
                raise UploadError(f"{_where(line_start, 'label')} is empty: every point needs one.")
            if len(label) > MAX_LABEL_CHARS:
                raise UploadError(
                    f"{_where(line_start, 'label')}: the label is {len(label)} characters long; "
                    f"at most {MAX_LABEL_CHARS}."
                )
            key = _label_key(label)
            if key not in seen_labels:
                if len(seen_labels) == MAX_CLASSES:
                    before = ", ".join(f"“{quote_typed(k)}”" for k in seen_labels)
                    raise UploadError(
                        f"{_where(line_start, 'label')}: “{quote_typed(label)}” is a "
                        f"{ordinal(MAX_CLASSES + 1)} different label; at most {MAX_CLASSES} "
                        f"classes (found {before} before it)."
                    )
                seen_labels[key] = line_start
            coords.append((x1, x2))
            labels.append(key)
    except csv.Error as err:
        raise UploadError(
            f"{_where(file.line + 1)} cannot be read as CSV ({err}). Check its quotes."
        ) from None
    if columns is None:  # pragma: no cover - a non-blank text always has a first row
        raise UploadError("The file has no header line (x1,x2,label).")
    if not coords:
        raise UploadError(f"{_where(1)} is the header, but no points follow it.")
    if len(coords) < MIN_ROWS:
        raise UploadError(
            f"Only {len(coords)} point{'s' * (len(coords) != 1)}: at least {MIN_ROWS} are "
            "needed (some are held out as test points)."
        )
    if len(seen_labels) < 2:
        raise UploadError(
            f"Column “label”: every point has the label “{quote_typed(labels[0])}”. "
            "At least 2 different classes are needed to learn a boundary."
        )
    raw = np.array(coords, dtype=np.float64)  # (n, 2)
    y, names = _classes(labels)
    X, center, scale = _place(raw)
    return UploadedPoints(
        X=X,
        y=y.astype(np.intp),
        raw=raw,
        class_names=names,
        center=center,
        scale=scale,
        ignored_columns=ignored,
        fingerprint=hashlib.sha256(data).hexdigest()[:16],
        file_name=file_name,
    )


def placement_words(points: UploadedPoints) -> str:
    """How the file's coordinates were placed in the plane, in one sentence (Markdown)."""
    cx, cy = points.center
    return (
        f"Placed in the page's [-6, 6]² plane: x ↦ (x − c) · s with c = ({cx:.4g}, {cy:.4g}) and "
        f"s = {points.scale:.4g}, one factor for both axes so shapes keep their proportions; "
        f"the longer side of the points' box spans [−{HALF_WIDTH:g}, {HALF_WIDTH:g}]."
    )
