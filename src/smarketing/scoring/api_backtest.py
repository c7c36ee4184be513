"""/api/definitions/{number}/backtests: what a version would have changed against the live one
over a past window, computed by a queued task from the stored history."""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS, InSchema
from smarketing.scoring import backtest, queries, services
from smarketing.scoring.models import BacktestRun, DefinitionVersion

router = Router(tags=["definitions"])


class BacktestIn(InSchema):
    since: dt.datetime | None = Field(
        None,
        description="Start of the window (a date is its midnight UTC); by default 90 days "
        "before `until`.",
    )
    until: dt.datetime | None = Field(
        None, description="End of the window, excluded; by default (and at the latest) now."
    )


class BacktestMonthOut(Schema):
    month: str = Field(description="Calendar month in UTC, e.g. 2025-03.")
    draft: int = Field(description="MQLs the backtested version would have made.")
    live: int = Field(description="MQLs the live version would have made.")
    actual: int = Field(description="MQL transitions recorded (a contact once a month).")


class BacktestOutcomesOut(Schema):
    mqls: int
    sql: int = Field(description="Of them, reached SQL or further after qualifying.")
    opportunity: int = Field(description="Reached opportunity or customer after qualifying.")
    customer: int
    sql_share: float | None
    opportunity_share: float | None
    customer_share: float | None


class BacktestCustomersOut(Schema):
    customers: int = Field(description="Contacts who became customers in [since, now].")
    draft: int = Field(description="Of them, qualified by the backtested version beforehand.")
    live: int = Field(description="Of them, qualified by the live version beforehand.")


class BacktestScoreOut(Schema):
    group: str
    fit: float
    engagement: float
    total: float
    grade: str
    is_mql: bool


class BacktestChangedOut(Schema):
    contact_id: int
    name: str | None = Field(description="None when the contact has been deleted since.")
    email: str | None
    qualified_at: dt.datetime
    draft: BacktestScoreOut = Field(
        description="Score under the backtested version at that moment."
    )
    live: BacktestScoreOut = Field(description="Score under the live version at that moment.")


class BacktestResultOut(Schema):
    since: dt.datetime
    until: dt.datetime
    now: dt.datetime
    contacts_checked: int
    months: list[BacktestMonthOut]
    draft: BacktestOutcomesOut
    live: BacktestOutcomesOut
    actual: BacktestOutcomesOut = Field(description="The MQL transitions recorded in the window.")
    customers: BacktestCustomersOut
    newly_count: int = Field(description="Contacts only the backtested version qualifies.")
    stopped_count: int = Field(description="Contacts only the live version qualifies.")
    newly: list[BacktestChangedOut] = Field(description="The first 50, earliest first.")
    stopped: list[BacktestChangedOut]
    caveats: list[str]


class BacktestOut(Schema):
    id: int
    version: int = Field(description="The version backtested.")
    revision: int
    live_version: int = Field(description="The live version it was compared with.")
    since: dt.datetime
    until: dt.datetime
    status: str = Field(description="queued, running, done or failed")
    stale: bool
    stale_reason: str | None = Field(description="Why it no longer reflects the version.")
    total: int = Field(description="Contacts to go through.")
    done: int = Field(description="Contacts gone through so far.")
    error: str
    requested_by_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    result: BacktestResultOut | None


def _version(number: int) -> DefinitionVersion:
    services.definition_live()  # a new install shows its shipped default as version 1
    version = queries.version_by_number(number)
    if version is None:
        raise HttpError(404, f"definition version {number} not found")
    return version


def _changed(rows: list[dict[str, Any]], contacts: dict[int, Any]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        contact = contacts.get(row["contact_id"])
        name = (contact.full_name or contact.email) if contact is not None else None
        out.append({**row, "name": name, "email": contact.email if contact else None})
    return out


def _out(run: BacktestRun, version: DefinitionVersion, live: DefinitionVersion) -> dict[str, Any]:
    reason = backtest.backtest_stale_reason(run, version=version, live=live)
    result = backtest.backtest_result(run)
    data = None
    if result is not None:
        contacts = backtest.backtest_contacts(result)
        data = result.to_dict()
        data["newly"] = _changed(data["newly"], contacts)
        data["stopped"] = _changed(data["stopped"], contacts)
    return {
        "id": run.pk,
        "version": version.number,
        "revision": run.revision,
        "live_version": run.live_number,
        "since": run.since,
        "until": run.until,
        "status": run.status,
        "stale": reason is not None,
        "stale_reason": reason,
        "total": run.total,
        "done": run.done,
        "error": run.error,
        "requested_by_id": run.requested_by_id,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "result": data,
    }


@router.post(
    "/{number}/backtests",
    response={202: BacktestOut, **WRITE_ERRORS},
    summary="Backtest a version",
    description="Queues a backtest of the version's current revision against the live version "
    "over [since, until); poll the run until its status is done or failed. A window that does "
    "not start before its end, or starts in the future, is a 400.",
)
def backtest_create(
    request: HttpRequest, number: int, payload: BacktestIn
) -> Status[dict[str, Any]]:
    require(request.user, "definition.propose")
    version = _version(number)
    run = backtest.backtest_start(
        version=version, by_user=request.user, since=payload.since, until=payload.until
    )
    run.refresh_from_db()  # an immediate queue has run it already
    return Status(202, _out(run, version, services.definition_live()))


@router.get(
    "/{number}/backtests",
    response={200: list[BacktestOut], **ERRORS},
    summary="A version's backtests",
    description="Newest first.",
)
def backtest_list(request: HttpRequest, number: int) -> list[dict[str, Any]]:
    require(request.user, "definition.view")
    version = _version(number)
    live = services.definition_live()
    return [_out(run, version, live) for run in backtest.backtest_runs(version)]


@router.get(
    "/{number}/backtests/{backtest_id}",
    response={200: BacktestOut, **ERRORS},
    summary="One backtest",
    description="Its status and progress; once done, the result: MQLs per month, outcome "
    "shares, customers flagged, and the contacts that would newly qualify or stop qualifying.",
)
def backtest_get(request: HttpRequest, number: int, backtest_id: int) -> dict[str, Any]:
    require(request.user, "definition.view")
    version = _version(number)
    run = backtest.backtest_runs(version).filter(pk=backtest_id).first()
    if run is None:
        raise HttpError(404, f"backtest {backtest_id} of version {number} not found")
    return _out(run, version, services.definition_live())
