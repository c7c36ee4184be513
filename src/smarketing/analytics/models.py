"""The analytics app's stored results; each lives beside the report that writes it."""

from smarketing.analytics.attribution_report.models import AttributionRun
from smarketing.analytics.insights.models import InsightRun, RunStatus
from smarketing.analytics.snapshots.models import ReportSnapshot

__all__ = ["AttributionRun", "InsightRun", "ReportSnapshot", "RunStatus"]
