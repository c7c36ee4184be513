"""The common paths file: `path,total_conversions,total_null[,total_conversion_value]`.

One row per distinct journey, channels separated by `>` (usually written ` > `), as
ChannelAttribution (R and Python) and most attribution tools export and read it. The header
names the columns, in any order; other columns are ignored; `;` or a tab may separate the
columns instead of `,` (ChannelAttribution's own sample file uses `;`). Identical paths on
several rows are added up by the models.

The whole file is checked before anything is returned: the first problem (in file order) is
raised as a `PathsFileError` naming its line and column.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

from smarketing.analytics.attribution.paths import FloatArray, IntArray, Paths
from smarketing.analytics.attribution.reader_columns import columns_parse

PATH = "path"
CONVERSIONS = "total_conversions"
NULLS = "total_null"
VALUE = "total_conversion_value"
REQUIRED = (PATH, CONVERSIONS, NULLS)
SEPARATOR = ">"


class PathsFileError(ValueError):
    """What is wrong with a paths file, and where (1-based line and column)."""

    def __init__(self, *, line: int, column: int | None, message: str) -> None:
        self.line = line
        self.column = column
        self.message = message
        where = f"line {line}" if column is None else f"line {line}, column {column}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class _Problem:
    """A candidate error; the earliest in the file is the one raised."""

    row: int
    column: int
    message: str


@dataclass(frozen=True)
class _Table:
    header: dict[str, int]  # column name -> 0-based index
    rows: list[list[str]]
    lines: list[int]  # the line each row starts on
    width: int


def paths_read(path: Path | str) -> Paths:
    """Read a paths file; see the module docstring. Raises PathsFileError or OSError."""
    return paths_parse_bytes(Path(path).read_bytes())


def paths_parse(text: str) -> Paths:
    """Parse the text of a paths file; see the module docstring."""
    return paths_parse_bytes(text.encode("utf-8"))


def paths_parse_bytes(raw: bytes) -> Paths:
    """Parse a paths file's bytes (UTF-8): the fast reading first, and when it finds anything
    unusual the careful one, row by row, which raises the error of the first bad row."""
    fast = _fast_parse(raw)
    if fast is not None:
        return fast
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PathsFileError(line=line, column=None, message="not UTF-8 text") from None
    return _careful_parse(text)


def _careful_parse(text: str) -> Paths:
    table = _table_read(text)
    problems: list[_Problem] = []
    problems += _width_problems(table)
    if problems:
        _raise_first(problems, table)
    columns = list(zip(*table.rows, strict=True)) if table.rows else []

    def column(name: str) -> Sequence[str]:
        return columns[table.header[name]] if columns else ()

    conversions = _numbers(column(CONVERSIONS), name=CONVERSIONS, table=table, problems=problems)
    nulls = _numbers(column(NULLS), name=NULLS, table=table, problems=problems)
    values = None
    if VALUE in table.header:
        values = _numbers(column(VALUE), name=VALUE, table=table, problems=problems)
    paths = [p.strip() for p in column(PATH)]
    channels, touches, starts = _channels(paths, at=table.header[PATH], problems=problems)
    if problems:
        _raise_first(problems, table)
    return Paths(
        channels=channels,
        touches=touches,
        starts=starts,
        conversions=conversions,
        nulls=nulls,
        values=values,
    )


def _fast_parse(raw: bytes) -> Paths | None:
    """The common case in a few passes over the bytes: an unquoted file whose every line has
    the header's number of fields, numbers that parse and channel names that are not empty.
    None when anything is unusual: `paths_parse` then reads the file row by row and names the
    line and column of the problem.

    A million journeys make a file of a few hundred thousand rows and millions of touches; row
    by row with the csv module that takes seconds, this well under one.
    """
    raw = raw.removeprefix(codecs.BOM_UTF8).replace(b"\r\n", b"\n")
    if b'"' in raw or b"\r" in raw or not raw.strip():
        return None
    raw = raw if raw.endswith(b"\n") else raw + b"\n"
    end_of_header = raw.index(b"\n")
    try:
        header_line = raw[:end_of_header].decode("utf-8")
    except UnicodeDecodeError:
        return None
    delimiter = _delimiter(header_line)
    header = {name.strip(): n for n, name in enumerate(header_line.split(delimiter))}
    if any(name not in header for name in REQUIRED):
        return None
    width = len(header_line.split(delimiter))
    if len(header) == width:
        numeric = (CONVERSIONS, NULLS, VALUE) if VALUE in header else (CONVERSIONS, NULLS)
        quickest = columns_parse(
            raw, header=header, start=end_of_header + 1, delimiter=delimiter, numeric=numeric
        )
        if quickest is not None:
            return quickest
    columns = _fast_columns(raw, start=end_of_header + 1, delimiter=delimiter.encode(), width=width)
    if columns is None:
        return None
    numbers = {}
    for name in (CONVERSIONS, NULLS, VALUE):
        if name in header:
            parsed = _fast_numbers(columns[header[name]])
            if parsed is None:
                return None
            numbers[name] = parsed
    coded = _fast_channels(columns[header[PATH]])
    if coded is None:
        return None
    channels, touches, starts = coded
    return Paths(
        channels=channels,
        touches=touches,
        starts=starts,
        conversions=numbers[CONVERSIONS],
        nulls=numbers[NULLS],
        values=numbers.get(VALUE),
    )


def _fast_columns(
    raw: bytes, *, start: int, delimiter: bytes, width: int
) -> list[list[bytes]] | None:
    """The fields of the lines after the header, by column, if every line has `width` of them
    and none is blank."""
    data = np.frombuffer(raw, dtype=np.uint8)[start:]
    newlines = np.flatnonzero(data == ord("\n"))
    if not len(newlines):
        return [[] for _ in range(width)]
    delimiters = np.flatnonzero(data == delimiter[0])
    per_line = np.diff(np.searchsorted(delimiters, newlines), prepend=0)
    if np.any(per_line != width - 1) or np.any(np.diff(newlines, prepend=-1) == 1):
        return None
    fields = raw[start:-1].replace(b"\n", delimiter).split(delimiter)
    return [fields[k::width] for k in range(width)]


def _fast_numbers(cells: list[bytes]) -> FloatArray | None:
    try:
        numbers = np.array(cells, dtype=np.float64)
    except ValueError:
        return None
    if cells and not (np.all(np.isfinite(numbers)) and numbers.min() >= 0):
        return None
    return numbers


def _fast_channels(paths: list[bytes]) -> tuple[tuple[str, ...], IntArray, IntArray] | None:
    """As `_channels`, on bytes; None on an empty name or text that is not UTF-8."""
    tokens = SEPARATOR.encode().join(paths).split(SEPARATOR.encode()) if paths else []
    index: dict[str, int] = {}
    raw_code: dict[bytes, int] = {}
    try:
        for raw in dict.fromkeys(tokens):
            raw_code[raw] = index.setdefault(raw.decode("utf-8").strip(), len(index))
    except UnicodeDecodeError:
        return None
    if "" in index:
        return None
    lengths = np.fromiter(
        map(bytes.count, paths, repeat(SEPARATOR.encode())), dtype=np.int64, count=len(paths)
    )
    touches = np.fromiter(map(raw_code.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    starts = np.zeros(len(paths) + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=starts[1:])
    return tuple(index), touches, starts


def _table_read(text: str) -> _Table:
    lines = text.splitlines()
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise PathsFileError(line=1, column=None, message="the file is empty")
    delimiter = _delimiter(lines[first])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header_row = next(r for r in reader if any(cell.strip() for cell in r))
    header = {name.strip(): n for n, name in enumerate(header_row)}
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        found = ", ".join(repr(h) for h in header) or "nothing"
        raise PathsFileError(
            line=reader.line_num,
            column=None,
            message=f"the header lacks the column(s) {', '.join(missing)} "
            f"(expected {','.join(REQUIRED)}[,{VALUE}]; found {found})",
        )
    rows: list[list[str]] = []
    starts: list[int] = []
    previous = reader.line_num
    for row in reader:
        if row and (len(row) > 1 or row[0].strip()):
            rows.append(row)
            starts.append(previous + 1)
        previous = reader.line_num
    return _Table(header=header, rows=rows, lines=starts, width=len(header_row))


def _delimiter(header: str) -> str:
    """`,` unless the header is separated by `;` or a tab instead."""
    for delimiter in (",", ";", "\t"):
        names = {name.strip() for name in header.split(delimiter)}
        if PATH in names and CONVERSIONS in names:
            return delimiter
    return ","


def _width_problems(table: _Table) -> list[_Problem]:
    problems = []
    names = {n: name for name, n in table.header.items()}
    for index, row in enumerate(table.rows):
        if len(row) < table.width:
            missing = len(row)
            problems.append(
                _Problem(index, missing, f"{names.get(missing, '?')}: missing (short row)")
            )
            break
        if len(row) > table.width:
            problems.append(_Problem(index, table.width, f"unexpected field {row[table.width]!r}"))
            break
    return problems


def _numbers(
    cells: Sequence[str], *, name: str, table: _Table, problems: list[_Problem]
) -> FloatArray:
    """The column as numbers; the first cell that is not a finite number ≥ 0 is a problem."""
    try:
        numbers = np.array(cells, dtype=np.float64)
    except ValueError:
        numbers = np.array([_number_or_nan(c) for c in cells], dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(numbers) | (numbers < 0))
    if len(bad):
        cell = cells[int(bad[0])].strip()
        number = _number_or_nan(cell)
        if not cell:
            what = "empty; expected a number"
        elif math.isnan(number) or math.isinf(number):
            what = f"expected a number, found {cell!r}"
        else:
            what = f"negative number {cell}"
        problems.append(_Problem(int(bad[0]), table.header[name], f"{name}: {what}"))
    return numbers


def _number_or_nan(cell: str) -> float:
    try:
        return float(cell)
    except ValueError:
        return math.nan


def _channels(
    paths: list[str], *, at: int, problems: list[_Problem]
) -> tuple[tuple[str, ...], IntArray, IntArray]:
    """Channel names in order of first appearance, all touches as codes, and journey offsets.

    Splits every path at once (one join, one split), then codes each distinct raw token once:
    this is the bulk of reading a large file.
    """
    tokens = SEPARATOR.join(paths).split(SEPARATOR) if paths else []
    index: dict[str, int] = {}
    raw_code: dict[str, int] = {}
    for raw in dict.fromkeys(tokens):
        raw_code[raw] = index.setdefault(raw.strip(), len(index))
    if "" in index:
        problems.append(_empty_channel(paths, at=at))
    lengths = np.fromiter(
        map(str.count, paths, repeat(SEPARATOR)), dtype=np.int64, count=len(paths)
    )
    touches = np.fromiter(map(raw_code.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    starts = np.zeros(len(paths) + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=starts[1:])
    return tuple(index), touches, starts


def _empty_channel(paths: list[str], *, at: int) -> _Problem:
    for row, path in enumerate(paths):
        if not path:
            return _Problem(row, at, f"{PATH}: empty path")
        names = [name.strip() for name in path.split(SEPARATOR)]
        if "" in names:
            position = names.index("") + 1
            return _Problem(row, at, f"{PATH}: empty channel name at touch {position} of {path!r}")
    raise AssertionError("an empty channel name was found but not located")


def _raise_first(problems: list[_Problem], table: _Table) -> None:
    first = min(problems, key=lambda p: (p.row, p.column))
    raise PathsFileError(
        line=table.lines[first.row], column=first.column + 1, message=first.message
    )
