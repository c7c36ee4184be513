"""Logging sales and marketing activities on contacts."""

from __future__ import annotations

from typing import Any

from smarketing.errors import InvalidInput, fields_check, full_clean
from smarketing.handoff.models import Activity, ActivityKind

ACTIVITY_FIELDS = frozenset(
    {
        "kind",
        "contact",
        "contact_id",
        "deal",
        "deal_id",
        "user",
        "user_id",
        "occurred_at",
        "subject",
        "body",
        "outcome",
        "external_id",
    }
)


def activity_create(**fields: Any) -> Activity:
    fields_check(fields, ACTIVITY_FIELDS)
    activity = Activity(**fields)
    if activity.contact_id is not None:
        activity.account_id = activity.contact.account_id
    if activity.outcome and activity.kind != ActivityKind.CALL:
        raise InvalidInput("only a call has an outcome", field="outcome")
    full_clean(activity)
    activity.save()
    return activity


def activity_update(*, activity: Activity, **fields: Any) -> Activity:
    """Change fields of a logged activity; its account follows its contact."""
    fields_check(fields, ACTIVITY_FIELDS)
    for name, value in fields.items():
        setattr(activity, name, value)
    if {"contact", "contact_id"} & set(fields) and activity.contact_id is not None:
        activity.account_id = activity.contact.account_id
    if activity.outcome and activity.kind != ActivityKind.CALL:
        raise InvalidInput("only a call has an outcome", field="outcome")
    full_clean(activity)
    activity.save()
    return activity
