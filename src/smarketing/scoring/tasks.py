"""Queue tasks for scoring: thin wrappers around scoring.refresh."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from smarketing.scoring.backtest import backtest_execute
from smarketing.scoring.refresh import rescoring_run, scores_decay, scores_sweep

logger = logging.getLogger(__name__)


@db_task()
def rescoring_task(run_id: int) -> None:
    rescoring_run(run_id=run_id)


@db_task()
def backtest_task(run_id: int) -> None:
    backtest_execute(run_id=run_id)


@db_periodic_task(crontab(minute="*/10"))
def scores_sweep_task() -> None:
    """Contacts created without an activity (imports, people) get their first score."""
    outcome = scores_sweep()
    if outcome.scored:
        logger.info(
            "scores sweep: %d contacts scored, %d promoted", outcome.scored, outcome.promoted
        )


@db_periodic_task(crontab(minute="17", hour="3"))
def scores_decay_task() -> None:
    """Engagement fades every day; once a night every engaged contact is rescored."""
    outcome = scores_decay()
    logger.info("scores decay: %d contacts rescored, %d changed", outcome.scored, outcome.changed)
