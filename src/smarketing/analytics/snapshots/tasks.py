"""Queue tasks for report snapshots: thin wrappers around the services."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from smarketing.analytics.snapshots.services import (
    snapshot_refresh,
    snapshots_nightly,
    snapshots_prune,
)

logger = logging.getLogger(__name__)


@db_task()
def snapshot_refresh_task(snapshot_id: int) -> None:
    snapshot_refresh(snapshot_id=snapshot_id)


# Just after midnight UTC: the default window follows the date, so each day's default view
# is a new key, computed before anyone opens the page.
@db_periodic_task(crontab(minute="7", hour="0"))
def snapshots_nightly_task() -> None:
    """Once a night the pages' default views are computed, so they open at once, and the
    snapshots nobody has used for a month are deleted."""
    now = timezone.now()
    pruned = snapshots_prune(now=now)
    done = snapshots_nightly(today=now.date())
    logger.info("report snapshots: %s pruned, %s default views computed", pruned, len(done))
