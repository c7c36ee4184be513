"""What sales does with a lead marketing handed over: accept, reject, disqualify, recycle,
convert to SQL, open a deal, and rate its quality.

Each decision writes its LeadFeedback row and the lifecycle move (through `stage_transition`) in
one transaction, so a refused move leaves no feedback behind and the other way round. Who may
decide is checked by the callers (views, API) with the "lead.handle" action on the contact.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from smarketing.deals import services as deals
from smarketing.deals.models import Deal
from smarketing.errors import InvalidInput
from smarketing.handoff.models import FeedbackKind, LeadFeedback, SqlQualification
from smarketing.lifecycle.models import StageTransition, TransitionReason
from smarketing.lifecycle.services import stage_transition
from smarketing.lifecycle.stages import LABELS, ReasonKind, Stage
from smarketing.notify.models import AlertKind
from smarketing.notify.services import notify
from smarketing.org.models import Role, TeamKind, User
from smarketing.people.models import Contact
from smarketing.scoring.models import DefinitionVersion
from smarketing.scoring.scores import definition_in_force

logger = logging.getLogger(__name__)

# The stages a lead is worked in by sales; the decisions below start from these.
WORKING = (Stage.MQL, Stage.SAL, Stage.SQL)
COMMENT_MAX = 5000


@dataclass(frozen=True)
class Decision:
    """What a decision wrote: its feedback row (None for a move that carries none) and its move."""

    feedback: LeadFeedback | None
    transition: StageTransition | None
    deal: Deal | None = None
    qualification: SqlQualification | None = None


def _stage_check(contact: Contact, allowed: tuple[Stage, ...], verb: str) -> None:
    current = contact.lifecycle_stage
    if current not in allowed:
        where = LABELS[Stage(current)] if current else "no stage"
        names = " or ".join(LABELS[s] for s in allowed)
        raise InvalidInput(
            f"only a lead at {names} can be {verb}; this one is at {where}", field="contact"
        )


def reason_for(*, kind: ReasonKind, reason: TransitionReason | str | None) -> TransitionReason:
    """The active reason of `kind` named by its code (or given); a clear error otherwise."""
    if isinstance(reason, TransitionReason):
        if reason.kind != kind or not reason.active:
            raise InvalidInput(f"{reason.label!r} is not an active {kind} reason", field="reason")
        return reason
    choices = TransitionReason.objects.filter(kind=kind, active=True)
    if not reason:
        known = ", ".join(choices.values_list("code", flat=True))
        raise InvalidInput(f"a {kind} needs a reason (one of: {known})", field="reason")
    found = choices.filter(code=reason).first()
    if found is None:
        known = ", ".join(choices.values_list("code", flat=True))
        raise InvalidInput(f"unknown {kind} reason {reason!r} (known: {known})", field="reason")
    return found


def _rating_check(rating: int | None, *, required: bool = False) -> None:
    if rating is None:
        if required:
            raise InvalidInput("a rating from 1 to 5 is needed", field="rating")
        return
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput(
            f"a rating is a whole number from 1 to 5, not {rating!r}", field="rating"
        )


def _comment_check(comment: str) -> str:
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(f"a comment holds up to {COMMENT_MAX} characters", field="comment")
    return comment


def _feedback(
    *,
    contact: Contact,
    user: Any,
    kind: FeedbackKind,
    at: dt.datetime,
    reason: TransitionReason | None = None,
    rating: int | None = None,
    comment: str = "",
) -> LeadFeedback:
    return LeadFeedback.objects.create(
        contact=contact, user=user, kind=kind, reason=reason, rating=rating, comment=comment, at=at
    )


@transaction.atomic
def lead_accept(
    *,
    contact: Contact,
    user: Any,
    rating: int | None = None,
    comment: str = "",
    at: dt.datetime | None = None,
) -> Decision:
    """Sales takes the MQL: it becomes a SAL. A rating and comment may come with it."""
    _stage_check(contact, (Stage.MQL,), "accepted")
    _rating_check(rating)
    comment, at = _comment_check(comment), at or timezone.now()
    move = stage_transition(contact=contact, to_stage=Stage.SAL, by_user=user, note=comment, at=at)
    row = _feedback(
        contact=contact, user=user, kind=FeedbackKind.ACCEPT, rating=rating, comment=comment, at=at
    )
    return Decision(row, move)


@transaction.atomic
def lead_reject(
    *,
    contact: Contact,
    user: Any,
    reason: TransitionReason | str | None,
    comment: str = "",
    at: dt.datetime | None = None,
) -> Decision:
    """Sales sends the lead back: not a qualified lead. It goes to Recycled (marketing's
    nurture) with the reject reason, and marketing's owner is told."""
    _stage_check(contact, (Stage.MQL, Stage.SAL), "rejected")
    reason_obj = reason_for(kind=ReasonKind.REJECT, reason=reason)
    return _back_to_marketing(
        contact=contact,
        user=user,
        kind=FeedbackKind.REJECT,
        reason=reason_obj,
        comment=_comment_check(comment),
        at=at or timezone.now(),
    )


