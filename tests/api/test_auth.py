"""Who gets in: personal tokens, the login session (with CSRF on writes), nobody else."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.crypto import get_random_string

from smarketing.api import api
from smarketing.org.models import ApiToken
from smarketing.org.services import token_create, token_revoke
from tests.api.conftest import Api


def _every_operation() -> list[tuple[str, str]]:
    """(method, url) of every endpoint in the OpenAPI document, path ids filled with 1."""
    paths = api.get_openapi_schema()["paths"]
    return [
        (method, re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in paths.items()
        for method in operations
    ]


OPERATIONS = _every_operation()


def _call(client: Client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, {}, content_type="application/json")


@pytest.mark.parametrize(("method", "url"), OPERATIONS)
def test_auth_when_anonymous_is_401_on_every_endpoint(db, method, url):
    # CSRF enforced as a browser-less client meets it: still 401, never 403 for a missing session.
    response = _call(Client(enforce_csrf_checks=True), method, url)
    assert response.status_code == 401, (method, url, response.content)
    assert response.json()["detail"].startswith("authentication required")


def test_auth_when_token_revoked_is_401(rep):
    token, raw = token_create(user=rep)
    client = Api(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/me").status_code == 200
    token_revoke(token=token)
    assert client.get("/api/me").status_code == 401
    assert client.create("/api/accounts", {"name": "Acme"}).status_code == 401


def test_auth_when_user_deactivated_is_401(rep):
    _, raw = token_create(user=rep)
    rep.is_active = False
    rep.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/me").status_code == 401


@pytest.mark.parametrize("shown", ["hash", "hint", "other-prefix", "empty"])
def test_auth_when_bearer_is_not_a_personal_token_is_401(rep, shown):
    """Only the raw personal key works: not what is stored or shown of it, nor other keys."""
    token, raw = token_create(user=rep)
    stored = ApiToken.objects.get(pk=token.pk)
    value = {
        "hash": stored.key_hash,
        "hint": stored.key_hint,
        "other-prefix": "wk_" + raw.removeprefix(ApiToken.PREFIX),
        "empty": "",
    }[shown]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {value}").get("/api/me")
    assert response.status_code == 401


def test_auth_when_token_sent_without_bearer_scheme_is_401(rep):
    _, raw = token_create(user=rep)
    assert Client(HTTP_AUTHORIZATION=f"Token {raw}").get("/api/me").status_code == 401


def test_auth_when_logged_in_session_reads(rep):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    assert client.get("/api/me").json()["email"] == rep.email


def test_auth_when_session_write_lacks_csrf_is_403(rep):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    response = client.post("/api/accounts", {"name": "Acme"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_auth_when_session_write_has_csrf_succeeds(rep):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    secret = get_random_string(32)
    client.cookies["csrftoken"] = secret
    response = client.post(
        "/api/accounts",
        {"name": "Acme"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert response.status_code == 201, response.content


def test_auth_when_token_write_needs_no_csrf(rep):
    _, raw = token_create(user=rep)
    client = Api(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.create("/api/accounts", {"name": "Acme"}).status_code == 201


def test_auth_when_token_used_records_last_use(rep):
    token, raw = token_create(user=rep)
    assert token.last_used_at is None
    Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
