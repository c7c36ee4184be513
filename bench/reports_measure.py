"""The measuring half of bench/reports.py: the pages over HTTP from gunicorn, the reference
queries with psycopg, the checks, and the printed table. Runs in the benchmark's process with
Django set up against the benchmark's database (for the session, the filters' windows and the
checks)."""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ingest_cpu import CpuMeter, load_average, process_group_stop

READY_SECONDS = 60
PAGES = {  # name → (path, extra parameters)
    "funnel": ("/analytics/funnel/", {}),
    "channel": ("/analytics/performance/", {"by": "channel"}),
    "campaign": ("/analytics/performance/", {"by": "campaign"}),
    "content": ("/analytics/performance/", {"by": "content"}),
}
FUNNEL_TABLES = ("entries", "conversions", "cohorts", "velocity", "leakage", "reasons")
TARGET_MS = 500.0
REFERENCES = {
    "stages": (
        "SELECT to_stage, count(*) FROM lifecycle_stagetransition "
        "WHERE at >= %s AND at < %s GROUP BY 1"
    ),
    "reads": (
        "SELECT content_id, count(*) FROM events_touchpoint "
        "WHERE occurred_at >= %s AND occurred_at < %s AND content_id IS NOT NULL "
        "AND contact_id IS NOT NULL GROUP BY 1"
    ),
}


def measure(
    args: argparse.Namespace, *, env: dict[str, str], database: str, directory: Path
) -> dict[str, Any]:
    import django

    django.setup()
    filter_sets = _filter_sets()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()] or list(PAGES)
    urls = [
        (page, name, _url(page, params)) for page in pages for name, params in filter_sets.items()
    ]
    cookie = _session_cookie()
    result: dict[str, Any] = {"filter_sets": filter_sets, "checks_failed": []}
    result["server_version"] = _server_version()
    result["counts"] = _counts()
    _snapshots_forget()
    if args.queries:
        result["queries"] = _queries_in_process(urls)
    server, port, log = _serve(env, directory, args.workers)
    try:
        meter = CpuMeter(roots={"server": [server.pid]}, database=database)
        # The first request of each finds no snapshot and queues its computation; the queue's
        # work is done here, timed (the cold computing time); then the pages are measured as
        # they are served in steady state, from their snapshots.
        result["warm_up_ms"] = {f"{p} {n}": _get(port, u, cookie)[0] for p, n, u in urls}
        result["cold_ms"] = _snapshots_compute(filter_sets, pages)
        result["load_average_start"] = load_average()
        meter.start()
        timings, failures = _rounds(port, urls, cookie, args)
        result["cpu_s"] = meter.stop()
    finally:
        process_group_stop(server)
    result["server_log"] = log.read_text(errors="replace").splitlines()[-20:]
    result["load_average_end"] = load_average()
    result["timings_ms"] = timings
    result["checks_failed"] += failures
    result["references_ms"] = _references(filter_sets, args.repeat)
    result["checks_failed"] += _funnel_check()
    result["workers"] = args.workers
    result["repeat"] = args.repeat
    return result


def _filter_sets() -> dict[str, dict[str, str]]:
    """The default window, one channel, the campaign that sourced most contacts, a company size
    band, and quarters from the one a year ago."""
    from django.db.models import Count
    from django.utils import timezone

    from smarketing.analytics.funnel.maths import Period, period_start
    from smarketing.people.models import Contact

    top = (
        Contact.objects.exclude(source_campaign=None)
        .values("source_campaign")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    quarter = period_start(timezone.now() - dt.timedelta(days=365), Period.QUARTER)
    sets = {
        "default": {},
        "channel": {"channel": "paid_search"},
        "campaign": {"campaign": str(top["source_campaign"])} if top else {},
        "size": {"size": "50-249"},
        "quarter": {"period": "quarter", "from": f"{quarter:%Y-%m-%d}"},
    }
    return sets


def _url(page: str, params: dict[str, str]) -> str:
    path, extra = PAGES[page]
    query = urlencode({**extra, **params})
    return f"{path}?{query}" if query else path


def _session_cookie() -> str:
    from django.conf import settings
    from django.test import Client

    from smarketing.org.models import User

    client = Client()
    client.force_login(User.objects.get(email="bench-leader@example.com"))
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0]).split(" ")[0]


