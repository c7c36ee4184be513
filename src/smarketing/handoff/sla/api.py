"""/api/sla: SLA policy versions and sign-off, a contact's clocks, compliance and marketing's
progress."""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from smarketing.errors import InvalidInput
from smarketing.handoff.sla import queries, reports, services
from smarketing.handoff.sla.models import PolicyVersion
from smarketing.handoff.sla.schemas import (
    ClockOut,
    ComplianceOut,
    MarketingProgressOut,
    PolicyDetailOut,
    PolicyDraftIn,
    PolicyOut,
    PolicyTextIn,
)
from smarketing.org.api import get_or_404
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS
from smarketing.people.queries import contacts_visible_to

router = Router(tags=["sla"])


def _version(number: int) -> PolicyVersion:
    version = queries.version_by_number(number)
    if version is None:
        raise HttpError(404, f"SLA policy version {number} not found")
    return version


def policy_out(version: PolicyVersion, *, detail: bool) -> dict[str, Any]:
    state = queries.sign_off(version)
    out: dict[str, Any] = {
        "number": version.number,
        "status": version.status,
        "revision": version.revision,
        "created_by_id": version.created_by_id,
        "created_at": version.created_at,
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
        out["diff_against_live"] = queries.policy_diff(old=queries.version_live(), new=version)
    return out


def _detail(number: int) -> dict[str, Any]:
    return policy_out(_version(number), detail=True)


@router.get("/policies", response={200: list[PolicyOut], **ERRORS}, summary="SLA policy versions")
def policy_list(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "definition.view")
    return [policy_out(v, detail=False) for v in queries.versions_list()]


@router.get(
    "/policies/{number}",
    response={200: PolicyDetailOut, **ERRORS},
    summary="One SLA policy version with its text and its diff against the live one",
)
def policy_get(request: HttpRequest, number: int) -> dict[str, Any]:
    require(request.user, "definition.view")
    return _detail(number)


@router.post(
    "/policies",
    response={201: PolicyDetailOut, **WRITE_ERRORS},
    summary="Create a draft SLA policy",
    description="From `text` (YAML, see docs/sla.md), else a copy of the live version. "
    "Every mistake and every contradiction is a 400 naming its field path.",
)
def policy_create(request: HttpRequest, payload: PolicyDraftIn) -> Status[dict[str, Any]]:
    version = services.policy_draft_create(by_user=request.user, text=payload.text)
    return Status(201, _detail(version.number))


@router.put(
    "/policies/{number}",
    response={200: PolicyDetailOut, **WRITE_ERRORS},
    summary="Change a draft SLA policy (voids the approvals given so far)",
)
def policy_update(request: HttpRequest, number: int, payload: PolicyTextIn) -> dict[str, Any]:
    services.policy_draft_update(version=_version(number), text=payload.text, by_user=request.user)
    return _detail(number)


@router.post(
    "/policies/{number}/propose",
    response={200: PolicyDetailOut, **WRITE_ERRORS},
    summary="Propose a draft SLA policy for sign-off",
)
def policy_propose(request: HttpRequest, number: int) -> dict[str, Any]:
    services.policy_propose(version=_version(number), by_user=request.user)
    return _detail(number)


@router.post(
    "/policies/{number}/approve",
    response={200: PolicyDetailOut, **WRITE_ERRORS},
    summary="Approve a proposed SLA policy",
    description="For the leader's team kind; live once a marketing and a sales leader have "
    "approved its current revision.",
)
def policy_approve(request: HttpRequest, number: int) -> dict[str, Any]:
    services.policy_approve(version=_version(number), user=request.user)
    return _detail(number)


def clock_out(clock: Any) -> dict[str, Any]:
    return {
        "obligation": clock.obligation,
        "label": clock.label,
        "state": clock.state,
        "state_label": clock.state_label,
        "started_at": clock.started_at,
        "due_at": clock.due_at,
        "done_at": clock.done_at,
        "hours_left": None if clock.hours_left is None else round(clock.hours_left, 2),
        "detail": clock.detail,
        "assignment_id": clock.assignment_id,
        "owner_id": clock.owner_id,
        "policy_number": clock.policy_number,
        "segment": clock.segment,
    }


@router.get(
    "/contacts/{contact_id}/clocks",
    response={200: list[ClockOut], **ERRORS},
    summary="A contact's SLA clocks under its current owner",
)
def contact_clocks(request: HttpRequest, contact_id: int) -> list[dict[str, Any]]:
    require(request.user, "contact.view")
    contact = get_or_404(contacts_visible_to(request.user), contact_id, "contact")
    return [clock_out(c) for c in queries.clocks_for(contact=contact, now=timezone.now())]


def _window(since: dt.date | None, until: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    now = timezone.now()
    end = dt.datetime.combine(until, dt.time(), tzinfo=dt.UTC) if until else now
    start = (
        dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        if since
        else end - dt.timedelta(days=30)
    )
    if start >= end:
        raise InvalidInput("since must be before until", field="since")
    return start, end


@router.get(
    "/compliance",
    response={200: list[ComplianceOut], **WRITE_ERRORS},
    summary="SLA compliance per owner or team",
    description="For the MQL assignments whose clocks started in [since, until) (dates, UTC; "
    "default the last 30 days): MQLs assigned, accepted in time, first touch in time, cadence "
    "completed, median business hours to the first touch, and leads never worked (ignored).",
)
def compliance_get(
    request: HttpRequest,
    by: str = "owner",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[dict[str, Any]]:
    require(request.user, "contact.view")
    if by not in ("owner", "team"):
        raise InvalidInput(f"by must be owner or team, not {by!r}", field="by")
    start, end = _window(since, until)
    rows = reports.compliance(by=by, since=start, until=end, now=timezone.now())
    return [
        {
            "key": r.key,
            "label": r.label,
            "mqls_assigned": r.assigned,
            "accepted_in_time": r.accepted_in_time,
            "first_touch_in_time": r.first_touch_in_time,
            "cadence_completed": r.cadence_completed,
            "median_response_hours": r.median_response_hours,
            "ignored": r.ignored,
        }
        for r in rows
    ]


@router.get(
    "/marketing",
    response={200: MarketingProgressOut, **WRITE_ERRORS},
    summary="Marketing's SLA progress for a month (YYYY-MM, default this month)",
)
def marketing_get(request: HttpRequest, month: str | None = None) -> dict[str, Any]:
    require(request.user, "contact.view")
    start = month_start(month)
    progress = reports.marketing_progress(month_start=start, now=timezone.now())
    return {
        **progress.__dict__,
        "acceptance_rate": progress.acceptance_rate,
        "segments": [{"name": n, "delivered": d, "promised": p} for n, d, p in progress.segments],
    }


def month_start(month: str | None) -> dt.datetime:
    if not month:
        return timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    try:
        return dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=dt.UTC)
    except ValueError:
        raise InvalidInput(f"month must look like 2025-06, not {month!r}", field="month") from None
