"""The handoff card: everything a rep needs to call an MQL, read in a fixed number of queries.

Why it qualified (the score explanation and the MQL move's rule), its journey, company facts,
recent visits, the SLA clocks, the predicted probability, what sales said so far, and what the
reader may do with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from smarketing.campaigns.models import Channel
from smarketing.content.models import FunnelStage
from smarketing.events.models import Touchpoint
from smarketing.handoff.journey import Journey, Touch, journey_build
from smarketing.handoff.models import Activity, LeadFeedback, SqlQualification
from smarketing.lifecycle.models import StageTransition, TransitionReason
from smarketing.lifecycle.stages import LABELS, ReasonKind, Stage
from smarketing.org import permissions
from smarketing.people.models import Contact
from smarketing.scoring.rules.model import SqlItem
from smarketing.scoring.scores import ContactScore, contact_score, definition_in_force

RECENT_ACTIVITIES = 10
RECENT_FEEDBACK = 20
CHANNEL_LABELS = dict(Channel.choices)
FUNNEL_LABELS = {"tofu": "TOFU", "mofu": "MOFU", "bofu": "BOFU"}
FUNNEL_TITLES = dict(FunnelStage.choices)
# Most urgent first; clocks in any other state sort after these.
CLOCK_URGENCY = {"breached": 0, "due_soon": 1, "on_time": 2, "met": 3}
CLOCK_CSS = {
    "breached": "stage-disqualified",
    "due_soon": "stage-sql",
    "on_time": "stage-mql",
    "met": "stage-recycled",
}


@dataclass(frozen=True)
class ClockView:
    """An SLA clock as the card shows it, read from smarketing.handoff.sla's Clock."""

    label: str
    state: str
    state_label: str
    due_at: dt.datetime | None
    is_open: bool

    @property
    def css(self) -> str:
        """A badge colour from the stylesheet's stage palette."""
        return CLOCK_CSS.get(self.state, "stage-recycled")

    @property
    def urgency(self) -> tuple[int, dt.datetime]:
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return (CLOCK_URGENCY.get(self.state, 4), self.due_at or far)


def clock_view(clock: Any) -> ClockView:
    state = str(clock.state)
    return ClockView(
        label=str(clock.label),
        state=state,
        state_label=str(getattr(clock, "state_label", state.replace("_", " "))),
        due_at=clock.due_at,
        is_open=bool(getattr(clock, "is_open", state in ("on_time", "due_soon", "breached"))),
    )


def sla_clocks(*, contact: Contact, now: dt.datetime) -> list[ClockView] | None:
    """The contact's SLA clocks, most urgent first; None while the SLA app is not installed."""
    try:
        from smarketing.handoff.sla.queries import clocks_for
    except ImportError:
        return None
    views = [clock_view(c) for c in clocks_for(contact=contact, now=now)]
    return sorted(views, key=lambda c: c.urgency)


def urgent_clocks(*, contacts: list[Contact], now: dt.datetime) -> dict[int, ClockView | None]:
    """The most urgent open clock of each contact, in a fixed number of queries (My leads)."""
    from smarketing.handoff.sla.queries import clocks_for_many

    found = clocks_for_many(contact_ids=[c.pk for c in contacts], now=now)
    return {c.pk: most_urgent([clock_view(k) for k in found.get(c.pk, [])]) for c in contacts}


def most_urgent(clocks: list[ClockView] | None) -> ClockView | None:
    open_clocks = [c for c in clocks or [] if c.is_open]
    return min(open_clocks, key=lambda c: c.urgency) if open_clocks else None


@dataclass(frozen=True)
class Card:
    contact: Contact
    now: dt.datetime
    score: ContactScore
    mql_move: StageTransition | None
    journey: Journey
    clocks: list[ClockView] | None
    activities: list[Activity]
    feedback: list[LeadFeedback]
    reasons: dict[str, list[TransitionReason]]
    sql_checklist: tuple[SqlItem, ...]
    sql_qualification: SqlQualification | None
    may_handle: bool

    @property
    def stage_label(self) -> str:
        stage = self.contact.lifecycle_stage
        return LABELS[Stage(stage)] if stage else ""

    @property
    def mql_group(self) -> Any:
        """The score group whose criteria qualified the lead (the default group otherwise)."""
        found = [g for g in self.score.result.groups if g.is_mql]
        return found[0] if found else self.score.result.default

    @property
    def urgent(self) -> ClockView | None:
        return most_urgent(self.clocks)

    @property
    def can_accept(self) -> bool:
        return self.contact.lifecycle_stage == Stage.MQL

    @property
    def can_reject(self) -> bool:
        return self.contact.lifecycle_stage in (Stage.MQL, Stage.SAL)

    @property
    def can_convert(self) -> bool:
        return self.contact.lifecycle_stage in (Stage.MQL, Stage.SAL)

    @property
    def is_working(self) -> bool:
        return self.contact.lifecycle_stage in (Stage.MQL, Stage.SAL, Stage.SQL)


def card_contact(qs: Any, pk: int) -> Contact:
    """The contact with what the card shows of it joined (raises Contact.DoesNotExist)."""
    return qs.select_related("account", "owner", "owner__team", "source_campaign").get(pk=pk)


def _touches(contact: Contact) -> list[Touch]:
    rows = Touchpoint.objects.filter(contact=contact).values_list(
        "occurred_at",
        "kind",
        "channel",
        "campaign__name",
        "content__title",
        "content__funnel_stage",
        "path",
        "high_intent",
    )
    return [
        Touch(
            at=at,
            kind=kind,
            channel=CHANNEL_LABELS.get(channel, channel),
            campaign=campaign or "",
            content=content or "",
            funnel_stage=FUNNEL_LABELS.get(stage or "", ""),
            path=path,
            high_intent=high,
        )
        for at, kind, channel, campaign, content, stage, path, high in rows
    ]


def _reasons() -> dict[str, list[TransitionReason]]:
    by_kind: dict[str, list[TransitionReason]] = {k.value: [] for k in ReasonKind}
    for reason in TransitionReason.objects.filter(active=True).order_by("kind", "label"):
        by_kind[reason.kind].append(reason)
    return by_kind


def handoff_card(*, contact: Contact, user: Any, now: dt.datetime) -> Card:
    """A fixed number of queries whatever the lead's history (a test pins it), plus the SLA
    clocks' own."""
    mql_move = (
        StageTransition.objects.filter(contact=contact, to_stage=Stage.MQL)
        .select_related("by_user")
        .order_by("-at", "-id")
        .first()
    )
    activities = list(
        Activity.objects.filter(contact=contact)
        .select_related("user")
        .order_by("-occurred_at", "-id")[:RECENT_ACTIVITIES]
    )
    feedback = list(
        LeadFeedback.objects.filter(contact=contact)
        .select_related("user", "reason")
        .order_by("-at", "-id")[:RECENT_FEEDBACK]
    )
    _, definition = definition_in_force()
    return Card(
        contact=contact,
        now=now,
        score=contact_score(contact=contact, now=now),
        mql_move=mql_move,
        journey=journey_build(_touches(contact)),
        clocks=sla_clocks(contact=contact, now=now),
        activities=activities,
        feedback=feedback,
        reasons=_reasons(),
        sql_checklist=definition.sql_checklist,
        sql_qualification=SqlQualification.objects.filter(contact=contact)
        .select_related("user", "definition_version")
        .order_by("-at", "-id")
        .first(),
        may_handle=permissions.can(user, "lead.handle", contact),
    )
