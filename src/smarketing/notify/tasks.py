"""Queue tasks for notifications: a thin wrapper around notify.sending."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from smarketing.notify.sending import deliveries_send

logger = logging.getLogger(__name__)


@db_task()
def deliveries_send_soon() -> None:
    """Enqueued when a notification with a delivery due now is committed, so a prospect alert
    reaches the rep in seconds. Sending claims rows, so it never doubles the minute's sweep."""
    deliveries_send()


@db_periodic_task(crontab(minute="*"))
def deliveries_send_task() -> None:
    """Every minute: send the emails and webhooks that are due (new, retried, or waiting for
    the end of quiet hours or a digest). Several workers may run it at once."""
    outcome = deliveries_send()
    if outcome.sent or outcome.failed:
        logger.info(
            "notifications: %d sent, %d retrying, %d failed",
            outcome.sent,
            outcome.retrying,
            outcome.failed,
        )
