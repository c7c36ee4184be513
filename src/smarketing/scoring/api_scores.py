"""Stored scores in the API: a contact's score history, an account's score, and the progress of
full rescoring runs."""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from smarketing.org.api import get_or_404
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS
from smarketing.people.queries import accounts_visible_to, contacts_visible_to
from smarketing.scoring import queries
from smarketing.scoring.models import CurrentAccountScore, RescoringRun
from smarketing.scoring.refresh import account_score_explained
from smarketing.scoring.schemas import ExplanationRowOut

router = Router(tags=["scores"])


class ScorePointOut(Schema):
    at: dt.datetime
    version: int = Field(description="The definition version scored with.")
    fit: float
    engagement: float
    total: float
    grade: str
    cause: str = Field(description="event, field, rescore, decay or sweep.")


class ScoreHistoryOut(Schema):
    contact: int
    group: str
    points: list[ScorePointOut] = Field(description="Oldest first; one per change.")


class AccountGroupScoreOut(Schema):
    group: str
    version: int
    fit: float
    engagement: float
    total: float
    computed_at: dt.datetime
    explanation: list[ExplanationRowOut]


class AccountScoreOut(Schema):
    account: int
    groups: list[AccountGroupScoreOut] = Field(description="Empty before the first scoring.")


class RescoringRunOut(Schema):
    id: int
    version: int = Field(description="The definition version's number.")
    promote: bool = Field(description="Whether contacts newly meeting the criteria became MQLs.")
    status: str
    total: int
    done: int
    changed: int
    promoted: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str

    @staticmethod
    def resolve_version(obj: RescoringRun) -> int:
        return obj.version.number


@router.get(
    "/contacts/{contact_id}/score/history",
    response={200: ScoreHistoryOut, **ERRORS},
    summary="A contact's score over time",
    description="Each stored change of the contact's score in the group, enough to plot it.",
)
def score_history_get(
    request: HttpRequest, contact_id: int, group: str = "default"
) -> dict[str, Any]:
    require(request.user, "contact.view")
    contact = get_or_404(contacts_visible_to(request.user), contact_id, "contact")
    points = queries.score_history(contact=contact, group=group)
    return {"contact": contact.pk, "group": group, "points": points}


@router.get(
    "/accounts/{account_id}/score",
    response={200: AccountScoreOut, **ERRORS},
    summary="An account's scores",
    description="Per score group: the account's fit plus the engagement of all its contacts "
    "(stored when they were last scored), with the rules that gave the points as of now's "
    "stored contact scores.",
)
def account_score_get(request: HttpRequest, account_id: int) -> dict[str, Any]:
    require(request.user, "account.view")
    account = get_or_404(accounts_visible_to(request.user), account_id, "account")
    stored = {r.group: r for r in CurrentAccountScore.objects.filter(account=account)}
    explained = account_score_explained(account_id=account.pk)
    groups = []
    for group in explained.groups if explained is not None and stored else ():
        row = stored.get(group.group_id)
        if row is None:
            continue
        groups.append(
            {
                "group": row.group,
                "version": row.version,
                "fit": row.fit,
                "engagement": row.engagement,
                "total": row.total,
                "computed_at": row.computed_at,
                "explanation": [r.to_dict() for r in group.explanation],
            }
        )
    return {"account": account.pk, "groups": groups}


@router.get(
    "/rescoring-runs",
    response={200: list[RescoringRunOut], **ERRORS},
    summary="Full rescoring runs, newest first",
    description="A run starts when a definition version goes live; `done` of `total` shows "
    "its progress.",
)
def rescoring_runs(request: HttpRequest, limit: int = 20) -> list[RescoringRun]:
    require(request.user, "definition.view")
    return list(RescoringRun.objects.select_related("version")[: max(1, min(limit, 100))])
