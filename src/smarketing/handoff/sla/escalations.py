"""Due-soon and breach alerts: each (assignment, obligation, level) is alerted once, by a row
whose unique constraint decides which of two concurrent workers sends it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse

from smarketing.handoff.models import Assignment
from smarketing.handoff.sla.clock import business_hours_add
from smarketing.handoff.sla.models import Escalation, EscalationLevel
from smarketing.handoff.sla.obligations import BREACHED, DUE_SOON, Clock
from smarketing.handoff.sla.queries import (
    AssignmentClocks,
    _assignments,
    assignments_clocks,
    version_live_on,
    version_policy,
)
from smarketing.notify.services import notify
from smarketing.org.models import Role

# Breaches older than this are not alerted: the check catches up after an outage, but a
# year of past assignments (the demo, an import) must not flood anyone's inbox.
ALERT_HORIZON = dt.timedelta(days=3)
# Assignments older than this cannot have an open obligation worth alerting.
LOOKBACK = dt.timedelta(days=60)


@dataclass
class CheckOutcome:
    checked: int = 0
    alerted: int = 0


def _leaders(assignment: Assignment) -> list[object]:
    team = assignment.owner.team
    if team is None:
        return []
    return list(team.members.filter(role=Role.LEADER, is_active=True).order_by("pk"))


def _escalate(
    *, item: AssignmentClocks, clock: Clock, level: int, at: dt.datetime, now: dt.datetime
) -> int:
    assignment = item.assignment
    contact = assignment.contact
    recipients = _leaders(assignment) if level == EscalationLevel.LEADER else [assignment.owner]
    if not recipients:
        return 0
    try:
        with transaction.atomic():
            # A second worker blocks here on the unique index until the first commits, then
            # fails: whoever inserts the row sends the alert, in the same transaction.
            row = Escalation.objects.create(
                assignment=assignment,
                obligation=clock.obligation,
                level=level,
                user=recipients[0],
                due_at=clock.due_at,
                created_at=now,
            )
            kind = "sla_due" if level == EscalationLevel.DUE_SOON else "sla_breached"
            who = str(contact)
            if level == EscalationLevel.DUE_SOON:
                title = f"{clock.label} for {who} is due {clock.due_at:%Y-%m-%d %H:%M} UTC"
            elif level == EscalationLevel.BREACHED:
                title = f"SLA breached: {clock.label.lower()} for {who}"
            else:
                title = (
                    f"SLA breached by {assignment.owner}: {clock.label.lower()} for {who} "
                    f"(due {clock.due_at:%Y-%m-%d %H:%M} UTC)"
                )
            url = reverse("web:contact", args=[contact.pk])
            first = None
            for user in recipients:
                sent = notify(
                    user=user,
                    kind=kind,
                    title=title,
                    body=clock.detail,
                    url=url,
                    contact=contact,
                    dedupe_key=f"sla:{assignment.pk}:{clock.obligation}:{level}:{user.pk}",
                    at=now,
                )
                first = first or sent
            row.notification = first
            row.save(update_fields=["notification"])
    except IntegrityError:
        return 0
    return 1


def sla_escalations_run(*, now: dt.datetime) -> CheckOutcome:
    """Alert every obligation that is due soon (level 0), breached (level 1) or breached for
    longer than the policy's escalate_after_hours (level 2, to the sales leaders)."""
    outcome = CheckOutcome()
    recent = _assignments().filter(at__gte=now - LOOKBACK, at__lte=now)
    done = set(
        Escalation.objects.filter(assignment__in=recent).values_list(
            "assignment_id", "obligation", "level"
        )
    )
    for item in assignments_clocks(assignments=recent, now=now):
        for clock in item.clocks:
            outcome.checked += 1
            if not clock.is_open:
                continue
            for level, at in _levels(item, clock, now=now):
                if at > now or now - at > ALERT_HORIZON:
                    continue
                if (item.assignment.pk, clock.obligation, level) in done:
                    continue
                outcome.alerted += _escalate(item=item, clock=clock, level=level, at=at, now=now)
    return outcome


def _levels(
    item: AssignmentClocks, clock: Clock, *, now: dt.datetime
) -> list[tuple[int, dt.datetime]]:
    """Each level's alert and when it became due: due soon is so now (the clock says so)."""
    if clock.state == DUE_SOON:
        return [(EscalationLevel.DUE_SOON, now)]
    if clock.state != BREACHED:
        return []
    version = version_live_on(clock.started_at)
    assert version is not None
    employees = (
        item.assignment.contact.account.employees if item.assignment.contact.account else None
    )
    _, terms = version_policy(version).sales_terms_for(employees)
    later = business_hours_add(item.hours, clock.due_at, terms.escalate_after_hours)
    return [(EscalationLevel.BREACHED, clock.due_at), (EscalationLevel.LEADER, later)]
