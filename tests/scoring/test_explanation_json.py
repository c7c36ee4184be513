"""The explanation JSON the score writer puts together from cached pieces is the document
json.dumps gives for the rows' dicts, for any label, number and count."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing.scoring.refresh import explanation_json
from smarketing.scoring.rules.results import ExplanationRow, RowKind

rows = st.lists(
    st.builds(
        ExplanationRow,
        st.text(min_size=1, max_size=12),
        st.text(max_size=30),  # quotes, backslashes, control characters, any script
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False),
            st.integers(-1000, 1000),
        ),
        st.integers(0, 10**6),
        st.sampled_from(list(RowKind)),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(rows)
def test_equals_the_rows_dicts_encoded(rows: list[ExplanationRow]) -> None:
    text = explanation_json(rows)
    assert json.loads(text) == [row.to_dict() for row in rows]
    assert text == json.dumps([row.to_dict() for row in rows], separators=(",", ":"))


def test_a_fit_row_cached_whole_keeps_its_number_as_written():
    """Fit rows' JSON is cached whole; equal numbers that print differently (5 and 5.0, 0 and
    -0.0) must not share an entry."""
    for points in (5, 5.0, 0, 0.0, -0.0, 0, True):
        row = ExplanationRow("small", "Small company", points, 1, RowKind.FIT)
        assert explanation_json([row]) == json.dumps([row.to_dict()], separators=(",", ":"))
