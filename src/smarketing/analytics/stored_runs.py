"""Running a stored computation (an insights scan, an attribution run): claim it, compute its
result, and store it with the data version it read, or the error it ended with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from smarketing.analytics.insights.models import RunStatus

Run = TypeVar("Run", bound=models.Model)


def run_claimed(
    model: type[Run], *, run_id: int, compute: Callable[[Run], tuple[dict[str, Any], Any]]
) -> Run | None:
    """Claim the queued run with a conditional UPDATE (a repeated task does nothing: None),
    then store what `compute(run)` gives, (data version, result), with status DONE; on an
    error store it, status FAILED, and raise it again."""
    runs = model.objects.filter(pk=run_id)  # type: ignore[attr-defined]
    claimed = runs.filter(status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = runs.get()
    try:
        version, result = compute(run)
    except Exception as exc:
        runs.update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}",
        )
        raise
    runs.update(
        status=RunStatus.DONE, finished_at=timezone.now(), data_version=version, result=result
    )
    run.refresh_from_db()
    return run
