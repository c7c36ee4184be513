"""The bell in the page header: unread notifications, one query a page."""

from __future__ import annotations

from typing import Any

from django import template

from smarketing.notify.queries import unread_count

register = template.Library()


@register.inclusion_tag("notify/_bell_slot.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    return {"unread": unread_count(user=user) if user.is_authenticated else 0}
