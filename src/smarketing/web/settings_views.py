"""Teams (time zone, business hours) and each user's own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from smarketing.errors import InvalidInput
from smarketing.org import permissions
from smarketing.org import services as org
from smarketing.org.models import ApiToken, Team
from smarketing.web.forms import WEEKDAYS, TeamForm, TokenForm
from smarketing.web.guard import apply_errors, guarded

DAY_NAMES = dict(WEEKDAYS)


@require_GET
@guarded("contact.view")
def team_list(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.annotate(member_count=Count("members"))
    rows = [
        {
            "team": team,
            "days": ", ".join(DAY_NAMES[d] for d in team.workdays if d in DAY_NAMES),
            "can_edit": permissions.can(request.user, "team.change", team),
        }
        for team in teams
    ]
    return render(request, "web/teams.html", {"rows": rows, "section": "web:teams"})


@guarded("contact.view")
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    permissions.require(request.user, "team.change", team)
    if request.method == "POST":
        form = TeamForm(request.POST)
        if form.is_valid():
            try:
                org.team_update(team=team, **form.service_fields())
            except InvalidInput as exc:
                apply_errors(form, exc)
                team.refresh_from_db()  # the service set the refused values on this object
            else:
                messages.success(request, f"Team {team.name} saved.")
                return redirect("web:teams")
        status = 400
    elif request.method == "GET":
        form = TeamForm(
            initial={
                "name": team.name,
                "timezone": team.timezone,
                "workdays": list(team.workdays),
                "day_start": team.day_start,
                "day_end": team.day_end,
            }
        )
        status = 200
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    context = {
        "team": team,
        "form": form,
        "timezones": TeamForm.timezones(),
        "section": "web:teams",
    }
    return render(request, "web/team_edit.html", context, status=status)


def _token_page(
    request: HttpRequest, *, form: TokenForm, raw_key: str = "", status: int = 200
) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    context = {"tokens": tokens, "form": form, "raw_key": raw_key}
    return render(request, "web/tokens.html", context, status=status)


def token_list(request: HttpRequest) -> HttpResponse:
    """Any logged-in user manages their own tokens; nobody sees another user's."""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if not form.is_valid():
            return _token_page(request, form=form, status=400)
        _token, raw = org.token_create(user=request.user, name=form.cleaned_data["name"])
        # Rendered, not redirected: the raw key exists only in this response.
        return _token_page(request, form=TokenForm(), raw_key=raw)
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return _token_page(request, form=TokenForm())


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    org.token_revoke(token=token)
    messages.success(request, f"Token {token.key_hint}… revoked.")
    return redirect("web:tokens")
