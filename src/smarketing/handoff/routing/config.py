"""Setting routing up: the ordered rules, regions, fallback, reps' capacity and away days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from smarketing.errors import InvalidInput, fields_check, full_clean
from smarketing.handoff.routing.match import countries_parse, words_parse
from smarketing.handoff.routing.models import (
    AwayPeriod,
    Region,
    RepCapacity,
    RoundRobinPointer,
    RoutingRule,
    RoutingSettings,
    RuleKind,
)
from smarketing.org.models import TeamKind, User

RULE_FIELDS = frozenset(
    {
        "name",
        "kind",
        "position",
        "active",
        "countries",
        "region",
        "industries",
        "employees_min",
        "employees_max",
        "user",
        "team",
    }
)


def _lists_normalize(fields: dict[str, Any]) -> None:
    try:
        if fields.get("countries") is not None:
            fields["countries"] = countries_parse(fields["countries"])
    except ValueError as exc:
        raise InvalidInput(str(exc), field="countries") from None
    if fields.get("industries") is not None:
        fields["industries"] = words_parse(fields["industries"])
    for name in ("countries", "industries"):
        if name in fields and fields[name] is None:
            fields[name] = []


def _rule_check(rule: RoutingRule) -> None:
    """The shape each kind of rule must have; every problem named under its field."""
    errors: dict[str, list[str]] = {}
    has_conditions = bool(
        rule.countries
        or rule.region_id
        or rule.industries
        or rule.employees_min is not None
        or rule.employees_max is not None
    )
    if rule.kind == RuleKind.OWNER:
        if has_conditions:
            errors["kind"] = ["an existing-owner rule takes no conditions"]
        if rule.user_id or rule.team_id:
            errors["user"] = ["an existing-owner rule points at nobody: it keeps the owner"]
    elif rule.kind == RuleKind.TERRITORY:
        if not has_conditions:
            errors["countries"] = [
                "a territory needs a condition (countries, region, industries or company size)"
            ]
        if bool(rule.user_id) == bool(rule.team_id):
            errors["user"] = ["a territory points at a user or at a team (round robin), not both"]
    elif rule.kind == RuleKind.ROUND_ROBIN:
        if not rule.team_id:
            errors["team"] = ["round robin needs a team"]
        if rule.user_id:
            errors["user"] = ["round robin takes turns in a team; leave the user empty"]
    if rule.team is not None and rule.team.kind != TeamKind.SALES:
        errors.setdefault("team", []).append(f"{rule.team.name} is not a sales team")
    if rule.user is not None and not rule.user.is_active:
        errors.setdefault("user", []).append(f"{rule.user.email} is not active")
    low, high = rule.employees_min, rule.employees_max
    if low is not None and high is not None and low > high:
        errors["employees_max"] = [f"the largest size ({high}) is below the smallest ({low})"]
    if errors:
        raise InvalidInput(errors)


def _place(rule: RoutingRule, position: int | None) -> None:
    """Put `rule` at `position` (1 = first; None or past the end = last) and renumber 1..n."""
    others = list(RoutingRule.objects.exclude(pk=rule.pk).order_by("position", "id"))
    index = len(others) if position is None else max(0, min(position - 1, len(others)))
    others.insert(index, rule)
    for number, item in enumerate(others, start=1):
        if item.position != number or item.pk == rule.pk:
            RoutingRule.objects.filter(pk=item.pk).update(position=number)
            item.position = number


def _saved(
    rule: RoutingRule, *, position: int | None, by_user: Any, at: dt.datetime | None
) -> RoutingRule:
    rule.updated_at = at or timezone.now()
    rule.updated_by = by_user
    rule.name = (rule.name or "").strip() or (rule.team.name if rule.team else "")
    _rule_check(rule)
    full_clean(rule, exclude=["position", "updated_by"])
    rule.save()
    _place(rule, position)
    if rule.team is not None:
        RoundRobinPointer.objects.get_or_create(team=rule.team)
    return rule


@transaction.atomic
def rule_create(
    *, by_user: Any = None, at: dt.datetime | None = None, **fields: Any
) -> RoutingRule:
    """A new rule, last in the order unless `position` is given (1 = first); `at` dates it
    (the demo writes a past year)."""
    fields_check(fields, RULE_FIELDS, what="a routing rule setting")
    _lists_normalize(fields)
    position = fields.pop("position", None)
    return _saved(RoutingRule(**fields), position=position, by_user=by_user, at=at)


@transaction.atomic
def rule_update(
    *, rule: RoutingRule, by_user: Any = None, at: dt.datetime | None = None, **fields: Any
) -> RoutingRule:
    fields_check(fields, RULE_FIELDS, what="a routing rule setting")
    _lists_normalize(fields)
    position = fields.pop("position", rule.position)
    for name, value in fields.items():
        setattr(rule, name, value)
    return _saved(rule, position=position, by_user=by_user, at=at)


@transaction.atomic
def rule_move(*, rule: RoutingRule, by: int, by_user: Any = None) -> RoutingRule:
    """Move a rule `by` places (-1 = one earlier)."""
    return rule_update(rule=rule, by_user=by_user, position=max(1, rule.position + by))


@transaction.atomic
def rule_delete(*, rule: RoutingRule) -> None:
    rule.delete()
    for number, pk in enumerate(
        RoutingRule.objects.order_by("position", "id").values_list("pk", flat=True), start=1
    ):
        RoutingRule.objects.filter(pk=pk).update(position=number)


def region_create(*, name: str, countries: str | list[str]) -> Region:
    name = name.strip()
    if not name:
        raise InvalidInput("a region needs a name", field="name")
    if Region.objects.filter(name__iexact=name).exists():
        raise InvalidInput(f"a region named {name} already exists", field="name")
    try:
        codes = countries_parse(countries)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="countries") from None
    if not codes:
        raise InvalidInput("a region lists at least one country", field="countries")
    return Region.objects.create(name=name, countries=codes)


def region_delete(*, region: Region) -> None:
    if region.rules.exists():
        names = ", ".join(r.name for r in region.rules.all())
        raise InvalidInput(f"rules still use region {region.name}: {names}", field="region")
    region.delete()


def settings_update(**fields: Any) -> RoutingSettings:
    """Change the fallback user and the default capacity (None clears either)."""
    fields_check(fields, {"fallback_user", "default_capacity"}, what="a routing setting")
    user = fields.get("fallback_user")
    if user is not None and not user.is_active:
        raise InvalidInput(f"{user.email} is not active", field="fallback_user")
    if (fields.get("default_capacity") or 0) < 0:
        raise InvalidInput("a capacity is 0 or more", field="default_capacity")
    settings, _ = RoutingSettings.objects.get_or_create(pk=1)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def capacity_set(*, user: User, capacity: int | None) -> RepCapacity | None:
    """A rep's own limit of open MQLs and SALs; None returns them to the default."""
    if capacity is None:
        RepCapacity.objects.filter(user=user).delete()
        return None
    if capacity < 0:
        raise InvalidInput("a capacity is 0 or more", field="capacity")
    row, _ = RepCapacity.objects.update_or_create(user=user, defaults={"capacity": capacity})
    return row


def away_create(
    *, user: User, first_day: dt.date, last_day: dt.date, note: str = "", by_user: Any = None
) -> AwayPeriod:
    if last_day < first_day:
        raise InvalidInput(
            f"the last day ({last_day}) is before the first ({first_day})", field="last_day"
        )
    return AwayPeriod.objects.create(
        user=user, first_day=first_day, last_day=last_day, note=note.strip(), created_by=by_user
    )


def away_delete(*, period: AwayPeriod) -> None:
    period.delete()
