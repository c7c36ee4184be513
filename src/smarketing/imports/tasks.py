"""Queue tasks for imports: thin wrappers around the services."""

from __future__ import annotations

from django.db import transaction
from huey.contrib.djhuey import HUEY, db_task

from smarketing.imports import services
from smarketing.imports.models import ImportJob, JobStatus

# Files up to this many rows import while the request waits; larger ones go to the queue.
SYNC_ROWS = 300


@db_task()
def import_job_run(job_id: int) -> None:
    services.job_run(job_id=job_id)


def job_dispatch(*, job: ImportJob) -> None:
    """Start a draft job: now, when it is small or the queue runs tasks immediately (tests, the
    embedded default with SMARKETING_QUEUE_IMMEDIATE), else on the queue once this commits."""
    if not services.job_start(job=job) or job.status != JobStatus.QUEUED:
        return
    if HUEY.immediate or job.total_rows <= SYNC_ROWS:
        services.job_run(job_id=job.pk)
        job.refresh_from_db()
        return
    job_id = job.pk
    transaction.on_commit(lambda: import_job_run(job_id))
