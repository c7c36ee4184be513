"""The bell in the header, the notifications page and the settings page."""

from __future__ import annotations

import datetime as dt

import pytest

from smarketing.notify.models import Delivery, Notification, NotificationPreference
from smarketing.notify.services import notify

pytestmark = pytest.mark.django_db


def test_the_bell_in_the_header_counts_unread(as_user, rep):
    notify(user=rep, kind="mql_assigned", title="Ana is yours")
    notify(user=rep, kind="sla_due", title="Due soon")

    html = as_user(rep).get("/contacts/").content.decode()

    assert 'class="bell-count">2<' in html
    assert 'href="/notifications/"' in html


def test_the_bell_fragment_refreshes_alone(as_user, rep):
    notify(user=rep, kind="mql_assigned", title="Ana is yours")
    html = as_user(rep).get("/notifications/bell/").content.decode()
    assert html.startswith('<a href="/notifications/"') and ">1<" in html


def test_the_page_lists_notifications_with_their_channels(as_user, rep):
    made = notify(user=rep, kind="mql_assigned", title="Ana is yours", url="/contacts/1/")
    Delivery.objects.filter(notification=made, channel="email").update(
        status="failed", last_error="SMTP server down"
    )

    html = as_user(rep).get("/notifications/").content.decode()

    assert "Ana is yours" in html and "Email: failed" in html
    assert "Failed deliveries" in html


def test_mark_one_and_mark_all_read(as_user, rep):
    first = notify(user=rep, kind="mql_assigned", title="a")
    notify(user=rep, kind="mql_assigned", title="b")
    client = as_user(rep)

    client.post("/notifications/read/", {"id": [first.pk]})
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    response = client.post("/notifications/read/", {"all": "1"})
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_settings_page_is_linked_and_saves_preferences(as_user, rep):
    client = as_user(rep)
    assert 'href="/settings/notifications/"' in client.get("/").content.decode()

    response = client.post(
        "/settings/notifications/",
        {
            "kinds": ["mql_assigned", "prospect_visit"],
            "email": "on",
            "email_mode": "hourly",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "slack_url": "",
            "webhook_url": "https://hooks.example.com/x",
        },
    )

    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=rep)
    assert pref.muted_kinds == ["lead_recycled", "sla_breached", "sla_due"]
    assert pref.quiet_start == dt.time(22) and pref.email_mode == "hourly"
    page = client.get("/settings/notifications/").content.decode()
    assert pref.webhook_secret in page


def test_half_set_quiet_hours_are_shown_beside_the_field(as_user, rep):
    response = as_user(rep).post(
        "/settings/notifications/", {"email_mode": "immediate", "quiet_start": "22:00"}
    )
    assert response.status_code == 400
    assert "quiet hours need both a start and an end" in response.content.decode()
