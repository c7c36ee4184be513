"""/api/definitions: the qualification definition's versions, drafts and sign-off; and
/api/contacts/{id}/score: a contact's scores under the live version, explained."""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from smarketing.org.api import get_or_404
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS
from smarketing.people.queries import contacts_visible_to
from smarketing.scoring import queries, services
from smarketing.scoring.models import DefinitionVersion
from smarketing.scoring.preview import definition_read, preview_contact, score_dict
from smarketing.scoring.preview_schemas import PreviewIn, PreviewOut
from smarketing.scoring.schemas import (
    ContactScoreOut,
    DefinitionIn,
    DefinitionTextIn,
    VersionDetailOut,
    VersionOut,
)
from smarketing.scoring.scores import contact_score

router = Router(tags=["definitions"])
# Mounted at "/" beside the people app's /contacts router, as events does for the timeline.
scores_router = Router(tags=["contacts"])


def _version(number: int) -> DefinitionVersion:
    services.definition_live()  # a new install shows its shipped default as version 1
    version = queries.version_by_number(number)
    if version is None:
        raise HttpError(404, f"definition version {number} not found")
    return version


def _out(version: DefinitionVersion, *, detail: bool) -> dict[str, Any]:
    state = queries.sign_off(version)
    out: dict[str, Any] = {
        "number": version.number,
        "status": version.status,
        "revision": version.revision,
        "created_by_id": version.created_by_id,
        "created_at": version.created_at,
        "updated_at": version.updated_at,
        "proposed_at": version.proposed_at,
        "went_live_at": version.went_live_at,
        "retired_at": version.retired_at,
        "sign_off": state.describe(version),
        "approvals": [
            {
                "user_id": a.user_id,
                "user_email": a.user.email,
                "team_kind": a.team_kind,
                "revision": a.revision,
                "at": a.at,
                "counts": a.revision == version.revision,
            }
            for a in version.approvals.all()
        ],
    }
    if detail:
        out["text"] = version.text
        out["changes"] = [
            {
                "action": c.action.value,
                "section": c.section,
                "item_id": c.item_id,
                "group": c.group,
                "label": c.label,
                "description": c.describe(),
            }
            for c in queries.definition_changes(version)
        ]
    return out


def _detail(number: int) -> dict[str, Any]:
    return _out(_version(number), detail=True)


@router.get("", response={200: list[VersionOut], **ERRORS}, summary="List definition versions")
def version_list(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "definition.view")
    services.definition_live()
    return [_out(v, detail=False) for v in queries.versions_list()]


# Before "/{number}", which would otherwise take "preview" for a number.
@router.post(
    "/preview",
    response={200: PreviewOut, **WRITE_ERRORS},
    summary="Preview a contact's scores under an edited definition",
    description="The contact scored with the definition given (YAML `text` or plain-data "
    "`definition`; nothing is saved) and with the live version, each in the shape of "
    "GET /api/contacts/{id}/score. A mistake in the definition is a 400 naming its path.",
)
def definition_preview(request: HttpRequest, payload: PreviewIn) -> dict[str, Any]:
    require(request.user, "definition.view")
    contact = get_or_404(contacts_visible_to(request.user), payload.contact, "contact")
    definition = definition_read(text=payload.text, data=payload.definition)
    now = timezone.now()
    preview = preview_contact(definition=definition, contact=contact, now=now)
    assert preview.draft is not None
    # The prediction does not depend on the rules: both sides carry the live one.
    prediction = _prediction_dict(preview.live.prediction)
    return {
        "contact": contact.pk,
        "draft": {**score_dict(preview.draft, version=None, now=now), "prediction": prediction},
        "live": {
            **score_dict(preview.live.result, version=preview.live.version, now=now),
            "prediction": prediction,
        },
    }


@router.get(
    "/{number}",
    response={200: VersionDetailOut, **ERRORS},
    summary="One definition version",
    description="Its YAML text, status, approvals and what it changes against the live version.",
)
def version_get(request: HttpRequest, number: int) -> dict[str, Any]:
    require(request.user, "definition.view")
    return _detail(number)


@router.post(
    "",
    response={201: VersionDetailOut, **WRITE_ERRORS},
    summary="Create a draft",
    description="A YAML error is a 400 naming the line (and for a syntax error the column).",
)
def draft_create(request: HttpRequest, payload: DefinitionIn) -> Status[dict[str, Any]]:
    version = services.definition_draft_create(by_user=request.user, text=payload.text)
    return Status(201, _detail(version.number))


@router.put(
    "/{number}",
    response={200: VersionDetailOut, **WRITE_ERRORS},
    summary="Change a draft",
    description="Only a draft changes; a live or retired version is refused with a 400. "
    "Every change voids the approvals given so far.",
)
def draft_update(request: HttpRequest, number: int, payload: DefinitionTextIn) -> dict[str, Any]:
    require(request.user, "definition.propose")
    services.definition_draft_update(
        version=_version(number), text=payload.text, by_user=request.user
    )
    return _detail(number)


@router.post(
    "/{number}/propose",
    response={200: VersionDetailOut, **WRITE_ERRORS},
    summary="Propose a draft for sign-off",
)
def draft_propose(request: HttpRequest, number: int) -> dict[str, Any]:
    require(request.user, "definition.propose")
    services.definition_propose(version=_version(number), by_user=request.user)
    return _detail(number)


@router.post(
    "/{number}/approve",
    response={200: VersionDetailOut, **WRITE_ERRORS},
    summary="Approve a proposed draft",
    description="For the leader's team kind. The draft goes live once a marketing and a sales "
    "leader have approved its current revision, and every contact is rescored in the "
    "background (GET /api/rescoring-runs). `promote` (query, used by the approval that "
    "publishes): whether contacts that now meet the MQL criteria become MQLs in that run; "
    "otherwise they do at their next activity.",
)
def draft_approve(request: HttpRequest, number: int, promote: bool = False) -> dict[str, Any]:
    require(request.user, "definition.approve")
    services.definition_approve(version=_version(number), user=request.user, promote=promote)
    return _detail(number)


@scores_router.get(
    "/contacts/{contact_id}/score",
    response={200: ContactScoreOut, **ERRORS},
    summary="A contact's scores, explained",
    description="Per score group: fit, engagement, total, grade, whether it is an MQL and by "
    "which criterion, and the rules that gave the points, computed now with the live "
    "definition version.",
)
def contact_score_get(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    require(request.user, "contact.view")
    contact = get_or_404(contacts_visible_to(request.user), contact_id, "contact")
    score = contact_score(contact=contact, now=timezone.now())
    return {
        "contact": contact.pk,
        "definition_version": score.version,
        "computed_at": score.computed_at,
        "groups": [group.to_dict() for group in score.result.groups],
        "prediction": _prediction_dict(score.prediction),
    }


def _prediction_dict(prediction: Any) -> dict[str, Any] | None:
    if prediction is None:
        return None
    return {
        "probability": prediction.probability,
        "model": prediction.model_id,
        "window_days": prediction.window_days,
        "factors": [
            {"name": f.name, "label": f.label, "value": f.value} for f in prediction.factors
        ],
    }
