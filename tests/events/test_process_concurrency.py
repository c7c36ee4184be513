"""Workers side by side on PostgreSQL: each claims rows with FOR UPDATE SKIP LOCKED, so no two
take the same event, and they apply their batches one at a time, so they never deadlock on the
same person's contact. (SQLite has one writer at a time.)"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from smarketing.events.models import RawEvent, RejectedEvent, Touchpoint
from smarketing.events.processing import run
from smarketing.events.processing.run import events_claim, events_process
from smarketing.events.services import events_ingest, writekey_create
from smarketing.people.models import Account, Contact
from tests.events.messages import identify, page, track

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks with SKIP LOCKED: PostgreSQL only"
    ),
    pytest.mark.django_db(transaction=True),
]


def store(n: int) -> None:
    source = writekey_create(name="website", by_user=None)[0]
    messages = [page(f"visitor-{i}", path=f"/p/{i}") for i in range(n)]
    assert events_ingest(source=source, messages=messages, received_at=timezone.now()).accepted == n


def in_thread(target: Callable[[], None]) -> threading.Thread:
    """Run `target` on its own thread, hence its own database connection."""

    def body() -> None:
        try:
            target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread


def test_a_worker_skips_the_rows_another_has_claimed():
    store(10)
    claimed: list[int] = []
    holding, release = threading.Event(), threading.Event()

    def slow_worker() -> None:
        with transaction.atomic():
            claimed.extend(raw.pk for raw in events_claim(size=4))
            holding.set()
            assert release.wait(30)  # keeps its claim until the other worker is done

    slow = in_thread(slow_worker)
    assert holding.wait(30)
    try:
        # Does not wait for the slow worker's locks: it takes the six rows nobody holds.
        assert events_process(limit=100) == 6
        unprocessed = set(
            RawEvent.objects.filter(processed_at__isnull=True).values_list("pk", flat=True)
        )
        assert unprocessed == set(claimed)
    finally:
        release.set()
        slow.join(30)
    assert events_process(limit=100) == 4  # the slow worker gave up its claim unprocessed
    assert Touchpoint.objects.count() == 10


def test_two_workers_together_process_every_event_once(monkeypatch):
    store(120)
    monkeypatch.setattr(run, "BATCH_SIZE", 7)
    claims: dict[str, list[int]] = {"a": [], "b": []}
    counts: dict[str, int] = {}
    original_claim = run.events_claim
    start = threading.Barrier(2)

    def recording_claim(*, size: int) -> list[RawEvent]:
        rows = original_claim(size=size)
        claims[threading.current_thread().name].extend(raw.pk for raw in rows)
        return rows

    monkeypatch.setattr(run, "events_claim", recording_claim)

    def worker(name: str) -> Callable[[], None]:
        def work() -> None:
            threading.current_thread().name = name
            start.wait(30)
            counts[name] = events_process(limit=1000)

        return work

    threads = [in_thread(worker("a")), in_thread(worker("b"))]
    for thread in threads:
        thread.join(60)
    assert not set(claims["a"]) & set(claims["b"])
    assert counts["a"] + counts["b"] == 120
    assert len(claims["a"]) + len(claims["b"]) == 120
    assert Touchpoint.objects.count() == 120
    assert not RawEvent.objects.filter(processed_at__isnull=True).exists()


def test_two_workers_on_the_same_people_neither_deadlock_nor_lose_an_identify(monkeypatch):
    # Forms and identifies of the same twelve people, spread so both workers meet each of them.
    source = writekey_create(name="website", by_user=None)[0]
    messages = []
    for round_ in range(4):
        for i in range(12):
            anon = f"visitor-{i}-{round_}"
            messages.append(identify(anon, email=f"person{i}@company{i % 3}.example"))
            messages.append(track("Form Submitted", anon, properties={"form_id": "demo"}))
    events_ingest(source=source, messages=messages, received_at=timezone.now())
    monkeypatch.setattr(run, "BATCH_SIZE", 5)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work() -> None:
        start.wait(30)
        try:
            events_process(limit=1000)
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    threads = [in_thread(work), in_thread(work)]
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert not RawEvent.objects.filter(processed_at__isnull=True).exists()
    assert not RejectedEvent.objects.exists()
    assert Contact.objects.count() == 12
    assert Account.objects.count() == 3
