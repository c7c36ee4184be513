"""/analytics/insights/: every role reads it from the analytics tabs; each insight as a sentence
with sales' feedback; the stale and missing notices; refresh; the one-click draft."""

from __future__ import annotations

import pytest
from django.utils import timezone

from smarketing.analytics.insights import services
from smarketing.analytics.insights.models import InsightRun
from smarketing.lifecycle.models import StageTransition
from smarketing.scoring.models import DefinitionVersion, Status
from tests.analytics.insights_data import population

URL = "/analytics/insights/"
SENTENCE = "Companies with fewer than 10 employees: 0.0% become customers vs 30.0% of other leads"


@pytest.fixture
def scanned(rep):
    population(rep=rep)
    return services.insights_scan_now()


def _small_id(run: InsightRun) -> str:
    label = "Companies with fewer than 10 employees"
    return next(i["id"] for i in run.result["insights"] if i["label"] == label)


def test_insights_page_when_any_role_opens_it_lists_the_insights(client, cast, scanned):
    for user in cast.values():
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 200, user.role
        html = response.content.decode()
        assert f'href="{URL}" class="active"' in html, user.role
        assert SENTENCE in html
        assert "Rated 1.0 of 5 on average (60 ratings) against 4.0 for other leads" in html
        assert "No budget (60)" in html
        assert "may be out of date" not in html


def test_insights_page_offers_the_draft_only_to_who_may_propose(client, marketer, cast, scanned):
    client.force_login(marketer)
    assert "Draft this change" not in client.get(URL).content.decode()
    client.force_login(cast["marketing_leader"])
    assert "Draft this change" in client.get(URL).content.decode()


def test_insights_page_when_never_computed_says_so(client, marketer):
    client.force_login(marketer)
    html = client.get(URL).content.decode()
    assert "No insights have been computed yet" in html


def test_insights_page_when_the_data_changed_says_it_is_stale(client, marketer, scanned):
    contact = StageTransition.objects.first().contact
    StageTransition.objects.create(contact=contact, to_stage="mql", at=timezone.now())
    client.force_login(marketer)
    html = client.get(URL).content.decode()
    assert "may be out of date" in html
    assert SENTENCE in html  # the last result stays readable


def test_insights_page_refresh_queues_a_scan(client, marketer, rep):
    population(rep=rep)
    client.force_login(marketer)
    response = client.post(f"{URL}refresh/")
    assert response.status_code == 302
    run = InsightRun.objects.get()
    assert run.requested_by == marketer
    assert "A scan is queued" in client.get(URL).content.decode()


def test_insights_page_draft_opens_a_draft_with_the_rule(client, sales_leader, scanned):
    client.force_login(sales_leader)
    response = client.post(f"{URL}{_small_id(scanned)}/draft/")
    draft = DefinitionVersion.objects.get(status=Status.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == f"/scoring/definition/{draft.number}/"
    assert "points: -80" in draft.text
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_insights_page_draft_when_a_marketer_asks_is_403(client, marketer, scanned):
    client.force_login(marketer)
    response = client.post(f"{URL}{_small_id(scanned)}/draft/")
    assert response.status_code == 403
    assert not DefinitionVersion.objects.filter(status=Status.DRAFT).exists()
