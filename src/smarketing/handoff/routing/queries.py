"""Reads of routing: the rules in order, reps' load and away days, a contact's assignment
history, and a dry run of the rules for one contact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from smarketing.handoff.models import Assignment
from smarketing.handoff.routing.choose import (
    OPEN_STAGES,
    Choice,
    away_users,
    contact_for_routing,
    owner_choose,
    routing_settings,
)
from smarketing.handoff.routing.models import AwayPeriod, Region, RoutingRule, RuleKind
from smarketing.org.models import Role, TeamKind, User
from smarketing.people.models import Contact


def rules_ordered() -> QuerySet[RoutingRule]:
    return RoutingRule.objects.select_related("region", "user", "team").order_by("position", "id")


def regions_all() -> QuerySet[Region]:
    return Region.objects.all()


def rule_conditions_text(rule: RoutingRule) -> str:
    """'country DE, AT or region DACH; industry Software; 50-500 employees' or 'any lead'."""
    parts = []
    places = list(rule.countries or [])
    if places or rule.region_id:
        region = f"region {rule.region.name}" if rule.region else ""
        parts.append("country " + " or ".join(p for p in (", ".join(places), region) if p))
    if rule.industries:
        parts.append("industry " + " or ".join(rule.industries))
    low, high = rule.employees_min, rule.employees_max
    if low is not None and high is not None:
        parts.append(f"{low}–{high} employees")
    elif low is not None:
        parts.append(f"at least {low} employees")
    elif high is not None:
        parts.append(f"at most {high} employees")
    return "; ".join(parts) or "any lead"


def rule_target_text(rule: RoutingRule) -> str:
    if rule.kind == RuleKind.OWNER:
        return "the account's owner, else the contact's, when active, in sales and not away"
    if rule.user is not None:
        return rule.user.email
    if rule.team is not None:
        return f"round robin in {rule.team.name}"
    return "—"


def assignments_of(contact: Contact) -> QuerySet[Assignment]:
    """A contact's assignments, newest first."""
    return (
        Assignment.objects.filter(contact=contact)
        .select_related("owner", "previous_owner", "by_user")
        .order_by("-at", "-id")
    )


@dataclass
class RepRow:
    user: User
    open_leads: int
    capacity: int | None
    own_capacity: bool
    away_now: bool
    away: list[AwayPeriod]


def sellers() -> QuerySet[User]:
    """Everyone who can be given leads: active users in sales by role or by team."""
    return (
        User.objects.select_related("team")
        .filter(is_active=True)
        .filter(Q(role=Role.SALES) | Q(team__kind=TeamKind.SALES))
        .order_by("team__name", "email")
    )


def reps_overview(*, at: dt.datetime | None = None) -> list[RepRow]:
    at = at or timezone.now()
    users = list(
        sellers()
        .select_related("routing_capacity")
        .annotate(
            open_leads=Count(
                "owned_contacts", filter=Q(owned_contacts__lifecycle_stage__in=OPEN_STAGES)
            )
        )
    )
    default = routing_settings().default_capacity
    away_now = away_users(users, at)
    periods: dict[int, list[AwayPeriod]] = {}
    upcoming = AwayPeriod.objects.filter(
        user__in=users, last_day__gte=at.date() - dt.timedelta(days=1)
    )
    for period in upcoming:
        periods.setdefault(period.user_id, []).append(period)
    rows = []
    for user in users:
        own = getattr(user, "routing_capacity", None)
        rows.append(
            RepRow(
                user=user,
                open_leads=user.open_leads,  # type: ignore[attr-defined]
                capacity=own.capacity if own else default,
                own_capacity=own is not None,
                away_now=user.pk in away_now,
                away=periods.get(user.pk, []),
            )
        )
    return rows


def route_preview(*, contact: Contact, at: dt.datetime | None = None) -> Choice | None:
    """Who the rules would give `contact` now, and why, without writing anything."""
    fresh = contact_for_routing(contact.pk, lock=False)
    return owner_choose(contact=fresh, at=at or timezone.now(), commit=False)


def user_label(user: Any) -> str:
    return f"{user.display_name} <{user.email}>" if user is not None else "—"
