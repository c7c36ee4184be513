"""A leader sets up a territory on the Routing page, reorders the rules and tries them on a
contact; a rep reads the same page but cannot change it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smarketing.handoff.routing.models import Region, RoutingRule
from tests.browser.test_ui import log_in
from tests.factories import AccountFactory, ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def try_the_rules(page, email: str):
    test = page.locator("#test")
    test.get_by_label("Contact's email").fill(email)
    test.get_by_role("button", name="Who would get it?").click()
    return test


def test_leader_adds_a_territory_moves_it_first_and_the_dry_run_follows(
    live_server, page, rep, sales_leader
):
    # Sol owns the account, so the Existing-owner rule (first on a new installation) keeps it.
    acme = AccountFactory(name="Acme Analytics", country="DE", owner=sales_leader)
    ContactFactory(email="lena@acme.example", account=acme, first_name="Lena")
    base = live_server.url
    log_in(page, base, sales_leader.email)
    page.goto(f"{base}/routing/")
    rules = page.locator("#rules tbody tr")
    expect(rules).to_have_count(2)
    expect(rules.nth(0)).to_contain_text("Existing owner")
    expect(rules.nth(1)).to_contain_text("Fallback")
    # Each label names its own field: four forms share this page (and once shared ids).
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))

    regions = page.locator("section", has=page.locator("h2", has_text="Regions"))
    regions.get_by_label("Name").fill("DACH")
    regions.get_by_label("Countries").fill("de, at, ch")
    regions.get_by_role("button", name="Add region").click()
    expect(page.locator(".messages")).to_contain_text("Region added.")
    expect(regions.locator("li")).to_have_text(["DACH: AT, CH, DE ×"])  # and its remove button

    add = page.locator("section", has=page.locator("h2", has_text="Add a rule"))
    add.get_by_label("Name").fill("DACH territory")
    add.get_by_label("Kind").select_option("territory")
    add.get_by_label("Region").select_option(label="DACH")
    add.get_by_label("Owner (territory)").select_option(str(rep.pk))
    add.get_by_role("button", name="Add rule").click()
    expect(page.locator(".messages")).to_contain_text("Rule added.")
    expect(rules).to_have_count(3)
    expect(rules.nth(1)).to_contain_text("DACH territory")
    expect(rules.nth(1)).to_contain_text("country region DACH")
    expect(rules.nth(1)).to_contain_text(rep.email)

    test = try_the_rules(page, "lena@acme.example")
    expect(test).to_contain_text(f"{sales_leader.email}, chosen by account owner")

    rules.nth(1).get_by_title("Try earlier").click()
    expect(page.locator(".messages")).to_contain_text("Rule DACH territory changed.")
    expect(rules.nth(0)).to_contain_text("DACH territory")
    expect(rules.nth(1)).to_contain_text("Existing owner")
    test = try_the_rules(page, "lena@acme.example")
    expect(test).to_contain_text(f"{rep.email}, chosen by territory: DACH territory")
    assert list(RoutingRule.objects.values_list("name", "position")) == [
        ("DACH territory", 1),
        ("Existing owner", 2),
    ]

    rules.nth(0).get_by_title("Try later").click()
    expect(rules.nth(0)).to_contain_text("Existing owner")
    expect(rules.nth(1)).to_contain_text("DACH territory")


def test_rep_reads_the_rules_but_a_change_gets_the_not_allowed_page(live_server, page, rep):
    base = live_server.url
    log_in(page, base, rep.email)
    page.goto(f"{base}/routing/")
    expect(page.locator("h1")).to_have_text("Routing")
    expect(page.locator("#rules tbody tr").first).to_contain_text("Existing owner")
    expect(page.get_by_role("button", name="Add rule")).to_have_count(0)
    expect(page.get_by_role("button", name="Add region")).to_have_count(0)
    expect(page.get_by_title("Try earlier")).to_have_count(0)

    # A form posted anyway (an old tab, a crafted request) meets the 403 page.
    page.evaluate(
        """() => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
            const form = document.createElement('form');
            form.method = 'post';
            form.action = '/routing/regions/';
            for (const [name, value] of [['csrfmiddlewaretoken', token], ['name', 'DACH'],
                                         ['countries', 'DE']]) {
                const input = document.createElement('input');
                input.name = name;
                input.value = value;
                form.append(input);
            }
            document.body.append(form);
            form.submit();
        }"""
    )
    expect(page.locator("h1")).to_have_text("Not allowed")
    expect(page.locator("main")).to_contain_text("a sales user may not create or change routing")
    assert not Region.objects.exists()
