"""/api/notifications: the inbox, marking read, preferences and deliveries."""

from __future__ import annotations

import pytest

from smarketing.notify.models import Delivery, DeliveryStatus, Notification
from smarketing.notify.services import notify
from tests.api.conftest import Api, error_fields

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_my_notifications_and_filters_unread(api_for, rep, marketer):
    read = notify(user=rep, kind="mql_assigned", title="Old news")
    notify(user=rep, kind="sla_due", title="Due soon")
    notify(user=marketer, kind="lead_recycled", title="Not the rep's")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    api = api_for(rep)

    everything = api.get("/api/notifications").json()
    unread = api.get("/api/notifications?unread=true").json()

    assert everything["count"] == 2
    assert [n["title"] for n in unread["items"]] == ["Due soon"]
    assert api.get("/api/notifications/unread").json() == {"unread": 1}


def test_posting_read_marks_the_given_ids_or_all(api_for, rep):
    first = notify(user=rep, kind="mql_assigned", title="a")
    notify(user=rep, kind="mql_assigned", title="b")
    api = api_for(rep)

    assert api.post(
        "/api/notifications/read", {"ids": [first.pk]}, content_type="application/json"
    ).json() == {"marked": 1}
    assert api.post("/api/notifications/read", {}, content_type="application/json").json() == {
        "marked": 1
    }


def test_preferences_have_defaults_and_change_by_patch(api_for, rep):
    api = api_for(rep)
    assert api.get("/api/notifications/preferences").json()["email_mode"] == "immediate"

    changed = Api.change(
        api,
        "/api/notifications/preferences",
        {
            "muted_kinds": ["sla_due"],
            "email_mode": "daily",
            "quiet_start": "21:00",
            "quiet_end": "06:30",
            "webhook_url": "https://hooks.example.com/smk",
        },
    )

    body = changed.json()
    assert changed.status_code == 200, body
    assert body["muted_kinds"] == ["sla_due"] and body["email_mode"] == "daily"
    assert body["quiet_end"] == "06:30:00" and body["timezone"] == "America/New_York"
    assert body["webhook_secret"].startswith("whsec_")


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"muted_kinds": ["gossip"]}, "muted_kinds"),
        ({"email_mode": "weekly"}, "email_mode"),
        ({"quiet_start": "22:00"}, "quiet_end"),
        ({"quiet_start": "22:00", "quiet_end": "22:00"}, "quiet_end"),
        ({"webhook_url": "ftp://files.example.com"}, "webhook_url"),
        ({"email": None}, "email"),
    ],
)
def test_a_bad_preference_is_refused_naming_the_field(api_for, rep, patch, field):
    response = Api.change(api_for(rep), "/api/notifications/preferences", patch)
    assert field in error_fields(response)


def test_rotating_the_webhook_secret_changes_it(api_for, rep):
    api = api_for(rep)
    before = Api.change(
        api, "/api/notifications/preferences", {"webhook_url": "https://h.example.com/"}
    ).json()["webhook_secret"]
    after = api.post("/api/notifications/preferences/webhook-secret").json()["webhook_secret"]
    assert after != before and after.startswith("whsec_")


def _failed_delivery(user) -> Delivery:
    notification = notify(user=user, kind="sla_due", title="Due")
    return Delivery.objects.create(
        notification=notification, channel="webhook", status="failed", last_error="HTTP 500"
    )


def test_failed_deliveries_are_visible_to_their_user_and_to_admins(
    api_for, rep, marketer, admin_user
):
    mine, theirs = _failed_delivery(rep), _failed_delivery(marketer)

    as_rep = api_for(rep).get("/api/notifications/deliveries?status=failed&everyone=true")
    as_admin = api_for(admin_user).get("/api/notifications/deliveries?status=failed&everyone=true")

    assert [d["id"] for d in as_rep.json()["items"]] == [mine.pk]
    assert {d["id"] for d in as_admin.json()["items"]} == {mine.pk, theirs.pk}
    assert as_admin.json()["items"][0]["last_error"] == "HTTP 500"


def test_a_bad_delivery_status_filter_is_refused(api_for, rep):
    response = api_for(rep).get("/api/notifications/deliveries?status=lost")
    assert "status" in error_fields(response)


def test_retry_resets_only_failed_deliveries_the_user_may_see(api_for, rep, marketer):
    mine, theirs = _failed_delivery(rep), _failed_delivery(marketer)

    response = api_for(rep).post(
        "/api/notifications/deliveries/retry",
        {"ids": [mine.pk, theirs.pk]},
        content_type="application/json",
    )

    assert response.json() == {"retried": 1}
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.attempts) == (DeliveryStatus.PENDING, 0)
    assert theirs.status == DeliveryStatus.FAILED


def test_notifications_need_authentication(db):
    assert Api().get("/api/notifications").status_code == 401
