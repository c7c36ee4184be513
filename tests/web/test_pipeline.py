"""The read-only deals and campaigns lists."""

from __future__ import annotations

import datetime as dt

from smarketing.deals import services as deals
from tests.factories import AccountFactory, CampaignFactory, ContactFactory


def make_deal(name: str, amount: int, *, currency: str = "USD", stage: str = "discovery"):
    fields = {"loss_reason": "price"} if stage == "lost" else {}
    return deals.deal_create(
        name=name, account=AccountFactory(), amount=amount, currency=currency, stage=stage, **fields
    )


def test_deals_list_with_totals_per_currency(as_user, rep):
    make_deal("Alpha", 1000)
    make_deal("Beta", 2500, stage="proposal")
    make_deal("Gamma", 700, currency="EUR", stage="lost")
    html = as_user(rep).get("/deals/").content.decode()
    assert "3 deals" in html
    assert "USD 3,500.00" in html and "EUR 700.00" in html
    assert "Chose a competitor" not in html and "Price" in html


def test_deals_stage_filter_changes_list_and_totals(as_user, rep):
    make_deal("Alpha", 1000)
    make_deal("Beta", 2500, stage="proposal")
    html = as_user(rep).get("/deals/", {"stage": "proposal"}).content.decode()
    assert "Beta" in html and "Alpha" not in html
    assert "1 deal " in html and "USD 2,500.00" in html


def test_campaigns_list_shows_channel_dates_cost_and_sourced_contacts(as_user, marketer):
    webinar = CampaignFactory(
        name="Spring webinar", channel="events", cost=4200,
        start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 3, 31),
    )  # fmt: skip
    CampaignFactory(name="Search", channel="paid_search")
    ContactFactory.create_batch(2, source_campaign=webinar)
    html = as_user(marketer).get("/campaigns/").content.decode()
    assert "Events &amp; webinars" in html
    assert "2025-03-01" in html and "2025-03-31" in html and "USD 4,200.00" in html
    assert f'href="/contacts/?campaign={webinar.pk}">Spring webinar' in html
    row = html.split("Spring webinar", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">2</td>' in row


def test_campaigns_channel_filter(as_user, rep):
    CampaignFactory(name="Spring webinar", channel="events")
    CampaignFactory(name="Search ads", channel="paid_search")
    html = as_user(rep).get("/campaigns/", {"channel": "events"}).content.decode()
    assert "Spring webinar" in html and "Search ads" not in html