def _counts() -> dict[str, int]:
    from django.db import connection

    tables = (
        "people_account",
        "people_contact",
        "lifecycle_stagetransition",
        "deals_deal",
        "events_touchpoint",
        "campaigns_campaign",
        "content_contentasset",
    )
    with connection.cursor() as cursor:
        out = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
            out[table] = int(cursor.fetchone()[0])
        return out


# The server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(
    env: dict[str, str], directory: Path, workers: int
) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = _free_port()
    log_path = directory / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "smarketing.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--timeout=900",  # a slow page must be measured, not killed
        "--log-level=warning",
    ]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            if _get(port, "/healthz", "")[1] == 200:
                for _ in range(4 * workers):  # each worker loads its URLconf and connects
                    _get(port, "/healthz", "")
                return server, port, log_path
        except OSError:
            time.sleep(0.2)
    process_group_stop(server)
    raise SystemExit(f"gunicorn did not answer within {READY_SECONDS} s")


def _get(port: int, url: str, cookie: str) -> tuple[float, int, bytes]:
    """(milliseconds from sending the request to having read the whole response, status,
    body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    try:
        began = time.perf_counter()
        conn.request("GET", url, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read()
        return (time.perf_counter() - began) * 1000, response.status, body
    finally:
        conn.close()


def _rounds(
    port: int, urls: list[tuple[str, str, str]], cookie: str, args: argparse.Namespace
) -> tuple[dict[str, list[float]], list[str]]:
    """`repeat` rounds over every URL, one request at a time; a URL whose requests took
    `max_seconds_per_page` in all is not requested again."""
    timings: dict[str, list[float]] = {f"{p} {n}": [] for p, n, _ in urls}
    failures: list[str] = []
    for _ in range(args.repeat):
        for page, name, url in urls:
            key = f"{page} {name}"
            if sum(timings[key]) > args.max_seconds_per_page * 1000:
                continue
            ms, status, body = _get(port, url, cookie)
            timings[key].append(ms)
            problem = _page_problem(page, status, body)
            if problem and len(failures) < 20:
                failures.append(f"{url}: {problem}")
    return timings, failures


def _page_problem(page: str, status: int, body: bytes) -> str:
    if status != 200:
        return f"status {status}"
    text = body.decode(errors="replace")
    if page == "funnel":
        missing = [k for k in FUNNEL_TABLES if f"/analytics/funnel/{k}.csv" not in text]
        return f"tables missing: {', '.join(missing)}" if missing else ""
    return "" if "<table" in text else "no table"


# Snapshots ----------------------------------------------------------------------------------


def _snapshots_forget() -> None:
    """Start cold: the snapshots a previous run stored are dropped."""
    from smarketing.analytics.models import ReportSnapshot

    ReportSnapshot.objects.all().delete()


def _snapshot_params(page: str, params: dict[str, str]) -> tuple[str, dict[str, str]]:
    from django.utils import timezone

    from smarketing.analytics.funnel.filters import filters_parse
    from smarketing.analytics.performance.report import Dimension
    from smarketing.analytics.snapshots import reports

    filters = filters_parse(params, today=timezone.now().date())
    if page == "funnel":
        return reports.FUNNEL, reports.funnel_params(filters)
    by = Dimension(PAGES[page][1]["by"])
    return reports.PERFORMANCE, reports.performance_params(filters, by)


def _snapshots_compute(
    filter_sets: dict[str, dict[str, str]], pages: list[str]
) -> dict[str, float]:
    """Run each page's queued computation as the queue would, timed: the cold computing time."""
    from smarketing.analytics.models import ReportSnapshot
    from smarketing.analytics.snapshots import reports, services

    out = {}
    for page in pages:
        for name, params in filter_sets.items():
            report_name, snapshot_params = _snapshot_params(page, params)
            snapshot = ReportSnapshot.objects.get(
                report=report_name, key=reports.params_key(snapshot_params)
            )
            began = time.perf_counter()
            services.snapshot_refresh(snapshot_id=snapshot.pk)
            out[f"{page} {name}"] = (time.perf_counter() - began) * 1000
            print(f"computed {page} {name}: {out[f'{page} {name}']:,.0f} ms", file=sys.stderr)
    return out


