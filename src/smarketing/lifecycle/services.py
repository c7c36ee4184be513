"""Every lifecycle move goes through here: checked, reasoned, recorded, cached."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
    moves = stage_transitions(
        contact_ids=[contact.pk],
        to_stage=to_stage,
        by_user=by_user,
        by_rule=by_rule,
        reason=reason,
        note=note,
        at=at,
    )
    if contact.pk in moves.refused:
        raise moves.refused[contact.pk]
    if not moves.rows:
        raise Contact.DoesNotExist(f"no contact {contact.pk}")
    row = moves.rows[0]
    contact.lifecycle_stage, contact.lifecycle_stage_at = row.to_stage, row.at
    if row.to_stage == Stage.MQL.value:
        contact.owner_id = row.contact.owner_id
    return row


@dataclass
class Moves:
    """What `stage_transitions` did: the transitions written, in contact id order, and why
    each contact that stayed where it was could not move."""

    rows: list[StageTransition] = field(default_factory=list)
    refused: dict[int, InvalidInput] = field(default_factory=dict)


@transaction.atomic
def stage_transitions(
    *,
    contact_ids: Iterable[int],
    to_stage: Stage | str,
    by_user: Any = None,
    by_rule: str | Mapping[int, str] = "",
    reason: TransitionReason | str | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Moves:
    """Move each contact to `to_stage`, as `stage_transition` does one: those a move is refused
    for (the stage does not allow it, or it is dated before their last move) stay where they
    are and the others move. `by_rule` may differ per contact (a mapping by contact id).

    Each contact is locked and checked with the stage it has then, so two concurrent moves
    cannot both read the same current stage. A new MQL gets its owner by the routing rules,
    one after the other; the transitions, assignments and alerts are written together."""
    target = _parse_stage(to_stage)
    per_contact = by_rule if isinstance(by_rule, Mapping) else None

    def rule_of(contact_id: int) -> str:
        return str(by_rule) if per_contact is None else per_contact.get(contact_id, "")

    ids = sorted(set(contact_ids))
    if by_user is None and not all(rule_of(pk) for pk in ids):
        raise InvalidInput("a move is made by a user or by a named rule", field="by_rule")
    reason_obj = reason_resolve(reason)
    kind = ReasonKind(reason_obj.kind) if reason_obj else None
    at = at or timezone.now()
    # Imported here: routing imports people and lifecycle's stages, which load before it.
    from smarketing.handoff.routing.choose import contacts_for_routing
    from smarketing.handoff.routing.services import Assigner

    moves = Moves()
    if target == Stage.MQL:
        # A move to MQL reads what routing needs with the contact (owners and their teams).
        locked = contacts_for_routing(ids, lock=True)
    else:
        locked = list(Contact.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    moving = []
    for contact in locked:
        refusal = _refusal(contact, target, kind, at)
        if refusal is not None:
            moves.refused[contact.pk] = refusal
            continue
        current = contact.lifecycle_stage
        moves.rows.append(
            StageTransition(
                contact=contact,
                account_id=contact.account_id,
                from_stage=current or "",
                to_stage=target.value,
                at=at,
                by_user=by_user,
                by_rule=rule_of(contact.pk),
                reason=reason_obj,
                note=note,
            )
        )
        contact.lifecycle_stage, contact.lifecycle_stage_at = target.value, at
        moving.append(contact)
    stage = {"lifecycle_stage": target.value, "lifecycle_stage_at": at}
    if target == Stage.MQL:
        # Every new MQL gets its owner by the routing rules, the stage written with it: the
        # next lead's routing counts reps' open leads from both.
        assigner = Assigner(at=at)
        for contact in moving:
            assigner.route(contact, also=stage)
        assigner.flush()
    elif moving:
        Contact.objects.filter(pk__in=[c.pk for c in moving]).update(**stage)
    StageTransition.objects.bulk_create(moves.rows)
    return moves


def _refusal(
    contact: Contact, target: Stage, kind: ReasonKind | None, at: dt.datetime
) -> InvalidInput | None:
    current = Stage(contact.lifecycle_stage) if contact.lifecycle_stage else None
    error = transition_error(current, target, kind)
    if error:
        return InvalidInput(error[1], field=error[0])
    if contact.lifecycle_stage_at and at < contact.lifecycle_stage_at:
        return InvalidInput(
            f"the move is dated {at:%Y-%m-%d %H:%M}, before the contact's last move "
            f"({contact.lifecycle_stage_at:%Y-%m-%d %H:%M})",
            field="at",
        )
    return None


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
