"""Reads of the SLA: policy versions and their sign-off, whose business hours count, and the
clocks of MQL assignments (one contact's for the handoff card, many for the reports)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from smarketing.handoff.models import Activity, ActivityKind, Assignment, FeedbackKind, LeadFeedback
from smarketing.handoff.sla import clock
from smarketing.handoff.sla.models import (
    DayOff,
    PolicyApproval,
    PolicyVersion,
    RepHours,
    Status,
    TeamCalendar,
)
from smarketing.handoff.sla.obligations import Clock, Facts, clocks_evaluate
from smarketing.handoff.sla.policy import Policy, policy_load
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import Stage
from smarketing.org.models import TeamKind

# Stages at which an assignment starts SLA clocks ("an MQL or beyond", not yet a customer).
SLA_STAGES = frozenset({Stage.MQL, Stage.SAL, Stage.SQL, Stage.OPPORTUNITY})
PROGRESSED = frozenset({Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER})
CLOSED = frozenset({Stage.RECYCLED, Stage.DISQUALIFIED, Stage.LEAD, Stage.SUBSCRIBER})


# Versions ----------------------------------------------------------------------------------


def versions_list() -> QuerySet[PolicyVersion]:
    return (
        PolicyVersion.objects.select_related("created_by")
        .prefetch_related("approvals__user")
        .order_by("-number")
    )


def version_by_number(number: int) -> PolicyVersion | None:
    return versions_list().filter(number=number).first()


def version_live() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(status=Status.LIVE).first()


def version_live_on(at: dt.datetime) -> PolicyVersion | None:
    """The version in force at `at`: the one an assignment made then is measured against."""
    return (
        PolicyVersion.objects.exclude(status=Status.DRAFT)
        .filter(went_live_at__lte=at)
        .exclude(retired_at__lte=at)
        .first()
    )


def approvals_current(version: PolicyVersion) -> list[PolicyApproval]:
    """Approvals of the version's current revision (those given before an edit do not count)."""
    return [a for a in version.approvals.all() if a.revision == version.revision]


@dataclass(frozen=True)
class SignOff:
    approvals: list[PolicyApproval]
    marketing: PolicyApproval | None
    sales: PolicyApproval | None

    @property
    def waiting_for(self) -> list[str]:
        return [
            f"the {kind} leader"
            for kind, approval in (("marketing", self.marketing), ("sales", self.sales))
            if approval is None
        ]

    def describe(self, version: PolicyVersion) -> str:
        if version.status == Status.LIVE:
            return f"live since {version.went_live_at:%Y-%m-%d %H:%M} UTC"
        if version.status == Status.RETIRED:
            return f"retired on {version.retired_at:%Y-%m-%d %H:%M} UTC"
        if version.proposed_at is None:
            return "draft, not proposed yet"
        return "waiting for " + " and ".join(self.waiting_for)


def sign_off(version: PolicyVersion) -> SignOff:
    current = approvals_current(version)
    first = {kind: next((a for a in current if a.team_kind == kind), None) for kind in TeamKind}
    return SignOff(current, first[TeamKind.MARKETING], first[TeamKind.SALES])


def policy_diff(*, old: PolicyVersion | None, new: PolicyVersion) -> list[str]:
    """Unified diff lines of the canonical texts (empty when nothing changed)."""
    before = old.text.splitlines() if old is not None else []
    name = f"v{old.number}" if old is not None else "nothing"
    return list(
        difflib.unified_diff(before, new.text.splitlines(), name, f"v{new.number}", lineterm="")
    )


@functools.lru_cache(maxsize=64)
def _parsed(text: str) -> Policy:
    return policy_load(text)


def version_policy(version: PolicyVersion) -> Policy:
    return _parsed(version.text)


# Business hours ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursSource:
    hours: clock.BusinessHours
    source: str  # "rep", "team" or "default"


def _team_days(team_id: int | None) -> tuple[str, frozenset[dt.date]]:
    if team_id is None:
        return "", frozenset()
    calendar = TeamCalendar.objects.filter(team_id=team_id).first()
    days = frozenset(DayOff.objects.filter(team_id=team_id).values_list("date", flat=True))
    return (calendar.holiday_country if calendar else ""), days


