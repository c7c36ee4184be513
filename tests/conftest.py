"""The fixed cast: one user per role, in a marketing and a sales team."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from smarketing.org.models import Role, TeamKind
from tests.factories import TeamFactory, UserFactory

# One Playwright and one Chromium for the whole run, whichever folder a browser test is in.
pytest_plugins = ["tests.browser.chromium"]

PASSWORD = "correct horse battery staple"


# Rows data migrations install on a new database. A transactional test (live server, real
# concurrent transactions) empties every table when it ends, so the next one puts them back.
MIGRATION_SEEDS = [
    ("smarketing.events.migrations.0002_default_page_patterns", "seed"),
    ("smarketing.lifecycle.migrations.0003_default_reasons", "seed"),
    ("smarketing.lifecycle.migrations.0004_handoff_reasons", "seed"),
    ("smarketing.handoff.routing.migrations.0002_existing_owner_first", "existing_owner_rule"),
]


@pytest.fixture(autouse=True)
def _migration_seeds(request) -> None:
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    for module, name in MIGRATION_SEEDS:
        getattr(importlib.import_module(module), name)(django_apps, None)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # The cast's passwords are hashed anew in every test; PBKDF2's cost makes that ~1 s a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def marketing_team(db):
    return TeamFactory(name="Marketing", kind=TeamKind.MARKETING, timezone="Europe/Berlin")


@pytest.fixture
def sales_team(db):
    return TeamFactory(name="Sales", kind=TeamKind.SALES, timezone="America/New_York")


@pytest.fixture
def marketer(marketing_team):
    return UserFactory(email="mia@example.com", role=Role.MARKETING, team=marketing_team)


@pytest.fixture
def rep(sales_team):
    return UserFactory(email="sam@example.com", role=Role.SALES, team=sales_team)


@pytest.fixture
def marketing_leader(marketing_team):
    return UserFactory(email="maya@example.com", role=Role.LEADER, team=marketing_team)


@pytest.fixture
def sales_leader(sales_team):
    return UserFactory(email="sol@example.com", role=Role.LEADER, team=sales_team)


@pytest.fixture
def admin_user(db):
    return UserFactory(email="ada@example.com", role=Role.ADMIN)


@pytest.fixture
def cast(marketer, rep, marketing_leader, sales_leader, admin_user):
    return {
        "marketing": marketer,
        "sales": rep,
        "marketing_leader": marketing_leader,
        "sales_leader": sales_leader,
        "admin": admin_user,
    }