@transaction.atomic
def lead_recycle(
    *,
    contact: Contact,
    user: Any,
    reason: TransitionReason | str | None,
    comment: str = "",
    at: dt.datetime | None = None,
) -> Decision:
    """Not now: back to marketing's nurture with a recycle reason; marketing's owner is told."""
    _stage_check(contact, WORKING, "recycled")
    reason_obj = reason_for(kind=ReasonKind.RECYCLE, reason=reason)
    return _back_to_marketing(
        contact=contact,
        user=user,
        kind=FeedbackKind.RECYCLE,
        reason=reason_obj,
        comment=_comment_check(comment),
        at=at or timezone.now(),
    )


def _back_to_marketing(
    *,
    contact: Contact,
    user: Any,
    kind: FeedbackKind,
    reason: TransitionReason,
    comment: str,
    at: dt.datetime,
) -> Decision:
    move = stage_transition(
        contact=contact, to_stage=Stage.RECYCLED, by_user=user, reason=reason, note=comment, at=at
    )
    row = _feedback(contact=contact, user=user, kind=kind, reason=reason, comment=comment, at=at)
    _marketing_tell(contact=contact, user=user, move=move, reason=reason, comment=comment)
    return Decision(row, move)


def marketing_owners(*, contact: Contact | None = None) -> list[User]:
    """Who hears that a lead came back: the active owner of the campaign that sourced it, else
    the leaders of the marketing teams."""
    campaign = contact.source_campaign if contact and contact.source_campaign_id else None
    if campaign is not None and campaign.owner_id is not None:
        owner = User.objects.filter(pk=campaign.owner_id, is_active=True).first()
        if owner is not None:
            return [owner]
    return list(
        User.objects.filter(
            is_active=True, role=Role.LEADER, team__kind=TeamKind.MARKETING
        ).order_by("pk")
    )


def _marketing_tell(
    *, contact: Contact, user: Any, move: StageTransition, reason: TransitionReason, comment: str
) -> None:
    owners = marketing_owners(contact=contact)
    if not owners:
        logger.warning(
            "contact %s came back to marketing, but no campaign owner or marketing leader is set",
            contact.pk,
        )
    verb = "rejected" if reason.kind == ReasonKind.REJECT else "recycled"
    name = contact.full_name or contact.email
    body = f"{user} {verb} {name}: {reason.label}." + (f"\n\n{comment}" if comment else "")
    for owner in owners:
        notify(
            user=owner,
            kind=AlertKind.LEAD_RECYCLED,
            title=f"Lead {verb} back to marketing: {name}",
            body=body,
            url=f"/handoff/{contact.pk}/",
            contact=contact,
            # One alert per move and person, whoever retries the request.
            dedupe_key=f"lead_recycled:{move.pk}:{owner.pk}",
            at=move.at,
        )


@transaction.atomic
def lead_disqualify(
    *,
    contact: Contact,
    user: Any,
    reason: TransitionReason | str | None,
    comment: str = "",
    at: dt.datetime | None = None,
) -> Decision:
    """Never a fit: the lead is disqualified with a disqualify reason."""
    _stage_check(contact, WORKING, "disqualified")
    reason_obj = reason_for(kind=ReasonKind.DISQUALIFY, reason=reason)
    comment, at = _comment_check(comment), at or timezone.now()
    move = stage_transition(
        contact=contact,
        to_stage=Stage.DISQUALIFIED,
        by_user=user,
        reason=reason_obj,
        note=comment,
        at=at,
    )
    row = _feedback(
        contact=contact,
        user=user,
        kind=FeedbackKind.DISQUALIFY,
        reason=reason_obj,
        comment=comment,
        at=at,
    )
    return Decision(row, move)


