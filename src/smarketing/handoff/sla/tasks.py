"""Queue tasks for the SLA: a thin periodic wrapper around the escalation check."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from smarketing.handoff.sla.escalations import sla_escalations_run

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))
def sla_escalations_task() -> None:
    """Every five minutes: alert obligations due soon and escalate breaches, once each."""
    outcome = sla_escalations_run(now=timezone.now())
    if outcome.alerted:
        logger.info("sla check: %d clocks, %d alerts", outcome.checked, outcome.alerted)
