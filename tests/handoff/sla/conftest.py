from __future__ import annotations

import datetime as dt

import pytest

from smarketing.handoff.models import Assignment
from smarketing.handoff.sla import services
from smarketing.lifecycle.services import stage_transition
from tests.factories import ContactFactory

UTC = dt.UTC
# Monday 2 June 2025, 10:00 in New York (the sales team's zone in the cast).
MONDAY = dt.datetime(2025, 6, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def live_policy(marketing_leader, sales_leader):
    draft = services.policy_draft_create(by_user=sales_leader, at=MONDAY - dt.timedelta(days=30))
    services.policy_propose(version=draft, by_user=sales_leader)
    at = MONDAY - dt.timedelta(days=29)
    services.policy_approve(version=draft, user=marketing_leader, at=at)
    services.policy_approve(version=draft, user=sales_leader, at=at)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def mql_assigned(rep, live_policy):
    """An MQL assigned to the rep on Monday at 10:00 New York time."""
    contact = ContactFactory()
    stage_transition(
        contact=contact, to_stage="lead", by_rule="test", at=MONDAY - dt.timedelta(hours=2)
    )
    stage_transition(
        contact=contact, to_stage="mql", by_rule="test", at=MONDAY - dt.timedelta(hours=1)
    )
    Assignment.objects.create(contact=contact, owner=rep, at=MONDAY, rule="by hand")
    return contact
