"""Each person's notification preferences: which alerts, which channels, quiet hours, digests."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from smarketing.errors import InvalidInput, fields_check, full_clean
from smarketing.notify.models import AlertKind, EmailMode, NotificationPreference

FIELDS = frozenset(
    {"muted_kinds", "email", "email_mode", "slack_url", "webhook_url", "quiet_start", "quiet_end"}
)


def preference_get(*, user: Any) -> NotificationPreference:
    """The user's preferences; the defaults (unsaved) when they never changed them."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def preference_update(*, user: Any, **fields: Any) -> NotificationPreference:
    """Change some of the user's preferences; refuses unknown fields and bad values by name."""
    fields_check(fields, FIELDS, what="a notification preference")
    pref = preference_get(user=user)
    if "muted_kinds" in fields:
        fields["muted_kinds"] = _kinds_check(fields["muted_kinds"])
    if "email_mode" in fields and fields["email_mode"] not in EmailMode.values:
        choices = ", ".join(EmailMode.values)
        raise InvalidInput(f"must be one of {choices}", field="email_mode")
    for name, value in fields.items():
        # A URL cleared with null is a URL cleared.
        setattr(pref, name, "" if value is None and name.endswith("_url") else value)
    _quiet_check(pref.quiet_start, pref.quiet_end)
    for name in ("slack_url", "webhook_url"):
        url = getattr(pref, name)
        if url and not url.lower().startswith(("http://", "https://")):
            raise InvalidInput("must be an http:// or https:// URL", field=name)
    if pref.webhook_url and not pref.webhook_secret:
        pref.webhook_secret = secret_new()
    full_clean(pref, exclude=["user"])
    pref.save()
    return pref


def webhook_secret_rotate(*, user: Any) -> NotificationPreference:
    """A new shared secret for the signed webhook; the old one stops verifying at once."""
    pref = preference_get(user=user)
    pref.webhook_secret = secret_new()
    pref.save()
    return pref


def secret_new() -> str:
    return "whsec_" + secrets.token_urlsafe(24)


def _kinds_check(kinds: Any) -> list[str]:
    if not isinstance(kinds, list | tuple | set):
        raise InvalidInput("must be a list of alert kinds", field="muted_kinds")
    unknown = sorted(str(k) for k in kinds if k not in AlertKind.values)
    if unknown:
        known = ", ".join(AlertKind.values)
        raise InvalidInput(
            f"unknown alert kind {', '.join(unknown)} (known: {known})", field="muted_kinds"
        )
    return sorted(set(kinds))


def _quiet_check(start: dt.time | None, end: dt.time | None) -> None:
    if (start is None) != (end is None):
        field = "quiet_end" if end is None else "quiet_start"
        raise InvalidInput("quiet hours need both a start and an end", field=field)
    if start is not None and start == end:
        raise InvalidInput(
            "quiet hours must end at another time than they start", field="quiet_end"
        )