@dataclass(frozen=True)
class SqlChecklist:
    """The live definition's SQL checklist as confirmed: its version and items, in order."""

    version: DefinitionVersion
    items: list[dict[str, str]]

    def note(self, comment: str) -> str:
        """A readable copy for the move's note (the timeline shows notes)."""
        lines = [f"SQL checklist (definition v{self.version.number}):"]
        lines += [f"✓ {i['label']} [{i['id']}]" for i in self.items] or ["(no items)"]
        return "\n".join([*lines, "", comment] if comment else lines)


def sql_checklist_check(*, checked: list[str]) -> SqlChecklist:
    """The live definition's SQL checklist with every item confirmed; refuses an unknown item
    or one left unchecked, naming it."""
    version, definition = definition_in_force()
    items = {item.id: item.label for item in definition.sql_checklist}
    unknown = sorted(set(checked) - set(items))
    if unknown:
        raise InvalidInput(
            f"not on the SQL checklist of definition v{version.number}: {', '.join(unknown)} "
            f"(items: {', '.join(items) or 'none'})",
            field="checklist",
        )
    missing = [label for item_id, label in items.items() if item_id not in checked]
    if missing:
        raise InvalidInput(
            f"the SQL checklist is not complete: {'; '.join(missing)}", field="checklist"
        )
    return SqlChecklist(version, [{"id": i, "label": label} for i, label in items.items()])


@transaction.atomic
def lead_convert(
    *,
    contact: Contact,
    user: Any,
    checklist: list[str],
    rating: int | None = None,
    comment: str = "",
    at: dt.datetime | None = None,
) -> Decision:
    """Make the lead an SQL, with the live definition's SQL checklist confirmed and recorded on
    the move. Converting an MQL straight away also accepts it."""
    _stage_check(contact, (Stage.MQL, Stage.SAL), "converted to SQL")
    _rating_check(rating)
    comment, at = _comment_check(comment), at or timezone.now()
    confirmed = sql_checklist_check(checked=list(checklist))
    was_mql = contact.lifecycle_stage == Stage.MQL
    move = stage_transition(
        contact=contact, to_stage=Stage.SQL, by_user=user, note=confirmed.note(comment), at=at
    )
    qualification = SqlQualification.objects.create(
        contact=contact,
        transition=move,
        definition_version=confirmed.version,
        items=confirmed.items,
        user=user,
        at=at,
    )
    row = None
    if was_mql:
        row = _feedback(
            contact=contact,
            user=user,
            kind=FeedbackKind.ACCEPT,
            rating=rating,
            comment=comment,
            at=at,
        )
    elif rating is not None:
        row = _feedback(
            contact=contact,
            user=user,
            kind=FeedbackKind.RATING,
            rating=rating,
            comment=comment,
            at=at,
        )
    return Decision(row, move, qualification=qualification)


@transaction.atomic
def lead_deal_create(
    *,
    contact: Contact,
    user: Any,
    name: str,
    amount: Decimal | None = None,
    currency: str = "",
    close_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Decision:
    """Open a deal for the lead's account, with the lead as primary contact and the user as
    owner; the lead becomes an opportunity."""
    _stage_check(contact, WORKING, "turned into a deal")
    if contact.account_id is None:
        raise InvalidInput(
            "the contact has no account; a deal belongs to an account, so set one first",
            field="contact",
        )
    at = at or timezone.now()
    fields: dict[str, Any] = {"name": name.strip(), "account_id": contact.account_id}
    if amount is not None:
        fields["amount"] = amount
    if currency:
        fields["currency"] = currency
    if close_date is not None:
        fields["close_date"] = close_date
    deal = deals.deal_create(
        by_user=user, primary_contact=contact, owner=user, created_at=at, **fields
    )
    move = stage_transition(
        contact=contact,
        to_stage=Stage.OPPORTUNITY,
        by_user=user,
        note=f"Deal opened: {deal.name}",
        at=at,
    )
    return Decision(None, move, deal)


def lead_rate(
    *,
    contact: Contact,
    user: Any,
    rating: int | None,
    comment: str = "",
    at: dt.datetime | None = None,
) -> LeadFeedback:
    """A 1-5 lead-quality rating with an optional comment, at any stage."""
    _rating_check(rating, required=True)
    return _feedback(
        contact=contact,
        user=user,
        kind=FeedbackKind.RATING,
        rating=rating,
        comment=_comment_check(comment),
        at=at or timezone.now(),
    )
