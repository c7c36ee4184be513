"""API clients authenticated as each member of the cast, with JSON helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from smarketing.org.models import User
from smarketing.org.services import token_create


class Api(Client):
    """A test client that sends and reads JSON."""

    def create(self, url: str, body: dict[str, Any]) -> Any:
        return self.post(url, body, content_type="application/json")

    def change(self, url: str, body: dict[str, Any]) -> Any:
        return self.patch(url, body, content_type="application/json")


def error_fields(response: Any) -> set[str]:
    """The fields a 400 answer names."""
    assert response.status_code == 400, response.content
    return {e["field"] for e in response.json()["errors"]}


@pytest.fixture
def api_for(db) -> Callable[[User], Api]:
    def make(user: User) -> Api:
        _, raw = token_create(user=user, name="tests")
        return Api(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture
def as_marketer(api_for, marketer) -> Api:
    return api_for(marketer)


@pytest.fixture
def as_rep(api_for, rep) -> Api:
    return api_for(rep)


@pytest.fixture
def as_admin(api_for, admin_user) -> Api:
    return api_for(admin_user)


@pytest.fixture
def anonymous(db) -> Api:
    return Api()
