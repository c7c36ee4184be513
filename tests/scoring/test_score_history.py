"""A contact's score history: the points stored as its score changes, plotted on its page and
listed by the API; an account's score and rescoring runs in the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from smarketing.scoring.history_chart import HEIGHT, PAD, WIDTH, history_chart
from smarketing.scoring.models import ScoreCause
from smarketing.scoring.refresh import scores_refresh
from tests.events.rows import api_client, raw_event, touchpoint, write_key
from tests.factories import AccountFactory, ContactFactory

DAY = dt.timedelta(days=1)
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_the_chart_spans_the_box_and_holds_the_last_value_until_now():
    chart = history_chart([(T0, 0.0), (T0 + DAY, 50.0)], now=T0 + 2 * DAY)

    xy = [tuple(map(float, p.split(","))) for p in chart.points.split()]
    assert xy == [(PAD, HEIGHT - PAD), (WIDTH / 2, PAD), (WIDTH - PAD, PAD)]
    assert chart.zero_y == HEIGHT - PAD and (chart.low, chart.high) == (0, 50)


def test_the_zero_line_sits_between_negative_and_positive_scores():
    chart = history_chart([(T0, -20.0), (T0 + DAY, 20.0)], now=T0 + DAY)

    assert chart.zero_y == pytest.approx(HEIGHT / 2)


def test_one_point_draws_no_chart():
    assert history_chart([(T0, 10.0)], now=T0 + DAY) is None


@pytest.fixture
def engaged(db):
    """Scored twice: fit only, then after a demo request (two history points)."""
    contact = ContactFactory(email="ana@acme.example", account=AccountFactory(employees=200))
    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.SWEEP, promote=False)
    raw = raw_event(write_key("site"))
    touchpoint(raw, contact=contact, kind="form", form="request-demo")
    scores_refresh(contact_ids=[contact.pk], cause=ScoreCause.EVENT, promote=False)
    return contact


def test_the_api_lists_the_history_points_oldest_first(rep, engaged):
    body = api_client(rep).get(f"/api/contacts/{engaged.pk}/score/history").json()

    points = [(p["total"], p["cause"]) for p in body["points"]]
    assert points == [(20, "sweep"), (pytest.approx(60, abs=0.01), "event")]


def test_the_contact_page_plots_the_history(client: Client, rep, engaged):
    client.force_login(rep)

    html = client.get(f"/contacts/{engaged.pk}/").content.decode()

    assert 'class="score-history"' in html and "<polyline" in html


def test_the_api_gives_the_account_score_with_its_contacts_engagement(rep, engaged):
    body = api_client(rep).get(f"/api/accounts/{engaged.account_id}/score").json()

    (group,) = body["groups"]
    assert (group["fit"], group["engagement"], group["total"]) == pytest.approx(
        (20, 40, 60), abs=0.01
    )
    assert {r["rule"] for r in group["explanation"]} == {"employees-50-999", "demo-request"}


def test_an_unknown_contact_history_is_a_404(rep, db):
    assert api_client(rep).get("/api/contacts/999999/score/history").status_code == 404


def _predicted(contact, probability: float) -> None:
    from django.utils import timezone

    from smarketing.scoring.models import ContactPrediction, PredictiveModel

    model = PredictiveModel.objects.create(status="trained", window_days=90, observe_days=7)
    ContactPrediction.objects.create(
        contact=contact,
        model=model,
        probability=probability,
        factors=[{"name": "employees", "label": "Employees", "value": 200}],
        computed_at=timezone.now(),
    )


def test_the_score_carries_the_prediction_and_its_factors(rep, engaged):
    _predicted(engaged, 0.42)
    scores_refresh(contact_ids=[engaged.pk], cause=ScoreCause.EVENT, promote=False)

    body = api_client(rep).get(f"/api/contacts/{engaged.pk}/score").json()
    listed = api_client(rep).get("/api/contacts", {"sort": "-predicted"}).json()["items"]

    assert body["groups"][0]["predicted"] == 0.42
    assert body["prediction"]["factors"] == [
        {"name": "employees", "label": "Employees", "value": 200}
    ]
    assert listed[0]["score"]["predicted"] == 0.42


def test_merging_two_scored_and_predicted_contacts_keeps_one_of_each(engaged):
    from smarketing.people.merge import contact_merge
    from smarketing.scoring.models import ContactPrediction, CurrentContactScore

    other = ContactFactory(email="ana.b@acme.example", account=engaged.account)
    scores_refresh(contact_ids=[other.pk], cause=ScoreCause.SWEEP, promote=False)
    _predicted(engaged, 0.3)
    _predicted(other, 0.5)

    contact_merge(keep=engaged, drop=other)

    assert CurrentContactScore.objects.filter(contact=engaged).count() == 1
    assert ContactPrediction.objects.get().contact_id == engaged.pk
