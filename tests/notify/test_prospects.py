"""Prospect alerts from event processing: who counts as a prospect, who is told, and at most
one alert per prospect per hour."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from smarketing.deals.models import DealStage
from smarketing.notify.models import AlertKind, Notification
from smarketing.notify.prospects import prospects_alert
from tests.events.messages import identify, page
from tests.factories import AccountFactory, ContactFactory, DealFactory

pytestmark = pytest.mark.django_db


def alerts(user=None):
    qs = Notification.objects.filter(kind=AlertKind.PROSPECT_VISIT)
    return list(qs.filter(user=user) if user else qs)


def visit(send, process, contact, *, path="/pricing", at=None):
    anon = f"anon-{contact.pk}"
    at = at or timezone.now()  # the messages' own clock starts in 2025
    send(identify(anon, email=contact.email, at=at), page(anon, path=path, at=at))
    process()


def test_an_mql_on_the_pricing_page_alerts_its_owner_once(send, process, rep):
    contact = ContactFactory(lifecycle_stage="mql", owner=rep, first_name="Ana", last_name="Berg")

    visit(send, process, contact)

    [alert] = alerts()
    assert alert.user == rep and alert.contact_id == contact.pk
    assert alert.title.startswith("Ana Berg") and "/pricing" in alert.title
    assert alert.url == f"/contacts/{contact.pk}/"


def test_a_second_visit_within_the_hour_does_not_alert_again(send, process, rep):
    contact = ContactFactory(lifecycle_stage="sal", owner=rep)
    visit(send, process, contact)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=40)):
        visit(send, process, contact, path="/demo")
    assert len(alerts()) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=75)):
        visit(send, process, contact, path="/pricing")
    assert len(alerts()) == 2


def test_a_low_intent_page_alerts_nobody(send, process, rep):
    contact = ContactFactory(lifecycle_stage="mql", owner=rep)
    visit(send, process, contact, path="/blog/how-to")
    assert alerts() == []


@pytest.mark.parametrize("stage", ["lead", "recycled", "customer"])
def test_a_contact_outside_mql_sal_sql_without_open_deal_is_no_prospect(send, process, rep, stage):
    contact = ContactFactory(lifecycle_stage=stage, owner=rep)
    visit(send, process, contact)
    assert alerts() == []


def test_any_contact_of_an_account_with_an_open_deal_is_a_prospect(send, process, rep):
    account = AccountFactory(owner=rep)
    DealFactory(account=account, stage=DealStage.DISCOVERY)
    contact = ContactFactory(lifecycle_stage="lead", account=account)  # no owner: the account's

    visit(send, process, contact)

    assert [a.user for a in alerts()] == [rep]


def test_a_closed_deal_does_not_make_a_prospect(send, process, rep):
    account = AccountFactory(owner=rep)
    DealFactory(account=account, stage=DealStage.WON)
    visit(send, process, ContactFactory(lifecycle_stage="lead", account=account))
    assert alerts() == []


def test_a_prospect_back_after_two_weeks_away_alerts_its_owner(send, process, rep):
    contact = ContactFactory(lifecycle_stage="sql", owner=rep)
    long_ago = timezone.now() - dt.timedelta(days=20)
    visit(send, process, contact, path="/blog", at=long_ago)
    assert alerts() == []

    visit(send, process, contact, path="/blog/new")

    [alert] = alerts()
    assert "back after 20 days" in alert.title


def test_a_prospect_seen_last_week_is_not_back(send, process, rep):
    contact = ContactFactory(lifecycle_stage="sql", owner=rep)
    visit(send, process, contact, path="/blog", at=timezone.now() - dt.timedelta(days=6))
    visit(send, process, contact, path="/blog/new")
    assert alerts() == []


def test_a_replayed_old_visit_alerts_in_app_only(send, process, rep, smtp_port):
    contact = ContactFactory(lifecycle_stage="mql", owner=rep)
    visit(send, process, contact, at=timezone.now() - dt.timedelta(days=2))
    [alert] = alerts()
    assert not alert.deliveries.exists()


def test_the_same_batch_alerting_twice_records_one_alert(send, process, rep):
    """A retried batch (or a second worker on the same events) is deduplicated."""
    from smarketing.events.models import Touchpoint

    contact = ContactFactory(lifecycle_stage="mql", owner=rep)
    visit(send, process, contact)
    touchpoints = list(Touchpoint.objects.filter(contact=contact))
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))

    made = prospects_alert(touchpoints=touchpoints, final=lambda c: c)

    assert made == 0 and len(alerts()) == 1


def test_a_contact_without_any_owner_alerts_nobody(send, process):
    visit(send, process, ContactFactory(lifecycle_stage="mql", owner=None))
    assert alerts() == []
