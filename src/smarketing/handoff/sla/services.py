"""Writes of the SLA: policy drafts, proposal and the two-leader sign-off that makes one live
(the same flow as the qualification definition's, see scoring/services.py), and the business
hours settings of teams and reps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.handoff.sla import clock
from smarketing.handoff.sla.models import (
    DayOff,
    PolicyApproval,
    PolicyVersion,
    RepHours,
    Status,
    TeamCalendar,
)
from smarketing.handoff.sla.policy import (
    DEFAULT_POLICY_TEXT,
    Policy,
    PolicyError,
    policy_dump,
    policy_load,
)
from smarketing.handoff.sla.queries import approvals_current
from smarketing.lifecycle.models import TransitionReason
from smarketing.lifecycle.stages import ReasonKind
from smarketing.org import permissions
from smarketing.org.models import Team, TeamKind


def policy_parse(text: str) -> Policy:
    """The policy a text states, checked against the reason list; InvalidInput naming each
    field otherwise."""
    try:
        policy = policy_load(text)
    except PolicyError as exc:
        raise InvalidInput(exc.errors) from None
    known = set(
        TransitionReason.objects.filter(kind=ReasonKind.RECYCLE, active=True).values_list(
            "code", flat=True
        )
    )
    errors: dict[str, list[str]] = {}
    terms = [("sales", policy.sales)] + [
        (f"sales.segments[{i}]", s.terms) for i, s in enumerate(policy.sales_segments)
    ]
    for path, term in terms:
        if term.recycle_reason not in known:
            errors.setdefault(f"{path}.recycle.reason", []).append(
                f"{term.recycle_reason!r} is not an active recycle reason "
                f"(known: {', '.join(sorted(known)) or 'none'})"
            )
    if errors:
        raise InvalidInput(errors)
    return policy


def _canonical(text: str) -> str:
    return policy_dump(policy_parse(text))


def _require_draft(version: PolicyVersion, doing: str) -> None:
    if version.status != Status.DRAFT:
        raise InvalidInput(
            f"SLA policy version {version.number} is {version.status} and cannot be {doing}: "
            "only a draft can; create a new draft from it instead",
            field="status",
        )


def _next_number() -> int:
    return (PolicyVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1


def policy_draft_create(
    *, by_user: Any, text: str | None = None, at: dt.datetime | None = None
) -> PolicyVersion:
    """A new draft from `text`, else a copy of the live version (else of the shipped example)."""
    permissions.require(by_user, "definition.propose")
    if text is None:
        live = PolicyVersion.objects.filter(status=Status.LIVE).first()
        text = live.text if live is not None else DEFAULT_POLICY_TEXT
    body = _canonical(text)
    now = at or timezone.now()
    with transaction.atomic():
        return PolicyVersion.objects.create(
            number=_next_number(), text=body, created_by=by_user, created_at=now, updated_at=now
        )


def policy_draft_update(*, version: PolicyVersion, text: str, by_user: Any) -> None:
    """Replace a draft's text. A new revision: approvals given so far no longer count."""
    permissions.require(by_user, "definition.propose")
    _require_draft(version, "changed")
    body = _canonical(text)
    # Conditional on the status, so a draft that went live meanwhile is never changed.
    changed = PolicyVersion.objects.filter(pk=version.pk, status=Status.DRAFT).update(
        text=body, revision=F("revision") + 1, updated_at=timezone.now()
    )
    if not changed:
        version.refresh_from_db()
        _require_draft(version, "changed")
    version.refresh_from_db()


def policy_draft_import(*, text: str, by_user: Any) -> tuple[PolicyVersion, bool]:
    """The user's newest draft replaced by `text`, or a new draft if they have none."""
    permissions.require(by_user, "definition.propose")
    body = _canonical(text)
    draft = (
        PolicyVersion.objects.filter(status=Status.DRAFT, created_by=by_user)
        .order_by("-number")
        .first()
    )
    if draft is None:
        return policy_draft_create(by_user=by_user, text=body), True
    policy_draft_update(version=draft, text=body, by_user=by_user)
    return draft, False


def policy_propose(*, version: PolicyVersion, by_user: Any, at: dt.datetime | None = None) -> None:
    """Put a draft up for sign-off by both leaders."""
    permissions.require(by_user, "definition.propose")
    _require_draft(version, "proposed")
    live = PolicyVersion.objects.filter(status=Status.LIVE).first()
    if live is not None and live.text == version.text:
        raise InvalidInput(
            f"version {version.number} changes nothing against the live version {live.number}",
            field="text",
        )
    if version.proposed_at is None:
        version.proposed_at = at or timezone.now()
        version.save(update_fields=["proposed_at"])


