"""/api/contacts: list with filters and pages, get, create (with a first stage), update, errors."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from smarketing.lifecycle.models import StageTransition
from smarketing.people.models import Contact
from tests.api.conftest import error_fields
from tests.factories import AccountFactory, CampaignFactory, ContactFactory


def test_contact_create_when_valid_returns_201_with_account_name(as_marketer, marketer):
    account = AccountFactory(name="Acme")
    campaign = CampaignFactory()
    response = as_marketer.create(
        "/api/contacts",
        {
            "email": " Jo@Acme.io ",
            "first_name": "Jo",
            "account_id": account.pk,
            "owner_id": marketer.pk,
            "source_channel": "paid_search",
            "source_campaign_id": campaign.pk,
            "seniority": "director",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "jo@acme.io"
    assert (body["account_id"], body["account_name"]) == (account.pk, "Acme")
    assert body["source_campaign_id"] == campaign.pk
    assert body["lifecycle_stage"] == ""
    assert not StageTransition.objects.exists()


def test_contact_create_when_stage_given_records_first_move_by_caller(as_marketer, marketer):
    response = as_marketer.create("/api/contacts", {"email": "a@b.example", "stage": "mql"})
    assert response.status_code == 201, response.content
    assert response.json()["lifecycle_stage"] == "mql"
    row = StageTransition.objects.get(contact_id=response.json()["id"])
    assert (row.from_stage, row.to_stage, row.by_user) == ("", "mql", marketer)


def test_contact_create_when_stage_unknown_names_stage(as_marketer):
    response = as_marketer.create("/api/contacts", {"email": "a@b.example", "stage": "hot"})
    assert error_fields(response) == {"stage"}
    assert not Contact.objects.exists()


def test_contact_create_when_stage_not_an_entry_names_stage_and_writes_nothing(as_marketer):
    response = as_marketer.create("/api/contacts", {"email": "a@b.example", "stage": "recycled"})
    assert error_fields(response) == {"stage"}
    assert not Contact.objects.exists()


def test_contact_create_when_email_bad_names_email(as_marketer):
    response = as_marketer.create("/api/contacts", {"email": "not-an-email"})
    assert error_fields(response) == {"email"}


def test_contact_create_when_email_missing_names_email(as_marketer):
    response = as_marketer.create("/api/contacts", {"first_name": "Jo"})
    assert error_fields(response) == {"email"}


def test_contact_create_when_email_taken_in_other_case_names_email(as_marketer):
    ContactFactory(email="jo@acme.io")
    response = as_marketer.create("/api/contacts", {"email": "JO@acme.io"})
    assert error_fields(response) == {"email"}


def test_contact_create_when_ids_unknown_names_each(as_marketer):
    response = as_marketer.create(
        "/api/contacts",
        {"email": "a@b.example", "account_id": 999, "owner_id": 998, "source_campaign_id": 997},
    )
    assert error_fields(response) == {"account_id", "owner_id", "source_campaign_id"}


def test_contact_update_when_partial_keeps_other_fields(as_rep):
    contact = ContactFactory(first_name="Jo", last_name="Doe", title="CTO")
    response = as_rep.change(f"/api/contacts/{contact.pk}", {"title": "CEO"})
    assert response.status_code == 200, response.content
    contact.refresh_from_db()
    assert (contact.first_name, contact.last_name, contact.title) == ("Jo", "Doe", "CEO")


def test_contact_update_when_stage_sent_refuses_it(as_rep):
    contact = ContactFactory()
    response = as_rep.change(f"/api/contacts/{contact.pk}", {"lifecycle_stage": "customer"})
    assert error_fields(response) == {"lifecycle_stage"}


def test_contact_update_when_account_unknown_names_account_id(as_rep):
    contact = ContactFactory()
    response = as_rep.change(f"/api/contacts/{contact.pk}", {"account_id": 123456})
    assert error_fields(response) == {"account_id"}


def test_contact_update_when_null_for_required_text_names_field(as_rep):
    contact = ContactFactory()
    response = as_rep.change(f"/api/contacts/{contact.pk}", {"email": None})
    assert error_fields(response) == {"email"}


def test_contact_update_when_missing_is_404(as_rep):
    response = as_rep.change("/api/contacts/31337", {"title": "CEO"})
    assert response.status_code == 404
    assert response.json()["detail"] == "contact 31337 not found"


def test_contact_get_when_exists_returns_it(as_rep):
    contact = ContactFactory(email="x@y.example")
    body = as_rep.get(f"/api/contacts/{contact.pk}").json()
    assert (body["id"], body["email"], body["account_id"]) == (
        contact.pk,
        "x@y.example",
        contact.account_id,
    )


def test_contact_list_when_filtered_returns_matches(as_rep, as_marketer, rep):
    acme = AccountFactory(name="Acme")
    campaign = CampaignFactory()
    jo = as_marketer.create(
        "/api/contacts",
        {
            "email": "jo@acme.io",
            "account_id": acme.pk,
            "stage": "mql",
            "owner_id": rep.pk,
            "source_channel": "email",
            "source_campaign_id": campaign.pk,
        },
    ).json()
    other = ContactFactory(email="kim@else.example", first_name="Kim")
    ids = lambda **params: [  # noqa: E731
        c["id"] for c in as_rep.get("/api/contacts", params).json()["items"]
    ]
    assert ids(stage="mql") == [jo["id"]]
    assert ids(email="JO@acme.io") == [jo["id"]]
    assert ids(account_id=acme.pk) == [jo["id"]]
    assert ids(owner_id=rep.pk) == [jo["id"]]
    assert ids(source_channel="email") == [jo["id"]]
    assert ids(campaign_id=campaign.pk) == [jo["id"]]
    assert ids(q="acme") == [jo["id"]]
    assert ids(q="kim") == [other.pk]


def test_contact_list_when_stage_filter_unknown_names_stage(as_rep):
    response = as_rep.get("/api/contacts", {"stage": "hot"})
    assert error_fields(response) == {"stage"}


def test_contact_list_when_paged_counts_all_and_slices(as_rep):
    ContactFactory.create_batch(7)
    page = as_rep.get("/api/contacts", {"limit": 3, "offset": 6}).json()
    assert page["count"] == 7
    assert len(page["items"]) == 1


def test_contact_list_when_more_rows_runs_no_more_queries(as_rep, django_assert_max_num_queries):
    ContactFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        as_rep.get("/api/contacts")
    ContactFactory.create_batch(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = as_rep.get("/api/contacts").json()
    assert body["count"] == 8


def test_contact_create_when_choice_unknown_names_just_the_field(as_marketer):
    response = as_marketer.create(
        "/api/contacts", {"email": "a@b.example", "seniority": "boss", "source_channel": "tv"}
    )
    assert error_fields(response) == {"seniority", "source_channel"}
