"""A contact's timeline with its touchpoints: GET /api/contacts/{id}/timeline and the web page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from smarketing.handoff import services as handoff
from smarketing.lifecycle.services import stage_transition
from smarketing.people import services as people
from smarketing.people.timeline import contact_timeline
from tests.events.rows import api_client, raw_event, touchpoint, write_key
from tests.factories import CampaignFactory, ContentAssetFactory


def url(contact) -> str:
    return f"/api/contacts/{contact.pk}/timeline"


@pytest.fixture
def lena(marketer):
    return people.contact_create(
        email="lena@acme.example", first_name="Lena", stage="lead", by_user=marketer
    )


@pytest.fixture
def history(lena, marketer, rep):
    """After the contact was created: a paid-search visit to pricing, a form, a call, an MQL move
    and an email click, one hour apart in that order."""
    start = lena.lifecycle_stage_at + dt.timedelta(days=1)
    at = [start + dt.timedelta(hours=n) for n in range(5)]
    website = write_key("website")
    spring = CampaignFactory(name="Spring launch", utm_campaign="spring-launch")
    touchpoint(
        raw_event(website, anonymous_id="anon-1", received_at=at[0]),
        contact=lena,
        channel="paid_search",
        campaign=spring,
        path="/pricing",
        url="https://www.acme-tools.example/pricing?utm_campaign=spring-launch",
        utm_campaign="spring-launch",
        high_intent=True,
    )
    touchpoint(
        raw_event(website, type="track", event="Form Submitted", received_at=at[1]),
        contact=lena,
        kind="form",
        channel="paid_search",
        campaign=spring,
        form="demo-request",
        path="/demo",
    )
    handoff.activity_create(kind="call", contact=lena, user=rep, subject="Intro", occurred_at=at[2])
    stage_transition(contact=lena, to_stage="mql", by_user=marketer, at=at[3])
    guide = ContentAssetFactory(title="The alignment guide")
    touchpoint(
        raw_event(website, type="track", event="Email Link Clicked", received_at=at[4]),
        contact=lena,
        kind="email_click",
        channel="email",
        content=guide,
    )
    # Someone else's, and a still anonymous visit: neither is on Lena's timeline.
    stranger = people.contact_create(email="omar@acme.example", by_rule="test")
    touchpoint(raw_event(website, received_at=at[4]), contact=stranger, path="/other")
    touchpoint(raw_event(website, received_at=at[4]), contact=None, path="/anonymous")
    return spring


def test_timeline_when_read_lists_touchpoints_activities_and_stage_moves_newest_first(
    marketer, lena, history
):
    response = api_client(marketer).get(url(lena))
    assert response.status_code == 200
    items = response.json()
    assert [(i["kind"], i["title"]) for i in items] == [
        ("touchpoint", "Email link clicked: The alignment guide"),
        ("stage", "Lead → MQL"),
        ("call", "Call: Intro"),
        ("touchpoint", "Form submitted: demo-request"),
        ("touchpoint", "Page view: /pricing"),
        ("stage", "no stage → Lead"),
    ]
    visit = items[4]
    assert visit["touchpoint"] == {
        "kind": "page_view",
        "channel": "paid_search",
        "campaign_id": history.pk,
        "campaign": "Spring launch",
        "path": "/pricing",
        "url": "https://www.acme-tools.example/pricing?utm_campaign=spring-launch",
        "form": "",
        "event": "",
        "high_intent": True,
    }
    assert visit["detail"] == "Paid search · campaign Spring launch · high-intent page"
    assert items[0]["detail"] == "Email"
    assert items[1]["touchpoint"] is None


def test_timeline_when_limited_keeps_the_newest(marketer, lena, history):
    items = api_client(marketer).get(url(lena), {"limit": 2}).json()
    assert [i["title"] for i in items] == ["Email link clicked: The alignment guide", "Lead → MQL"]
    assert api_client(marketer).get(url(lena), {"limit": 0}).status_code == 400


def test_timeline_when_any_role_that_views_contacts_asks_answers(cast, lena, history):
    for user in cast.values():
        assert api_client(user).get(url(lena)).status_code == 200


def test_timeline_when_contact_unknown_is_404(marketer, db):
    response = api_client(marketer).get("/api/contacts/999999/timeline")
    assert response.status_code == 404
    assert response.json()["detail"] == "contact 999999 not found"


def test_timeline_when_not_authenticated_is_401(lena):
    assert Client().get(url(lena)).status_code == 401


def test_timeline_source_matches_the_web_contact_page(client, rep, lena, history):
    """The contact page renders the same items, a touchpoint with its channel and campaign."""
    client.force_login(rep)
    html = client.get(f"/contacts/{lena.pk}/").content.decode()
    assert "Page view: /pricing" in html
    assert "Paid search · campaign Spring launch · high-intent page" in html
    assert "Form submitted: demo-request" in html
    assert [i.title for i in contact_timeline(contact=lena)][:2] == [
        "Email link clicked: The alignment guide",
        "Lead → MQL",
    ]


def test_openapi_when_generated_lists_the_event_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/events/rejected", "/api/sources", "/api/contacts/{contact_id}/timeline"):
        assert set(paths[path]) == {"get"}, path
