"""The references of bench/scoring.py's full rescoring, measured in the same process and database:

- the **engine alone**: `Scorer.score_columns` over facts already in memory (read beforehand,
  per chunk, with the product's own `facts` functions, whose time is reported apart);
- the **raw I/O limit**: the same rows read in one scan by a plain DB-API connection (PostgreSQL
  `COPY (query) TO STDOUT`, SQLite a cursor's tuples) and the rows the run wrote bulk-inserted
  into empty copies of their tables with the same indexes and foreign keys
  (`ingest_db.raw_limit`: COPY, or executemany in one transaction).
"""

from __future__ import annotations

import os
import time
from typing import Any

import ingest_db

# The columns the product reads per contact and per touchpoint (scoring/facts.py).
CONTACTS_SQL = """
    SELECT c.id, c.email, c.title, c.seniority, c.country, c.source_channel, c.lifecycle_stage,
           c.account_id, a.employees, a.annual_revenue, a.industry, a.country
    FROM people_contact c LEFT JOIN people_account a ON a.id = c.account_id
"""
TOUCHPOINTS_SQL = """
    SELECT t.contact_id, t.occurred_at, t.kind, t.channel, t.path, t.form, t.high_intent,
           t.event, t.properties, coalesce(cp.name, ''), coalesce(ca.funnel_stage, '')
    FROM events_touchpoint t
    LEFT JOIN campaigns_campaign cp ON cp.id = t.campaign_id
    LEFT JOIN content_contentasset ca ON ca.id = t.content_id
    WHERE t.contact_id IS NOT NULL
"""
WRITTEN_TABLES = {
    "current": "scoring_currentcontactscore",
    "history": "scoring_scorechange",
    "accounts": "scoring_currentaccountscore",
}


def engine_alone(*, text: str, sample: int) -> dict[str, Any]:
    """Score the first `sample` contacts chunk by chunk: facts read (timed apart), then the
    engine over them in memory."""
    from django.utils import timezone

    from smarketing.people.models import Contact
    from smarketing.scoring import rules
    from smarketing.scoring.facts import contact_facts_many, touchpoint_columns
    from smarketing.scoring.refresh import CHUNK, collector_paused

    definition = rules.load(text)
    scorer = rules.scorer_for(definition)  # compiled once, as the product's cache does
    ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True)[:sample])
    now = timezone.now()
    facts_s = engine_s = engine_cpu = 0.0
    touchpoints = scored = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        began = time.perf_counter()
        contacts = contact_facts_many(chunk)
        touches = touchpoint_columns(chunk, matcher=scorer.matcher)
        read = time.perf_counter()
        cpu = time.process_time()
        with collector_paused():  # as the product scores a chunk
            results = scorer.score_columns(contacts=contacts, touches=touches, now=now)
        engine_cpu += time.process_time() - cpu
        engine_s += time.perf_counter() - read
        facts_s += read - began
        touchpoints += len(touches)
        scored += len(results)
    return {
        "contacts": scored,
        "touchpoints": touchpoints,
        "facts_s": facts_s,
        "engine_s": engine_s,
        "engine_cpu_s": engine_cpu,
    }


def _database() -> ingest_db.Database:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql":
        return ingest_db.Database(vendor="postgresql", url=os.environ["DATABASE_URL"], name=name)
    return ingest_db.Database(vendor="sqlite", url="", path=ingest_db.Path(name))


def io_limit(*, written: dict[str, int]) -> dict[str, Any]:
    """Seconds to read what the rescoring read and to write what it wrote, the fastest plain
    way. The copies hold every row of their table (the history also has the first scoring's);
    the time is scaled to the rows this run wrote."""
    from django.db import connection

    connection.close()  # SQLite: nothing of Django's holds the file meanwhile
    db = _database()
    read = {
        "contacts": _read(db, CONTACTS_SQL),
        "touchpoints": _read(db, TOUCHPOINTS_SQL),
    }
    writes = {}
    for part, table in WRITTEN_TABLES.items():
        limit = ingest_db.raw_limit(db, table)
        rows = written[part]
        writes[part] = {
            "rows": rows,
            "copied": limit.rows,
            "seconds": limit.seconds * rows / limit.rows if limit.rows else 0.0,
        }
    seconds = sum(r["seconds"] for r in read.values()) + sum(w["seconds"] for w in writes.values())
    return {"read": read, "write": writes, "seconds": seconds}


def _read(db: ingest_db.Database, sql: str) -> dict[str, Any]:
    began = time.perf_counter()
    rows = size = 0
    with ingest_db.connect(db) as conn:
        if db.vendor == "postgresql":
            with conn.cursor().copy(f"COPY ({sql}) TO STDOUT") as out:
                for block in out:
                    size += len(block)
            rows = -1  # COPY's blocks are not rows; counted below
        else:
            cursor = conn.execute(sql)
            while batch := cursor.fetchmany(10_000):
                rows += len(batch)
        seconds = time.perf_counter() - began
        if rows < 0:
            rows = ingest_db.scalar(conn, f"SELECT count(*) FROM ({sql}) AS q")
    return {"rows": rows, "bytes": size, "seconds": seconds}
