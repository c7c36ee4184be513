"""A contact's score under the live (shipped default) definition: the facts read from the
database, the API and the contact page's Score card."""

from __future__ import annotations

import datetime as dt
import math

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smarketing.events.models import Touchpoint
from smarketing.people.models import Contact
from smarketing.scoring.facts import contact_facts, touchpoint_facts
from smarketing.scoring.scores import contact_score
from tests.events.rows import api_client, raw_event, touchpoint, write_key
from tests.factories import AccountFactory, CampaignFactory, ContactFactory, ContentAssetFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def _touch(contact: Contact, *, at: dt.datetime = NOW, **fields) -> Touchpoint:
    raw = raw_event(write_key(f"site-{Touchpoint.objects.count()}"), received_at=at)
    return touchpoint(raw, contact=contact, occurred_at=at, **fields)


def _pricing_visits(contact: Contact, n: int) -> None:
    for i in range(n):
        _touch(contact, at=NOW - dt.timedelta(minutes=i), path="/pricing/enterprise")


@pytest.fixture
def buyer() -> Contact:
    """At a 200-employee account, asked for a demo and looked at pricing four times, today."""
    contact = ContactFactory(
        email="ana@acme.example", account=AccountFactory(employees=200, domain="acme.example")
    )
    _touch(contact, kind="form", form="request-demo", path="/demo")
    _pricing_visits(contact, 4)
    return contact


def _rows(group) -> dict[str, tuple[float, int]]:
    return {row.rule_id: (row.points, row.occurrences) for row in group.explanation}


def test_a_fitting_buyer_gets_the_default_definitions_points(buyer):
    group = contact_score(contact=buyer, now=NOW).result.default

    # employees 50-999 +20; demo form +40; pricing 4 x 10 held at its cap of 30.
    assert _rows(group) == {
        "employees-50-999": (20, 1),
        "demo-request": (40, 1),
        "pricing-page": (30, 4),
    }
    assert (group.fit, group.engagement, group.total) == (20, 70, 90)
    assert group.grade == "B1"  # fit ≥ 15 is B, engagement ≥ 60 is 1
    assert group.is_mql and group.mql_criterion.describe() == "fit ≥ 20 and engagement ≥ 30"
    assert group.predicted is None
    assert math.isclose(math.fsum(row.points for row in group.explanation), group.total)


def test_a_free_mail_contact_gets_the_free_mail_penalty():
    contact = ContactFactory(email="someone@gmail.com", account=None)

    group = contact_score(contact=contact, now=NOW).result.default

    assert contact_facts(contact).is_freemail
    assert _rows(group) == {"free-mail": (-10, 1)}
    assert (group.total, group.grade, group.is_mql) == (-10, "D4", False)


def test_engagement_fades_with_the_half_life_and_later_touchpoints_do_not_count():
    contact = ContactFactory(account=AccountFactory(employees=5))
    _touch(contact, at=NOW - dt.timedelta(days=30), kind="form", form="book-a-demo")
    _touch(contact, at=NOW + dt.timedelta(days=1), kind="webinar_attended")

    group = contact_score(contact=contact, now=NOW).result.default

    (demo,) = [row for row in group.explanation if row.rule_id == "demo-request"]
    assert math.isclose(demo.points, 20)  # 40 points, 30 days old, half-life 30 days
    assert "webinar-attended" not in _rows(group)
    assert _rows(group)["employees-under-10"] == (-30, 1)


def test_touchpoint_facts_join_campaign_name_and_content_funnel_stage():
    contact = ContactFactory()
    campaign = CampaignFactory(name="Spring launch")
    _touch(
        contact,
        kind="download",
        campaign=campaign,
        content=ContentAssetFactory(funnel_stage="bofu"),
        properties={"plan": "pro"},
    )
    _touch(contact, path="/blog")

    with CaptureQueriesContext(connection) as queries:
        facts = touchpoint_facts(Touchpoint.objects.filter(contact=contact))

    assert len(queries) == 1
    by_kind = {f.kind: f for f in facts}
    download = by_kind["download"]
    assert (download.campaign, download.funnel_stage) == ("Spring launch", "bofu")
    assert download.properties == {"plan": "pro"}
    assert (by_kind["page_view"].campaign, by_kind["page_view"].funnel_stage) == ("", "")


def test_api_returns_each_group_with_its_explanation(buyer, rep):
    with time_machine.travel(NOW, tick=False):
        response = api_client(rep).get(f"/api/contacts/{buyer.pk}/score")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["contact"], body["definition_version"]) == (buyer.pk, 1)
    (group,) = body["groups"]
    assert {k: group[k] for k in ("fit", "engagement", "total", "grade", "is_mql")} == {
        "fit": 20,
        "engagement": 70,
        "total": 90,
        "grade": "B1",
        "is_mql": True,
    }
    assert group["mql_criterion"] == {"fit": 20, "engagement": 30}
    assert group["predicted"] is None
    assert {row["rule"]: (row["points"], row["occurrences"]) for row in group["explanation"]} == {
        "employees-50-999": (20, 1),
        "demo-request": (40, 1),
        "pricing-page": (30, 4),
    }
    assert sum(row["points"] for row in group["explanation"]) == group["total"]


