"""The outside channels: email through Django's email backend, Slack-compatible incoming
webhooks, and a generic JSON webhook signed with HMAC-SHA256. Each raises DeliveryError saying
whether trying again later may help."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage

from smarketing.notify.models import Notification

SIGNATURE_HEADER = "X-Smarketing-Signature"
DELIVERY_HEADER = "X-Smarketing-Delivery"
# Statuses a receiver uses for "later": try again. Any other 4xx will not change by waiting.
RETRY_STATUSES = frozenset({408, 425, 429})


class DeliveryError(Exception):
    """A send failed. `retry` says whether the same send may succeed later (a server down or
    busy) or never will (an address or URL refused)."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


def link(notification: Notification) -> str:
    """The notification's absolute URL in the app (empty when it points nowhere)."""
    return settings.BASE_URL + notification.url if notification.url else ""


def email_send(*, to: str, notifications: Sequence[Notification]) -> None:
    """One email: the alert itself, or a digest of several."""
    if len(notifications) == 1:
        subject = notifications[0].title
        text = _email_text(notifications[0])
    else:
        subject = f"Smarketing: {len(notifications)} alerts"
        text = "\n\n".join(f"• {_email_text(n)}" for n in notifications)
    text += (
        f"\n\n— Smarketing. Choose what you receive: {settings.BASE_URL}/settings/notifications/"
    )
    message = EmailMessage(subject=subject, body=text, to=[to])
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        raise DeliveryError(f"the SMTP server refused the address: {exc}", retry=False) from exc
    except smtplib.SMTPResponseException as exc:
        permanent = exc.smtp_code >= 500
        message = f"SMTP error {exc.smtp_code}: {exc.smtp_error!r}"
        raise DeliveryError(message, retry=not permanent) from exc
    except (smtplib.SMTPException, OSError) as exc:
        where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        raise DeliveryError(f"SMTP server {where} unreachable: {exc}", retry=True) from exc


def _email_text(notification: Notification) -> str:
    parts = [notification.title, notification.body, link(notification)]
    return "\n".join(p for p in parts if p)


def slack_payload(notification: Notification) -> dict[str, str]:
    """Incoming-webhook JSON that Slack, Mattermost, Rocket.Chat and others accept."""
    text = f"*{_slack_escape(notification.title)}*"
    if notification.body:
        text += "\n" + _slack_escape(notification.body)
    if notification.url:
        text += f"\n<{link(notification)}|Open in Smarketing>"
    return {"text": text}


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_payload(notification: Notification) -> dict[str, object]:
    contact = notification.contact
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "url": link(notification),
        "created_at": notification.created_at.isoformat(),
        "user": notification.user.email,
        "contact": None
        if contact is None
        else {"id": contact.pk, "email": contact.email, "name": contact.full_name},
    }


def signature(*, secret: str, body: bytes) -> str:
    """The signature header's value: `sha256=` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def http_post(
    *, url: str, payload: object, secret: str = "", delivery_id: int | None = None
) -> None:
    """POST JSON; signed when a secret is given. Any 2xx is success."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Smarketing-Notify/1"}
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret=secret, body=body)
    if delivery_id is not None:
        headers[DELIVERY_HEADER] = str(delivery_id)  # the same on every retry: receivers dedupe
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    timeout = getattr(settings, "NOTIFY_WEBHOOK_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        retry = exc.code >= 500 or exc.code in RETRY_STATUSES
        raise DeliveryError(f"{url} answered HTTP {exc.code}", retry=retry) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{url} unreachable: {reason}", retry=True) from exc
