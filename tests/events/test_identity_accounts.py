"""Accounts from events: free-mail list, person traits, group calls setting account traits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smarketing.events.models import Touchpoint
from smarketing.events.processing.forms import person_traits
from smarketing.events.processing.freemail import freemail_list, is_freemail
from smarketing.people.models import Account, Contact
from tests.events.messages import group, identify, page
from tests.factories import AccountFactory


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "GoogleMail.com",
        "outlook.com",
        "hotmail.co.uk",
        "hotmail.de",
        "live.com",
        "yahoo.com",
        "yahoo.co.jp",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "proton.me",
        "protonmail.com",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
    ],
)
def test_free_mail_domains(domain):
    assert is_freemail(domain)


@pytest.mark.parametrize(
    "domain",
    ["acme.com", "hotmail-corp.com", "live.example.com", "mygmail.com", "gmail.com.evil.io"],
)
def test_company_domains_are_not_free_mail(domain):
    assert not is_freemail(domain)


def test_the_free_mail_list_is_substantial_and_clean():
    exact, providers = freemail_list()
    assert len(exact) + len(providers) >= 60
    assert all(d == d.strip().lower() and "." in d and " " not in d for d in exact)


def test_person_traits_read_the_usual_spellings():
    assert person_traits(
        {
            "First Name": "Ada",
            "lastName": "Lovelace",
            "Work-Email": " ADA@Example.org ",
            "job_title": "Analyst",
            "company": {"name": "Engines"},
            "address": {"country": "Germany"},
        }
    ) == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "title": "Analyst",
        "company": "Engines",
        "country": "DE",
    }
    assert person_traits({"name": "Grace Brewster Hopper", "email": "not an email"}) == {
        "first_name": "Grace",
        "last_name": "Brewster Hopper",
    }


def test_group_sets_account_traits_and_the_sender_joins_it(send, process):
    send(identify("g1", email="owner@gmail.com"), page("g1", path="/"))
    process()
    send(
        group(
            "org-17",
            "g1",
            name="Massive Dynamic",
            website="https://www.massive.example/",
            employees=250,
            industry="Biotech",
            country="US",
            annual_revenue="12,500,000",
        )
    )
    process()
    account = Account.objects.get()
    assert (account.name, account.domain, account.employees, account.industry, account.country) == (
        "Massive Dynamic",
        "massive.example",
        250,
        "Biotech",
        "US",
    )
    assert account.annual_revenue == Decimal("12500000")
    contact = Contact.objects.get()
    assert contact.account == account
    assert Touchpoint.objects.get().account == account  # earlier touchpoints get the account


def test_group_finds_the_account_by_website(send, process):
    existing = AccountFactory(name="Hooli", domain="hooli.example", employees=10)
    send(group("x", "g2", website="hooli.example", employees="1,200"))
    process()
    existing.refresh_from_db()
    assert (existing.name, existing.employees) == ("Hooli", 1200)
    assert Account.objects.count() == 1


def test_group_without_a_website_updates_the_senders_account(send, process):
    send(identify("g3", email="it@initech.example"))
    process()
    send(group("initech", "g3", name="Initech", industry="Software", employees=-5))
    process()
    account = Account.objects.get()
    assert (account.name, account.industry, account.employees) == ("Initech", "Software", None)


def test_group_without_a_website_from_a_stranger_changes_nothing(send, process):
    assert send(group("nobody", "g4", name="Ghost Corp")).accepted == 1
    assert process() == 1
    assert not Account.objects.exists()
