"""A stored scan: the insights computed from the data as it was (its data version)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class InsightRun(models.Model):
    """One scan, requested (from the page, the API, the CLI or the nightly schedule), then run
    by the queue. `result` is the whole answer pages and the API show, so reading the insights
    is one query; `data_version` says what data it was computed from, so a reader can tell
    when the data has moved on since."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    params = models.JSONField(default=dict, help_text="The scan's settings (docs/analytics.md).")
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
        indexes = [
            models.Index(fields=["status", "finished_at"], name="insightrun_status_finished")
        ]

    def __str__(self) -> str:
        return f"insights scan {self.pk} ({self.status})"
