"""Reading a CSV table of leads into cells (stdlib csv: UTF-8 with or without BOM, CRLF,
quoted commas), and finding columns by name."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from smarketing.scoring.predictive.errors import TableError

# A CRM note can be longer than csv's default 128 KiB field limit.
csv.field_size_limit(16 * 1024 * 1024)

# Cells that mean "no value". "Select" is what a web-form dropdown sends when left untouched.
MISSING = frozenset({"", "select", "na", "n/a", "#n/a", "nan", "null", "none"})


def is_missing(cell: str) -> bool:
    return cell.strip().casefold() in MISSING


@dataclass(frozen=True)
class RawTable:
    """A table as read: the header and every row's cells, all text."""

    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    source: str

    def cells(self, index: int) -> list[str]:
        return [row[index] for row in self.rows]

    def column_index(self, name: str, *, role: str = "column") -> int:
        """The position of the column `name`: exact match first, then ignoring case."""
        if name in self.header:
            return self.header.index(name)
        folded = [i for i, h in enumerate(self.header) if h.casefold() == name.strip().casefold()]
        if len(folded) == 1:
            return folded[0]
        raise TableError(f"{role} {name!r} is not in {self.source} (its columns: {self.listing()})")

    def listing(self) -> str:
        return ", ".join(repr(h) for h in self.header)


def _delimiter(first_line: str) -> str:
    # Spreadsheets in many European locales write ";"; tab-separated exports exist too.
    if "," in first_line:
        return ","
    for candidate in (";", "\t"):
        if candidate in first_line:
            return candidate
    return ","


def _header(cells: Sequence[str], source: str) -> tuple[str, ...]:
    names = [c.strip() or f"column {i + 1}" for i, c in enumerate(cells)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise TableError(
                f"{source}: column {name!r} appears twice (columns {seen[name] + 1} and {i + 1})"
            )
        seen[name] = i
    return tuple(names)


def table_parse(text: str, *, source: str = "table") -> RawTable:
    """Parse CSV text. Blank lines are skipped; a row with a different number of cells than
    the header is an error naming its line."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header_cells = next(reader, None)
        if header_cells is None or not any(c.strip() for c in header_cells):
            raise TableError(f"{source} is empty: expected a header row and data rows")
        header = _header(header_cells, source)
        rows: list[tuple[str, ...]] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise TableError(
                    f"{source}, line {reader.line_num}: {len(cells)} cells, "
                    f"but the header has {len(header)} columns"
                )
            rows.append(tuple(cells))
    except csv.Error as exc:
        raise TableError(f"{source}, line {reader.line_num}: {exc}") from None
    if not rows:
        raise TableError(f"{source} has a header but no data rows")
    return RawTable(header=header, rows=rows, source=source)


def table_read(path: str | Path) -> RawTable:
    """Read a CSV file (UTF-8, with or without a byte-order mark)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TableError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise TableError(f"{path} is a directory, not a CSV file") from None
    except OSError as exc:
        raise TableError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TableError(
            f"{path}, line {line}: byte 0x{data[exc.start]:02X} is not UTF-8 "
            "(save the file as UTF-8)"
        ) from None
    return table_parse(text, source=path.name)
