"""SQLite only: the write-ahead log (WAL) is copied back into the database file (a checkpoint)
by a thread of the queue consumer's process every second, not by the commit that happens to
find the log past its size limit.

A checkpoint of the pages an event batch and its scores dirtied (a few thousand, scattered over
a large file) made the commit that ran it wait on the disk: at a million contacts the event
batches with scoring waited on checkpoints for longer than they scored. The thread's
checkpoint is PASSIVE: it copies what no reader still needs and never waits for a lock, so
writers and readers go on meanwhile, and once every frame is copied the next writer starts the
log again from its beginning. The connections' own limit (`env._sqlite`, 40,000 pages) stays
as the fallback for a process without the thread (the web server alone, a command).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

logger = logging.getLogger(__name__)

INTERVAL_S = 1.0

_started: Checkpointer | None = None
_lock = threading.Lock()


def wal_checkpoint(path: Path | str) -> tuple[int, int, int]:
    """One passive checkpoint of the database at `path`, on a connection of its own: (1 if it
    could not finish because another connection held a lock, else 0; frames in the log;
    frames copied), as SQLite's `PRAGMA wal_checkpoint` gives them."""
    # Read-write, never create: a database that is gone is an error, not a new empty file.
    connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True)
    try:
        busy, frames, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        connection.close()
    return int(busy), int(frames), int(copied)


class Checkpointer(threading.Thread):
    """Checkpoints the database every `interval` seconds until `stop` (a daemon thread: it
    ends with its process)."""

    def __init__(self, path: Path | str, *, interval: float = INTERVAL_S) -> None:
        super().__init__(name="sqlite-checkpoints", daemon=True)
        self.path, self.interval = path, interval
        self.checkpoints = 0  # finished ones (tests wait on it)
        self._stopping = threading.Event()

    def run(self) -> None:
        failing = False
        while not self._stopping.wait(self.interval):
            try:
                wal_checkpoint(self.path)
            except sqlite3.Error:
                # A full disk, say: the commits' own checkpoints remain; tried again every
                # interval, logged once until one succeeds.
                if not failing:
                    logger.exception("checkpoints of %s fail; trying again", self.path)
                failing = True
                continue
            if failing:
                logger.warning("checkpoints of %s work again", self.path)
            failing = False
            self.checkpoints += 1

    def stop(self) -> None:
        self._stopping.set()
        self.join()


def checkpointer_start() -> Checkpointer | None:
    """Start this process's checkpoint thread when the database is a SQLite file (once; later
    calls return the same thread). None on another database."""
    global _started
    from django.db import connection
    from django.db.backends.sqlite3.creation import DatabaseCreation

    name = str(connection.settings_dict["NAME"])
    # In memory, as Django's test databases are: no file, no log to copy.
    if connection.vendor != "sqlite" or DatabaseCreation.is_in_memory_db(name):
        return None
    with _lock:
        if _started is None or not _started.is_alive():
            _started = Checkpointer(name)
            _started.start()
        return _started
