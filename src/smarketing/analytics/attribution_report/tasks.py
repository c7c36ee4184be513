"""Queue tasks for attribution: thin wrappers around the services."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from smarketing.analytics.attribution_report.services import attribution_nightly, attribution_run

logger = logging.getLogger(__name__)


@db_task()
def attribution_task(run_id: int) -> None:
    attribution_run(run_id=run_id)


@db_periodic_task(crontab(minute="53", hour="2"))
def attribution_nightly_task() -> None:
    """Once a night the default page (the last twelve months) is computed again, so it opens
    on a fresh result; skipped when nothing changed."""
    run = attribution_nightly(today=timezone.now().date())
    if run is None:
        logger.info("attribution: data unchanged since the last run, not computed again")
    else:
        journeys = run.result.get("journeys", {})
        logger.info(
            "attribution: %s converting and %s null journeys",
            journeys.get("converting"),
            journeys.get("null"),
        )
