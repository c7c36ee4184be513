"""A stored report snapshot: one page's numbers for one set of parameters."""

from __future__ import annotations

from django.db import models

from smarketing.analytics.insights.models import RunStatus


class ReportSnapshot(models.Model):
    """The numbers of `report` for the parameters `key`, computed from the data as it was
    (`data_version`). One row per report and key: a refresh overwrites it. `status` says
    whether a refresh is queued or running (DONE: none is); a worker claims a queued refresh
    with a conditional UPDATE, so one key is never computed twice at once. `result` is empty
    until the first computation ends."""

    report = models.CharField(max_length=40)
    key = models.CharField(
        max_length=300, help_text="The parameters as a query string: equal parameters, equal key."
    )
    params = models.JSONField(default=dict)
    result = models.JSONField(default=dict, blank=True)
    data_version = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the data version was last found unchanged."
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.DONE)
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="reportsnapshot_report_key")
        ]

    def __str__(self) -> str:
        return f"{self.report} snapshot {self.key!r} ({self.status})"

    @property
    def pending(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)
