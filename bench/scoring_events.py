"""The incremental cost of scoring in bench/scoring.py: events of known contacts go through the
real path — `events_ingest` (as the tracking API stores a request's batch), then
`events_process` (as the queue task drains them) — in rounds of one processing batch, some
with the scoring step and some without, in the order ABBA so that a slow drift of the machine
or the tables falls on both alike. "Without" replaces `refresh.scores_refresh` (what
`scores_deferred` calls at the end of a batch, and field edits outside one) in this process
only by one that rescores nothing; the difference per event between the two is what scoring
costs. The scoring step is also timed directly in the rounds with it.

The events are the tracking traffic of bench/ingest.py (page views, email opens and clicks,
content, form fills, backend identifies) from people who are already contacts: their browsers'
anonymous ids are linked to them, and email events name them by address, so every touchpoint
lands on a contact with a history and scoring has work to do for each.
"""

from __future__ import annotations

import contextlib
import cProfile
import datetime as dt
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ingest_traffic import MIX, Person
from ingest_traffic import _messages as messages_of  # the same messages as bench/ingest.py
from scoring_data import anonymous_id
from scoring_measure import Cpu, _profile_write

PEOPLE = 5_000  # contacts the events come from
WARM_ROUNDS = 2  # one of each, not counted: lookups, caches and plans warm up
INGEST_REQUEST = 100  # events per events_ingest call, as a tracking request's batch
ORDER = ("with", "without", "without", "with")


