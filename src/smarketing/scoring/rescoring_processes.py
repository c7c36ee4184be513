"""A full rescoring shared between the starting process and worker processes.

Scoring is Python work: one process scores about ten thousand contacts a second, and a million
contacts take minutes. The contacts are cut into batches of consecutive ids (`batch_size`); every
process, the starting one included, takes the next batch not yet taken, from a counter they share,
until none is left, and rescores it with `refresh.rescore_range`, writing it in one transaction and
adding to the run's counts. So no process waits for the others, and the starting process works
while the others are still starting. Processes are not forked from the starting one (the queue
worker has threads and open connections) but from a fork server: a clean process started once,
which imports Django, sets it up and imports the scoring code (`rescoring_preload`), then forks a
worker for each run in a few milliseconds. Starting a fresh interpreter for each worker cost a
second of CPU every run. A worker uses the database the starting process uses. Once every contact
is rescored (an account's engagement is the sum of its contacts' new scores), the same processes
rescore the accounts, each a slice of consecutive ids (alone, the starting process spent a tenth of
a run on them while the others sat idle).

On SQLite the processes score side by side and take turns to write (a batch's write is a
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

BATCH = 4_000
# A run over many contacts cuts about BATCHES batches (enough for the processes to finish
# close together), of at most BATCH_MAX contacts. A batch is written in one transaction
# (`refresh.rescore_range`): at a million contacts on SQLite, writing 20,000 at a time rather
# than 2,000 halved the writes' cost per contact.
BATCHES = 50
BATCH_MAX = 20_000


def batch_size(total: int) -> int:
    """Contacts per batch for a run over `total` contacts."""
    return max(BATCH, min(BATCH_MAX, total // BATCHES))


def rescore_in_processes(
    *, run_id: int, version: int, now: dt.datetime, promote: bool, count: int, batch: int
) -> None:
    """Rescore every contact for the run in this process and `count - 1` more, `batch`
    contacts at a time, then every account with contacts. The first error stops every process
    once it has finished the batch it was on (each batch written is whole, and the failed run
    can simply be started again) and is raised here."""
    bounds = id_batches(batch)
    database = str(connection.settings_dict["NAME"])
    context = multiprocessing.get_context("forkserver")
    # Read when the fork server starts (the first run in this process).
    context.set_forkserver_preload(["smarketing.scoring.rescoring_preload"])
    shared = _Shared(
        bounds=bounds,
        taken=context.Value("i", 0),
        write_lock=context.Lock() if connection.vendor == "sqlite" else None,
    )
    job = {
        "run_id": run_id,
        "version": version,
        "now": now.isoformat(),
        "promote": promote,
        "batch": batch,
    }
    with ProcessPoolExecutor(
        max_workers=count - 1,
        mp_context=context,
        initializer=_process_setup,
        initargs=(database, shared),
    ) as pool:
        futures = [pool.submit(_batches_rescore, **job) for _ in range(count - 1)]
        _batches_rescore(**job, shared=shared, close=False)
        _all_done(pool, futures)
        from smarketing.scoring.refresh import accounts_with_contacts

        slices = slices_of(accounts_with_contacts(), count)
        accounts_job = {"version": version, "now": job["now"]}
        futures = [pool.submit(_accounts_rescore, ids=ids, **accounts_job) for ids in slices[1:]]
        _accounts_rescore(ids=slices[0], **accounts_job, shared=shared, close=False)
        _all_done(pool, futures)


def slices_of(ids: list[int], count: int) -> list[list[int]]:
    """`ids` cut into `count` slices of consecutive ids, as even as can be (some may be empty)."""
    size, extra = divmod(len(ids), count)
    bounds = [i * size + min(i, extra) for i in range(count + 1)]
    return [ids[low:high] for low, high in itertools.pairwise(bounds)]


def _all_done(pool: ProcessPoolExecutor, futures: list[Any]) -> None:
    """Wait for the workers' tasks; the first that failed is raised (the others cancelled)."""
    finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
    failed = [f for f in finished if f.exception() is not None]
    if failed:
        pool.shutdown(cancel_futures=True)
        raise failed[0].exception()  # type: ignore[misc]


