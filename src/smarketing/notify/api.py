"""/api/notifications: a user's own notifications, preferences and deliveries."""
# Annotations stay evaluated (no __future__ import): @paginate hides this module from Ninja.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from smarketing.errors import InvalidInput
from smarketing.notify import preferences, queries, services
from smarketing.notify.models import Delivery, DeliveryStatus, Notification
from smarketing.notify.schemas import (
    DeliveryFilters,
    DeliveryOut,
    NotificationFilters,
    NotificationOut,
    PreferenceOut,
    PreferencePatch,
    ReadIn,
    ReadOut,
    RetryIn,
    RetryOut,
    UnreadOut,
)
from smarketing.org.schemas import ERRORS, WRITE_ERRORS, Pagination

router = Router(tags=["notifications"])


@router.get("", response={200: list[NotificationOut], **ERRORS}, summary="Your notifications")
@paginate(Pagination)
def notification_list(
    request: HttpRequest, filters: Query[NotificationFilters]
) -> QuerySet[Notification]:
    return queries.notifications_of(user=request.user, unread=filters.unread)


@router.get("/unread", response={200: UnreadOut, **ERRORS}, summary="How many are unread")
def notification_unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": queries.unread_count(user=request.user)}


@router.post("/read", response={200: ReadOut, **WRITE_ERRORS}, summary="Mark read")
def notification_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    return {"marked": services.notifications_read(user=request.user, ids=payload.ids)}


def _preference_out(user: Any) -> dict[str, Any]:
    pref = preferences.preference_get(user=user)
    return {
        **{f: getattr(pref, f) for f in preferences.FIELDS},
        "webhook_secret": pref.webhook_secret,
        "timezone": user.team.timezone if user.team else "UTC",
        "email_available": services.email_configured(),
    }


@router.get("/preferences", response={200: PreferenceOut, **ERRORS}, summary="Your preferences")
def preference_get(request: HttpRequest) -> dict[str, Any]:
    return _preference_out(request.user)


@router.patch(
    "/preferences", response={200: PreferenceOut, **WRITE_ERRORS}, summary="Change preferences"
)
def preference_update(request: HttpRequest, payload: PreferencePatch) -> dict[str, Any]:
    fields = payload.model_dump(exclude_unset=True)
    for name in ("email", "email_mode", "muted_kinds"):
        if name in fields and fields[name] is None:
            raise InvalidInput("may not be null", field=name)
    preferences.preference_update(user=request.user, **fields)
    return _preference_out(request.user)


@router.post(
    "/preferences/webhook-secret",
    response={200: PreferenceOut, **WRITE_ERRORS},
    summary="A new webhook signing secret",
)
def webhook_secret_rotate(request: HttpRequest) -> dict[str, Any]:
    preferences.webhook_secret_rotate(user=request.user)
    return _preference_out(request.user)


@router.get("/deliveries", response={200: list[DeliveryOut], **WRITE_ERRORS}, summary="Deliveries")
@paginate(Pagination)
def delivery_list(request: HttpRequest, filters: Query[DeliveryFilters]) -> QuerySet[Delivery]:
    if filters.status and filters.status not in DeliveryStatus.values:
        choices = ", ".join(DeliveryStatus.values)
        raise InvalidInput(f"must be one of {choices}", field="status")
    return queries.deliveries_visible_to(
        request.user, status=filters.status, everyone=filters.everyone
    )


@router.post("/deliveries/retry", response={200: RetryOut, **WRITE_ERRORS}, summary="Retry failed")
def delivery_retry(request: HttpRequest, payload: RetryIn) -> dict[str, int]:
    everyone = queries.sees_all_deliveries(request.user)
    retried = services.deliveries_retry(ids=payload.ids, user=None if everyone else request.user)
    return {"retried": retried}
