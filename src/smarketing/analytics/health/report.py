"""Alignment health: the few numbers that say whether marketing and sales keep their promises to
each other, per month, each with its trend and a sentence on what moved.

Every number is counted from history (stage moves, sales' feedback and activities, SLA clocks,
deals won, touchpoints), month by month in UTC. The definitions are in docs/analytics.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min
from django.db.models.functions import TruncMonth

from smarketing.analytics.content_use import content_sent
from smarketing.analytics.funnel.maths import Period, period_next, period_start, periods_between
from smarketing.analytics.health.trend import Metric, Month, statement
from smarketing.campaigns.models import Channel
from smarketing.deals.models import Deal, DealStage
from smarketing.errors import InvalidInput
from smarketing.events.models import Touchpoint
from smarketing.handoff.models import Activity, ActivityKind, FeedbackKind, LeadFeedback
from smarketing.handoff.sla.reports import compliance_by_month
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import Stage

DEFAULT_MONTHS = 6
MAX_MONTHS = 24
# The window in which a lead's outcome is judged, as for the predictive model's label.
LEAD_SETTLE_DAYS = 90
WORK = (ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING)
# Touches that are not marketing's: sales prospecting brought them, or nobody can tell.
NOT_MARKETING = (Channel.SALES.value, "")


@dataclass(frozen=True)
class Health:
    months: list[str]
    metrics: list[Metric]

    def statements(self) -> dict[str, str]:
        return {m.key: statement(m) for m in self.metrics}


@dataclass(frozen=True)
class _Window:
    starts: list[dt.datetime]
    until: dt.datetime
    now: dt.datetime

    @property
    def since(self) -> dt.datetime:
        return self.starts[0]

    def label(self, at: dt.datetime) -> str:
        return f"{at:%Y-%m}"

    def months(self, counts: dict[str, tuple[int, int]], *, settle_days: int = 0) -> list[Month]:
        """A Month per start; complete once over (and `settle_days` past its end, for a rate
        whose cases need time to play out)."""
        out = []
        settle = dt.timedelta(days=settle_days)
        for start in self.starts:
            key = self.label(start)
            n, d = counts.get(key, (0, 0))
            end = period_next(start, Period.MONTH)
            out.append(Month(key, n, d, end + settle <= self.now))
        return out


def _window(*, now: dt.datetime, months: int) -> _Window:
    """The running month and the `months - 1` complete months before it."""
    first = period_start(now, Period.MONTH)
    for _ in range(months - 1):
        first = period_start(first - dt.timedelta(days=1), Period.MONTH)
    starts = periods_between(since=first, until=now, period=Period.MONTH)
    return _Window(starts, now, now)


def _mql_entries(window: _Window) -> dict[int, dt.datetime]:
    """contact → its first move to MQL in the window."""
    rows = (
        StageTransition.objects.filter(
            to_stage=Stage.MQL, at__gte=window.since, at__lt=window.until
        )
        .values("contact_id")
        .annotate(first=Min("at"))
    )
    return {r["contact_id"]: r["first"] for r in rows}


def _share_by_month(
    window: _Window, entries: dict[int, dt.datetime], done: dict[int, dt.datetime]
) -> dict[str, tuple[int, int]]:
    """Per month of entry: (entries followed by a `done` moment, entries)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for contact_id, at in entries.items():
        row = counts[window.label(at)]
        row[1] += 1
        later = done.get(contact_id)
        row[0] += later is not None and later >= at
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _latest(rows: Iterable[tuple[int, dt.datetime]]) -> dict[int, dt.datetime]:
    out: dict[int, dt.datetime] = {}
    for contact_id, at in rows:
        if contact_id not in out or at > out[contact_id]:
            out[contact_id] = at
    return out


def acceptance(window: _Window) -> Metric:
    """Of the MQLs sales decided on in a month (accept or reject), the share accepted."""
    rows = LeadFeedback.objects.filter(
        at__gte=window.since,
        at__lt=window.until,
        kind__in=(FeedbackKind.ACCEPT, FeedbackKind.REJECT),
    ).values_list("kind", "at")
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind, at in rows:
        row = counts[window.label(at)]
        row[0] += kind == FeedbackKind.ACCEPT
        row[1] += 1
    return Metric(
        "acceptance",
        "MQL acceptance",
        "sales accepted {n} of {d} MQLs decided",
        window.months({k: (v[0], v[1]) for k, v in counts.items()}),
    )


def sla_compliance(window: _Window) -> Metric:
    """Of the MQLs assigned in a month under a live SLA, the share accepted or rejected within
    the agreed business hours."""
    by_team = compliance_by_month(since=window.since, until=window.until, now=window.now)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for months in by_team.values():
        for month, row in months.items():
            counts[month][0] += row.accepted_in_time
            counts[month][1] += row.assigned
    return Metric(
        "sla",
        "SLA: MQLs answered in time",
        "{n} of {d} MQLs accepted or rejected within the SLA",
        window.months({k: (v[0], v[1]) for k, v in counts.items()}),
    )


def worked(window: _Window, entries: dict[int, dt.datetime]) -> Metric:
    """Of the contacts that became MQLs in a month, the share sales called, emailed or met
    afterwards (up to now)."""
    rows = Activity.objects.filter(contact_id__in=list(entries), kind__in=WORK).values_list(
        "contact_id", "occurred_at"
    )
    return Metric(
        "worked",
        "MQLs worked",
        "{n} of {d} new MQLs called, emailed or met",
        window.months(_share_by_month(window, entries, _latest(rows))),
    )


