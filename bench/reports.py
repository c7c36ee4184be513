"""How fast the funnel and the source, campaign and content performance pages answer on a
large installation: p50/p95 response times over HTTP, beside the raw database limit measured in
the same run.

1. A PostgreSQL database (`--database`, smk_bench_reports by default) with the project's schema
   (`smarketing migrate`) and a company written straight into the tables with COPY
   (reports_data.py): 1,000,000 contacts and 20,000,000 touchpoints by default, with accounts,
   ~50 campaigns, ~40 content assets, lifecycle history, deals and raw events, over two years.
   Building it takes a while, so the database is kept: `--reuse` measures an existing one
   built with the same sizes and seed (migrating it first, so new indexes get built), else it
   is built afresh. `--drop` drops it at the end.
2. `gunicorn smarketing.wsgi:application` (`--workers` sync workers, loopback, a free port),
   and a session of a team leader made in this process. Each page with each filter set (the
   default window, a channel, a campaign, a company size band, quarters over the last year) is
   requested once to warm up, then `--repeat` times, round-robin, one request at a time; each
   response must be a 200 with the page's tables. The pages serve report snapshots: the run
   deletes the stored ones first, so each warm-up request queues its page's computation, which
   the benchmark runs in its own process, timed (the "cold" column), before measuring.
3. The reference, per filter set's window: the single cheapest aggregate query over the rows
   the page reads, sent with psycopg (no Django, no HTTP): the window's stage entries counted
   by stage (funnel, channel, campaign), the window's content reads counted by asset (content).

    .venv/bin/python bench/reports.py              # 1,000,000 contacts, 20,000,000 touchpoints
    .venv/bin/python bench/reports.py --reuse      # measure the database built before
    .venv/bin/python bench/reports.py --contacts 20000 --touchpoints 400000 \
        --database smk_bench_reports_small         # a quick try

Prints a table (p50 and p95 per page, the reference, their ratio) and writes the figures to
bench/out/reports-<ts>.json. Exits 1 when a check fails (a response not a 200, a page without
its tables, the funnel's whole-window entries not equal to a direct count over the history).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_cpu import load_average

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"


def main() -> None:
    args = _arguments()
    OUT.mkdir(exist_ok=True)
    url = urlunparse(urlparse(args.postgres)._replace(path=f"/{args.database}"))
    directory = Path(tempfile.mkdtemp(prefix="smk-bench-reports-"))
    env = _environment(url, directory)
    os.environ.update(env)
    load_before = load_average()
    built = database_ready(args, env)
    if args.build_only:
        print(json.dumps(built, indent=2, default=str))
        return
    import reports_measure

    result = reports_measure.measure(args, env=env, database=args.database, directory=directory)
    result.update(dataset=built, load_average_before=load_before, database=args.database)
    print(reports_measure.report(result), flush=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"reports-{stamp}.json"
    settings = {k: v for k, v in vars(args).items() if k != "postgres"}
    document = {"cpus": os.cpu_count(), "settings": settings, "result": result}
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"\nfigures written to {path}")
    if args.drop:
        _drop(args.postgres, args.database)
    if result["checks_failed"]:
        sys.exit(1)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--touchpoints", type=int, default=20_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database", default="smk_bench_reports", help="PostgreSQL database")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database built before with the same sizes and seed (else build it)",
    )
    parser.add_argument("--build-only", action="store_true", help="build (or reuse), measure none")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--repeat", type=int, default=20, help="measured requests per page")
    parser.add_argument(
        "--max-seconds-per-page",
        type=float,
        default=120,
        help="stop repeating a page once its requests took this long (at least one is measured)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--pages",
        default="",
        help="only these pages, comma-separated (funnel, channel, campaign, content)",
    )
    parser.add_argument(
        "--queries",
        action="store_true",
        help="also run each page's report in this process and print its slowest SQL queries",
    )
    args = parser.parse_args()
    if args.contacts < 100 or args.touchpoints < 0 or args.repeat < 1:
        parser.error("--contacts must be ≥ 100, --touchpoints ≥ 0 and --repeat ≥ 1")
    return args


def _environment(url: str, directory: Path) -> dict[str, str]:
    """The embedded queue in the run's directory (the pages never enqueue)."""
    return {
        "SMARKETING_VAR_DIR": str(directory),
        "DATABASE_URL": url,
        "SMARKETING_QUEUE_IMMEDIATE": "0",
        "DJANGO_SETTINGS_MODULE": "smarketing.settings",
    }


def _meta_read(server: str, name: str) -> dict[str, Any] | None:
    """What the database was built with (kept as its comment), None when it does not exist."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
    if row is None:
        return None
    try:
        return dict(json.loads(row[0] or "{}"))
    except ValueError:
        return {}


def _drop(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_ready(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    """Reuse the database when asked and it was built with these settings, else build it.
    Either way it is migrated (an index added since is built on the existing rows)."""
    import psycopg

    wanted = {"contacts": args.contacts, "touchpoints": args.touchpoints, "seed": args.seed}
    meta = _meta_read(args.postgres, args.database)
    if args.reuse and meta and all(meta.get(k) == v for k, v in wanted.items()):
        began = time.perf_counter()
        _cli(env, "migrate")
        meta["migrate_s_on_reuse"] = time.perf_counter() - began
        meta["reused"] = True
        return meta
    print(f"building {args.database}: {args.contacts:,} contacts ...", file=sys.stderr)
    _drop(args.postgres, args.database)
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{args.database}"')
    began = time.perf_counter()
    _cli(env, "migrate")
    migrate_s = time.perf_counter() - began
    import django

    django.setup()
    from reports_data import company_generate

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    done = company_generate(
        contacts=args.contacts, touchpoints=args.touchpoints, seed=args.seed, now=now
    )
    meta = {**wanted, "now": now.isoformat(), "migrate_s": migrate_s, **vars(done)}
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        comment = json.dumps(meta, default=str).replace("'", "''")
        conn.execute(f"COMMENT ON DATABASE \"{args.database}\" IS '{comment}'")
    meta["reused"] = False
    return meta


def _cli(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "smarketing.cli", *arguments],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"smarketing {' '.join(arguments)} failed:\n{done.stderr}")
    return done.stdout


if __name__ == "__main__":
    main()
