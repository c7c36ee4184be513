"""Keeping stored scores current: rescore contacts, write what changed, and move to MQL at once
the contacts that now meet the live definition's criteria.

One path for every cause: event processing calls `scores_refresh` for the contacts a batch
touched (in the same transaction, so an MQL follows its touchpoint without a batch lag), field
edits for the contact or the account's contacts, a full rescoring run when a version goes live,
and the periodic decay and sweep tasks. Each call reads in a few queries per chunk and writes
with bulk upserts, so its cost does not grow with a query per contact.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import gc
import json
import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import F, Q
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.lifecycle.services import stage_transitions
from smarketing.lifecycle.stages import Stage
from smarketing.people.models import Contact
from smarketing.scoring import rules
from smarketing.scoring.facts import (
    account_facts_many,
    contact_facts_many,
    rows_for_ids,
    touchpoint_columns,
    utc_text,
)
from smarketing.scoring.models import (
    ACCOUNT_SUMS_INDEX,
    CurrentAccountScore,
    CurrentContactScore,
    RescoringRun,
    RunStatus,
    ScoreCause,
    ScoreChange,
)
from smarketing.scoring.mql import PROMOTABLE, mql_by_rule
from smarketing.scoring.predictions import predictions_for
from smarketing.scoring.rules import ContactFacts
from smarketing.scoring.scores import definition_in_force

logger = logging.getLogger(__name__)
_FIT = rules.RowKind.FIT

CHUNK = 2_000
# A history point is written when a score moves at least this much (or its grade, MQL verdict
# or version changes): decay moves every score a little every day.
HISTORY_STEP = 0.5

_CONTACT_UPDATE = [
    "account_id",
    "version",
    "fit",
    "engagement",
    "total",
    "grade",
    "is_mql",
    "mql_reason",
    "predicted",
    "explanation",
    "computed_at",
]
_ACCOUNT_UPDATE = ["version", "fit", "engagement", "total", "explanation", "computed_at"]


_deferred: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "scoring_deferred", default=None
)


@contextlib.contextmanager
def scores_deferred(*, cause: ScoreCause) -> Iterator[set[int]]:
    """Within it, `scores_refresh_soon` only collects contact ids; they are rescored together
    when the block ends without an error. Batch writers (event processing, imports) use it so
    that a field edit per row does not cost a rescoring per row. Add ids to the yielded set to
    rescore more contacts at the end."""
    if _deferred.get() is not None:
        # Nested: the outer block rescores everything.
        yield _deferred.get()  # type: ignore[misc]
        return
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield pending
    finally:
        _deferred.reset(token)
    scores_refresh(contact_ids=pending, cause=cause)


def scores_refresh_soon(*, contact_ids: Iterable[int], cause: ScoreCause) -> None:
    """Rescore now, or at the end of the enclosing `scores_deferred` block."""
    pending = _deferred.get()
    if pending is None:
        scores_refresh(contact_ids=contact_ids, cause=cause)
    else:
        pending.update(contact_ids)


@dataclass
class Refreshed:
    scored: int = 0
    changed: int = 0  # contacts with a new history point
    promoted: int = 0  # contacts moved to MQL

    def add(self, other: Refreshed) -> None:
        self.scored += other.scored
        self.changed += other.changed
        self.promoted += other.promoted


def scores_refresh(
    *,
    contact_ids: Iterable[int],
    cause: ScoreCause,
    now: dt.datetime | None = None,
    promote: bool = True,
) -> Refreshed:
    """Rescore the contacts under the live version as of `now`, store the scores and their
    accounts' scores, and (with `promote`) move those meeting the MQL criteria to MQL."""
    ids = sorted(set(contact_ids))
    outcome = Refreshed()
    if not ids:
        return outcome
    now = now or timezone.now()
    version, definition = definition_in_force()
    accounts: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        done, touched = _chunk_refresh(
            chunk,
            version=version.number,
            definition=definition,
            now=now,
            cause=cause,
            promote=promote,
        )
        outcome.add(done)
        accounts |= touched
    accounts_refresh(sorted(accounts), version=version.number, definition=definition, now=now)
    return outcome


