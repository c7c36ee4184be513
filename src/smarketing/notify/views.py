"""The notifications page, the bell in the header, and the preferences page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from smarketing.errors import InvalidInput
from smarketing.notify import preferences, queries, services
from smarketing.notify.forms import PreferenceForm
from smarketing.notify.models import DeliveryStatus
from smarketing.web.guard import apply_errors, paginate

FAILED_SHOWN = 50


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Any logged-in user reads their own notifications; admins also see failed deliveries."""
    unread = request.GET.get("unread") == "1"
    page = paginate(request, queries.notifications_of(user=request.user, unread=unread))
    everyone = queries.sees_all_deliveries(request.user)
    failed = queries.deliveries_visible_to(
        request.user, status=DeliveryStatus.FAILED, everyone=everyone
    )[:FAILED_SHOWN]
    context = {
        "page": page,
        "unread": unread,
        "unread_count": queries.unread_count(user=request.user),
        "failed": failed,
        "everyone": everyone,
    }
    return render(request, "notify/inbox.html", context)


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark the posted ids read, or all of them with `all`."""
    if request.POST.get("all"):
        ids = None
    else:
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    services.notifications_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notify:inbox")


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The header's bell alone, for htmx to refresh it."""
    return render(request, "notify/_bell.html", {"unread": queries.unread_count(user=request.user)})


@require_POST
def deliveries_retry(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    everyone = queries.sees_all_deliveries(request.user)
    count = services.deliveries_retry(ids=ids, user=None if everyone else request.user)
    messages.success(request, f"{count} deliver{'y' if count == 1 else 'ies'} will be tried again.")
    return redirect("notify:inbox")


def preference_page(request: HttpRequest) -> HttpResponse:
    """Any logged-in user sets how they are told; nobody sees another's settings."""
    pref = preferences.preference_get(user=request.user)
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                preferences.preference_update(user=request.user, **form.service_fields())
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Notification settings saved.")
                return redirect("notify:preferences")
        status = 400
    elif request.method == "GET":
        form = PreferenceForm(initial=PreferenceForm.initial_from(pref))
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    team = request.user.team
    context = {
        "form": form,
        "pref": pref,
        "timezone": team.timezone if team else "UTC",
        "email_available": services.email_configured(),
    }
    return render(request, "notify/preferences.html", context, status=status)


@require_POST
def webhook_secret(request: HttpRequest) -> HttpResponse:
    preferences.webhook_secret_rotate(user=request.user)
    messages.success(request, "A new webhook secret is in force; update your receiver.")
    return redirect("notify:preferences")
