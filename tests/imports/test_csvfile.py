"""Reading CSV bytes: line numbers, encodings, delimiters, the report."""

from __future__ import annotations

import io

import pytest

from smarketing.imports.csvfile import read_csv, report_write
from smarketing.imports.mappings import FileError


def test_line_numbers_count_the_header_and_quoted_newlines():
    data = b'Email,Note\na@x.example,"two\nlines"\n\nb@x.example,one\n'
    table = read_csv(data)
    assert [r.line for r in table.rows] == [2, 5]
    assert table.rows[0].cells == ["a@x.example", "two\nlines"]


def test_byte_order_mark_and_semicolons():
    table = read_csv("\ufeffEmail;Vorname\na@x.example;Jürgen\n".encode())
    assert table.header == ("Email", "Vorname")
    assert table.rows[0].cells == ["a@x.example", "Jürgen"]


def test_latin1_rows_are_errors_naming_line_and_byte():
    data = "Email,First Name\nok@x.example,Ann\nj@x.example,José\n".encode("latin-1")
    table = read_csv(data)
    good, bad = table.rows
    assert not good.error
    offset = data.index(b"\xe9")
    assert bad.error.startswith(f"line 3, byte {offset}: 0xE9 is not UTF-8")
    assert "--encoding cp1252" in bad.error
    assert bad.error_column == "First Name"


def test_an_explicit_encoding_reads_latin1():
    data = "Email,First Name\nj@x.example,José\n".encode("latin-1")
    assert read_csv(data, encoding="cp1252").rows[0].cells[1] == "José"


def test_wrong_explicit_encoding_and_bad_header_are_file_errors():
    with pytest.raises(FileError, match="line 2, byte 17"):
        read_csv("Email,First Name\n\u00e9".encode("utf-8") + b"\xff", encoding="ascii")
    with pytest.raises(FileError, match="line 1, byte 2: 0xE9 is not UTF-8"):
        read_csv("Pr\u00e9nom,Email\n".encode("latin-1"))
    with pytest.raises(FileError, match="unknown encoding"):
        read_csv(b"Email\n", encoding="klingon")


def test_empty_file_and_duplicate_columns():
    with pytest.raises(FileError, match="empty"):
        read_csv(b"  \n")
    with pytest.raises(FileError, match="'email' appears twice"):
        read_csv(b"Email,email\n")


def test_too_many_cells_is_a_row_error_and_short_rows_are_padded():
    table = read_csv(b"Email,Name\na@x.example,A,surplus\nb@x.example\n")
    assert table.rows[0].error == "has 3 cells but the header has 2 columns"
    assert table.rows[1].cells == ["b@x.example", ""]


def test_report_lists_line_column_reason_then_the_row():
    out = io.StringIO()
    report_write(out, header=["Email"], rejected=[(3, "Email", "bad", ["nobody"])])
    assert out.getvalue().splitlines() == ["line,column,reason,Email", "3,Email,bad,nobody"]
