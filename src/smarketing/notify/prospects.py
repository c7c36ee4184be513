"""Prospect alerts: a known prospect on a high-intent page, or back after days away, tells its
owner at once. Called once per processed batch of events, with a few queries per batch."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse

from smarketing.deals.models import CLOSED_STAGES, Deal
from smarketing.events.models import Touchpoint, TouchpointKind
from smarketing.lifecycle.stages import Stage
from smarketing.notify.models import AlertKind, Notification
from smarketing.notify.services import notify
from smarketing.people.models import Contact

OPEN_STAGES = (Stage.MQL, Stage.SAL, Stage.SQL)
THROTTLE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Visit:
    contact_id: int
    at: dt.datetime
    path: str
    high_intent: bool


def return_after() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "PROSPECT_RETURN_DAYS", 14))


def prospects_alert(*, touchpoints: Iterable[Touchpoint], final: Callable[[Any], Any]) -> int:
    """Alert the owners of prospects among these just-stored touchpoints' contacts (`final`
    maps a contact id to the one it merged into). Returns how many alerts were recorded.

    At most one alert per prospect per hour: processing batches run one at a time (the
    workers' lock in events.processing.run), so checking the recent alerts first is safe, and
    the hour in the dedupe key keeps a repeated batch from alerting twice."""
    visits = _visits(touchpoints, final)
    if not visits:
        return 0
    prospects = _prospects(set(visits))
    if not prospects:
        return 0
    batch_events = [tp.raw_event_id for tp in touchpoints]
    last_seen = _last_seen(set(prospects), exclude_events=batch_events)
    alerted = _recent_alerts(set(prospects), visits)
    owners = _owners({p["owner"] for p in prospects.values()})
    made = 0
    for contact_id, prospect in prospects.items():
        previous = last_seen.get(contact_id)
        for visit in visits[contact_id]:
            reason = _reason(visit, previous)
            previous = visit.at
            if reason is None or any(abs(visit.at - a) < THROTTLE for a in alerted[contact_id]):
                continue
            if _alert(prospect, visit, reason, owner=owners[prospect["owner"]]):
                made += 1
            alerted[contact_id].append(visit.at)
    return made


def _visits(
    touchpoints: Iterable[Touchpoint], final: Callable[[Any], Any]
) -> dict[int, list[Visit]]:
    visits: dict[int, list[Visit]] = defaultdict(list)
    for tp in touchpoints:
        contact_id = final(tp.contact_id)
        if contact_id is not None and tp.kind == TouchpointKind.PAGE_VIEW:
            visits[contact_id].append(Visit(contact_id, tp.occurred_at, tp.path, tp.high_intent))
    for rows in visits.values():
        rows.sort(key=lambda v: v.at)
    return visits


def _prospects(contact_ids: set[int]) -> dict[int, dict[str, Any]]:
    """The prospects among these contacts, with the owner to tell: the contact's, else the
    account's. One query."""
    open_deal = Deal.objects.filter(account_id=OuterRef("account_id")).exclude(
        stage__in=CLOSED_STAGES
    )
    rows = (
        Contact.objects.filter(pk__in=contact_ids)
        .filter(Q(lifecycle_stage__in=OPEN_STAGES) | Q(Exists(open_deal)))
        .filter(Q(owner__isnull=False) | Q(account__owner__isnull=False))
        .values(
            "pk",
            "email",
            "first_name",
            "last_name",
            "lifecycle_stage",
            "owner_id",
            "account__owner_id",
            "account__name",
        )
    )
    return {r["pk"]: {**r, "owner": r["owner_id"] or r["account__owner_id"]} for r in rows}


def _last_seen(contact_ids: set[int], *, exclude_events: list[int]) -> dict[int, dt.datetime]:
    """Each prospect's newest page view before this batch."""
    rows = (
        Touchpoint.objects.filter(contact_id__in=contact_ids, kind=TouchpointKind.PAGE_VIEW)
        .exclude(raw_event_id__in=exclude_events)
        .values("contact_id")
        .annotate(last=Max("occurred_at"))
    )
    return {r["contact_id"]: r["last"] for r in rows}


def _recent_alerts(contact_ids: set[int], visits: dict[int, list[Visit]]) -> dict[int, list]:
    times = [v.at for c in contact_ids for v in visits[c]]
    rows = Notification.objects.filter(
        kind=AlertKind.PROSPECT_VISIT,
        contact_id__in=contact_ids,
        created_at__gt=min(times) - THROTTLE,
        created_at__lt=max(times) + THROTTLE,
    ).values_list("contact_id", "created_at")
    alerted: dict[int, list] = defaultdict(list)
    for contact_id, at in rows:
        alerted[contact_id].append(at)
    return alerted


def _owners(ids: set[int]) -> dict[int, Any]:
    users = get_user_model().objects.filter(pk__in=ids).select_related("team")
    return {u.pk: u for u in users}


def _reason(visit: Visit, previous: dt.datetime | None) -> str | None:
    if visit.high_intent:
        return "high_intent"
    if previous is not None and visit.at - previous >= return_after():
        return f"back:{(visit.at - previous).days}"
    return None


def _alert(prospect: dict[str, Any], visit: Visit, reason: str, *, owner: Any) -> bool:
    if not owner.is_active:
        return False
    name = f"{prospect['first_name']} {prospect['last_name']}".strip() or prospect["email"]
    if prospect["account__name"]:
        name += f" ({prospect['account__name']})"
    if reason == "high_intent":
        title = f"{name} is on {visit.path or 'a high-intent page'}"
    else:
        title = f"{name} is back after {reason.split(':')[1]} days away"
    stage = Stage(prospect["lifecycle_stage"]).label if prospect["lifecycle_stage"] else "—"
    body = f"Stage: {stage}. Visited {visit.path or 'the site'} at {visit.at:%Y-%m-%d %H:%M} UTC."
    hour = int(visit.at.timestamp()) // 3600
    made = notify(
        user=owner,
        kind=AlertKind.PROSPECT_VISIT,
        title=title,
        body=body,
        url=reverse("web:contact", args=[prospect["pk"]]),
        contact=Contact(pk=prospect["pk"]),
        dedupe_key=f"prospect_visit:{prospect['pk']}:{hour}",
        at=visit.at,
    )
    return made is not None
