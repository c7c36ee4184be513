"""Accounts: the filtered list with contact counts, and one account's page."""

from __future__ import annotations

import re

from smarketing.deals import services as deals
from tests.factories import AccountFactory, ContactFactory


def shown(response) -> set[str]:
    return set(re.findall(r'href="/accounts/\d+/">([^<]+)<', response.content.decode()))


def test_list_shows_contact_counts(as_user, rep):
    acme = AccountFactory(name="Acme")
    ContactFactory.create_batch(3, account=acme)
    AccountFactory(name="Empty Co")
    html = as_user(rep).get("/accounts/").content.decode()
    assert re.search(r'>Acme</a>.*?<td class="num">3</td>', html, re.S)
    assert re.search(r'>Empty Co</a>.*?<td class="num">0</td>', html, re.S)


def test_filters_by_search_industry_country_and_size(as_user, rep):
    AccountFactory(name="Acme", industry="Software", country="DE", employees=50)
    AccountFactory(name="Globex", industry="Logistics", country="US", employees=2000)
    AccountFactory(name="Initech", industry="Software", country="US", employees=300)
    client = as_user(rep)
    cases = [
        ({"q": "glob"}, {"Globex"}),
        ({"industry": "software"}, {"Acme", "Initech"}),
        ({"country": "us"}, {"Globex", "Initech"}),
        ({"min_employees": 100, "max_employees": 500}, {"Initech"}),
        ({"min_employees": 1000}, {"Globex"}),
    ]
    for params, expected in cases:
        assert shown(client.get("/accounts/", params)) == expected, params


def test_an_inverted_employee_range_is_reported(as_user, rep):
    AccountFactory(name="Acme", employees=50)
    response = as_user(rep).get("/accounts/", {"min_employees": 500, "max_employees": 10})
    html = response.content.decode()
    assert response.status_code == 200
    assert "must not be below the lower bound" in html


def test_htmx_request_gets_only_the_table(as_user, rep):
    AccountFactory(name="Acme")
    html = as_user(rep).get("/accounts/", HTTP_HX_REQUEST="true").content.decode()
    assert "Acme" in html and "<html" not in html


def test_account_page_lists_its_contacts_and_deals(as_user, rep, lead):
    account = lead.account
    deals.deal_create(name="Acme platform", account=account, amount=12000)
    other = AccountFactory(name="Other")
    ContactFactory(first_name="Zed", account=other)
    html = as_user(rep).get(f"/accounts/{account.pk}/").content.decode()
    assert "Lena Berg" in html and ">Lead<" in html
    assert "Acme platform" in html and "USD 12,000.00" in html
    assert "Zed" not in html


def test_unknown_account_is_404(as_user, rep):
    assert as_user(rep).get("/accounts/999999/").status_code == 404