def id_batches(size: int) -> list[tuple[int | None, int | None]]:
    """Id ranges [low, high) of `size` contacts each (the last may hold fewer), covering all
    ids (None: unbounded). Each cut is read by a keyset step over the primary key's index."""
    from smarketing.people.models import Contact

    table = Contact._meta.db_table
    cuts: list[int] = []
    with connection.cursor() as cursor:
        while True:
            # The next cut is `size` ids on from the last (the first: from the start).
            after = f"WHERE id >= {int(cuts[-1])} " if cuts else ""
            cursor.execute(f"SELECT id FROM {table} {after}ORDER BY id LIMIT 1 OFFSET %s", [size])
            row = cursor.fetchone()
            if row is None:
                break
            cuts.append(int(row[0]))
    bounds: list[int | None] = [None, *cuts, None]
    return list(itertools.pairwise(bounds))


class _Shared:
    """What the processes share: the batches, the counter of batches taken, and (SQLite) the
    write lock. Passed to a worker when it starts."""

    def __init__(
        self, *, bounds: list[tuple[int | None, int | None]], taken: Any, write_lock: Any
    ) -> None:
        self.bounds = bounds
        self.taken = taken
        self.write_lock = write_lock

    def next_batch(self) -> tuple[int | None, int | None] | None:
        with self.taken.get_lock():
            index = self.taken.value
            if index >= len(self.bounds):
                return None
            self.taken.value = index + 1
        return self.bounds[index]

    def stop(self) -> None:
        """No more batches for anyone (after an error)."""
        with self.taken.get_lock():
            self.taken.value = len(self.bounds)


# A worker's shared state, set by `_process_setup` (the starting process passes its own).
_shared: _Shared | None = None


def _process_setup(database: str, shared: _Shared) -> None:
    """A new process: Django set up, on the starting process's database (under the tests that
    is the test database, whose name only that process's settings know)."""
    global _shared
    _shared = shared
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarketing.settings")
    import django

    django.setup()
    from django.db import connections

    default = connections["default"]
    default.close()
    default.settings_dict["NAME"] = database


def _batches_rescore(
    *,
    run_id: int,
    version: int,
    now: str,
    promote: bool,
    batch: int,
    shared: _Shared | None = None,
    close: bool = True,
) -> None:
    """Rescore batches until none is left, each written in one transaction. In a worker
    `shared` is the one it started with; the starting process passes its own (two runs in two
    threads of one process must not share)."""
    from smarketing.scoring.refresh import rescore_range
    from smarketing.scoring.scores import definition_in_force

    shared = shared or _shared
    assert shared is not None
    try:
        live, definition = definition_in_force()
        _live_check(live.number, version)
        while (bounds := shared.next_batch()) is not None:
            low, high = bounds
            ids = Q()
            if low is not None:
                ids &= Q(pk__gte=low)
            if high is not None:
                ids &= Q(pk__lt=high)
            rescore_range(
                run_id=run_id,
                version=version,
                definition=definition,
                now=dt.datetime.fromisoformat(now),
                promote=promote,
                ids=ids,
                write_every=batch,
                write_lock=shared.write_lock,
            )
    except BaseException:
        shared.stop()
        raise
    finally:
        if close:
            connection.close()


def _accounts_rescore(
    *, ids: list[int], version: int, now: str, shared: _Shared | None = None, close: bool = True
) -> None:
    """Rescore the accounts `ids` (their contacts' scores all written), holding the shared
    write lock for each chunk's write as the contacts' batches do."""
    from smarketing.scoring.refresh import accounts_refresh
    from smarketing.scoring.scores import definition_in_force

    shared = shared or _shared
    assert shared is not None
    try:
        live, definition = definition_in_force()
        _live_check(live.number, version)
        accounts_refresh(
            ids,
            version=version,
            definition=definition,
            now=dt.datetime.fromisoformat(now),
            write_lock=shared.write_lock,
        )
    finally:
        if close:
            connection.close()


def _live_check(live: int, version: int) -> None:
    from smarketing.errors import InvalidInput

    if live != version:
        raise InvalidInput(
            f"version {live} went live while version {version}'s run was rescoring",
            field="version",
        )