def _chunk_refresh(
    ids: Sequence[int],
    *,
    version: int,
    definition: rules.Definition,
    now: dt.datetime,
    cause: ScoreCause,
    promote: bool,
) -> tuple[Refreshed, set[int]]:
    with collector_paused():
        contacts, results = _chunk_score(ids, definition=definition, now=now)
        stored = _store_prepare(
            results, contacts=contacts, version=version, now=now, keep_newer=False
        )
    _store_write(stored, cause=cause)
    promoted = _promote(results, contacts=contacts, version=version, now=now) if promote else 0
    accounts = {c.account.account_id for c in contacts if c.account and c.account.account_id}
    return Refreshed(len(results), stored.moved, promoted), accounts


def _chunk_score(
    ids: Sequence[int], *, definition: rules.Definition, now: dt.datetime
) -> tuple[list[ContactFacts], list[rules.ScoreResult]]:
    """Read the contacts' facts and touchpoints and score them; writes nothing."""
    contacts = contact_facts_many(ids)
    scorer = rules.scorer_for(definition)
    touches = touchpoint_columns(ids, matcher=scorer.matcher)
    results = scorer.score_columns(
        contacts=contacts, touches=touches, now=now, predicted=predictions_for(contact_ids=ids)
    )
    return contacts, results


_CURRENT = CurrentContactScore._meta.db_table
_HISTORY = ScoreChange._meta.db_table
_COLUMNS = (
    'contact_id, account_id, "group", version, fit, engagement, total, grade, is_mql, mql_reason, '
    "predicted, explanation, computed_at"
)
_UPDATE = ", ".join(f"{c} = excluded.{c}" for c in _CONTACT_UPDATE)
_HISTORY_COLUMNS = 'contact_id, "group", version, fit, engagement, total, grade, at, cause'


@dataclass(frozen=True)
class Staging:
    """On PostgreSQL, a temporary table the rows of an upsert are copied into (COPY; made once
    per connection, emptied at each commit), and the upsert from it, taking the stamp as its
    one parameter: a third quicker than unpacking one JSON document per chunk. SQLite, in this
    process, takes plain rows (executemany)."""

    table: str
    types: str  # the columns with their types, in the order the rows hold them
    upsert: str

    @property
    def columns(self) -> str:
        return ", ".join(part.split()[0] for part in self.types.split(","))

    def create(self) -> str:
        return (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.table} ({self.types}) "
            "ON COMMIT DELETE ROWS"
        )


_STAGED_COLUMNS = _COLUMNS.removesuffix(", computed_at")
CONTACTS_STAGED = Staging(
    table="scoring_current_staged",
    types="""contact_id bigint, account_id bigint, "group" text, version integer, fit float8,
        engagement float8, total float8, grade text, is_mql boolean, mql_reason text,
        predicted float8, explanation text""",
    upsert=f"""
        INSERT INTO {_CURRENT} ({_COLUMNS}) SELECT {_STAGED_COLUMNS}, %s FROM scoring_current_staged
        ON CONFLICT (contact_id, "group") DO UPDATE SET {_UPDATE}""",
)
UPSERT = {
    "postgresql": CONTACTS_STAGED.upsert,
    "sqlite": f"""
        INSERT INTO {_CURRENT} ({_COLUMNS})
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (contact_id, "group") DO UPDATE SET {_UPDATE}""",
}
# A stored score computed after the run's start stays (see `Stored`).
KEEP_NEWER = f" WHERE {_CURRENT}.computed_at <= excluded.computed_at"
APPEND = {
    "postgresql": f"""
        INSERT INTO {_HISTORY} ({_HISTORY_COLUMNS})
        SELECT (r->>0)::bigint, r->>1, (r->>2)::integer, (r->>3)::float8, (r->>4)::float8,
               (r->>5)::float8, r->>6, %s, %s
        FROM jsonb_array_elements(%s::jsonb) AS r""",
    "sqlite": f"""
        INSERT INTO {_HISTORY} ({_HISTORY_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)""",
}
_BEFORE = (
    'SELECT contact_id, "group", version, fit, engagement, total, grade, is_mql, {at} '
    f"FROM {_CURRENT} WHERE contact_id IN ({{}})"
)


