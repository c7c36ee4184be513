"""`{% analytics_tabs %}`: the analytics pages' own navigation, by the reader's role."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from smarketing.org import permissions

register = template.Library()

# (label, url name, action needed), in the order both teams read them.
TABS = [
    ("Alignment health", "health:page", "analytics.view"),
    ("Funnel", "funnel:page", "analytics.view"),
    ("Sources, campaigns, content", "performance:page", "analytics.view"),
    ("Attribution", "attribution:page", "analytics.view"),
    ("Insights", "insights:page", "analytics.view"),
    ("Lead quality", "handoff:review", "feedback.review"),
]


@register.inclusion_tag("analytics/_tabs.html", takes_context=True)
def analytics_tabs(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    tabs = []
    for label, name, action in TABS:
        if permissions.can(request.user, action):
            url = reverse(name)
            tabs.append({"label": label, "url": url, "active": request.path == url})
    return {"tabs": tabs}
