"""Journeys built from the database on a history written out by hand (attribution_db_history),
the credit of simple models on them counted by hand, and the query count pinned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smarketing.analytics.attribution import attribute, paths_from_journeys
from smarketing.analytics.attribution_report.journeys import journeys_collect
from smarketing.analytics.attribution_report.params import params_parse
from smarketing.deals.models import Deal
from smarketing.errors import InvalidInput
from tests.analytics.attribution_db_history import (
    WINDOW,
    build_history,
    day,
    person,
    touch,
    won,
)
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    return build_history()


def _journeys(**params: str):
    return journeys_collect(params=params_parse({**WINDOW, **params}, today=dt.date(2026, 7, 1)))


def _shapes(found) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    converting = sorted(j.channels for j in found.journeys if j.converted)
    nulls = sorted(j.channels for j in found.journeys if not j.converted)
    return converting, nulls


def test_contact_level_takes_the_primary_contacts_touches_in_the_lookback(history):
    found = _journeys(level="contact")
    converting, nulls = _shapes(found)
    # Ada's paid search is 111 days before the close, her later email after it; Ari is not the
    # deal's contact; Eve won in EUR.
    assert converting == [("email", "email"), ("email", "events", "direct")]
    assert nulls == [("paid_social",), ("paid_social", "direct")]
    assert (found.converting, found.nulls, found.deals_won) == (2, 2, 3)


def test_account_level_takes_every_contact_of_the_account(history):
    found = _journeys(level="account")
    converting, nulls = _shapes(found)
    assert converting == [("email", "email"), ("email", "social", "events", "direct")]
    assert nulls == [("paid_social",), ("paid_social", "direct")]


def test_a_longer_lookback_reaches_older_touches(history):
    converting, _ = _shapes(_journeys(lookback="120"))
    assert ("paid_search", "email", "events", "direct") in converting


def test_lead_and_opportunity_marks_are_the_touches_before_the_moves(history):
    ada = next(j for j in _journeys().journeys if j.converted and len(j.channels) == 3)
    assert (ada.lead_touch, ada.opportunity_touch) == (0, 1)  # email, then events
    assert ada.value == 5000 and ada.ended_at == day(5, 1)
    assert ada.times == (day(2, 15), day(3, 10), day(4, 20))
    ben = next(j for j in _journeys().journeys if j.channels == ("email", "email"))
    assert (ben.lead_touch, ben.opportunity_touch) == (None, None)
    acme = next(j for j in _journeys(level="account").journeys if len(j.channels) == 4)
    assert (acme.lead_touch, acme.opportunity_touch) == (0, 2)


def test_null_journey_ends_at_the_first_lost_deal(history):
    nulls = [j.channels for j in _journeys().journeys if not j.converted]
    assert ("paid_social",) in nulls  # Dee's email came after her lost deal
    assert all("social" not in n for n in nulls)  # Ari's touch is older than the lookback


def test_other_currencies_are_left_out_and_said_so(history):
    found = _journeys()
    assert found.currency == "USD"
    assert found.other_currencies == {"EUR": {"deals": 1, "amount": "1000.00"}}
    assert sum(j.value for j in found.journeys) == 8000


def test_deals_without_a_contact_or_touches_are_counted(history):
    Deal.objects.filter(primary_contact=history["ben"]).update(primary_contact=None)
    quiet = person("quiet")
    won(quiet, amount=100, at=day(6, 10))
    found = _journeys()
    assert (found.without_contact, found.without_touches, found.converting) == (1, 1, 1)


def test_first_touch_and_linear_credit_match_a_hand_count(history):
    paths = paths_from_journeys(_journeys().journeys)
    first = attribute(paths, model="first_touch")
    assert first.conversions["email"] == 2 and first.value["email"] == 8000
    linear = attribute(paths, model="linear")
    assert linear.conversions == pytest.approx(
        {"email": 4 / 3, "events": 1 / 3, "direct": 1 / 3, "paid_social": 0.0}
    )
    assert linear.value["email"] == pytest.approx(5000 / 3 + 3000)
    w_shaped = attribute(paths, model="w_shaped")
    assert w_shaped.conversions["events"] == pytest.approx(0.3)  # Ada's opportunity touch


def test_by_campaign_names_campaigns_and_keeps_other_touches_by_channel(history):
    webinar = CampaignFactory(name="Webinar", channel="events")
    touch(history["ada"], "events", day(3, 12), campaign=webinar)
    found = _journeys(by="campaign")
    ada = next(j for j in found.journeys if j.converted and len(j.channels) == 4)
    assert ada.channels == ("email", "events", f"campaign:{webinar.pk}", "direct")
    assert found.labels[f"campaign:{webinar.pk}"] == "Webinar"
    assert found.labels["email"] == "Email (no campaign)"


@pytest.mark.parametrize("level", ["contact", "account"])
def test_query_count_does_not_grow_with_the_data(history, level):
    with CaptureQueriesContext(connection) as small:
        _journeys(level=level)
    for i in range(4):
        buyer = person(f"buyer{i}")
        touch(buyer, "email", day(3, 1 + i))
        won(buyer, amount=100, at=day(4, 1 + i))
        touch(person(f"browser{i}"), "direct", day(5, 1 + i))
    with CaptureQueriesContext(connection) as large:
        found = _journeys(level=level)
    assert found.converting == 6
    assert len(large) == len(small) == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-05-01", "until": "2026-04-01"}, "until"),
        ({"order": "4"}, "order"),
        ({"lookback": "-5"}, "lookback"),
        ({"lookback": "ninety"}, "lookback"),
        ({"half_life": "0"}, "half_life"),
        ({"level": "team"}, "level"),
        ({"by": "weather"}, "by"),
    ],
)
def test_bad_parameters_name_the_field(params, field):
    with pytest.raises(InvalidInput) as caught:
        params_parse(params, today=dt.date(2026, 7, 1))
    assert list(caught.value.errors) == [field]