def hours_for(user: Any) -> HoursSource:
    """Whose hours a rep's clocks count in: their own if set, else their team's (with the
    team's public holidays and days off), else Monday to Friday 9-17 UTC."""
    team = getattr(user, "team", None)
    country, days = _team_days(team.pk if team else None)
    own = RepHours.objects.filter(user_id=user.pk).first()
    if own is not None:
        return HoursSource(_hours(own, country, days), "rep")
    if team is not None:
        return HoursSource(_hours(team, country, days), "team")
    return HoursSource(clock.DEFAULT_HOURS, "default")


def _hours(row: Any, country: str, days: frozenset[dt.date]) -> clock.BusinessHours:
    return clock.BusinessHours(
        timezone=row.timezone,
        workdays=frozenset(int(c) for c in row.workdays),
        day_start=row.day_start,
        day_end=row.day_end,
        holiday_country=country,
        days_off=days,
    )


# Clocks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentClocks:
    assignment: Assignment
    facts: Facts
    clocks: list[Clock]
    hours: clock.BusinessHours


def _stage_at(moves: list[StageTransition], at: dt.datetime) -> str:
    stage = ""
    for move in moves:
        if move.at > at:
            break
        stage = move.to_stage
    return stage


def _start(moves: list[StageTransition], at: dt.datetime, end: dt.datetime | None) -> Any:
    """When an assignment's clocks start: at the assignment if the lead was an MQL or beyond,
    else when it became an MQL while this owner had it; None if it never did."""
    if _stage_at(moves, at) in SLA_STAGES:
        return at
    for move in moves:
        if move.at > at and (end is None or move.at < end) and move.to_stage == Stage.MQL:
            return move.at
    return None


def _facts(
    *,
    assignment: Assignment,
    start: dt.datetime,
    end: dt.datetime | None,
    moves: list[StageTransition],
    feedback: list[LeadFeedback],
    activities: list[Activity],
) -> Facts:
    stage = _stage_at(moves, start)
    later = [m for m in moves if m.at > start or (m.at == start and m.to_stage != stage)]
    responded = start if stage not in ("", Stage.MQL) else None
    progressed = start if stage in PROGRESSED else None
    closed = None
    for move in later:
        if responded is None and move.from_stage == Stage.MQL:
            responded = move.at
        if progressed is None and move.to_stage in PROGRESSED:
            progressed = move.at
        if closed is None and move.to_stage in CLOSED:
            closed = move.at
    decisions = {FeedbackKind.ACCEPT, FeedbackKind.REJECT, FeedbackKind.DISQUALIFY}
    for item in feedback:
        if item.kind in decisions and item.at >= start:
            responded = min(responded, item.at) if responded else item.at
    own = [
        a
        for a in activities
        if a.user_id == assignment.owner_id
        and a.occurred_at >= start
        and (end is None or a.occurred_at < end)
    ]
    own.sort(key=lambda a: a.occurred_at)

    def times(kind: str) -> tuple[dt.datetime, ...]:
        return tuple(a.occurred_at for a in own if a.kind == kind)

    return Facts(
        start=start,
        ended_at=end,
        calls=times(ActivityKind.CALL),
        emails=times(ActivityKind.EMAIL),
        meetings=times(ActivityKind.MEETING),
        responded_at=responded,
        progressed_at=progressed,
        closed_at=closed,
    )


class _Context:
    """Caches shared by many assignments: policy versions and owners' hours."""

    def __init__(self) -> None:
        self.versions = list(
            PolicyVersion.objects.exclude(status=Status.DRAFT).order_by("went_live_at")
        )
        self._hours: dict[int, clock.BusinessHours] = {}

    def version_on(self, at: dt.datetime) -> PolicyVersion | None:
        for version in self.versions:
            assert version.went_live_at is not None
            if version.went_live_at <= at and (
                version.retired_at is None or version.retired_at > at
            ):
                return version
        return None

    def hours(self, user: Any) -> clock.BusinessHours:
        if user.pk not in self._hours:
            self._hours[user.pk] = hours_for(user).hours
        return self._hours[user.pk]


