"""Importing accounts, deals and activities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from smarketing.deals.models import Deal
from smarketing.handoff.models import Activity
from smarketing.lifecycle import services as lifecycle
from smarketing.people.models import Account, Contact
from tests.factories import AccountFactory, ContactFactory
from tests.imports.conftest import import_bytes, import_file

pytestmark = pytest.mark.django_db


def test_salesforce_accounts_with_numbers_and_countries(rep):
    result = import_file("salesforce_accounts.csv", "accounts")

    assert (result.created, result.rejected, result.format_label) == (2, [], "Salesforce")
    apollo = Account.objects.get(domain="apollo.example")
    assert (apollo.name, apollo.employees, apollo.annual_revenue) == (
        "Apollo Guidance",
        1200,
        Decimal("4500000.00"),
    )
    assert (apollo.country, apollo.industry, apollo.owner) == ("US", "Aerospace", rep)
    zuse = Account.objects.get(domain="z3.example")
    assert (zuse.annual_revenue, zuse.country) == (Decimal("750000.50"), "DE")


def test_accounts_upsert_by_domain_and_adopt_a_nameless_match(rep):
    # A contact import created the account from its name alone; the account file brings the domain.
    AccountFactory(name="Apollo Guidance", domain=None, employees=None)
    import_file("salesforce_accounts.csv", "accounts")

    assert Account.objects.filter(name="Apollo Guidance").count() == 1
    assert Account.objects.get(name="Apollo Guidance").domain == "apollo.example"
    again = import_file("salesforce_accounts.csv", "accounts")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_hubspot_deals_with_stages_and_won_makes_customers(rep):
    apollo = AccountFactory(name="Apollo Guidance", domain="apollo.example")
    buyer = ContactFactory(email="buyer@apollo.example", account=apollo)
    lifecycle.stage_transition(contact=buyer, to_stage="sql", by_rule="test")

    result = import_file("hubspot_deals.csv", "deals")

    assert (result.created, result.rejected, result.format_label) == (3, [], "HubSpot")
    won = Deal.objects.get(external_id="9001")
    assert (won.name, won.amount, won.stage, won.owner, won.account) == (
        "Apollo expansion",
        Decimal("120000"),
        "won",
        rep,
        apollo,
    )
    assert won.closed_at == dt.datetime(2024, 4, 30, tzinfo=dt.UTC), "dated by its close date"
    buyer.refresh_from_db()
    assert buyer.lifecycle_stage == "customer"
    assert Deal.objects.get(external_id="9002").stage == "demo"
    lost = Deal.objects.get(external_id="9003")
    assert (lost.stage, lost.loss_reason) == ("lost", "competitor")
    assert Account.objects.get(name="Zuse KG").deals.count() == 2, "one account made for both"


def test_deals_upsert_by_external_id(rep):
    import_file("hubspot_deals.csv", "deals")
    data = (
        b"Record ID,Deal Name,Amount,Deal Stage,Associated Company\n"
        b"9002,Zuse pilot,9000,Contract Sent,Zuse KG\n"
    )

    result = import_bytes(data, "deals")

    assert (result.created, result.updated) == (0, 1)
    deal = Deal.objects.get(external_id="9002")
    assert (deal.amount, deal.stage) == (Decimal("9000"), "negotiation")
    assert Deal.objects.count() == 3


def test_deal_rows_naming_an_unknown_contact_or_id_are_rejected():
    data = (
        b"id,name,account_name,primary_contact_email\n"
        b"999,Ghost,Acme,\n"
        b",Real,Acme,nobody@acme.example\n"
    )
    result = import_bytes(data, "deals")

    assert result.created == 1, "an unknown id in another installation creates the deal"
    (rejected,) = result.rejected
    assert (rejected.line, rejected.column) == (3, "primary_contact_email")
    assert "no contact with the email 'nobody@acme.example'" in rejected.reason


def test_contacts_named_by_name_are_found_when_unique():
    acme = AccountFactory(name="Acme", domain="acme.example")
    jane = ContactFactory(first_name="Jane", last_name="van Doe", account=acme)
    ContactFactory(first_name="Jo", last_name="Twin")
    ContactFactory(first_name="Jo", last_name="Twin")
    data = (
        b"Deal Name,Associated Company,Associated Contact\n"
        b"One,Acme,Jane van Doe\n"
        b"Two,Acme,Jo Twin\n"
    )
    result = import_bytes(data, "deals")

    assert Deal.objects.get(name="One").primary_contact == jane
    (rejected,) = result.rejected
    assert rejected.reason == "several contacts are named 'Jo Twin'; name the contact by email"


def test_activities_import_and_upsert(rep):
    contact = ContactFactory(email="lead@acme.example")
    data = (
        b"external_id,kind,contact_email,occurred_at,subject,outcome,user_email\n"
        b"a-1,Call,lead@acme.example,2024-03-05 10:00,Intro call,Left voicemail,sam@example.com\n"
        b"a-2,Meeting,lead@acme.example,2024-03-06 15:00,Demo,,\n"
        b"a-3,Call,nobody@acme.example,2024-03-06 15:00,Lost,,\n"
    )
    result = import_bytes(data, "activities")

    assert result.created == 2
    (rejected,) = result.rejected
    assert (rejected.line, rejected.column) == (4, "contact_email")
    call = Activity.objects.get(external_id="a-1")
    assert (call.kind, call.outcome, call.user, call.contact) == ("call", "voicemail", rep, contact)
    assert call.account_id == contact.account_id

    again = import_bytes(data.replace(b"Intro call", b"First call"), "activities")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert Activity.objects.get(external_id="a-1").subject == "First call"
    assert Contact.objects.count() == 1
