"""Write keys: created, listed, rotated and disabled through the service, the CLI and the
Sources page (admins only); stored hashed; a write key can send events and read nothing."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from smarketing import cli
from smarketing.errors import InvalidInput
from smarketing.events import services
from smarketing.events.models import RawEvent, WriteKey
from smarketing.org.models import secret_hash
from tests.events.ingest_support import basic, message, post

pytestmark = pytest.mark.django_db

KEY = re.compile(r"wk_[A-Za-z0-9_-]{20,}")


def test_key_is_stored_hashed_and_authenticates(admin_user):
    key, raw = services.writekey_create(name="Website", by_user=admin_user)
    assert raw.startswith("wk_")
    assert key.key_hash == secret_hash(raw) and raw not in key.key_hash
    assert key.key_hint == raw[:10]
    assert (key.created_by, key.rate_limit) == (admin_user, 2000)
    assert services.writekey_authenticate(raw) == key
    assert services.writekey_authenticate(raw + "x") is None
    assert services.writekey_authenticate("") is None


@pytest.mark.parametrize(
    ("name", "field", "reason"),
    [
        ("  ", "name", "is required"),
        ("website", "name", "already exists"),
        ("x" * 101, "name", "longer than 100"),
    ],
)
def test_create_refuses_bad_names(admin_user, name, field, reason):
    services.writekey_create(name="Website", by_user=admin_user)
    with pytest.raises(InvalidInput) as exc:
        services.writekey_create(name=name, by_user=admin_user)
    assert reason in exc.value.errors[field][0]


def test_create_refuses_a_rate_below_one(admin_user):
    with pytest.raises(InvalidInput) as exc:
        services.writekey_create(name="App", by_user=admin_user, rate_limit=0)
    assert "rate_limit" in exc.value.errors


def test_rotate_replaces_the_key_and_keeps_the_source(admin_user):
    key, old = services.writekey_create(name="Website", by_user=admin_user)
    new = services.writekey_rotate(key=key)
    assert new != old
    assert services.writekey_authenticate(old) is None
    assert services.writekey_authenticate(new).pk == key.pk
    assert key.rotated_at is not None


def test_disabled_key_does_not_authenticate_or_rotate(admin_user):
    key, raw = services.writekey_create(name="Website", by_user=admin_user)
    services.writekey_disable(key=key)
    assert key.disabled_at is not None
    assert services.writekey_authenticate(raw) is None
    with pytest.raises(InvalidInput, match="disabled"):
        services.writekey_rotate(key=key)


# ---- a write key can never read


def test_write_key_as_bearer_on_the_rest_api_is_401(client, admin_user):
    _, raw = services.writekey_create(name="Website", by_user=admin_user)
    for path in ("/api/contacts", "/api/me", "/api/events/rejected", "/api/sources"):
        assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401, path
        assert client.get(path, HTTP_AUTHORIZATION=basic(raw)).status_code == 401, path


def test_write_key_does_not_open_the_web_ui(client, admin_user):
    _, raw = services.writekey_create(name="Website", by_user=admin_user)
    response = client.get("/settings/sources/", HTTP_AUTHORIZATION=basic(raw))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_tracking_api_answers_with_counts_only(client, admin_user):
    _, raw = services.writekey_create(name="Website", by_user=admin_user)
    msg = message("identify", userId="u-1", traits={"email": "secret@example.com"})
    post(client, "/v1/identify", msg, key=raw)
    for kind in ("identify", "batch"):
        body = {"batch": [msg]} if kind == "batch" else msg
        response = post(client, f"/v1/{kind}", body, key=raw)
        assert b"secret@example.com" not in response.content
        assert set(response.json()) == {"success", "accepted", "duplicates", "rejected"}


# ---- CLI


@pytest.fixture(scope="module")
def app():
    cli.register_plugins_once()
    return cli.app


def run(app, *args: str):
    return CliRunner().invoke(app, list(args))


def test_cli_create_prints_the_key_once(app):
    result = run(app, "writekey", "create", "--name", "Website", "--rate-limit", "500")
    assert result.exit_code == 0, result.output
    (raw,) = KEY.findall(result.stdout)
    key = WriteKey.objects.get(name="Website")
    assert (key.key_hash, key.rate_limit) == (secret_hash(raw), 500)


def test_cli_create_duplicate_name_fails(app):
    run(app, "writekey", "create", "--name", "Website")
    result = run(app, "writekey", "create", "--name", "website")
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_cli_list_shows_counts_and_never_the_key(app, admin_user):
    key, raw = services.writekey_create(name="Website", by_user=admin_user)
    services.writekey_create(name="Webinars", by_user=admin_user)
    services.events_ingest(
        source=key,
        messages=[message(), message(), message(type="nope")],
        received_at=RawEvent._meta.get_field("received_at").default(),
    )
    result = run(app, "writekey", "list")
    assert result.exit_code == 0, result.output
    line = next(li for li in result.stdout.splitlines() if "Website" in li)
    assert re.search(r"active\s*│\s*2\s*│\s*1\s*│", line), line
    assert "Webinars" in result.stdout and "never" in result.stdout
    assert raw not in result.stdout


def test_cli_rotate_and_disable(app, admin_user):
    key, old = services.writekey_create(name="Website", by_user=admin_user)
    result = run(app, "writekey", "rotate", "--name", "website")
    assert result.exit_code == 0, result.output
    (new,) = KEY.findall(result.stdout)
    assert services.writekey_authenticate(old) is None
    assert services.writekey_authenticate(new) == key
    assert run(app, "writekey", "disable", "--name", "Website").exit_code == 0
    assert services.writekey_authenticate(new) is None
    result = run(app, "writekey", "rotate", "--name", "Website")
    assert result.exit_code == 1 and "disabled" in result.output


def test_cli_unknown_name_lists_the_sources(app, admin_user):
    services.writekey_create(name="Website", by_user=admin_user)
    result = run(app, "writekey", "disable", "--name", "Nope")
    assert result.exit_code == 1
    assert "no source named 'Nope' (sources: Website)" in result.output


# ---- the Sources page


def test_sources_page_is_for_admins_only(client, cast):
    for role, user in cast.items():
        client.force_login(user)
        status = client.get("/settings/sources/").status_code
        assert status == (200 if role == "admin" else 403), role


def test_create_on_the_page_shows_the_key_once(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/settings/sources/", {"name": "Website", "rate_limit": ""})
    assert response.status_code == 200
    (raw,) = KEY.findall(response.content.decode())
    key = WriteKey.objects.get(name="Website")
    assert key.key_hash == secret_hash(raw)
    assert raw not in client.get("/settings/sources/").content.decode()


def test_create_with_a_taken_name_shows_the_error_on_the_field(client, admin_user):
    services.writekey_create(name="Website", by_user=admin_user)
    client.force_login(admin_user)
    response = client.post("/settings/sources/", {"name": "WEBSITE"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert WriteKey.objects.count() == 1


def test_page_lists_counts_and_last_event(client, admin_user):
    key, _ = services.writekey_create(name="Website", by_user=admin_user)
    services.events_ingest(
        source=key, messages=[message(), message(type="nope")], received_at=key.created_at
    )
    client.force_login(admin_user)
    page = client.get("/settings/sources/")
    row = next(r for r in page.content.decode().split("<tr") if "<td>Website</td>" in r)
    numbers = re.findall(r'<td class="num">([\d,]+)</td>', row)
    assert numbers[:2] == ["1", "1"]
    assert f"{key.created_at:%Y-%m-%d %H:%M}" in row


def test_rotate_and_disable_on_the_page(client, admin_user):
    key, old = services.writekey_create(name="Website", by_user=admin_user)
    client.force_login(admin_user)
    response = client.post(f"/settings/sources/{key.pk}/rotate/")
    (new,) = KEY.findall(response.content.decode())
    assert services.writekey_authenticate(old) is None
    assert services.writekey_authenticate(new) == key
    response = client.post(f"/settings/sources/{key.pk}/disable/")
    assert response.status_code == 302
    assert services.writekey_authenticate(new) is None


def test_marketer_cannot_rotate_or_disable(client, marketer, admin_user):
    key, raw = services.writekey_create(name="Website", by_user=admin_user)
    client.force_login(marketer)
    assert client.post(f"/settings/sources/{key.pk}/rotate/").status_code == 403
    assert client.post(f"/settings/sources/{key.pk}/disable/").status_code == 403
    assert services.writekey_authenticate(raw) == key
