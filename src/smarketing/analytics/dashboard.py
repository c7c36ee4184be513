"""The shared dashboard: one set of monthly numbers for marketing and sales.

Everything is computed from the StageTransition history and closed deals, never from the
cached `Contact.lifecycle_stage` alone, and as it stood at `now`: rows dated later are left out,
so a pinned `now` gives the dashboard of that moment. Months are calendar months in UTC for now; a
per-install reporting time zone can replace `month_bounds` later without changing callers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, OuterRef, Subquery, Sum

from smarketing.deals.models import Deal, DealStage
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import Stage
from smarketing.people.models import Contact

# A contact that got this far after becoming an MQL counts as converted to SQL.
SQL_OR_BEYOND = (Stage.SQL.value, Stage.OPPORTUNITY.value, Stage.CUSTOMER.value)


@dataclass(frozen=True)
class Month:
    """A half-open interval [start, end) in UTC."""

    start: dt.datetime
    end: dt.datetime

    @property
    def label(self) -> str:
        return f"{self.start:%B %Y}"


@dataclass(frozen=True)
class MonthNumbers:
    month: Month
    # Distinct contacts that entered each stage during the month, keyed by stage value.
    stage_entries: dict[str, int]
    mqls: int
    mqls_reached_sql: int
    deals_won: int
    # Won revenue per currency: amounts in different currencies are never added together.
    revenue: dict[str, Decimal]

    @property
    def mql_to_sql_rate(self) -> float | None:
        """Share of the month's MQLs that reached SQL or beyond; None without MQLs."""
        return self.mqls_reached_sql / self.mqls if self.mqls else None


@dataclass(frozen=True)
class Comparison:
    """One number this month beside last month's."""

    label: str
    current: int | float | Decimal | None
    previous: int | float | Decimal | None
    kind: str = "count"  # count | percent | money
    currency: str = ""

    @property
    def delta(self) -> int | float | Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous  # type: ignore[operator]

    @property
    def direction(self) -> str:
        delta = self.delta
        if delta is None or delta == 0:
            return "flat"
        return "up" if delta > 0 else "down"


@dataclass(frozen=True)
class StageRow:
    stage: str
    label: str
    entered: Comparison
    current: int


@dataclass(frozen=True)
class Dashboard:
    now: dt.datetime
    this_month: MonthNumbers
    last_month: MonthNumbers
    current_by_stage: dict[str, int]
    contacts_total: int
    deals_total: int
    headline: list[Comparison] = field(default_factory=list)
    stages: list[StageRow] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """No contact and no deal yet: the page shows a hint instead of a wall of zeros."""
        return self.contacts_total == 0 and self.deals_total == 0


def month_bounds(now: dt.datetime) -> Month:
    """The calendar month (UTC) that contains `now`."""
    utc = now.astimezone(dt.UTC)
    start = utc.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return Month(start=start, end=end)


def previous_month(month: Month) -> Month:
    return month_bounds(month.start - dt.timedelta(days=1))


def stage_entries(*, month: Month, now: dt.datetime) -> dict[str, int]:
    """Distinct contacts that entered each stage in the month up to `now`; every stage present."""
    rows = (
        StageTransition.objects.filter(at__gte=month.start, at__lt=month.end, at__lte=now)
        .values("to_stage")
        .annotate(n=Count("contact_id", distinct=True))
    )
    found = {row["to_stage"]: row["n"] for row in rows}
    return {stage.value: found.get(stage.value, 0) for stage in Stage}


def mql_conversion(*, month: Month, now: dt.datetime) -> tuple[int, int]:
    """(MQLs of the month, how many of them reached SQL or beyond after it, up to `now`).

    A contact counts once, from its first MQL entry in the month; a later SQL, opportunity or
    customer move (at or after that entry, not after `now`) makes it converted.
    """
    became_mql = StageTransition.objects.filter(
        to_stage=Stage.MQL.value, at__gte=month.start, at__lt=month.end, at__lte=now
    )
    cohort = dict(
        became_mql.values("contact_id")
        .annotate(first_at=Min("at"))
        .values_list("contact_id", "first_at")
    )
    if not cohort:
        return 0, 0
    cohort_ids = became_mql.values("contact_id")
    later = StageTransition.objects.filter(
        contact_id__in=cohort_ids, to_stage__in=SQL_OR_BEYOND, at__lte=now
    ).values_list("contact_id", "at")
    converted = {cid for cid, at in later if at >= cohort[cid]}
    return len(cohort), len(converted)