def test_api_unknown_contact_is_404_and_anonymous_is_401(buyer, rep):
    missing = api_client(rep).get(f"/api/contacts/{buyer.pk + 1000}/score")
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"contact {buyer.pk + 1000} not found"

    assert Client().get(f"/api/contacts/{buyer.pk}/score").status_code == 401


def test_contact_page_shows_the_score_card(buyer, rep, client):
    client.force_login(rep)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("web:contact", args=[buyer.pk])).content.decode()

    card = page.split('id="score-card"', 1)[1].split("</section>", 1)[0]
    assert "<strong>B1</strong>" in card
    assert "<dt>Total</dt><dd>90</dd>" in card
    assert "yes" in card and "fit ≥ 20 and engagement ≥ 30" in card
    assert "Pricing page visit" in card and "×4" in card
    assert "Demo request form" in card and ">40<" in card


def _page_queries(client: Client, contact: Contact) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:contact", args=[contact.pk])).status_code == 200
    return len(queries)


def test_contact_page_queries_do_not_grow_with_touchpoints(rep, client):
    client.force_login(rep)
    few, many = ContactFactory(), ContactFactory()
    _pricing_visits(few, 1)
    _pricing_visits(many, 10)
    _page_queries(client, few)  # installs the default definition on first use

    assert _page_queries(client, few) == _page_queries(client, many)


KEYED_DEFINITION = """\
format: 1
name: keyed reading
decay_half_life_days: 20
fit_rules: []
engagement_rules:
  - {id: plan, label: Enterprise plan, when: {kind: other, event: Plan Viewed,
     properties: {plan: enterprise}}, points: 10, cap: 20}
  - {id: seats, label: Many seats, when: {properties: {"seat count": 50}}, points: 3}
  - {id: odd-name, label: Odd property name, when: {properties: {"a\\"b": true}}, points: 2}
  - {id: bofu, label: Decision content, when: {kind: download, funnel_stage: bofu}, points: 7}
  - {id: spring, label: Spring campaign, when: {campaign: 'spring*'}, points: 4, cap: 8}
  - {id: hot, label: High intent, when: {high_intent: true}, points: 5, window_days: 10}
mql:
  - {total: 1000}
grades:
  fit: [30, 15, 0]
  engagement: [60, 30, 10]
"""


@pytest.mark.parametrize(
    "odd_name",
    [
        pytest.param(True, id="a property name SQL is not given as it is: every non-empty one"),
        pytest.param(False, id="plain property names: only properties that have one are read"),
    ],
)
def test_the_column_reading_scores_exactly_as_the_facts_reading(odd_name):
    """What a rescoring reads (only the columns the rules test, times as whole microseconds,
    campaigns and content by id, properties decoded only when they have one the rules test)
    and scores as columns gives the scores of the facts path, to the bit."""
    from smarketing.scoring import rules
    from smarketing.scoring.facts import (
        contact_facts_many,
        touchpoint_columns,
        touchpoint_facts_by_contact,
    )

    text = KEYED_DEFINITION
    if not odd_name:
        text = "\n".join(line for line in text.splitlines() if "odd-name" not in line)
    definition = rules.load(text)
    spring = CampaignFactory(name="Spring launch")
    guide = ContentAssetFactory(funnel_stage="bofu")
    contacts = [ContactFactory() for _ in range(4)]
    first, second, third, _nothing = contacts
    for days, properties in enumerate(
        [
            {"plan": "enterprise"},
            {"plan": "Enterprise", "seat count": 50},
            {"plan": "pro"},
            {"note": "mentions plan in a value: the plan"},
            {"seat count": 50.0},
            {"seat count": True},
            {'a"b': True},
            {"plan": ["a", "list"]},
            {"plan": {"an": "object"}},
            {},
        ]
    ):
        _touch(
            first,
            at=NOW - dt.timedelta(days=days, microseconds=days * 7),
            kind="other",
            event="Plan Viewed",
            properties=properties,
            high_intent=days % 2 == 0,
        )
    _touch(second, kind="download", content=guide, campaign=spring, at=NOW - dt.timedelta(days=3))
    _touch(second, campaign=spring, high_intent=True, at=NOW - dt.timedelta(days=12))
    # Whole seconds, a fraction, one microsecond before and after `now`, years ago.
    for at in (
        NOW.replace(microsecond=0) - dt.timedelta(days=2),
        NOW - dt.timedelta(days=9, microseconds=500_001),
        NOW - dt.timedelta(microseconds=1),
        NOW + dt.timedelta(microseconds=1),
        NOW - dt.timedelta(days=3_000, seconds=7),
    ):
        _touch(third, campaign=spring, high_intent=True, at=at)

    ids = [c.pk for c in contacts]
    facts = contact_facts_many(ids)
    scorer = rules.scorer_for(definition)
    by_facts = rules.score_many(
        definition=definition,
        contacts=facts,
        touchpoints_by_contact=touchpoint_facts_by_contact(ids),
        now=NOW,
    )
    by_columns = scorer.score_columns(
        contacts=facts, touches=touchpoint_columns(ids, matcher=scorer.matcher), now=NOW
    )
    expected = list(by_facts)
    assert by_columns == expected
    fired = {r.contact_id: {row.rule_id for row in r.default.explanation} for r in expected}
    assert fired[first.pk] == {"plan", "seats", "hot"} | ({"odd-name"} if odd_name else set())
    assert fired[second.pk] == {"bofu", "spring"}  # its high-intent visit is past the window
    rows = {row.rule_id: row.occurrences for row in expected[2].default.explanation}
    assert rows == {"spring": 4, "hot": 3}  # the touchpoint after `now` does not count


