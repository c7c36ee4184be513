"""/api/leads (sales' decisions and ratings on handed-over leads, the rep's open leads) and
/api/feedback/review (the monthly lead-quality review): parse, check, call, render."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from smarketing.handoff import decisions, queries
from smarketing.handoff.card import urgent_clocks
from smarketing.handoff.models import LeadFeedback, SqlQualification
from smarketing.handoff.review import Review, ReviewRow
from smarketing.handoff.schemas import (
    AcceptIn,
    ConvertIn,
    DealIn,
    DecisionOut,
    FeedbackOut,
    LeadFilters,
    LeadOut,
    RatingIn,
    ReasonedIn,
    ReviewOut,
    ReviewQuery,
    SqlQualificationOut,
)
from smarketing.org.api import get_or_404
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS
from smarketing.people.models import Contact
from smarketing.people.queries import contacts_visible_to

router = Router(tags=["leads"])
review_router = Router(tags=["feedback"])


def _lead(request: HttpRequest, contact_id: int) -> Contact:
    """The contact, when the user may handle it (their own lead, or their team's as leader)."""
    require(request.user, "lead.handle")
    qs = contacts_visible_to(request.user).select_related("owner")
    contact = get_or_404(qs, contact_id, "contact")
    require(request.user, "lead.handle", contact)
    return contact


def _out(contact: Contact, result: decisions.Decision) -> dict[str, Any]:
    return {
        "contact_id": contact.pk,
        "stage": contact.lifecycle_stage,
        "transition_id": result.transition.pk if result.transition else None,
        "feedback": result.feedback,
        "deal_id": result.deal.pk if result.deal else None,
        "sql_checklist": result.qualification,
    }


@router.post(
    "/{contact_id}/accept",
    response={200: DecisionOut, **WRITE_ERRORS},
    summary="Accept an MQL (it becomes a SAL), optionally rating it",
)
def lead_accept(request: HttpRequest, contact_id: int, payload: AcceptIn) -> dict[str, Any]:
    contact = _lead(request, contact_id)
    result = decisions.lead_accept(contact=contact, user=request.user, **payload.model_dump())
    return _out(contact, result)


@router.post(
    "/{contact_id}/reject",
    response={200: DecisionOut, **WRITE_ERRORS},
    summary="Reject an MQL or SAL back to marketing (it becomes Recycled), with a reject reason",
)
def lead_reject(request: HttpRequest, contact_id: int, payload: ReasonedIn) -> dict[str, Any]:
    contact = _lead(request, contact_id)
    result = decisions.lead_reject(contact=contact, user=request.user, **payload.model_dump())
    return _out(contact, result)


@router.post(
    "/{contact_id}/disqualify",
    response={200: DecisionOut, **WRITE_ERRORS},
    summary="Disqualify a lead, with a disqualify reason",
)
def lead_disqualify(request: HttpRequest, contact_id: int, payload: ReasonedIn) -> dict[str, Any]:
    contact = _lead(request, contact_id)
    result = decisions.lead_disqualify(contact=contact, user=request.user, **payload.model_dump())
    return _out(contact, result)


@router.post(
    "/{contact_id}/recycle",
    response={200: DecisionOut, **WRITE_ERRORS},
    summary="Recycle a lead to marketing's nurture, with a recycle reason",
)
def lead_recycle(request: HttpRequest, contact_id: int, payload: ReasonedIn) -> dict[str, Any]:
    contact = _lead(request, contact_id)
    result = decisions.lead_recycle(contact=contact, user=request.user, **payload.model_dump())
    return _out(contact, result)


@router.post(
    "/{contact_id}/convert",
    response={200: DecisionOut, **WRITE_ERRORS},
    summary="Convert an MQL or SAL to SQL, confirming the live definition's SQL checklist",
)
def lead_convert(request: HttpRequest, contact_id: int, payload: ConvertIn) -> dict[str, Any]:
    contact = _lead(request, contact_id)
    result = decisions.lead_convert(contact=contact, user=request.user, **payload.model_dump())
    return _out(contact, result)


@router.post(
    "/{contact_id}/deal",
    response={201: DecisionOut, **WRITE_ERRORS},
    summary="Open a deal for the lead's account (the lead becomes an opportunity)",
)
def lead_deal(request: HttpRequest, contact_id: int, payload: DealIn) -> Status[dict[str, Any]]:
    contact = _lead(request, contact_id)
    require(request.user, "deal.change")
    result = decisions.lead_deal_create(contact=contact, user=request.user, **payload.model_dump())
    return Status(201, _out(contact, result))


@router.post(
    "/{contact_id}/rating",
    response={201: FeedbackOut, **WRITE_ERRORS},
    summary="Rate a lead's quality from 1 to 5, at any stage",
)
def lead_rate(request: HttpRequest, contact_id: int, payload: RatingIn) -> Status[LeadFeedback]:
    contact = _lead(request, contact_id)
    row = decisions.lead_rate(contact=contact, user=request.user, **payload.model_dump())
    return Status(201, row)


@router.get(
    "/{contact_id}/feedback",
    response={200: list[FeedbackOut], **ERRORS},
    summary="What sales said about a lead, newest first",
)
def lead_feedback(request: HttpRequest, contact_id: int) -> list[LeadFeedback]:
    require(request.user, "contact.view")
    contact = get_or_404(contacts_visible_to(request.user), contact_id, "contact")
    return list(queries.feedback_of(contact=contact))


@router.get(
    "/{contact_id}/sql-checklists",
    response={200: list[SqlQualificationOut], **ERRORS},
    summary="The SQL checklists confirmed for a lead, newest first",
)
def lead_sql_checklists(request: HttpRequest, contact_id: int) -> list[SqlQualification]:
    require(request.user, "contact.view")
    contact = get_or_404(contacts_visible_to(request.user), contact_id, "contact")
    return list(queries.sql_qualifications_of(contact=contact))


@router.get(
    "/mine",
    response={200: list[LeadOut], **ERRORS},
    summary="The caller's open MQLs and SALs, newest first, with the most urgent SLA clock",
)
def leads_mine(request: HttpRequest, filters: Query[LeadFilters]) -> list[dict[str, Any]]:
    require(request.user, "lead.handle")
    now = timezone.now()
    contacts = list(queries.leads_open(user=request.user, team=filters.team))
    clocks = urgent_clocks(contacts=contacts, now=now)
    out = []
    for contact in contacts:
        urgent = clocks[contact.pk]
        out.append(
            {
                "id": contact.pk,
                "email": contact.email,
                "name": contact.full_name,
                "account": contact.account.name if contact.account else None,
                "stage": contact.lifecycle_stage,
                "stage_at": contact.lifecycle_stage_at,
                "owner_id": contact.owner_id,
                "score": contact.score_total,
                "grade": contact.score_grade,
                "urgent_clock": f"{urgent.label}: {urgent.state_label}" if urgent else None,
                "urgent_due_at": urgent.due_at if urgent else None,
            }
        )
    return out


def _row(row: ReviewRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "feedback": row.feedback,
        "accepted": row.decisions["accept"],
        "rejected": row.decisions["reject"],
        "disqualified": row.decisions["disqualify"],
        "recycled": row.decisions["recycle"],
        "ratings": len(row.ratings),
        "rating_average": row.rating_average,
        "acceptance_rate": row.acceptance_rate,
        "top_reasons": row.top_reasons,
    }


def review_out(review: Review) -> dict[str, Any]:
    out: dict[str, Any] = {"month": review.month, "total": _row(review.total)}
    for dimension, rows in review.by.items():
        out[f"by_{dimension}"] = [_row(r) for r in rows]
    out["reasons"] = [{"kind": k, "reason": r, "count": n} for k, r, n in review.reasons]
    return out


@review_router.get(
    "/review",
    response={200: ReviewOut, **WRITE_ERRORS},
    summary="The month's lead-quality review: decisions, ratings and reasons by source",
    description="By source channel, campaign, content consumed, company size band and industry.",
)
def feedback_review(request: HttpRequest, params: Query[ReviewQuery]) -> dict[str, Any]:
    require(request.user, "feedback.review")
    return review_out(queries.lead_quality_review(month=params.month))