@dataclass
class Stored:
    """Rows ready to write (a chunk's, or a full rescoring's batch of chunks): the current
    scores' rows and the history points (where the score moved), stamped `now`. With
    `keep_newer` (a full rescoring, whose `now` is when it started), a contact whose stored
    score was computed after `now` keeps it: an event rescored it while the run went on,
    counting touchpoints the run, as of its start, would leave out. That is checked when the
    rows are read here and again by the upsert itself."""

    rows: list[list[object]]
    history: list[list[object]]
    moved: int
    stamp: object
    keep_newer: bool

    def extend(self, other: Stored) -> None:
        """Add another chunk's rows, prepared for the same write."""
        self.rows += other.rows
        self.history += other.history
        self.moved += other.moved


def _store_prepare(
    results: Sequence[rules.ScoreResult],
    *,
    contacts: Sequence[ContactFacts],
    version: int,
    now: dt.datetime,
    keep_newer: bool,
) -> Stored:
    """Read the stored scores and put the rows together; writes nothing, so a rescoring does
    this outside its write lock. Each row carries the contact's account (as read with its
    facts), so that an account's engagement is summed from the scores alone. Each row's
    explanation is JSON text put together from cached pieces (`explanation_json`): building a
    dict per explanation row and encoding them was a third of the writing."""
    ids = [r.contact_id for r in results]
    before = _scores_before(ids)
    account_of = {c.contact_id: c.account.account_id if c.account else None for c in contacts}
    rows, history, moved = [], [], set()
    for result in results:
        cid = result.contact_id
        account_id = account_of.get(cid)
        for g in result.groups:
            old = before.get((cid, g.group_id))
            if keep_newer and old is not None and old[-1] > now:
                continue
            criterion = g.mql_criterion
            rows.append(
                [
                    cid,
                    account_id,
                    g.group_id,
                    version,
                    g.fit,
                    g.engagement,
                    g.total,
                    g.grade,
                    criterion is not None,
                    _described(criterion) if criterion is not None else "",
                    g.predicted,
                    explanation_json(g.explanation),
                ]
            )
            if _moved(old, g, version):
                moved.add(cid)
                history.append([cid, g.group_id, version, g.fit, g.engagement, g.total, g.grade])
    stamp = connection.ops.adapt_datetimefield_value(now)
    return Stored(rows, history, len(moved), stamp, keep_newer)


@functools.lru_cache(maxsize=256)
def _described(criterion: rules.MqlCriterion) -> str:
    return criterion.describe()


def _store_write(stored: Stored, *, cause: ScoreCause) -> None:
    rows, history, stamp = stored.rows, stored.history, stored.stamp
    vendor = connection.vendor
    upsert = UPSERT[vendor] + (KEEP_NEWER if stored.keep_newer else "")
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            if rows:
                cursor.executemany(upsert, [[*r, stamp] for r in rows])
            if history:
                cursor.executemany(APPEND["sqlite"], [[*h, stamp, str(cause)] for h in history])
        else:
            if rows:
                _upsert_postgresql(cursor, CONTACTS_STAGED, rows, stamp, upsert=upsert)
            if history:
                cursor.execute(
                    APPEND["postgresql"],
                    [stamp, str(cause), json.dumps(history, separators=(",", ":"))],
                )


