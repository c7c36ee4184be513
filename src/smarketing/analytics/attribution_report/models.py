"""A stored attribution run: every model's credit, computed from the data as it was (its data
version). The sibling of insights' InsightRun, with the same shape and life cycle (queued,
running, done or failed), plus the key of its parameters, as several windows and levels are kept
side by side."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from smarketing.analytics.insights.models import RunStatus


class AttributionRun(models.Model):
    """One computation of every model over the journeys of `params`, requested (from the page,
    the API or the nightly schedule) and then run by the queue. `result` is the whole answer
    the page and the API show, so reading it is one query; `data_version` says what data it
    was computed from, so a reader can tell when the data has moved on since."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    params = models.JSONField(default=dict, help_text="The run's parameters (docs/analytics.md).")
    key = models.CharField(
        max_length=300, help_text="The parameters as a query string: equal parameters, equal key."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    data_version = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["key", "status", "-id"], name="attributionrun_key_status")]

    def __str__(self) -> str:
        return f"attribution run {self.pk} ({self.status})"