def incremental_measure(
    *, events: int, batch: int, seed: int, contacts: int, profile_path: str | None
) -> dict[str, Any]:
    from smarketing.events.models import RawEvent, RejectedEvent, Touchpoint
    from smarketing.events.processing import run as processing
    from smarketing.events.services import events_ingest, writekey_create
    from smarketing.scoring import refresh

    rng = random.Random(seed + 1)
    people = _people(rng, contacts)
    source, _ = writekey_create(name="bench incremental", by_user=None)
    rounds = WARM_ROUNDS + max(2, -(-events // batch))
    totals = {mode: _Totals() for mode in ("with", "without")}
    scoring = _ScoringTimer(refresh)
    cpu = Cpu()
    profiler = cProfile.Profile() if profile_path else None
    touchpoints_before = Touchpoint.objects.count()
    made_touchpoints = 0
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    sent = 0
    failed: list[str] = []
    for n in range(rounds):
        mode = ORDER[n % len(ORDER)]
        messages = _messages(rng, people, batch, start=start, sent=sent)
        sent += len(messages)
        made = sum(m["type"] in ("page", "track") for m in messages)
        made_touchpoints += made
        now = dt.datetime.now(dt.UTC)
        for i in range(0, len(messages), INGEST_REQUEST):
            events_ingest(source=source, messages=messages[i : i + INGEST_REQUEST], received_at=now)
        label = mode if n >= WARM_ROUNDS else f"warm-{mode}"
        with scoring.counting(mode=mode, label=label):
            own0, db0 = cpu.read()
            began = time.perf_counter()
            if profiler is not None and mode == "with" and n >= WARM_ROUNDS:
                profiler.enable()
            processed = processing.events_process(limit=batch)
            if profiler is not None:
                profiler.disable()
            seconds = time.perf_counter() - began
            own1, db1 = cpu.read()
        if processed != len(messages):
            failed.append(f"round {n}: processed {processed} of {len(messages)} events")
        if n >= WARM_ROUNDS:
            totals[mode].add(
                events=processed,
                touchpoints=made,
                seconds=seconds,
                cpu=(own1 - own0) + (db1 - db0),
            )
    if profiler is not None and profile_path:
        _profile_write(profiler, profile_path)
    unprocessed = RawEvent.objects.filter(processed_at__isnull=True).count()
    rejected = RejectedEvent.objects.count()
    touchpoints = Touchpoint.objects.count() - touchpoints_before
    if unprocessed:
        failed.append(f"{unprocessed} events left unprocessed")
    if rejected:
        failed.append(f"{rejected} events rejected or set aside by processing")
    if touchpoints != made_touchpoints:
        failed.append(f"{touchpoints} touchpoints made, expected {made_touchpoints}")
    if not scoring.calls["without"] or scoring.scored["without"]:
        failed.append("the rounds without scoring did not skip a scoring step")
    if not scoring.scored["with"]:
        failed.append("no contact was rescored in the rounds with scoring")
    return {
        "events": sent,
        "batch": batch,
        "rounds": rounds,
        "warm_rounds": WARM_ROUNDS,
        "people": len(people),
        "with": vars(totals["with"]),
        "without": vars(totals["without"]),
        "scoring_s": scoring.seconds["with"],
        "promoting_s": scoring.promoting["with"],
        "scoring_calls": scoring.calls["with"],
        "rescored": scoring.scored["with"],
        "promoted": scoring.promoted["with"],
        "profiled": profiler is not None,
        "failed_checks": failed,
    }


def _people(rng: random.Random, contacts: int) -> list[Person]:
    """Up to PEOPLE contacts as the tracking traffic's people: their anonymous id, their email,
    their account's name."""
    from smarketing.people.models import Contact

    chosen = rng.sample(range(1, contacts + 1), min(PEOPLE, contacts))
    rows = Contact.objects.filter(pk__in=chosen).values_list(
        "pk", "email", "first_name", "last_name", "account__name"
    )
    return [
        Person(
            anonymous_id=anonymous_id(cid),
            user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
            ip=f"198.51.100.{cid % 250 + 1}",
            first=first,
            last=last,
            email=email,
            company=account or "",
            landing=None,
        )
        for cid, email, first, last, account in sorted(rows)
    ]


def _messages(
    rng: random.Random, people: list[Person], count: int, *, start: dt.datetime, sent: int
) -> list[dict[str, Any]]:
    kinds, weights = zip(*MIX.items(), strict=True)
    found: list[dict[str, Any]] = []
    while len(found) < count:
        person = rng.choice(people)
        for message in messages_of(rng, rng.choices(kinds, weights)[0], person):
            message["messageId"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            at = start + dt.timedelta(milliseconds=20 * (sent + len(found)))
            message["timestamp"] = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            found.append(message)
    return found[:count]


class _Totals:
    def __init__(self) -> None:
        self.events = self.touchpoints = self.rounds = 0
        self.seconds = self.cpu_s = 0.0

    def add(self, *, events: int, touchpoints: int, seconds: float, cpu: float) -> None:
        self.events += events
        self.touchpoints += touchpoints
        self.rounds += 1
        self.seconds += seconds
        self.cpu_s += cpu


class _ScoringTimer:
    """Stands in for `refresh.scores_refresh`, which `scores_deferred` calls at the end of a
    batch (and field edits call directly outside one): in "with" rounds it times the real one
    and counts what it did; in "without" rounds it does nothing. Figures are kept per label;
    warm-up rounds have labels of their own."""

    def __init__(self, refresh: Any) -> None:
        self.refresh = refresh
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.scored: dict[str, int] = defaultdict(int)
        self.promoted: dict[str, int] = defaultdict(int)
        self.promoting: dict[str, float] = defaultdict(float)  # of `seconds`: moves to MQL

    @contextlib.contextmanager
    def counting(self, *, mode: str, label: str) -> Iterator[None]:
        real = self.refresh.scores_refresh
        real_promote = self.refresh._promote

        def promote_timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return real_promote(*args, **kwargs)
            finally:
                self.promoting[label] += time.perf_counter() - began

        def timed(**kwargs: Any) -> Any:
            self.calls[label] += 1
            if mode == "without":
                return self.refresh.Refreshed()
            began = time.perf_counter()
            outcome = real(**kwargs)
            self.seconds[label] += time.perf_counter() - began
            self.scored[label] += outcome.scored
            self.promoted[label] += outcome.promoted
            return outcome

        self.refresh.scores_refresh = timed
        self.refresh._promote = promote_timed
        try:
            yield
        finally:
            self.refresh.scores_refresh = real
            self.refresh._promote = real_promote
