"""Source, campaign and content performance on a small history whose numbers are counted by
hand: the report, its table and CSV, the API, the page and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from typer.testing import CliRunner

from smarketing.analytics.funnel.filters import filters_parse
from smarketing.analytics.performance.report import Dimension, performance
from smarketing.analytics.performance.tables import performance_table
from smarketing.cli import app, register_plugins_once
from smarketing.content.models import ContentAsset
from smarketing.deals import services as deals
from smarketing.events.models import Touchpoint
from smarketing.lifecycle.services import stage_transition
from tests.factories import AccountFactory, CampaignFactory, ContactFactory
from tests.handoff.test_activity_events import raw_event

pytestmark = pytest.mark.django_db
UTC = dt.UTC
WINDOW = {"from": "2026-01-01", "until": "2026-07-01"}


def day(month: int, d: int = 1) -> dt.datetime:
    return dt.datetime(2026, month, d, 12, tzinfo=UTC)


def moves(contact, *stages_at: tuple[str, dt.datetime]) -> None:
    for stage, at in stages_at:
        stage_transition(contact=contact, to_stage=stage, by_rule="test", at=at)


def read(contact, asset, at: dt.datetime) -> None:
    Touchpoint.objects.create(
        raw_event=raw_event(event="", type="page", at=at),
        contact=contact,
        account=contact.account,
        occurred_at=at,
        kind="page_view",
        channel="organic_search",
        path="/guide",
        content=asset,
    )


@pytest.fixture
def history():
    """Search campaign A (cost 1,000): Ada becomes a customer (a 5,000 deal), Ben an MQL.
    Email campaign B (free): Cy a lead with an open 2,000 deal; Dee a lead before the window.
    Ada read the guide before she became a lead, Cy after."""
    search = CampaignFactory(
        name="Search A", channel="paid_search", cost=Decimal(1000), start_date=dt.date(2026, 2, 1)
    )
    email = CampaignFactory(name="Email B", channel="email", start_date=dt.date(2026, 2, 1))
    guide = ContentAsset.objects.create(title="Buyer's guide", funnel_stage="mofu")

    def person(name: str, campaign):
        return ContactFactory(
            email=f"{name}@x.example",
            account=AccountFactory(name=name),
            source_channel=campaign.channel,
            source_campaign=campaign,
        )

    ada, ben, cy, dee = (
        person(n, c) for n, c in [("ada", search), ("ben", search), ("cy", email), ("dee", email)]
    )
    read(ada, guide, day(2, 20))
    moves(ada, ("lead", day(3)), ("mql", day(3, 5)), ("sql", day(3, 10)), ("opportunity", day(4)))
    won = deals.deal_create(name="Ada", account=ada.account, primary_contact=ada, amount=5000)
    deals.deal_close(deal=won, won=True, at=day(5))
    moves(ben, ("lead", day(3)), ("mql", day(3, 6)))
    moves(cy, ("lead", day(3)))
    read(cy, guide, day(3, 2))
    deals.deal_create(
        name="Cy", account=cy.account, primary_contact=cy, amount=2000, created_at=day(4)
    )
    moves(dee, ("lead", dt.datetime(2025, 12, 1, tzinfo=UTC)))
    return {"search": search, "email": email, "guide": guide}


def _report(dimension: Dimension, **params: str):
    filters = filters_parse({**WINDOW, **params}, today=dt.date(2026, 7, 1))
    return performance(dimension=dimension, filters=filters)


def test_channels_count_sourced_stages_deals_and_cost(history):
    result = _report(Dimension.CHANNEL)
    rows = {r.key: r for r in result.rows}
    search, email = rows["paid_search"], rows["email"]
    assert search.stages == {"lead": 2, "mql": 2, "sql": 1, "opportunity": 1, "customer": 1}
    assert (search.won, search.revenue, search.cost) == (
        1,
        {"USD": Decimal(5000)},
        {"USD": Decimal(1000)},
    )
    assert search.cost_per("lead") == ("USD", Decimal("500.00"))
    assert search.cost_per("customer") == ("USD", Decimal("1000.00"))
    assert search.roi == pytest.approx(4.0)
    # Dee became a lead before the window; Cy's open deal is pipeline.
    assert email.stages["lead"] == 1 and email.pipeline == {"USD": Decimal(2000)}
    assert email.roi is None  # nothing spent: no return on it
    assert [r.key for r in result.rows] == ["paid_search", "email"]  # most revenue first
    assert result.total.stages["lead"] == 3 and result.total.won == 1


def test_campaigns_key_by_first_touch_campaign(history):
    rows = {r.label: r for r in _report(Dimension.CAMPAIGN).rows}
    assert rows["Search A"].stages["mql"] == 2 and rows["Email B"].stages["mql"] == 0
    assert rows["Search A"].key == str(history["search"].pk)


def test_filters_narrow_the_contacts(history):
    rows = {r.key: r for r in _report(Dimension.CHANNEL, channel="email").rows}
    assert rows["email"].stages["lead"] == 1
    assert rows["paid_search"].stages["lead"] == 0  # only its cost is left
    assert rows["paid_search"].cost == {"USD": Decimal(1000)}


def test_content_counts_readers_what_they_did_next_and_deals_influenced(history, rep):
    from smarketing.handoff.models import Activity

    history["guide"].url = "https://lumen.example/guide"
    history["guide"].save()
    ben = ContactFactory(email="ben2@x.example")
    Activity.objects.create(
        contact=ben, user=rep, kind="email", occurred_at=day(4), body="https://lumen.example/guide"
    )
    (row,) = _report(Dimension.CONTENT).rows
    assert (row.sales_sent, row.sales_contacts) == (1, 1)
    assert (row.label, row.funnel_stage, row.consumers) == ("Buyer's guide", "mofu", 2)
    # Ada read it before becoming a lead; Cy read it after, so Cy's lead does not count.
    assert row.stages == {"lead": 1, "mql": 1, "sql": 1, "opportunity": 1, "customer": 1}
    assert (row.won, row.revenue) == (1, {"USD": Decimal(5000)})


def test_table_and_csv_carry_the_same_numbers(history):
    table = performance_table(_report(Dimension.CHANNEL))
    labels = [c.label for c in table.columns]
    assert labels[:7] == ["Channel", "Lead", "MQL", "SQL", "Opportunity", "Customer", "Deals won"]
    assert "Revenue (USD)" in labels and "Cost (USD)" in labels and labels[-1] == "ROI"
    first = dict(zip(labels, [c.value for c in table.rows[0]], strict=True))
    assert (first["Channel"], first["Revenue (USD)"], first["ROI"]) == (
        "Paid search",
        Decimal("5000.00"),
        "400%",
    )


def test_api_answers_with_the_report(history, api_for, rep):
    response = api_for(rep).get("/api/analytics/performance", {**WINDOW, "by": "channel"})
    assert response.status_code == 200, response.content
    body = response.json()
    search = next(r for r in body["rows"] if r["key"] == "paid_search")
    assert search["revenue"] == {"USD": "5000.00"} and search["roi"] == pytest.approx(4.0)
    assert search["cost_per"]["mql"] == {"currency": "USD", "amount": "500.00"}
    content = api_for(rep).get("/api/analytics/performance", {**WINDOW, "by": "content"}).json()
    assert content["rows"][0]["consumers"] == 2 and content["total"] is None


def test_api_bad_input_names_the_field(api_for, rep):
    client = api_for(rep)
    response = client.get("/api/analytics/performance", {"by": "weather"})
    assert response.status_code == 400 and "by" in response.json()["detail"]
    response = client.get(
        "/api/analytics/performance", {"from": "2026-05-01", "until": "2026-04-01"}
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "until"


def test_page_and_csv_download(history, client, marketer):
    client.force_login(marketer)
    html = client.get("/analytics/performance/", {**WINDOW, "by": "campaign"}).content.decode()
    assert "By first-touch campaign" in html and "Search A" in html and "400%" in html
    assert "<svg" in html  # the revenue chart
    response = client.get("/analytics/performance/performance.csv", {**WINDOW, "by": "content"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["Content"] == "Buyer's guide" and rows[0]["Read by"] == "2"
    assert client.get("/analytics/performance/", {"by": "weather"}).status_code == 400


def test_cli_prints_json(history):
    register_plugins_once()
    args = ["performance", "--by", "channel", "--from", "2026-01-01", "--until", "2026-07-01"]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["key"]: r for r in json.loads(result.output)["rows"]}
    assert rows["paid_search"]["stages"]["customer"] == 1
    bad = CliRunner().invoke(app, ["performance", "--until", "2020-13-01"])
    assert bad.exit_code == 1 and "--until" in bad.output


@pytest.mark.parametrize("dimension", list(Dimension))
def test_query_count_does_not_grow_with_the_data(history, dimension):
    with CaptureQueriesContext(connection) as small:
        _report(dimension)
    for i in range(5):
        contact = ContactFactory(source_channel="email", source_campaign=history["email"])
        moves(contact, ("lead", day(3, 10 + i)), ("mql", day(3, 20)))
        read(contact, history["guide"], day(3, 9))
    with CaptureQueriesContext(connection) as large:
        _report(dimension)
    assert len(large) == len(small) <= 6
