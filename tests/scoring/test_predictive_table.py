"""Reading a lead table: CSV quirks, column types, identifier columns, the target column."""

from __future__ import annotations

import math

import numpy as np
import pytest

from smarketing.scoring.predictive import (
    NotEnoughOutcomes,
    TableError,
    dataset_from_table,
    features_from_values,
    table_parse,
    table_read,
)
from smarketing.scoring.predictive.columns import column_type, left_out_reason
from smarketing.scoring.predictive.target import target_read


def test_read_handles_bom_crlf_and_quoted_commas(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes(
        b'\xef\xbb\xbfLead,City,Visits\r\n1,"Mumbai, India",3\r\n2,"Pune, ""West""",\r\n'
    )

    table = table_read(path)

    assert table.header == ("Lead", "City", "Visits")
    assert table.rows == [("1", "Mumbai, India", "3"), ("2", 'Pune, "West"', "")]
    assert table.source == "leads.csv"


def test_read_reads_semicolon_files_and_skips_blank_lines():
    table = table_parse("a;b\n1;x\n\n2;y\n")

    assert table.header == ("a", "b")
    assert table.rows == [("1", "x"), ("2", "y")]


def test_read_names_the_line_of_a_row_with_too_many_cells():
    with pytest.raises(TableError, match=r"t.csv, line 3: 3 cells, but the header has 2"):
        table_parse("a,b\r\n1,2\r\n1,2,3\r\n", source="t.csv")


def test_read_refuses_a_duplicate_column_name():
    with pytest.raises(TableError, match=r"column 'a' appears twice \(columns 1 and 3\)"):
        table_parse("a,b,a\n1,2,3\n")


def test_read_names_the_line_of_a_byte_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("a,b\n1,x\n2,Café\n".encode("latin-1"))

    with pytest.raises(TableError, match=r"line 3: byte 0xE9 is not UTF-8"):
        table_read(path)


def test_read_reports_a_missing_file_and_an_empty_one(tmp_path):
    with pytest.raises(TableError, match="no such file"):
        table_read(tmp_path / "absent.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(TableError, match="empty"):
        table_read(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text("a,b\r\n")
    with pytest.raises(TableError, match="no data rows"):
        table_read(tmp_path / "header.csv")


def test_select_na_and_empty_are_missing_values():
    column = column_type("Specialization", ["Finance", "Select", "", "NA", " Finance "])

    assert column.kind == "categorical"
    assert column.values.tolist() == ["Finance", None, None, None, "Finance"]


def test_numbers_with_missing_values_are_numeric():
    column = column_type("TotalVisits", ["3", "", "2.5", "Select", "-1"])

    assert column.kind == "numeric"
    assert np.array_equal(column.values, [3.0, math.nan, 2.5, math.nan, -1.0], equal_nan=True)


def test_iso_dates_become_day_numbers():
    column = column_type("engage_date", ["1970-01-02", "1970-01-01T12:00:00", ""])

    assert column.kind == "numeric" and column.from_dates
    assert np.array_equal(column.values, [1.0, 0.5, math.nan], equal_nan=True)


def test_a_column_of_mixed_numbers_and_words_is_categorical():
    assert column_type("Size", ["10", "large", "20"]).kind == "categorical"


@pytest.mark.parametrize(
    ("name", "cells"),
    [
        ("Prospect ID", [f"7927b2df-{i:04d}-4d29" for i in range(40)]),
        ("Lead Number", [str(660000 + 7 * i) for i in range(40)]),
        ("Email", [f"p{i}@example.com" for i in range(30)] + [""] * 10),
        ("opportunityId", [f"X{i}" for i in range(40)]),
        ("Notes", [f"called on day {i}" for i in range(40)]),  # free text, one per row
        ("row", [str(i) for i in range(1, 41)]),  # a counter, whatever its name
    ],
)
def test_identifier_like_columns_are_recognised(name, cells):
    reason = left_out_reason(column_type(name, cells))

    assert reason is not None and reason.startswith("identifier-like")


@pytest.mark.parametrize(
    ("name", "cells"),
    [
        ("Do Not Email", ["Yes", "No"] * 20),  # an email word, but two values
        ("Total Time Spent", [str(i * 13 % 997) for i in range(40)]),  # distinct measurements
        ("Lead Source", [f"s{i % 12}" for i in range(40)]),
        ("engage_date", [f"2017-01-{1 + i % 28:02d}" for i in range(40)]),
    ],
)
def test_ordinary_columns_are_not_identifiers(name, cells):
    assert left_out_reason(column_type(name, cells)) is None


def test_single_valued_and_empty_columns_are_left_out():
    assert left_out_reason(column_type("Magazine", ["No"] * 30)) == "one value only ('No')"
    assert left_out_reason(column_type("Blank", ["", "Select"] * 15)) == "empty"


def _table(target_cells: list[str]):
    lines = ["Lead Number,Source,Visits,Outcome"] + [
        f"{1000 + i},{'ab'[i % 2]},{i % 7},{cell}" for i, cell in enumerate(target_cells)
    ]
    return table_parse("\r\n".join(lines) + "\r\n", source="t.csv")


@pytest.mark.parametrize(
    ("cells", "positive"),
    [
        (["1", "0", "1.0", "0"], ("1",)),
        (["Yes", "no", "YES", "No"], ("Yes",)),
        (["true", "false", "True", "false"], ("true",)),
        (["Won", "Lost", "Won", "Lost"], ("Won",)),
        (["hot", "cold", "hot", "cold"], ("hot",)),  # neither is known: the later one sorts last
    ],
)
def test_a_two_valued_target_is_read_without_help(cells, positive):
    target = target_read(cells, column="Outcome")

    assert target.positive == positive
    assert target.y.tolist() == [1, 0, 1, 0]


def test_positive_and_negative_values_drop_the_other_rows():
    cells = ["Won", "Lost", "Engaging", "won", "", "Prospecting"]

    target = target_read(cells, column="deal_stage", positive="Won", negative=["Lost"])

    assert target.y.tolist() == [1, 0, 1]
    assert target.keep.tolist() == [True, True, False, True, False, False]
    assert (target.dropped_missing, target.dropped_other) == (1, 2)


def test_positive_alone_makes_every_other_value_negative():
    target = target_read(["a", "b", "c", "a"], column="x", positive="a")

    assert target.y.tolist() == [1, 0, 0, 1]
    assert target.negative == ("b", "c")


def test_a_target_with_many_values_asks_which_is_positive():
    with pytest.raises(TableError, match=r"has 3 values .*'Won' \(2\).*--positive VALUE"):
        target_read(["Won", "Lost", "Open", "Won"], column="stage")


def test_a_positive_value_that_does_not_occur_is_refused():
    with pytest.raises(TableError, match=r"positive value 'Wonn' does not occur .*'Won'"):
        target_read(["Won", "Lost"], column="stage", positive="Wonn")


def test_a_single_valued_target_is_not_enough_outcomes():
    with pytest.raises(NotEnoughOutcomes, match=r"one value only \('1' in 3 rows\)"):
        target_read(["1", "1", "", "1"], column="Converted")


def test_dataset_leaves_out_identifiers_and_dropped_columns():
    data = dataset_from_table(_table(["1", "0"] * 20), target="outcome", drop=["source"])

    assert data.target == "Outcome"  # found ignoring case
    assert (data.rows, data.positives) == (40, 20)
    assert data.features.names == ("Visits",)
    assert [c.name for c in data.left_out] == ["Lead Number"]
    assert data.dropped == ("Source",)


def test_dataset_keeps_an_identifier_when_asked():
    data = dataset_from_table(_table(["1", "0"] * 20), target="Outcome", keep=["Lead Number"])

    assert data.features.names == ("Lead Number", "Source", "Visits")
    assert data.left_out == ()


def test_dataset_names_the_unknown_column_and_lists_the_real_ones():
    table = _table(["1", "0"])
    with pytest.raises(TableError, match=r"target column 'Result' is not in t.csv .*'Outcome'"):
        dataset_from_table(table, target="Result")
    with pytest.raises(TableError, match=r"column to drop 'Tags' is not in t.csv"):
        dataset_from_table(table, target="Outcome", drop=["Tags"])
    with pytest.raises(TableError, match="cannot also be dropped"):
        dataset_from_table(table, target="Outcome", drop=["Outcome"])


def test_dataset_refuses_a_table_with_nothing_left_to_learn_from():
    with pytest.raises(TableError, match="no column is left to learn from"):
        dataset_from_table(_table(["1", "0"] * 20), target="Outcome", drop=["Source", "Visits"])


def test_features_from_values_follow_the_kinds_they_are_given():
    features = features_from_values(
        {"employees": [10, None, "n/a"], "country": [1, 2, None]},
        kinds={"employees": "numeric", "country": "categorical"},
    )

    employees, country = features.columns
    assert np.array_equal(employees.values, [10.0, math.nan, math.nan], equal_nan=True)
    assert country.kind == "categorical"
    assert country.values.tolist() == ["1", "2", None]
