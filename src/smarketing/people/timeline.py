"""One contact's history, merged newest first: stage moves, activities, its account's deals,
its touchpoints (visits, forms, email clicks, ...).

Each source is a small function returning TimelineItems, so later sources (touchpoints,
score changes, SLA events) plug in by adding one more function to SOURCES.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from smarketing.campaigns.models import Channel
from smarketing.deals.models import Deal, DealStage
from smarketing.events.models import Touchpoint
from smarketing.handoff.models import Activity
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import LABELS, Stage
from smarketing.people.models import Contact


@dataclass(frozen=True)
class TouchpointFacts:
    """What a touchpoint item carries beyond its title, for the API."""

    kind: str
    channel: str
    campaign_id: int | None
    campaign: str
    path: str
    url: str
    form: str
    event: str
    high_intent: bool


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str  # stage | call | email | meeting | note | deal | touchpoint
    title: str
    detail: str = ""
    actor: str = ""  # the person or rule behind it; "" when unknown
    touchpoint: TouchpointFacts | None = None


def _stage_label(value: str) -> str:
    return LABELS[Stage(value)] if value else "no stage"


def _actor(user: object | None, rule: str = "") -> str:
    if user is not None:
        return str(user)
    return rule


def stage_items(contact: Contact, limit: int) -> list[TimelineItem]:
    rows = (
        StageTransition.objects.filter(contact=contact)
        .select_related("by_user", "reason")
        .order_by("-at", "-id")[:limit]
    )
    items = []
    for row in rows:
        detail = [row.reason.label] if row.reason else []
        if row.note:
            detail.append(row.note)
        items.append(
            TimelineItem(
                at=row.at,
                kind="stage",
                title=f"{_stage_label(row.from_stage)} → {_stage_label(row.to_stage)}",
                detail=" — ".join(detail),
                actor=_actor(row.by_user, row.by_rule),
            )
        )
    return items


def activity_items(contact: Contact, limit: int) -> list[TimelineItem]:
    rows = (
        Activity.objects.filter(contact=contact)
        .select_related("user")
        .order_by("-occurred_at", "-id")[:limit]
    )
    items = []
    for row in rows:
        title = row.get_kind_display()
        if row.subject:
            title = f"{title}: {row.subject}"
        detail = [row.get_outcome_display()] if row.outcome else []
        if row.body:
            detail.append(row.body)
        items.append(
            TimelineItem(
                at=row.occurred_at,
                kind=row.kind,
                title=title,
                detail=" — ".join(detail),
                actor=_actor(row.user),
            )
        )
    return items


def deal_items(contact: Contact, limit: int) -> list[TimelineItem]:
    """A deal appears when it was opened and again when it closed."""
    if contact.account_id is None:
        return []
    deals = (
        Deal.objects.filter(account_id=contact.account_id)
        .select_related("owner")
        .order_by("-created_at", "-id")[:limit]
    )
    items = []
    for deal in deals:
        money = f"{deal.currency} {deal.amount:,.2f}"
        owner = _actor(deal.owner)
        items.append(
            TimelineItem(
                at=deal.created_at,
                kind="deal",
                title=f"Deal opened: {deal.name}",
                detail=money,
                actor=owner,
            )
        )
        if deal.closed_at is not None:
            won = deal.stage == DealStage.WON
            detail = money if won else f"{money} — {deal.get_loss_reason_display()}"
            items.append(
                TimelineItem(
                    at=deal.closed_at,
                    kind="deal",
                    title=f"Deal {'won' if won else 'lost'}: {deal.name}",
                    detail=detail,
                    actor=owner,
                )
            )
    return items


CHANNEL_LABELS = dict(Channel.choices)


def _touchpoint_title(row: Touchpoint) -> str:
    """'Page view: /pricing', 'Form submitted: demo-request', 'Content downloaded: <asset>'."""
    place = row.path or row.url
    if row.kind == "page_view":
        what = place
    elif row.kind == "form":
        what = row.form or place
    else:
        what = (row.content.title if row.content else "") or row.event or place
    label = row.get_kind_display()
    return f"{label}: {what}" if what else label


def touchpoint_items(contact: Contact, limit: int) -> list[TimelineItem]:
    rows = (
        Touchpoint.objects.filter(contact=contact)
        .select_related("campaign", "content")
        .order_by("-occurred_at", "-id")[:limit]
    )
    items = []
    for row in rows:
        campaign = row.campaign.name if row.campaign else ""
        detail = [CHANNEL_LABELS.get(row.channel, row.channel)]
        if campaign:
            detail.append(f"campaign {campaign}")
        if row.high_intent:
            detail.append("high-intent page")
        facts = TouchpointFacts(
            kind=row.kind,
            channel=row.channel,
            campaign_id=row.campaign_id,
            campaign=campaign,
            path=row.path,
            url=row.url,
            form=row.form,
            event=row.event,
            high_intent=row.high_intent,
        )
        items.append(
            TimelineItem(
                at=row.occurred_at,
                kind="touchpoint",
                title=_touchpoint_title(row),
                detail=" · ".join(detail),
                touchpoint=facts,
            )
        )
    return items


SOURCES: list[Callable[[Contact, int], list[TimelineItem]]] = [
    stage_items,
    activity_items,
    deal_items,
    touchpoint_items,
]


def contact_timeline(*, contact: Contact, limit: int = 200) -> list[TimelineItem]:
    """The newest `limit` items across every source, newest first."""
    items: list[TimelineItem] = []
    for source in SOURCES:
        items.extend(source(contact, limit))
    # Stable sort: within one instant, items keep the order of SOURCES (stage moves first).
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
