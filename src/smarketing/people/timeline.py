"""One contact's history, merged newest first: stage moves, activities, its account's deals.

Each source is a small function returning TimelineItems, so later sources (touchpoints,
score changes, SLA events) plug in by adding one more function to SOURCES.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from smarketing.deals.models import Deal, DealStage
from smarketing.handoff.models import Activity
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import LABELS, Stage
from smarketing.people.models import Contact


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str  # stage | call | email | meeting | note | deal
    title: str
    detail: str = ""
    actor: str = ""  # the person or rule behind it; "" when unknown


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


SOURCES: list[Callable[[Contact, int], list[TimelineItem]]] = [
    stage_items,
    activity_items,
    deal_items,
]


def contact_timeline(*, contact: Contact, limit: int = 200) -> list[TimelineItem]:
    """The newest `limit` items across every source, newest first."""
    items: list[TimelineItem] = []
    for source in SOURCES:
        items.extend(source(contact, limit))
    # Stable sort: within one instant, items keep the order of SOURCES (stage moves first).
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
