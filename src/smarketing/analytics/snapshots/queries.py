"""Reads for report snapshots: the stored snapshot, the data version now, and how large the
installation is, each one cheap query."""

from __future__ import annotations

from typing import Any

from django.db import connection

from smarketing.analytics.snapshots.models import ReportSnapshot
from smarketing.campaigns.models import Campaign
from smarketing.content.models import ContentAsset
from smarketing.deals.models import Deal
from smarketing.events.models import Touchpoint
from smarketing.handoff.models import Assignment
from smarketing.lifecycle.models import StageTransition
from smarketing.people.models import Account, Contact

# What the funnel and performance pages read, as (name, aggregate, model, column). Each is an
# index-only lookup (the end of a primary key or of an indexed column) or a scan of a small
# table; counting the large tables would cost seconds. History, touchpoints and assignments
# are append-only, so their newest id moves with every new row; an edit of a contact's or an
# account's fields (segments, source), of a deal, a campaign (its cost) or a content asset (its
# funnel stage) moves its table's newest updated_at.
_VERSION_PARTS: tuple[tuple[str, str, type[Any], str], ...] = (
    ("transitions_max_id", "MAX", StageTransition, "id"),
    ("touchpoints_max_id", "MAX", Touchpoint, "id"),
    ("assignments_max_id", "MAX", Assignment, "id"),
    ("deals_max_id", "MAX", Deal, "id"),
    ("deals_changed", "MAX", Deal, "updated_at"),
    ("contacts_changed", "MAX", Contact, "updated_at"),
    ("accounts_changed", "MAX", Account, "updated_at"),
    ("campaigns_changed", "MAX", Campaign, "updated_at"),
    ("content_changed", "MAX", ContentAsset, "updated_at"),
)


def data_version_current() -> dict[str, Any]:
    """The data version now, in one query (milliseconds at 20M touchpoints)."""
    quote = connection.ops.quote_name
    selects = [
        f"(SELECT {aggregate}({quote(column)}) FROM {quote(model._meta.db_table)})"
        for _, aggregate, model, column in _VERSION_PARTS
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects))
        row = cursor.fetchone()
    # str(): a datetime comes back as text on SQLite and as a datetime on PostgreSQL; stored
    # as JSON, both compare as the text.
    return {
        name: None if value is None else value if isinstance(value, int) else str(value)
        for (name, *_), value in zip(_VERSION_PARTS, row, strict=True)
    }


def stage_moves_estimate() -> int:
    """About how many stage moves are stored: the newest id, which never undercounts much
    and costs one index lookup where a count reads the whole table."""
    found = StageTransition.objects.order_by("-id").values_list("id", flat=True).first()
    return int(found or 0)


def snapshot_find(*, report: str, key: str) -> ReportSnapshot | None:
    return ReportSnapshot.objects.filter(report=report, key=key).first()
