"""Routing writes: assigning MQLs by the rules, reassigning by hand, handing on a deactivated
rep's leads. The rules' configuration is in config.py."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.handoff.models import Assignment
from smarketing.handoff.routing.choose import (
    OPEN_STAGES,
    contact_for_routing,
    owner_choose,
)
from smarketing.notify.models import AlertKind
from smarketing.notify.services import notify
from smarketing.org.models import User
from smarketing.people.models import Account, Contact

logger = logging.getLogger(__name__)


def _assign(
    *,
    contact: Contact,
    owner: User,
    rule: str,
    at: dt.datetime,
    by_user: User | None = None,
    note: str = "",
) -> Assignment:
    """Record the assignment, cache the owner on the contact (and on its account when that has
    no active owner), and tell the new owner."""
    assignment = Assignment.objects.create(
        contact=contact,
        owner=owner,
        previous_owner=contact.owner,
        at=at,
        rule=rule[:200],
        by_user=by_user,
        note=note,
    )
    Contact.objects.filter(pk=contact.pk).update(owner=owner)
    contact.owner = owner
    account = contact.account
    if account is not None and (account.owner is None or not account.owner.is_active):
        Account.objects.filter(pk=account.pk).update(owner=owner)
        account.owner = owner
    if owner != by_user:
        _tell_owner(assignment)
    return assignment


def _tell_owner(assignment: Assignment) -> None:
    contact = assignment.contact
    company = f" at {contact.account.name}" if contact.account else ""
    notify(
        user=assignment.owner,
        kind=AlertKind.MQL_ASSIGNED,
        title=f"New lead for you: {contact}{company}",
        body=f"Assigned by {assignment.rule}." + (f" {assignment.note}" if assignment.note else ""),
        url=reverse("web:contact", args=[contact.pk]),
        contact=contact,
        dedupe_key=f"mql-assigned:{assignment.pk}",
        at=assignment.at,
    )


@transaction.atomic
def mql_route(*, contact: Contact, at: dt.datetime | None = None) -> Assignment | None:
    """Give a new MQL its owner by the routing rules, recording which rule chose.

    Returns None, and leaves the owner as it was, only when nobody at all can take leads (no
    active fallback user and no active sales team leader): a move to MQL never fails for it."""
    locked = contact_for_routing(contact.pk, lock=True)
    assignment = mql_route_locked(contact=locked, at=at)
    contact.owner = locked.owner
    return assignment


def mql_route_locked(*, contact: Contact, at: dt.datetime | None = None) -> Assignment | None:
    """`mql_route` for a contact already locked and read by `contact_for_routing` in the
    current transaction (the move to MQL's own)."""
    at = at or timezone.now()
    choice = owner_choose(contact=contact, at=at, commit=True)
    if choice is None:
        logger.warning("MQL %s not routed: no rule found an owner and nobody leads sales", contact)
        return None
    return _assign(contact=contact, owner=choice.owner, rule=choice.rule, at=at)


@transaction.atomic
def contact_reassign(
    *,
    contact: Contact,
    owner: User,
    by_user: User,
    note: str = "",
    at: dt.datetime | None = None,
) -> Assignment:
    """Give `contact` to `owner` by hand; the history keeps who did it and why."""
    if owner is None or not owner.is_active:
        raise InvalidInput("the new owner must be an active user", field="owner")
    locked = contact_for_routing(contact.pk, lock=True)
    if locked.owner_id == owner.pk:
        raise InvalidInput(f"{owner.email} already owns this contact", field="owner")
    at = at or timezone.now()
    latest = Assignment.objects.filter(contact=locked).order_by("-at", "-id").first()
    if latest is not None and at < latest.at:
        raise InvalidInput(
            f"the reassignment is dated {at:%Y-%m-%d %H:%M}, before the contact's last "
            f"assignment ({latest.at:%Y-%m-%d %H:%M})",
            field="at",
        )
    assignment = _assign(
        contact=locked, owner=owner, rule="by hand", at=at, by_user=by_user, note=note.strip()
    )
    contact.owner = owner
    return assignment


@transaction.atomic
def owner_deactivated(*, user: User, by_user: Any = None) -> list[Assignment]:
    """Hand each open MQL and SAL of a deactivated rep on by the routing rules.

    Leads the rules find nobody for keep their old owner and are logged."""
    if user.is_active:
        raise InvalidInput(f"{user.email} is still active", field="user")
    who = f" by {by_user.email}" if by_user is not None else ""
    note = f"{user.email} was deactivated{who}."
    at = timezone.now()
    assignments = []
    open_ids = (
        Contact.objects.filter(owner=user, lifecycle_stage__in=OPEN_STAGES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for contact_id in list(open_ids):
        locked = contact_for_routing(contact_id, lock=True)
        if locked.owner_id != user.pk:
            continue  # reassigned meanwhile
        choice = owner_choose(contact=locked, at=at, commit=True)
        if choice is None:
            logger.warning("open lead %s of deactivated %s: nobody to take it", locked, user)
            continue
        assignments.append(
            _assign(contact=locked, owner=choice.owner, rule=choice.rule, at=at, note=note)
        )
    return assignments
