"""Fixtures of the handoff tests: an MQL owned by the rep, logged-in page and API clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from smarketing.campaigns.models import Campaign
from smarketing.lifecycle.services import stage_transition
from smarketing.people import services as people
from tests.api.conftest import api_for  # noqa: F401  (the API tests' client fixture)
from tests.factories import AccountFactory


def mql_make(*, owner, email: str = "lena.berg@acme.example", employees: int = 120):
    contact = people.contact_create(
        email=email,
        first_name="Lena",
        last_name="Berg",
        account=AccountFactory(name="Acme Analytics", employees=employees, industry="Software"),
        owner=owner,
        source_channel="paid_search",
        source_campaign=Campaign.objects.get_or_create(name="Spring search")[0],
        stage="lead",
        by_rule="web form",
    )
    stage_transition(contact=contact, to_stage="mql", by_rule="definition v1: fit ≥ 20")
    return contact


@pytest.fixture
def mql(rep):
    return mql_make(owner=rep)


@pytest.fixture
def as_user(client: Client) -> Callable[[object], Client]:
    def login(user: object) -> Client:
        client.force_login(user)
        return client

    return login
