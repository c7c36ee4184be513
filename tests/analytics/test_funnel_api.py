"""GET /api/analytics/funnel (+ /cohorts, /velocity, /leakage): any role reads, bad input is a
400 naming the parameter, and the query count does not grow with the data."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from smarketing.org.services import token_create
from tests.analytics.funnel_history import WINDOW, four_contacts

ENDPOINTS = ["", "/cohorts", "/velocity", "/leakage"]
QUERY = urlencode(WINDOW)


def _api(user) -> Client:
    _, raw = token_create(user=user, name="funnel tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def contacts(rep, marketer):
    return four_contacts(rep=rep, marketer=marketer)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_funnel_api_when_any_role_asks_answers(cast, contacts, endpoint):
    for user in cast.values():
        response = _api(user).get(f"/api/analytics/funnel{endpoint}?{QUERY}")
        assert response.status_code == 200, (user.role, response.content)
        assert response.json()["filters"]["from"] == "2025-01-01"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_funnel_api_when_anonymous_refuses(db, endpoint):
    assert Client().get(f"/api/analytics/funnel{endpoint}").status_code == 401


def test_funnel_api_when_asked_gives_entries_groups_and_conversion(marketer, contacts):
    body = _api(marketer).get(f"/api/analytics/funnel?{QUERY}&period=quarter").json()
    assert body["groups"]["mofu"] == ["mql", "sal"]
    assert [p["label"] for p in body["periods"]] == ["2025-Q1", "2025-Q2"]
    assert body["total"]["stages"]["lead"] == 4
    lead = next(c for c in body["conversions"] if c["stage"] == "lead")
    assert (lead["entered"], lead["next_stage"], lead["next_rate"]) == (4, "mql", 0.75)
    assert {"stage": "customer", "contacts": 1, "rate": 0.25} in lead["reached"]


def test_funnel_api_cohorts_velocity_leakage_when_asked_give_their_sections(rep, contacts):
    api = _api(rep)
    cohorts = api.get(f"/api/analytics/funnel/cohorts?{QUERY}").json()["cohorts"]
    assert (cohorts[0]["label"], cohorts[0]["size"]) == ("2025-01", 3)
    stages = api.get(f"/api/analytics/funnel/velocity?{QUERY}").json()["stages"]
    mql = next(s for s in stages if s["stage"] == "mql")
    assert (mql["stays"], mql["median_days"], mql["p75_days"]) == (2, 5.5, 7.75)
    leakage = api.get(f"/api/analytics/funnel/leakage?{QUERY}&channel=paid_search").json()
    assert (leakage["population"], leakage["customers"]) == (1, 0)
    assert leakage["reasons"][0]["code"] == "no-budget"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2025-07-01&until=2025-01-01", "until"),
        ("period=day", "period"),
        ("from=yesterday", "from"),
        ("size=huge", "size"),
        ("owner=nobody@example.com", "owner"),
    ],
)
def test_funnel_api_when_input_is_wrong_answers_400_naming_the_field(marketer, query, field):
    response = _api(marketer).get(f"/api/analytics/funnel?{query}")
    assert response.status_code == 400, response.content
    assert field in {e["field"] for e in response.json()["errors"]}


def test_funnel_api_when_openapi_generated_documents_each_endpoint(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for endpoint in ENDPOINTS:
        operation = paths[f"/api/analytics/funnel{endpoint}"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"from", "until", "period", "channel", "campaign", "size", "team"} <= names
        assert {"200", "400", "401", "403"} <= set(operation["responses"])


# Per endpoint: the token (user, then last-used update), then the section's own queries.
QUERIES = {"": 2 + 3, "/cohorts": 2 + 1, "/velocity": 2 + 1, "/leakage": 2 + 2}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_funnel_api_when_data_grows_keeps_its_query_count(
    marketer, rep, contacts, django_assert_num_queries, endpoint
):
    api = _api(marketer)
    url = f"/api/analytics/funnel{endpoint}?{QUERY}"
    with django_assert_num_queries(QUERIES[endpoint]):
        assert api.get(url).status_code == 200
    four_contacts(rep=rep, marketer=marketer)
    with django_assert_num_queries(QUERIES[endpoint]):
        assert api.get(url).status_code == 200
