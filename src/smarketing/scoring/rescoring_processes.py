"""A full rescoring split over worker processes.

Scoring is Python work: one process scores a few thousand contacts a second, and a million
contacts take minutes. The contacts are cut into as many id ranges of about equal size as
there are processes, and each process rescores its range with `refresh.rescore_range`, adding
to the run's counts as it goes. Processes are started fresh ("spawn", not "fork": the queue
worker has threads and open connections) and set Django up themselves, on the database the
starting process uses. The accounts are rescored afterwards, by the starting process.

On SQLite the processes score side by side and take turns to write (a chunk's write is a
short transaction), through a lock they share: SQLite's own wait for its write lock sleeps in
steps of up to 100 ms, which left a process idle for much of a run. On PostgreSQL they write
side by side.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from typing import Any

from django.db import connection
from django.db.models import Q

# Nothing here imports a model at the top: a new process imports this module to find its
# functions before it has set Django up.


def rescore_in_processes(
    *, run_id: int, version: int, now: dt.datetime, promote: bool, count: int
) -> None:
    """Rescore every contact for the run in `count` processes; the first error of any of them
    is raised here, once the others have finished the range they were on (each chunk they
    wrote is whole, and the failed run can simply be started again)."""
    ranges = id_ranges(count)
    database = str(connection.settings_dict["NAME"])
    context = multiprocessing.get_context("spawn")
    lock = context.Lock() if connection.vendor == "sqlite" else None
    with ProcessPoolExecutor(
        max_workers=len(ranges),
        mp_context=context,
        initializer=_process_setup,
        initargs=(database, lock),
    ) as pool:
        futures = [
            pool.submit(
                _range_rescore,
                run_id=run_id,
                version=version,
                now=now.isoformat(),
                promote=promote,
                low=low,
                high=high,
            )
            for low, high in ranges
        ]
        finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in finished if f.exception() is not None]
        if failed:
            pool.shutdown(cancel_futures=True)
            raise failed[0].exception()  # type: ignore[misc]


def id_ranges(count: int) -> list[tuple[int | None, int | None]]:
    """`count` id ranges [low, high) of about the same number of contacts each, covering all
    ids (None: unbounded). The cuts are read by offset in the primary key's index, one query
    each."""
    from smarketing.people.models import Contact

    total = Contact.objects.count()
    ids = Contact.objects.order_by("pk").values_list("pk", flat=True)
    cuts = sorted({ids[total * k // count] for k in range(1, count) if total * k // count})
    bounds: list[int | None] = [None, *cuts, None]
    return list(itertools.pairwise(bounds))


# The processes' shared write lock (SQLite), set in each process by `_process_setup`.
_write_lock: Any = None


def _process_setup(database: str, lock: Any) -> None:
    """A new process: Django set up, on the starting process's database (under the tests that
    is the test database, whose name only that process's settings know)."""
    global _write_lock
    _write_lock = lock
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarketing.settings")
    import django

    django.setup()
    from django.db import connections

    default = connections["default"]
    default.close()
    default.settings_dict["NAME"] = database


def _range_rescore(
    *, run_id: int, version: int, now: str, promote: bool, low: int | None, high: int | None
) -> None:
    from smarketing.errors import InvalidInput
    from smarketing.scoring.refresh import rescore_range
    from smarketing.scoring.scores import definition_in_force

    live, definition = definition_in_force()
    if live.number != version:
        raise InvalidInput(
            f"version {live.number} went live while version {version}'s run was rescoring",
            field="version",
        )
    ids = Q()
    if low is not None:
        ids &= Q(pk__gte=low)
    if high is not None:
        ids &= Q(pk__lt=high)
    try:
        rescore_range(
            run_id=run_id,
            version=version,
            definition=definition,
            now=dt.datetime.fromisoformat(now),
            promote=promote,
            ids=ids,
            write_lock=_write_lock,
        )
    finally:
        connection.close()
