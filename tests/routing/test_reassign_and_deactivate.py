"""Reassignment by hand (service, API, contact page) and a deactivated rep's open leads."""

from __future__ import annotations

import pytest

from smarketing.errors import InvalidInput
from smarketing.handoff.models import Assignment
from smarketing.handoff.routing.services import contact_reassign, mql_route
from smarketing.org.services import user_deactivate
from smarketing.people.models import Contact
from tests.routing.conftest import lead


def test_reassign_when_by_hand_keeps_history_and_notifies(org, rules):
    contact = lead()
    mql_route(contact=contact)
    row = contact_reassign(
        contact=contact, owner=org["dave"], by_user=org["lena"], note="speaks it"
    )
    assert (row.rule, row.previous_owner, row.by_user) == ("by hand", org["anna"], org["lena"])
    assert Contact.objects.get(pk=contact.pk).owner == org["dave"]
    assert Assignment.objects.filter(contact=contact).count() == 2
    assert org["dave"].notifications.get().dedupe_key == f"mql-assigned:{row.pk}"


def test_reassign_when_same_owner_or_inactive_is_refused(org, rules):
    contact = lead(owner=org["ben"])
    with pytest.raises(InvalidInput, match="already owns"):
        contact_reassign(contact=contact, owner=org["ben"], by_user=org["lena"])
    org["cara"].is_active = False
    with pytest.raises(InvalidInput, match="active user"):
        contact_reassign(contact=contact, owner=org["cara"], by_user=org["lena"])


def test_deactivate_when_rep_has_open_leads_reroutes_them(org, rules):
    mqls = [lead(account_owner=org["ben"]) for _ in range(2)]
    for contact in mqls:
        mql_route(contact=contact)  # account owner: ben
    Contact.objects.filter(pk=mqls[1].pk).update(lifecycle_stage="sal")
    Contact.objects.filter(pk=mqls[0].pk).update(lifecycle_stage="mql")
    customer = lead(owner=org["ben"])
    Contact.objects.filter(pk=customer.pk).update(lifecycle_stage="customer")
    moved = user_deactivate(user=org["ben"], by_user=org["lena"])
    assert not moved.is_active
    new = {a.contact_id: a for a in Assignment.objects.filter(previous_owner=org["ben"])}
    assert set(new) == {mqls[0].pk, mqls[1].pk}
    # Round robin in EMEA, Ben skipped; the customer stays his (not an open lead).
    assert [new[c.pk].owner for c in mqls] == [org["anna"], org["cara"]]
    assert all("ben@seller.example was deactivated by lena" in a.note for a in new.values())
    assert Contact.objects.get(pk=customer.pk).owner == org["ben"]


def test_deactivate_when_already_inactive_is_refused(org):
    user_deactivate(user=org["ben"])
    with pytest.raises(InvalidInput, match="already deactivated"):
        user_deactivate(user=org["ben"])


def test_assignments_api_when_reassigned_lists_history(org, rules, api_for):
    contact = lead()
    mql_route(contact=contact)
    client = api_for(org["lena"])
    created = client.create(
        f"/api/contacts/{contact.pk}/assignments", {"owner_id": org["erin"].pk, "note": "US"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["owner_email"] == "erin@seller.example"
    listed = client.get(f"/api/contacts/{contact.pk}/assignments").json()
    assert [a["rule"] for a in listed["items"]] == ["by hand", "round robin: Sales EMEA"]


def test_assignments_api_when_bad_owner_is_400_or_role_403(org, rules, api_for):
    contact = lead()
    bad = api_for(org["lena"]).create(
        f"/api/contacts/{contact.pk}/assignments", {"owner_id": 999999}
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "owner_id"
    refused = api_for(org["mia"]).create(
        f"/api/contacts/{contact.pk}/assignments", {"owner_id": org["ben"].pk}
    )
    assert refused.status_code == 403


def test_contact_page_when_reassigned_shows_history(org, rules, as_user):
    contact = lead()
    mql_route(contact=contact)
    client = as_user(org["anna"])
    page = client.get(f"/contacts/{contact.pk}/")
    assert b'id="owner-card"' in page.content
    assert b"round robin: Sales EMEA" in page.content
    done = client.post(
        f"/routing/contacts/{contact.pk}/reassign/", {"owner": org["ben"].pk, "note": "vacation"}
    )
    assert done.status_code == 302
    page = client.get(f"/contacts/{contact.pk}/")
    assert b"by hand" in page.content and b"vacation" in page.content


def test_deactivate_in_the_admin_reroutes_the_open_leads(org, rules, client, admin_user):
    contact = lead(account_owner=org["ben"])
    mql_route(contact=contact)
    Contact.objects.filter(pk=contact.pk).update(lifecycle_stage="mql")
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    ben = org["ben"]

    response = client.post(
        f"/admin/org/user/{ben.pk}/change/",
        {
            "email": ben.email,
            "full_name": ben.full_name,
            "role": ben.role,
            "team": ben.team_id or "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    ben.refresh_from_db()
    assert not ben.is_active
    assert Contact.objects.get(pk=contact.pk).owner != ben
