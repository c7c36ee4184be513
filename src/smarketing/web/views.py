"""The shell: dashboard, health check, and the login page's template choice."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from smarketing.analytics.dashboard import dashboard as dashboard_numbers
from smarketing.web.guard import guarded


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


@guarded("contact.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    numbers = dashboard_numbers(now=timezone.now())
    return render(request, "web/dashboard.html", {"board": numbers, "section": "web:dashboard"})


def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" once the database answers; load balancers and `smarketing check` poll it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # No details: this page is public.
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
