"""/api/events/rejected, /api/sources and /api/contacts/{id}/timeline: read-only views of events.

Write keys authenticate only the tracking API (/v1/*); these endpoints take a person's token or
session like the rest of /api, so a write key can never read through them.
"""
# Annotations stay evaluated (no __future__ import): @paginate hides this module from Ninja.

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from smarketing.events import queries
from smarketing.events.models import RejectedEvent, WriteKey
from smarketing.events.schemas import (
    RejectedFilters,
    RejectedOut,
    SourceOut,
    TimelineFilters,
    TimelineItemOut,
)
from smarketing.org.api import get_or_404
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, Pagination
from smarketing.people.queries import contacts_visible_to
from smarketing.people.timeline import TimelineItem, contact_timeline

router = Router()


@router.get(
    "/events/rejected",
    response={200: list[RejectedOut], **ERRORS},
    summary="Events that were not accepted, newest first, each with why",
    tags=["events"],
)
@paginate(Pagination)
def rejected_list(request: HttpRequest, filters: Query[RejectedFilters]) -> QuerySet[RejectedEvent]:
    require(request.user, "events.view")
    return queries.rejected_filter(
        queries.rejected_visible_to(request.user), source_id=filters.source_id
    )


@router.get(
    "/sources",
    response={200: list[SourceOut], **ERRORS},
    summary="The sources sending events (write keys, never the keys) and their counts",
    tags=["events"],
)
@paginate(Pagination)
def source_list(request: HttpRequest) -> QuerySet[WriteKey]:
    require(request.user, "events.view")
    qs = queries.sources_visible_to(request.user)
    return queries.sources_with_counts(qs, now=timezone.now()).order_by("name", "id")


@router.get(
    "/contacts/{contact_id}/timeline",
    response={200: list[TimelineItemOut], **ERRORS},
    summary="A contact's touchpoints, activities, stage moves and deals, newest first",
    tags=["contacts"],
)
def contact_timeline_get(
    request: HttpRequest, contact_id: int, filters: Query[TimelineFilters]
) -> list[TimelineItem]:
    require(request.user, "contact.view")
    contact = get_or_404(contacts_visible_to(request.user), contact_id, "contact")
    return contact_timeline(contact=contact, limit=filters.limit)
