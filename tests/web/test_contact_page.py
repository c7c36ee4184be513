"""One contact's page: details, timeline, the stage form and the activity form."""

from __future__ import annotations

import pytest

from smarketing.handoff.models import Activity
from smarketing.lifecycle.models import StageTransition, TransitionReason
from smarketing.org import permissions
from smarketing.org.models import Role


def url(contact, tail: str = "") -> str:
    return f"/contacts/{contact.pk}/{tail}"


def test_page_shows_fields_stage_and_timeline(as_user, rep, lead):
    html = as_user(rep).get(url(lead)).content.decode()
    assert "Lena Berg" in html and "lena.berg@acme.example" in html
    assert "Acme Analytics" in html and str(rep) in html
    assert "Events &amp; webinars" in html  # the source channel's label
    assert "no stage → Lead" in html and "web form" in html


def test_unknown_contact_is_404(as_user, rep, db):
    assert as_user(rep).get("/contacts/999999/").status_code == 404


def test_stage_form_offers_only_allowed_moves(as_user, rep, lead):
    html = as_user(rep).get(url(lead)).content.decode()
    assert 'value="mql"' in html and 'value="recycled"' in html
    assert 'value="subscriber"' not in html  # a lead cannot go back to subscriber


def test_moving_the_stage_records_who_and_why(as_user, rep, lead):
    response = as_user(rep).post(
        url(lead, "stage/"), {"to_stage": "mql", "note": "Asked for a demo"}
    )
    assert response.status_code == 302 and response["Location"] == url(lead)
    lead.refresh_from_db()
    assert lead.lifecycle_stage == "mql"
    move = StageTransition.objects.filter(contact=lead).first()
    assert (move.by_user, move.note) == (rep, "Asked for a demo")
    assert "moved to MQL" in as_user(rep).get(url(lead)).content.decode()


def test_recycle_without_a_reason_is_refused_inline(as_user, rep, lead):
    response = as_user(rep).post(url(lead, "stage/"), {"to_stage": "recycled"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "needs a reason" in html and 'class="field-error"' in html
    lead.refresh_from_db()
    assert lead.lifecycle_stage == "lead"
    assert StageTransition.objects.filter(contact=lead).count() == 1


def test_recycle_with_a_reason_moves(as_user, rep, lead):
    reason = TransitionReason.objects.get(code="not-ready")
    response = as_user(rep).post(url(lead, "stage/"), {"to_stage": "recycled", "reason": reason.pk})
    assert response.status_code == 302
    assert StageTransition.objects.filter(contact=lead).first().reason == reason


def test_a_reason_of_the_wrong_kind_is_refused(as_user, rep, lead):
    no_fit = TransitionReason.objects.get(code="no-fit")
    response = as_user(rep).post(url(lead, "stage/"), {"to_stage": "recycled", "reason": no_fit.pk})
    assert response.status_code == 400
    assert "does not fit a move to Recycled" in response.content.decode()


def test_stage_form_partial_filters_reasons_to_the_target(as_user, rep, lead):
    client = as_user(rep)
    recycle = client.get(url(lead, "stage/"), {"to_stage": "recycled"}).content.decode()
    assert "not-ready" not in recycle  # labels, not codes, are shown
    assert "Interested, but not ready to buy yet" in recycle
    assert "Student, job seeker" not in recycle  # a disqualify reason
    assert "No budget" not in recycle  # a lead cannot be rejected: only MQL or SAL
    to_mql = client.get(url(lead, "stage/"), {"to_stage": "mql"}).content.decode()
    assert 'name="reason"' not in to_mql


def test_without_transition_permission_no_form_and_post_is_403(as_user, rep, lead, monkeypatch):
    monkeypatch.setitem(
        permissions.MATRIX, Role.SALES, permissions.MATRIX[Role.SALES] - {"contact.transition"}
    )
    client = as_user(rep)
    assert 'id="stage-form"' not in client.get(url(lead)).content.decode()
    assert client.post(url(lead, "stage/"), {"to_stage": "mql"}).status_code == 403
    lead.refresh_from_db()
    assert lead.lifecycle_stage == "lead"


def test_logging_a_call_adds_it_to_the_timeline(as_user, rep, lead):
    client = as_user(rep)
    response = client.post(
        url(lead, "activities/"),
        {"kind": "call", "subject": "Intro call", "outcome": "connected", "body": "Wants pricing"},
    )
    assert response.status_code == 302
    activity = Activity.objects.get(contact=lead)
    assert (activity.user, activity.outcome, activity.account_id) == (
        rep,
        "connected",
        lead.account_id,
    )
    html = client.get(url(lead)).content.decode()
    assert "Call: Intro call" in html and "Wants pricing" in html


def test_an_outcome_on_an_email_is_refused_inline(as_user, rep, lead):
    response = as_user(rep).post(
        url(lead, "activities/"), {"kind": "email", "outcome": "connected"}
    )
    assert response.status_code == 400
    assert "only a call has an outcome" in response.content.decode()
    assert not Activity.objects.exists()


def test_without_activity_permission_post_is_403(as_user, rep, lead, monkeypatch):
    monkeypatch.setitem(
        permissions.MATRIX, Role.SALES, permissions.MATRIX[Role.SALES] - {"activity.change"}
    )
    client = as_user(rep)
    assert "Log an activity" not in client.get(url(lead)).content.decode()
    assert client.post(url(lead, "activities/"), {"kind": "note"}).status_code == 403
    assert not Activity.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_stage_url_only_takes_get_and_post(as_user, rep, lead, method):
    assert getattr(as_user(rep), method)(url(lead, "stage/")).status_code == 405
