"""SLA compliance per owner or team, and marketing's progress on its side of the SLA."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from smarketing.content.models import ContentAsset
from smarketing.handoff.sla.clock import business_hours_between
from smarketing.handoff.sla.obligations import MET
from smarketing.handoff.sla.queries import (
    AssignmentClocks,
    _assignments,
    assignments_clocks,
    version_live_on,
    version_policy,
)
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import Stage


@dataclass
class ComplianceRow:
    key: str  # the owner's email, or the team's name
    label: str
    assigned: int = 0
    accepted_in_time: int = 0
    first_touch_in_time: int = 0
    cadence_completed: int = 0
    ignored: int = 0
    response_hours: list[float] = field(default_factory=list)

    @property
    def median_response_hours(self) -> float | None:
        return round(statistics.median(self.response_hours), 2) if self.response_hours else None

    def share(self, count: int) -> float | None:
        return round(count / self.assigned, 3) if self.assigned else None


def _ignored(item: AssignmentClocks, now: dt.datetime) -> bool:
    """Never worked: no touch, no decision, and the first touch is overdue."""
    facts = item.facts
    touch = next(c for c in item.clocks if c.obligation == "first_touch")
    return facts.first_touch_at is None and facts.responded_at is None and now > touch.due_at


def compliance(
    *, by: str, since: dt.datetime, until: dt.datetime, now: dt.datetime
) -> list[ComplianceRow]:
    """One row per owner (`by="owner"`) or team (`by="team"`) for the MQL assignments whose
    clocks started in [since, until)."""
    scope = _assignments().filter(at__lt=until, at__gte=since - dt.timedelta(days=60))
    rows: dict[str, ComplianceRow] = {}
    for item in assignments_clocks(assignments=scope, now=now):
        start = item.facts.start
        if not since <= start < until:
            continue
        owner = item.assignment.owner
        if by == "team":
            key = owner.team.name if owner.team else "No team"
            label = key
        else:
            key, label = owner.email, str(owner)
        row = rows.setdefault(key, ComplianceRow(key=key, label=label))
        _count(row, item, now)
    return sorted(rows.values(), key=lambda r: r.key)


def _count(row: ComplianceRow, item: AssignmentClocks, now: dt.datetime) -> None:
    states = {c.obligation: c.state for c in item.clocks}
    row.assigned += 1
    row.accepted_in_time += states["accept"] == MET
    row.first_touch_in_time += states["first_touch"] == MET
    row.cadence_completed += states["cadence"] == MET
    row.ignored += _ignored(item, now)
    touched = item.facts.first_touch_at
    if touched is not None and touched <= now:
        row.response_hours.append(business_hours_between(item.hours, item.facts.start, touched))


def compliance_by_month(
    *, since: dt.datetime, until: dt.datetime, now: dt.datetime
) -> dict[str, dict[str, ComplianceRow]]:
    """Per team, per month ("2025-06"): the same counts, for the chart over time."""
    scope = _assignments().filter(at__lt=until, at__gte=since - dt.timedelta(days=60))
    out: dict[str, dict[str, ComplianceRow]] = defaultdict(dict)
    for item in assignments_clocks(assignments=scope, now=now):
        start = item.facts.start
        if not since <= start < until:
            continue
        team = item.assignment.owner.team
        name = team.name if team else "No team"
        month = f"{start:%Y-%m}"
        row = out[name].setdefault(month, ComplianceRow(key=month, label=month))
        _count(row, item, now)
    return dict(out)


@dataclass(frozen=True)
class MarketingProgress:
    month: str
    policy_number: int | None
    mqls_delivered: int
    mqls_promised: int | None
    accepted: int
    rejected: int
    min_acceptance_rate: float | None
    content_delivered: int
    content_promised: int | None
    segments: list[tuple[str, int, int]]  # (name, delivered, promised)

    @property
    def acceptance_rate(self) -> float | None:
        decided = self.accepted + self.rejected
        return round(self.accepted / decided, 3) if decided else None


def marketing_progress(*, month_start: dt.datetime, now: dt.datetime) -> MarketingProgress:
    """MQLs delivered this month against the promise, how many sales accepted, and content."""
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    end = min(next_month, now)
    version = version_live_on(end)
    policy = version_policy(version) if version else None
    moves = StageTransition.objects.filter(to_stage=Stage.MQL, at__gte=month_start, at__lt=end)
    contact_ids = set(moves.values_list("contact_id", flat=True))
    later = StageTransition.objects.filter(
        contact_id__in=contact_ids, from_stage=Stage.MQL, at__gte=month_start
    ).select_related("reason")
    accepted, rejected = set(), set()
    for move in later:
        if move.contact_id in accepted | rejected:
            continue
        if move.to_stage in (Stage.SAL, Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER):
            accepted.add(move.contact_id)
        elif move.reason is not None and move.reason.kind == "reject":
            rejected.add(move.contact_id)
    segments = []
    if policy is not None:
        sizes = dict(
            StageTransition.objects.filter(contact_id__in=contact_ids)
            .values_list("contact_id", "contact__account__employees")
            .distinct()
        )
        for seg in policy.marketing.segments:
            got = sum(1 for cid in contact_ids if seg.segment.contains(sizes.get(cid)))
            segments.append((seg.segment.name, got, seg.mqls_per_month))
    content = ContentAsset.objects.filter(created_at__gte=month_start, created_at__lt=end).count()
    return MarketingProgress(
        month=f"{month_start:%Y-%m}",
        policy_number=version.number if version else None,
        mqls_delivered=len(contact_ids),
        mqls_promised=policy.marketing.mqls_per_month if policy else None,
        accepted=len(accepted),
        rejected=len(rejected),
        min_acceptance_rate=policy.marketing.min_acceptance_rate if policy else None,
        content_delivered=content,
        content_promised=policy.marketing.content_per_month if policy else None,
        segments=segments,
    )
