"""Template context shared by every page: the navigation for the user's role."""

from __future__ import annotations

from django.http import HttpRequest

from smarketing.org import permissions


def navigation(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not user.is_authenticated:
        return {"nav": [], "settings_nav": []}
    return {
        "nav": permissions.navigation_for(user),
        "settings_nav": permissions.navigation_for(user, permissions.SETTINGS_NAVIGATION),
    }
