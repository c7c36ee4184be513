"""How fast `smarketing demo` writes its company, beside the raw database limit.

For each size, a child process gets a fresh database (a temporary SQLite file, or with
--postgres a new PostgreSQL database), migrates it, simulates the company and writes it through
the services, exactly as `smarketing demo --no-serve` does. The reference is measured in the same
child: the very rows just written are read back, deleted, and bulk-inserted into the same tables
(`bulk_create`, 1,000 rows a statement, one transaction) — the fastest the database takes them.

    .venv/bin/python bench/demo.py [--sizes 5000,50000] [--seed 42]
                                   [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Prints a table and writes it as JSON under bench/out/.
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
from urllib.parse import urlparse, urlunparse

OUT = Path(__file__).resolve().parent / "out"


def child(contacts: int, seed: int) -> dict[str, object]:
    """Runs inside the fresh-database process; returns the measurements."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarketing.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from smarketing.demo.generate import existing_data, generate
    from smarketing.demo.timeline import simulate

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    if existing_data():
        raise SystemExit("the benchmark database is not empty")
    timeline = simulate(seed=seed, contacts=contacts, now=dt.datetime.now(dt.UTC))
    simulated = time.perf_counter()
    _, report = generate(timeline)
    written = time.perf_counter()
    bulk_seconds, bulk_rows = bulk_reference()
    return {
        "backend": connection.vendor,
        "contacts": contacts,
        "seed": seed,
        "migrate_s": round(migrated - began, 2),
        "simulate_s": round(simulated - migrated, 2),
        "write_s": round(written - simulated, 2),
        "write_s_by_part": {k: round(v, 2) for k, v in report.seconds.items()},
        "rows": report.total_rows,
        "rows_by_table": report.rows,
        "bulk_s": round(bulk_seconds, 2),
        "bulk_rows": bulk_rows,
    }


def bulk_reference() -> tuple[float, int]:
    """Seconds to bulk-insert the rows now in the demo tables, and how many rows that is."""
    from django.db import transaction

    from smarketing.demo.generate import CRM_MODELS
    from smarketing.org.models import Team, User

    parents_first = [Team, User, *reversed(CRM_MODELS)]
    rows = {model: list(model.objects.all()) for model in parents_first}
    with transaction.atomic():
        for model in reversed(parents_first):
            model.objects.all().delete()
    began = time.perf_counter()
    with transaction.atomic():
        for model in parents_first:
            model.objects.bulk_create(rows[model], batch_size=1000)
    return time.perf_counter() - began, sum(len(r) for r in rows.values())


def run_child(contacts: int, seed: int, env: dict[str, str]) -> dict[str, object]:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(contacts), "--seed", str(seed)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {contacts:,}-contact run failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = round(time.perf_counter() - began, 2)
    return result


def sqlite_run(contacts: int, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="smk-bench-demo-") as var:
        env = {"SMARKETING_VAR_DIR": var, "DATABASE_URL": ""}
        return run_child(contacts, seed, env)


def postgres_run(contacts: int, seed: int, server_url: str) -> dict[str, object]:
    import psycopg

    name = f"smk_bench_demo_{os.getpid()}_{contacts}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlunparse(urlparse(server_url)._replace(path=f"/{name}"))
        with tempfile.TemporaryDirectory(prefix="smk-bench-demo-") as var:
            return run_child(contacts, seed, {"SMARKETING_VAR_DIR": var, "DATABASE_URL": url})
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def table(results: list[dict]) -> str:
    head = (
        "backend",
        "contacts",
        "migrate s",
        "simulate s",
        "write s",
        "total s",
        "rows",
        "rows/s",
        "bulk s",
        "bulk rows/s",
        "ours/bulk",
    )
    lines = [head]
    for r in results:
        generation = r["simulate_s"] + r["write_s"]
        ours = r["rows"] / generation
        bulk = r["bulk_rows"] / r["bulk_s"] if r["bulk_s"] else float("inf")
        lines.append(
            (
                r["backend"],
                f"{r['contacts']:,}",
                f"{r['migrate_s']:.1f}",
                f"{r['simulate_s']:.1f}",
                f"{r['write_s']:.1f}",
                f"{r['migrate_s'] + generation:.1f}",
                f"{r['rows']:,}",
                f"{ours:,.0f}",
                f"{r['bulk_s']:.2f}",
                f"{bulk:,.0f}",
                f"{ours / bulk:.1%}",
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(str(cell).rjust(w) for cell, w in zip(line, widths, strict=True))
        for line in lines
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,50000", help="contact counts, comma-separated")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--postgres", metavar="URL", help="also run on fresh databases there")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.seed)))
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results = []
    for contacts in sizes:
        results.append(sqlite_run(contacts, args.seed))
        if args.postgres:
            results.append(postgres_run(contacts, args.seed, args.postgres))
        print(f"done: {contacts:,} contacts", file=sys.stderr)
    print(table(results))
    OUT.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"demo-{stamp}.json"
    path.write_text(json.dumps({"cpus": os.cpu_count(), "results": results}, indent=2) + "\n")
    print(f"written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
