"""The paths file reader: what it accepts, and errors that name the line and column."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing.analytics.attribution import (
    PathsFileError,
    paths_parse,
    paths_parse_bytes,
    paths_read,
)
from smarketing.analytics.attribution.reader import _careful_parse

HEADER = "path,total_conversions,total_null,total_conversion_value\n"


def test_reads_channels_counts_and_values() -> None:
    paths = paths_parse(HEADER + "Email > Paid Search,2,3,150.5\nDirect,0,4,0\n")
    assert paths.channels == ("Email", "Paid Search", "Direct")
    assert paths.touches.tolist() == [0, 1, 2]
    assert paths.starts.tolist() == [0, 2, 3]
    assert paths.conversions.tolist() == [2, 0]
    assert paths.nulls.tolist() == [3, 4]
    assert paths.values is not None and paths.values.tolist() == [150.5, 0]


def test_accepts_columns_in_any_order_semicolons_and_no_value() -> None:
    paths = paths_parse("total_null;path;total_conversions\n1;a>b;2\n")
    assert paths.channels == ("a", "b") and paths.values is None
    assert paths.conversions.tolist() == [2] and paths.nulls.tolist() == [1]


def test_quoted_fields_windows_line_ends_and_blank_lines(tmp_path: Path) -> None:
    file = tmp_path / "paths.csv"
    file.write_bytes(
        b"\xef\xbb\xbfpath,total_conversions,total_null\r\n"
        b'"Events, EMEA > Email",1,0\r\n\r\nEmail,0,2\r\n'
    )
    paths = paths_read(file)
    assert paths.channels == ("Events, EMEA", "Email")
    assert paths.conversions.tolist() == [1, 0]


@pytest.mark.parametrize(
    ("body", "where", "what"),
    [
        (
            "a,1,0,5\nb,x,0,5\n",
            "line 3, column 2",
            "total_conversions: expected a number, found 'x'",
        ),
        ("a,1,-2,5\n", "line 2, column 3", "total_null: negative number -2"),
        ("a,1,0,\n", "line 2, column 4", "total_conversion_value: empty; expected a number"),
        ("a,1,0,nan\n", "line 2, column 4", "expected a number, found 'nan'"),
        (",1,0,5\n", "line 2, column 1", "path: empty path"),
        ("a >  > b,1,0,5\n", "line 2, column 1", "empty channel name at touch 2 of 'a >  > b'"),
        ("a > b >,1,0,5\n", "line 2, column 1", "empty channel name at touch 3"),
        ("a,1,0,5\nb,1\n", "line 3, column 3", "total_null: missing (short row)"),
        ("a,1,0,5,9\n", "line 2, column 5", "unexpected field '9'"),
        ("a,1,0,5\n\nb,1,0,5\nc,1,0,z\n", "line 5, column 4", "found 'z'"),
    ],
)
def test_bad_rows_name_line_and_column(body: str, where: str, what: str) -> None:
    with pytest.raises(PathsFileError) as error:
        paths_parse(HEADER + body)
    assert str(error.value).startswith(where + ": ")
    assert what in str(error.value)


def test_the_first_problem_in_the_file_is_reported() -> None:
    with pytest.raises(PathsFileError, match=r"^line 2, column 3: "):
        paths_parse(HEADER + "a,1,-1,x\nb,y,0,5\n")


def test_missing_header_column_is_named() -> None:
    with pytest.raises(
        PathsFileError, match=r"line 1: the header lacks the column\(s\) total_null"
    ):
        paths_parse("path,total_conversions\na,1\n")


def test_empty_file_and_non_utf8_text() -> None:
    with pytest.raises(PathsFileError, match="line 1: the file is empty"):
        paths_parse("\n\n")
    with pytest.raises(PathsFileError, match="line 3: not UTF-8 text"):
        paths_parse_bytes(HEADER.encode() + b"a,1,0,1\n\xff\xfe,1,0,1\n")


def test_a_header_alone_gives_no_journeys() -> None:
    assert paths_parse(HEADER).count == 0


names = st.text(alphabet="abcdefgh XYZ_-", min_size=1, max_size=8).filter(lambda s: s.strip())
rows = st.lists(
    st.tuples(
        st.lists(names, min_size=1, max_size=5),
        st.integers(0, 1000),
        st.integers(0, 1000),
        st.floats(0, 1e6, allow_nan=False).map(lambda v: round(v, 2)),
    ),
    max_size=20,
)


@settings(max_examples=60, deadline=None)
@given(rows, st.sampled_from([" > ", ">", "  >  "]))
def test_the_fast_reading_equals_the_careful_one(rows: list, separator: str) -> None:  # type: ignore[type-arg]
    text = HEADER + "".join(f"{separator.join(c)},{n},{m},{v}\n" for c, n, m, v in rows)
    fast, careful = paths_parse(text), _careful_parse(text)
    assert fast.channels == careful.channels
    assert fast.channels == tuple(dict.fromkeys(n.strip() for c, *_ in rows for n in c))
    for name in ("touches", "starts", "conversions", "nulls", "values"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(careful, name))
