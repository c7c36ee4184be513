"""Login, logout, the top bar, the health check, and the login wall on every page."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

PAGES = [
    "/",
    "/contacts/",
    "/contacts/1/",
    "/contacts/1/stage/",
    "/accounts/",
    "/accounts/1/",
    "/deals/",
    "/campaigns/",
    "/teams/",
    "/teams/1/edit/",
    "/settings/tokens/",
]
POSTS = ["/contacts/1/stage/", "/contacts/1/activities/", "/teams/1/edit/", "/settings/tokens/",
         "/settings/tokens/1/revoke/"]  # fmt: skip


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_get_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("url", POSTS)
def test_anonymous_post_is_sent_to_login_and_changes_nothing(client, db, url):
    response = client.post(url, {"name": "x", "to_stage": "mql"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_page_renders(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_login_with_email_and_password_opens_the_dashboard(client, rep):
    response = client.post("/login/", {"username": rep.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_follows_next(client, rep):
    response = client.post(
        "/login/", {"username": rep.email, "password": PASSWORD, "next": "/deals/"}
    )
    assert response["Location"] == "/deals/"


def test_wrong_password_is_refused_with_a_message(client, rep):
    response = client.post("/login/", {"username": rep.email, "password": "wrong"})
    assert response.status_code == 200
    assert "correct email" in response.content.decode().lower()
    assert client.get("/").status_code == 302


def test_logout_is_a_post(client, rep):
    client.force_login(rep)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_top_bar_shows_name_role_and_the_roles_navigation(client, rep):
    client.force_login(rep)
    html = client.get("/").content.decode()
    assert rep.display_name in html
    assert "Sales" in html
    for label in ("Dashboard", "Contacts", "Accounts", "Deals", "Campaigns", "Teams"):
        assert f">{label}</a>" in html
    # Sales may not import, so the import page is not offered.
    assert ">Import</a>" not in html


def test_marketing_navigation_offers_import(client, marketer):
    client.force_login(marketer)
    html = client.get("/").content.decode()
    assert ">Import</a>" in html


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_static_files_are_served_locally(client, db):
    for path in ("/static/web/app.css", "/static/web/htmx.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 1000, path
