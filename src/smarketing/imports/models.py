"""Import jobs started from the web UI: the uploaded file, the choices, and what came of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from smarketing.imports.mappings import Kind

KIND_CHOICES = [(k.value, k.value.capitalize()) for k in Kind]


class JobStatus(models.TextChoices):
    DRAFT = "draft", "Uploaded, not started"
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """One upload. The file is kept in the row so any worker can read it."""

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    mapping = models.CharField(
        max_length=20, default="auto", help_text="auto, smarketing, hubspot or salesforce."
    )
    overrides = models.JSONField(
        default=dict, blank=True, help_text="CSV column → our field (null to ignore)."
    )
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    encoding = models.CharField(max_length=40, blank=True, help_text="Empty means UTF-8.")
    day_first = models.BooleanField(default=False)
    atomic = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.DRAFT)
    format_label = models.CharField(max_length=100, blank=True)
    header = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    accounts_created = models.PositiveIntegerField(default=0)
    written = models.BooleanField(default=False, help_text="Whether rows were committed.")
    error = models.TextField(blank=True, help_text="Why the file as a whole was refused.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="importjob_status_created")]

    def __str__(self) -> str:
        return f"{self.kind} from {self.filename} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}


class ImportRejectedRow(models.Model):
    """A row the job did not import: where it is in the file, why, and its cells as read."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejected_rows")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=500, blank=True)
    reason = models.TextField()
    cells = models.JSONField(default=list)

    class Meta:
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"
