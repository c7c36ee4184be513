"""The lead list sorted and filtered by stored scores and grades, in the web UI and the API."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from smarketing.scoring.models import ScoreCause
from smarketing.scoring.refresh import scores_refresh
from tests.events.rows import api_client
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored():
    """Three scored contacts (A: fit 35, B: fit 20, D: fit -30) and one never scored."""
    senior = ContactFactory(
        email="a@big.example", seniority="vp", account=AccountFactory(employees=200)
    )
    mid = ContactFactory(email="b@mid.example", account=AccountFactory(employees=300))
    small = ContactFactory(email="d@tiny.example", account=AccountFactory(employees=4))
    scores_refresh(contact_ids=[senior.pk, mid.pk, small.pk], cause=ScoreCause.SWEEP)
    ContactFactory(email="n@new.example", account=None)
    return senior, mid, small


def _emails(html: str) -> list[str]:
    return re.findall(r"<td>([a-z]@[a-z]+\.example)</td>", html)


def test_the_list_sorts_by_score_highest_first_unscored_last(client: Client, rep, scored):
    client.force_login(rep)

    html = client.get("/contacts/", {"sort": "-score"}).content.decode()

    assert _emails(html) == ["a@big.example", "b@mid.example", "d@tiny.example", "n@new.example"]
    assert ">A4<" in html and ">D4<" in html


def test_the_list_filters_by_fit_letter_and_score_range(client: Client, rep, scored):
    client.force_login(rep)

    by_letter = client.get("/contacts/", {"grade": "D"}).content.decode()
    by_range = client.get("/contacts/", {"min_score": "0", "max_score": "25"}).content.decode()

    assert _emails(by_letter) == ["d@tiny.example"]
    assert _emails(by_range) == ["b@mid.example"]


def test_an_upper_bound_below_the_lower_one_is_reported_and_left_out(client: Client, rep, scored):
    client.force_login(rep)

    html = client.get("/contacts/", {"min_score": "30", "max_score": "5"}).content.decode()

    assert "must not be below the lower bound" in html
    assert _emails(html) == ["a@big.example"]  # only "from 30" applied


def test_the_api_lists_contacts_with_their_score_in_the_chosen_order(rep, scored):
    response = api_client(rep).get("/api/contacts", {"sort": "grade", "min_score": -100})

    items = response.json()["items"]
    assert [c["email"] for c in items] == ["a@big.example", "b@mid.example", "d@tiny.example"]
    assert items[0]["score"] == {
        "group": "default",
        "total": 35.0,
        "fit": 35.0,
        "engagement": 0.0,
        "grade": "A4",
        "is_mql": False,
        "predicted": None,
    }


def test_one_contact_from_the_api_carries_its_stored_score(rep, scored):
    senior = scored[0]
    assert api_client(rep).get(f"/api/contacts/{senior.pk}").json()["score"]["grade"] == "A4"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"grade": "E1"}, "grade"),
        ({"sort": "-bogus"}, "sort"),
        ({"min_score": "many"}, "min_score"),
    ],
)
def test_bad_score_filters_are_refused_naming_the_parameter(rep, scored, params, field):
    response = api_client(rep).get("/api/contacts", params)

    assert response.status_code == 400
    assert field in {e["field"] for e in response.json()["errors"]}
