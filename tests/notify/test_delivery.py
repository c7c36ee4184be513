"""Sending: email to a real SMTP server, signed webhooks to a real HTTP server, retries with
backoff, failure made visible, quiet hours, digests, stale alerts and two workers."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
import time_machine
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from smarketing.notify.models import Delivery, DeliveryStatus, Notification
from smarketing.notify.preferences import preference_update
from smarketing.notify.sending import MAX_ATTEMPTS, deliveries_claim, deliveries_send
from smarketing.notify.services import notify

pytestmark = pytest.mark.django_db


def later(hours: float = 2):
    return time_machine.travel(timezone.now() + dt.timedelta(hours=hours))


def test_an_immediate_alert_is_emailed_to_its_user(rep, smtp):
    notify(user=rep, kind="mql_assigned", title="Ana Berg is yours", url="/contacts/7/")

    outcome = deliveries_send()

    assert outcome.sent == 1
    [mail] = smtp.messages
    assert mail["Subject"] == "Ana Berg is yours" and mail["X-Rcpt"] == rep.email
    assert "http://localhost:8000/contacts/7/" in mail.get_payload()
    assert Delivery.objects.get().status == DeliveryStatus.SENT


@pytest.fixture
def queue_immediate():
    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


def test_an_alert_due_now_is_sent_as_soon_as_it_is_committed(
    rep, smtp, queue_immediate, django_capture_on_commit_callbacks
):
    """Not at the next minute's sweep: the commit enqueues a send."""
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=rep, kind="prospect_visit", title="Ana Berg is on /pricing")
    [mail] = smtp.messages
    assert mail["Subject"] == "Ana Berg is on /pricing"
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_an_alert_for_later_enqueues_no_send(rep, smtp, django_capture_on_commit_callbacks):
    preference_update(user=rep, email_mode="daily")
    with django_capture_on_commit_callbacks() as callbacks:
        notify(user=rep, kind="prospect_visit", title="Ana Berg is on /pricing")
    assert callbacks == [] and Delivery.objects.get().digest


def test_smtp_down_keeps_the_delivery_pending_and_a_later_try_sends_it(rep, smtp_start):
    made = notify(user=rep, kind="sla_breached", title="Breached: Ana Berg")
    assert made is not None  # notify() does not care that SMTP is down

    first = deliveries_send()

    delivery = Delivery.objects.get()
    assert first.retrying == 1 and first.sent == 0
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "unreachable" in delivery.last_error
    assert deliveries_send().sent == 0  # not due again before the backoff
    inbox = smtp_start()
    with later():
        assert deliveries_send().sent == 1
    assert [m["Subject"] for m in inbox.messages] == ["Breached: Ana Berg"]


