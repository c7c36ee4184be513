"""Everything but the login page, static files and the API needs a logged-in user."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# The API authenticates itself (token or session) and answers 401 as JSON; the tracking API
# (/v1/) by write key; the website snippet (/st.js) is public.
OPEN_PREFIXES = ("/login/", "/static/", "/api/", "/healthz", "/v1/", "/st.js")


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
