"""Write keys and the ingest of events: store each accepted event once, every rejected one with
its reason, and hand processing to the queue after commit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.events import ingest
from smarketing.events.models import RawEvent, RejectedEvent, WriteKey
from smarketing.org.models import User

MAX_RAW_KEY_CHARS = 200  # longer than any key we issue; not worth hashing


def writekey_create(
    *, name: str, by_user: User | None, rate_limit: int | None = None
) -> tuple[WriteKey, str]:
    """A new source and its raw key, which is shown once and never stored (only its hash)."""
    name = name.strip()
    longest: int = WriteKey._meta.get_field("name").max_length  # type: ignore[assignment]
    taken = [f"a source named {name!r} already exists"]
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["is required"]
    elif len(name) > longest:
        errors["name"] = [f"is longer than {longest} characters"]
    elif WriteKey.objects.filter(name__iexact=name).exists():
        errors["name"] = taken
    if rate_limit is not None and rate_limit < 1:
        errors["rate_limit"] = ["must be at least 1 event per second"]
    if errors:
        raise InvalidInput(errors)
    raw, key_hash = WriteKey.new_key()
    key = WriteKey(name=name, key_hash=key_hash, key_hint=raw[:10], created_by=by_user)
    if rate_limit is not None:
        key.rate_limit = rate_limit
    try:
        with transaction.atomic():
            key.save()
    except IntegrityError:  # the same name created at the same moment
        raise InvalidInput({"name": taken}) from None
    return key, raw


def writekey_rotate(*, key: WriteKey) -> str:
    """Issue a new raw key for the source; the old key stops working at once (senders still
    using it get 401 until they are given the new one). Its events and counts stay."""
    if not key.is_active:
        raise InvalidInput(f"source {key.name!r} is disabled; a disabled key is not rotated")
    raw, key_hash = WriteKey.new_key()
    key.key_hash, key.key_hint, key.rotated_at = key_hash, raw[:10], timezone.now()
    key.save(update_fields=["key_hash", "key_hint", "rotated_at"])
    return raw


def writekey_disable(*, key: WriteKey) -> None:
    """Stop accepting events with this key (401). Its stored events stay."""
    now = timezone.now()
    WriteKey.objects.filter(pk=key.pk, disabled_at__isnull=True).update(disabled_at=now)
    key.refresh_from_db(fields=["disabled_at"])


def writekey_authenticate(raw: str) -> WriteKey | None:
    """The active source a raw write key belongs to."""
    if not raw or len(raw) > MAX_RAW_KEY_CHARS:
        return None
    key = WriteKey.objects.by_raw(raw)
    return key if key is not None and key.is_active else None


@dataclass(frozen=True)
class IngestResult:
    accepted: int  # newly stored
    duplicates: int  # valid, but its messageId was already stored for this source
    rejected: int  # stored as RejectedEvent with the reason


def events_ingest(
    *,
    source: WriteKey,
    messages: Iterable[Any],
    received_at: dt.datetime,
    context: dict[str, Any] | None = None,
    integrations: dict[str, Any] | None = None,
    sent_at: str | None = None,
) -> IngestResult:
    """Store a request's messages: one bulk insert that skips (source, messageId) already stored,
    one for the rejected. `context`, `integrations` and `sent_at` are a batch's top-level fields.
    Processing is queued once the rows are committed."""
    batch = ingest.Batch(context=context, integrations=integrations, sent_at=sent_at)
    rows: dict[str, ingest.Accepted] = {}
    rejected: list[RejectedEvent] = []
    repeated = 0
    for message in messages:
        outcome = ingest.message_normalize(message, received_at=received_at, batch=batch)
        if isinstance(outcome, ingest.Rejection):
            rejected.append(_rejected_row(source, outcome, received_at))
        elif outcome.message_id in rows:
            repeated += 1
        else:
            rows[outcome.message_id] = outcome
    with transaction.atomic():
        inserted = _insert_new(source, rows, received_at=received_at)
        if rejected:
            RejectedEvent.objects.bulk_create(rejected)
        if inserted:
            transaction.on_commit(_processing_enqueue, robust=True)
    return IngestResult(
        accepted=inserted, duplicates=len(rows) - inserted + repeated, rejected=len(rejected)
    )


def request_reject(
    *, source: WriteKey, reason: str, body: bytes, received_at: dt.datetime
) -> RejectedEvent:
    """Record a whole request refused with 400, so the source's admin sees it too."""
    return RejectedEvent.objects.create(
        source=source,
        received_at=received_at,
        field="request",
        reason=reason[: ingest.MAX_REASON_CHARS],
        payload=_body_excerpt(body),
    )


