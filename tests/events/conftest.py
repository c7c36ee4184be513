"""Fixtures for the processing tests: a source, and `send` that stores messages the way the
tracking API does (events_ingest) without processing them yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from smarketing.events.models import WriteKey
from smarketing.events.processing.run import events_process
from smarketing.events.services import IngestResult, events_ingest, writekey_create


@pytest.fixture
def source(db) -> WriteKey:
    return writekey_create(name="website", by_user=None)[0]


@pytest.fixture
def send(source) -> Callable[..., IngestResult]:
    def send(*messages: dict[str, Any]) -> IngestResult:
        result = events_ingest(source=source, messages=list(messages), received_at=timezone.now())
        assert result.rejected == 0, "a test message was rejected by ingestion"
        return result

    return send


@pytest.fixture
def process() -> Callable[[], int]:
    """Process everything stored so far."""
    return lambda: events_process(limit=10_000)
