"""Processing rescores the contacts a batch touched, in the batch: a known lead that asks for a
demo is an MQL as soon as the event is processed, with the score that explains why."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.services import stage_transition
from smarketing.people.models import Contact
from smarketing.scoring.models import CurrentContactScore, ScoreChange
from tests.events.messages import identify, page, track
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead() -> Contact:
    contact = ContactFactory(
        email="ana@acme.example", account=AccountFactory(employees=200, domain="acme.example")
    )
    stage_transition(
        contact=contact,
        to_stage="lead",
        by_rule="test",
        at=timezone.now() - dt.timedelta(days=3),
    )
    return contact


def test_a_demo_request_makes_a_known_lead_an_mql_in_the_same_batch(send, process, lead):
    now = timezone.now()
    send(
        identify("v1", email="ana@acme.example", at=now - dt.timedelta(minutes=3)),
        page("v1", path="/pricing", at=now - dt.timedelta(minutes=2)),
        track(
            "Form Submitted",
            "v1",
            properties={"form_id": "request-demo"},
            at=now - dt.timedelta(minutes=1),
        ),
    )

    process()

    lead.refresh_from_db()
    move = StageTransition.objects.filter(contact=lead, to_stage="mql").get()
    assert lead.lifecycle_stage == "mql" and move.by_rule.startswith("definition v")
    score = CurrentContactScore.objects.get(contact=lead, group="default")
    assert {rule for rule, _, _ in json.loads(score.explanation)} == {
        "employees-50-999",
        "pricing-page",
        "demo-request",
    }
    assert ScoreChange.objects.filter(contact=lead, cause="event").exists()


def test_a_visit_that_does_not_meet_the_criteria_only_updates_the_score(send, process, lead):
    now = timezone.now()
    send(
        identify("v1", email="ana@acme.example", at=now - dt.timedelta(minutes=1)),
        page("v1", path="/pricing", at=now),
    )

    process()

    lead.refresh_from_db()
    assert lead.lifecycle_stage == "lead"
    assert CurrentContactScore.objects.get(contact=lead).engagement == pytest.approx(10, abs=0.01)
