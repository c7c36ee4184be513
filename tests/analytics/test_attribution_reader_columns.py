"""The byte-array reading of a paths file: exactly what the careful reading gives, and it steps
aside (None) for anything it does not cover, so the reader's answer never changes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing.analytics.attribution import Paths, paths_parse, reader_columns
from smarketing.analytics.attribution.reader import _careful_parse
from smarketing.analytics.attribution.reader_columns import columns_parse

HEADER = "path,total_conversions,total_null,total_conversion_value\n"
COLUMNS = {"path": 0, "total_conversions": 1, "total_null": 2, "total_conversion_value": 3}
NUMERIC = ("total_conversions", "total_null", "total_conversion_value")


def quickest(text: str, *, header: dict[str, int] = COLUMNS, numeric: tuple = NUMERIC) -> Paths:  # type: ignore[type-arg]
    raw = text.encode()
    return columns_parse(
        raw, header=header, start=raw.index(b"\n") + 1, delimiter=",", numeric=numeric
    )


def assert_same(found: Paths, expected: Paths) -> None:
    assert found.channels == expected.channels
    for name in ("touches", "starts", "conversions", "nulls", "values"):
        np.testing.assert_array_equal(getattr(found, name), getattr(expected, name))


# Names up to 40 bytes (past the 16 the key covers), with inner and outer white space.
names = st.text(alphabet="abcXYZ _-\t", min_size=1, max_size=40).filter(lambda s: s.strip())
numbers = st.one_of(
    st.integers(0, 10**9).map(str),
    st.floats(0, 1e6, allow_nan=False).map(lambda v: f"{v:.2f}"),
    st.sampled_from(["0.5", "1.", ".25", "007", "123456789012345", "0.000001"]),
)
rows = st.lists(
    st.tuples(st.lists(names, min_size=1, max_size=6), numbers, numbers, numbers),
    min_size=1,
    max_size=25,
)


@settings(max_examples=80, deadline=None)
@given(rows, st.sampled_from([" > ", ">", "  >  ", "\t>\t"]))
def test_equals_the_careful_reading(rows: list, separator: str) -> None:  # type: ignore[type-arg]
    text = HEADER + "".join(f"{separator.join(c)},{n},{m},{v}\n" for c, n, m, v in rows)
    found = quickest(text)
    assert found is not None, "an ASCII file of plain numbers is read this way"
    assert_same(found, _careful_parse(text))
    assert found.channels == tuple(dict.fromkeys(n.strip() for c, *_ in rows for n in c))


def test_long_names_that_differ_only_in_the_middle_are_two_channels() -> None:
    a, b = "Paid Social Campaign A Region EMEA", "Paid Social Campaign B Region EMEA"
    text = HEADER + f"{a} > {b},1,0,10\n{b},0,2,0\n{a} > {a},3,1,2.5\n"
    found = quickest(text)
    assert found.channels == (a, b)
    assert found.touches.tolist() == [0, 1, 1, 0, 0]
    assert found.starts.tolist() == [0, 2, 3, 5]


def test_channels_whose_keys_meet_in_the_table_step_aside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With a one-bit table most channels share a slot: the check sees it and the reader falls
    # back; its answer is the same.
    monkeypatch.setattr(reader_columns, "_TABLE_BITS", 1)
    text = HEADER + "".join(f"c{k} > d{k} > Email,{k},1,0\n" for k in range(12))
    assert quickest(text) is None
    assert_same(paths_parse(text), _careful_parse(text))


@pytest.mark.parametrize(
    "text",
    [
        HEADER + "Réseaux sociaux > Email,1,0,5\n",  # not ASCII
        "path,note,total_conversions,total_null\nA > B,x>y,1,0\n",  # `>` in another column
        HEADER + "A > B,1e3,0,5\n",  # a number numpy's parser reads
        HEADER + "A > B, 7 ,0,5\n",
        HEADER + "A > B,1,0,1234567890123456\n",  # more digits than a float holds exactly
    ],
)
def test_unusual_files_give_the_careful_answer(text: str) -> None:
    assert_same(paths_parse(text), _careful_parse(text))


@pytest.mark.parametrize(
    "line",
    ["A > ,1,0,5", " > B,1,0,5", "A > B,-1,0,5", "A > B,,0,5", "A > B,1,0,nan", "A > B,1.2.3,0,1"],
)
def test_anything_it_cannot_read_steps_aside(line: str) -> None:
    assert quickest(HEADER + line + "\n") is None


def test_a_line_with_a_missing_field_steps_aside() -> None:
    assert quickest(HEADER + "A > B,1,0,5\nA,1,0\nB,1,0,5,6\n") is None