def _upsert_postgresql(
    cursor: CursorWrapper,
    staging: Staging,
    rows: list[list[object]],
    stamp: object,
    *,
    upsert: str | None = None,
) -> None:
    """COPY the rows into the staging table (emptied first: an earlier chunk of the same
    transaction may have left rows in it), then upsert them from it (`upsert`, or the
    staging's own), in a transaction: in
    autocommit the staged rows would be gone (ON COMMIT DELETE ROWS) before the upsert. Inside
    one already, no savepoint is needed: a failure fails the enclosing transaction. The COPY
    goes through psycopg's own cursor: Django's has none."""
    with transaction.atomic(savepoint=False):
        # One round trip: psycopg sends statements without parameters together.
        cursor.execute(f"{staging.create()}; DELETE FROM {staging.table}")
        with cursor.cursor.copy(f"COPY {staging.table} ({staging.columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(upsert or staging.upsert, [stamp])


def _scores_before(ids: Sequence[int]) -> dict[tuple[int, str], tuple[object, ...]]:
    """The stored (version, fit, engagement, total, grade, is_mql, computed_at) per (contact,
    group), read with a plain cursor (Django's IN lookup prepares every id on its own)."""
    if not ids:
        return {}
    found = rows_for_ids(_BEFORE.replace("{at}", utc_text("computed_at")), ids)
    parse = dt.datetime.fromisoformat
    return {
        (cid, group): (version, fit, engagement, total, grade, bool(is_mql), parse(at))
        for cid, group, version, fit, engagement, total, grade, is_mql, at in found
    }


_PIECES: dict[str, str] = {}
_FIT_ROWS: dict[tuple[rules.ExplanationRow, type], str] = {}


def explanation_json(rows: Sequence[rules.ExplanationRow]) -> str:
    """The explanation as stored: JSON text of a [rule id, points, occurrences] list per row,
    the document json.dumps gives for those lists with separators (",", ":"). Labels and kinds
    are the definition's (`explanation_rows` puts them back): written in full they were two
    thirds of a score row's bytes, and of the time to write it. Put together from pieces
    cached per rule; a fit row, the same for every contact it fires for, is cached whole."""
    parts = []
    for row in rows:
        points = row.points
        # Not for zero: 0, 0.0 and -0.0 are equal keys but print differently.
        if row.kind is _FIT and points:
            key = (row, type(points))
            text = _FIT_ROWS.get(key)
            if text is None:
                if len(_FIT_ROWS) > 10_000:
                    _FIT_ROWS.clear()
                text = _FIT_ROWS[key] = _row_json(row)
            parts.append(text)
        else:
            parts.append(_row_json(row))
    return "[" + ",".join(parts) + "]"


def _row_json(row: rules.ExplanationRow) -> str:
    rule_id, _, points, occurrences, _ = row
    opening = _PIECES.get(rule_id)
    if opening is None:
        if len(_PIECES) > 10_000:
            _PIECES.clear()
        opening = _PIECES[rule_id] = f"[{json.dumps(rule_id)},"
    kind_of = type(points)
    number = (
        float.__repr__(points)
        if kind_of is float
        else int.__repr__(points)
        if kind_of is int
        else json.dumps(points)
    )
    return f"{opening}{number},{int(occurrences)}]"


def explanation_rows(
    text: str, *, known: dict[str, tuple[str, rules.RowKind]]
) -> tuple[rules.ExplanationRow, ...]:
    """A stored explanation (`explanation_json`) as the engine's rows, each rule's label and
    kind taken from `known` (`rules_known` of the definition it was computed under)."""
    found = []
    for rule_id, points, occurrences in json.loads(text):
        label, kind = known[rule_id]
        found.append(rules.ExplanationRow(rule_id, label, points, occurrences, kind))
    return tuple(found)


def rules_known(definition: rules.Definition) -> dict[str, tuple[str, rules.RowKind]]:
    """Each rule's label and kind by its id (unique within a definition)."""
    known = {r.id: (r.label, rules.RowKind.FIT) for r in definition.fit_rules}
    for group in definition.score_groups():
        known.update((r.id, (r.label, rules.RowKind.ENGAGEMENT)) for r in group.engagement_rules)
    return known


def _moved(old: tuple[object, ...] | None, new: rules.GroupScore, version: int) -> bool:
    if old is None:
        return True
    # A new version alone is no change to plot: the points move only where its rules differ.
    _, fit, engagement, total, grade, is_mql, _ = old
    return (
        grade != new.grade
        or is_mql != new.is_mql
        or any(
            abs(a - b) >= HISTORY_STEP  # type: ignore[operator]
            for a, b in ((fit, new.fit), (engagement, new.engagement), (total, new.total))
        )
    )


def _promote(
    results: Sequence[rules.ScoreResult],
    *,
    contacts: Sequence[ContactFacts],
    version: int,
    now: dt.datetime,
) -> int:
    """Move each contact that meets the criteria and is not yet with sales to MQL, by rule, all
    in one `stage_transitions`; routing reads its configuration once for all of them."""
    from smarketing.handoff.routing.choose import routing_config_kept

    stages = {c.contact_id: c.lifecycle_stage for c in contacts}
    moves = {
        result.contact_id: mql_by_rule(
            version=version,
            criterion=next(g.mql_criterion for g in result.groups if g.mql_criterion is not None),
        )
        for result in results
        if result.is_mql and stages.get(result.contact_id) in PROMOTABLE
    }
    if not moves:
        return 0
    with routing_config_kept():
        # The stage is checked again under each contact's lock: sales may have moved it since
        # it was read. A contact refused stays where it is; the others move.
        done = stage_transitions(contact_ids=moves, to_stage=Stage.MQL, by_rule=moves, at=now)
    for contact_id, refusal in done.refused.items():
        # Moved on meanwhile, or its last move is dated after `now`.
        logger.info("contact %s not moved to MQL: %s", contact_id, refusal)
    return len(done.rows)


_ACCOUNTS = CurrentAccountScore._meta.db_table
# An account's engagement: the sum of its contacts' stored engagement under the version, read
# from an index of the scores by (account, group, version) holding each one's engagement (rows
# without an account have no entry), a range of entries per account instead of a probe per
# contact. SQLite's query names it: one that could not use it fails instead of reading every
# score.
_ACCOUNT_SUMS = f"""
    SELECT s.account_id, s."group", SUM(s.engagement)
    FROM {_CURRENT} s {{indexed}}
    WHERE s.version = %s AND s.account_id IN ({{{{}}}})
    GROUP BY s.account_id, s."group"
"""
ACCOUNT_SUMS = {
    "postgresql": _ACCOUNT_SUMS.format(indexed=""),
    "sqlite": _ACCOUNT_SUMS.format(indexed=f"INDEXED BY {ACCOUNT_SUMS_INDEX}"),
}
# Every account's sums in one pass over the scores: what a full rescoring needs.
ACCOUNT_SUMS_ALL = {
    vendor: sql.replace("IN ({})", "IS NOT NULL") for vendor, sql in ACCOUNT_SUMS.items()
}


_ACCOUNT_COLUMNS = 'account_id, "group", version, fit, engagement, total, explanation, computed_at'
_ACCOUNT_SET = ", ".join(f"{c} = excluded.{c}" for c in _ACCOUNT_UPDATE)
_ACCOUNT_STAGED_COLUMNS = _ACCOUNT_COLUMNS.removesuffix(", computed_at")
ACCOUNTS_STAGED = Staging(
    table="scoring_account_staged",
    types="""account_id bigint, "group" text, version integer, fit float8, engagement float8,
        total float8, explanation text""",
    upsert=f"""
        INSERT INTO {_ACCOUNTS} ({_ACCOUNT_COLUMNS})
        SELECT {_ACCOUNT_STAGED_COLUMNS}, %s FROM scoring_account_staged
        ON CONFLICT (account_id, "group") DO UPDATE SET {_ACCOUNT_SET}""",
)
ACCOUNT_UPSERT_SQLITE = f"""
    INSERT INTO {_ACCOUNTS} ({_ACCOUNT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (account_id, "group") DO UPDATE SET {_ACCOUNT_SET}"""


def accounts_refresh(
    ids: Sequence[int],
    *,
    version: int,
    definition: rules.Definition,
    now: dt.datetime,
    every: bool = False,
    write_lock: contextlib.AbstractContextManager[object] | None = None,
) -> int:
    """Store each account's fit (its account.* rules) and engagement (the sum of its contacts'
    stored engagement, held within the account cap) per group. The sums come from one
    aggregate query per chunk (`every`: `ids` are all the accounts with contacts, and one
    pass over all the scores sums them); the engagement rows per rule are put together on
    read (`account_score_explained`), so a contact's activity does not re-read its whole
    account. Plain cursors and one upsert per chunk in a transaction of its own (outside one,
    SQLite would commit each row), as for contacts, holding `write_lock` when given (see
    `rescore_range`)."""
    scorer = rules.scorer_for(definition)
    cap = definition.account.engagement_cap
    groups = [g.id for g in definition.score_groups()]
    stamp = connection.ops.adapt_datetimefield_value(now)
    written = 0
    sums: dict[tuple[int, str], float] = {}
    if every:
        with connection.cursor() as cursor:
            cursor.execute(ACCOUNT_SUMS_ALL[connection.vendor], [version])
            sums = {(aid, group): engagement for aid, group, engagement in cursor.fetchall()}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        facts = account_facts_many(chunk)
        if not every:
            found = rows_for_ids(ACCOUNT_SUMS[connection.vendor], chunk, first=[version])
            sums = {(aid, group): engagement for aid, group, engagement in found}
        rows = []
        for account_id, account in facts.items():
            fit, fit_rows = scorer.account_fit(account)
            explanation = explanation_json(fit_rows)
            for group in groups:
                engagement = sums.get((account_id, group)) or 0.0
                if cap is not None and abs(engagement) > cap:
                    engagement = math.copysign(cap, engagement)
                rows.append(
                    [
                        account_id,
                        group,
                        version,
                        fit,
                        engagement,
                        fit + engagement,
                        explanation,
                    ]
                )
        if rows:
            with (
                write_lock or contextlib.nullcontext(),
                transaction.atomic(savepoint=False),
                connection.cursor() as cursor,
            ):
                if connection.vendor == "sqlite":
                    cursor.executemany(ACCOUNT_UPSERT_SQLITE, [[*r, stamp] for r in rows])
                else:
                    _upsert_postgresql(cursor, ACCOUNTS_STAGED, rows, stamp)
        written += len(rows)
    return written


def account_score_explained(*, account_id: int) -> rules.AccountScore | None:
    """The account's scores with every rule's engagement rows (summed over its contacts' stored
    scores) and the cap row: what the stored account score is made of. None for an unknown
    account."""
    version, definition = definition_in_force()
    facts = account_facts_many([account_id]).get(account_id)
    if facts is None:
        return None
    contact_scores = _stored_results(
        [account_id], version=version.number, definition=definition
    ).get(account_id, [])
    return rules.score_account(definition=definition, account=facts, contact_scores=contact_scores)


def _stored_results(
    account_ids: Sequence[int], *, version: int, definition: rules.Definition
) -> dict[int, list[rules.ScoreResult]]:
    """The stored contact scores of the accounts, as the engine's results (rows of an older
    version are left out: the next rescoring replaces them)."""
    groups = [g.id for g in definition.score_groups()]
    known = rules_known(definition)
    rows = (
        CurrentContactScore.objects.filter(contact__account_id__in=account_ids, version=version)
        .values_list(
            "contact__account_id",
            "contact_id",
            "group",
            "fit",
            "engagement",
            "total",
            "grade",
            "explanation",
        )
        .order_by("contact_id")
    )
    by_contact: dict[tuple[int, int], dict[str, rules.GroupScore]] = {}
    for account_id, cid, group, fit, engagement, total, grade, explanation in rows:
        by_contact.setdefault((account_id, cid), {})[group] = rules.GroupScore(
            group_id=group,
            label=group,
            fit=fit,
            engagement=engagement,
            total=total,
            grade=grade,
            mql_criterion=None,
            predicted=None,
            explanation=explanation_rows(explanation, known=known),
        )
    found: dict[int, list[rules.ScoreResult]] = {}
    for (account_id, cid), scored in by_contact.items():
        if all(g in scored for g in groups):
            result = rules.ScoreResult(cid, tuple(scored[g] for g in groups))
            found.setdefault(account_id, []).append(result)
    return found


def _ids_in_chunks(filter_: Q) -> Iterator[list[int]]:
    """Contact ids matching the filter, a chunk at a time, by keyset (no OFFSET scans)."""
    last = 0
    while True:
        chunk = list(
            Contact.objects.filter(filter_, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def rescoring_start(*, promote: bool, by_user: object = None) -> RescoringRun:
    """A full rescoring under the live version, run by the queue once this transaction
    commits."""
    from smarketing.scoring.tasks import rescoring_task

    version, _ = definition_in_force()
    run = RescoringRun.objects.create(
        version=version,
        promote=promote,
        requested_by=by_user if getattr(by_user, "pk", None) else None,
        total=Contact.objects.count(),
    )
    transaction.on_commit(lambda: rescoring_task(run.pk))
    return run


def rescoring_run(*, run_id: int) -> RescoringRun | None:
    """Rescore every contact and account for the run. Claimed with a conditional UPDATE, so a
    repeated task does nothing; a newer run supersedes an older one still queued."""
    claimed = RescoringRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = RescoringRun.objects.get(pk=run_id)
    try:
        _rescore_everyone(run)
    except Exception as exc:
        RescoringRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}",
        )
        raise
    RescoringRun.objects.filter(pk=run_id).update(status=RunStatus.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def _rescore_everyone(run: RescoringRun) -> None:
    now = timezone.now()
    version, definition = definition_in_force()
    if version.pk != run.version_id:
        raise InvalidInput(
            f"version {version.number} went live after this run was started; its own run "
            "rescores everyone",
            field="version",
        )
    total = Contact.objects.count()
    RescoringRun.objects.filter(pk=run.pk).update(total=total)
    groups = [g.id for g in definition.score_groups()]
    # Scores of score groups the new version no longer has.
    CurrentContactScore.objects.exclude(group__in=groups).delete()
    CurrentAccountScore.objects.exclude(group__in=groups).delete()
    from smarketing.scoring.rescoring_processes import batch_size, rescore_in_processes

    processes = rescoring_processes(total)
    batch = batch_size(total)
    if processes > 1:
        # The accounts too: shared out once every contact is rescored.
        rescore_in_processes(
            run_id=run.pk,
            version=version.number,
            now=now,
            promote=run.promote,
            count=processes,
            batch=batch,
        )
        return
    rescore_range(
        run_id=run.pk,
        version=version.number,
        definition=definition,
        now=now,
        promote=run.promote,
        ids=Q(),
        write_every=batch,
    )
    accounts_refresh(
        accounts_with_contacts(),
        version=version.number,
        definition=definition,
        now=now,
        every=True,
    )


def accounts_with_contacts() -> list[int]:
    """The ids of the accounts that have contacts, in order."""
    ids = Contact.objects.filter(account__isnull=False).values_list("account_id", flat=True)
    return sorted(set(ids))


def rescoring_processes(total: int) -> int:
    """How many processes rescore `total` contacts: one below
    SMARKETING_RESCORING_PARALLEL_MIN contacts (starting a process costs about a second),
    else SMARKETING_RESCORING_PROCESSES (the machine's cores by default), no more than there
    are batches to share (`rescoring_processes.BATCH` contacts each)."""
    from smarketing.scoring.rescoring_processes import BATCH

    if total < settings.RESCORING_PARALLEL_MIN:
        return 1
    return max(1, min(settings.RESCORING_PROCESSES, -(-total // BATCH)))


def rescore_range(
    *,
    run_id: int,
    version: int,
    definition: rules.Definition,
    now: dt.datetime,
    promote: bool,
    ids: Q,
    write_every: int = CHUNK,
    write_lock: contextlib.AbstractContextManager[object] | None = None,
) -> None:
    """Rescore the contacts matching `ids` for the run, a chunk at a time, and write them once
    `write_every` contacts are scored (and at the end). Chunks are read and scored outside a
    transaction and written together in a short one, so that on SQLite (one writer at a time)
    other processes can score while this one writes. Writing more contacts at a time costs
    less per contact on a big table: each write changes index pages all over it (by account, by
    grade), and each page changed is written again for every transaction. The run's counts
    are added to, so several processes can share one run. `write_lock`, when given, is held
    for each write (processes sharing a SQLite database take turns through it)."""
    chunks = _ids_in_chunks(ids)
    while True:
        # The collector waits until the group is written: what it holds would be gone over
        # again and again for nothing.
        with collector_paused():
            scored = _Scored()
            for chunk in chunks:  # takes up where the last group stopped
                contacts, results = _chunk_score(chunk, definition=definition, now=now)
                stored = _store_prepare(
                    results, contacts=contacts, version=version, now=now, keep_newer=True
                )
                scored.add(contacts, results, stored)
                if len(scored.results) >= write_every:
                    break
            if not scored.results:
                return
            _scored_write(
                scored,
                run_id=run_id,
                version=version,
                now=now,
                promote=promote,
                write_lock=write_lock,
            )


@dataclass
class _Scored:
    """Chunks scored and not yet written."""

    contacts: list[ContactFacts] = field(default_factory=list)
    results: list[rules.ScoreResult] = field(default_factory=list)
    stored: Stored | None = None

    def add(
        self, contacts: list[ContactFacts], results: list[rules.ScoreResult], stored: Stored
    ) -> None:
        self.contacts += contacts
        self.results += results
        if self.stored is None:
            self.stored = stored
        else:
            self.stored.extend(stored)


def _scored_write(
    scored: _Scored,
    *,
    run_id: int,
    version: int,
    now: dt.datetime,
    promote: bool,
    write_lock: contextlib.AbstractContextManager[object] | None,
) -> None:
    stored = scored.stored
    assert stored is not None
    with write_lock or contextlib.nullcontext(), transaction.atomic():
        _store_write(stored, cause=ScoreCause.RESCORE)
        promoted = (
            _promote(scored.results, contacts=scored.contacts, version=version, now=now)
            if promote
            else 0
        )
        RescoringRun.objects.filter(pk=run_id).update(
            done=F("done") + len(scored.results),
            changed=F("changed") + stored.moved,
            promoted=F("promoted") + promoted,
        )


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while chunks are scored and written: a chunk
    makes a few hundred thousand objects that all live until it is written, and the collector
    went over them again and again, finding nothing: a fifth of a chunk's CPU. Scoring makes
    no cycles; whatever else does is collected once the collector is back on after the block
    (unless it was off before)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def scores_decay(*, now: dt.datetime | None = None) -> Refreshed:
    """Rescore contacts with engagement points, which fade with time (negative points fading
    can lift a contact over the MQL criteria, so promotion applies here too)."""
    outcome = Refreshed()
    engaged = CurrentContactScore.objects.exclude(engagement=0).values("contact_id")
    for chunk in _ids_in_chunks(Q(pk__in=engaged)):
        outcome.add(scores_refresh(contact_ids=chunk, cause=ScoreCause.DECAY, now=now))
    return outcome


def scores_sweep(*, now: dt.datetime | None = None) -> Refreshed:
    """Score contacts that have no score under the live version yet: created by an import or a
    person since, or missed by an interrupted run."""
    version, _ = definition_in_force()
    outcome = Refreshed()
    current = CurrentContactScore.objects.filter(version=version.number).values("contact_id")
    for chunk in _ids_in_chunks(~Q(pk__in=current)):
        outcome.add(scores_refresh(contact_ids=chunk, cause=ScoreCause.SWEEP, now=now))
    return outcome
