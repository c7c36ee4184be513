"""The handoff card, its decision forms, "My leads" and the lead-quality review page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smarketing.content.models import ContentAsset
from smarketing.events.models import Touchpoint
from smarketing.handoff import decisions
from smarketing.handoff.models import LeadFeedback
from smarketing.handoff.services import activity_create
from smarketing.people.models import Contact
from tests.factories import UserFactory
from tests.handoff.conftest import mql_make
from tests.handoff.test_activity_events import raw_event

pytestmark = pytest.mark.django_db


def _touch(contact, *, path: str, at: dt.datetime, content=None, high: bool = False) -> None:
    Touchpoint.objects.create(
        raw_event=raw_event(event="", type="page", at=at),
        contact=contact,
        occurred_at=at,
        kind="page_view",
        channel="organic_search",
        path=path,
        content=content,
        high_intent=high,
    )


def _history(contact, rep, n: int) -> None:
    asset = ContentAsset.objects.create(title="Pricing guide", funnel_stage="bofu")
    now = timezone.now()
    for i in range(n):
        _touch(contact, path=f"/page-{i}", at=now - dt.timedelta(hours=i + 1), content=asset)
    _touch(contact, path="/pricing", at=now - dt.timedelta(minutes=5), high=True)
    for i in range(n):
        activity_create(kind="call", contact=contact, user=rep, subject=f"Call {i}")


def test_card_when_mql_shows_why_journey_company_and_actions(as_user, rep, mql):
    _history(mql, rep, 2)
    html = as_user(rep).get(f"/handoff/{mql.pk}/").content.decode()
    assert "Why it qualified" in html and "definition v1: fit ≥ 20" in html
    assert "Pricing guide" in html and "BOFU" in html  # content with its funnel stage
    assert "/pricing" in html and "high intent" in html  # recent visits
    assert "Acme Analytics" in html and "Software" in html  # company facts
    assert "Organic search" in html  # channels
    assert f"/handoff/{mql.pk}/accept/" in html and f"/handoff/{mql.pk}/reject/" in html
    assert "Too small" in html or "Company too small" in html  # the shared reject reasons


def test_card_query_count_when_history_grows_stays_fixed(
    as_user, rep, mql, django_assert_num_queries
):
    client = as_user(rep)
    client.get(f"/handoff/{mql.pk}/")  # the live definition is installed on first use
    _history(mql, rep, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/handoff/{mql.pk}/").status_code == 200
    _history(mql, rep, 12)
    # Pinned: session, user; the contact with its joins; the MQL move, activities, feedback,
    # definition, SQL checklist; the score (definition, prediction, touchpoints); the journey's
    # touchpoints; the SLA clocks (5); the reasons; the page's notification bell and team (2).
    with django_assert_num_queries(21):
        assert client.get(f"/handoff/{mql.pk}/").status_code == 200
    assert len(small) == 21


def test_card_when_another_reps_lead_shows_no_actions_and_refuses_posts(as_user, mql, sales_team):
    other = UserFactory(email="olga@example.com", role="sales", team=sales_team)
    client = as_user(other)
    html = client.get(f"/handoff/{mql.pk}/").content.decode()
    assert "/accept/" not in html and "decides on this lead" in html
    response = client.post(f"/handoff/{mql.pk}/accept/", {})
    assert response.status_code == 403
    assert Contact.objects.get(pk=mql.pk).lifecycle_stage == "mql"


def test_card_when_sales_leader_of_the_team_may_act(as_user, sales_leader, mql):
    response = as_user(sales_leader).post(f"/handoff/{mql.pk}/accept/", {"accept-rating": "5"})
    assert response.status_code == 302
    assert LeadFeedback.objects.get().user == sales_leader


def test_card_when_marketer_sees_it_but_may_not_decide(as_user, marketer, mql):
    client = as_user(marketer)
    assert client.get(f"/handoff/{mql.pk}/").status_code == 200
    assert client.post(f"/handoff/{mql.pk}/accept/", {}).status_code == 403


def test_accept_form_when_posted_moves_and_redirects(as_user, rep, mql):
    response = as_user(rep).post(
        f"/handoff/{mql.pk}/accept/", {"accept-rating": "4", "accept-comment": "Nice"}
    )
    assert response.status_code == 302 and response["Location"] == f"/handoff/{mql.pk}/"
    assert Contact.objects.get(pk=mql.pk).lifecycle_stage == "sal"
    assert LeadFeedback.objects.get().rating == 4


def test_reject_form_when_no_reason_shows_the_error(as_user, rep, mql):
    response = as_user(rep).post(f"/handoff/{mql.pk}/reject/", {"reject-reason": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert Contact.objects.get(pk=mql.pk).lifecycle_stage == "mql"


def test_reject_form_when_reasoned_recycles(as_user, rep, mql):
    response = as_user(rep).post(
        f"/handoff/{mql.pk}/reject/", {"reject-reason": "wrong-contact", "reject-comment": "IT"}
    )
    assert response.status_code == 302
    assert Contact.objects.get(pk=mql.pk).lifecycle_stage == "recycled"


def test_convert_form_when_checklist_incomplete_shows_what_is_missing(as_user, rep, mql):
    response = as_user(rep).post(f"/handoff/{mql.pk}/convert/", {"convert-checklist": ["budget"]})
    assert response.status_code == 400
    assert "the SQL checklist is not complete" in response.content.decode()


def test_convert_form_when_complete_shows_the_confirmed_checklist_on_the_card(as_user, rep, mql):
    items = ["budget", "authority", "need", "timing"]
    response = as_user(rep).post(f"/handoff/{mql.pk}/convert/", {"convert-checklist": items})
    assert response.status_code == 302
    html = as_user(rep).get(f"/handoff/{mql.pk}/").content.decode()
    assert "SQL checklist confirmed" in html and "✓ Budget confirmed" in html


def test_unknown_action_is_404(as_user, rep, mql):
    assert as_user(rep).post(f"/handoff/{mql.pk}/promote/", {}).status_code == 404


def test_my_leads_when_rep_lists_open_leads_newest_first(as_user, rep, mql):
    newer = mql_make(owner=rep, email="newer@acme.example")
    closed = mql_make(owner=rep, email="closed@acme.example")
    decisions.lead_disqualify(contact=closed, user=rep, reason="competitor")
    html = as_user(rep).get("/handoff/").content.decode()
    assert html.index(f"/handoff/{newer.pk}/") < html.index(f"/handoff/{mql.pk}/")
    assert f"/handoff/{closed.pk}/" not in html


def test_my_leads_when_leader_asks_for_team_shows_the_reps_leads(as_user, sales_leader, mql):
    client = as_user(sales_leader)
    assert f"/handoff/{mql.pk}/" not in client.get("/handoff/").content.decode()
    assert f"/handoff/{mql.pk}/" in client.get("/handoff/?team=1").content.decode()


def test_my_leads_when_marketer_is_403(as_user, marketer):
    assert as_user(marketer).get("/handoff/").status_code == 403


def test_review_page_when_leader_shows_the_month(as_user, rep, marketing_leader, mql):
    decisions.lead_reject(contact=mql, user=rep, reason="too-small")
    month = timezone.now().strftime("%Y-%m")
    html = as_user(marketing_leader).get(f"/handoff/review/?month={month}").content.decode()
    assert "Company too small" in html and "Spring search" in html and "Paid search" in html
    assert "50–249" in html  # the size band of a 120-people company


def test_review_page_when_month_malformed_is_400(as_user, sales_leader):
    response = as_user(sales_leader).get("/handoff/review/?month=2025-13")
    assert response.status_code == 400 and "no month 13" in response.content.decode()


def test_review_page_when_rep_is_403(as_user, rep):
    assert as_user(rep).get("/handoff/review/").status_code == 403


@pytest.fixture
def live_sla(marketing_leader, sales_leader):
    from smarketing.handoff.sla import services as sla

    start = timezone.now() - dt.timedelta(days=30)
    draft = sla.policy_draft_create(by_user=sales_leader, at=start)
    sla.policy_propose(version=draft, by_user=sales_leader, at=start)
    sla.policy_approve(version=draft, user=marketing_leader, at=start)
    sla.policy_approve(version=draft, user=sales_leader, at=start)


def test_card_and_my_leads_when_sla_live_show_the_clocks(as_user, rep, live_sla):
    from smarketing.handoff.models import Assignment

    lead = mql_make(owner=rep, email="clocked@acme.example")
    if not Assignment.objects.filter(contact=lead).exists():
        Assignment.objects.create(contact=lead, owner=rep, rule="by hand")
    client = as_user(rep)
    html = client.get(f"/handoff/{lead.pk}/").content.decode()
    assert "SLA clocks" in html and "Accept or reject" in html
    assert "On time" in html or "Due soon" in html or "Breached" in html
    leads = client.get("/handoff/").content.decode()
    assert "Accept or reject" in leads  # the most urgent clock, before anything was done
    body = client.get("/api/leads/mine").json()
    assert body[0]["urgent_clock"].startswith("Accept or reject")
