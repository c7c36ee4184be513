"""Lifecycle over HTTP: move a contact, read its history, read the stages and reasons."""
# Annotations stay evaluated (no __future__ import): @paginate hides this module from Ninja.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from smarketing.lifecycle import services
from smarketing.lifecycle.models import StageTransition, TransitionReason
from smarketing.lifecycle.schemas import (
    ReasonFilters,
    ReasonOut,
    StagesOut,
    TransitionIn,
    TransitionOut,
)
from smarketing.lifecycle.stages import ALLOWED, REASON_KINDS, Stage, funnel_index
from smarketing.org.api import get_or_404
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS, Pagination
from smarketing.people.queries import contacts_visible_to

router = Router(tags=["lifecycle"])


@router.post(
    "/contacts/{contact_id}/transitions",
    response={201: TransitionOut, **WRITE_ERRORS},
    summary="Move a contact to another lifecycle stage",
    description="Recycling or disqualifying needs a `reason` code of a fitting kind.",
)
def transition_create(
    request: HttpRequest, contact_id: int, payload: TransitionIn
) -> Status[StageTransition]:
    require(request.user, "contact.transition")
    contact = get_or_404(contacts_visible_to(request.user), contact_id, "contact")
    row = services.stage_transition(
        contact=contact,
        to_stage=payload.to_stage,
        by_user=request.user,
        reason=payload.reason or None,
        note=payload.note,
    )
    return Status(201, row)


@router.get(
    "/contacts/{contact_id}/transitions",
    response={200: list[TransitionOut], **ERRORS},
    summary="A contact's stage history, newest first",
)
@paginate(Pagination)
def transition_list(request: HttpRequest, contact_id: int) -> QuerySet[StageTransition]:
    require(request.user, "contact.view")
    contact = get_or_404(contacts_visible_to(request.user), contact_id, "contact")
    return (
        StageTransition.objects.filter(contact=contact)
        .select_related("by_user", "reason")
        .order_by("-at", "-id")
    )


@router.get(
    "/lifecycle/reasons",
    response={200: list[ReasonOut], **ERRORS},
    summary="The agreed reasons for recycling, disqualifying and rejecting",
)
def reason_list(request: HttpRequest, filters: Query[ReasonFilters]) -> QuerySet[TransitionReason]:
    require(request.user, "contact.view")
    qs = TransitionReason.objects.filter(active=True)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("kind", "label")


def _sorted(stages: frozenset[Any]) -> list[str]:
    order = list(Stage)
    return [s.value for s in sorted(stages, key=order.index)]


@router.get(
    "/lifecycle/stages",
    response={200: StagesOut, **ERRORS},
    summary="The stages in funnel order and the moves allowed from each",
)
def stage_list(request: HttpRequest) -> dict[str, Any]:
    require(request.user, "contact.view")
    stages = [
        {
            "value": stage.value,
            "label": stage.label,
            "funnel_position": funnel_index(stage),
            "next_stages": _sorted(ALLOWED[stage]),
            "reason_kinds": sorted(REASON_KINDS.get(stage, frozenset())),
        }
        for stage in Stage
    ]
    return {"initial_stages": _sorted(ALLOWED[None]), "stages": stages}
