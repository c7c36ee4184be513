"""The funnel's reads: each a single aggregated query over the stage history.

Every query reads StageTransition rows (joined to their contact and account for the filters),
groups in the database and returns small dictionaries; nothing loops over contacts in Python.
Rows dated after `now` are left out, so a pinned `now` gives the funnel as it stood then. The
definitions of every number are in docs/analytics.md ("Funnel").

What depends on a contact's other moves (did it reach a later stage afterwards, which move came
next, where is it now) is computed with window functions over the contact's moves in one pass,
not with a subquery per move: on a large history that is the difference between a sort and a
million index lookups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db import connections
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    RowRange,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lead, RowNumber, TruncMonth, TruncQuarter, TruncWeek

from smarketing.analytics.funnel.filters import FunnelFilters
from smarketing.analytics.funnel.maths import GROUP_STAGES, Period, stages_from
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import FUNNEL, Stage

TRUNC = {Period.WEEK: TruncWeek, Period.MONTH: TruncMonth, Period.QUARTER: TruncQuarter}
FUNNEL_VALUES = [s.value for s in FUNNEL]


def _values(stages: tuple[Stage, ...]) -> list[str]:
    return [s.value for s in stages]


def _moves(*, filters: FunnelFilters, now: dt.datetime) -> QuerySet[StageTransition]:
    """The filtered contacts' moves dated in the window (and not after `now`)."""
    return StageTransition.objects.filter(
        filters.contacts_q("contact__"), at__gte=filters.since, at__lt=filters.until, at__lte=now
    ).order_by()


# Moves of one contact are ordered by (at, id): two moves in the same second keep their order.
NEWEST_FIRST = (F("at").desc(), F("id").desc())
OLDEST_FIRST = (F("at").asc(), F("id").asc())


def _history(*, filters: FunnelFilters, now: dt.datetime) -> QuerySet[StageTransition]:
    """The filtered contacts' moves up to `now`, whatever their date."""
    return StageTransition.objects.filter(filters.contacts_q("contact__"), at__lte=now).order_by()


def _since(filters: FunnelFilters, now: dt.datetime) -> QuerySet[StageTransition]:
    """The filtered contacts' moves from the window's start up to `now`: a window function over
    these sees every move that follows a move in the window."""
    return _history(filters=filters, now=now).filter(at__gte=filters.since)


