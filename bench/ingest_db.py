"""The databases of bench/ingest.py, reached directly (sqlite3, psycopg; no Django): fresh
databases, row counts, and the raw limit — a table's rows bulk-inserted straight into an empty
copy of it (PostgreSQL `COPY`, SQLite `executemany` in one transaction).
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

COPY_PREFIX = "bench_copy_"


@dataclass(frozen=True)
class Database:
    vendor: str  # "sqlite" or "postgresql"
    url: str  # the DATABASE_URL the server and workers use
    path: Path | None = None  # SQLite's file
    name: str = ""  # PostgreSQL's database


def sqlite_database(directory: Path) -> Database:
    path = directory / "bench.sqlite3"
    return Database(vendor="sqlite", url=f"sqlite:///{path}", path=path)


def postgres_create(server_url: str, name: str) -> Database:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = urlunparse(urlparse(server_url)._replace(path=f"/{name}"))
    return Database(vendor="postgresql", url=url, name=name)


def postgres_drop(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def connect(db: Database) -> Iterator[Any]:
    """A DB-API connection in autocommit mode (transactions are explicit)."""
    if db.vendor == "sqlite":
        conn = sqlite3.connect(db.path, isolation_level=None, timeout=30)
        # As Django's connections are set up (env.py, and Django turns foreign keys on).
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    else:
        import psycopg

        conn = psycopg.connect(db.url, autocommit=True)
    try:
        yield conn
    finally:
        conn.close()


def scalar(conn: Any, sql: str) -> Any:
    return conn.execute(sql).fetchone()[0]


# Touchpoints without a contact although one of their ids is linked to one: stitching missed them.
LOOSE_TOUCHPOINTS = """
    SELECT count(*) FROM events_touchpoint t JOIN events_rawevent r ON r.id = t.raw_event_id
    WHERE t.contact_id IS NULL AND (
        EXISTS (SELECT 1 FROM events_identity i
                WHERE i.kind = 'anonymous' AND t.anonymous_id <> '' AND i.value = t.anonymous_id)
        OR EXISTS (SELECT 1 FROM events_identity i
                   WHERE i.kind = 'user' AND r.user_id <> '' AND i.value = r.user_id))
"""


def counts(db: Database) -> dict[str, int]:
    with connect(db) as conn:
        return {
            "raw_events": scalar(conn, "SELECT count(*) FROM events_rawevent"),
            "distinct_message_ids": scalar(
                conn, "SELECT count(DISTINCT message_id) FROM events_rawevent"
            ),
            "unprocessed": scalar(
                conn, "SELECT count(*) FROM events_rawevent WHERE processed_at IS NULL"
            ),
            "rejected_events": scalar(conn, "SELECT count(*) FROM events_rejectedevent"),
            "touchpoints": scalar(conn, "SELECT count(*) FROM events_touchpoint"),
            "touchpoints_with_contact": scalar(
                conn, "SELECT count(*) FROM events_touchpoint WHERE contact_id IS NOT NULL"
            ),
            "touchpoints_loose": scalar(conn, LOOSE_TOUCHPOINTS),
            "contacts": scalar(conn, "SELECT count(*) FROM people_contact"),
            "accounts": scalar(conn, "SELECT count(*) FROM people_account"),
            "campaigns": scalar(conn, "SELECT count(*) FROM campaigns_campaign"),
        }


def version(db: Database) -> str:
    with connect(db) as conn:
        if db.vendor == "sqlite":
            return str(scalar(conn, "SELECT sqlite_version()"))
        return str(scalar(conn, "SHOW server_version")).split(" ")[0]


def analyze(db: Database) -> None:
    """Refresh the planner's statistics (autovacuum does it a minute or so after a burst)."""
    with connect(db) as conn:
        conn.execute("ANALYZE")


@dataclass(frozen=True)
class RawLimit:
    table: str
    rows: int
    seconds: float  # the bulk insert and its commit


def raw_limit(db: Database, table: str) -> RawLimit:
    """Bulk-insert the rows of `table` (all columns but an id), in the order of its primary
    key, into an empty copy of it with the same indexes, constraints and foreign keys; the copy
    is dropped afterwards."""
    with connect(db) as conn:
        copy = COPY_PREFIX + table
        if db.vendor == "sqlite":
            return _sqlite_limit(conn, table, copy)
        return _postgres_limit(conn, table, copy)


def _sqlite_limit(conn: sqlite3.Connection, table: str, copy: str) -> RawLimit:
    names = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")') if row[1] != "id"]
    columns = ", ".join(f'"{name}"' for name in names)
    # The rowid: the id where the table has one, else the order rows were added in.
    rows = conn.execute(f'SELECT {columns} FROM "{table}" ORDER BY rowid').fetchall()
    schema = conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC",
        (table,),
    ).fetchall()
    conn.execute(f'DROP TABLE IF EXISTS "{copy}"')
    for (sql,) in schema:  # the table first ("table" sorts after "index"), then its indexes
        sql = sql.replace(f'"{table}"', f'"{copy}"', 1)
        sql = re.sub(r'INDEX "(\w+)"', rf'INDEX "{COPY_PREFIX}\1"', sql, count=1)
        conn.execute(sql)
    placeholders = ", ".join("?" for _ in names)
    began = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f'INSERT INTO "{copy}" ({columns}) VALUES ({placeholders})', rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - began
    inserted = scalar(conn, f'SELECT count(*) FROM "{copy}"')
    conn.execute(f'DROP TABLE "{copy}"')
    return RawLimit(table=table, rows=inserted, seconds=seconds)


def _postgres_limit(conn: Any, table: str, copy: str) -> RawLimit:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name <> 'id' ORDER BY ordinal_position",
            (table,),
        )
    ]
    columns = ", ".join(f'"{name}"' for name in names)
    key = ", ".join(
        f'"{row[0]}"'
        for row in conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey::int2[], a.attnum)",
            (table,),
        )
    )
    data = bytearray()
    ordered = f'SELECT {columns} FROM "{table}" ORDER BY {key}'
    with conn.cursor().copy(f"COPY ({ordered}) TO STDOUT") as out:
        for block in out:
            data += block
    foreign_keys = [
        row[0]
        for row in conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            (table,),
        )
    ]
    conn.execute(f'DROP TABLE IF EXISTS "{copy}"')
    conn.execute(f'CREATE TABLE "{copy}" (LIKE "{table}" INCLUDING ALL)')
    for definition in foreign_keys:
        conn.execute(f'ALTER TABLE "{copy}" ADD {definition}')
    chunk = 1 << 20
    began = time.perf_counter()
    with conn.transaction(), conn.cursor().copy(f'COPY "{copy}" ({columns}) FROM STDIN') as into:
        for start in range(0, len(data), chunk):
            into.write(data[start : start + chunk])
    seconds = time.perf_counter() - began
    inserted = scalar(conn, f'SELECT count(*) FROM "{copy}"')
    conn.execute(f'DROP TABLE "{copy}"')
    return RawLimit(table=table, rows=inserted, seconds=seconds)
