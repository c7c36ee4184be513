"""Reading an uploaded CSV into rows with their line numbers, and writing the rejected-rows
report (plain Python, no Django)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from smarketing.imports.mappings import FileError

DELIMITERS = (",", ";", "\t")
# Python's csv refuses fields over 128 KiB by default; notes exported from CRMs can be longer.
csv.field_size_limit(16 * 1024 * 1024)


@dataclass(frozen=True)
class CsvRow:
    line: int  # the file's line where the row starts; the header is line 1
    cells: list[str]
    error: str = ""  # set when the row cannot be read at all (bad bytes, too many cells)
    error_column: str = ""


@dataclass(frozen=True)
class CsvTable:
    header: tuple[str, ...]
    rows: list[CsvRow]
    delimiter: str
    encoding: str


def _bad_utf8_lines(data: bytes) -> dict[int, tuple[int, int]]:
    """{line: (byte offset in the file, byte value)} of the first non-UTF-8 byte of each line."""
    bad: dict[int, tuple[int, int]] = {}
    offset = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad[number] = (offset + exc.start, line[exc.start])
        offset += len(line) + 1
    return bad


def _decode(data: bytes, encoding: str | None) -> tuple[str, dict[int, tuple[int, int]]]:
    if encoding:
        try:
            return data.decode(encoding), {}
        except LookupError:
            raise FileError(f"unknown encoding {encoding!r} (e.g. utf-8, cp1252)") from None
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise FileError(
                f"line {line}, byte {exc.start}: 0x{data[exc.start]:02X} is not valid {encoding}"
            ) from None
    bad = _bad_utf8_lines(data.removeprefix(b"\xef\xbb\xbf"))
    if bad and len(data) >= 3 and data.startswith(b"\xef\xbb\xbf"):
        # Offsets were counted without the byte-order mark.
        bad = {n: (off + 3, byte) for n, (off, byte) in bad.items()}
    # Undecodable bytes become lone surrogates so the rest of the file still parses.
    return data.decode("utf-8-sig", errors="surrogateescape"), bad


def _sniff_delimiter(first_line: str) -> str:
    return max(DELIMITERS, key=first_line.count)


def read_csv(data: bytes, *, encoding: str | None = None) -> CsvTable:
    """Parse `data`; rows with bytes that are not UTF-8 come back with an error naming the byte.

    Without `encoding` the file is read as UTF-8 (a byte-order mark is allowed).
    """
    text, bad_lines = _decode(data, encoding)
    if not text.strip():
        raise FileError("the file is empty")
    delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    source = io.StringIO(text, newline="")
    reader = csv.reader(source, delimiter=delimiter)
    try:
        header = tuple(cell.strip() for cell in next(reader))
    except csv.Error as exc:
        raise FileError(f"line 1: the header cannot be read as CSV ({exc})") from None
    if 1 in bad_lines:
        offset, byte = bad_lines[1]
        raise FileError(_not_utf8(1, offset, byte))
    _check_header(header)
    rows = list(_rows(reader, header, bad_lines))
    return CsvTable(header, rows, delimiter, encoding or "utf-8")


def _check_header(header: tuple[str, ...]) -> None:
    if not any(header):
        raise FileError("line 1: the header row is empty")
    seen: set[str] = set()
    for name in header:
        if name and name.lower() in seen:
            raise FileError(f"line 1: the column {name!r} appears twice in the header")
        seen.add(name.lower())


def _not_utf8(line: int, offset: int, byte: int) -> str:
    return (
        f"line {line}, byte {offset}: 0x{byte:02X} is not UTF-8 "
        "(the file looks like Latin-1/Windows-1252: import it with --encoding cp1252)"
    )


def _rows(
    reader: Iterable[list[str]], header: tuple[str, ...], bad_lines: dict[int, tuple[int, int]]
) -> Iterable[CsvRow]:
    previous_end = 1
    iterator = iter(reader)
    while True:
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileError(f"line {previous_end + 1}: not valid CSV ({exc})") from None
        end = reader.line_num  # type: ignore[attr-defined]
        start, previous_end = previous_end + 1, end
        if not any(c.strip() for c in cells):
            continue
        yield _row(start, end, cells, header, bad_lines)


def _row(
    start: int,
    end: int,
    cells: list[str],
    header: tuple[str, ...],
    bad_lines: dict[int, tuple[int, int]],
) -> CsvRow:
    for line in range(start, end + 1):
        if line in bad_lines:
            offset, byte = bad_lines[line]
            named = zip(header, cells, strict=False)
            column = next((name for name, cell in named if _has_bad(cell)), "")
            clean = [c.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for c in cells]
            return CsvRow(start, clean, _not_utf8(line, offset, byte), column)
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        return CsvRow(
            start, cells, f"has {len(cells)} cells but the header has {len(header)} columns"
        )
    return CsvRow(start, cells + [""] * (len(header) - len(cells)))


def _has_bad(cell: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in cell)


REPORT_COLUMNS = ("line", "column", "reason")


def report_write(
    out: TextIO,
    *,
    header: Sequence[str],
    rejected: Iterable[tuple[int, str, str, Sequence[str]]],
) -> None:
    """The rejected-rows report: line, column(s), reason(s), then the row as it was."""
    writer = csv.writer(out)
    writer.writerow([*REPORT_COLUMNS, *header])
    for line, column, reason, cells in rejected:
        writer.writerow([line, column, reason, *cells])
