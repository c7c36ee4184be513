"""Helpers for page tests: a logged-in client per user and a contact made through services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from smarketing.people import services as people
from tests.factories import AccountFactory


@pytest.fixture
def as_user(client: Client) -> Callable[[object], Client]:
    """`as_user(user)` logs the test client in as that user and returns it."""

    def login(user: object) -> Client:
        client.force_login(user)
        return client

    return login


@pytest.fixture
def lead(db, rep):
    """A lead at an account, owned by the sales rep, created through the service."""
    return people.contact_create(
        email="lena.berg@acme.example",
        first_name="Lena",
        last_name="Berg",
        account=AccountFactory(name="Acme Analytics", domain="acme.example"),
        owner=rep,
        source_channel="events",
        stage="lead",
        by_rule="web form",
    )