def won_deals(*, month: Month, now: dt.datetime) -> tuple[int, dict[str, Decimal]]:
    """Deals closed won in the month up to `now`: their count and amount per currency."""
    won = Deal.objects.filter(
        stage=DealStage.WON,
        closed_at__gte=month.start,
        closed_at__lt=month.end,
        closed_at__lte=now,
    )
    by_currency = won.values("currency").annotate(total=Sum("amount"), n=Count("id"))
    revenue = {row["currency"]: row["total"] for row in by_currency}
    return sum(row["n"] for row in by_currency), revenue


def month_numbers(*, month: Month, now: dt.datetime) -> MonthNumbers:
    entries = stage_entries(month=month, now=now)
    mqls, reached = mql_conversion(month=month, now=now)
    won, revenue = won_deals(month=month, now=now)
    return MonthNumbers(
        month=month,
        stage_entries=entries,
        mqls=mqls,
        mqls_reached_sql=reached,
        deals_won=won,
        revenue=revenue,
    )


def current_by_stage(*, now: dt.datetime) -> dict[str, int]:
    """Contacts per stage as of `now`, each at the target of its newest transition."""
    newest = (
        StageTransition.objects.filter(contact_id=OuterRef("pk"), at__lte=now)
        .order_by("-at", "-id")
        .values("to_stage")[:1]
    )
    rows = (
        Contact.objects.annotate(stage_now=Subquery(newest))
        .exclude(stage_now=None)
        .values("stage_now")
        .annotate(n=Count("id"))
    )
    found = {row["stage_now"]: row["n"] for row in rows}
    return {stage.value: found.get(stage.value, 0) for stage in Stage}


def _headline(this: MonthNumbers, last: MonthNumbers) -> list[Comparison]:
    rows = [
        Comparison("MQLs created", this.mqls, last.mqls),
        Comparison("MQLs that reached SQL", this.mqls_reached_sql, last.mqls_reached_sql),
        Comparison(
            "MQL → SQL conversion", this.mql_to_sql_rate, last.mql_to_sql_rate, kind="percent"
        ),
        Comparison("Deals won", this.deals_won, last.deals_won),
    ]
    # With no won deal in either month, show a zero in the currency deals default to.
    default_currency = str(Deal._meta.get_field("currency").default)
    currencies = sorted(set(this.revenue) | set(last.revenue)) or [default_currency]
    for currency in currencies:
        rows.append(
            Comparison(
                f"Revenue won ({currency})",
                this.revenue.get(currency, Decimal(0)),
                last.revenue.get(currency, Decimal(0)),
                kind="money",
                currency=currency,
            )
        )
    return rows


def dashboard(*, now: dt.datetime) -> Dashboard:
    """This month and last month side by side, plus where every contact stands now."""
    month = month_bounds(now)
    this = month_numbers(month=month, now=now)
    last = month_numbers(month=previous_month(month), now=now)
    current = current_by_stage(now=now)
    stages = [
        StageRow(
            stage=stage.value,
            label=stage.label,
            entered=Comparison(
                stage.label, this.stage_entries[stage.value], last.stage_entries[stage.value]
            ),
            current=current[stage.value],
        )
        for stage in Stage
    ]
    return Dashboard(
        now=now,
        this_month=this,
        last_month=last,
        current_by_stage=current,
        contacts_total=Contact.objects.filter(created_at__lte=now).count(),
        deals_total=Deal.objects.filter(created_at__lte=now).count(),
        headline=_headline(this, last),
        stages=stages,
    )
