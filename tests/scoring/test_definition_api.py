"""/api/definitions: versions, drafts, proposal and sign-off through the REST API."""

from __future__ import annotations

import pytest

from smarketing.scoring import services
from tests.events.rows import api_client
from tests.scoring.definition_support import BROKEN_YAML, stricter_yaml

pytestmark = pytest.mark.django_db
URL = "/api/definitions"


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_list_on_a_new_install_shows_the_default_live_version(rep):
    body = api_client(rep).get(URL).json()

    assert [(v["number"], v["status"]) for v in body] == [(1, "live")]
    assert body[0]["went_live_at"] is not None
    assert body[0]["sign_off"].startswith("live since ")


def test_create_then_get_shows_text_and_diff_against_live(marketing_leader, marketer):
    created = _post(api_client(marketing_leader), URL, {"text": stricter_yaml()})
    assert created.status_code == 201, created.content
    number = created.json()["number"]

    body = api_client(marketer).get(f"{URL}/{number}").json()
    assert (body["status"], body["revision"], body["text"]) == ("draft", 1, stricter_yaml())
    (change,) = body["changes"]
    assert change["action"] == "changed" and change["item_id"] == "employees-under-10"
    assert "points: -30 → -40" in change["description"]
    assert body["sign_off"] == "draft, not proposed yet"


def test_create_with_a_yaml_error_is_a_400_with_line_and_column(marketing_leader):
    response = _post(api_client(marketing_leader), URL, {"text": BROKEN_YAML})

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "text"
    assert "YAML syntax error at line 4, column 4" in error["reason"]


def test_create_by_a_marketer_is_forbidden(marketer):
    response = _post(api_client(marketer), URL, {"text": stricter_yaml()})

    assert response.status_code == 403
    assert "propose definitions" in response.json()["detail"]


def test_update_of_a_draft_makes_a_new_revision(marketing_leader):
    client = api_client(marketing_leader)
    number = _post(client, URL).json()["number"]

    response = client.put(f"{URL}/{number}", {"text": stricter_yaml()}, "application/json")

    assert response.status_code == 200, response.content
    assert (response.json()["revision"], response.json()["text"]) == (2, stricter_yaml())


def test_update_of_the_live_version_is_refused(sales_leader):
    client = api_client(sales_leader)
    client.get(URL)

    response = client.put(f"{URL}/1", {"text": stricter_yaml()}, "application/json")

    assert response.status_code == 400
    assert "version 1 is live and cannot be changed" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "status"
    assert client.get(f"{URL}/1").json()["text"] == services.definition_live().text


def test_update_with_an_unknown_field_names_path_and_line(marketing_leader):
    client = api_client(marketing_leader)
    number = _post(client, URL).json()["number"]
    text = stricter_yaml().replace("field: title", "field: job_title")

    response = client.put(f"{URL}/{number}", {"text": text}, "application/json")

    assert response.status_code == 400
    fields = {e["field"]: e["reason"] for e in response.json()["errors"]}
    assert fields["fit_rules[3].field"].startswith("line ")
    assert "unknown field 'job_title'" in fields["fit_rules[3].field"]


def test_approve_by_both_leaders_makes_the_draft_live(marketing_leader, sales_leader):
    marketing, sales = api_client(marketing_leader), api_client(sales_leader)
    number = _post(marketing, URL, {"text": stricter_yaml()}).json()["number"]
    assert _post(marketing, f"{URL}/{number}/propose").status_code == 200

    first = _post(marketing, f"{URL}/{number}/approve").json()
    assert (first["status"], first["sign_off"]) == ("draft", "waiting for the sales leader")
    second = _post(sales, f"{URL}/{number}/approve").json()

    assert second["status"] == "live" and second["went_live_at"] is not None
    assert [(a["user_email"], a["team_kind"], a["counts"]) for a in second["approvals"]] == [
        ("maya@example.com", "marketing", True),
        ("sol@example.com", "sales", True),
    ]
    assert sales.get(f"{URL}/1").json()["status"] == "retired"


def test_approve_by_an_admin_is_forbidden(admin_user, marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
    services.definition_propose(version=draft, by_user=marketing_leader)

    response = _post(api_client(admin_user), f"{URL}/{draft.number}/approve")

    assert response.status_code == 403


def test_get_of_an_unknown_version_is_a_404(rep):
    response = api_client(rep).get(f"{URL}/42")

    assert response.status_code == 404
    assert response.json()["detail"] == "definition version 42 not found"
