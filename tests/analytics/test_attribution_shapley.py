"""Shapley value: the axioms as properties over random journeys, and the two exact methods
(coalition worths, closed form) agreeing."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing.analytics.attribution import Journey, attribute, paths_from_journeys, paths_parse
from smarketing.analytics.attribution.shapley import shapley_attribute

CHANNELS = ["A", "B", "C", "D", "E"]

journey_rows = st.lists(
    st.tuples(
        st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=6),
        st.integers(min_value=0, max_value=5),
    ),
    min_size=1,
    max_size=12,
)


def paths_of(rows: list[tuple[list[str], int]]):  # type: ignore[no-untyped-def]
    journeys = [Journey(channels=tuple(c), converted=True) for c, n in rows for _ in range(n)]
    journeys += [Journey(channels=tuple(c), converted=False) for c, n in rows if n == 0]
    return paths_from_journeys(journeys)


@settings(max_examples=60, deadline=None)
@given(journey_rows)
def test_credits_add_up_to_the_conversions(rows: list[tuple[list[str], int]]) -> None:
    paths = paths_of(rows)
    result = attribute(paths, model="shapley")
    assert sum(result.conversions.values()) == pytest.approx(paths.total_conversions)


@settings(max_examples=60, deadline=None)
@given(journey_rows)
def test_interchangeable_channels_get_equal_credit(rows: list[tuple[list[str], int]]) -> None:
    # Add every journey again with A and B swapped: A and B are then interchangeable.
    swap = {"A": "B", "B": "A"}
    mirrored = rows + [([swap.get(c, c) for c in channels], n) for channels, n in rows]
    result = attribute(paths_of(mirrored), model="shapley").conversions
    assert result.get("A", 0.0) == pytest.approx(result.get("B", 0.0))


@settings(max_examples=60, deadline=None)
@given(journey_rows, st.lists(st.booleans(), min_size=12, max_size=12))
def test_a_channel_that_adds_nothing_gets_nothing(
    rows: list[tuple[list[str], int]], touched: list[bool]
) -> None:
    # Z only ever appears in journeys that did not convert: v(S + Z) = v(S) for every S.
    with_z = [
        ([*c, "Z"] if n == 0 and t else c, n) for (c, n), t in zip(rows, touched, strict=False)
    ]
    result = attribute(paths_of(with_z), model="shapley").conversions
    assert result.get("Z", 0.0) == pytest.approx(0.0)


@settings(max_examples=60, deadline=None)
@given(journey_rows)
def test_coalitions_and_closed_form_agree(rows: list[tuple[list[str], int]]) -> None:
    paths = paths_of(rows)
    literal = shapley_attribute(paths)
    closed = shapley_attribute(paths, coalitions_max=0)
    assert literal.method == "coalitions" and closed.method == "closed form"
    np.testing.assert_allclose(literal.conversions, closed.conversions, atol=1e-9)


def test_two_channel_example_by_hand() -> None:
    # v({}) = 0, v({A}) = 2 (journeys "A"), v({B}) = 0, v({A, B}) = 2 + 4 = 6.
    # phi_A = 1/2 (v(A) - v()) + 1/2 (v(AB) - v(B)) = 1/2 * 2 + 1/2 * 6 = 4; phi_B = 2.
    text = "path,total_conversions,total_null,total_conversion_value\nA,2,0,20\nA > B > A,4,1,80\n"
    result = attribute(paths_parse(text), model="shapley")
    assert result.conversions == pytest.approx({"A": 4, "B": 2})
    assert result.value == pytest.approx({"A": 60, "B": 40})
    assert result.details == {"method": "coalitions"}


def test_more_than_fifteen_channels_is_still_exact() -> None:
    names = [f"ch{n}" for n in range(20)]
    rows = [(names[n : n + 3], 1 + n % 4) for n in range(18)]
    result = attribute(paths_of(rows), model="shapley")
    assert result.details == {"method": "closed form"}
    assert sum(result.conversions.values()) == pytest.approx(sum(n for _, n in rows))
    # ch0 is only in the first journey (3 channels, 1 conversion): a third of it.
    assert result.conversions["ch0"] == pytest.approx(1 / 3)
