"""How fast the tracking API takes events over HTTP and processes them into touchpoints, beside
the raw limit of the same database measured in the same run.

For each backend: a fresh database (a SQLite file in a temporary directory, or a new PostgreSQL
database `smk_bench_<pid>` that is dropped afterwards), migrated, with a write key whose rate
limit does not throttle. A gunicorn server (2 sync workers, loopback, a free port, the queue not
in immediate mode) serves it; this process is the load generator, posting realistic Segment
batches to /v1/batch from `--connections` threads, one request in flight on each (HTTP/1.1; the
sync workers close the connection after each response, so each request opens a new one).
Then the server is stopped and `--process-workers` processes drain the raw events into
touchpoints with the queue task's own loop. The raw limits: the very rows stored (raw events,
then touchpoints) bulk-inserted straight into an empty copy of their table (PostgreSQL `COPY`,
SQLite `executemany` in one transaction).

    .venv/bin/python bench/ingest.py [--backends sqlite,postgres] [--events 50000]
        [--batch-size 100] [--connections 4] [--process-workers 1] [--analyze]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Prints a table per backend and writes the figures as JSON under bench/out/. Exits 1 when a check
fails (a response other than 200, an event not stored exactly once, a touchpoint missing, a
warning logged by processing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ingest_db as dbs
from ingest_cpu import CpuMeter, load_average, process_group_stop, spy_start, spy_stop
from ingest_report import failed_checks, figures, report
from ingest_traffic import MIX, Traffic, load_run, mix_parse, traffic_build

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
READY_SECONDS = 60


def main() -> None:
    args = _arguments()
    traffic = traffic_build(
        events=args.events,
        batch_size=args.batch_size,
        seed=args.seed,
        now=dt.datetime.now(dt.UTC),
        mix=args.mix,
    )
    results = []
    for backend in args.backends:
        print(f"{backend}: running ...", file=sys.stderr, flush=True)
        result = backend_run(backend, traffic=traffic, args=args)
        results.append(result)
        print(report(result), flush=True)
    OUT.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"ingest-{stamp}.json"
    settings = {k: v for k, v in vars(args).items() if k != "postgres"}
    document = {"cpus": os.cpu_count(), "settings": settings, "results": results}
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nfigures written to {path}")
    if any(r["failed_checks"] for r in results):
        sys.exit(1)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite and/or postgres")
    parser.add_argument("--events", type=int, default=50_000, help="events to send")
    parser.add_argument("--batch-size", type=int, default=100, help="events per request")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--process-workers", type=int, default=1, help="processing processes")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="ANALYZE the database between ingest and processing, as autovacuum would soon",
    )
    parser.add_argument(
        "--py-spy",
        action="store_true",
        help="sample the server and the workers with py-spy into bench/out/ (collapsed stacks)",
    )
    parser.add_argument("--max-seconds", type=float, default=600, help="time limit per phase")
    parser.add_argument("--seed", type=int, default=42)
    default_mix = ",".join(f"{kind}={weight:g}" for kind, weight in MIX.items())
    parser.add_argument(
        "--mix", default=default_mix, help="draws per kind of traffic (a form fill is 2 events)"
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"--backends: unknown {', '.join(sorted(unknown))} (sqlite, postgres)")
    if not 1 <= args.batch_size <= 2500:
        parser.error("--batch-size must be 1 to 2,500 (the API's limit per batch)")
    try:
        args.mix = mix_parse(args.mix)
    except ValueError as exc:
        parser.error(f"--mix: {exc}")
    if min(args.events, args.connections, args.workers, args.process_workers) < 1:
        parser.error("--events, --connections, --workers and --process-workers must be ≥ 1")
    return args


def backend_run(backend: str, *, traffic: Traffic, args: argparse.Namespace) -> dict[str, Any]:
    """One backend end to end; the server, its directory and its database never outlive it."""
    directory = Path(tempfile.mkdtemp(prefix="smk-bench-ingest-"))
    pg_name = f"smk_bench_{os.getpid()}"
    try:
        if backend == "postgres":
            db = dbs.postgres_create(args.postgres, pg_name)
        else:
            db = dbs.sqlite_database(directory)
        env = _environment(db, directory)
        _cli(env, "migrate")
        created = _cli(env, "writekey", "create", "--name", "bench", "--rate-limit", "1000000")
        write_key = next(line for line in created.splitlines() if line.startswith("wk_"))
        load_before = load_average()
        ingest = _ingest(env, directory, db, write_key=write_key, traffic=traffic, args=args)
        stored = dbs.counts(db)
        raw_events = dbs.raw_limit(db, "events_rawevent")
        if args.analyze:
            dbs.analyze(db)
        processing = _processing(env, directory, db, args=args)
        processed = dbs.counts(db)
        touchpoints = dbs.raw_limit(db, "events_touchpoint")
        result = {
            "backend": backend,
            "database_version": dbs.version(db),
            "load_average_before": load_before,
            "analyzed_before_processing": args.analyze,
            "events": traffic.events,
            "batches": len(traffic.bodies),
            "batch_size": args.batch_size,
            "mean_event_bytes": round(traffic.event_bytes / traffic.events),
            "mix": dict(traffic.kinds.most_common()),
            "ingest": ingest,
            "stored": stored,
            "raw_events_limit": vars(raw_events),
            "processing": processing,
            "processed": processed,
            "touchpoints_limit": vars(touchpoints),
        }
        result["figures"] = figures(result)
        result["failed_checks"] = failed_checks(result, traffic)
        return result
    finally:
        if backend == "postgres":
            dbs.postgres_drop(args.postgres, pg_name)
        shutil.rmtree(directory, ignore_errors=True)


def _environment(db: dbs.Database, directory: Path) -> dict[str, str]:
    """The embedded default: the queue in a SQLite file and the rate limits in memory, both in
    the run's temporary directory, whatever this shell's REDIS_URL says."""
    own = ("REDIS_URL", "DATABASE_URL", "SMARKETING_QUEUE_IMMEDIATE", "SMARKETING_VAR_DIR")
    env = {k: v for k, v in os.environ.items() if k not in own}
    env.update(
        SMARKETING_VAR_DIR=str(directory),
        DATABASE_URL=db.url,
        SMARKETING_QUEUE_IMMEDIATE="0",
        DJANGO_SETTINGS_MODULE="smarketing.settings",
    )
    return env


def _cli(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "smarketing.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"smarketing {' '.join(arguments)} failed:\n{done.stderr}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ingest(
    env: dict[str, str],
    directory: Path,
    db: dbs.Database,
    *,
    write_key: str,
    traffic: Traffic,
    args: argparse.Namespace,
) -> dict[str, Any]:
    port = _free_port()
    log_path = directory / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "smarketing.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={args.workers}",
        f"--worker-class={args.worker_class}",
        "--log-level=warning",
    ]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _ready(port, server, log_path)
            for _ in range(10 * args.workers):  # each worker loads its URLconf and connects
                _get(port, "/healthz")
            meter = CpuMeter(roots={"server": [server.pid]}, database=db.name)
            spy = _spy(server.pid, f"{db.vendor}-server", args)
            meter.start()
            load = load_run(
                port=port,
                write_key=write_key,
                bodies=traffic.bodies,
                connections=args.connections,
                max_seconds=args.max_seconds,
            )
            cpu = meter.stop()
            spy_stop(spy)
        finally:
            process_group_stop(server)
    latencies = sorted(load.latencies)
    return {
        "server": f"gunicorn, {args.workers} {args.worker_class} workers",
        "connections": args.connections,
        "seconds": load.seconds,
        "requests": load.requests,
        "statuses": {str(k): v for k, v in sorted(load.statuses.items())},
        "accepted": load.accepted,
        "duplicates": load.duplicates,
        "rejected": load.rejected,
        "unsent_batches": load.unsent,
        "errors": load.errors,
        "latency_ms": {
            "p50": _percentile(latencies, 50) * 1000,
            "p99": _percentile(latencies, 99) * 1000,
            "max": (latencies[-1] if latencies else 0.0) * 1000,
        },
        "cpu_s": cpu,
        "server_log": log_path.read_text(errors="replace").splitlines()[-20:],
    }


def _ready(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if _get(port, "/healthz") == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {READY_SECONDS} s:\n{log.read_text()}")


def _get(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _processing(
    env: dict[str, str], directory: Path, db: dbs.Database, *, args: argparse.Namespace
) -> dict[str, Any]:
    """Start the workers, wait until each has Django set up, then start them at once. What
    they log (warnings and errors only) is kept and counted: a clean run logs nothing."""
    log_path = directory / "processing.log"
    with log_path.open("w") as log:
        children = [
            subprocess.Popen(
                [sys.executable, str(BENCH / "ingest_process.py")],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,
            )
            for _ in range(args.process_workers)
        ]
        spies = [
            _spy(child.pid, f"{db.vendor}-processing-{n}", args) for n, child in enumerate(children)
        ]
        try:
            meter = CpuMeter(roots={"workers": [c.pid for c in children]}, database=db.name)
            results, cpu = _processing_run(children, meter, log_path, args.max_seconds)
        finally:
            for spy in spies:
                spy_stop(spy)
            for child in children:
                process_group_stop(child)
    logged = log_path.read_text(errors="replace").splitlines()
    return {
        "workers": args.process_workers,
        "processed": sum(r["processed"] for r in results),
        "seconds": max(r["ended"] for r in results) - min(r["began"] for r in results),
        "cpu_s": cpu,
        "log_lines": len(logged),
        "log_first": logged[:5],
    }


def _processing_run(
    children: list[subprocess.Popen[str]], meter: CpuMeter, log_path: Path, max_seconds: float
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    pipes = [(child.stdin, child.stdout) for child in children]
    for _, out in pipes:
        if out is None or out.readline().strip() != "ready":
            raise SystemExit(f"a processing worker failed to start:\n{log_path.read_text()}")
    meter.start()
    for stdin, _ in pipes:  # all at once: each is only waiting for this line
        assert stdin is not None
        stdin.write("go\n")
        stdin.flush()
    # Past the time limit the workers are ended, which ends the reads below.
    watchdog = threading.Timer(
        max_seconds, lambda: [process_group_stop(child) for child in children]
    )
    watchdog.start()
    results = []
    try:
        for child, (_, out) in zip(children, pipes, strict=True):
            line = out.readline() if out is not None else ""  # the worker's result, once done
            if not line:
                child.wait(timeout=30)
                tail = "\n".join(log_path.read_text().splitlines()[-30:])
                raise SystemExit(f"a processing worker ended with {child.returncode}:\n{tail}")
            results.append(json.loads(line))
    finally:
        watchdog.cancel()
    cpu = meter.stop()
    for child, (stdin, _) in zip(children, pipes, strict=True):
        assert stdin is not None
        stdin.close()  # the worker exits
        child.wait(timeout=30)
    return results, cpu


def _spy(pid: int, label: str, args: argparse.Namespace) -> subprocess.Popen[bytes] | None:
    if not args.py_spy:
        return None
    OUT.mkdir(exist_ok=True)
    return spy_start(pid, OUT / f"ingest-{label}-{os.getpid()}.txt")


def _percentile(ordered: list[float], percent: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[int(rank) - 1]


if __name__ == "__main__":
    main()
