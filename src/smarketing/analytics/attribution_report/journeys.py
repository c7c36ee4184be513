"""Journeys from the database, for the attribution models (docs/analytics.md, "Journeys from the
database").

A **converting** journey is a deal won in the window: at contact level the touches of its primary
contact, at account level those of every contact of its account, in the lookback before the deal
closed. A **null** journey is a contact (account) with a touch in the window and no deal won in
it: its touches in the lookback before the window's end, or before its first deal lost in the
window when it lost one (it had stopped being a prospect then). Revenue is counted in one
currency, the one that won the most in the window; deals in others are left out, and said so.

Fetched in a fixed number of queries whatever the data's size (won deals, lost deals, lifecycle
marks, campaign names, then every touch in the window and its lookback, streamed in entity order
and cut into journeys one entity at a time).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import Min, Q

from smarketing.analytics.attribution import Journey, touch_index_at
from smarketing.analytics.attribution_report.params import AttributionParams, By, Level
from smarketing.campaigns.models import Campaign, Channel
from smarketing.deals.models import Deal, DealStage
from smarketing.events.models import Touchpoint
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import Stage

# The first move into any of these made the contact a lead (sales-sourced contacts skip "lead").
LEAD_STAGES = (Stage.LEAD, Stage.MQL, Stage.SAL, Stage.SQL, Stage.OPPORTUNITY)
OPPORTUNITY_STAGES = (Stage.OPPORTUNITY,)
CAMPAIGN_PREFIX = "campaign:"
STREAM_CHUNK = 5000

# Per level: the entity on a deal, on a transition and on a touchpoint.
DEAL_ENTITY = {Level.CONTACT: "primary_contact_id", Level.ACCOUNT: "account_id"}
CONTACT_ENTITY = {Level.CONTACT: "contact_id", Level.ACCOUNT: "contact__account_id"}


@dataclass(frozen=True, slots=True)
class WonDeal:
    id: int
    entity: int | None  # its primary contact's or its account's id
    amount: Decimal
    currency: str
    closed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Marks:
    """When the contact (account: its first contact) became a lead and an opportunity."""

    lead_at: dt.datetime | None
    opportunity_at: dt.datetime | None


@dataclass
class JourneySet:
    """The journeys, and what was left out of them and why."""

    journeys: list[Journey] = field(default_factory=list)
    currency: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # journey channel name → label
    deals_won: int = 0  # in the window, every currency
    converting: int = 0
    nulls: int = 0
    touches: int = 0  # in the journeys
    other_currencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    without_contact: int = 0  # contact level: won deals with no primary contact
    without_touches: int = 0  # won deals whose contact (account) had no touch in the lookback

    def left_out(self) -> dict[str, Any]:
        return {
            "other_currencies": self.other_currencies,
            "deals_without_contact": self.without_contact,
            "deals_without_touches": self.without_touches,
        }


def currency_pick(deals: list[WonDeal]) -> str | None:
    """The currency with the most revenue won (ties: the first in alphabetical order)."""
    totals: dict[str, Decimal] = {}
    for deal in deals:
        totals[deal.currency] = totals.get(deal.currency, Decimal(0)) + deal.amount
    return min(totals, key=lambda c: (-totals[c], c)) if totals else None


def _won_deals(params: AttributionParams) -> list[WonDeal]:
    rows = (
        Deal.objects.filter(
            stage=DealStage.WON, closed_at__gte=params.since, closed_at__lt=params.until
        )
        .order_by("closed_at", "id")
        .values_list("id", DEAL_ENTITY[params.level], "amount", "currency", "closed_at")
    )
    return [WonDeal(*row) for row in rows]


def _first_losses(params: AttributionParams) -> dict[int, dt.datetime]:
    """Per contact (account), its first deal lost in the window."""
    entity = DEAL_ENTITY[params.level]
    rows = (
        Deal.objects.filter(
            stage=DealStage.LOST,
            closed_at__gte=params.since,
            closed_at__lt=params.until,
            **{f"{entity}__isnull": False},
        )
        .values(entity)
        .annotate(first=Min("closed_at"))
        .values_list(entity, "first")
    )
    return dict(rows)


def _marks(params: AttributionParams) -> dict[int, Marks]:
    """Lead and opportunity creation of the contacts (accounts) that won in the window: the
    first such move in their whole history, found in the database, not in Python."""
    entity = CONTACT_ENTITY[params.level]
    winners = Deal.objects.filter(
        stage=DealStage.WON, closed_at__gte=params.since, closed_at__lt=params.until
    ).values(DEAL_ENTITY[params.level])
    rows = (
        StageTransition.objects.filter(
            to_stage__in=[*LEAD_STAGES, *OPPORTUNITY_STAGES], **{f"{entity}__in": winners}
        )
        .values(entity)
        .annotate(
            lead=Min("at", filter=Q(to_stage__in=LEAD_STAGES)),
            opportunity=Min("at", filter=Q(to_stage__in=OPPORTUNITY_STAGES)),
        )
        .values_list(entity, "lead", "opportunity")
    )
    return {key: Marks(lead, opportunity) for key, lead, opportunity in rows}


def _labels(params: AttributionParams) -> dict[str, str]:
    """Every name a journey may carry, with its label: channel codes, and by campaign also
    `campaign:<id>` for each campaign."""
    if params.by == By.CHANNEL:
        return {code: str(label) for code, label in Channel.choices}
    labels = {code: f"{label} (no campaign)" for code, label in Channel.choices}
    for pk, name in Campaign.objects.values_list("pk", "name"):
        labels[f"{CAMPAIGN_PREFIX}{pk}"] = name
    return labels


def _touch_stream(params: AttributionParams) -> Iterator[tuple[int, list[tuple[dt.datetime, str]]]]:
    """Every touch from the lookback before the window to its end, per entity in time order."""
    entity = CONTACT_ENTITY[params.level]
    rows = (
        Touchpoint.objects.filter(
            occurred_at__gte=params.since - params.lookback,
            occurred_at__lt=params.until,
            **{f"{entity}__isnull": False},
        )
        .order_by(entity, "occurred_at", "id")
        .values_list(entity, "occurred_at", "channel", "campaign_id")
        .iterator(chunk_size=STREAM_CHUNK)
    )
    by_campaign = params.by == By.CAMPAIGN
    for key, group in groupby(rows, key=lambda row: row[0]):
        yield (
            key,
            [
                (at, f"{CAMPAIGN_PREFIX}{campaign}" if by_campaign and campaign else channel)
                for _, at, channel, campaign in group
            ],
        )


def _converting(
    deal: WonDeal,
    touches: list[tuple[dt.datetime, str]],
    times: list[dt.datetime],
    *,
    marks: Marks | None,
    params: AttributionParams,
) -> Journey | None:
    """The deal's journey: the touches in the lookback before it closed (None: no touch)."""
    low = bisect_left(times, deal.closed_at - params.lookback)
    high = bisect_left(times, deal.closed_at)
    if high <= low:
        return None
    kept = touches[low:high]
    moments = tuple(at for at, _ in kept)

    def mark(moment: dt.datetime | None) -> int | None:
        return None if moment is None else touch_index_at(times=moments, moment=moment)

    return Journey(
        channels=tuple(name for _, name in kept),
        converted=True,
        value=float(deal.amount),
        times=moments,
        ended_at=deal.closed_at,
        lead_touch=mark(marks.lead_at) if marks else None,
        opportunity_touch=mark(marks.opportunity_at) if marks else None,
    )


