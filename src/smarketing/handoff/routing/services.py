"""Routing writes: assigning MQLs by the rules, reassigning by hand, handing on a deactivated
rep's leads. The rules' configuration is in config.py."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.handoff.models import Assignment
from smarketing.handoff.routing.choose import (
    OPEN_STAGES,
    contact_for_routing,
    contacts_for_routing,
    owner_choose,
    routing_config_kept,
)
from smarketing.notify.models import AlertKind
from smarketing.notify.services import Alert, notify_many
from smarketing.org.models import User
from smarketing.people.models import Account, Contact

logger = logging.getLogger(__name__)


class Assigner:
    """Assignments made one lead at a time and written together by `flush`.

    What the next lead's routing reads is written at once: the contact's owner (reps' open
    leads are counted from it), with `also` any other columns of the contact (a move to MQL
    writes its stage in the same statement). The assignment rows, the accounts' owners and
    the new owners' alerts wait for `flush`: a batch of new MQLs writes them in a few
    statements instead of a handful per lead. Contacts sharing an account must share its
    object (`contacts_for_routing` reads them so), so that the first lead's owner becomes the
    account's, as when they are routed one after the other."""

    def __init__(self, *, at: dt.datetime, by_user: User | None = None, note: str = "") -> None:
        self.at, self.by_user, self.note = at, by_user, note
        self.made: list[Assignment] = []
        self.accounts: dict[int, User] = {}

    def route(self, contact: Contact, *, also: dict[str, Any] | None = None) -> Assignment | None:
        """Give a new MQL its owner by the routing rules, recording which rule chose. None,
        and the owner left as it was, only when nobody at all can take leads."""
        choice = owner_choose(contact=contact, at=self.at, commit=True)
        if choice is None:
            logger.warning(
                "MQL %s not routed: no rule found an owner and nobody leads sales", contact
            )
            if also:
                contact_columns_write(contact.pk, also)
            return None
        return self.give(contact, choice.owner, choice.rule, also=also)

    def give(
        self, contact: Contact, owner: User, rule: str, *, also: dict[str, Any] | None = None
    ) -> Assignment:
        """Record the assignment, cache the owner on the contact (and on its account when that
        has no active owner)."""
        self.made.append(
            Assignment(
                contact=contact,
                owner=owner,
                previous_owner=contact.owner,
                at=self.at,
                rule=rule[:200],
                by_user=self.by_user,
                note=self.note,
            )
        )
        contact_columns_write(contact.pk, {**(also or {}), "owner": owner.pk})
        contact.owner = owner
        account = contact.account
        if account is not None and (account.owner is None or not account.owner.is_active):
            account.owner = owner
            self.accounts[account.pk] = owner
        return self.made[-1]

    def flush(self) -> list[Assignment]:
        """Write what waits and tell each new owner (not one who assigned the lead to
        themselves)."""
        made, accounts = self.made, self.accounts
        self.made, self.accounts = [], {}
        Assignment.objects.bulk_create(made)
        owners: dict[int, list[int]] = {}
        for account_id, owner in accounts.items():
            owners.setdefault(owner.pk, []).append(account_id)
        for owner_id, ids in owners.items():
            Account.objects.filter(pk__in=ids).update(owner=owner_id)
        notify_many([_owner_alert(a) for a in made if a.owner != a.by_user])
        return made


def contact_columns_write(contact_id: int, columns: dict[str, Any]) -> None:
    """UPDATE one contact's columns (model field names) in a plain statement: a batch of new
    MQLs writes one per lead, and Django's update() costs ten times the statement."""
    fields = [Contact._meta.get_field(name) for name in columns]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    values = [
        f.get_db_prep_save(v, connection) for f, v in zip(fields, columns.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Contact._meta.db_table} SET {assignments} WHERE id = %s",
            [*values, contact_id],
        )


def _assign(
    *,
    contact: Contact,
    owner: User,
    rule: str,
    at: dt.datetime,
    by_user: User | None = None,
    note: str = "",
) -> Assignment:
    """One assignment, written at once."""
    assigner = Assigner(at=at, by_user=by_user, note=note)
    assigner.give(contact, owner, rule)
    return assigner.flush()[0]


def _owner_alert(assignment: Assignment) -> Alert:
    contact = assignment.contact
    company = f" at {contact.account.name}" if contact.account else ""
    return Alert(
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
    assigner = Assigner(at=at or timezone.now())
    assignment = assigner.route(locked)
    assigner.flush()
    contact.owner = locked.owner
    return assignment


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
    open_ids = (
        Contact.objects.filter(owner=user, lifecycle_stage__in=OPEN_STAGES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assigner = Assigner(at=at, note=note)
    with routing_config_kept():
        for locked in contacts_for_routing(list(open_ids), lock=True):
            if locked.owner_id != user.pk:
                continue  # reassigned meanwhile
            choice = owner_choose(contact=locked, at=at, commit=True)
            if choice is None:
                logger.warning("open lead %s of deactivated %s: nobody to take it", locked, user)
                continue
            assigner.give(locked, choice.owner, choice.rule)
    return assigner.flush()
