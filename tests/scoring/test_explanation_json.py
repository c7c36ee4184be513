"""The stored explanation the score writer puts together from cached pieces is the document
json.dumps gives for the rows' [rule, points, occurrences] lists, for any rule id, number and
count, and reads back as the same rows with the definition's labels and kinds."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing.scoring.refresh import explanation_json, explanation_rows
from smarketing.scoring.rules.results import ExplanationRow, RowKind


def stored_row(row: ExplanationRow) -> list[object]:
    return [row.rule_id, row.points, row.occurrences]


rows = st.lists(
    st.builds(
        ExplanationRow,
        st.text(min_size=1, max_size=12),  # quotes, backslashes, control characters, any script
        st.text(max_size=30),
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False),
            st.integers(-1000, 1000),
        ),
        st.integers(0, 10**6),
        st.sampled_from(list(RowKind)),
    ),
    max_size=8,
    unique_by=lambda row: row.rule_id,  # a definition's rule ids are unique
)


@settings(max_examples=200, deadline=None)
@given(rows)
def test_equals_the_rows_lists_encoded_and_reads_back(rows: list[ExplanationRow]) -> None:
    text = explanation_json(rows)
    assert text == json.dumps([stored_row(row) for row in rows], separators=(",", ":"))
    known = {row.rule_id: (row.label, row.kind) for row in rows}
    again = explanation_rows(text, known=known)
    assert again == tuple(rows)
    assert [type(row.points) for row in again] == [type(row.points) for row in rows]


def test_a_fit_row_cached_whole_keeps_its_number_as_written():
    """Fit rows' JSON is cached whole; equal numbers that print differently (5 and 5.0, 0 and
    -0.0) must not share an entry."""
    for points in (5, 5.0, 0, 0.0, -0.0, 0, True):
        row = ExplanationRow("small", "Small company", points, 1, RowKind.FIT)
        assert explanation_json([row]) == json.dumps([stored_row(row)], separators=(",", ":"))


def test_a_rule_the_definition_does_not_have_is_an_error():
    with pytest.raises(KeyError, match="gone"):
        explanation_rows('[["gone",5,1]]', known={})
