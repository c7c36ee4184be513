"""/api/routing (the rules, regions, reps, settings and a dry run) and
/api/contacts/{id}/assignments (the history, and reassignment by hand)."""
# Annotations stay evaluated (no __future__ import): @paginate hides this module from Ninja.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from smarketing.handoff.models import Assignment
from smarketing.handoff.routing import config, queries, services
from smarketing.handoff.routing.choose import routing_settings
from smarketing.handoff.routing.models import AwayPeriod, Region, RoutingRule
from smarketing.handoff.routing.schemas import (
    AssignmentIn,
    AssignmentOut,
    AwayIn,
    AwayOut,
    PreviewOut,
    RegionIn,
    RegionOut,
    RepOut,
    RepPatch,
    RuleIn,
    RuleOut,
    RulePatch,
    SettingsOut,
    SettingsPatch,
)
from smarketing.org.api import active_users, get_or_404, ids_resolve
from smarketing.org.models import Team, TeamKind
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS, Pagination
from smarketing.people.queries import contacts_visible_to

router = Router(tags=["routing"])
assignments_router = Router(tags=["routing"])


def _rule_out(rule: RoutingRule) -> dict[str, Any]:
    fields = {name: getattr(rule, name) for name in RuleOut.model_fields if hasattr(rule, name)}
    fields["conditions"] = queries.rule_conditions_text(rule)
    fields["target"] = queries.rule_target_text(rule)
    return fields


def _rule_refs() -> dict[str, Any]:
    return {
        "region_id": ("region", Region.objects.all(), "region"),
        "user_id": ("user", active_users(), "active user"),
        "team_id": ("team", Team.objects.filter(kind=TeamKind.SALES), "sales team"),
    }


def _rule_get(rule_id: int) -> RoutingRule:
    return get_or_404(queries.rules_ordered(), rule_id, "routing rule")


@router.get("/rules", response={200: list[RuleOut], **ERRORS}, summary="The rules, in order")
def rule_list(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "contact.view")
    return [_rule_out(r) for r in queries.rules_ordered()]


@router.post("/rules", response={201: RuleOut, **WRITE_ERRORS}, summary="Add a routing rule")
def rule_create(request: HttpRequest, payload: RuleIn) -> Status[dict[str, Any]]:
    require(request.user, "routing.change")
    fields = payload.model_dump()
    ids_resolve(fields, _rule_refs())
    rule = config.rule_create(by_user=request.user, **fields)
    return Status(201, _rule_out(_rule_get(rule.pk)))


@router.patch(
    "/rules/{rule_id}", response={200: RuleOut, **WRITE_ERRORS}, summary="Change a routing rule"
)
def rule_update(request: HttpRequest, rule_id: int, payload: RulePatch) -> dict[str, Any]:
    require(request.user, "routing.change")
    rule = _rule_get(rule_id)
    fields = payload.model_dump(exclude_unset=True)
    ids_resolve(fields, _rule_refs())
    config.rule_update(rule=rule, by_user=request.user, **fields)
    return _rule_out(_rule_get(rule.pk))


@router.delete("/rules/{rule_id}", response={204: None, **ERRORS}, summary="Remove a rule")
def rule_delete(request: HttpRequest, rule_id: int) -> Status[None]:
    require(request.user, "routing.change")
    config.rule_delete(rule=_rule_get(rule_id))
    return Status(204, None)


@router.get("/regions", response={200: list[RegionOut], **ERRORS}, summary="Named country lists")
def region_list(request: HttpRequest) -> QuerySet[Region]:
    require(request.user, "contact.view")
    return queries.regions_all()


@router.post("/regions", response={201: RegionOut, **WRITE_ERRORS}, summary="Name a region")
def region_create(request: HttpRequest, payload: RegionIn) -> Status[Region]:
    require(request.user, "routing.change")
    return Status(201, config.region_create(name=payload.name, countries=payload.countries))


@router.delete(
    "/regions/{region_id}", response={204: None, **WRITE_ERRORS}, summary="Remove a region"
)
def region_delete(request: HttpRequest, region_id: int) -> Status[None]:
    require(request.user, "routing.change")
    config.region_delete(region=get_or_404(Region.objects.all(), region_id, "region"))
    return Status(204, None)


@router.get("/settings", response={200: SettingsOut, **ERRORS}, summary="Fallback and capacity")
def settings_get(request: HttpRequest) -> Any:
    require(request.user, "contact.view")
    return routing_settings()


