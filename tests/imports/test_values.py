"""Cell parsing: numbers, dates, countries and the value tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from smarketing.campaigns.models import Channel
from smarketing.deals.models import DealStage, LossReason
from smarketing.handoff.models import ActivityKind, CallOutcome
from smarketing.imports import values as v
from smarketing.imports.countries import country_code
from smarketing.lifecycle.stages import Stage
from smarketing.people.models import Seniority

UTC = dt.UTC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("$1,200,000.50", "1200000.50"),
        ("1.200.000,50 €", "1200000.50"),
        ("1 200", "1200"),
        ("EUR 99", "99"),
        ("12'000.5", "12000.5"),
        ("1,5", "1.5"),
        ("1,200", "1200"),
        ("1.200", "1.200"),
        ("(300)", "-300"),
        ("0", "0"),
    ],
)
def test_parse_decimal_reads_separators_and_currency(raw, expected):
    assert v.parse_decimal(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["abc", "1,2,3", "1.2.3,4.5", "--5", "12 apples"])
def test_parse_decimal_names_what_is_not_a_number(raw):
    with pytest.raises(ValueError, match="is not a number"):
        v.parse_decimal(raw)


def test_parse_count_refuses_fractions_and_negatives():
    assert v.parse_count("1,200") == 1200
    for raw in ("1.5", "-3"):
        with pytest.raises(ValueError, match="whole number"):
            v.parse_count(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-05", dt.datetime(2024, 3, 5, tzinfo=UTC)),
        ("2024-03-05T10:00:00Z", dt.datetime(2024, 3, 5, 10, tzinfo=UTC)),
        ("2024-03-05 10:23", dt.datetime(2024, 3, 5, 10, 23, tzinfo=UTC)),
        ("03/05/2024", dt.datetime(2024, 3, 5, tzinfo=UTC)),
        ("3/5/2024 2:15 PM", dt.datetime(2024, 3, 5, 14, 15, tzinfo=UTC)),
        ("05.03.2024", dt.datetime(2024, 3, 5, tzinfo=UTC)),
        ("2024/03/05", dt.datetime(2024, 3, 5, tzinfo=UTC)),
        ("5 Mar 2024", dt.datetime(2024, 3, 5, tzinfo=UTC)),
        ("March 5, 2024", dt.datetime(2024, 3, 5, tzinfo=UTC)),
    ],
)
def test_parse_datetime_formats(raw, expected):
    assert v.parse_datetime(raw) == expected


def test_parse_datetime_keeps_offsets():
    value = v.parse_datetime("2024-03-05T10:00:00+02:00")
    assert value == dt.datetime(2024, 3, 5, 8, tzinfo=UTC)


def test_slashed_dates_are_month_first_unless_day_first():
    assert v.parse_date("05/03/2024") == dt.date(2024, 5, 3)
    assert v.parse_date("05/03/2024", day_first=True) == dt.date(2024, 3, 5)
    with pytest.raises(ValueError, match="use --day-first"):
        v.parse_date("13/05/2024")


def test_parse_datetime_names_what_is_not_a_date():
    with pytest.raises(ValueError, match="'yesterday' is not a date"):
        v.parse_datetime("yesterday")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("USA", "US"),
        ("United States", "US"),
        ("UK", "GB"),
        ("the Netherlands", "NL"),
        ("Österreich", "AT"),
    ],
)
def test_country_names_and_codes(raw, code):
    assert country_code(raw) == code


def test_unknown_country_is_named():
    with pytest.raises(ValueError, match="unknown country 'Atlantis'"):
        v.parse_country("Atlantis")


@pytest.mark.parametrize(
    ("raw", "stage"),
    [
        ("marketingqualifiedlead", "mql"),
        ("Marketing Qualified Lead", "mql"),
        ("salesqualifiedlead", "sql"),
        ("MQL", "mql"),
        ("Open - Not Contacted", "lead"),
        ("Working - Contacted", "sal"),
        ("Closed - Converted", "sql"),
        ("Evangelist", "customer"),
        ("Other", ""),
    ],
)
def test_stage_values_of_hubspot_and_salesforce(raw, stage):
    assert v.parse_stage(raw) == stage


def test_unknown_stage_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown lifecycle stage 'Hot'.*mql"):
        v.parse_stage("Hot")


@pytest.mark.parametrize(
    ("raw", "channel"),
    [
        ("Organic Search", "organic_search"),
        ("Paid Search", "paid_search"),
        ("Email Marketing", "email"),
        ("Social Media", "social"),
        ("Referrals", "referral"),
        ("Direct Traffic", "direct"),
        ("Web", "direct"),
        ("Partner Referral", "partner"),
        ("Trade Show", "events"),
        ("paid_social", "paid_social"),
    ],
)
def test_sources_map_to_channels(raw, channel):
    assert v.parse_channel(raw) == channel


@pytest.mark.parametrize(
    ("raw", "stage"),
    [
        ("closedwon", "won"),
        ("Closed Won", "won"),
        ("Closed Lost", "lost"),
        ("appointmentscheduled", "discovery"),
        ("Negotiation/Review", "negotiation"),
        ("Proposal/Price Quote", "proposal"),
        ("demo", "demo"),
    ],
)
def test_deal_stages(raw, stage):
    assert v.parse_deal_stage(raw) == stage


def test_loss_reason_free_text_is_other():
    assert v.parse_loss_reason("Chose a competitor") == "competitor"
    assert v.parse_loss_reason("the CFO left") == "other"


def test_person_reference_takes_the_email_out():
    assert v.parse_person("Mia Marketer <Mia@Example.com>") == "mia@example.com"
    assert v.parse_person("Sam Seller (sam@example.com)") == "sam@example.com"
    assert v.parse_person("Sam Seller") == "Sam Seller"


def test_value_tables_name_only_model_choices():
    """The plain tables must stay in step with the models' choices."""
    assert set(v.STAGES.values()) - {""} <= {s.value for s in Stage}
    assert set(v.DEAL_STAGES.values()) == set(DealStage.values)
    assert set(v.CHANNELS.values()) == set(Channel.values)
    assert set(v.LOSS_REASONS.values()) == set(LossReason.values)
    assert set(v.SENIORITIES.values()) == set(Seniority.values)
    assert set(v.ACTIVITY_KINDS.values()) == set(ActivityKind.values)
    assert set(v.CALL_OUTCOMES.values()) == set(CallOutcome.values)