def _team_kind(user: Any) -> str:
    team = getattr(user, "team", None)
    if team is None or team.kind not in TeamKind.values:
        raise InvalidInput(
            "an approval counts for the leader's team, and this leader has no team; "
            "add them to the marketing or the sales team first",
            field="user",
        )
    return str(team.kind)


def policy_approve(
    *, version: PolicyVersion, user: Any, at: dt.datetime | None = None
) -> PolicyApproval:
    """Record the leader's approval of the draft's current revision. With one marketing and one
    sales leader's approval of that revision, the draft goes live at `at` (default now) and
    the live one retires then."""
    permissions.require(user, "definition.approve")
    kind = _team_kind(user)
    with transaction.atomic():
        # The row lock orders concurrent approvals, so exactly one of them publishes.
        locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        _require_draft(locked, "approved")
        if locked.proposed_at is None:
            raise InvalidInput(
                f"version {locked.number} has not been proposed yet; propose it first",
                field="status",
            )
        approval, _ = PolicyApproval.objects.get_or_create(
            version=locked,
            revision=locked.revision,
            user=user,
            defaults={"team_kind": kind, "at": at or timezone.now()},
        )
        kinds = {a.team_kind for a in approvals_current(locked)}
        if kinds >= set(TeamKind.values):
            _go_live(locked, at=approval.at)
    version.refresh_from_db()
    return approval


def _go_live(draft: PolicyVersion, *, at: dt.datetime) -> None:
    live = PolicyVersion.objects.select_for_update().filter(status=Status.LIVE).first()
    if live is not None:
        assert live.went_live_at is not None
        if at < live.went_live_at:
            raise InvalidInput(
                f"the approval is dated {at:%Y-%m-%d %H:%M}, before version {live.number} "
                f"went live ({live.went_live_at:%Y-%m-%d %H:%M})",
                field="at",
            )
        PolicyVersion.objects.filter(pk=live.pk).update(status=Status.RETIRED, retired_at=at)
    draft.status = Status.LIVE
    draft.went_live_at = at
    draft.save(update_fields=["status", "went_live_at"])


# Business hours settings -------------------------------------------------------------------


def team_calendar_set(*, team: Team, holiday_country: str, by_user: Any) -> TeamCalendar:
    """The country (and subdivision) whose public holidays the team's clocks skip."""
    permissions.require(by_user, "team.change", team)
    code = holiday_country.strip().upper()
    if code:
        try:
            clock.BusinessHours(holiday_country=code)
        except clock.CalendarError as exc:
            raise InvalidInput(str(exc), field="holiday_country") from None
    calendar, _ = TeamCalendar.objects.update_or_create(
        team=team, defaults={"holiday_country": code}
    )
    return calendar


def day_off_add(*, team: Team, date: dt.date, label: str = "", by_user: Any) -> DayOff:
    permissions.require(by_user, "team.change", team)
    try:
        with transaction.atomic():
            return DayOff.objects.create(team=team, date=date, label=label[:100])
    except IntegrityError:
        raise InvalidInput(f"{team} already has {date} off", field="date") from None


def day_off_remove(*, team: Team, date: dt.date, by_user: Any) -> bool:
    permissions.require(by_user, "team.change", team)
    deleted, _ = DayOff.objects.filter(team=team, date=date).delete()
    return bool(deleted)


def rep_hours_set(
    *,
    user: Any,
    by_user: Any,
    timezone_name: str,
    workdays: str,
    day_start: dt.time,
    day_end: dt.time,
) -> RepHours:
    """A rep's own hours (their own, or set by a leader of their team or an admin)."""
    if by_user.pk != user.pk:
        permissions.require(by_user, "team.change", user.team)
    row = RepHours(
        user=user, timezone=timezone_name, workdays=workdays, day_start=day_start, day_end=day_end
    )
    try:
        row.full_clean(exclude=["user"])
    except ValidationError as exc:
        raise InvalidInput.from_validation(exc) from None
    if day_start >= day_end:
        raise InvalidInput("the working day must end after it starts", field="day_end")
    saved, _ = RepHours.objects.update_or_create(
        user=user,
        defaults={
            "timezone": timezone_name,
            "workdays": workdays,
            "day_start": day_start,
            "day_end": day_end,
        },
    )
    return saved


def rep_hours_clear(*, user: Any, by_user: Any) -> None:
    """Back to the team's hours."""
    if by_user.pk != user.pk:
        permissions.require(by_user, "team.change", user.team)
    RepHours.objects.filter(user=user).delete()
