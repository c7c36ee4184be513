"""The live state of each obligation of one assignment: plain Python over the clock and the
policy terms, no Django. The query layer gathers the facts from rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from smarketing.handoff.sla.clock import (
    BusinessHours,
    business_days_end,
    business_hours_add,
    business_hours_between,
)
from smarketing.handoff.sla.policy import SalesTerms

ON_TIME, DUE_SOON, BREACHED, MET, VOID = "on_time", "due_soon", "breached", "met", "void"
STATE_LABELS = {
    ON_TIME: "On time",
    DUE_SOON: "Due soon",
    BREACHED: "Breached",
    MET: "Met",
    VOID: "No longer applies",
}
LABELS = {
    "accept": "Accept or reject",
    "first_touch": "First touch",
    "cadence": "Cadence",
    "recycle": "Recycle or progress",
}


@dataclass(frozen=True)
class Facts:
    """What happened to a lead while one owner had it, up to now (each time after `start`)."""

    start: dt.datetime
    ended_at: dt.datetime | None = None  # reassigned to someone else
    calls: tuple[dt.datetime, ...] = ()  # by the owner, in order
    emails: tuple[dt.datetime, ...] = ()
    meetings: tuple[dt.datetime, ...] = ()
    responded_at: dt.datetime | None = None  # accepted, rejected or moved on from MQL
    progressed_at: dt.datetime | None = None  # SQL or beyond
    closed_at: dt.datetime | None = None  # rejected back, recycled or disqualified

    @property
    def first_touch_at(self) -> dt.datetime | None:
        return min((*self.calls[:1], *self.emails[:1], *self.meetings[:1]), default=None)


@dataclass(frozen=True)
class Clock:
    obligation: str
    state: str
    started_at: dt.datetime
    due_at: dt.datetime
    done_at: dt.datetime | None
    hours_left: float | None  # business hours until due; negative once overdue; None when done
    detail: str = ""
    assignment_id: int | None = None
    owner_id: int | None = None
    policy_number: int | None = None
    segment: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.obligation]

    @property
    def state_label(self) -> str:
        if self.state == BREACHED and self.done_at is not None:
            return "Met late"
        return STATE_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.state in (ON_TIME, DUE_SOON, BREACHED)


def _first(*moments: dt.datetime | None) -> dt.datetime | None:
    return min((m for m in moments if m is not None), default=None)


def _cadence_done(facts: Facts, calls: int, emails: int) -> dt.datetime | None:
    """When the last call or email the cadence asks for was made."""
    if len(facts.calls) < calls or len(facts.emails) < emails:
        return None
    needed = [*facts.calls[: max(calls, 0)], *facts.emails[: max(emails, 0)]]
    return max(needed, default=facts.start)


def _state(
    hours: BusinessHours,
    *,
    now: dt.datetime,
    due: dt.datetime,
    done: dt.datetime | None,
    stop: dt.datetime | None,
    soon_hours: float,
) -> tuple[str, float | None]:
    if done is not None and done <= now:
        return (MET if done <= due else BREACHED), None
    left = business_hours_between(hours, now, due)
    if stop is not None and stop <= now and stop < due:
        return VOID, None
    if now >= due:
        return BREACHED, left
    return (DUE_SOON if left <= soon_hours else ON_TIME), left


def clocks_evaluate(
    *, facts: Facts, terms: SalesTerms, hours: BusinessHours, now: dt.datetime
) -> list[Clock]:
    """The four obligations' clocks at `now`. Done after `now` counts as not done yet."""
    start, soon = facts.start, terms.due_soon_hours
    stop = _first(facts.ended_at, facts.closed_at)
    out = []

    accept_due = business_hours_add(hours, start, terms.accept_within_hours)
    accept_done = facts.responded_at
    state, left = _state(
        hours, now=now, due=accept_due, done=accept_done, stop=facts.ended_at, soon_hours=soon
    )
    out.append(Clock("accept", state, start, accept_due, _seen(accept_done, now), left))

    touch_due = business_hours_add(hours, start, terms.first_touch_within_hours)
    touched = facts.first_touch_at
    state, left = _state(hours, now=now, due=touch_due, done=touched, stop=stop, soon_hours=soon)
    out.append(Clock("first_touch", state, start, touch_due, _seen(touched, now), left))

    cadence = terms.cadence
    cadence_due = business_days_end(hours, start, cadence.within_days)
    cadence_done = _first(_cadence_done(facts, cadence.calls, cadence.emails), facts.progressed_at)
    calls = sum(1 for c in facts.calls if c <= now)
    emails = sum(1 for e in facts.emails if e <= now)
    detail = f"{calls}/{cadence.calls} calls, {emails}/{cadence.emails} emails"
    state, left = _state(
        hours, now=now, due=cadence_due, done=cadence_done, stop=stop, soon_hours=soon
    )
    out.append(Clock("cadence", state, start, cadence_due, _seen(cadence_done, now), left, detail))

    recycle_due = business_hours_add(hours, cadence_due, terms.recycle_within_hours)
    recycle_done = _first(facts.progressed_at, facts.closed_at)
    state, left = _state(
        hours, now=now, due=recycle_due, done=recycle_done, stop=facts.ended_at, soon_hours=soon
    )
    detail = f"recycle with reason {terms.recycle_reason!r} if it does not progress"
    out.append(Clock("recycle", state, start, recycle_due, _seen(recycle_done, now), left, detail))
    return out


def _seen(done: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    return done if done is not None and done <= now else None
