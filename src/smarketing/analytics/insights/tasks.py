"""Queue tasks for insights: thin wrappers around the services."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from smarketing.analytics.insights.services import insights_nightly, insights_run

logger = logging.getLogger(__name__)


@db_task()
def insights_scan_task(run_id: int) -> None:
    insights_run(run_id=run_id)


@db_periodic_task(crontab(minute="41", hour="2"))
def insights_nightly_task() -> None:
    """Once a night, after the day's feedback and deals are in; skipped when nothing changed."""
    run = insights_nightly()
    if run is None:
        logger.info("insights: data unchanged since the last scan, not scanned again")
    else:
        found = len(run.result.get("insights", []))
        logger.info("insights: scanned %s leads, %d insights", run.result.get("leads"), found)
