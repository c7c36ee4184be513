"""The SLA clocks card on the contact page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smarketing.handoff.models import Activity, Assignment
from smarketing.handoff.sla.queries import clocks_for
from smarketing.lifecycle.services import stage_transition
from tests.factories import ContactFactory

from .conftest import MONDAY

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_card_shows_each_obligation_state_and_due_time(rep, mql_assigned):
    Activity.objects.create(kind="call", contact=mql_assigned, user=rep, occurred_at=MONDAY + H)

    with time_machine.travel(MONDAY + 5 * H, tick=False):
        text = logged_in(rep).get(f"/contacts/{mql_assigned.pk}/").content.decode()
        clocks = {c.obligation: c for c in clocks_for(contact=mql_assigned, now=MONDAY + 5 * H)}

    card = text[text.index('id="sla-clocks"') :]
    card = card[: card.index("</section>")]
    assert clocks["accept"].state == "breached" and clocks["first_touch"].state == "met"
    # Accept was due 4 business hours after 10:00 New York time, on Monday at 14:00 there.
    assert "Accept or reject" in card and "Breached" in card and "due Mon 2025-06-02 14:00" in card
    assert "due Mon 2025-06-02 14:00 · 1.0 business hours overdue" in card
    assert "First touch" in card and "done Mon 2025-06-02 11:00" in card
    assert "1/3 calls, 0/3 emails" in card
    assert "Times in America/New_York" in card


def test_card_without_a_running_clock_says_why(rep):
    contact = ContactFactory(owner=rep)

    text = logged_in(rep).get(f"/contacts/{contact.pk}/").content.decode()

    assert 'id="sla-clocks"' in text and "No SLA clock runs" in text


def test_card_is_left_out_for_a_contact_nobody_owns(rep):
    contact = ContactFactory(owner=None)

    text = logged_in(rep).get(f"/contacts/{contact.pk}/").content.decode()

    assert 'id="sla-clocks"' not in text


def test_my_leads_when_more_leads_costs_no_more_queries(client, rep, live_policy):
    """The most urgent clock of every lead is read in one batch, not per lead."""

    def mql_at(i: int) -> None:
        contact = ContactFactory(email=f"lead{i}@acme.example", owner=rep)
        stage_transition(contact=contact, to_stage="lead", by_rule="test", at=MONDAY)
        stage_transition(contact=contact, to_stage="mql", by_rule="test", at=MONDAY)
        Assignment.objects.create(contact=contact, owner=rep, at=MONDAY, rule="by hand")

    client.force_login(rep)
    mql_at(0)
    with time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False):
        with CaptureQueriesContext(connection) as one:
            html = client.get("/handoff/").content.decode()
        assert "Accept or reject" in html
        for i in range(1, 6):
            mql_at(i)
        with CaptureQueriesContext(connection) as six:
            html = client.get("/handoff/").content.decode()
    assert html.count("Accept or reject") == 6
    assert len(six) == len(one)
