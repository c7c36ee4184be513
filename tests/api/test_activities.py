"""/api/activities: log, list by contact/user/kind with pages, get, partial update, errors."""

from __future__ import annotations

import datetime as dt

from smarketing.handoff import services as handoff
from smarketing.handoff.models import Activity
from tests.api.conftest import error_fields
from tests.factories import ContactFactory, DealFactory


def test_activity_create_when_valid_credits_caller_and_copies_account(as_rep, rep):
    contact = ContactFactory()
    response = as_rep.create(
        "/api/activities",
        {"kind": "call", "contact_id": contact.pk, "outcome": "voicemail", "subject": "Intro"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["user_id"], body["account_id"], body["contact_email"]) == (
        rep.pk,
        contact.account_id,
        contact.email,
    )
    assert body["occurred_at"]


def test_activity_create_when_outcome_on_email_names_outcome(as_rep):
    contact = ContactFactory()
    response = as_rep.create(
        "/api/activities", {"kind": "email", "contact_id": contact.pk, "outcome": "connected"}
    )
    assert error_fields(response) == {"outcome"}
    assert not Activity.objects.exists()


def test_activity_create_when_ids_unknown_names_each(as_rep):
    response = as_rep.create(
        "/api/activities", {"kind": "note", "contact_id": 404, "deal_id": 405, "user_id": 406}
    )
    assert error_fields(response) == {"contact_id", "deal_id", "user_id"}


def test_activity_create_when_kind_unknown_names_kind(as_rep):
    contact = ContactFactory()
    response = as_rep.create("/api/activities", {"kind": "fax", "contact_id": contact.pk})
    assert error_fields(response) == {"kind"}


def test_activity_update_when_partial_keeps_other_fields(as_rep, rep):
    contact = ContactFactory()
    activity = handoff.activity_create(kind="call", contact=contact, user=rep, subject="Intro")
    deal = DealFactory(account=contact.account)
    response = as_rep.change(
        f"/api/activities/{activity.pk}", {"outcome": "connected", "deal_id": deal.pk}
    )
    assert response.status_code == 200, response.content
    activity.refresh_from_db()
    assert (activity.subject, activity.outcome, activity.deal_id) == ("Intro", "connected", deal.pk)


def test_activity_update_when_moved_to_other_contact_follows_its_account(as_rep, rep):
    activity = handoff.activity_create(kind="note", contact=ContactFactory(), user=rep)
    other = ContactFactory()
    body = as_rep.change(f"/api/activities/{activity.pk}", {"contact_id": other.pk}).json()
    assert (body["contact_id"], body["account_id"]) == (other.pk, other.account_id)


def test_activity_get_when_missing_is_404(as_rep):
    assert as_rep.get("/api/activities/909").status_code == 404


def test_activity_list_when_filtered_newest_first_and_paged(as_rep, rep, marketer):
    jo, kim = ContactFactory(), ContactFactory()
    base = dt.datetime(2025, 5, 1, 9, tzinfo=dt.UTC)
    first = handoff.activity_create(kind="call", contact=jo, user=rep, occurred_at=base)
    second = handoff.activity_create(
        kind="email", contact=jo, user=rep, occurred_at=base + dt.timedelta(hours=1)
    )
    other = handoff.activity_create(kind="note", contact=kim, user=marketer, occurred_at=base)
    ids = lambda **params: [  # noqa: E731
        a["id"] for a in as_rep.get("/api/activities", params).json()["items"]
    ]
    assert ids(contact_id=jo.pk) == [second.pk, first.pk]
    assert ids(user_id=marketer.pk) == [other.pk]
    assert ids(kind="call") == [first.pk]
    page = as_rep.get("/api/activities", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3
    assert len(page["items"]) == 1
