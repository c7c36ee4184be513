"""The business-hours settings page: team holidays and days off, and a rep's own hours."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from django.test import Client
from django.utils import timezone

from smarketing.handoff.sla import services
from smarketing.handoff.sla.models import DayOff, RepHours, TeamCalendar
from smarketing.handoff.sla.queries import hours_for

pytestmark = pytest.mark.django_db
PAGE = "/sla/hours/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_shows_whose_hours_count_and_is_linked_from_the_overview(rep, marketer, sales_team):
    client = logged_in(rep)
    assert 'href="/sla/hours/"' in client.get("/sla/").content.decode()

    page = client.get(PAGE)

    assert page.status_code == 200
    text = page.content.decode()
    assert "Mon, Tue, Wed, Thu, Fri 09:00–17:00 America/New_York" in text
    assert "Mon, Tue, Wed, Thu, Fri 09:00–17:00 UTC" in text  # the default, stated
    assert f'href="/sla/hours/people/{rep.pk}/"' in text  # their own hours
    assert f'href="/sla/hours/people/{marketer.pk}/"' not in text
    assert f'action="/sla/hours/teams/{sales_team.pk}/holidays/"' not in text


def test_leader_sets_the_team_holidays_and_they_are_listed(sales_leader, sales_team):
    client = logged_in(sales_leader)

    saved = client.post(
        f"{PAGE}teams/{sales_team.pk}/holidays/", {f"t{sales_team.pk}-holiday_country": "us-ny"}
    )

    assert saved.status_code == 302
    assert TeamCalendar.objects.get(team=sales_team).holiday_country == "US-NY"
    text = client.get(PAGE).content.decode()
    assert "US-NY" in text and "— next:" in text


def test_unknown_country_shows_the_error_and_saves_nothing(sales_leader, sales_team):
    page = logged_in(sales_leader).post(
        f"{PAGE}teams/{sales_team.pk}/holidays/", {f"t{sales_team.pk}-holiday_country": "XX"}
    )

    assert page.status_code == 400
    assert "&#x27;XX&#x27; is not a country the holidays package knows" in page.content.decode()
    assert not TeamCalendar.objects.exists()


def test_leader_of_another_team_may_not_change_it(marketing_leader, sales_team):
    client = logged_in(marketing_leader)

    holidays = client.post(
        f"{PAGE}teams/{sales_team.pk}/holidays/", {f"t{sales_team.pk}-holiday_country": "DE"}
    )
    day_off = client.post(
        f"{PAGE}teams/{sales_team.pk}/days-off/", {f"d{sales_team.pk}-date": "2025-12-24"}
    )

    assert (holidays.status_code, day_off.status_code) == (403, 403)
    assert not TeamCalendar.objects.exists() and not DayOff.objects.exists()


def test_days_off_are_added_refused_twice_and_removed(sales_leader, sales_team):
    client = logged_in(sales_leader)
    day = (timezone.now().date() + dt.timedelta(days=20)).isoformat()
    data = {f"d{sales_team.pk}-date": day, f"d{sales_team.pk}-label": "Team offsite"}

    added = client.post(f"{PAGE}teams/{sales_team.pk}/days-off/", data)
    again = client.post(f"{PAGE}teams/{sales_team.pk}/days-off/", data)

    assert added.status_code == 302
    assert again.status_code == 400 and "already has" in again.content.decode()
    assert DayOff.objects.filter(team=sales_team).count() == 1
    assert "Team offsite" in client.get(PAGE).content.decode()
    assert dt.date.fromisoformat(day) in hours_for(sales_leader).hours.days_off

    removed = client.post(f"{PAGE}teams/{sales_team.pk}/days-off/{day}/remove/")

    assert removed.status_code == 302
    assert not DayOff.objects.exists()


def test_rep_sets_their_own_hours_and_the_clocks_use_them(rep):
    client = logged_in(rep)
    assert client.get(f"{PAGE}people/{rep.pk}/").status_code == 200

    saved = client.post(
        f"{PAGE}people/{rep.pk}/",
        {
            "timezone": "Europe/Lisbon",
            "workdays": ["2", "3", "4"],
            "day_start": "07:00",
            "day_end": "15:30",
        },
    )

    assert saved.status_code == 302
    source = hours_for(rep)
    assert source.source == "rep" and source.hours.timezone == "Europe/Lisbon"
    assert source.hours.workdays == frozenset({2, 3, 4})
    assert "Tue, Wed, Thu 07:00–15:30 Europe/Lisbon" in client.get(PAGE).content.decode()

    client.post(f"{PAGE}people/{rep.pk}/", {"clear": "1"})

    assert hours_for(rep).source == "team"


def test_bad_rep_hours_show_the_errors_and_save_nothing(rep):
    page = logged_in(rep).post(
        f"{PAGE}people/{rep.pk}/",
        {"timezone": "Mars/Olympus", "workdays": ["1"], "day_start": "17:00", "day_end": "09:00"},
    )

    assert page.status_code == 400
    text = page.content.decode()
    assert "Mars/Olympus" in text and "time zone" in text.lower()
    assert not RepHours.objects.exists()


def test_rep_may_not_set_another_reps_hours(rep, marketer, sales_leader):
    client = logged_in(rep)

    assert client.get(f"{PAGE}people/{sales_leader.pk}/").status_code == 403
    response = client.post(
        f"{PAGE}people/{sales_leader.pk}/",
        {"timezone": "UTC", "workdays": ["1"], "day_start": "09:00", "day_end": "17:00"},
    )

    assert response.status_code == 403
    assert not RepHours.objects.exists()


def test_leader_sets_the_hours_of_someone_in_their_team(sales_leader, rep):
    response = logged_in(sales_leader).post(
        f"{PAGE}people/{rep.pk}/",
        {
            "timezone": "America/Chicago",
            "workdays": ["1", "2"],
            "day_start": "08:00",
            "day_end": "16:00",
        },
    )

    assert response.status_code == 302
    assert RepHours.objects.get(user=rep).timezone == "America/Chicago"


def test_upcoming_holidays_follow_the_service(sales_leader, sales_team):
    services.team_calendar_set(team=sales_team, holiday_country="DE", by_user=sales_leader)

    text = logged_in(sales_leader).get(PAGE).content.decode()

    today = timezone.now().date()
    known = holidays.country_holidays("DE", years=[today.year, today.year + 1])
    day, name = min((d, n) for d, n in known.items() if d >= today)
    assert f"{day:%Y-%m-%d} {name}" in text
