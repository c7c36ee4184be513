"""Source, campaign and content performance: what each channel, campaign and piece of content
brought, from leads to revenue, beside what it cost.

Credit here is *sourcing* credit, the question "where did this customer come from?": a contact
counts for its original source channel and first-touch campaign (set from its first touch), a
won deal for its primary contact's. Multi-touch credit is the attribution page's. Content gets
*influence* credit instead: every asset a lead read before it moved on counts.

Every number is read from history (stage entries, deals closed, touchpoints), in a fixed number
of queries whatever the data's size; the window [since, until) and the contact filters are the
funnel's (`FunnelFilters`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db import connection
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from smarketing.analytics.content_use import ContentSent, content_sent
from smarketing.analytics.funnel.filters import FunnelFilters
from smarketing.campaigns.models import Campaign, Channel
from smarketing.content.models import ContentAsset
from smarketing.deals.models import Deal, DealStage
from smarketing.events.models import Touchpoint
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import Stage

# The stages a performance row counts entries into, in funnel order.
STAGES = (Stage.LEAD, Stage.MQL, Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER)
STAGE_VALUES = tuple(s.value for s in STAGES)
NONE_KEY = ""  # contacts with no source channel or campaign, deals with no primary contact
CLOSED = (DealStage.WON, DealStage.LOST)

Money = dict[str, Decimal]  # currency → amount; amounts in two currencies are never added


class Dimension(StrEnum):
    CHANNEL = "channel"
    CAMPAIGN = "campaign"
    CONTENT = "content"


@dataclass
class Row:
    """One channel, campaign or content asset."""

    key: str
    label: str
    stages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGE_VALUES, 0))
    won: int = 0
    revenue: Money = field(default_factory=dict)
    pipeline: Money = field(default_factory=dict)
    cost: Money = field(default_factory=dict)
    # Content only: the asset's funnel stage and how many contacts consumed it in the window.
    funnel_stage: str = ""
    consumers: int = 0
    # Content only: sales activities in the window linking to it, and the contacts they reached.
    sales_sent: int = 0
    sales_contacts: int = 0

    def cost_per(self, stage: str) -> tuple[str, Decimal] | None:
        """The cost per contact entering `stage` (one currency only), None when not defined."""
        n = self.stages.get(stage, 0)
        if len(self.cost) != 1 or not n:
            return None
        currency, amount = next(iter(self.cost.items()))
        return currency, (amount / n).quantize(Decimal("0.01"))

    @property
    def roi(self) -> float | None:
        """(revenue - cost) / cost, when both are in one and the same currency and cost > 0."""
        if len(self.cost) != 1:
            return None
        currency, cost = next(iter(self.cost.items()))
        if not cost or set(self.revenue) - {currency}:
            return None
        return float((self.revenue.get(currency, Decimal(0)) - cost) / cost)


@dataclass(frozen=True)
class Performance:
    dimension: Dimension
    filters: FunnelFilters
    rows: list[Row]
    total: Row | None  # channels and campaigns add up; content influence does not


def _add(money: Money, currency: str, amount: Decimal | None) -> None:
    money[currency] = money.get(currency, Decimal(0)) + (amount or Decimal(0))


def _window(filters: FunnelFilters, name: str) -> Q:
    return Q(**{f"{name}__gte": filters.since, f"{name}__lt": filters.until})


def _stage_entries(filters: FunnelFilters, key: str) -> dict[str, dict[str, int]]:
    """key → stage → distinct contacts entering it in the window."""
    rows = (
        StageTransition.objects.filter(
            _window(filters, "at"), filters.contacts_q("contact__"), to_stage__in=STAGE_VALUES
        )
        .values(key, "to_stage")
        .annotate(n=Count("contact_id", distinct=True))
    )
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        out[str(row[key] or NONE_KEY)][row["to_stage"]] = row["n"]
    return out


def _deals(
    filters: FunnelFilters, key: str
) -> tuple[dict[str, tuple[int, Money]], dict[str, Money]]:
    """key → (won count, revenue) for deals won in the window; key → pipeline for deals opened
    in the window and still open. Both by the deal's primary contact."""
    contacts = filters.contacts_q("primary_contact__")
    won_rows = (
        Deal.objects.filter(contacts, _window(filters, "closed_at"), stage=DealStage.WON)
        .values(key, "currency")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    won: dict[str, tuple[int, Money]] = defaultdict(lambda: (0, {}))
    for row in won_rows:
        k = str(row[key] or NONE_KEY)
        count, money = won[k]
        _add(money, row["currency"], row["amount"])
        won[k] = (count + row["n"], money)
    open_rows = (
        Deal.objects.filter(contacts, _window(filters, "created_at"))
        .exclude(stage__in=CLOSED)
        .values(key, "currency")
        .annotate(amount=Sum("amount"))
    )
    pipeline: dict[str, Money] = defaultdict(dict)
    for row in open_rows:
        _add(pipeline[str(row[key] or NONE_KEY)], row["currency"], row["amount"])
    return won, pipeline


def _costs(filters: FunnelFilters, key: str) -> dict[str, Money]:
    """key → cost of the campaigns that started in the window (without a start date: created)."""
    started = Coalesce("start_date", TruncDate("created_at"))
    rows = (
        Campaign.objects.annotate(started=started)
        .filter(started__gte=filters.since.date(), started__lt=filters.until.date())
        .values(key, "currency")
        .annotate(amount=Sum("cost"))
    )
    out: dict[str, Money] = defaultdict(dict)
    for row in rows:
        _add(out[str(row[key] or NONE_KEY)], row["currency"], row["amount"])
    return out


def _labels(dimension: Dimension) -> dict[str, str]:
    if dimension == Dimension.CHANNEL:
        return {value: str(label) for value, label in Channel.choices}
    return {str(pk): name for pk, name in Campaign.objects.values_list("pk", "name")}


def sourced_performance(*, dimension: Dimension, filters: FunnelFilters) -> Performance:
    """Channels or campaigns: contacts by their original source, deals by their primary
    contact's, campaign costs by the campaign (and its channel). Five queries."""
    contact_key = "source_channel" if dimension == Dimension.CHANNEL else "source_campaign"
    entries = _stage_entries(filters, f"contact__{contact_key}")
    won, pipeline = _deals(filters, f"primary_contact__{contact_key}")
    costs = _costs(filters, "channel" if dimension == Dimension.CHANNEL else "id")
    labels = _labels(dimension)
    keys = set(entries) | set(won) | set(pipeline) | set(costs)
    rows = []
    for key in keys:
        row = Row(key=key, label=labels.get(key, key) if key else "(none)")
        row.stages.update(entries.get(key, {}))
        row.won, row.revenue = won.get(key, (0, {}))
        row.pipeline, row.cost = pipeline.get(key, {}), costs.get(key, {})
        rows.append(row)
    rows.sort(key=_rank)
    return Performance(dimension, filters, rows, _total(rows))


def _rank(row: Row) -> tuple[bool, float, int, str]:
    """Most revenue first (whatever its currency), then most leads; "(none)" last."""
    revenue = float(sum(row.revenue.values(), Decimal(0)))
    return (row.key == NONE_KEY, -revenue, -row.stages[Stage.LEAD.value], row.label.lower())


def _total(rows: list[Row]) -> Row:
    total = Row(key="total", label="Total")
    for row in rows:
        for stage, n in row.stages.items():
            total.stages[stage] += n
        total.won += row.won
        for name in ("revenue", "pipeline", "cost"):
            for currency, amount in getattr(row, name).items():
                _add(getattr(total, name), currency, amount)
    return total


# Content ------------------------------------------------------------------------------------


def _reads(filters: FunnelFilters) -> dict[int, tuple[int, dict[str, int]]]:
    """asset → (contacts who read it in the window, stage → how many of them entered the stage
    at or after their first read in the window, before `until`).

    One query, grouped in the database: each (asset, contact)'s first read, joined to the
    contact's latest entry into each stage before `until` (entered at or after the first read
    ⇔ its latest entry is). The join of two grouped queries is written out around the ORM's SQL
    of each; it reads the same on SQLite and PostgreSQL.
    """
    contacts = filters.contacts_q("contact__")
    reads = (
        Touchpoint.objects.filter(
            _window(filters, "occurred_at"), contacts, content__isnull=False, contact__isnull=False
        )
        .values("content_id", "contact_id")
        .annotate(first_at=Min("occurred_at"))
        .order_by()
    )
    latest = (
        StageTransition.objects.filter(contacts, to_stage__in=STAGE_VALUES, at__lt=filters.until)
        .values("contact_id")
        .annotate(**{f"last_{s}": Max("at", filter=Q(to_stage=s)) for s in STAGE_VALUES})
        .order_by()
    )
    reads_sql, reads_params = reads.query.sql_with_params()
    latest_sql, latest_params = latest.query.sql_with_params()
    entered = ", ".join(
        f"SUM(CASE WHEN latest.last_{s} >= reads.first_at THEN 1 ELSE 0 END)" for s in STAGE_VALUES
    )
    sql = (
        f"SELECT reads.content_id, COUNT(*), {entered} FROM ({reads_sql}) reads "
        f"LEFT JOIN ({latest_sql}) latest ON latest.contact_id = reads.contact_id "
        "GROUP BY reads.content_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*reads_params, *latest_params))
        rows = cursor.fetchall()
    return {
        row[0]: (int(row[1]), dict(zip(STAGE_VALUES, map(int, row[2:]), strict=True)))
        for row in rows
    }


def _influenced(filters: FunnelFilters) -> dict[int, tuple[int, Money]]:
    """asset → (won deals, revenue): deals won in the window whose account had read the asset
    before the deal closed (any contact of the account, any time before)."""
    won = Deal.objects.filter(_window(filters, "closed_at"), stage=DealStage.WON)
    contacts = filters.contacts_q("primary_contact__")
    if contacts:
        won = won.filter(contacts)
    deals = list(won.values_list("account_id", "closed_at", "amount", "currency"))
    reads = (
        Touchpoint.objects.filter(
            account_id__in={d[0] for d in deals},
            content__isnull=False,
            occurred_at__lt=filters.until,
        )
        .values("content_id", "account_id")
        .annotate(first_at=Min("occurred_at"))
    )
    first: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
    for row in reads:
        first[row["account_id"]].append((row["content_id"], row["first_at"]))
    out: dict[int, tuple[int, Money]] = defaultdict(lambda: (0, {}))
    for account_id, closed_at, amount, currency in deals:
        for content_id, first_at in first.get(account_id, []):
            if first_at < closed_at:
                count, money = out[content_id]
                _add(money, currency, amount)
                out[content_id] = (count + 1, money)
    return out


def _sales_use(rows: dict[int, Row], sent: list[ContentSent]) -> None:
    reached: dict[int, set[int]] = defaultdict(set)
    for activity in sent:
        for pk in activity.assets:
            rows[pk].sales_sent += 1
            reached[pk].add(activity.contact_id)
    for pk, contacts in reached.items():
        rows[pk].sales_contacts = len(contacts)


def content_performance(*, filters: FunnelFilters) -> Performance:
    """Each asset read (or sent by sales) in the window: how many contacts read it, how many of
    them then entered each stage (after their first read, before `until`), the won deals it
    influenced, and how often sales sent it."""
    reads = _reads(filters)
    influenced = _influenced(filters)
    sent = content_sent(
        since=filters.since, until=filters.until, contacts=filters.contacts_q("contact__")
    )
    wanted = set(reads) | set(influenced) | {pk for s in sent for pk in s.assets}
    assets = {a.pk: a for a in ContentAsset.objects.filter(pk__in=wanted)}
    rows: dict[int, Row] = {}
    for pk, asset in assets.items():
        rows[pk] = Row(key=str(pk), label=asset.title, funnel_stage=asset.funnel_stage)
    for content_id, (consumers, entered) in reads.items():
        row = rows[content_id]
        row.consumers = consumers
        row.stages.update(entered)
    for content_id, (count, money) in influenced.items():
        rows[content_id].won, rows[content_id].revenue = count, money
    _sales_use(rows, sent)
    ordered = sorted(rows.values(), key=lambda r: (-r.won, -r.consumers, r.label.lower()))
    return Performance(Dimension.CONTENT, filters, ordered, None)


def performance(*, dimension: Dimension, filters: FunnelFilters) -> Performance:
    if dimension == Dimension.CONTENT:
        return content_performance(filters=filters)
    return sourced_performance(dimension=dimension, filters=filters)
