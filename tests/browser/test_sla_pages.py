"""The SLA pages in the browser: two leaders sign a policy off in their own sessions, a
contradictory edit is refused, the compliance report draws its chart, and a team takes a day
off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from smarketing.handoff.models import Activity, Assignment
from smarketing.handoff.sla import services
from smarketing.handoff.sla.models import DayOff, PolicyVersion, Status
from smarketing.lifecycle.services import stage_transition
from smarketing.org.models import Role
from tests.browser.test_ui import log_in
from tests.factories import ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Monday 2 June 2025, 10:00 in New York (the sales team's zone in the cast).
MONDAY = dt.datetime(2025, 6, 2, 14, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


@pytest.fixture
def other_page(browser) -> Iterator[object]:
    """A second person's browser session beside `page`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_both_leaders_sign_a_draft_off_and_it_goes_live(
    live_server, page, other_page, marketing_leader, sales_leader
):
    base = live_server.url
    log_in(page, base, sales_leader.email)
    page.click("nav.mainnav >> text=SLA")
    expect(page.locator("#no-live")).to_contain_text("No SLA is live yet.")
    page.get_by_role("button", name="New draft from the shipped example").click()
    expect(page.locator(".messages")).to_contain_text(
        "Draft version 1 created from the shipped example."
    )
    expect(page.locator(".sign-off")).to_have_text("Draft, not proposed yet · revision 1")

    # A first touch due after the cadence ends is refused, shown, and nothing is saved.
    text = page.locator("#id_text")
    original = text.input_value()
    contradictory = original.replace(
        "first_touch_within_hours: 8\n", "first_touch_within_hours: 100\n"
    )
    assert contradictory != original
    text.fill(contradictory)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#draft-editor .error-box")).to_have_text(
        "sales.first_touch_within_hours: 100 business hours is later than the cadence's end "
        "(10 business days = 80 hours)"
    )
    expect(text).to_have_value(contradictory)  # kept, to be corrected
    page.goto(f"{base}/sla/1/")
    expect(page.locator("#id_text")).to_have_value(original)
    expect(page.locator(".sign-off")).to_contain_text("revision 1")
    assert PolicyVersion.objects.get(number=1).text == original

    page.get_by_role("button", name="Propose for sign-off").click()
    expect(page.locator(".messages")).to_contain_text("Version 1 proposed for sign-off.")
    expect(page.locator(".sign-off")).to_contain_text(
        "Waiting for the marketing leader and the sales leader"
    )

    log_in(other_page, base, marketing_leader.email)
    other_page.goto(f"{base}/sla/1/")
    other_page.get_by_role("button", name="Approve revision 1").click()
    expect(other_page.locator(".messages")).to_contain_text(
        "Your approval of version 1 is recorded."
    )
    expect(other_page.locator(".sign-off")).to_contain_text("Waiting for the sales leader")
    expect(other_page.get_by_role("button", name="Approve revision 1")).to_have_count(0)

    page.reload()
    sign_off = page.locator("#sign-off")
    expect(sign_off).to_contain_text(
        f"Marketing leader: approved by {marketing_leader.display_name}"
    )
    expect(sign_off).to_contain_text("your approval makes this version live now")
    page.get_by_role("button", name="Approve revision 1").click()
    expect(page.locator(".messages")).to_contain_text("Both teams approved: version 1 is live.")
    expect(page.locator("h1 .badge")).to_have_text("Live")
    expect(sign_off).to_contain_text(
        f"Marketing leader: approved by {marketing_leader.display_name}"
    )
    expect(sign_off).to_contain_text(f"Sales leader: approved by {sales_leader.display_name}")
    expect(page.locator("#approval-history li")).to_have_count(2)
    assert PolicyVersion.objects.get(number=1).status == Status.LIVE

    page.click(".crumbs >> text=SLA")
    expect(page.locator("h1")).to_contain_text("v1 live")
    expect(page.locator("#policy-words")).to_contain_text("Sales promises")
    expect(page.locator("#no-live")).to_have_count(0)


