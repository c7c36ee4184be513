"""Heuristic models on small journeys whose credit is worked out by hand in each test."""

import datetime as dt

import pytest

from smarketing.analytics.attribution import Journey, attribute, paths_from_journeys, paths_parse

# A > B > C converts once (value 100); B > Direct twice (40); Direct once (10); C never.
JOURNEYS = """path,total_conversions,total_null,total_conversion_value
A > B > C,1,0,100
B > Direct,2,0,40
Direct,1,0,10
C,0,5,0
"""


def credit(model: str, **options: float | str) -> dict[str, float]:
    return attribute(paths_parse(JOURNEYS), model=model, **options).conversions  # type: ignore[arg-type]


def assert_credit(actual: dict[str, float], expected: dict[str, float]) -> None:
    assert set(actual) == set(expected)
    for channel, value in expected.items():
        assert actual[channel] == pytest.approx(value), channel


def test_first_touch_credits_the_first_channel_of_each_journey() -> None:
    assert_credit(credit("first_touch"), {"A": 1, "B": 2, "C": 0, "Direct": 1})


def test_last_touch_credits_the_last_channel() -> None:
    assert_credit(credit("last_touch"), {"A": 0, "B": 0, "C": 1, "Direct": 3})


def test_last_non_direct_skips_direct_unless_the_journey_is_all_direct() -> None:
    assert_credit(credit("last_non_direct"), {"A": 0, "B": 2, "C": 1, "Direct": 1})


def test_last_non_direct_matches_the_direct_name_in_any_case() -> None:
    text = "path,total_conversions,total_null\nEmail > DIRECT,1,0\n"
    result = attribute(paths_parse(text), model="last_non_direct", direct="Direct")
    assert result.conversions == {"Email": 1.0, "DIRECT": 0.0}
    named = attribute(paths_parse(text), model="last_non_direct", direct="email")
    assert named.conversions == {"Email": 0.0, "DIRECT": 1.0}


def test_linear_splits_evenly_over_touches() -> None:
    # A>B>C: a third each; B>Direct: 2 conversions, one each; Direct: 1.
    assert_credit(credit("linear"), {"A": 1 / 3, "B": 1 / 3 + 1, "C": 1 / 3, "Direct": 2})


def test_linear_counts_a_repeated_touch_twice() -> None:
    text = "path,total_conversions,total_null\nA > A > B,3,0\n"
    assert_credit(attribute(paths_parse(text), model="linear").conversions, {"A": 2, "B": 1})


def test_u_shaped_gives_40_20_40_and_halves_for_two_touches() -> None:
    # A>B>C: .4/.2/.4; B>Direct: .5/.5 of 2; Direct alone: 1.
    assert_credit(credit("u_shaped"), {"A": 0.4, "B": 0.2 + 1, "C": 0.4, "Direct": 1 + 1})


def test_u_shaped_spreads_20_percent_over_the_middle() -> None:
    text = "path,total_conversions,total_null\nA > B > C > D > E,1,0\n"
    expected = {"A": 0.4, "B": 0.2 / 3, "C": 0.2 / 3, "D": 0.2 / 3, "E": 0.4}
    assert_credit(attribute(paths_parse(text), model="u_shaped").conversions, expected)


def test_w_shaped_without_marks_takes_first_as_lead_and_last_as_opportunity() -> None:
    # A>B>C: A first+lead .6, C opportunity .3, B the remaining .1.
    # B>Direct: B .6, Direct .3, no other touch: scaled by 1/.9 -> 2/3 and 1/3, times 2.
    # Direct alone: 1.
    expected = {"A": 0.6, "B": 0.1 + 4 / 3, "C": 0.3, "Direct": 2 / 3 + 1}
    assert_credit(credit("w_shaped"), expected)


def test_w_shaped_credits_the_marked_lead_and_opportunity_touches() -> None:
    journey = Journey(
        channels=("A", "B", "C", "D", "E"), converted=True, lead_touch=2, opportunity_touch=3
    )
    result = attribute(paths_from_journeys([journey]), model="w_shaped")
    assert_credit(result.conversions, {"A": 0.3, "B": 0.05, "C": 0.3, "D": 0.3, "E": 0.05})


def test_w_shaped_adds_up_roles_that_fall_on_one_touch() -> None:
    journey = Journey(channels=("A", "B", "C"), converted=True, lead_touch=0, opportunity_touch=0)
    result = attribute(paths_from_journeys([journey]), model="w_shaped")
    assert_credit(result.conversions, {"A": 0.9, "B": 0.05, "C": 0.05})


def test_time_decay_without_times_puts_touches_a_day_apart() -> None:
    # Half-life 1 day: ages 2, 1, 0 days -> weights 1/4, 1/2, 1, scaled to sum to 1.
    text = "path,total_conversions,total_null\nA > B > C,1,0\n"
    result = attribute(paths_parse(text), model="time_decay", half_life_days=1)
    assert_credit(result.conversions, {"A": 1 / 7, "B": 2 / 7, "C": 4 / 7})


def test_time_decay_uses_touch_times_before_the_conversion() -> None:
    won = dt.datetime(2025, 3, 15, tzinfo=dt.UTC)
    journey = Journey(
        channels=("A", "B"),
        converted=True,
        times=(won - dt.timedelta(days=14), won),
        ended_at=won,
    )
    result = attribute(paths_from_journeys([journey]), model="time_decay", half_life_days=14)
    assert_credit(result.conversions, {"A": 1 / 3, "B": 2 / 3})


def test_time_decay_rejects_a_half_life_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="half-life"):
        credit("time_decay", half_life_days=0)


def test_value_is_credited_with_the_same_weights() -> None:
    result = attribute(paths_parse(JOURNEYS), model="first_touch")
    assert result.value == {"A": 100, "B": 40, "C": 0, "Direct": 10}


def test_no_value_column_gives_no_value() -> None:
    text = "path,total_conversions,total_null\nA,1,0\n"
    assert attribute(paths_parse(text), model="linear").value is None


def test_unknown_model_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="unknown attribution model 'best'"):
        credit("best")
