"""The fixed cast: one user per role, in a marketing and a sales team."""

from __future__ import annotations

import pytest

from smarketing.org.models import Role, TeamKind
from tests.factories import TeamFactory, UserFactory

# One Playwright and one Chromium for the whole run, whichever folder a browser test is in.
pytest_plugins = ["tests.browser.chromium"]

PASSWORD = "correct horse battery staple"


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