def feedback_coverage(window: _Window, entries: dict[int, dt.datetime]) -> Metric:
    """Of the contacts that became MQLs in a month, the share sales said something about
    afterwards: a decision or a quality rating."""
    rows = LeadFeedback.objects.filter(contact_id__in=list(entries)).values_list("contact_id", "at")
    return Metric(
        "feedback",
        "Feedback coverage",
        "sales gave feedback on {n} of {d} new MQLs",
        window.months(_share_by_month(window, entries, _latest(rows))),
    )


def lead_to_customer(window: _Window) -> Metric:
    """Of the contacts that became leads in a month, the share that are customers by now. A
    month counts as settled `LEAD_SETTLE_DAYS` after it ends: newer leads have had less time to
    close, so comparing them would call every recent month worse."""
    leads = dict(
        StageTransition.objects.filter(
            to_stage=Stage.LEAD, at__gte=window.since, at__lt=window.until
        )
        .values("contact_id")
        .annotate(first=Min("at"))
        .values_list("contact_id", "first")
    )
    customers = StageTransition.objects.filter(
        contact_id__in=list(leads), to_stage=Stage.CUSTOMER
    ).values_list("contact_id", "at")
    return Metric(
        "lead_to_customer",
        "Lead to customer",
        "{n} of {d} new leads are customers by now",
        window.months(
            _share_by_month(window, leads, _latest(customers)), settle_days=LEAD_SETTLE_DAYS
        ),
    )


# (deal, account, closed at, amount, currency, the primary contact's source channel)
Won = list[tuple[int, int, dt.datetime, Decimal, str, str]]


def _won(window: _Window) -> Won:
    """(deal, account, closed at, amount, currency, primary contact's source) of deals won."""
    return list(
        Deal.objects.filter(
            stage=DealStage.WON, closed_at__gte=window.since, closed_at__lt=window.until
        ).values_list(
            "pk", "account_id", "closed_at", "amount", "currency", "primary_contact__source_channel"
        )
    )


def _revenue_share(window: _Window, deals: Won, marked: set[int]) -> dict[str, tuple[int, int]]:
    """Per month: (won revenue of the `marked` deals, won revenue), in the currency that won the
    most; amounts in other currencies are left out rather than added."""
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for _, _, _, amount, currency, _ in deals:
        by_currency[currency] += amount
    if not by_currency:
        return {}
    main = max(by_currency, key=lambda c: by_currency[c])
    counts: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for pk, _, closed_at, amount, currency, _ in deals:
        if currency == main:
            row = counts[window.label(closed_at)]
            row[0] += amount if pk in marked else 0
            row[1] += amount
    return {k: (round(v[0]), round(v[1])) for k, v in counts.items()}


def _sourced(deals: Won) -> set[int]:
    return {d[0] for d in deals if d[5] not in NOT_MARKETING}


def sourced_revenue(window: _Window, deals: Won) -> Metric:
    """The share of won revenue whose deal's primary contact came from a marketing channel
    (any source but sales prospecting, and known)."""
    return Metric(
        "sourced",
        "Marketing-sourced revenue",
        "{n:,} of {d:,} won from leads marketing brought in",
        window.months(_revenue_share(window, deals, _sourced(deals))),
    )


def influenced_revenue(window: _Window, deals: Won) -> Metric:
    """The share of won revenue marketing sourced or touched: the deal's primary contact came
    from marketing, or its account had a marketing touch before the deal closed."""
    firsts = dict(
        Touchpoint.objects.filter(account_id__in={d[1] for d in deals})
        .exclude(channel__in=NOT_MARKETING)
        .values("account_id")
        .annotate(first=Min("occurred_at"))
        .values_list("account_id", "first")
    )
    touched = {d[0] for d in deals if d[1] in firsts and firsts[d[1]] < d[2]}
    return Metric(
        "influenced",
        "Marketing-influenced revenue",
        "{n:,} of {d:,} won from leads or accounts marketing brought in or touched",
        window.months(_revenue_share(window, deals, touched | _sourced(deals))),
    )


def content_in_emails(window: _Window) -> Metric:
    """Of the emails sales sent in a month, the share that link to a content asset: whether
    sales uses what marketing makes."""
    emails = (
        Activity.objects.filter(
            kind=ActivityKind.EMAIL, occurred_at__gte=window.since, occurred_at__lt=window.until
        )
        .annotate(month=TruncMonth("occurred_at", tzinfo=dt.UTC))
        .values("month")
        .annotate(n=Count("id"))
    )
    counts = {window.label(r["month"]): [0, r["n"]] for r in emails}
    for sent in content_sent(since=window.since, until=window.until):
        if sent.kind == ActivityKind.EMAIL and sent.assets:
            counts.setdefault(window.label(sent.at), [0, 0])[0] += 1
    return Metric(
        "content",
        "Content in sales emails",
        "{n} of {d} sales emails linked to marketing's content",
        window.months({k: (v[0], v[1]) for k, v in counts.items()}),
    )


def alignment_health(*, now: dt.datetime, months: int = DEFAULT_MONTHS) -> Health:
    """Every metric over the running month and the `months - 1` before it."""
    if not 2 <= months <= MAX_MONTHS:
        raise InvalidInput(f"must be from 2 to {MAX_MONTHS}, not {months}", field="months")
    window = _window(now=now, months=months)
    entries = _mql_entries(window)
    deals = _won(window)
    metrics = [
        acceptance(window),
        sla_compliance(window),
        worked(window, entries),
        feedback_coverage(window, entries),
        lead_to_customer(window),
        sourced_revenue(window, deals),
        influenced_revenue(window, deals),
        content_in_emails(window),
    ]
    return Health([m.label for m in metrics[0].months], metrics)
