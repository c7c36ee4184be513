"""/api/deals: CRUD, filters, pages, errors; a won deal makes its account's contacts customers."""

from __future__ import annotations

import datetime as dt

from smarketing.deals import services as deals
from smarketing.deals.models import Deal
from smarketing.lifecycle.models import StageTransition
from smarketing.people import services as people
from tests.api.conftest import error_fields
from tests.factories import AccountFactory, ContactFactory, DealFactory


def _account_with_leads(marketer):
    account = AccountFactory()
    for i, stage in enumerate(["mql", "sql"]):
        people.contact_create(
            email=f"lead{i}@{account.domain}", account=account, stage=stage, by_user=marketer
        )
    return account


def test_deal_create_when_valid_defaults_owner_to_caller(as_rep, rep):
    account = AccountFactory(name="Acme")
    response = as_rep.create(
        "/api/deals", {"name": "Acme pilot", "account_id": account.pk, "amount": "25000"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["account_name"], body["owner_id"], body["stage"]) == ("Acme", rep.pk, "discovery")
    assert body["amount"] == "25000.00"


def test_deal_update_when_won_makes_account_contacts_customers(as_rep, rep, marketer):
    account = _account_with_leads(marketer)
    deal = as_rep.create("/api/deals", {"name": "Pilot", "account_id": account.pk}).json()
    response = as_rep.change(f"/api/deals/{deal['id']}", {"stage": "won"})
    assert response.status_code == 200, response.content
    assert response.json()["closed_at"] is not None
    contacts = as_rep.get("/api/contacts", {"account_id": account.pk}).json()["items"]
    assert {c["lifecycle_stage"] for c in contacts} == {"customer"}
    moves = StageTransition.objects.filter(to_stage="customer", contact__account=account)
    assert moves.count() == 2
    assert {m.by_user for m in moves} == {rep}


def test_deal_create_when_won_makes_account_contacts_customers(as_rep, marketer):
    account = _account_with_leads(marketer)
    response = as_rep.create(
        "/api/deals", {"name": "Done", "account_id": account.pk, "stage": "won"}
    )
    assert response.status_code == 201, response.content
    stages = {c["lifecycle_stage"] for c in as_rep.get("/api/contacts").json()["items"]}
    assert stages == {"customer"}


def test_deal_update_when_other_stage_leaves_contacts_alone(as_rep, marketer):
    account = _account_with_leads(marketer)
    deal = DealFactory(account=account)
    as_rep.change(f"/api/deals/{deal.pk}", {"stage": "proposal"})
    stages = {c["lifecycle_stage"] for c in as_rep.get("/api/contacts").json()["items"]}
    assert stages == {"mql", "sql"}


def test_deal_update_when_lost_without_reason_names_loss_reason(as_rep):
    deal = DealFactory()
    response = as_rep.change(f"/api/deals/{deal.pk}", {"stage": "lost"})
    assert error_fields(response) == {"loss_reason"}
    deal.refresh_from_db()
    assert deal.stage == "discovery"


def test_deal_update_when_lost_with_reason_closes_it(as_rep):
    deal = DealFactory()
    response = as_rep.change(f"/api/deals/{deal.pk}", {"stage": "lost", "loss_reason": "price"})
    body = response.json()
    assert (body["stage"], body["loss_reason"]) == ("lost", "price")
    assert body["closed_at"] is not None


def test_deal_create_when_amount_negative_names_amount(as_rep):
    account = AccountFactory()
    response = as_rep.create("/api/deals", {"name": "X", "account_id": account.pk, "amount": -5})
    assert error_fields(response) == {"amount"}
    assert not Deal.objects.exists()


def test_deal_create_when_account_unknown_names_account_id(as_rep):
    response = as_rep.create("/api/deals", {"name": "X", "account_id": 8080})
    assert error_fields(response) == {"account_id"}


def test_deal_create_when_contact_of_other_account_names_primary_contact_id(as_rep):
    contact = ContactFactory()
    response = as_rep.create(
        "/api/deals",
        {"name": "X", "account_id": AccountFactory().pk, "primary_contact_id": contact.pk},
    )
    assert error_fields(response) == {"primary_contact_id"}


def test_deal_update_when_account_null_names_account_id(as_rep):
    deal = DealFactory()
    response = as_rep.change(f"/api/deals/{deal.pk}", {"account_id": None})
    assert error_fields(response) == {"account_id"}


def test_deal_get_when_missing_is_404(as_rep):
    assert as_rep.get("/api/deals/6060").status_code == 404


def test_deal_list_when_filtered_returns_matches(as_rep, rep, marketing_leader):
    acme = AccountFactory()
    early = DealFactory(account=acme, owner=rep)
    deals.deal_close(deal=early, won=True, at=dt.datetime(2025, 1, 10, 12, tzinfo=dt.UTC))
    late = DealFactory(owner=marketing_leader)
    deals.deal_close(
        deal=late, won=False, loss_reason="price", at=dt.datetime(2025, 3, 5, tzinfo=dt.UTC)
    )
    open_deal = DealFactory(account=acme)
    ids = lambda **params: {  # noqa: E731
        d["id"] for d in as_rep.get("/api/deals", params).json()["items"]
    }
    assert ids(stage="won") == {early.pk}
    assert ids(account_id=acme.pk) == {early.pk, open_deal.pk}
    assert ids(owner_id=marketing_leader.pk) == {late.pk}
    assert ids(closed_after="2025-01-10") == {early.pk, late.pk}
    assert ids(closed_after="2025-01-11") == {late.pk}
    assert ids(closed_before="2025-03-04") == {early.pk}
    assert ids(closed_after="2025-02-01", closed_before="2025-03-05") == {late.pk}


def test_deal_list_when_date_bad_names_the_filter(as_rep):
    response = as_rep.get("/api/deals", {"closed_after": "last tuesday"})
    assert error_fields(response) == {"closed_after"}


def test_deal_list_when_paged_counts_all(as_rep):
    DealFactory.create_batch(4)
    page = as_rep.get("/api/deals", {"limit": 3}).json()
    assert (page["count"], len(page["items"])) == (4, 3)
