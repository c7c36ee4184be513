"""Breach and due-soon alerts: once per (assignment, obligation, level), even with two workers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from smarketing.handoff.sla.escalations import sla_escalations_run
from smarketing.handoff.sla.models import Escalation
from smarketing.notify.models import Notification

from .conftest import MONDAY

H = dt.timedelta(hours=1)


def test_check_when_breached_alerts_rep_once(mql_assigned, rep):
    first = sla_escalations_run(now=MONDAY + 5 * H)
    again = sla_escalations_run(now=MONDAY + 5 * H + dt.timedelta(minutes=5))
    assert first.alerted >= 1
    assert again.alerted == 0
    breach = Notification.objects.get(kind="sla_breached", user=rep)
    assert "accept" in breach.title.lower()
    assert Escalation.objects.filter(obligation="accept", level=1).count() == 1


def test_check_when_due_soon_alerts_sla_due(mql_assigned, rep):
    sla_escalations_run(now=MONDAY + 3.5 * H)
    assert Notification.objects.filter(kind="sla_due", user=rep).count() == 1
    assert not Notification.objects.filter(kind="sla_breached").exists()


def test_check_when_breach_persists_escalates_to_the_sales_leader(mql_assigned, rep, sales_leader):
    sla_escalations_run(now=MONDAY + 5 * H)
    assert not Notification.objects.filter(user=sales_leader, kind="sla_breached").exists()
    # Accept was due at 14:00 New York; escalate_after_hours is 4: next day 10:00.
    sla_escalations_run(now=MONDAY + dt.timedelta(days=1) + H)
    leader = Notification.objects.filter(user=sales_leader, kind="sla_breached")
    assert leader.count() >= 1
    assert "sam@example.com" in leader.first().title or rep.full_name in leader.first().title


def test_check_when_breach_is_old_does_not_alert(mql_assigned):
    assert sla_escalations_run(now=MONDAY + dt.timedelta(days=20)).alerted == 0


@pytest.mark.django_db(transaction=True)
def test_check_when_two_workers_run_at_once_escalates_once(request):
    if connection.vendor != "postgresql":
        pytest.skip("needs two real concurrent transactions: run on PostgreSQL")
    contact = request.getfixturevalue("mql_assigned")
    now = MONDAY + 5 * H
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            sla_escalations_run(now=now)
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = Escalation.objects.filter(assignment__contact=contact)
    assert rows.filter(obligation="accept", level=1).count() == 1
    assert (
        Notification.objects.filter(kind="sla_breached", contact=contact).count()
        == rows.filter(level=1).count()
    )
