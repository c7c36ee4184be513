"""SQLite's write-ahead log is copied back into the database by the consumer's thread."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from django.db import connection

from smarketing import checkpoints
from smarketing.checkpoints import Checkpointer, checkpointer_start, wal_checkpoint


def _database(path: Path) -> sqlite3.Connection:
    """A WAL database whose commits never checkpoint on their own, with a row committed."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE t (x)")
    db.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
    db.commit()
    return db


def test_a_checkpoint_copies_every_frame_of_the_log(tmp_path: Path):
    db = _database(tmp_path / "a.sqlite3")

    busy, frames, copied = wal_checkpoint(tmp_path / "a.sqlite3")

    assert busy == 0 and frames > 0 and copied == frames
    # Nothing left to copy; the next write starts the log again from its beginning.
    db.execute("INSERT INTO t VALUES (1000)")
    db.commit()
    assert wal_checkpoint(tmp_path / "a.sqlite3")[1] < frames
    assert db.execute("SELECT count(*) FROM t").fetchone() == (1001,)


def test_a_reader_keeps_its_frames_and_nobody_waits(tmp_path: Path):
    db = _database(tmp_path / "b.sqlite3")
    reader = sqlite3.connect(tmp_path / "b.sqlite3", isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (1000,)
    db.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
    db.commit()

    busy, frames, copied = wal_checkpoint(tmp_path / "b.sqlite3")

    assert busy == 0 and copied < frames  # the reader's snapshot still needs the newer frames
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (1000,)
    reader.execute("COMMIT")
    assert wal_checkpoint(tmp_path / "b.sqlite3")[2] == frames


def test_the_thread_checkpoints_until_stopped(tmp_path: Path):
    _database(tmp_path / "c.sqlite3")
    done = threading.Event()

    class Watched(Checkpointer):
        def run(self) -> None:
            super().run()
            done.set()

    thread = Watched(tmp_path / "c.sqlite3", interval=0.01)
    thread.start()
    while thread.checkpoints < 2:
        assert thread.is_alive()
        thread.join(0.01)
    thread.stop()

    assert done.is_set() and not thread.is_alive()
    busy, frames, copied = wal_checkpoint(tmp_path / "c.sqlite3")
    assert busy == 0 and copied == frames


def test_a_failing_checkpoint_is_logged_once_and_tried_again(tmp_path: Path, caplog, monkeypatch):
    path = tmp_path / "d.sqlite3"
    attempts = 0
    real = checkpoints.wal_checkpoint

    def counted(at: Path | str) -> tuple[int, int, int]:
        nonlocal attempts
        attempts += 1
        return real(at)

    monkeypatch.setattr(checkpoints, "wal_checkpoint", counted)
    thread = Checkpointer(path, interval=0.01)
    thread.start()
    try:
        while attempts < 5:  # no database yet: every attempt fails
            assert thread.is_alive()
            thread.join(0.01)
        assert thread.checkpoints == 0 and not path.exists()
        assert [r.getMessage() for r in caplog.records] == [
            f"checkpoints of {path} fail; trying again"
        ]
        _database(path)
        while thread.checkpoints == 0:
            assert thread.is_alive()
            thread.join(0.01)
    finally:
        thread.stop()

    assert caplog.records[-1].getMessage() == f"checkpoints of {path} work again"


@pytest.mark.django_db
def test_the_consumer_starts_one_thread_on_a_sqlite_file_only(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(checkpoints, "_started", None)
    if connection.vendor != "sqlite":
        assert checkpointer_start() is None
        return
    # A database in memory (as Django's test databases are) has no log to copy.
    for memory in (":memory:", "file:memorydb_default?mode=memory&cache=shared"):
        monkeypatch.setitem(connection.settings_dict, "NAME", memory)
        assert checkpointer_start() is None
    _database(tmp_path / "e.sqlite3")
    monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "e.sqlite3"))
    first = checkpointer_start()
    try:
        assert first is not None and first.is_alive()
        assert first.path == str(tmp_path / "e.sqlite3")
        assert checkpointer_start() is first
    finally:
        if first is not None:
            first.stop()
