"""The leads an insights scan looks at, read from the database into plain facts.

The population: contacts whose first entry into a lead stage (lead, MQL, SAL, SQL or
opportunity: a lead sales sourced itself may skip straight to SQL) falls in the window
[now - lookback - settle, now - settle). The outcome: the contact became a customer at or
after that entry, up to now. Leads younger than `settle_days` are left out because most
customers need weeks to close: counting a lead of last week as "not converted" would make
whatever is new (a campaign launched last month) look worse than it is.

Behaviour (a webinar attended, content consumed) counts only before the contact became a
customer, so what customers do afterwards (onboarding webinars) does not flatter it.
A fixed number of queries, whatever the number of leads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Min, QuerySet

from smarketing.analytics.insights.feedback import LeadVerdicts
from smarketing.analytics.insights.segments import LeadFacts, title_seniority
from smarketing.content.models import ContentAsset
from smarketing.events.models import Touchpoint, TouchpointKind
from smarketing.handoff.models import FeedbackKind, LeadFeedback
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import Stage
from smarketing.people.models import Contact

LEAD_STAGES = (Stage.LEAD, Stage.MQL, Stage.SAL, Stage.SQL, Stage.OPPORTUNITY)
REJECTIONS = (FeedbackKind.REJECT, FeedbackKind.DISQUALIFY)


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Population:
    """The leads in one order: `contact_ids[i]`, `clusters[i]` (its account, or minus the
    contact's id without one), `facts[i]`, `outcomes[i]` and `verdicts[i]` are lead i's. `paths`
    maps a content title and an asset type to the assets' page paths."""

    window: Window
    contact_ids: list[int]
    clusters: list[int]
    facts: list[LeadFacts]
    outcomes: list[bool]
    verdicts: list[LeadVerdicts]
    paths: dict[str, tuple[str, ...]]


def window_for(*, now: dt.datetime, lookback_days: int, settle_days: int) -> Window:
    end = now - dt.timedelta(days=settle_days)
    return Window(start=end - dt.timedelta(days=lookback_days), end=end)


def _entries(window: Window) -> QuerySet[StageTransition]:
    """Per contact, its first entry into a lead stage, for those whose entry is in the window."""
    return (
        StageTransition.objects.filter(to_stage__in=LEAD_STAGES)
        .values("contact_id")
        .annotate(first=Min("at"))
        .filter(first__gte=window.start, first__lt=window.end)
    )


def _customers(leads: QuerySet[StageTransition]) -> dict[int, dt.datetime]:
    rows = (
        StageTransition.objects.filter(to_stage=Stage.CUSTOMER, contact_id__in=leads)
        .values("contact_id")
        .annotate(first=Min("at"))
        .values_list("contact_id", "first")
    )
    return dict(rows)


def _before(at: dt.datetime, cutoff: dt.datetime | None) -> bool:
    return cutoff is None or at < cutoff


def _webinars(leads: QuerySet[StageTransition], customer_at: dict[int, dt.datetime]) -> set[int]:
    rows = (
        Touchpoint.objects.filter(kind=TouchpointKind.WEBINAR_ATTENDED, contact_id__in=leads)
        .values("contact_id")
        .annotate(first=Min("occurred_at"))
        .values_list("contact_id", "first")
    )
    return {cid for cid, first in rows if _before(first, customer_at.get(cid))}


def _content(
    leads: QuerySet[StageTransition], customer_at: dict[int, dt.datetime]
) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Per contact: titles of the assets consumed, and types of the assets downloaded."""
    assets = {a.pk: a for a in ContentAsset.objects.all()}
    rows = (
        Touchpoint.objects.filter(content__isnull=False, contact_id__in=leads)
        .values("contact_id", "content_id", "kind")
        .annotate(first=Min("occurred_at"))
        .values_list("contact_id", "content_id", "kind", "first")
    )
    titles: dict[int, set[str]] = defaultdict(set)
    types: dict[int, set[str]] = defaultdict(set)
    for cid, asset_id, kind, first in rows:
        if not _before(first, customer_at.get(cid)):
            continue
        asset = assets[asset_id]
        titles[cid].add(asset.title)
        if kind == TouchpointKind.DOWNLOAD:
            types[cid].add(asset.asset_type)
    return titles, types


def content_paths() -> dict[str, tuple[str, ...]]:
    """Each asset title's page path, and each asset type's paths (for engagement rules)."""
    out: dict[str, list[str]] = defaultdict(list)
    for title, kind, url in ContentAsset.objects.values_list("title", "asset_type", "url"):
        path = urlsplit(url or "").path.rstrip("/")
        if path:
            out[title].append(path)
            out[kind].append(path)
    return {key: tuple(sorted(set(paths))) for key, paths in out.items()}


def _verdicts(leads: QuerySet[StageTransition]) -> dict[int, LeadVerdicts]:
    reasons: dict[int, list[str]] = defaultdict(list)
    ratings: dict[int, list[int]] = defaultdict(list)
    rows = LeadFeedback.objects.filter(contact_id__in=leads).values_list(
        "contact_id", "kind", "reason__label", "rating"
    )
    for cid, kind, reason, rating in rows:
        if kind in REJECTIONS and reason:
            reasons[cid].append(reason)
        if rating is not None:
            ratings[cid].append(rating)
    return {
        cid: LeadVerdicts(tuple(reasons.get(cid, ())), tuple(ratings.get(cid, ())))
        for cid in {*reasons, *ratings}
    }


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def leads_collect(*, window: Window) -> Population:
    """Every lead of the window with its facts, outcome and sales' feedback."""
    entries = dict(_entries(window).values_list("contact_id", "first"))
    # A subquery, so no list of ids is sent to the database.
    leads = _entries(window).values("contact_id")
    customer_at = {
        cid: at for cid, at in _customers(leads).items() if cid in entries and at >= entries[cid]
    }
    webinars = _webinars(leads, customer_at)
    titles, types = _content(leads, customer_at)
    verdicts = _verdicts(leads)
    rows = (
        Contact.objects.filter(pk__in=leads)
        .order_by("pk")
        .values_list(
            "pk",
            "account_id",
            "title",
            "seniority",
            "source_channel",
            "source_campaign__name",
            "account__employees",
            "account__annual_revenue",
            "account__industry",
            "account__country",
        )
    )
    population = Population(window, [], [], [], [], [], content_paths())
    for (
        cid,
        account_id,
        title,
        seniority,
        channel,
        campaign,
        employees,
        revenue,
        industry,
        country,
    ) in rows:
        population.contact_ids.append(cid)
        population.clusters.append(account_id or -cid)
        population.outcomes.append(cid in customer_at)
        population.verdicts.append(verdicts.get(cid, LeadVerdicts()))
        population.facts.append(
            LeadFacts(
                employees=employees,
                annual_revenue=_float(revenue),
                industry=industry or "",
                country=country or "",
                source_channel=channel,
                source_campaign=campaign or "",
                # The stored seniority is someone's judgement; the title is the fallback.
                seniority=seniority or title_seniority(title),
                attended_webinar=cid in webinars,
                content=tuple(sorted(titles.get(cid, ()))),
                asset_types=tuple(sorted(types.get(cid, ()))),
            )
        )
    return population