def assignments_clocks(
    *, assignments: Iterable[Assignment], now: dt.datetime
) -> list[AssignmentClocks]:
    """The clocks of each assignment that started SLA clocks (an MQL, under a live policy).
    A few queries for the whole batch, whatever its size."""
    rows = list(assignments)
    if not rows:
        return []
    contact_ids = {a.contact_id for a in rows}
    moves: dict[int, list[StageTransition]] = defaultdict(list)
    for move in StageTransition.objects.filter(contact_id__in=contact_ids).order_by("at", "id"):
        moves[move.contact_id].append(move)
    every: dict[int, list[Assignment]] = defaultdict(list)
    for other in Assignment.objects.filter(contact_id__in=contact_ids).order_by("at", "id"):
        every[other.contact_id].append(other)
    feedback: dict[int, list[LeadFeedback]] = defaultdict(list)
    for item in LeadFeedback.objects.filter(contact_id__in=contact_ids):
        feedback[item.contact_id].append(item)
    activities: dict[int, list[Activity]] = defaultdict(list)
    kinds = [ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING]
    for act in Activity.objects.filter(contact_id__in=contact_ids, kind__in=kinds):
        activities[act.contact_id].append(act)
    context = _Context()
    out = []
    for assignment in rows:
        siblings = every[assignment.contact_id]
        after = [o for o in siblings if (o.at, o.pk) > (assignment.at, assignment.pk)]
        end = after[0].at if after else None
        start = _start(moves[assignment.contact_id], assignment.at, end)
        if start is None or start > now:
            continue
        version = context.version_on(start)
        if version is None:
            continue
        employees = assignment.contact.account.employees if assignment.contact.account else None
        segment, terms = version_policy(version).sales_terms_for(employees)
        facts = _facts(
            assignment=assignment,
            start=start,
            end=end,
            moves=moves[assignment.contact_id],
            feedback=feedback[assignment.contact_id],
            activities=activities[assignment.contact_id],
        )
        hours = context.hours(assignment.owner)
        clocks = [
            dataclasses.replace(
                c,
                assignment_id=assignment.pk,
                owner_id=assignment.owner_id,
                policy_number=version.number,
                segment=segment,
            )
            for c in clocks_evaluate(facts=facts, terms=terms, hours=hours, now=now)
        ]
        out.append(AssignmentClocks(assignment, facts, clocks, hours))
    return out


def _assignments() -> QuerySet[Assignment]:
    return Assignment.objects.select_related("contact__account", "owner__team")


def clocks_for(*, contact: Any, now: dt.datetime) -> list[Clock]:
    """The SLA clocks of the contact's current owner (the newest assignment up to `now`);
    empty when that assignment started no clocks (not an MQL, or no policy in force)."""
    found = current_clocks_many(contact_ids=[contact.pk], now=now).get(contact.pk)
    return found.clocks if found else []


def clocks_for_many(*, contact_ids: Iterable[int], now: dt.datetime) -> dict[int, list[Clock]]:
    """`clocks_for` of many contacts in a fixed number of queries: contact id → clocks (absent
    when the current assignment started none)."""
    found = current_clocks_many(contact_ids=contact_ids, now=now)
    return {contact_id: item.clocks for contact_id, item in found.items()}


def current_clocks_many(
    *, contact_ids: Iterable[int], now: dt.datetime
) -> dict[int, AssignmentClocks]:
    """Each contact's newest assignment up to `now` with its clocks and the owner's hours."""
    newest: dict[int, Assignment] = {}
    rows = _assignments().filter(contact_id__in=list(contact_ids), at__lte=now)
    for assignment in rows.order_by("at", "id"):
        newest[assignment.contact_id] = assignment
    found = assignments_clocks(assignments=newest.values(), now=now)
    return {item.assignment.contact_id: item for item in found}
