"""Choosing the owner of a lead by the routing rules: the read side of routing, plus the one
write it needs (advancing a team's round-robin pointer under its row lock)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Count

from smarketing.handoff.routing.match import (
    Conditions,
    Lead,
    conditions_match,
    is_away,
    next_in_turn,
)
from smarketing.handoff.routing.models import (
    AwayPeriod,
    RepCapacity,
    RoundRobinPointer,
    RoutingRule,
    RoutingSettings,
    RuleKind,
)
from smarketing.lifecycle.stages import Stage
from smarketing.org.models import Role, Team, TeamKind, User
from smarketing.people.models import Contact

# A rep's open leads: the ones sales has and still has to work.
OPEN_STAGES = (Stage.MQL.value, Stage.SAL.value)

_T = TypeVar("_T")
_kept_config: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar(
    "routing_config", default=None
)


@contextlib.contextmanager
def routing_config_kept() -> Iterator[None]:
    """Within it, routing reads its configuration once: the settings, the active rules, each
    team's reps and leader, the sales teams. For routing many leads in one transaction (the new
    MQLs of an event batch), where those reads were a third of each lead's routing. What each
    assignment changes (round-robin turns, reps' open leads) and days away are still read for
    every lead."""
    if _kept_config.get() is not None:
        yield
        return
    token = _kept_config.set({})
    try:
        yield
    finally:
        _kept_config.reset(token)


def _kept(key: Any, load: Callable[[], _T]) -> _T:
    kept = _kept_config.get()
    if kept is None:
        return load()
    if key not in kept:
        kept[key] = load()
    return kept[key]  # type: ignore[no-any-return]


@dataclass
class Choice:
    """The owner chosen, the text Assignment.rule records, and how the rules got there."""

    owner: User
    rule: str
    steps: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What every rule looks at for one lead at one moment."""

    contact: Contact
    at: dt.datetime
    commit: bool
    settings: RoutingSettings
    steps: list[str] = field(default_factory=list)
    last_team: Team | None = None


def routing_settings() -> RoutingSettings:
    found = RoutingSettings.objects.select_related("fallback_user").filter(pk=1).first()
    return found or RoutingSettings(pk=1)


def lead_facts(contact: Contact) -> Lead:
    account = contact.account
    country = (account.country if account else "") or contact.country
    return Lead(
        country=country or "",
        industry=account.industry if account else "",
        employees=account.employees if account else None,
    )


def rule_conditions(rule: RoutingRule) -> Conditions:
    countries = set(rule.countries or [])
    if rule.region is not None:
        countries |= set(rule.region.countries or [])
    return Conditions(
        countries=frozenset(countries),
        industries=frozenset(rule.industries or []),
        employees_min=rule.employees_min,
        employees_max=rule.employees_max,
    )


def takes_leads(user: User | None) -> bool:
    """Who may own an MQL: an active user in sales (by role or by team)."""
    if user is None or not user.is_active:
        return False
    return user.role == Role.SALES or (user.team is not None and user.team.kind == TeamKind.SALES)


def local_day(user: User, at: dt.datetime) -> dt.date:
    name = user.team.timezone if user.team is not None else "UTC"
    return at.astimezone(zoneinfo.ZoneInfo(name)).date()


def away_users(users: Iterable[User], at: dt.datetime) -> set[int]:
    """Those of `users` away on their own local day at `at`."""
    users = list(users)
    if not users:
        return set()
    # A day either side covers every time zone; each rep's own day is checked below.
    day = at.date()
    periods: dict[int, list[tuple[dt.date, dt.date]]] = {}
    rows = AwayPeriod.objects.filter(
        user_id__in=[u.pk for u in users],
        first_day__lte=day + dt.timedelta(days=1),
        last_day__gte=day - dt.timedelta(days=1),
    ).values_list("user_id", "first_day", "last_day")
    for user_id, first, last in rows:
        periods.setdefault(user_id, []).append((first, last))
    return {u.pk for u in users if is_away(periods.get(u.pk, []), local_day(u, at))}


def over_capacity(
    users: Iterable[User], *, settings: RoutingSettings, contact: Contact
) -> set[int]:
    """Those of `users` holding as many open leads as their limit (the lead being routed aside)."""
    users = list(users)
    limits = dict(
        RepCapacity.objects.filter(user_id__in=[u.pk for u in users]).values_list(
            "user_id", "capacity"
        )
    )
    limited = {
        u.pk: limits.get(u.pk, settings.default_capacity)
        for u in users
        if limits.get(u.pk, settings.default_capacity) is not None
    }
    if not limited:
        return set()
    counts = dict(
        Contact.objects.filter(owner_id__in=list(limited), lifecycle_stage__in=OPEN_STAGES)
        .exclude(pk=contact.pk)
        .values("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
    )
    return {pk for pk, limit in limited.items() if counts.get(pk, 0) >= limit}


def unavailable(users: list[User], ctx: Context) -> dict[int, str]:
    """Why each unavailable one of `users` cannot take the lead now."""
    why: dict[int, str] = {u.pk: "inactive" for u in users if not u.is_active}
    active = [u for u in users if u.is_active]
    for pk in away_users(active, ctx.at):
        why[pk] = "away"
    for pk in over_capacity(
        [u for u in active if u.pk not in why], settings=ctx.settings, contact=ctx.contact
    ):
        why[pk] = "at capacity"
    return why


def _existing_owner(ctx: Context) -> Choice | None:
    account = ctx.contact.account
    candidates = [("account owner", account.owner if account else None)]
    candidates.append(("contact owner", ctx.contact.owner))
    for label, user in candidates:
        if user is None:
            continue
        if not takes_leads(user):
            why = "inactive" if not user.is_active else "not in sales"
            ctx.steps.append(f"{label} {user.email}: {why}")
            continue
        if away_users([user], ctx.at):
            ctx.steps.append(f"{label} {user.email}: away")
            continue
        return Choice(owner=user, rule=label)
    return None


def _pointer_locked(team: Team) -> RoundRobinPointer:
    """The team's pointer under a row lock held to the end of the transaction."""
    try:
        with transaction.atomic():
            RoundRobinPointer.objects.get_or_create(team=team)
    except IntegrityError:
        pass  # another worker created it between our read and insert: lock theirs
    return RoundRobinPointer.objects.select_for_update().get(team=team)


def team_members(team: Team) -> list[User]:
    """Who takes turns in a team: its active members with the sales role."""
    return list(
        User.objects.select_related("team").filter(team=team, is_active=True, role=Role.SALES)
    )


def _round_robin(team: Team, label: str, ctx: Context) -> Choice | None:
    ctx.last_team = team
    members = _kept(("members", team.pk), lambda: team_members(team))
    if not members:
        ctx.steps.append(f"{label}: {team.name} has no active sales reps")
        return None
    why = unavailable(members, ctx)
    available = {m.pk for m in members} - set(why)
    if ctx.commit:
        pointer = _pointer_locked(team)
    else:
        pointer = RoundRobinPointer.objects.filter(team=team).first() or RoundRobinPointer()
    chosen = next_in_turn([m.pk for m in members], last=pointer.last_user_id, available=available)
    if chosen is None:
        skipped = ", ".join(f"{m.email} ({why[m.pk]})" for m in members)
        ctx.steps.append(f"{label}: nobody available in {team.name}: {skipped}")
        return None
    if ctx.commit:
        RoundRobinPointer.objects.filter(pk=pointer.pk).update(
            last_user_id=chosen, turns=pointer.turns + 1
        )
    owner = next(m for m in members if m.pk == chosen)
    return Choice(owner=owner, rule=label)


def _rule_apply(rule: RoutingRule, lead: Lead, ctx: Context) -> Choice | None:
    if rule.kind == RuleKind.OWNER:
        return _existing_owner(ctx)
    label = f"{'territory' if rule.kind == RuleKind.TERRITORY else 'round robin'}: {rule.name}"
    if not conditions_match(rule_conditions(rule), lead):
        ctx.steps.append(f"{label}: conditions not met")
        return None
    if rule.user is not None:
        if not takes_leads(rule.user):
            ctx.steps.append(f"{label}: {rule.user.email} is inactive or not in sales")
            return None
        why = unavailable([rule.user], ctx)
        if why:
            ctx.steps.append(f"{label}: {rule.user.email} is {why[rule.user.pk]}")
            return None
        return Choice(owner=rule.user, rule=label)
    if rule.team is not None:
        return _round_robin(rule.team, label, ctx)
    return None


def team_leader(team: Team | None) -> User | None:
    if team is None:
        return None
    return (
        User.objects.select_related("team")
        .filter(team=team, role=Role.LEADER, is_active=True)
        .order_by("pk")
        .first()
    )


def _fallback(ctx: Context) -> Choice | None:
    configured = ctx.settings.fallback_user
    if configured is not None and configured.is_active:
        return Choice(owner=configured, rule=f"fallback: {configured.email}")
    last = ctx.last_team
    leader = _kept(("leader", last.pk if last else None), lambda: team_leader(last))
    if leader is None:
        first_sales = _kept(
            "sales teams",
            lambda: list(Team.objects.filter(kind=TeamKind.SALES).order_by("name", "pk")),
        )
        for team in first_sales:
            leader = _kept(("leader", team.pk), lambda team=team: team_leader(team))
            if leader is not None:
                break
    if leader is None:
        return None
    return Choice(owner=leader, rule=f"fallback: leader of {leader.team}")


def owner_choose(*, contact: Contact, at: dt.datetime, commit: bool) -> Choice | None:
    """The owner the rules give `contact` at `at`, or None when there is nobody at all (no
    active fallback user and no active sales team leader). With `commit`, the round-robin turn
    taken is recorded; without, nothing is written (`routing test`)."""
    ctx = Context(
        contact=contact, at=at, commit=commit, settings=_kept("settings", routing_settings)
    )
    lead = lead_facts(contact)
    rules = _kept("rules", _active_rules)
    for rule in rules:
        choice = _rule_apply(rule, lead, ctx)
        if choice is not None:
            choice.steps = ctx.steps
            return choice
    choice = _fallback(ctx)
    if choice is not None:
        choice.steps = ctx.steps
    return choice


def _active_rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(active=True).select_related(
            "region", "team", "user", "user__team"
        )
    )


def contact_for_routing(contact_id: int, *, lock: bool) -> Contact:
    found = contacts_for_routing([contact_id], lock=lock)
    if not found:
        raise Contact.DoesNotExist(f"no contact {contact_id}")
    return found[0]


def contacts_for_routing(contact_ids: Sequence[int], *, lock: bool) -> list[Contact]:
    """The contacts (those that exist) in id order, with the owners and teams routing reads,
    in one query; with `lock`, each row locked to the end of the transaction, in id order so
    that two workers cannot deadlock. Contacts of one account share one Account object: an
    owner given to the account while routing one of them is seen by the next."""
    qs = Contact.objects.filter(pk__in=contact_ids).order_by("pk")
    if lock:
        qs = qs.select_for_update(of=("self",))
    # The owners' teams are read for their time zones and whether they are in sales.
    found = list(qs.select_related("account__owner__team", "owner__team"))
    accounts: dict[int, Any] = {}
    for contact in found:
        if contact.account_id is not None:
            contact.account = accounts.setdefault(contact.account_id, contact.account)
    return found
