"""/api/activities: parse, check the role, call handoff.services, render."""
# Annotations stay evaluated (no __future__ import): @paginate hides this module from Ninja.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from smarketing.deals.queries import deals_visible_to
from smarketing.handoff import services
from smarketing.handoff.models import Activity
from smarketing.handoff.queries import activities_filter, activities_visible_to
from smarketing.handoff.schemas import ActivityFilters, ActivityIn, ActivityOut, ActivityPatch
from smarketing.org.api import active_users, fields_named, get_or_404, ids_resolve
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS, Pagination
from smarketing.people.queries import contacts_visible_to

router = Router(tags=["activities"])

ACTIVITY_NAMES = {"contact": "contact_id", "deal": "deal_id", "user": "user_id"}


def _refs(user: Any) -> dict[str, tuple[str, QuerySet[Any], str]]:
    return {
        "contact_id": ("contact", contacts_visible_to(user), "contact"),
        "deal_id": ("deal", deals_visible_to(user), "deal"),
        "user_id": ("user", active_users(), "user"),
    }


@router.get("", response={200: list[ActivityOut], **ERRORS}, summary="List activities")
@paginate(Pagination)
def activity_list(request: HttpRequest, filters: Query[ActivityFilters]) -> QuerySet[Activity]:
    require(request.user, "activity.view")
    params = filters.model_dump()
    params["kind"] = params["kind"] or ""
    return activities_filter(activities_visible_to(request.user), **params)


@router.get("/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="One activity")
def activity_get(request: HttpRequest, activity_id: int) -> Activity:
    require(request.user, "activity.view")
    return get_or_404(activities_visible_to(request.user), activity_id, "activity")


@router.post("", response={201: ActivityOut, **WRITE_ERRORS}, summary="Log an activity")
def activity_create(request: HttpRequest, payload: ActivityIn) -> Status[Activity]:
    require(request.user, "activity.change")
    fields = payload.model_dump()
    if fields["user_id"] is None:
        fields["user_id"] = request.user.pk
    if fields["occurred_at"] is None:
        del fields["occurred_at"]  # the model's default: now
    ids_resolve(fields, _refs(request.user))
    with fields_named(ACTIVITY_NAMES):
        activity = services.activity_create(**fields)
    return Status(201, get_or_404(activities_visible_to(request.user), activity.pk, "activity"))


@router.patch(
    "/{activity_id}", response={200: ActivityOut, **WRITE_ERRORS}, summary="Change an activity"
)
def activity_update(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Activity:
    require(request.user, "activity.change")
    activity = get_or_404(activities_visible_to(request.user), activity_id, "activity")
    fields = payload.model_dump(exclude_unset=True)
    ids_resolve(fields, _refs(request.user))
    with fields_named(ACTIVITY_NAMES):
        services.activity_update(activity=activity, **fields)
    return get_or_404(activities_visible_to(request.user), activity.pk, "activity")
