"""Queue tasks for events: thin wrappers around the processing service.

Ingestion enqueues `events_process_task` once its rows are committed; the minutely sweep does the
same work, so events never wait for long if an enqueue was lost (a crash between commit and
enqueue, a Redis restart), and re-stitches touchpoints that raced with another worker's link.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from smarketing.events.processing.identity import stitch_recent
from smarketing.events.processing.run import BATCH_SIZE, events_process

logger = logging.getLogger(__name__)

# Events per events_process call; the loops stop when a call finds fewer.
CALL_LIMIT = 4 * BATCH_SIZE


def events_drain() -> int:
    """Process until nothing is left; returns how many events were processed."""
    total = 0
    while True:
        count = events_process(limit=CALL_LIMIT)
        total += count
        if count < CALL_LIMIT:
            return total


# The tasks return nothing: a result would be kept in the queue's store until someone read it.
@db_task()
def events_process_task() -> None:
    events_drain()


@db_periodic_task(crontab(minute="*"))
def events_process_sweep() -> None:
    processed = events_drain()
    stitched = stitch_recent()
    if processed or stitched:
        logger.info("sweep: %d events processed, %d touchpoints stitched", processed, stitched)
