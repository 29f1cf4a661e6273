"""The hostile inputs, in one place: what students may type into tables and links.

Each test module parametrizes over these lists, so :data:`COUNTS` is the number of bad
inputs the suite feeds each surface (``test_tables.py`` checks they add up to 200 or more).
A cell value is the text the grid sends (``None`` for a cell left empty).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

LONG = 10_000  # characters in a "very long" input

# Text that no numeric cell may accept: words, wrong notations, unicode garbage, injections.
GARBAGE: tuple[str, ...] = (
    "abc",
    "one half",
    "0,5",  # a decimal comma
    "1/2",
    "50%",
    "0.5.1",
    "--0.5",
    "0x1A",
    "1e",
    "e5",
    ".",
    "-",
    "+",
    "1__0",
    "0.5_",
    "0.5e-",
    "0.5 0.6",
    "0.5\n0.6",
    "0.5;",
    "[0.5]",
    '{"p": 0.5}',
    "null",
    "None",
    "undefined",
    "true",
    "½",
    "０．５",  # full-width digits and full stop
    "Ⅷ",
    "零点五",
    "٠٫٥",  # Arabic-Indic digits and decimal separator
    "🐼",
    "\u202e0.5",  # right-to-left override
    "0.5\u0000",
    "0.5\u200b",  # zero-width space
    "%00",
    "'; DROP TABLE students; --",
    "1; DROP TABLE x",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{7*7}}",
    "${7*7}",
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "**0.5**",
    "`0.5`",
    "$0.5$",
    "\\frac{1}{2}",
    "../../etc/passwd",
    "x" * LONG,
)
# Numbers that are not finite (Python's float() reads every one of these).
NOT_FINITE: tuple[str, ...] = (
    "nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity", "1e309", "-1e309",
    "9" * LONG, "-" + "9" * LONG,
)  # fmt: skip
EMPTY: tuple[str | None, ...] = ("", "   ", "\t", None)
# Finite numbers outside [0, 1]: bad for a probability or a target, fine for a logit.
OUT_OF_UNIT: tuple[str, ...] = (
    "-0.1", "1.5", "-1", "2", "1.0000000000000002", "-1e-300", "1e3", "１e５", "1" + "0" * 300,
)  # fmt: skip

PROBABILITY_CELLS = GARBAGE + NOT_FINITE + EMPTY + OUT_OF_UNIT
LOGIT_CELLS = GARBAGE + NOT_FINITE + EMPTY

# The true-class cell of the categorical table: anything that is not exactly a class name.
BAD_TARGETS: tuple[str | None, ...] = (
    "zebra", "3", "0", "-1", "1.5", "Panda", " panda", "panda ", "seal,duck", "",
    None, "<script>alert(1)</script>", "🐼", "x" * LONG, "'; DROP TABLE t; --", "nan",
)  # fmt: skip

# Rows of the categorical table (panda, seal, duck) that do not add up to 1.
BAD_ROW_SUMS: tuple[tuple[str, str, str], ...] = (
    ("0.5", "0.5", "0.5"),
    ("0", "0", "0"),
    ("0.3", "0.3", "0.3"),
    ("1", "0.000002", "0"),
)

# Class names the page must refuse, each with the words its message must contain.
BAD_CLASS_NAMES: tuple[tuple[str, str], ...] = (
    ("", "Class 1 has no name"),
    ("   ", "Class 1 has no name"),
    ("\t", "Class 1 has no name"),
    ("seal", "Classes 1 and 2 are both called “seal”"),
    (" seal ", "Classes 1 and 2 are both called “seal”"),
    ("duck", "Classes 1 and 3 are both called “duck”"),
)
# Class names that break the page today (see the xfail reasons in test_tables.py).
BROKEN_CLASS_NAMES: tuple[str, ...] = ("target", "x" * LONG)
# Odd but usable class names: kept as typed, shown as text, the losses unchanged.
ODD_CLASS_NAMES: tuple[str, ...] = (
    "<script>alert(1)</script>", "'; DROP TABLE classes; --", "🐼\u202eñ", "$x$", "**bold**",
    "row", "loss Lᵢ",
)  # fmt: skip

# Tables as a whole.
PASTE_ROWS = 1000  # a paste of this many rows (added_rows)
TOO_MANY_CLASSES = 50

# --------------------------------------------------------------------- query parameters
#
# Per page: parameter -> bad values, each falling back to the default with a note naming
# the parameter. A list value repeats the key in the query string (the last one counts).
# A tuple (value, words) expects a page message containing ``words`` instead of the usual
# "Link setting `key=" note (a value the parser accepts but the page cannot show).

HUGE = "9" * LONG
JUNK = "x" * LONG

BINARY_PARAMS: dict[str, list] = {
    "p": ["", "abc", "-0.1", "1.5", "nan", "inf", "-inf", "1e999", HUGE, JUNK, "0,5", "½",
          "<script>alert(1)</script>", ["0.3", "abc"], ["0.3", "1.5"]],
    "t": ["", "abc", "-0.1", "1.5", "nan", "-inf", HUGE, "'; DROP TABLE t; --", ["1", "2"]],
    "yscale": ["", "LOG", "log ", "lin", "linear,log", "<b>log</b>", JUNK, ["log", "ln"]],
    "logits": ["", "2", "maybe", "-1", "truee", JUNK, ["1", "perhaps"]],
}  # fmt: skip
CATEGORICAL_PARAMS: dict[str, list] = {
    "input": ["", "LOGITS", "prob", "logit", JUNK, "<script>x</script>", ["logits", "z"]],
    "smoothing": ["", "-0.1", "1.5", "nan", "inf", "abc", HUGE, ["0.1", "-1"]],
    "weights": [
        "", "1", ("1,1", "lists 2 weights"), ("1,1,1,1", "lists 4 weights"),
        ",".join(["1"] * 50), "-1,1,1", "101,1,1", "nan,1,1", "inf,1,1", "a,b,c", "1;1;1",
        "1,,1", ",".join(["1"] * 5000), ["1,1,1", "x"],
    ],
    "row": ["", "0", "-1", "501", ("99", "There is no row 99"), ("5", "There is no row 5"),
            "1.5", "abc", HUGE, ["2", "0"]],
}  # fmt: skip
SOFTMAX_PARAMS: dict[str, list] = {
    "z": [
        "", "abc", "1,2", ",".join(["1"] * 11), ",".join(["0"] * TOO_MANY_CLASSES), "1,,3",
        "1;2;3", "1 2 3", "nan,0,0", "inf,0,0", "0,0,-inf", "11,0,0", "-10.5,0,0",
        "1e309,0,0", "0x1,0,0", "[1,2,3]", "1,2,3,", "1," * 5000, "<script>,0,0",
        ["2,3,4", "a,b,c"],
    ],
    "tau": ["", "0", "-1", "0.25", "nan", "inf", "1e999", "abc", "10.5", "100", "1/2", JUNK,
            ["1", "0"]],
    "target": ["", "-1", "10", "1.5", "abc", "99999999999999999999", "0x1", JUNK,
               ("7", "Target class 7 does not exist"), ("3", "Target class 3 does not exist"),
               ["0", "x"]],
}  # fmt: skip
TRAINING_PARAMS: dict[str, list] = {
    "tr_data": ["", "CIRCLE", "spirals", "<script>x</script>", JUNK, ["blobs", "mnist"]],
    "tr_classes": ["1", "6", str(TOO_MANY_CLASSES), "2.5", ""],
    "tr_points": ["19", "1001", "1000000", "-1", "1e3", HUGE],
    "tr_noise": ["-0.1", "1.5", "nan", "inf", "abc"],
    "tr_test": ["9", "91", "0", "100", "50.5"],
    "tr_seed": ["-1", "10000", "1e4", "99999999999999999999"],
    "tr_layers": ["-1", "5", "40", "2.0"],
    "tr_units1": ["0", "33", "1000", "-4"],
    "tr_units2": ["0", "33", "abc"],
    "tr_units3": ["0", "33"],
    "tr_units4": ["0", "33"],
    "tr_act": ["", "softmax", "ReLU", "gelu"],
    "tr_lr": ["0", "100", "0.02", "-0.03", "nan", "inf"],
    "tr_batch": ["0", "101", "1000000", "-10"],
    "tr_l2": ["-1", "0.5", "100", "nan"],
    "tr_speed": ["0", "11", "1000"],
    "tr_show_test": ["2", "maybe", ""],
    "tr_log": ["yes please", "-1"],
}  # fmt: skip
BACKPROP_PARAMS: dict[str, list] = {
    "bp_data": ["", "BLOBS", "circle", "moons", "<script>x</script>", JUNK, ["blobs", "mnist"]],
    "bp_head": ["", "Softmax", "relu", "sigmoid,softmax", JUNK, ["softmax", "tanh"]],
    "bp_l2": ["-1", "0.5", "nan", "inf", "abc", "0.01%", ["0", "1"]],
    "bp_batch": ["", "all", "ONE", "0", JUNK],
    "bp_n": ["0", "33", "-1", "4.5", "1e1", HUGE, "abc"],
    "bp_seed": ["-1", "10000", "1e4", "99999999999999999999", "abc", "0x1"],
    "bp_point": ["-1", "1000", ("500", "There is no training point 500"), "abc", "1.5", HUGE],
    "bp_j": ["-1", "5", ("3", "There is no output unit 3"), "abc", "0x1", ["0", "9"]],
    "bp_i": ["-1", "32", ("16", "There is no last-hidden unit 16"), "abc", "1e1"],
    "bp_lr": ["0", "0.2", "-0.3", "nan", "inf", "100", "abc"],
    "bp_row": ["-1", "32", ("4", "There is no row of the batch 4"), "abc", "²"],
    "bp_fade_act": ["", "softmax", "ReLU", "linear", JUNK],
    "bp_fade_depth": ["0", "7", "-1", "2.5", "abc", HUGE],
}  # fmt: skip
PAGE_PARAMS: dict[str, dict[str, list]] = {
    "pages/binary.py": BINARY_PARAMS,
    "pages/categorical.py": CATEGORICAL_PARAMS,
    "pages/softmax.py": SOFTMAX_PARAMS,
    "pages/training.py": TRAINING_PARAMS,
    "pages/backprop.py": BACKPROP_PARAMS,
}


def problem_words(cell: str | None) -> str:
    """What the message about a bad numeric ``cell`` must say is wrong with it."""
    if cell in EMPTY:
        return "is empty"
    if cell in NOT_FINITE:
        return "is not a finite number"
    if cell in OUT_OF_UNIT:
        return "is outside the allowed range 0 to 1"
    return "is not a number"


def chunks(items: Sequence[T], size: int) -> list[tuple[T, ...]]:
    """``items`` cut into consecutive tuples of at most ``size``."""
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)]


def _count_params(params: dict[str, list]) -> int:
    return sum(len(values) for values in params.values())


COUNTS: dict[str, int] = {
    "binary table, p mode (t and p cells)": 2 * len(PROBABILITY_CELLS),
    "binary table, logits mode (z cells)": len(LOGIT_CELLS),
    "binary table, whole (empty table, 1,000-row paste)": 2,
    "categorical table, probability cells": len(PROBABILITY_CELLS),
    "categorical table, logit cells": len(LOGIT_CELLS),
    "categorical table, true-class cells": len(BAD_TARGETS),
    "categorical table, rows not adding up to 1": len(BAD_ROW_SUMS),
    "categorical table, whole (empty, 1,000-row paste, 50 classes)": 3,
    "categorical class names (refused + broken)": len(BAD_CLASS_NAMES) + len(BROKEN_CLASS_NAMES),
    **{f"query parameters of {page}": _count_params(p) for page, p in PAGE_PARAMS.items()},
}