# References and checks ----------------------------------------------------------------------


def _window(params: dict[str, str]) -> tuple[dt.datetime, dt.datetime]:
    from django.utils import timezone

    from smarketing.analytics.funnel.filters import filters_parse

    filters = filters_parse(params, today=timezone.now().date())
    return filters.since, filters.until


def _references(filter_sets: dict[str, dict[str, str]], repeat: int) -> dict[str, float]:
    """p50 of each reference query per filter set's window (the contact filters left out: the
    cheapest query reads the whole window)."""
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for name, params in filter_sets.items():
            window = _window(params)
            for kind, sql in REFERENCES.items():
                times = []
                for _ in range(repeat + 1):  # the first warms the cache
                    began = time.perf_counter()
                    cursor.execute(sql, window)
                    cursor.fetchall()
                    times.append((time.perf_counter() - began) * 1000)
                out[f"{kind} {name}"] = percentile(sorted(times[1:]), 50)
    return out


def _funnel_check() -> list[str]:
    """The whole window's entries into each stage, as the page counts them, equal a direct
    count over the history table."""
    from django.db import connection
    from django.utils import timezone

    from smarketing.analytics.funnel import queries
    from smarketing.analytics.funnel.filters import filters_parse

    now = timezone.now()
    filters = filters_parse({}, today=now.date())
    ours = queries.entries_total(filters=filters, now=now)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_stage, count(DISTINCT contact_id) FROM lifecycle_stagetransition "
            "WHERE at >= %s AND at < %s AND at <= %s GROUP BY 1",
            (filters.since, filters.until, now),
        )
        direct = dict(cursor.fetchall())
    wrong = [s for s, n in direct.items() if ours.get(s) != n]
    return [f"funnel entries differ from a direct count for {', '.join(wrong)}"] if wrong else []


