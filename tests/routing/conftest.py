"""A small sales organisation to route leads in: two sales teams, their reps and a leader."""

from __future__ import annotations

import pytest

from smarketing.handoff.routing import config
from smarketing.handoff.routing.models import RoutingRule
from smarketing.org.models import Role, TeamKind
from tests.api.conftest import Api, api_for  # noqa: F401  (fixture)
from tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory
from tests.web.conftest import as_user  # noqa: F401  (fixture)


@pytest.fixture
def org(db):
    """Users by short name. EMEA takes turns anna → ben → cara (in id order); kurt owns the
    DACH enterprise territory (in no team, so in nobody's round robin); lena leads EMEA; mia
    is in marketing."""
    emea = TeamFactory(name="Sales EMEA", kind=TeamKind.SALES, timezone="Europe/Berlin")
    us = TeamFactory(name="Sales US", kind=TeamKind.SALES, timezone="America/New_York")
    marketing = TeamFactory(name="Marketing", kind=TeamKind.MARKETING)
    people = {}
    for name, team, role in [
        ("anna", emea, Role.SALES),
        ("ben", emea, Role.SALES),
        ("cara", emea, Role.SALES),
        ("dave", us, Role.SALES),
        ("erin", us, Role.SALES),
        ("kurt", None, Role.SALES),
        ("lena", emea, Role.LEADER),
        ("mia", marketing, Role.MARKETING),
    ]:
        people[name] = UserFactory(email=f"{name}@seller.example", role=role, team=team)
    return {"emea": emea, "us": us, "marketing": marketing, **people}


@pytest.fixture
def rules(org):
    """The order the docs describe: existing owner (seeded by the migration), a named
    territory, an industry territory shared by round robin, then round robin for the rest."""
    assert list(RoutingRule.objects.values_list("kind", flat=True)) == ["owner"]
    dach = config.region_create(name="DACH", countries="DE, AT, CH")
    return [
        RoutingRule.objects.get(kind="owner"),
        config.rule_create(
            name="DACH enterprise",
            kind="territory",
            region=dach,
            employees_min=1000,
            user=org["kurt"],
        ),
        config.rule_create(name="Fintech", kind="territory", industries="Fintech", team=org["us"]),
        config.rule_create(name="Sales EMEA", kind="round_robin", team=org["emea"]),
    ]


def lead(*, country="FR", employees=50, industry="Software", account_owner=None, owner=None):
    account = AccountFactory(
        country=country, employees=employees, industry=industry, owner=account_owner
    )
    return ContactFactory(account=account, owner=owner)
