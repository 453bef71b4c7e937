"""Your own data as a CSV file: read it (checked, in plain words) and write it back.

A file holds one point per row: two input columns and a label (or a regression
target), a header row optional, separated by ``,`` ``;`` or tab::

    x1,x2,label
    0.5,1.2,cat
    -1.0,0.3,dog

>>> table = read_csv("x1,x2,label\\n" + "\\n".join(f"{i},{i % 3},{i % 2}" for i in range(10)))
>>> X, y = table
>>> X.shape, y.tolist()[:4], table.classes
((10, 2), [0, 1, 0, 1], ('0', '1'))

An upload is only ever decoded as text and parsed here: never unpickled, evaluated or
written to disk. Whatever is wrong raises ``ValueError`` with one sentence naming the
problem and where (row, column); rows are numbered as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from pathlib import Path

import numpy as np

from playground.data.datasets import MAX_CLASSES, MAX_SAMPLES, MIN_CLASSES, MIN_SAMPLES

MAX_BYTES = 4 * 2**20  # an upload larger than this is refused before it is parsed
SEPARATORS = (",", ";", "\t")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# first bytes of files that are not text: name for the message
_MAGIC = ((b"\x1f\x8b", "gzip"), (b"\x89PNG", "PNG image"), (b"PK\x03\x04", "zip"),
          (b"\x80", "pickle"), (b"%PDF", "PDF"), (b"\xff\xd8\xff", "JPEG image"),
          (b"GIF8", "GIF image"), (b"\x93NUMPY", "NumPy"), (b"BZh", "bzip2"),
          (b"\xfd7zXZ", "xz"))


class Table(tuple):
    """``(X, y)`` as read from a file, with the names that go with them.

    Unpacks as ``X, y``: ``X`` (n, 2) float64 points, ``y`` (n,) int64 class indices or
    float64 regression targets. ``classes`` names the classes ``0..k-1`` (None for a
    regression target); ``columns`` names the two inputs and the label.
    """

    def __new__(cls, X, y, classes, columns):
        self = super().__new__(cls, (X, y))
        self.classes, self.columns = classes, tuple(columns)
        return self


class ColumnsError(ValueError):
    """More than three columns and no choice of which to use: ``columns`` lists them,
    ``suggested`` is a likely choice (indices of x1, x2 and the label; see
    :func:`suggest_columns`)."""

    def __init__(self, message: str, columns: list[str],
                 suggested: tuple[int, int, int] = (0, 1, 2)):
        super().__init__(message)
        self.columns = columns
        self.suggested = suggested


def suggest_columns(cells: list[list[str]]) -> tuple[int, int, int]:
    """A likely (x1, x2, label) of a table of more than three columns, by index: the
    label is the last column that looks like one (not numbers, or at most
    ``MAX_CLASSES`` distinct values), else the last; the inputs are the first two other
    number columns that are not a row number (whole numbers counting up).

    Parameters
    ----------
    cells : list of rows, each a list of the row's fields (str)
    """
    width = len(cells[0])
    columns = [[row[j].strip() for row in cells] for j in range(width)]
    numeric = [all(_NUMBER.fullmatch(c) for c in col) for col in columns]

    def label_like(j):
        return not numeric[j] or len(set(columns[j])) <= MAX_CLASSES

    def row_number(j):
        if not numeric[j]:
            return False
        values = np.array([float(c) for c in columns[j]])
        return bool(np.all(values == np.round(values)) and np.all(np.diff(values) > 0))

    label = next((j for j in reversed(range(width)) if label_like(j)), width - 1)
    others = [j for j in range(width) if j != label]
    inputs = [j for j in others if numeric[j] and not row_number(j)]
    inputs += [j for j in others if j not in inputs]
    return inputs[0], inputs[1], label


def read_csv(source, columns=None) -> Table:
    """Read points and labels (or targets) from CSV text.

    Parameters
    ----------
    source : bytes, str, path or file object
        The file's bytes or text, a path (``pathlib.Path``, or a str without a separator
        or line break), or an open file (binary or text).
    columns : sequence of 3 (str or int), optional
        The two input columns and the label column, by header name or 0-based index;
        needed when the file has more than three columns.

    Returns
    -------
    Table
        ``(X, y)``: X (n, 2) float64; y (n,) int64 classes ``0..k-1`` (2 to 5; numbers or
        names, in sorted order) or, for a numeric target with more than 5 distinct values,
        float64 regression targets. ``.classes`` and ``.columns`` hold the names.

    Raises
    ------
    ValueError
        One sentence naming the problem and where (row, column). A file with more than
        three columns and no ``columns`` raises :class:`ColumnsError` listing them.
    """
    text = _decode(_read_bytes(source))
    sep = _separator(text)
    rows = _rows(text, sep)
    if not rows:
        raise ValueError("The file holds only separators, no values: write x1, x2 and a "
                         "label on each row.")
    header = None
    first = rows[0][1]
    if not all(_NUMBER.fullmatch(c.strip()) for c in first[:2]):
        header, rows = [c.strip() for c in first], rows[1:]
        if len(set(header)) != len(header) and columns is not None:
            raise ValueError("The header names a column twice: name columns by number.")
    width = len(header) if header else len(first)
    names = header or [f"column {i + 1}" for i in range(width)]
    if width < 3:
        raise ValueError(f"The file has {width} column{'s' * (width != 1)}; it needs three: "
                         f"x1, x2 and a label, separated by a comma, semicolon or tab.")
    if not MIN_SAMPLES <= len(rows) <= MAX_SAMPLES:
        raise ValueError(f"The file has {len(rows):,} data rows; it needs "
                         f"{MIN_SAMPLES} to {MAX_SAMPLES:,}.")
    for line, row in rows:
        if len(row) != width:
            raise ValueError(f"Row {line} has {len(row)} fields, the others {width}.")
    try:
        picked = _pick(columns, names, width)
    except ColumnsError as err:
        raise ColumnsError(str(err), names, suggest_columns([r for _, r in rows])) from None
    X = np.empty((len(rows), 2))
    for j in range(2):
        X[:, j] = _numbers([r[picked[j]] for _, r in rows], [n for n, _ in rows],
                           names[picked[j]])
    y, classes = _labels([r[picked[2]] for _, r in rows], [n for n, _ in rows],
                         names[picked[2]])
    return Table(X, y, classes, [names[i] for i in picked])


def _read_bytes(source) -> bytes:
    if isinstance(source, str) and not any(s in source for s in ("\n", "\r", *SEPARATORS)):
        source = Path(source)
    if isinstance(source, os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"No such file: {path.name}.")
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(_too_big(path.stat().st_size))
        with path.open("rb") as f:
            return f.read(MAX_BYTES + 1)
    if hasattr(source, "read"):
        source = source.read(MAX_BYTES + 1)
    if isinstance(source, str):
        if len(source) > MAX_BYTES:  # (characters: at most 4 bytes each, checked below)
            raise ValueError(_too_big(len(source)))
        source = source.encode("utf-8", "surrogatepass")
    if not isinstance(source, bytes | bytearray | memoryview):
        raise ValueError(f"Expected CSV text or bytes, a path or a file, got "
                         f"{type(source).__name__}.")
    data = bytes(source)
    if len(data) > MAX_BYTES:
        raise ValueError(_too_big(len(data)))
    return data


def _too_big(size: int) -> str:
    return (f"The file is {size / 2**20:.1f} MB; the limit is {MAX_BYTES / 2**20:.0f} MB "
            f"({MAX_SAMPLES:,} rows of points fit in far less).")


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ValueError("The file is empty.")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise ValueError(f"This is a {kind} file, not CSV text.")
    if b"\x00" in data[:4096]:
        raise ValueError("This is a binary file (it holds zero bytes), not CSV text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise ValueError(f"Row {line} is not UTF-8 text (byte {err.start + 1}): save the "
                         "file as CSV UTF-8.") from None
    if not text.strip():  # a byte-order mark or Unicode spaces alone
        raise ValueError("The file is empty.")
    return text


def _separator(text: str) -> str:
    first = next(line for line in text.splitlines() if line.strip())
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {s: unquoted.count(s) for s in SEPARATORS}
    best = max(SEPARATORS, key=counts.get)
    if not counts[best]:
        raise ValueError("Row 1 has no separator: write x1, x2 and a label separated by a "
                         "comma, semicolon or tab.")
    return best


def _rows(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows as (line number, fields)."""
    if text.count("\n") > MAX_SAMPLES + 1000:  # refuse before parsing a huge file
        raise ValueError(f"The file has about {text.count(chr(10)):,} rows; it needs "
                         f"{MIN_SAMPLES} to {MAX_SAMPLES:,}.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    rows = []
    try:
        for row in reader:
            if any(c.strip() for c in row):
                rows.append((reader.line_num, row))
    except csv.Error as err:
        raise ValueError(f"Row {reader.line_num} cannot be read as CSV ({err}); check its "
                         "quotes.") from None
    return rows


def _pick(columns, names: list[str], width: int) -> list[int]:
    if columns is None:
        if width > 3:
            shown = ", ".join(names[:8]) + (", …" if width > 8 else "")
            raise ColumnsError(f"The file has {width:,} columns ({shown}): choose the two "
                               "inputs and the label.", names)
        return [0, 1, 2]
    columns = list(columns)
    if len(columns) != 3:
        raise ValueError(f"columns: name the two inputs and the label (3 columns), got "
                         f"{len(columns)}.")
    picked = []
    for c in columns:
        if isinstance(c, int | np.integer) and not isinstance(c, bool) and 0 <= c < width:
            picked.append(int(c))
        elif isinstance(c, str) and c in names:
            picked.append(names.index(c))
        else:
            raise ValueError(f"columns: {c!r} is not a column of this file "
                             f"({', '.join(names)}).")
    if len(set(picked)) != 3:
        raise ValueError("columns: pick three different columns.")
    return picked


def _numbers(cells: list[str], lines: list[int], name: str) -> np.ndarray:
    values = np.empty(len(cells))
    for i, cell in enumerate(cells):
        text = cell.strip()
        if not _NUMBER.fullmatch(text):
            what = "is empty" if not text else f"has {_short(text)}, not a number"
            raise ValueError(f"Row {lines[i]}, column {name} {what}.")
        values[i] = float(text)
        if not np.isfinite(values[i]):
            raise ValueError(f"Row {lines[i]}, column {name}: {_short(text)} is too large.")
    return values


def _labels(cells: list[str], lines: list[int], name: str):
    texts = [c.strip() for c in cells]
    for i, t in enumerate(texts):
        if not t:
            raise ValueError(f"Row {lines[i]}, column {name} is empty.")
        if (what := _not_finite(t)) is not None:  # nan, -nan, inf...: no class's name
            raise ValueError(f"Row {lines[i]}, column {name} has {_short(t)}, {what}, "
                             "not a label.")
    numeric = all(_NUMBER.fullmatch(t) for t in texts)
    if numeric:
        values = _numbers(texts, lines, name)
        distinct = np.unique(values)
        if len(distinct) > MAX_CLASSES:  # a numeric target: regression
            return values, None
        keys = list(distinct)
        classes = tuple(_class_name(v) for v in distinct)
        index = {v: i for i, v in enumerate(keys)}
        y = np.array([index[v] for v in values], dtype=np.int64)
    else:
        classes = tuple(sorted(set(texts)))
        if len(classes) > MAX_CLASSES:
            raise ValueError(f"Column {name} has {len(classes)} classes "
                             f"({', '.join(map(_short, classes[:7]))}…); at most {MAX_CLASSES}.")
        index = {c: i for i, c in enumerate(classes)}
        y = np.array([index[t] for t in texts], dtype=np.int64)
    if len(classes) < MIN_CLASSES:
        raise ValueError(f"Column {name} has a single class ({_short(classes[0])}); a "
                         f"classifier needs {MIN_CLASSES} to {MAX_CLASSES}.")
    return y, classes


def _not_finite(text: str) -> str | None:
    """What a NaN or an infinity spelled out is, in words (None for anything else)."""
    try:
        x = float(text)
    except ValueError:
        return None
    if math.isnan(x):
        return "a missing value (NaN)"
    return "an infinite number" if math.isinf(x) else None


def _class_name(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))


def _short(text: str) -> str:
    return repr(text if len(text) <= 20 else text[:20] + "…")


def to_csv(X, y, classes=None, columns=("x1", "x2", "label")) -> str:
    """Points ``X`` (n, 2) and labels ``y`` (n,) as CSV text that :func:`read_csv` reads
    back to the same arrays: a header, numbers in full precision, classes by name."""
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    X = np.asarray(X, float)
    labels = ([classes[int(v)] for v in y] if classes is not None
              else [repr(float(v)) for v in y])
    for (a, b), label in zip(X.tolist(), labels, strict=True):
        w.writerow((repr(a), repr(b), label))
    return out.getvalue()
