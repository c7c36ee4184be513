"""A hand-made lead population for the insights tests: 60 leads at companies under 10 people,
none of which became a customer, and 140 others, 42 of which did; each lead its own company.
Sales rejected the small ones for "No budget" and rated them 1; the others 4."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from smarketing.handoff.models import FeedbackKind, LeadFeedback
from smarketing.lifecycle.models import StageTransition, TransitionReason
from smarketing.people.models import Account, Contact

SMALL, SMALL_CUSTOMERS = 60, 0
OTHERS, OTHER_CUSTOMERS = 140, 42
CONDITION = {"field": "account.employees", "op": "<", "value": 10}


def _lead(i: int, *, employees: int, customer: bool, at: dt.datetime) -> Contact:
    account = Account.objects.create(
        name=f"Company {i}", domain=f"c{i}.example", employees=employees
    )
    contact = Contact.objects.create(email=f"lead{i}@c{i}.example", account=account)
    StageTransition.objects.create(contact=contact, account=account, to_stage="lead", at=at)
    if customer:
        StageTransition.objects.create(
            contact=contact,
            account=account,
            from_stage="lead",
            to_stage="customer",
            at=at + dt.timedelta(days=40),
        )
    return contact


def population(*, rep) -> list[Contact]:
    at = timezone.now() - dt.timedelta(days=120)
    no_budget = TransitionReason.objects.get(kind="reject", code="no-budget")
    contacts = []
    for i in range(SMALL):
        contact = _lead(i, employees=5, customer=i < SMALL_CUSTOMERS, at=at)
        LeadFeedback.objects.create(
            contact=contact, user=rep, kind=FeedbackKind.REJECT, reason=no_budget, rating=1
        )
        contacts.append(contact)
    for i in range(SMALL, SMALL + OTHERS):
        contact = _lead(i, employees=200, customer=i - SMALL < OTHER_CUSTOMERS, at=at)
        LeadFeedback.objects.create(contact=contact, user=rep, kind=FeedbackKind.RATING, rating=4)
        contacts.append(contact)
    return contacts
