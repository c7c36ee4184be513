"""Backtests of a definition against the live one, from the stored history.

The history is read in chunks of contacts (five queries a chunk, none per contact) and fed to the
pure `rules.backtest.backtest_run`, which holds the semantics. A backtest asked for on a page or
through the API is a `BacktestRun` row first, run by a queue task; the command line runs one in
its own process.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.lifecycle.models import StageTransition
from smarketing.org import permissions
from smarketing.people.models import Contact
from smarketing.scoring import rules
from smarketing.scoring.facts import contact_facts_many, touchpoint_facts_by_contact
from smarketing.scoring.models import BacktestRun, DefinitionVersion, RunStatus
from smarketing.scoring.queries import definition_of
from smarketing.scoring.rules.backtest import BacktestResult, ContactHistory, backtest_run
from smarketing.scoring.services import definition_live, definition_parse

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
DEFAULT_DAYS = 90

Progress = Callable[[int], None]


def _moment(value: dt.date | dt.datetime, name: str) -> dt.datetime:
    """A date is its midnight in UTC; a datetime without a zone is taken as UTC."""
    if not isinstance(value, dt.datetime):
        if not isinstance(value, dt.date):
            raise InvalidInput(f"{value!r} is not a date", field=name)
        value = dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def backtest_window(
    *,
    since: dt.date | dt.datetime | None,
    until: dt.date | dt.datetime | None,
    now: dt.datetime,
) -> tuple[dt.datetime, dt.datetime]:
    """[since, until) in UTC: by default the last 90 days; a window reaching past now ends now
    (there is no history after it)."""
    end = now if until is None else min(_moment(until, "until"), now)
    start = end - dt.timedelta(days=DEFAULT_DAYS) if since is None else _moment(since, "since")
    if start >= now:
        raise InvalidInput(f"since ({start:%Y-%m-%d}) must lie in the past", field="since")
    if start >= end:
        raise InvalidInput(
            f"since ({start:%Y-%m-%d}) must be before until ({end:%Y-%m-%d})", field="since"
        )
    return start, end


def contacts_total() -> int:
    return Contact.objects.count()


def _transitions_by_contact(low: int, high: int) -> dict[int, list[tuple[dt.datetime, str]]]:
    rows = (
        StageTransition.objects.filter(contact_id__gte=low, contact_id__lte=high)
        .order_by("contact_id", "at", "id")
        .values_list("contact_id", "at", "to_stage")
    )
    found: dict[int, list[tuple[dt.datetime, str]]] = {}
    for contact_id, at, stage in rows:
        found.setdefault(contact_id, []).append((at, stage))
    return found


def histories_load(
    *, chunk_size: int = CHUNK_SIZE, progress: Progress | None = None
) -> Iterator[ContactHistory]:
    """Every contact's history (fit facts, touchpoints, stage transitions), chunk by chunk in
    primary-key order: five queries a chunk. `progress` hears how many contacts each chunk had."""
    last = 0
    while True:
        chunk = list(
            Contact.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "created_at")[:chunk_size]
        )
        if not chunk:
            return
        ids = [pk for pk, _ in chunk]
        facts = {f.contact_id: f for f in contact_facts_many(ids)}
        touchpoints = touchpoint_facts_by_contact(ids)
        transitions = _transitions_by_contact(ids[0], ids[-1])
        for pk, created_at in chunk:
            contact = facts.get(pk)
            if contact is None:  # deleted between the two queries
                continue
            moves = transitions.get(pk, [])
            yield ContactHistory(
                facts=contact,
                entered_at=min(created_at, moves[0][0]) if moves else created_at,
                touchpoints=touchpoints.get(pk, ()),
                transitions=moves,
            )
        if progress is not None:
            progress(len(chunk))
        last = ids[-1]


def backtest_compute(
    *,
    draft: rules.Definition,
    live: rules.Definition,
    since: dt.datetime,
    until: dt.datetime,
    now: dt.datetime,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> BacktestResult:
    return backtest_run(
        draft=draft,
        live=live,
        contacts=histories_load(chunk_size=chunk_size, progress=progress),
        since=since,
        until=until,
        now=now,
    )


def backtest_file(
    *,
    text: str,
    since: dt.date | dt.datetime | None,
    until: dt.date | dt.datetime | None,
    progress: Progress | None = None,
) -> tuple[DefinitionVersion, BacktestResult]:
    """A definition's text backtested against the live version, here and now (the command
    line). Returns the live version and the result."""
    draft = definition_parse(text)
    now = timezone.now()
    start, end = backtest_window(since=since, until=until, now=now)
    live = definition_live()
    result = backtest_compute(
        draft=draft,
        live=definition_of(live),
        since=start,
        until=end,
        now=now,
        progress=progress,
    )
    return live, result


def backtest_start(
    *,
    version: DefinitionVersion,
    by_user: Any,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
) -> BacktestRun:
    """Queue a backtest of the version's current revision against the live version."""
    permissions.require(by_user, "definition.propose")
    now = timezone.now()
    start, end = backtest_window(since=since, until=until, now=now)
    live = definition_live()
    with transaction.atomic():
        run = BacktestRun.objects.create(
            version=version,
            revision=version.revision,
            text=version.text,
            live_number=live.number,
            since=start,
            until=end,
            total=contacts_total(),
            requested_by=by_user,
            created_at=now,
        )
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from smarketing.scoring.tasks import backtest_task  # the tasks module imports this one

    backtest_task(run_id)


def backtest_execute(*, run_id: int) -> None:
    """Run a queued backtest and store its result. Claimed with a conditional UPDATE, so a task
    delivered twice runs it once; a failure is stored on the run with its message."""
    claimed = BacktestRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    run = BacktestRun.objects.get(pk=run_id)

    def progress(count: int) -> None:
        BacktestRun.objects.filter(pk=run_id).update(done=F("done") + count)

    try:
        live = DefinitionVersion.objects.get(number=run.live_number)
        result = backtest_compute(
            draft=rules.load(run.text),
            live=definition_of(live),
            since=run.since,
            until=run.until,
            now=timezone.now(),
            progress=progress,
        )
    except Exception as exc:
        logger.exception("backtest %s failed", run_id)
        BacktestRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED,
            error=str(exc) or type(exc).__name__,
            finished_at=timezone.now(),
        )
        return
    BacktestRun.objects.filter(pk=run_id).update(
        status=RunStatus.DONE, result=result.to_dict(), finished_at=timezone.now()
    )


def backtest_runs(version: DefinitionVersion) -> QuerySet[BacktestRun]:
    """The version's backtests, newest first."""
    return BacktestRun.objects.filter(version=version).select_related("requested_by")


def backtest_stale_reason(
    run: BacktestRun, *, version: DefinitionVersion, live: DefinitionVersion
) -> str | None:
    """Why the run no longer shows what the version would change, or None while it does."""
    if run.revision != version.revision:
        return (
            f"the draft has changed since: this backtest is of revision {run.revision}, "
            f"the draft is at revision {version.revision}"
        )
    if run.live_number != live.number:
        return (
            f"version {live.number} went live since: this backtest compared with "
            f"version {run.live_number}"
        )
    return None


def backtest_result(run: BacktestRun) -> BacktestResult | None:
    return BacktestResult.from_dict(run.result) if run.result is not None else None


def backtest_contacts(result: BacktestResult) -> dict[int, Contact]:
    """The contacts named in the result's lists, in one query (a deleted one is missing)."""
    ids = {c.contact_id for c in (*result.newly, *result.stopped)}
    return Contact.objects.select_related("account").in_bulk(ids)
