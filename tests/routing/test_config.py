"""Setting routing up: rule shapes refused with the field named, order, API, page and CLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from smarketing.cli import app, register_plugins_once
from smarketing.errors import InvalidInput
from smarketing.handoff.routing import config
from smarketing.handoff.routing.models import RoutingRule
from tests.routing.conftest import lead


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "territory", "name": "x", "user": "kurt"}, "countries"),
        ({"kind": "territory", "countries": "DE", "user": "kurt", "team": "emea"}, "user"),
        ({"kind": "round_robin", "name": "x"}, "team"),
        ({"kind": "round_robin", "team": "marketing"}, "team"),
        ({"kind": "owner", "name": "x", "countries": "DE"}, "kind"),
        ({"kind": "territory", "countries": "Germany", "user": "kurt"}, "countries"),
        (
            {
                "kind": "territory",
                "name": "x",
                "employees_min": 500,
                "employees_max": 10,
                "user": "kurt",
            },
            "employees_max",
        ),
    ],
)
def test_rule_create_when_shape_is_wrong_names_the_field(org, fields, field):
    fields = {k: org[v] if k in ("user", "team") else v for k, v in fields.items()}
    with pytest.raises(InvalidInput) as caught:
        config.rule_create(**fields)
    assert field in caught.value.errors


def test_rule_position_when_moved_renumbers(org, rules):
    config.rule_update(rule=rules[3], position=1)
    names = list(RoutingRule.objects.values_list("name", flat=True))
    assert names == ["Sales EMEA", "Existing owner", "DACH enterprise", "Fintech"]
    config.rule_move(rule=RoutingRule.objects.get(name="Fintech"), by=-1)
    assert list(RoutingRule.objects.values_list("position", flat=True)) == [1, 2, 3, 4]
    assert RoutingRule.objects.get(name="Fintech").position == 3


def test_rules_api_when_leader_adds_a_territory(org, rules, api_for):
    client = api_for(org["lena"])
    body = {
        "kind": "territory",
        "name": "Nordics",
        "countries": ["se", "no"],
        "user_id": org["ben"].pk,
        "position": 2,
    }
    created = client.create("/api/routing/rules", body)
    assert created.status_code == 201, created.content
    assert created.json()["countries"] == ["NO", "SE"]
    assert created.json()["position"] == 2
    listed = client.get("/api/routing/rules").json()
    assert [r["name"] for r in listed][:2] == ["Existing owner", "Nordics"]
    bad = client.create("/api/routing/rules", {**body, "countries": ["Sweden"]})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "countries"
    assert api_for(org["anna"]).create("/api/routing/rules", body).status_code == 403


def test_routing_test_api_when_asked_writes_nothing(org, rules, api_for):
    contact = lead(country="DE", employees=5000)
    answer = api_for(org["anna"]).get(f"/api/routing/test?contact_id={contact.pk}").json()
    assert (answer["owner_email"], answer["rule"]) == (
        "kurt@seller.example",
        "territory: DACH enterprise",
    )
    contact.refresh_from_db()
    assert contact.owner is None


def test_reps_api_when_capacity_set_shows_load(org, rules, api_for):
    client = api_for(org["lena"])
    changed = client.change(f"/api/routing/reps/{org['anna'].pk}", {"capacity": 3})
    assert changed.status_code == 200, changed.content
    assert changed.json()["capacity"] == 3 and changed.json()["own_capacity"]
    away = client.create(
        "/api/routing/away",
        {"user_id": org["ben"].pk, "first_day": "2026-08-03", "last_day": "2026-08-01"},
    )
    assert away.status_code == 400 and away.json()["errors"][0]["field"] == "last_day"


def test_routing_page_when_leader_adds_rule_and_tries_it(org, rules, as_user):
    client = as_user(org["lena"])
    page = client.get("/routing/")
    assert page.status_code == 200 and b"DACH enterprise" in page.content
    added = client.post(
        "/routing/rules/", {"kind": "round_robin", "team": org["us"].pk, "countries": "US"}
    )
    assert added.status_code == 302
    assert RoutingRule.objects.filter(name="Sales US", countries=["US"]).exists()
    refused = client.post("/routing/rules/", {"kind": "round_robin"})
    assert refused.status_code == 400 and b"round robin needs a team" in refused.content
    contact = lead(industry="Fintech")
    tried = client.get(f"/routing/?email={contact.email}")
    assert b"territory: Fintech" in tried.content


def test_routing_page_when_rep_sees_rules_but_cannot_change(org, rules, as_user):
    client = as_user(org["anna"])
    assert b"Add a rule" not in client.get("/routing/").content
    assert client.post("/routing/rules/", {"kind": "owner"}).status_code == 403


def test_cli_when_listing_and_testing(org, rules):
    register_plugins_once()
    runner = CliRunner()
    listed = runner.invoke(app, ["routing", "list"])
    assert listed.exit_code == 0, listed.output
    assert (
        "2. DACH enterprise (Territory): country region DACH; at least 1000 employees"
        in listed.output
    )
    contact = lead(country="AT", employees=2000)
    tested = runner.invoke(app, ["routing", "test", contact.email])
    assert tested.output.strip().endswith("kurt@seller.example (territory: DACH enterprise)")
    missing = runner.invoke(app, ["routing", "test", "nobody@x.example"])
    assert missing.exit_code == 1 and "no contact" in missing.output
