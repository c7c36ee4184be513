"""docs/import.md names every column and value the import understands."""

from __future__ import annotations

from pathlib import Path

from smarketing.imports.mappings import COLUMNS, FIELDS, Format, Kind

DOC = (Path(__file__).parents[2] / "docs" / "import.md").read_text(encoding="utf-8")


def test_every_known_column_name_is_documented():
    missing = [
        f"{fmt}/{kind}: {column}"
        for fmt in (Format.HUBSPOT, Format.SALESFORCE)
        for kind in Kind
        for column in COLUMNS[fmt][kind]
        if f'"{column}"' not in DOC
    ]
    assert missing == []


def test_every_field_is_documented():
    missing = [
        f"{kind}: {name}" for kind in Kind for name in FIELDS[kind] if f"`{name}`" not in DOC
    ]
    assert missing == []