def _null(
    touches: list[tuple[dt.datetime, str]],
    times: list[dt.datetime],
    *,
    lost_at: dt.datetime | None,
    params: AttributionParams,
) -> Journey | None:
    """A journey that did not convert, when the entity was touched in the window."""
    first_in_window = bisect_left(times, params.since)
    if first_in_window == len(times) or times[first_in_window] >= params.until:
        return None
    end = min(lost_at, params.until) if lost_at is not None else params.until
    low, high = bisect_left(times, end - params.lookback), bisect_left(times, end)
    if high <= low:
        return None
    return Journey(channels=tuple(name for _, name in touches[low:high]), converted=False)


@dataclass
class _Inputs:
    """What the stream of touches is cut with, fetched before it."""

    won: dict[int, list[WonDeal]]  # in the chosen currency, per entity
    winners: set[int]  # every entity that won in the window, in any currency
    losses: dict[int, dt.datetime]
    marks: dict[int, Marks]


def _inputs(params: AttributionParams, found: JourneySet) -> _Inputs:
    deals = _won_deals(params)
    found.deals_won = len(deals)
    found.currency = currency_pick(deals)
    won: dict[int, list[WonDeal]] = {}
    for deal in deals:
        if deal.currency != found.currency:
            other = found.other_currencies.setdefault(
                deal.currency, {"deals": 0, "amount": Decimal(0)}
            )
            other["deals"] += 1
            other["amount"] += deal.amount
        elif deal.entity is None:
            found.without_contact += 1
        else:
            won.setdefault(deal.entity, []).append(deal)
    for other in found.other_currencies.values():
        other["amount"] = str(other["amount"])
    winners = {d.entity for d in deals if d.entity is not None}
    return _Inputs(won=won, winners=winners, losses=_first_losses(params), marks=_marks(params))


def journeys_collect(*, params: AttributionParams) -> JourneySet:
    """The converting and null journeys of `params`; see the module docstring."""
    found = JourneySet(labels=_labels(params))
    inputs = _inputs(params, found)
    kept_deals = sum(len(deals) for deals in inputs.won.values())
    for entity, touches in _touch_stream(params):
        times = [at for at, _ in touches]
        if entity in inputs.winners:
            for deal in inputs.won.get(entity, []):
                journey = _converting(
                    deal, touches, times, marks=inputs.marks.get(entity), params=params
                )
                if journey is not None:
                    found.journeys.append(journey)
                    found.converting += 1
                    found.touches += len(journey.channels)
            continue
        null = _null(touches, times, lost_at=inputs.losses.get(entity), params=params)
        if null is not None:
            found.journeys.append(null)
            found.nulls += 1
            found.touches += len(null.channels)
    found.without_touches = kept_deals - found.converting
    return found
