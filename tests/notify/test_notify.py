"""Alerts are rows first; a repeated alert under the same key is recorded once."""

from __future__ import annotations

import pytest

from smarketing.notify.models import Notification
from smarketing.notify.services import notifications_read, notify

pytestmark = pytest.mark.django_db


def test_an_alert_is_recorded_unread_for_its_user(rep):
    made = notify(user=rep, kind="mql_assigned", title="Ana Berg is yours", url="/contacts/1/")

    assert made is not None and made.read_at is None
    assert Notification.objects.filter(user=rep, read_at__isnull=True).count() == 1


def test_the_same_dedupe_key_records_the_alert_once(rep):
    first = notify(user=rep, kind="sla_breached", title="Breached", dedupe_key="sla:1:accept")
    second = notify(user=rep, kind="sla_breached", title="Breached", dedupe_key="sla:1:accept")

    assert first is not None and second is None
    assert Notification.objects.count() == 1


def test_an_unknown_kind_is_refused(rep):
    with pytest.raises(ValueError):
        notify(user=rep, kind="gossip", title="?")


def test_reading_marks_only_that_users_unread_notifications(rep, marketer):
    mine = notify(user=rep, kind="mql_assigned", title="a")
    notify(user=rep, kind="mql_assigned", title="b")
    notify(user=marketer, kind="lead_recycled", title="c")

    assert notifications_read(user=rep, ids=[mine.pk]) == 1
    assert notifications_read(user=rep) == 1
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_an_alert_recorded_days_after_it_happened_is_history_not_news(rep):
    import datetime as dt

    from django.utils import timezone

    old = notify(
        user=rep,
        kind="mql_assigned",
        title="from last spring",
        at=timezone.now() - dt.timedelta(days=200),
    )
    recent = notify(user=rep, kind="mql_assigned", title="just now")

    assert old.read_at is not None and recent.read_at is None


def test_many_alerts_are_recorded_together_and_a_taken_key_once(rep, marketer):
    from smarketing.notify.services import Alert, notify_many

    notify(user=rep, kind="sla_breached", title="Breached", dedupe_key="sla:1:accept")
    alerts = [
        Alert(user=rep, kind="mql_assigned", title="a", dedupe_key="mql-assigned:1"),
        Alert(user=rep, kind="sla_breached", title="Breached", dedupe_key="sla:1:accept"),
        Alert(user=marketer, kind="lead_recycled", title="c"),
    ]

    made = notify_many(alerts)

    assert [m is not None for m in made] == [True, False, True]
    assert sorted(Notification.objects.values_list("title", flat=True)) == ["Breached", "a", "c"]
    assert notify_many([]) == []