def _rejected_row(
    source: WriteKey, rejection: ingest.Rejection, received_at: dt.datetime
) -> RejectedEvent:
    return RejectedEvent(
        source=source,
        received_at=received_at,
        message_id=rejection.message_id,
        field=rejection.field,
        reason=rejection.reason,
        payload=rejection.payload,
    )


def _insert_new(
    source: WriteKey, rows: dict[str, ingest.Accepted], *, received_at: dt.datetime
) -> int:
    """Insert in one statement, skipping rows whose (source, message_id) exists; returns how many
    were new.

    The rows travel as one JSON document the database unpacks (jsonb_array_elements, json_each):
    Django's bulk_create spends ~0.1 ms an event compiling placeholders (and on PostgreSQL has
    psycopg escape every payload into a text array), most of the ingest's time; this costs a few
    microseconds. Sorted by message id, so concurrent requests take index locks in one order and
    cannot deadlock on PostgreSQL. The count is the INSERT's own row count (ON CONFLICT DO
    NOTHING and INSERT OR IGNORE count only rows written), exact even under concurrency."""
    if not rows:
        return 0
    document = json.dumps(
        [
            [
                r.message_id,
                r.type,
                r.event,
                r.anonymous_id,
                r.user_id,
                _db_time(r.timestamp),
                r.payload,
            ]
            for r in (rows[mid] for mid in sorted(rows))
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    received = connection.ops.adapt_datetimefield_value(received_at)
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL[connection.vendor], [source.pk, received, document])
        return max(cursor.rowcount, 0)


def _db_time(value: dt.datetime) -> str:
    """A datetime as text its column takes (on SQLite, Django's own UTC format)."""
    adapted = connection.ops.adapt_datetimefield_value(value)
    return adapted.isoformat() if isinstance(adapted, dt.datetime) else str(adapted)


COLUMNS = (
    "source_id, message_id, type, event, anonymous_id, user_id, timestamp, received_at, payload"
)
INSERT_SQL = {
    "postgresql": f"""
        INSERT INTO {RawEvent._meta.db_table} ({COLUMNS})
        SELECT %s, r->>0, r->>1, r->>2, r->>3, r->>4, (r->>5)::timestamptz, %s, r->6
        FROM jsonb_array_elements(%s::jsonb) AS r
        ON CONFLICT (source_id, message_id) DO NOTHING
    """,
    "sqlite": f"""
        INSERT OR IGNORE INTO {RawEvent._meta.db_table} ({COLUMNS})
        SELECT %s, json_extract(value, '$[0]'), json_extract(value, '$[1]'),
            json_extract(value, '$[2]'), json_extract(value, '$[3]'),
            json_extract(value, '$[4]'), json_extract(value, '$[5]'), %s,
            json_extract(value, '$[6]')
        FROM json_each(%s) ORDER BY key
    """,
}


def _processing_enqueue() -> None:
    # Imported here: the task module imports the processing code, which ingest never needs.
    from smarketing.events.tasks import events_process_task

    events_process_task()


def _body_excerpt(body: bytes, limit: int = 2000) -> str:
    text = body[:limit].decode("utf-8", errors="replace")
    return text.replace("\x00", "\\u0000")