@pytest.mark.parametrize(
    ("names", "shapes"),
    [
        pytest.param("{plan: pro}", 1, id="plain names: properties without one are not read"),
        pytest.param('{"a\\"b": true}', 2, id="a name SQL is not given as it is: all are read"),
    ],
)
def test_properties_without_a_tested_name_are_left_out_of_the_shapes(names, shapes):
    """The rescoring's reading returns a touchpoint's properties only when they may have a name
    the rules test: otherwise they would make a shape of their own for nothing."""
    from smarketing.scoring import rules
    from smarketing.scoring.facts import touchpoint_columns

    definition = rules.load(
        "format: 1\nname: one rule\nfit_rules: []\n"
        f"engagement_rules:\n  - {{id: r, label: R, when: {{properties: {names}}}, points: 3}}\n"
        "mql:\n  - {total: 1000}\n"
    )
    contact = ContactFactory()
    _touch(contact, at=NOW - dt.timedelta(days=1), properties={"note": "x"})
    _touch(contact, at=NOW - dt.timedelta(days=2), properties={})
    touches = touchpoint_columns([contact.pk], matcher=rules.scorer_for(definition).matcher)
    assert len(touches) == 2 and len(touches.matched) == shapes


@pytest.mark.parametrize(
    "when",
    [
        pytest.param("{}", id="a rule that tests nothing: one group of all touchpoints"),
        pytest.param("{properties: {plan: pro}}", id="only a property"),
        pytest.param("{kind: page_view}", id="only one attribute"),
    ],
)
def test_the_column_reading_groups_any_set_of_tested_values_as_the_facts_reading(when):
    """The rescoring's reading groups touchpoints by the values the rules test; with none
    tested there is no grouping, and a contact without touchpoints has no engagement."""
    from smarketing.scoring import rules
    from smarketing.scoring.facts import (
        contact_facts_many,
        touchpoint_columns,
        touchpoint_facts_by_contact,
    )

    definition = rules.load(
        "format: 1\nname: one rule\ndecay_half_life_days: 7\nfit_rules: []\n"
        f"engagement_rules:\n  - {{id: r, label: R, when: {when}, points: 3, cap: 100}}\n"
        "mql:\n  - {total: 1000}\n"
    )
    busy, quiet, idle = ContactFactory(), ContactFactory(), ContactFactory()
    for day in range(6):
        _touch(busy, at=NOW - dt.timedelta(days=day, seconds=day), properties={"plan": "pro"})
        _touch(busy, at=NOW - dt.timedelta(days=day), kind="form", path=f"/p/{day}")
    _touch(quiet, at=NOW - dt.timedelta(days=1))
    ids = [busy.pk, quiet.pk, idle.pk]
    facts = contact_facts_many(ids)
    scorer = rules.scorer_for(definition)
    expected = list(
        rules.score_many(
            definition=definition,
            contacts=facts,
            touchpoints_by_contact=touchpoint_facts_by_contact(ids),
            now=NOW,
        )
    )
    touches = touchpoint_columns(ids, matcher=scorer.matcher)
    assert len(touches) == 13
    assert scorer.score_columns(contacts=facts, touches=touches, now=NOW) == expected
    assert expected[0].default.engagement > 0 and expected[2].default.engagement == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
@pytest.mark.parametrize("before", ["on", "off"])
def test_the_grouped_read_hashes_and_leaves_the_sort_setting_as_it_was(before):
    """PostgreSQL reads the touchpoints grouped by shape with sorting turned off for that query
    alone: inside a transaction the setting is what it was before, for the queries after it."""
    from django.db import transaction

    from smarketing.scoring import rules
    from smarketing.scoring.facts import touchpoint_columns

    contact = ContactFactory()
    _touch(contact, at=NOW - dt.timedelta(days=1))
    scorer = rules.scorer_for(rules.default_definition())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL enable_sort = {before}")
        with CaptureQueriesContext(connection) as queries:
            touches = touchpoint_columns([contact.pk], matcher=scorer.matcher)
        sql = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
        cursor.execute("SHOW enable_sort")
        assert cursor.fetchone()[0] == before
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert len(touches) == 1
    assert "HashAggregate" in plan and "Sort" not in plan