def _queries_in_process(urls: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Each page requested once in this process (Django's test client): its queries' times,
    the slowest three with their SQL's start."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from smarketing.org.models import User

    client = Client()
    client.force_login(User.objects.get(email="bench-leader@example.com"))
    out = {}
    for page, name, url in urls:
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        wall = (time.perf_counter() - began) * 1000
        queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        out[f"{page} {name}"] = {
            "wall_ms": wall,
            "queries": len(queries),
            "sql_ms": sum(float(q["time"]) for q in queries) * 1000,
            "slowest": [(float(q["time"]) * 1000, q["sql"][:160]) for q in queries[:3]],
        }
        print(f"{page} {name}: {wall:,.0f} ms, {len(queries)} queries", file=sys.stderr)
        for ms, sql in out[f"{page} {name}"]["slowest"]:
            print(f"   {ms:8,.0f} ms  {sql}", file=sys.stderr)
    return out


def percentile(ordered: list[float], percent: float) -> float:
    """Linear interpolation between the nearest ranks (numpy's default)."""
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# The table ----------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _ratio(value: float, reference: float) -> str:
    if not reference:
        return ""
    ratio = value / reference
    return f"{ratio:,.0f}×" if ratio >= 10 else f"{ratio:.2f}×"


def _reference_kind(page: str) -> str:
    return "reads" if page == "content" else "stages"


def summary(result: dict[str, Any]) -> dict[str, dict[str, float]]:
    """p50/p95 per page and filter set, per page over its filter sets, and overall."""
    timings: dict[str, list[float]] = result["timings_ms"]
    refs = result["references_ms"]
    rows: dict[str, dict[str, float]] = {}
    groups: dict[str, list[float]] = {}
    for key, values in timings.items():
        page, name = key.split(" ", 1)
        ordered = sorted(values)
        rows[key] = {
            "n": len(values),
            "p50": percentile(ordered, 50),
            "p95": percentile(ordered, 95),
            "reference": refs[f"{_reference_kind(page)} {name}"],
            "cold": result.get("cold_ms", {}).get(key, float("nan")),
        }
        groups.setdefault(f"{page} (all)", []).extend(values)
        groups.setdefault("overall", []).extend(values)
    for key in sorted(groups, key=lambda k: k == "overall"):  # overall last
        ordered = sorted(groups[key])
        rows[key] = {
            "n": len(ordered),
            "p50": percentile(ordered, 50),
            "p95": percentile(ordered, 95),
        }
    return rows


def report(result: dict[str, Any]) -> str:
    counts, data = result["counts"], result["dataset"]
    rows = summary(result)
    result["summary"] = rows
    lines = [
        f"PostgreSQL {result['server_version']}: {counts['people_contact']:,} contacts, "
        f"{counts['people_account']:,} accounts, {counts['lifecycle_stagetransition']:,} stage "
        f"moves, {counts['deals_deal']:,} deals, {counts['events_touchpoint']:,} touchpoints "
        f"({counts['campaigns_campaign']} campaigns, {counts['content_contentasset']} assets); "
        f"gunicorn {result['workers']} sync workers, one request at a time, "
        f"{result['repeat']} per page and filter set",
    ]
    table = [
        ("page", "filters", "n", "p50 ms", "p95 ms", "reference ms", "ratio p95/ref", "cold ms")
    ]
    for key, row in rows.items():
        if "reference" not in row:
            continue
        page, name = key.split(" ", 1)
        table.append(
            (
                page,
                name,
                str(int(row["n"])),
                _ms(row["p50"]),
                _ms(row["p95"]),
                _ms(row["reference"]),
                _ratio(row["p95"], row["reference"]),
                _ms(row["cold"]),
            )
        )
    for key, row in rows.items():
        if "reference" in row:
            continue
        table.append((key, "", str(int(row["n"])), _ms(row["p50"]), _ms(row["p95"]), "", "", ""))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(r[2:], widths[2:], strict=True)]
        lines.append("  ".join(cells))
    lines.append(
        "reference: the window's stage moves counted by stage (funnel, channel, campaign) or its "
        "content reads counted by asset (content), one SQL query by psycopg, p50"
    )
    lines.append(
        "p50/p95: the pages in steady state, served from their report snapshots; cold: computing "
        "a page's snapshot once, as the queue does when none is stored (in-process, no HTTP)"
    )
    cpu = result["cpu_s"]
    busy = {k: v for k, v in cpu.items() if k not in ("wall",)}
    total = sum(busy.values()) or 1.0
    shares = ", ".join(f"{k} {100 * v / total:.0f}%" for k, v in busy.items())
    lines.append(
        f"CPU as a share of {os.cpu_count()} cores over {cpu['wall']:.0f} s of requests: {shares}"
        f" (load average {result['load_average_before']:.2f} before the run, "
        f"{result['load_average_start']:.2f} at the start of the requests)"
    )
    overall = rows["overall"]["p95"]
    verdict = "met" if overall < TARGET_MS else f"MISSED by {overall - TARGET_MS:,.0f} ms"
    lines.append(f"target: p95 < {TARGET_MS:.0f} ms overall {verdict}")
    built = "reused" if data.get("reused") else "built in this run"
    lines.append(f"dataset: {built} (now = {data.get('now')})")
    failed = result["checks_failed"]
    lines.append("checks: all passed" if not failed else "checks FAILED: " + "; ".join(failed))
    return "\n".join(lines)
