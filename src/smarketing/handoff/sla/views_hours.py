"""Business hours for the SLA clocks: each team's public holidays and days off, and the reps
who work other hours than their team. Writes go through the SLA services, which check who may
change what (a leader their own team, an admin any, a rep their own hours)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from smarketing.errors import InvalidInput
from smarketing.handoff.sla import clock, queries, services
from smarketing.handoff.sla.forms import DayOffForm, HolidayCountryForm, RepHoursForm
from smarketing.handoff.sla.models import DayOff, RepHours, TeamCalendar
from smarketing.org import permissions
from smarketing.org.models import Team, User
from smarketing.web.forms import WEEKDAYS
from smarketing.web.guard import apply_errors, guarded

SECTION = "sla:overview"
DAY_NAMES = dict(WEEKDAYS)
UPCOMING_HOLIDAYS = 6


def describe_hours(hours: clock.BusinessHours) -> str:
    """The working days, hours and zone, e.g. for 'Mon, Tue 09:00-17:00 Europe/Berlin'."""
    days = ", ".join(DAY_NAMES[str(d)] for d in sorted(hours.workdays))
    return f"{days} {hours.day_start:%H:%M}–{hours.day_end:%H:%M} {hours.timezone}"


def upcoming_holidays(country: str, today: dt.date) -> list[tuple[dt.date, str]]:
    if not country:
        return []
    found: list[tuple[dt.date, str]] = []
    try:
        for year in (today.year, today.year + 1):
            found += [(d, n) for d, n in clock.public_holidays(country, year).items() if d >= today]
    except clock.CalendarError:
        return []
    return found[:UPCOMING_HOLIDAYS]


def may_set_hours(by_user: Any, person: Any) -> bool:
    """As rep_hours_set decides: one's own, or a leader of their team, or an admin."""
    return bool(by_user.pk == person.pk or permissions.can(by_user, "team.change", person.team))


def _team_rows(
    request: HttpRequest, bound: dict[tuple[int, str], Any], today: dt.date
) -> list[dict[str, Any]]:
    calendars = {c.team_id: c for c in TeamCalendar.objects.all()}
    rows = []
    for team in Team.objects.order_by("name"):
        calendar = calendars.get(team.pk)
        country = calendar.holiday_country if calendar else ""
        can_edit = permissions.can(request.user, "team.change", team)
        rows.append(
            {
                "team": team,
                "days": ", ".join(DAY_NAMES[d] for d in team.workdays if d in DAY_NAMES),
                "country": country,
                "holidays": upcoming_holidays(country, today),
                "days_off": list(
                    DayOff.objects.filter(team=team, date__gte=today - dt.timedelta(days=30))
                ),
                "can_edit": can_edit,
                "country_form": bound.get((team.pk, "country"))
                or HolidayCountryForm(initial={"holiday_country": country}, prefix=f"t{team.pk}"),
                "day_off_form": bound.get((team.pk, "day_off")) or DayOffForm(prefix=f"d{team.pk}"),
            }
        )
    return rows


def _people_rows(request: HttpRequest) -> list[dict[str, Any]]:
    own = set(RepHours.objects.values_list("user_id", flat=True))
    rows = []
    people = User.objects.filter(is_active=True).select_related("team")
    for person in people.order_by("team__name", "email"):
        source = queries.hours_for(person)
        rows.append(
            {
                "person": person,
                "source": source.source,
                "hours": describe_hours(source.hours),
                "own": person.pk in own,
                "can_edit": may_set_hours(request.user, person),
            }
        )
    return rows


def _hours_page(
    request: HttpRequest, *, bound: dict[tuple[int, str], Any] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.now().date()
    context = {
        "teams": _team_rows(request, bound or {}, today),
        "people": _people_rows(request),
        "default_hours": describe_hours(clock.DEFAULT_HOURS),
        "section": SECTION,
    }
    return render(request, "sla/hours.html", context, status=status)


@require_GET
@guarded("contact.view")
def hours(request: HttpRequest) -> HttpResponse:
    return _hours_page(request)


@require_POST
@guarded("contact.view")
def team_holidays(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    permissions.require(request.user, "team.change", team)
    form = HolidayCountryForm(request.POST, prefix=f"t{team.pk}")
    if form.is_valid():
        try:
            calendar = services.team_calendar_set(
                team=team,
                holiday_country=form.cleaned_data["holiday_country"],
                by_user=request.user,
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            country = calendar.holiday_country or "no country"
            messages.success(request, f"{team.name} now skips the public holidays of {country}.")
            return redirect("sla:hours")
    return _hours_page(request, bound={(team.pk, "country"): form}, status=400)


@require_POST
@guarded("contact.view")
def team_day_off_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    permissions.require(request.user, "team.change", team)
    form = DayOffForm(request.POST, prefix=f"d{team.pk}")
    if form.is_valid():
        try:
            day = services.day_off_add(
                team=team,
                date=form.cleaned_data["date"],
                label=form.cleaned_data["label"],
                by_user=request.user,
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{team.name} has {day.date:%Y-%m-%d} off.")
            return redirect("sla:hours")
    return _hours_page(request, bound={(team.pk, "day_off"): form}, status=400)


@require_POST
@guarded("contact.view")
def team_day_off_remove(request: HttpRequest, pk: int, date: str) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    permissions.require(request.user, "team.change", team)
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        messages.error(request, f"{date!r} is not a date like 2025-12-24")
        return redirect("sla:hours")
    if services.day_off_remove(team=team, date=day, by_user=request.user):
        messages.success(request, f"{team.name} works on {day:%Y-%m-%d} again.")
    else:
        messages.error(request, f"{team.name} had no day off on {day:%Y-%m-%d}.")
    return redirect("sla:hours")


@guarded("contact.view")
def person_hours(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("team"), pk=pk, is_active=True)
    if not may_set_hours(request.user, person):
        raise permissions.PermissionDenied(
            "only the person themselves, a leader of their team or an admin may set their hours"
        )
    own = RepHours.objects.filter(user=person).first()
    status = 200
    if request.method == "POST" and "clear" in request.POST:
        services.rep_hours_clear(user=person, by_user=request.user)
        messages.success(request, f"{person.display_name} works their team's hours again.")
        return redirect("sla:hours")
    if request.method == "POST":
        form = RepHoursForm(request.POST)
        if form.is_valid():
            try:
                services.rep_hours_set(user=person, by_user=request.user, **form.service_fields())
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{person.display_name}'s own hours saved.")
                return redirect("sla:hours")
        status = 400
    elif request.method == "GET":
        start = own or person.team or clock.DEFAULT_HOURS
        form = RepHoursForm(
            initial={
                "timezone": start.timezone,
                "workdays": list(_workdays(start)),
                "day_start": start.day_start,
                "day_end": start.day_end,
            }
        )
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    context = {
        "person": person,
        "own": own,
        "source": queries.hours_for(person),
        "form": form,
        "timezones": RepHoursForm.timezones(),
        "section": SECTION,
    }
    return render(request, "sla/person_hours.html", context, status=status)


def _workdays(row: Any) -> str:
    days = row.workdays
    return days if isinstance(days, str) else "".join(str(d) for d in sorted(days))
