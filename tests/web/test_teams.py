"""Teams: the list, and the edit form that only an admin or the team's own leader may use."""

from __future__ import annotations

import datetime as dt

import pytest

from smarketing.org.models import Team


def edit_url(team: Team) -> str:
    return f"/teams/{team.pk}/edit/"


VALID = {
    "name": "Marketing",
    "timezone": "Europe/Lisbon",
    "workdays": ["1", "2", "3", "4"],
    "day_start": "08:00",
    "day_end": "16:30",
}


def test_list_shows_time_zone_and_business_hours(as_user, rep, marketing_team, sales_team):
    html = as_user(rep).get("/teams/").content.decode()
    assert "Europe/Berlin" in html and "America/New_York" in html
    assert "Mon, Tue, Wed, Thu, Fri" in html and "09:00–17:00" in html
    assert "/edit/" not in html  # a sales rep may edit no team


def test_leader_sees_an_edit_link_for_their_own_team_only(as_user, marketing_leader, sales_team):
    html = as_user(marketing_leader).get("/teams/").content.decode()
    assert edit_url(marketing_leader.team) in html
    assert edit_url(sales_team) not in html


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("marketing_leader", True),
        ("sales_leader", False),
        ("sales", False),
        ("marketing", False),
    ],
)
def test_marketing_team_edit_role_matrix(client, cast, marketing_team, role, allowed):
    client.force_login(cast[role])
    url = edit_url(marketing_team)
    assert client.get(url).status_code == (200 if allowed else 403)
    response = client.post(url, VALID)
    assert response.status_code == (302 if allowed else 403)
    marketing_team.refresh_from_db()
    expected = "Europe/Lisbon" if allowed else "Europe/Berlin"
    assert marketing_team.timezone == expected


def test_a_saved_edit_changes_every_setting(as_user, admin_user, marketing_team):
    as_user(admin_user).post(edit_url(marketing_team), VALID)
    marketing_team.refresh_from_db()
    assert marketing_team.workdays == "1234"
    assert (marketing_team.day_start, marketing_team.day_end) == (dt.time(8), dt.time(16, 30))


def test_an_unknown_time_zone_is_shown_inline(as_user, admin_user, marketing_team):
    response = as_user(admin_user).post(
        edit_url(marketing_team), {**VALID, "timezone": "Mars/Base"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "&#x27;Mars/Base&#x27; is not a known time zone" in html
    marketing_team.refresh_from_db()
    assert marketing_team.timezone == "Europe/Berlin"


def test_a_day_that_ends_before_it_starts_is_shown_inline(as_user, admin_user, marketing_team):
    data = {**VALID, "day_start": "18:00", "day_end": "09:00"}
    response = as_user(admin_user).post(edit_url(marketing_team), data)
    assert response.status_code == 400
    assert "the working day must end after it starts" in response.content.decode()
    marketing_team.refresh_from_db()
    assert marketing_team.day_start == dt.time(9)


def test_no_working_day_is_refused(as_user, admin_user, marketing_team):
    data = {k: v for k, v in VALID.items() if k != "workdays"}
    response = as_user(admin_user).post(edit_url(marketing_team), data)
    assert response.status_code == 400
    marketing_team.refresh_from_db()
    assert marketing_team.workdays == "12345"


def test_unknown_team_is_404(as_user, admin_user):
    assert as_user(admin_user).get("/teams/999999/edit/").status_code == 404
