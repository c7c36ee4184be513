"""Helpers for the import tests: the fixture files and one call that imports a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smarketing.imports import runner
from smarketing.imports.mappings import Format, Kind

DATA = Path(__file__).parent / "data"


def import_bytes(
    data: bytes,
    kind: str = "contacts",
    *,
    name: str = "test.csv",
    format: Format | None = None,
    encoding: str | None = None,
    **options: Any,
) -> runner.ImportResult:
    table, mapping = runner.import_prepare(data, kind=Kind(kind), format=format, encoding=encoding)
    return runner.import_run(table=table, mapping=mapping, source_name=name, **options)


def import_file(name: str, kind: str = "contacts", **options: Any) -> runner.ImportResult:
    return import_bytes((DATA / name).read_bytes(), kind, name=name, **options)


@pytest.fixture
def csv_file(tmp_path):
    """Write CSV text to a file in tmp_path and return its path."""

    def write(text: str, name: str = "rows.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write
