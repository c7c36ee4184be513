"""POST and GET /api/contacts/{id}/transitions: moves allowed and refused, and the history."""

from __future__ import annotations

import pytest

from smarketing.lifecycle.models import StageTransition
from smarketing.people import services as people
from tests.api.conftest import error_fields
from tests.factories import ContactFactory


@pytest.fixture
def lead(marketer):
    return people.contact_create(email="lead@acme.example", stage="lead", by_user=marketer)


def _move(client, contact, **body):
    return client.create(f"/api/contacts/{contact.pk}/transitions", body)


def test_transition_create_when_allowed_records_who_and_caches_stage(as_rep, rep, lead):
    response = _move(as_rep, lead, to_stage="sql", note="budget confirmed")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["from_stage"], body["to_stage"], body["by_user_email"]) == (
        "lead",
        "sql",
        rep.email,
    )
    assert body["note"] == "budget confirmed"
    assert as_rep.get(f"/api/contacts/{lead.pk}").json()["lifecycle_stage"] == "sql"


def test_transition_create_when_recycle_without_reason_names_reason(as_rep, lead):
    response = _move(as_rep, lead, to_stage="recycled")
    assert error_fields(response) == {"reason"}
    assert StageTransition.objects.filter(contact=lead).count() == 1


def test_transition_create_when_disqualify_without_reason_names_reason(as_rep, lead):
    assert error_fields(_move(as_rep, lead, to_stage="disqualified")) == {"reason"}


def test_transition_create_when_reason_of_wrong_kind_names_reason(as_rep, lead):
    response = _move(as_rep, lead, to_stage="disqualified", reason="not-ready")
    assert error_fields(response) == {"reason"}
    assert "recycle reason does not fit" in response.json()["detail"]


def test_transition_create_when_reason_unknown_names_reason(as_rep, lead):
    response = _move(as_rep, lead, to_stage="recycled", reason="bored")
    assert error_fields(response) == {"reason"}


def test_transition_create_when_recycled_with_reason_stores_it(as_rep, lead):
    response = _move(as_rep, lead, to_stage="recycled", reason="not-ready")
    assert response.status_code == 201, response.content
    assert response.json()["reason_code"] == "not-ready"
    assert response.json()["reason_label"].startswith("Interested, but not ready")


def test_transition_create_when_reject_reason_on_a_lead_names_reason(as_rep, lead):
    response = _move(as_rep, lead, to_stage="recycled", reason="no-budget")
    assert error_fields(response) == {"reason"}


def test_transition_create_when_mql_rejected_by_sales_is_allowed(as_rep, marketer):
    mql = people.contact_create(email="mql@acme.example", stage="mql", by_user=marketer)
    response = _move(as_rep, mql, to_stage="recycled", reason="no-budget")
    assert response.status_code == 201, response.content


def test_transition_create_when_move_not_allowed_names_to_stage(as_rep, marketer):
    customer = people.contact_create(email="c@acme.example", stage="customer", by_user=marketer)
    response = _move(as_rep, customer, to_stage="lead")
    assert error_fields(response) == {"to_stage"}
    assert "not allowed" in response.json()["detail"]


def test_transition_create_when_stage_unknown_names_to_stage(as_rep, lead):
    assert error_fields(_move(as_rep, lead, to_stage="warm")) == {"to_stage"}


def test_transition_create_when_same_stage_names_to_stage(as_rep, lead):
    assert error_fields(_move(as_rep, lead, to_stage="lead")) == {"to_stage"}


def test_transition_create_when_contact_missing_is_404(as_rep):
    response = as_rep.create("/api/contacts/4711/transitions", {"to_stage": "mql"})
    assert response.status_code == 404


def test_transition_list_when_moved_gives_history_newest_first(as_rep, rep, marketer, lead):
    _move(as_rep, lead, to_stage="mql")
    _move(as_rep, lead, to_stage="recycled", reason="timing", note="next quarter")
    body = as_rep.get(f"/api/contacts/{lead.pk}/transitions").json()
    assert body["count"] == 3
    rows = body["items"]
    assert [(r["from_stage"], r["to_stage"]) for r in rows] == [
        ("mql", "recycled"),
        ("lead", "mql"),
        ("", "lead"),
    ]
    newest = rows[0]
    assert (newest["by_user_email"], newest["reason_code"], newest["note"]) == (
        rep.email,
        "timing",
        "next quarter",
    )
    assert newest["reason_label"]
    assert rows[-1]["by_user_email"] == marketer.email
    assert rows[0]["at"] >= rows[1]["at"] >= rows[2]["at"]


def test_transition_list_when_moved_by_rule_names_the_rule(as_rep):
    contact = people.contact_create(email="imp@acme.example", stage="lead", by_rule="import")
    row = as_rep.get(f"/api/contacts/{contact.pk}/transitions").json()["items"][0]
    assert (row["by_user_id"], row["by_user_email"], row["by_rule"]) == (None, None, "import")


def test_transition_list_when_no_moves_is_empty(as_rep):
    contact = ContactFactory()
    assert as_rep.get(f"/api/contacts/{contact.pk}/transitions").json() == {
        "items": [],
        "count": 0,
    }
