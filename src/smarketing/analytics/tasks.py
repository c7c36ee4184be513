"""The analytics app's queue tasks. Huey finds tasks by importing `<app>.tasks`; each report
keeps its own tasks beside it and is imported here."""

from smarketing.analytics.attribution_report.tasks import (
    attribution_nightly_task,
    attribution_task,
)
from smarketing.analytics.insights.tasks import insights_nightly_task, insights_scan_task
from smarketing.analytics.snapshots.tasks import snapshot_refresh_task, snapshots_nightly_task

__all__ = [
    "attribution_nightly_task",
    "attribution_task",
    "insights_nightly_task",
    "insights_scan_task",
    "snapshot_refresh_task",
    "snapshots_nightly_task",
]
