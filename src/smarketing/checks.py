"""`smarketing check`: is the configuration sound and is every service reachable?"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def check_database() -> CheckResult:
    vendor = connection.vendor
    name = settings.DATABASES["default"]["NAME"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return CheckResult("database", False, f"{vendor} {name} unreachable: {exc}".strip())
    return CheckResult("database", True, f"{vendor} {name} reachable")


def check_migrations() -> CheckResult:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return CheckResult("migrations", False, f"could not read migration state: {exc}")
    if plan:
        return CheckResult(
            "migrations", False, f"{len(plan)} migrations not applied: run `smarketing migrate`"
        )
    return CheckResult("migrations", True, "database schema is current")


def check_queue() -> CheckResult:
    huey = settings.HUEY
    if huey.get("huey_class") != "huey.RedisHuey":
        return CheckResult("queue", True, f"embedded SQLite queue at {huey.get('filename')}")
    import redis

    try:
        redis.Redis.from_url(str(huey["url"]), socket_connect_timeout=3).ping()
    except Exception as exc:
        return CheckResult("queue", False, f"Redis at {huey['url']} unreachable: {exc}")
    return CheckResult("queue", True, f"Redis at {huey['url']} reachable")


def check_smtp() -> CheckResult:
    if not settings.EMAIL_HOST:
        return CheckResult("smtp", True, "not configured (set SMARKETING_SMTP_HOST to send email)")
    try:
        with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=5) as smtp:
            smtp.noop()
    except Exception as exc:
        where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        return CheckResult("smtp", False, f"SMTP server {where} unreachable: {exc}")
    return CheckResult("smtp", True, f"SMTP server {settings.EMAIL_HOST}:{settings.EMAIL_PORT}")


def check_secret() -> CheckResult:
    if len(settings.SECRET_KEY) < 32:
        return CheckResult("secret key", False, "SMARKETING_SECRET_KEY is shorter than 32 chars")
    return CheckResult("secret key", True, "set")


def run_checks() -> list[CheckResult]:
    results = [check_database()]
    if results[0].ok:
        results.append(check_migrations())
    results += [check_queue(), check_smtp(), check_secret()]
    return results
