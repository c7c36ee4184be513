"""The demo company's last twelve months, simulated in plain Python from a seed.

`simulate()` returns a Timeline of plain dataclasses that reference each other by list index.
Every persisted part (demo/parts/) writes its share of the same Timeline through the services, so
the parts agree on one history. Same seed, size and `now` give the same Timeline.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from smarketing.demo.sim.catalogue import REASON_KINDS, Habit
from smarketing.demo.sim.marketing import CampaignSpec
from smarketing.demo.truths import Truths, truths_draw
from smarketing.lifecycle.stages import ReasonKind, Stage, transition_error

# Who writes a transition: "create" is the contact's first stage (written with the contact),
# "move" a later move (lifecycle part), "deal" the customer move a won deal makes (sales part).
ORIGINS = ("create", "move", "deal")


@dataclass(slots=True)
class SimTeam:
    name: str
    kind: str
    timezone: str
    workdays: str
    day_start: dt.time
    day_end: dt.time


@dataclass(slots=True)
class SimUser:
    email: str
    full_name: str
    role: str
    team: int | None
    habit: Habit | None  # reps only; the slow rep's habit has the slow response median


@dataclass(slots=True)
class SimCampaign:
    name: str
    channel: str
    utm_campaign: str
    start_date: dt.date
    end_date: dt.date | None
    cost: int
    created_at: dt.datetime
    spec: CampaignSpec
    event_at: dt.datetime | None  # webinars and trade shows


@dataclass(slots=True)
class SimAsset:
    key: str
    title: str
    asset_type: str
    funnel_stage: str
    url: str
    created_at: dt.datetime


@dataclass(slots=True)
class SimAccount:
    name: str
    domain: str
    employees: int
    annual_revenue: int
    industry: str
    country: str
    owner: int  # user index
    created_at: dt.datetime
    serial: int  # its place in the draw, which seeds its own random stream
    dud: bool = False  # only ever reached by the dud campaign: never wins


@dataclass(slots=True)
class SimContact:
    email: str
    first_name: str
    last_name: str
    title: str
    seniority: str
    phone: str
    country: str
    account: int
    owner: int  # user index
    source_channel: str
    source_campaign: int | None
    entry: str  # how it arrived: form | newsletter | webinar | list_import | outbound | organic
    created_at: dt.datetime
    anonymous_id: str
    serial: int  # its place in the draw, which seeds its own random streams
    webinar: int | None = None  # campaign index of the webinar it registered for
    attended_webinar: bool = False
    case_study_at: dt.datetime | None = None  # when it downloaded a case study, if it did
    multiplier: float = 1.0  # product of the planted segment multipliers it falls in
    opportunity_at: dt.datetime | None = None  # its own journey reached opportunity then


@dataclass(slots=True)
class SimTransition:
    contact: int
    at: dt.datetime
    to_stage: str
    origin: str
    by_user: int | None = None
    by_rule: str = ""
    reason: str = ""  # TransitionReason code
    note: str = ""


@dataclass(slots=True)
class SimActivity:
    contact: int
    at: dt.datetime
    kind: str  # call | email | meeting | note
    user: int
    subject: str
    outcome: str = ""
    deal: int | None = None


@dataclass(slots=True)
class SimDeal:
    account: int
    primary_contact: int
    owner: int
    name: str
    amount: int
    created_at: dt.datetime
    expected_close: dt.datetime
    stage: str  # open stages, or won / lost
    closed_at: dt.datetime | None = None
    loss_reason: str = ""
    members: list[int] = field(default_factory=list)  # contacts in the buying group


@dataclass(slots=True)
class SimEvent:
    """Web, email and webinar activity, sent through the event API by parts/events.py."""

    contact: int
    at: dt.datetime
    kind: str  # page_view | form_submit | email_open | email_click | content_download |
    #            webinar_registered | webinar_attended
    path: str
    anonymous: bool = False  # before the person identified themselves
    campaign: int | None = None
    asset: int | None = None
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    referrer: str = ""
    form: str = ""  # a form_submit's form id (sim/touch.form_name)


@dataclass
class Timeline:
    seed: int
    now: dt.datetime
    start: dt.datetime
    truths: Truths
    teams: list[SimTeam] = field(default_factory=list)
    users: list[SimUser] = field(default_factory=list)
    campaigns: list[SimCampaign] = field(default_factory=list)
    assets: list[SimAsset] = field(default_factory=list)
    accounts: list[SimAccount] = field(default_factory=list)
    contacts: list[SimContact] = field(default_factory=list)
    transitions: list[SimTransition] = field(default_factory=list)
    activities: list[SimActivity] = field(default_factory=list)
    deals: list[SimDeal] = field(default_factory=list)
    events: list[SimEvent] = field(default_factory=list)


def simulate(*, seed: int, contacts: int, now: dt.datetime) -> Timeline:
    """Twelve months of the demo company ending at `now` (an aware datetime)."""
    from smarketing.demo.sim import company, deals, events, journey, qualify

    if contacts < 1:
        raise ValueError(f"contacts must be at least 1, got {contacts}")
    now = now.astimezone(dt.UTC).replace(microsecond=0)
    timeline = Timeline(
        seed=seed, now=now, start=now - dt.timedelta(days=365), truths=truths_draw(seed)
    )
    rng = random.Random(seed)
    company.build(timeline, rng, contacts=contacts)
    qualifier = qualify.Qualifier(timeline)
    paths = journey.build(timeline, qualifier)
    deals.build(timeline, paths, qualifier)
    events.collect(timeline, [p.events for p in paths])
    _check(timeline)
    return timeline


def _check(timeline: Timeline) -> None:
    """Every path starts with the contact, is one the lifecycle rules allow, and runs in time
    order inside the twelve months: the services would refuse anything else half-way."""
    reason_kinds = {code: ReasonKind(kind) for code, kind in REASON_KINDS.items()}
    current: dict[int, tuple[Stage | None, dt.datetime]] = {}
    for t in timeline.transitions:
        stage, last = current.get(t.contact, (None, timeline.start))
        target = Stage(t.to_stage)
        refused = transition_error(stage, target, reason_kinds.get(t.reason))
        problem = refused[1] if refused else ""
        first = t.contact not in current
        if first != (t.origin == "create") or t.origin not in ORIGINS:
            problem = f"origin {t.origin!r} for {'the first' if first else 'a later'} move"
        if problem or t.at < last or t.at >= timeline.now:
            raise RuntimeError(f"the simulation made a move the services refuse: {t} ({problem})")
        current[t.contact] = (target, t.at)
    missing = len(timeline.contacts) - len(current)
    if missing:
        raise RuntimeError(f"the simulation gave {missing} contacts no first stage")
