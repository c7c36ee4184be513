"""Clocks of an MQL assignment, derived from the policy, hours and what the rep did."""

from __future__ import annotations

import datetime as dt

from smarketing.handoff.models import Activity, Assignment
from smarketing.handoff.sla import services
from smarketing.handoff.sla.queries import clocks_for, hours_for
from smarketing.lifecycle.services import stage_transition
from smarketing.org.models import Role
from tests.factories import ContactFactory, UserFactory

from .conftest import MONDAY

H = dt.timedelta(hours=1)


def _by(clocks):
    return {c.obligation: c for c in clocks}


def test_clocks_when_nothing_done_count_down_in_business_hours(mql_assigned):
    clocks = _by(clocks_for(contact=mql_assigned, now=MONDAY + H))
    assert clocks["accept"].state == "on_time"
    # Default policy: accept within 4 business hours; 9-17 New York.
    assert clocks["accept"].due_at == MONDAY + 4 * H
    assert clocks["accept"].hours_left == 3
    assert clocks["first_touch"].due_at == MONDAY + dt.timedelta(days=1)
    assert _by(clocks_for(contact=mql_assigned, now=MONDAY + 3.5 * H))["accept"].state == "due_soon"
    assert _by(clocks_for(contact=mql_assigned, now=MONDAY + 5 * H))["accept"].state == "breached"


def test_clocks_when_accepted_and_called_in_time_are_met(mql_assigned, rep):
    stage_transition(contact=mql_assigned, to_stage="sal", by_user=rep, at=MONDAY + H)
    Activity.objects.create(kind="call", contact=mql_assigned, user=rep, occurred_at=MONDAY + 2 * H)
    clocks = _by(clocks_for(contact=mql_assigned, now=MONDAY + 6 * H))
    assert clocks["accept"].state == "met"
    assert clocks["first_touch"].state == "met"
    assert clocks["cadence"].state == "on_time"
    assert clocks["cadence"].detail == "1/3 calls, 0/3 emails"


def test_clocks_when_someone_else_called_do_not_count_it(mql_assigned, sales_leader):
    Activity.objects.create(
        kind="call", contact=mql_assigned, user=sales_leader, occurred_at=MONDAY + H
    )
    clocks = _by(clocks_for(contact=mql_assigned, now=MONDAY + dt.timedelta(days=2)))
    assert clocks["first_touch"].state == "breached"
    assert clocks["first_touch"].done_at is None


def test_clocks_when_rejected_void_the_rest(mql_assigned, rep):
    stage_transition(
        contact=mql_assigned, to_stage="recycled", by_user=rep, reason="no-need", at=MONDAY + H
    )
    clocks = _by(clocks_for(contact=mql_assigned, now=MONDAY + dt.timedelta(days=3)))
    assert clocks["accept"].state == "met"
    assert clocks["first_touch"].state == "void"
    assert clocks["recycle"].state == "met"


def test_clocks_when_reassigned_follow_the_new_owner(mql_assigned, rep, sales_team):
    other = UserFactory(email="otto@example.com", role=Role.SALES, team=sales_team)
    Assignment.objects.create(
        contact=mql_assigned, owner=other, previous_owner=rep, at=MONDAY + H, rule="by hand"
    )
    clocks = clocks_for(contact=mql_assigned, now=MONDAY + 2 * H)
    assert {c.owner_id for c in clocks} == {other.pk}
    assert clocks[0].started_at == MONDAY + H


def test_clocks_when_no_policy_was_live_are_empty(rep):
    contact = ContactFactory()
    stage_transition(contact=contact, to_stage="mql", by_rule="test", at=MONDAY)
    Assignment.objects.create(contact=contact, owner=rep, at=MONDAY, rule="by hand")
    assert clocks_for(contact=contact, now=MONDAY + H) == []


def test_clocks_start_when_an_assigned_lead_becomes_mql(rep, live_policy):
    contact = ContactFactory()
    stage_transition(contact=contact, to_stage="lead", by_rule="test", at=MONDAY - H)
    Assignment.objects.create(contact=contact, owner=rep, at=MONDAY, rule="account owner")
    assert clocks_for(contact=contact, now=MONDAY + H) == []
    stage_transition(contact=contact, to_stage="mql", by_rule="test", at=MONDAY + 2 * H)
    clocks = clocks_for(contact=contact, now=MONDAY + 3 * H)
    assert clocks[0].started_at == MONDAY + 2 * H


def test_hours_for_rep_without_hours_fall_back_to_team_then_default(rep, sales_leader):
    assert hours_for(rep).source == "team"
    assert hours_for(rep).hours.timezone == "America/New_York"
    loner = UserFactory(email="lone@example.com", role=Role.SALES, team=None)
    fallback = hours_for(loner)
    assert fallback.source == "default"
    assert (fallback.hours.timezone, fallback.hours.day_start) == ("UTC", dt.time(9))
    services.rep_hours_set(
        user=rep,
        by_user=sales_leader,
        timezone_name="Europe/Lisbon",
        workdays="1234",
        day_start=dt.time(8),
        day_end=dt.time(16),
    )
    own = hours_for(rep)
    assert own.source == "rep"
    assert own.hours.workdays == frozenset({1, 2, 3, 4})


def test_clocks_skip_the_team_holiday_inside_the_window(rep, sales_leader, sales_team, live_policy):
    # Friday 4 July 2025 (Independence Day) is a US holiday: a lead assigned on Thursday
    # afternoon is due on Monday, not on Friday.
    services.team_calendar_set(team=sales_team, holiday_country="US", by_user=sales_leader)
    thursday = dt.datetime(2025, 7, 3, 19, 0, tzinfo=dt.UTC)  # 15:00 New York
    contact = ContactFactory()
    stage_transition(contact=contact, to_stage="mql", by_rule="test", at=thursday)
    Assignment.objects.create(contact=contact, owner=rep, at=thursday, rule="by hand")
    accept = _by(clocks_for(contact=contact, now=thursday + H))["accept"]
    assert accept.due_at == dt.datetime(2025, 7, 7, 15, 0, tzinfo=dt.UTC)  # Mon 11:00 EDT


def test_clocks_across_dst_change_follow_the_wall_clock(rep, live_policy):
    # New York leaves summer time on Sunday 2 November 2025.
    friday = dt.datetime(2025, 10, 31, 20, 0, tzinfo=dt.UTC)  # 16:00 EDT
    contact = ContactFactory()
    stage_transition(contact=contact, to_stage="mql", by_rule="test", at=friday)
    Assignment.objects.create(contact=contact, owner=rep, at=friday, rule="by hand")
    accept = _by(clocks_for(contact=contact, now=friday + H))["accept"]
    assert accept.due_at == dt.datetime(2025, 11, 3, 17, 0, tzinfo=dt.UTC)  # Mon 12:00 EST
