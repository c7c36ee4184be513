"""The contacts list: search, filters, paging, and the htmx partial."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from smarketing.lifecycle.services import stage_transition
from tests.factories import CampaignFactory, ContactFactory


def names(response) -> str:
    return response.content.decode()


def rows(html: str) -> int:
    return len(re.findall(r'href="/contacts/\d+/"', html))


def test_list_shows_contacts_with_stage_and_account(as_user, rep, lead):
    html = names(as_user(rep).get("/contacts/"))
    assert "Lena Berg" in html and "Acme Analytics" in html and ">Lead<" in html


def test_search_matches_name_email_and_account(as_user, rep, lead):
    other = ContactFactory(email="omar@globex.example", first_name="Omar", last_name="Haddad")
    client = as_user(rep)
    assert "Omar" not in names(client.get("/contacts/", {"q": "acme"}))
    html = names(client.get("/contacts/", {"q": "haddad"}))
    assert other.email in html and "Lena" not in html


def test_filters_by_stage_owner_source_and_campaign(as_user, rep, marketer, lead):
    campaign = CampaignFactory(name="Spring webinar")
    other = ContactFactory(
        first_name="Omar", owner=marketer, source_channel="email", source_campaign=campaign
    )
    stage_transition(contact=other, to_stage="mql", by_user=marketer)
    client = as_user(rep)
    cases = [
        ({"stage": "mql"}, other),
        ({"stage": "lead"}, lead),
        ({"owner": marketer.pk}, other),
        ({"owner": rep.pk}, lead),
        ({"source_channel": "email"}, other),
        ({"source_channel": "events"}, lead),
        ({"campaign": campaign.pk}, other),
    ]
    for params, expected in cases:
        html = names(client.get("/contacts/", params))
        shown = {c.email for c in (lead, other) if c.email in html}
        assert shown == {expected.email}, params


def test_a_bad_filter_is_reported_and_the_rest_still_apply(as_user, rep, lead):
    response = as_user(rep).get("/contacts/", {"stage": "martian", "q": "lena"})
    assert response.status_code == 200
    html = names(response)
    assert "Some filters were not applied" in html and "martian" in html
    assert "Lena Berg" in html


def test_fifty_per_page(as_user, rep):
    ContactFactory.create_batch(51)
    client = as_user(rep)
    first = names(client.get("/contacts/"))
    assert rows(first) == 50
    assert "Page 1 of 2" in first
    second = names(client.get("/contacts/", {"page": 2}))
    assert rows(second) == 1


def test_htmx_request_gets_only_the_table(as_user, rep, lead):
    response = as_user(rep).get("/contacts/", {"q": "lena"}, HTTP_HX_REQUEST="true")
    html = names(response)
    assert "Lena Berg" in html
    assert "<html" not in html and "<form" not in html


def test_plain_request_gets_the_page_with_the_htmx_form(as_user, rep, lead):
    html = names(as_user(rep).get("/contacts/"))
    assert "<html" in html
    assert 'hx-get="/contacts/"' in html and 'hx-target="#contacts-table"' in html
    assert 'action="/contacts/"' in html  # works without JavaScript too


def test_query_count_does_not_grow_with_rows(as_user, rep, django_assert_max_num_queries):
    client = as_user(rep)
    ContactFactory.create_batch(3, owner=rep, source_campaign=CampaignFactory())
    with CaptureQueriesContext(connection) as few:
        client.get("/contacts/")
    ContactFactory.create_batch(20, owner=rep, source_campaign=CampaignFactory())
    with django_assert_max_num_queries(len(few)):
        client.get("/contacts/")
