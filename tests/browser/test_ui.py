"""A person's path through the UI: log in, read the dashboard, open a contact, move its stage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from smarketing.analytics.dashboard import dashboard
from smarketing.deals import services as deals
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.services import stage_transition
from smarketing.people import services as people
from smarketing.people.models import Contact
from tests.conftest import PASSWORD
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def company(rep, marketer):
    """Three contacts moved through the services this month, and a deal won today."""
    start = timezone.now() - dt.timedelta(minutes=30)
    acme = AccountFactory(name="Acme Analytics", domain="acme.example")
    for i, name in enumerate(["Lena", "Omar", "Priya"]):
        contact = people.contact_create(
            email=f"{name.lower()}@acme.example",
            first_name=name,
            last_name="Tester",
            account=acme if i == 0 else None,
            stage="lead",
            stage_at=start,
            by_user=marketer,
        )
        if i > 0:
            stage_transition(contact=contact, to_stage="mql", by_user=marketer, at=start)
    deal = deals.deal_create(name="Other deal", account=AccountFactory(), amount=5000)
    deals.deal_close(deal=deal, won=True, by_user=rep)


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def htmx_settled(page) -> None:
    """Wait until htmx has swapped a response in and set up what it brought.

    Playwright's response event comes before htmx swaps, and new content only gets its htmx
    handlers when it settles (20 ms later, when `htmx-added` goes): a select changed before
    then sends nothing, and text typed before a swap is replaced by it.
    """
    page.wait_for_function(
        "() => !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def metric(page, label: str):
    card = page.locator(".card.metric", has=page.locator(".metric-label", has_text=label))
    return card.locator(".metric-value")


def test_log_in_read_dashboard_open_contact_and_move_it(live_server, page, rep, company):
    base = live_server.url
    log_in(page, base, rep.email)
    numbers = dashboard(now=timezone.now()).this_month
    expect(page.locator("h1")).to_have_text("Shared dashboard")
    expect(metric(page, "MQLs created")).to_have_text(str(numbers.mqls))
    expect(metric(page, "Deals won")).to_have_text(str(numbers.deals_won))
    assert numbers.mqls == 2 and numbers.deals_won == 1
    expect(page.locator(".topbar .who")).to_have_text(rep.display_name)

    page.click("nav.mainnav >> text=Contacts")
    page.click("text=Lena Tester")
    expect(page.locator("h1")).to_contain_text("Lena Tester")
    expect(page.locator(".timeline")).to_contain_text("no stage → Lead")

    # Choosing a target refreshes the form through htmx; then the move is an ordinary POST.
    with page.expect_response(lambda r: "/stage/?" in r.url):
        page.select_option("#id_to_stage", "sql")
    htmx_settled(page)  # or the swap clears the note typed below
    page.fill("#id_note", "Budget confirmed on the call")
    page.click("#stage-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("moved to SQL")
    expect(page.locator(".timeline li").first).to_contain_text("Lead → SQL")
    lena = Contact.objects.get(email="lena@acme.example")
    assert lena.lifecycle_stage == "sql"
    move = StageTransition.objects.filter(contact=lena).first()
    assert (move.by_user_id, move.note) == (rep.pk, "Budget confirmed on the call")


def test_recycle_needs_a_reason_and_says_so(live_server, page, rep, company):
    base = live_server.url
    log_in(page, base, rep.email)
    omar = Contact.objects.get(email="omar@acme.example")
    page.goto(f"{base}/contacts/{omar.pk}/")
    expect(page.locator("#id_reason")).to_have_count(1)
    with page.expect_response(lambda r: "/stage/?" in r.url):
        page.select_option("#id_to_stage", "recycled")
    htmx_settled(page)
    page.click("#stage-form button[type=submit]")
    expect(page.locator(".field-error")).to_contain_text("needs a reason")
    omar.refresh_from_db()
    assert omar.lifecycle_stage == "mql"


def test_search_filters_the_table_in_place(live_server, page, rep, company):
    base = live_server.url
    log_in(page, base, rep.email)
    page.goto(f"{base}/contacts/")
    expect(page.locator("#contacts-table tbody tr")).to_have_count(3)
    with page.expect_response(lambda r: "q=priya" in r.url):
        page.fill("#id_q", "priya")
    expect(page.locator("#contacts-table tbody tr")).to_have_count(1)
    expect(page.locator("#contacts-table")).to_contain_text("Priya Tester")
    assert "q=priya" in page.url  # the filtered view can be bookmarked