def _in_window(filters: FunnelFilters) -> Case:
    """1 for a move dated in the window, else 0 (a column, so it can be tested after the
    window functions have seen the moves outside it)."""
    return Case(
        When(at__gte=filters.since, at__lt=filters.until, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _is(stages: tuple[Stage, ...] | list[str]) -> Case:
    values = [s.value if isinstance(s, Stage) else s for s in stages]
    return Case(When(to_stage__in=values, then=Value(1)), default=Value(0))


def _reached(stages: tuple[Stage, ...]) -> dict[str, Window]:
    """Per later stage B, `r_B`: 1 when the contact reaches B or beyond at or after this move
    (a running maximum from the contact's newest move back to this one)."""
    return {
        f"r_{later.value}": Window(
            Max(_is(stages_from(later))),
            partition_by=[F("contact_id")],
            order_by=NEWEST_FIRST,
            frame=RowRange(start=None, end=0),
        )
        for later in stages
    }


def _first_of(*partition: F | Case) -> Window:
    """1 for the oldest move of its partition."""
    return Window(RowNumber(), partition_by=[F("contact_id"), *partition], order_by=OLDEST_FIRST)


def _literals(stages: tuple[Stage, ...] | list[str]) -> str:
    """Stage values as SQL string literals: the enum's constants, never user input."""
    return ", ".join(f"'{s}'" for s in stages)


def _over(moves: QuerySet[StageTransition], select: str) -> list[tuple[object, ...]]:
    """Run `select` (SQL naming the annotated moves `moves`) around the moves' query.

    SQL cannot aggregate window functions in the query that computes them, and Django puts
    every filter on a plain column inside that query; so the aggregate is written out here, over
    the ORM's own SQL of the moves (columns: the model's and the annotations' names).
    """
    sql, params = moves.query.sql_with_params()
    with connections[moves.db].cursor() as cursor:
        cursor.execute(select.replace("{moves}", f"({sql}) moves"), params)
        return list(cursor.fetchall())


def _moment(value: object) -> dt.datetime:
    """A period start as the database returned it (SQLite: text; PostgreSQL: naive UTC)."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, dt.datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _entry_counts() -> dict[str, Count]:
    """Distinct contacts entering each stage and each group, as named aggregates."""
    counts = {
        f"n_{s.value}": Count("contact_id", distinct=True, filter=Q(to_stage=s.value))
        for s in Stage
    }
    for group, stages in GROUP_STAGES.items():
        counts[f"n_{group.value}"] = Count(
            "contact_id", distinct=True, filter=Q(to_stage__in=_values(stages))
        )
    return counts


def _unprefixed(row: dict[str, int]) -> dict[str, int]:
    return {k.removeprefix("n_"): v for k, v in row.items() if k.startswith("n_")}


def entries_by_period(
    *, filters: FunnelFilters, now: dt.datetime
) -> dict[dt.datetime, dict[str, int]]:
    """Per period start: distinct contacts that entered each stage and each group in it."""
    trunc = TRUNC[filters.period]("at", tzinfo=dt.UTC)
    rows = (
        _moves(filters=filters, now=now)
        .annotate(bucket=trunc)
        .values("bucket")
        .annotate(**_entry_counts())
    )
    return {row["bucket"]: _unprefixed(row) for row in rows}


def entries_total(*, filters: FunnelFilters, now: dt.datetime) -> dict[str, int]:
    """The same over the whole window: a contact counts once however many periods it entered."""
    return _unprefixed(_moves(filters=filters, now=now).aggregate(**_entry_counts()))


def conversions(*, filters: FunnelFilters, now: dt.datetime) -> dict[str, dict[str, int]]:
    """Per funnel stage A: {"entered": contacts that entered A in the window, B: how many of them
    reached B or beyond at or after their first entry into A in the window, by `now`}.

    One pass over the moves since the window's start: a contact's first move to A from then on
    is its first entry in the window when it is dated before the window's end."""
    later = FUNNEL[1:]
    moves = (
        _since(filters, now)
        .annotate(nth=_first_of(F("to_stage")), in_window=_in_window(filters), **_reached(later))
        .values("to_stage", "nth", "in_window", *(f"r_{b.value}" for b in later))
    )
    sums = ", ".join(
        f"SUM(CASE WHEN to_stage IN ({_literals(FUNNEL_VALUES[:i])}) THEN r_{b.value} ELSE 0 END)"
        for i, b in enumerate(later, start=1)
    )
    rows = _over(
        moves,
        f"SELECT to_stage, COUNT(*), {sums} FROM {{moves}} WHERE nth = 1 AND in_window = 1 "
        f"AND to_stage IN ({_literals(FUNNEL_VALUES)}) GROUP BY to_stage",
    )
    names = ["entered", *(b.value for b in later)]
    return {str(row[0]): dict(zip(names, map(int, row[1:]), strict=True)) for row in rows}


def cohorts(*, filters: FunnelFilters, now: dt.datetime) -> dict[dt.datetime, dict[str, int]]:
    """Per period: {"size": contacts that first reached lead (or a later stage) in it, and per
    later stage how many of them have reached it or beyond since, by `now`}.

    One pass over the contacts' moves to lead or beyond (every later stage is one of those)."""
    later = stages_from(Stage.MQL)
    trunc = TRUNC[filters.period]("at", tzinfo=dt.UTC)
    moves = (
        _history(filters=filters, now=now)
        .filter(to_stage__in=_values(stages_from(Stage.LEAD)))
        .annotate(nth=_first_of(), in_window=_in_window(filters), bucket=trunc, **_reached(later))
        .values("bucket", "nth", "in_window", *(f"r_{b.value}" for b in later))
    )
    sums = ", ".join(f"SUM(r_{b.value})" for b in later)
    rows = _over(
        moves,
        f"SELECT bucket, COUNT(*), {sums} FROM {{moves}} WHERE nth = 1 AND in_window = 1 "
        "GROUP BY bucket",
    )
    names = ["size", *(b.value for b in later)]
    return {_moment(row[0]): dict(zip(names, map(int, row[1:]), strict=True)) for row in rows}


def _forward(filters: FunnelFilters) -> Q:
    """The row is dated in the window and its next move is to a later funnel stage."""
    q = Q()
    for i, stage in enumerate(FUNNEL[:-1]):
        q |= Q(to_stage=stage.value, next_stage__in=FUNNEL_VALUES[i + 1 :], at__lt=filters.until)
    return q


def _next(field: str) -> Window:
    """The contact's next move's `field` (up to `now`)."""
    return Window(Lead(field), partition_by=[F("contact_id")], order_by=OLDEST_FIRST)


def stays(
    *, filters: FunnelFilters, now: dt.datetime
) -> Iterator[tuple[str, dt.datetime, dt.datetime]]:
    """(stage, entered at, left at) of every stay that began in the window and ended with the
    contact's next move going forward in the funnel (skipping stages or not), by `now`."""
    rows = (
        _since(filters, now)
        .annotate(next_stage=_next("to_stage"), next_at=_next("at"))
        .filter(_forward(filters))  # on the window functions: applied around their query
        .values_list("to_stage", "at", "next_at")
    )
    return rows.iterator(chunk_size=5000)


def _funnel_index() -> Case:
    whens = [When(to_stage=s.value, then=Value(i)) for i, s in enumerate(FUNNEL)]
    return Case(*whens, output_field=IntegerField())


def furthest_and_now(
    *, filters: FunnelFilters, now: dt.datetime
) -> dict[tuple[int | None, str | None], int]:
    """For the contacts that entered any funnel stage in the window: how many by (furthest funnel
    stage reached by `now`, as its index in FUNNEL; the stage they are at `now`).

    One pass over the contacts' history: per contact, its newest move (the stage it is at) with
    the furthest stage and whether any funnel move was in the window."""
    contact = [F("contact_id")]
    entered = Case(
        When(to_stage__in=FUNNEL_VALUES, then=_in_window(filters)),
        default=Value(0),
        output_field=IntegerField(),
    )
    moves = (
        _history(filters=filters, now=now)
        .annotate(
            nth=Window(RowNumber(), partition_by=contact, order_by=NEWEST_FIRST),
            furthest=Window(Max(_funnel_index()), partition_by=contact),
            entered=Window(Max(entered), partition_by=contact),
        )
        .values("to_stage", "nth", "furthest", "entered")
    )
    rows = _over(
        moves,
        "SELECT furthest, to_stage, COUNT(*) FROM {moves} WHERE nth = 1 AND entered = 1 "
        "GROUP BY furthest, to_stage",
    )
    return {(row[0], row[1]): int(row[2]) for row in rows}  # type: ignore[misc, call-overload]


def reasons(*, filters: FunnelFilters, now: dt.datetime) -> list[dict[str, object]]:
    """Recycle, disqualify and reject reasons given on moves dated in the window: per reason and
    the stage the contact left, how many distinct contacts, most frequent first."""
    return list(
        _moves(filters=filters, now=now)
        .filter(reason__isnull=False)
        .values("reason__kind", "reason__code", "reason__label", "from_stage", "to_stage")
        .annotate(contacts=Count("contact_id", distinct=True))
        .order_by("-contacts", "reason__label", "from_stage", "to_stage")
    )