def test_a_signed_webhook_carries_the_hmac_of_its_body(rep, hook):
    pref = preference_update(user=rep, email=False, webhook_url=hook.url)
    notify(user=rep, kind="prospect_visit", title="Ana is on /pricing", url="/contacts/3/")

    assert deliveries_send().sent == 1

    [(headers, body)] = hook.requests
    expected = hmac.new(pref.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-smarketing-signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["kind"] == "prospect_visit" and payload["user"] == rep.email
    assert payload["url"].endswith("/contacts/3/")
    assert headers["x-smarketing-delivery"] == str(Delivery.objects.get().pk)


def test_a_slack_webhook_gets_incoming_webhook_json(rep, hook):
    preference_update(user=rep, email=False, slack_url=hook.url)
    notify(user=rep, kind="lead_recycled", title="Ana <back> to nurture", body="No budget")

    deliveries_send()

    [(headers, body)] = hook.requests
    assert json.loads(body) == {"text": "*Ana &lt;back&gt; to nurture*\nNo budget"}
    assert "x-smarketing-signature" not in headers


def test_a_webhook_answering_500_is_retried_with_backoff_then_failed(rep, hook):
    hook.status = 500
    preference_update(user=rep, email=False, webhook_url=hook.url)
    notify(user=rep, kind="sla_due", title="Due soon")
    delivery = Delivery.objects.get()
    waits = []
    for _ in range(1, MAX_ATTEMPTS["webhook"] + 1):
        with time_machine.travel(delivery.due_at + dt.timedelta(seconds=1)):
            deliveries_send()
            delivery.refresh_from_db()
            if delivery.status == DeliveryStatus.PENDING:
                waits.append(delivery.due_at - timezone.now())
    assert len(hook.requests) == MAX_ATTEMPTS["webhook"]
    assert delivery.status == DeliveryStatus.FAILED and "HTTP 500" in delivery.last_error
    assert waits == sorted(waits) and waits[1] > waits[0]  # each wait longer than the last


def test_a_webhook_timing_out_is_retried(rep, hook):
    hook.delay = 1.5  # the sender waits 0.5 s
    preference_update(user=rep, email=False, webhook_url=hook.url)
    notify(user=rep, kind="sla_due", title="Due soon")

    outcome = deliveries_send()

    delivery = Delivery.objects.get()
    assert outcome.retrying == 1 and delivery.status == DeliveryStatus.PENDING
    assert "unreachable" in delivery.last_error


def test_a_webhook_refusing_with_404_fails_at_once(rep, hook):
    hook.status = 404
    preference_update(user=rep, email=False, webhook_url=hook.url)
    notify(user=rep, kind="sla_due", title="Due soon")

    assert deliveries_send().failed == 1
    assert Delivery.objects.get().attempts == 1


def test_an_alert_older_than_an_hour_stays_in_app(rep, hook, smtp):
    preference_update(user=rep, webhook_url=hook.url)
    made = notify(
        user=rep, kind="mql_assigned", title="Old", at=timezone.now() - dt.timedelta(hours=3)
    )

    assert made is not None and made.read_at is None
    assert not Delivery.objects.exists()


def test_a_muted_kind_arrives_read_and_goes_nowhere_else(rep, smtp):
    preference_update(user=rep, muted_kinds=["sla_due"])

    notify(user=rep, kind="sla_due", title="Due soon")

    assert Notification.objects.get().read_at is not None
    assert not Delivery.objects.exists()


def test_quiet_hours_hold_deliveries_until_they_end(rep, smtp):
    # The rep's team is in New York; quiet 22:00-07:00 there.
    preference_update(user=rep, quiet_start=dt.time(22), quiet_end=dt.time(7))
    with time_machine.travel(dt.datetime(2026, 1, 15, 4, 0, tzinfo=dt.UTC)):  # 23:00 NY
        notify(user=rep, kind="prospect_visit", title="Ana is on /pricing")
        assert deliveries_send().sent == 0
    assert Delivery.objects.get().due_at == dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.UTC)):
        assert deliveries_send().sent == 1
    assert len(smtp.messages) == 1


def test_an_hourly_digest_gathers_pending_alerts_into_one_email(rep, smtp):
    preference_update(user=rep, email_mode="hourly")
    with time_machine.travel(dt.datetime(2026, 1, 15, 14, 10, tzinfo=dt.UTC)):
        for name in ("Ana", "Ben", "Cy"):
            notify(user=rep, kind="mql_assigned", title=f"{name} is yours")
        assert deliveries_send().sent == 0
    with time_machine.travel(dt.datetime(2026, 1, 15, 15, 0, 30, tzinfo=dt.UTC)):
        assert deliveries_send().sent == 3
    [mail] = smtp.messages
    assert mail["Subject"] == "Smarketing: 3 alerts"
    assert all(f"{n} is yours" in mail.get_payload() for n in ("Ana", "Ben", "Cy"))


def test_two_workers_never_claim_the_same_delivery(rep, smtp):
    for i in range(3):
        notify(user=rep, kind="mql_assigned", title=f"Lead {i}")
    now = timezone.now()

    first = deliveries_claim(now=now, size=2)
    second = deliveries_claim(now=now, size=10)

    assert len(first) == 2 and len(second) == 1
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert deliveries_claim(now=now, size=10) == []


def test_a_failed_delivery_retried_by_hand_is_sent(rep, hook):
    hook.status = 410
    preference_update(user=rep, email=False, webhook_url=hook.url)
    notify(user=rep, kind="sla_due", title="Due soon")
    deliveries_send()
    delivery = Delivery.objects.get(status=DeliveryStatus.FAILED)
    hook.status = 204
    from smarketing.notify.services import deliveries_retry

    assert deliveries_retry(ids=[delivery.pk], user=rep) == 1
    assert deliveries_send().sent == 1


def test_no_email_delivery_when_smtp_is_not_configured(rep, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""

    notify(user=rep, kind="mql_assigned", title="Ana is yours")

    assert not Delivery.objects.exists()
