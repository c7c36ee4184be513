"""GET /api/me."""

from __future__ import annotations

from smarketing.org.permissions import MATRIX


def test_me_when_token_names_the_user_role_and_team(as_rep, rep):
    body = as_rep.get("/api/me").json()
    assert body["email"] == rep.email
    assert body["name"] == rep.display_name
    assert body["role"] == "sales"
    assert body["team"] == {"id": rep.team.pk, "name": "Sales", "kind": "sales"}
    assert set(body["permissions"]) == MATRIX["sales"]


def test_me_when_no_team_gives_null(as_admin):
    body = as_admin.get("/api/me").json()
    assert body["role"] == "admin"
    assert body["team"] is None


def test_me_when_anonymous_is_401_json(anonymous):
    response = anonymous.get("/api/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "authentication required" in response.json()["detail"]