@pytest.fixture
def history(rep, sales_team, marketing_leader, sales_leader):
    """A policy live since May 2025; in June the rep called their MQL within 2 hours and a
    slower rep never touched theirs."""
    draft = services.policy_draft_create(by_user=sales_leader, at=MONDAY - 30 * 24 * H)
    services.policy_propose(version=draft, by_user=sales_leader)
    for leader in (marketing_leader, sales_leader):
        services.policy_approve(version=draft, user=leader, at=MONDAY - 29 * 24 * H)
    slow = UserFactory(email="slow@example.com", role=Role.SALES, team=sales_team)
    for owner, at in ((rep, MONDAY), (slow, MONDAY + H)):
        # The routing's Existing-owner rule assigns the new MQL to its owner, starting the clock.
        contact = ContactFactory(owner=owner)
        stage_transition(contact=contact, to_stage="mql", by_rule="test", at=at)
        if owner == rep:
            Activity.objects.create(kind="call", contact=contact, user=rep, occurred_at=at + 2 * H)
    assert Assignment.objects.count() == 2
    return slow


def test_compliance_report_shows_the_table_and_chart_for_a_window(
    live_server, page, sales_leader, rep, history
):
    base = live_server.url
    log_in(page, base, sales_leader.email)
    page.goto(f"{base}/sla/")
    page.click("#compliance-link")
    form = page.locator("#window-form")
    form.get_by_label("Since").fill("2025-06-01")
    form.get_by_label("Until (not included)").fill("2025-07-01")
    form.get_by_label("Marketing month").fill("2025-06")
    form.get_by_role("button", name="Show").click()

    expect(page.locator("#per-rep h2")).to_have_text("Per rep, 2025-06-01 to 2025-06-30")
    sam = page.locator(f'#per-rep tr[data-key="{rep.email}"] td')
    expect(sam).to_have_text([rep.display_name, "1", "0 (0%)", "1 (100%)", "0 (0%)", "2", "0"])
    slow = page.locator('#per-rep tr[data-key="slow@example.com"] td')
    expect(slow.nth(3)).to_have_text("0 (0%)")
    expect(slow.nth(6)).to_have_text("1")  # ignored: never touched, first touch overdue
    expect(page.locator("#per-team tbody tr td").nth(3)).to_have_text("1 (50%)")

    chart = page.locator("#rep-chart").get_by_role("img", name="per rep")
    expect(page.locator("#rep-chart")).to_contain_text("First touch in time")  # the legend
    expect(chart.locator("text", has_text=rep.display_name)).to_have_count(1)
    expect(chart.locator("rect title", has_text="first touch in time 100% (1 of 1)")).to_have_count(
        1
    )
    expect(page.locator(".team-months h2")).to_have_text(["Sales by month"])
    expect(page.locator("#marketing")).to_contain_text("2 of 100 promised")


def test_leader_adds_a_day_off_for_their_own_team(
    live_server, page, sales_leader, sales_team, marketing_team
):
    day = timezone.now().date() + dt.timedelta(days=14)
    base = live_server.url
    log_in(page, base, sales_leader.email)
    page.goto(f"{base}/sla/")
    page.click("#hours-link")
    sales = page.locator(f"#team-{sales_team.pk}")
    expect(sales.locator("dd").nth(2)).to_have_text("none")
    expect(page.locator(f"#team-{marketing_team.pk} form")).to_have_count(0)  # not their team

    sales.get_by_label("Date").fill(day.isoformat())
    sales.get_by_label("Label").fill("Team offsite")
    sales.get_by_role("button", name="Add a day off").click()
    expect(page.locator(".messages")).to_contain_text(f"Sales has {day:%Y-%m-%d} off.")

    page.reload()
    days_off = page.locator(f"#team-{sales_team.pk} .days-off li")
    expect(days_off).to_have_count(1)
    expect(days_off).to_contain_text(f"{day:%a %Y-%m-%d} — Team offsite")
    assert list(DayOff.objects.values_list("team", "date")) == [(sales_team.pk, day)]
