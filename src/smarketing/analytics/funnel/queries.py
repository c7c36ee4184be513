"""The funnel's reads: each a single aggregated query over the stage history.

Every query reads StageTransition rows (joined to their contact and account for the filters),
groups in the database and returns small dictionaries; nothing loops over contacts in Python.
Rows dated after `now` are left out, so a pinned `now` gives the funnel as it stood then. The
definitions of every number are in docs/analytics.md ("Funnel").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth, TruncQuarter, TruncWeek

from smarketing.analytics.funnel.filters import FunnelFilters
from smarketing.analytics.funnel.maths import GROUP_STAGES, Period, stages_from
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import FUNNEL, Stage
from smarketing.people.models import Contact

TRUNC = {Period.WEEK: TruncWeek, Period.MONTH: TruncMonth, Period.QUARTER: TruncQuarter}
FUNNEL_VALUES = [s.value for s in FUNNEL]


def _values(stages: tuple[Stage, ...]) -> list[str]:
    return [s.value for s in stages]


def _moves(*, filters: FunnelFilters, now: dt.datetime) -> QuerySet[StageTransition]:
    """The filtered contacts' moves dated in the window (and not after `now`)."""
    return StageTransition.objects.filter(
        filters.contacts_q("contact__"), at__gte=filters.since, at__lt=filters.until, at__lte=now
    ).order_by()


def _same_contact(now: dt.datetime) -> QuerySet[StageTransition]:
    """The outer row's contact's moves up to `now`, for correlated subqueries."""
    return StageTransition.objects.filter(contact_id=OuterRef("contact_id"), at__lte=now)


# Moves of one contact are ordered by (at, id): two moves in the same second keep their order.
def _before() -> Q:
    return Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), id__lt=OuterRef("id"))


def _after() -> Q:
    return Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id"))


def _at_or_after() -> Q:
    return Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gte=OuterRef("id"))


def _reached(stage: Stage, now: dt.datetime) -> Exists:
    """The outer row's contact reached `stage` or a later funnel stage at or after the row."""
    return Exists(
        _same_contact(now).filter(_at_or_after(), to_stage__in=_values(stages_from(stage)))
    )


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
    reached B or beyond at or after their first entry into A in the window, by `now`}."""
    earlier = StageTransition.objects.filter(
        _before(),
        contact_id=OuterRef("contact_id"),
        to_stage=OuterRef("to_stage"),
        at__gte=filters.since,
    )
    firsts = (
        _moves(filters=filters, now=now).filter(to_stage__in=FUNNEL_VALUES).exclude(Exists(earlier))
    )
    counts: dict[str, Count] = {"entered": Count("id")}
    for i, later in enumerate(FUNNEL[1:], start=1):
        # Only stages before `later` can convert to it; the guard spares the subquery elsewhere.
        counts[later.value] = Count(
            "id", filter=Q(to_stage__in=FUNNEL_VALUES[:i]) & Q(_reached(later, now))
        )
    rows = firsts.values("to_stage").annotate(**counts)
    return {row.pop("to_stage"): row for row in rows}


def cohorts(*, filters: FunnelFilters, now: dt.datetime) -> dict[dt.datetime, dict[str, int]]:
    """Per period: {"size": contacts that first reached lead (or a later stage) in it, and per
    later stage how many of them have reached it or beyond since, by `now`}."""
    lead_or_beyond = _values(stages_from(Stage.LEAD))
    earlier = _same_contact(now).filter(_before(), to_stage__in=lead_or_beyond)
    firsts = (
        _moves(filters=filters, now=now)
        .filter(to_stage__in=lead_or_beyond)
        .exclude(Exists(earlier))
    )
    counts: dict[str, Count] = {"size": Count("id")}
    for later in stages_from(Stage.MQL):
        counts[later.value] = Count("id", filter=Q(_reached(later, now)))
    trunc = TRUNC[filters.period]("at", tzinfo=dt.UTC)
    rows = firsts.annotate(bucket=trunc).values("bucket").annotate(**counts)
    return {row.pop("bucket"): row for row in rows}


def _next(field: str, now: dt.datetime) -> Subquery:
    """The outer row's contact's next move's `field` (up to `now`)."""
    return Subquery(_same_contact(now).filter(_after()).order_by("at", "id").values(field)[:1])


def _forward() -> Q:
    """The row's next move is to a later funnel stage."""
    q = Q()
    for i, stage in enumerate(FUNNEL[:-1]):
        q |= Q(to_stage=stage.value, next_stage__in=FUNNEL_VALUES[i + 1 :])
    return q


def stays(
    *, filters: FunnelFilters, now: dt.datetime
) -> Iterator[tuple[str, dt.datetime, dt.datetime]]:
    """(stage, entered at, left at) of every stay that began in the window and ended with the
    contact's next move going forward in the funnel (skipping stages or not), by `now`."""
    rows = (
        _moves(filters=filters, now=now)
        .filter(to_stage__in=FUNNEL_VALUES[:-1])
        .annotate(next_stage=_next("to_stage", now), next_at=_next("at", now))
        .filter(_forward())
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
    stage reached by `now`, as its index in FUNNEL; the stage they are at `now`)."""
    contact = OuterRef("pk")
    entered = StageTransition.objects.filter(
        contact_id=contact,
        to_stage__in=FUNNEL_VALUES,
        at__gte=filters.since,
        at__lt=filters.until,
        at__lte=now,
    )
    history = StageTransition.objects.filter(contact_id=contact, at__lte=now)
    furthest = (
        history.filter(to_stage__in=FUNNEL_VALUES)
        .annotate(index=_funnel_index())
        .order_by("-index")
        .values("index")[:1]
    )
    newest = history.order_by("-at", "-id").values("to_stage")[:1]
    rows = (
        Contact.objects.filter(filters.contacts_q(), Exists(entered))
        .annotate(furthest=Subquery(furthest), stage_now=Subquery(newest))
        .values("furthest", "stage_now")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(row["furthest"], row["stage_now"]): row["n"] for row in rows}


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
