"""Every lifecycle move goes through here: checked, reasoned, recorded, cached."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.lifecycle.models import StageTransition, TransitionReason
from smarketing.lifecycle.stages import ReasonKind, Stage, transition_error
from smarketing.people.models import Contact


def reason_resolve(reason: TransitionReason | str | None) -> TransitionReason | None:
    """A reason object from itself or its code."""
    if reason is None or isinstance(reason, TransitionReason):
        return reason
    found = TransitionReason.objects.filter(code=reason, active=True).order_by("kind").first()
    if found is None:
        codes = ", ".join(
            TransitionReason.objects.filter(active=True).values_list("code", flat=True)
        )
        raise InvalidInput(f"unknown reason {reason!r} (known: {codes})", field="reason")
    return found


def _parse_stage(value: Stage | str) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        known = ", ".join(s.value for s in Stage)
        raise InvalidInput(f"unknown stage {value!r} (known: {known})", field="to_stage") from None


@transaction.atomic
def stage_transition(
    *,
    contact: Contact,
    to_stage: Stage | str,
    by_user: Any = None,
    by_rule: str = "",
    reason: TransitionReason | str | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> StageTransition:
    """Move a contact to `to_stage`, recording who or what moved it and why."""
    target = _parse_stage(to_stage)
    if by_user is None and not by_rule:
        raise InvalidInput("a move is made by a user or by a named rule", field="by_rule")
    reason_obj = reason_resolve(reason)
    # Imported here: routing imports people and lifecycle's stages, which load before it.
    from smarketing.handoff.routing.choose import contact_for_routing

    # Lock the contact so two concurrent moves cannot both read the same current stage. A move
    # to MQL reads what routing needs with it (the owners and their teams).
    locked = (
        contact_for_routing(contact.pk, lock=True)
        if target == Stage.MQL
        else Contact.objects.select_for_update().get(pk=contact.pk)
    )
    current = Stage(locked.lifecycle_stage) if locked.lifecycle_stage else None
    kind = ReasonKind(reason_obj.kind) if reason_obj else None
    error = transition_error(current, target, kind)
    if error:
        raise InvalidInput(error[1], field=error[0])
    at = at or timezone.now()
    if locked.lifecycle_stage_at and at < locked.lifecycle_stage_at:
        raise InvalidInput(
            f"the move is dated {at:%Y-%m-%d %H:%M}, before the contact's last move "
            f"({locked.lifecycle_stage_at:%Y-%m-%d %H:%M})",
            field="at",
        )
    row = StageTransition.objects.create(
        contact=locked,
        account_id=locked.account_id,
        from_stage=current.value if current else "",
        to_stage=target.value,
        at=at,
        by_user=by_user,
        by_rule=by_rule,
        reason=reason_obj,
        note=note,
    )
    Contact.objects.filter(pk=locked.pk).update(lifecycle_stage=target.value, lifecycle_stage_at=at)
    contact.lifecycle_stage, contact.lifecycle_stage_at = target.value, at
    locked.lifecycle_stage, locked.lifecycle_stage_at = target.value, at
    if target == Stage.MQL:
        # Every new MQL gets its owner by the routing rules.
        from smarketing.handoff.routing.services import mql_route_locked

        mql_route_locked(contact=locked, at=at)
        contact.owner_id = locked.owner_id
    return row


def stage_derive(*, contact: Contact) -> tuple[str, dt.datetime | None]:
    """The stage from history alone: the newest transition's target."""
    last = StageTransition.objects.filter(contact=contact).order_by("-at", "-id").first()
    return (last.to_stage, last.at) if last else ("", None)


def stage_cache_rebuild(*, contacts: Iterable[Contact]) -> int:
    """Re-derive the cached stage from history; returns how many caches were wrong."""
    fixed = 0
    for contact in contacts:
        stage, at = stage_derive(contact=contact)
        if (stage, at) != (contact.lifecycle_stage, contact.lifecycle_stage_at):
            Contact.objects.filter(pk=contact.pk).update(
                lifecycle_stage=stage, lifecycle_stage_at=at
            )
            fixed += 1
    return fixed


def account_contacts_to_customer(
    *, account_id: int, at: dt.datetime, by_rule: str, by_user: Any = None
) -> int:
    """A won deal makes every contact of its account a customer; returns how many moved."""
    moved = 0
    contacts = Contact.objects.filter(account_id=account_id).exclude(
        lifecycle_stage=Stage.CUSTOMER.value
    )
    for contact in contacts:
        if contact.lifecycle_stage_at and contact.lifecycle_stage_at > at:
            at_for = contact.lifecycle_stage_at
        else:
            at_for = at
        stage_transition(
            contact=contact, to_stage=Stage.CUSTOMER, by_rule=by_rule, by_user=by_user, at=at_for
        )
        moved += 1
    return moved