@router.patch(
    "/settings", response={200: SettingsOut, **WRITE_ERRORS}, summary="Change fallback, capacity"
)
def settings_update(request: HttpRequest, payload: SettingsPatch) -> Any:
    require(request.user, "routing.change")
    fields = payload.model_dump(exclude_unset=True)
    ids_resolve(fields, {"fallback_user_id": ("fallback_user", active_users(), "active user")})
    return config.settings_update(**fields)


def _rep_out(row: queries.RepRow) -> dict[str, Any]:
    return {
        "user_id": row.user.pk,
        "email": row.user.email,
        "team": row.user.team.name if row.user.team else None,
        "open_leads": row.open_leads,
        "capacity": row.capacity,
        "own_capacity": row.own_capacity,
        "away_now": row.away_now,
        "away": row.away,
    }


@router.get(
    "/reps",
    response={200: list[RepOut], **ERRORS},
    summary="Who takes leads: load, capacity, away days",
)
def rep_list(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "contact.view")
    return [_rep_out(row) for row in queries.reps_overview()]


@router.patch(
    "/reps/{user_id}", response={200: RepOut, **WRITE_ERRORS}, summary="Set a rep's capacity"
)
def rep_update(request: HttpRequest, user_id: int, payload: RepPatch) -> dict[str, Any]:
    require(request.user, "routing.change")
    user = get_or_404(queries.sellers(), user_id, "sales rep")
    config.capacity_set(user=user, capacity=payload.capacity)
    row = next(r for r in queries.reps_overview() if r.user.pk == user.pk)
    return _rep_out(row)


@router.post("/away", response={201: AwayOut, **WRITE_ERRORS}, summary="Add a rep's away days")
def away_create(request: HttpRequest, payload: AwayIn) -> Status[AwayPeriod]:
    require(request.user, "routing.change")
    fields = payload.model_dump()
    ids_resolve(fields, {"user_id": ("user", queries.sellers(), "sales rep")})
    return Status(201, config.away_create(by_user=request.user, **fields))


@router.delete("/away/{away_id}", response={204: None, **ERRORS}, summary="Remove away days")
def away_delete(request: HttpRequest, away_id: int) -> Status[None]:
    require(request.user, "routing.change")
    config.away_delete(period=get_or_404(AwayPeriod.objects.all(), away_id, "away period"))
    return Status(204, None)


class PreviewQuery(Schema):
    contact_id: int


@router.get(
    "/test",
    response={200: PreviewOut, **ERRORS},
    summary="Who the rules would give a contact now (writes nothing)",
)
def route_test(request: HttpRequest, query: Query[PreviewQuery]) -> dict[str, Any]:
    require(request.user, "contact.view")
    contact = get_or_404(contacts_visible_to(request.user), query.contact_id, "contact")
    choice = queries.route_preview(contact=contact)
    return {
        "contact_id": contact.pk,
        "owner_id": choice.owner.pk if choice else None,
        "owner_email": choice.owner.email if choice else None,
        "rule": choice.rule if choice else None,
        "steps": choice.steps if choice else [],
    }


@assignments_router.get(
    "/contacts/{contact_id}/assignments",
    response={200: list[AssignmentOut], **ERRORS},
    summary="A contact's owners over time, newest first",
)
@paginate(Pagination)
def assignment_list(request: HttpRequest, contact_id: int) -> QuerySet[Assignment]:
    require(request.user, "contact.view")
    contact = get_or_404(contacts_visible_to(request.user), contact_id, "contact")
    return queries.assignments_of(contact)


@assignments_router.post(
    "/contacts/{contact_id}/assignments",
    response={201: AssignmentOut, **WRITE_ERRORS},
    summary="Give a contact to another owner by hand",
)
def assignment_create(
    request: HttpRequest, contact_id: int, payload: AssignmentIn
) -> Status[Assignment]:
    require(request.user, "contact.assign")
    contact = get_or_404(contacts_visible_to(request.user), contact_id, "contact")
    fields = payload.model_dump()
    ids_resolve(fields, {"owner_id": ("owner", active_users(), "active user")})
    assignment = services.contact_reassign(
        contact=contact, owner=fields["owner"], by_user=request.user, note=fields["note"]
    )
    return Status(201, queries.assignments_of(contact).get(pk=assignment.pk))
