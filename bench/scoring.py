"""How fast the product rescores every contact when a definition version goes live, and what
scoring adds to each event processed, beside references measured in the same run.

For each size and backend, a child process gets a fresh database (a SQLite file in a temporary
directory, or a new PostgreSQL database `smk_bench_scoring_<pid>` dropped afterwards), migrates
it and writes a company straight into the tables (bulk, not timed): accounts, contacts, their
identities and ~8 touchpoints per contact on average (skewed). On SQLite the child runs the
checkpoint thread the queue consumer runs (`smarketing.checkpoints`). Then, through the
product:

1. **First scoring**: a 30-rule definition is drafted, proposed and approved by a marketing and
   a sales leader; it goes live and its RescoringRun is timed (`refresh.rescoring_run`, what
   the queue task calls): no contact has a score yet.
2. **Full rescoring** (the measured figure): a stricter version (-40 instead of -30 for fewer
   than 10 employees) goes live the same way, from the state a live install is in days after
   the first (on PostgreSQL, vacuumed as autovacuum does); every contact is rescored, its
   score replaced and a history point appended, and every account rescored. References: the
   engine alone (`Scorer.score_columns` on facts in memory) and the raw I/O limit (the same
   rows read in one plain scan, the rows written bulk-inserted into empty copies of their
   tables: COPY, or executemany in one transaction).
3. **Incremental**: tracking events of known contacts stored with `events_ingest` and processed
   with `events_process` in batches, with and without the scoring step (see scoring_events.py);
   the difference per event is what scoring costs. They start from the state a live install
   is in a minute after the full rescoring: on PostgreSQL, vacuumed (as autovacuum does),
   rather than with autovacuum starting at a random moment of the measured rounds.

    .venv/bin/python bench/scoring.py [--sizes 100000,1000000] [--backends sqlite,postgres]
        [--events 20000] [--batch 500] [--engine-sample 100000] [--promote] [--profile]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]
    .venv/bin/python bench/scoring.py --sizes 20000        # a quick try

Prints a table per run and writes the figures as JSON to bench/out/scoring-<ts>.json. Exits 1
when a check fails (a run not done, a contact without its new score, a sampled stored score
that differs from the engine's, an event not processed or rejected).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ingest_db as dbs
from ingest_cpu import load_average
from scoring_report import report

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"


def main() -> None:
    args = _arguments()
    OUT.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"scoring-{stamp}.json"
    results = []
    for contacts in args.sizes:
        for backend in args.backends:
            print(f"{backend}, {contacts:,} contacts: running ...", file=sys.stderr, flush=True)
            result = run(backend, contacts=contacts, args=args, stamp=stamp)
            results.append(result)
            print(report(result), flush=True)
            # Written after each run, so a long series that is stopped keeps what it measured.
            settings = {k: v for k, v in vars(args).items() if k != "postgres"}
            document = {"cpus": os.cpu_count(), "settings": settings, "results": results}
            path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"\nfigures written to {path}")
    if any(r.get("checks_failed") for r in results):
        sys.exit(1)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="contacts, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite and/or postgres")
    parser.add_argument("--events", type=int, default=20_000, help="incremental events; 0: none")
    parser.add_argument("--batch", type=int, default=500, help="events per processing batch")
    parser.add_argument(
        "--engine-sample",
        type=int,
        default=100_000,
        help="contacts the engine-alone reference scores (the first by id)",
    )
    parser.add_argument(
        "--promote",
        action="store_true",
        help="the publishing approval moves newly qualifying contacts to MQL in the rescoring",
    )
    parser.add_argument(
        "--no-first",
        dest="first",
        action="store_false",
        help="run the first scoring untimed (it still runs: the measured one replaces scores)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the measured rescoring and the incremental rounds with scoring into "
        "bench/out (their figures then include the profiler's overhead)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--max-minutes", type=float, default=30, help="time limit per run")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    try:
        args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: expected whole numbers separated by commas, got {args.sizes!r}")
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"--backends: unknown {', '.join(sorted(unknown))} (sqlite, postgres)")
    if not args.sizes or min(args.sizes) < 100:
        parser.error("--sizes: each size must be at least 100 contacts")
    if args.events < 0 or not 1 <= args.batch <= 5_000:
        parser.error("--events must be ≥ 0 and --batch 1 to 5,000")
    return args


def run(backend: str, *, contacts: int, args: argparse.Namespace, stamp: str) -> dict[str, Any]:
    """One size on one backend in a child process; its directory and database never outlive
    it."""
    directory = Path(tempfile.mkdtemp(prefix="smk-bench-scoring-"))
    pg_name = f"smk_bench_scoring_{os.getpid()}"
    try:
        if backend == "postgres":
            db = dbs.postgres_create(args.postgres, pg_name)
        else:
            db = dbs.sqlite_database(directory)
        label = f"{backend}-{contacts}-{stamp}"
        settings = {
            "contacts": contacts,
            "seed": args.seed,
            "events": args.events,
            "batch": args.batch,
            "engine_sample": args.engine_sample,
            "promote": args.promote,
            "first": args.first,
            "profile_path": str(OUT / f"scoring-{label}-rescoring.prof") if args.profile else None,
            "profile_events_path": (
                str(OUT / f"scoring-{label}-events.prof") if args.profile else None
            ),
        }
        load_before = load_average()
        began = time.perf_counter()
        result = _child(settings, _environment(db, directory), args.max_minutes)
        result["wall_s"] = time.perf_counter() - began
        result["load_average_before"] = load_before
        return result
    finally:
        if backend == "postgres":
            dbs.postgres_drop(args.postgres, pg_name)
        shutil.rmtree(directory, ignore_errors=True)


def _environment(db: dbs.Database, directory: Path) -> dict[str, str]:
    """The embedded queue in the run's directory, not in immediate mode: publishing a version
    only queues its rescoring, which the child then runs and times itself."""
    own = ("REDIS_URL", "DATABASE_URL", "SMARKETING_QUEUE_IMMEDIATE", "SMARKETING_VAR_DIR")
    env = {k: v for k, v in os.environ.items() if k not in own}
    env.update(
        SMARKETING_VAR_DIR=str(directory),
        DATABASE_URL=db.url,
        SMARKETING_QUEUE_IMMEDIATE="0",
        DJANGO_SETTINGS_MODULE="smarketing.settings",
    )
    return env


def _child(settings: dict[str, Any], env: dict[str, str], max_minutes: float) -> dict[str, Any]:
    command = [sys.executable, str(BENCH / "scoring_child.py"), json.dumps(settings)]
    try:
        done = subprocess.run(
            command,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            timeout=max_minutes * 60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SystemExit(f"the run took longer than {max_minutes:g} minutes") from None
    if done.returncode != 0:
        raise SystemExit(f"the run failed with exit code {done.returncode} (its errors above)")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
