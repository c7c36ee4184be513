"""/api/leads/… decisions and ratings, /api/leads/mine and /api/feedback/review."""

from __future__ import annotations

import pytest
from django.utils import timezone

from smarketing.handoff import decisions
from smarketing.handoff.models import LeadFeedback
from smarketing.people.models import Contact
from smarketing.scoring.scores import definition_in_force
from tests.api.conftest import error_fields
from tests.factories import UserFactory
from tests.handoff.conftest import mql_make

pytestmark = pytest.mark.django_db


def _post(client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def test_accept_when_own_lead_returns_the_decision(api_for, rep, mql):
    response = _post(api_for(rep), f"/api/leads/{mql.pk}/accept", {"rating": 5})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "sal" and body["feedback"]["rating"] == 5
    assert body["feedback"]["user_email"] == rep.email and body["transition_id"]


def test_reject_when_reason_unknown_is_400_naming_reason(api_for, rep, mql):
    response = _post(api_for(rep), f"/api/leads/{mql.pk}/reject", {"reason": "meh"})
    assert error_fields(response) == {"reason"}
    assert Contact.objects.get(pk=mql.pk).lifecycle_stage == "mql"


def test_reject_when_reason_missing_is_400(api_for, rep, mql):
    assert error_fields(_post(api_for(rep), f"/api/leads/{mql.pk}/reject", {})) == {"reason"}


def test_recycle_and_disqualify_when_reasoned_move_the_lead(api_for, rep, mql):
    client = api_for(rep)
    other = mql_make(owner=rep, email="other@acme.example")
    assert (
        _post(client, f"/api/leads/{mql.pk}/recycle", {"reason": "timing"}).json()["stage"]
        == "recycled"
    )
    body = _post(client, f"/api/leads/{other.pk}/disqualify", {"reason": "student"}).json()
    assert body["stage"] == "disqualified" and body["feedback"]["reason"] == "student"


def test_convert_when_checklist_complete_makes_sql(api_for, rep, mql):
    items = [i.id for i in definition_in_force()[1].sql_checklist]
    response = _post(api_for(rep), f"/api/leads/{mql.pk}/convert", {"checklist": items})
    assert response.status_code == 200 and response.json()["stage"] == "sql"
    confirmed = response.json()["sql_checklist"]
    assert [i["id"] for i in confirmed["items"]] == items
    assert (confirmed["definition_version"], confirmed["user_email"]) == (1, rep.email)
    listed = api_for(rep).get(f"/api/leads/{mql.pk}/sql-checklists").json()
    assert [c["transition_id"] for c in listed] == [confirmed["transition_id"]]
    response = _post(api_for(rep), f"/api/leads/{mql.pk}/convert", {"checklist": items})
    assert error_fields(response) == {"contact"}  # already an SQL


def test_deal_when_created_returns_201_with_the_deal(api_for, rep, mql):
    response = _post(api_for(rep), f"/api/leads/{mql.pk}/deal", {"name": "Acme", "amount": "900"})
    assert response.status_code == 201, response.content
    assert response.json()["deal_id"] and response.json()["stage"] == "opportunity"


def test_rating_when_out_of_range_is_400_and_in_range_201(api_for, rep, mql):
    client = api_for(rep)
    assert error_fields(_post(client, f"/api/leads/{mql.pk}/rating", {"rating": 9})) == {"rating"}
    response = _post(client, f"/api/leads/{mql.pk}/rating", {"rating": 3, "comment": "ok"})
    assert response.status_code == 201 and response.json()["kind"] == "rating"
    feedback = client.get(f"/api/leads/{mql.pk}/feedback").json()
    assert [(f["kind"], f["rating"]) for f in feedback] == [("rating", 3)]


def test_decision_when_another_reps_lead_is_403(api_for, mql, sales_team):
    other = UserFactory(email="olga@example.com", role="sales", team=sales_team)
    response = _post(api_for(other), f"/api/leads/{mql.pk}/accept", {})
    assert response.status_code == 403
    assert "handle leads" in response.json()["detail"]
    assert not LeadFeedback.objects.exists()


def test_decision_when_marketer_is_403(api_for, marketer, mql):
    assert _post(api_for(marketer), f"/api/leads/{mql.pk}/accept", {}).status_code == 403


def test_decision_when_contact_unknown_is_404(api_for, rep, db):
    assert _post(api_for(rep), "/api/leads/999999/accept", {}).status_code == 404


def test_mine_when_rep_lists_open_leads_with_score_fields(api_for, rep, mql):
    body = api_for(rep).get("/api/leads/mine").json()
    assert [lead["id"] for lead in body] == [mql.pk]
    assert set(body[0]) >= {"score", "grade", "urgent_clock", "stage", "stage_at"}


def test_review_when_month_given_counts_by_dimension(api_for, rep, sales_leader, mql):
    other = mql_make(owner=rep, email="tiny@acme.example", employees=4)
    decisions.lead_accept(contact=mql, user=rep, rating=4)
    decisions.lead_reject(contact=other, user=rep, reason="too-small")
    month = timezone.now().strftime("%Y-%m")
    body = api_for(sales_leader).get("/api/feedback/review", {"month": month}).json()
    assert body["total"]["feedback"] == 2 and body["total"]["accepted"] == 1
    assert body["total"]["acceptance_rate"] == 0.5 and body["total"]["rating_average"] == 4
    sizes = {row["key"]: row for row in body["by_size"]}
    assert sizes["1–9"]["rejected"] == 1 and sizes["50–249"]["accepted"] == 1
    assert body["by_campaign"][0]["key"] == "Spring search"
    assert body["reasons"] == [{"kind": "reject", "reason": "Company too small", "count": 1}]


def test_review_when_other_month_is_empty(api_for, sales_leader, rep, mql):
    decisions.lead_accept(contact=mql, user=rep)
    body = api_for(sales_leader).get("/api/feedback/review", {"month": "2001-01"}).json()
    assert body["total"]["feedback"] == 0 and body["by_channel"] == []


def test_review_when_month_malformed_is_400(api_for, sales_leader, db):
    response = api_for(sales_leader).get("/api/feedback/review", {"month": "March"})
    assert error_fields(response) == {"month"}


def test_review_when_rep_is_403(api_for, rep, db):
    assert api_for(rep).get("/api/feedback/review", {"month": "2025-01"}).status_code == 403
