"""The pure parts: the review's sums and bands, and the journey summed from touchpoints."""

from __future__ import annotations

import datetime as dt

import pytest

from smarketing.handoff.journey import Touch, journey_build
from smarketing.handoff.review import FeedbackFact, month_parse, review_build, size_band

T0 = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("employees", "band"),
    [
        (None, "(unknown)"),
        (0, "(unknown)"),
        (1, "1–9"),
        (9, "1–9"),
        (10, "10–49"),
        (250, "250–999"),
        (5000, "1,000+"),
    ],
)
def test_size_band_when_employees_given(employees, band):
    assert size_band(employees) == band


def test_month_parse_when_december_ends_at_new_year():
    assert month_parse("2024-12") == (
        dt.datetime(2024, 12, 1, tzinfo=dt.UTC),
        dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "24-01", "March"])
def test_month_parse_when_malformed_raises(text):
    with pytest.raises(ValueError):
        month_parse(text)


def _fact(kind: str, *, rating=None, reason="", content=(), channel="Paid search") -> FeedbackFact:
    return FeedbackFact(kind, rating, reason, channel, "", tuple(content), "1–9", "Software")


def test_review_build_when_facts_given_counts_each_dimension():
    review = review_build(
        [
            _fact("accept", rating=5, content=("Guide", "Webinar")),
            _fact("reject", reason="No budget", content=("Guide",)),
            _fact("rating", rating=2, channel="Organic search"),
        ],
        month="2025-03",
    )
    assert review.total.feedback == 3 and review.total.rating_average == 3.5
    assert review.total.acceptance_rate == 0.5  # one accept of two decisions; a rating is none
    content = {r.key: r.feedback for r in review.by["content"]}
    assert content == {"Guide": 2, "Webinar": 1, "(none)": 1}
    assert [r.key for r in review.by["channel"]] == ["Paid search", "Organic search"]
    assert review.by["campaign"][0].key == "(unknown)"
    assert review.reasons == [("reject", "No budget", 1)]


def test_journey_build_when_touches_unordered_sums_them():
    touches = [
        Touch(
            T0 + dt.timedelta(days=2),
            "page_view",
            "Paid search",
            "Spring",
            path="/pricing",
            high_intent=True,
        ),
        Touch(T0, "page_view", "Organic search", path="/blog"),
        Touch(T0 + dt.timedelta(days=1), "download", "Email", "Spring", "Guide", "MOFU"),
        Touch(T0 + dt.timedelta(days=3), "download", "Email", "", "Guide", "MOFU"),
    ]
    journey = journey_build(touches)
    assert journey.first_touch.path == "/blog" and journey.touches == 4
    assert journey.campaigns == [("Spring", 2)]
    assert [(c.title, c.funnel_stage, c.times) for c in journey.content] == [("Guide", "MOFU", 2)]
    assert [v.path for v in journey.recent_visits] == ["/pricing", "/blog"]
    assert journey.high_intent_visits == 1


def test_journey_build_when_no_touches_is_empty():
    assert journey_build([]).first_touch is None
