"""/api/accounts: list with filters and pages, get, create, partial update, errors."""

from __future__ import annotations

from smarketing.people.models import Account
from tests.api.conftest import error_fields
from tests.factories import AccountFactory, ContactFactory


def test_account_create_when_valid_normalises_and_returns_201(as_marketer, rep):
    response = as_marketer.create(
        "/api/accounts",
        {
            "name": "Acme",
            "domain": "https://www.Acme.io/about",
            "country": "de",
            "owner_id": rep.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["domain"] == "acme.io"
    assert body["country"] == "DE"
    assert body["owner_id"] == rep.pk
    assert body["contact_count"] == 0
    assert Account.objects.get(pk=body["id"]).name == "Acme"


def test_account_create_when_domain_invalid_names_domain(as_marketer):
    response = as_marketer.create("/api/accounts", {"name": "Acme", "domain": "not a domain"})
    assert error_fields(response) == {"domain"}


def test_account_create_when_owner_unknown_names_owner_id(as_marketer):
    response = as_marketer.create("/api/accounts", {"name": "Acme", "owner_id": 999999})
    assert error_fields(response) == {"owner_id"}
    assert "999999" in response.json()["detail"]
    assert not Account.objects.exists()


def test_account_create_when_unknown_field_names_it(as_marketer):
    response = as_marketer.create("/api/accounts", {"name": "Acme", "revenue": 5})
    assert error_fields(response) == {"revenue"}


def test_account_create_when_domain_taken_names_domain(as_marketer):
    AccountFactory(domain="acme.io")
    response = as_marketer.create("/api/accounts", {"name": "Acme 2", "domain": "acme.io"})
    assert error_fields(response) == {"domain"}


def test_account_get_when_exists_counts_its_contacts(as_rep):
    account = AccountFactory()
    ContactFactory.create_batch(2, account=account)
    body = as_rep.get(f"/api/accounts/{account.pk}").json()
    assert body["id"] == account.pk
    assert body["contact_count"] == 2


def test_account_get_when_missing_is_404_json(as_rep):
    response = as_rep.get("/api/accounts/424242")
    assert response.status_code == 404
    assert response.json() == {"detail": "account 424242 not found"}


def test_account_update_when_partial_changes_only_given_fields(as_rep):
    account = AccountFactory(name="Old", industry="Software", employees=50)
    response = as_rep.change(f"/api/accounts/{account.pk}", {"employees": 75})
    assert response.status_code == 200, response.content
    account.refresh_from_db()
    assert (account.name, account.industry, account.employees) == ("Old", "Software", 75)


def test_account_update_when_owner_null_clears_it(as_rep, rep):
    account = AccountFactory(owner=rep)
    response = as_rep.change(f"/api/accounts/{account.pk}", {"owner_id": None})
    assert response.json()["owner_id"] is None
    account.refresh_from_db()
    assert account.owner_id is None


def test_account_update_when_negative_employees_names_field(as_rep):
    account = AccountFactory()
    response = as_rep.change(f"/api/accounts/{account.pk}", {"employees": -1})
    assert error_fields(response) == {"employees"}


def test_account_list_when_filtered_returns_matches_and_total(as_rep, marketer):
    AccountFactory(name="Big DE", country="DE", employees=900, owner=marketer, industry="Retail")
    AccountFactory(name="Small DE", country="DE", employees=8)
    AccountFactory(name="Big FR", country="FR", employees=700, domain="bigfr.example")
    names = lambda **params: [  # noqa: E731
        a["name"] for a in as_rep.get("/api/accounts", params).json()["items"]
    ]
    assert names(country="de") == ["Big DE", "Small DE"]
    assert names(min_employees=500) == ["Big DE", "Big FR"]
    assert names(max_employees=10) == ["Small DE"]
    assert names(owner_id=marketer.pk) == ["Big DE"]
    assert names(industry="retail") == ["Big DE"]
    assert names(domain="bigfr.example") == ["Big FR"]
    assert names(q="small") == ["Small DE"]


def test_account_list_when_paged_gives_slices_and_total_count(as_rep):
    for i in range(5):
        AccountFactory(name=f"Account {i}")
    first = as_rep.get("/api/accounts", {"limit": 2}).json()
    third = as_rep.get("/api/accounts", {"limit": 2, "offset": 4}).json()
    assert first["count"] == third["count"] == 5
    assert [a["name"] for a in first["items"]] == ["Account 0", "Account 1"]
    assert [a["name"] for a in third["items"]] == ["Account 4"]


def test_account_list_when_limit_too_large_names_limit(as_rep):
    response = as_rep.get("/api/accounts", {"limit": 100000})
    assert error_fields(response) == {"limit"}
