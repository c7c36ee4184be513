"""Queue tasks for the predictive model: thin wrappers around scoring.modelling.

Kept apart from scoring/tasks.py (the rule scores' tasks). Like every tasks module, the
schedule runs only in a consumer that has imported it."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from smarketing.scoring.modelling import model_train_run, predictions_refresh

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(day_of_week="0", hour="2", minute="41"))
def model_retrain_weekly() -> None:
    """Sunday night: learn from the week's newly closed leads (a refusal is recorded too)."""
    model = model_train_run()
    logger.info("weekly model training: %s %s", model.status, model.reason)


@db_periodic_task(crontab(hour="4", minute="23"))
def predictions_refresh_daily() -> None:
    """Open leads' features change every day (recency, new touches): predict them again."""
    written = predictions_refresh()
    logger.info("predictions refreshed for %d open leads", written)
