"""The role matrix over HTTP: every member of the cast on every write endpoint, and reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from smarketing.api import api
from smarketing.campaigns.models import Campaign
from smarketing.handoff.routing.models import RoutingRule
from smarketing.handoff.services import activity_create
from smarketing.handoff.sla import services as sla_services
from smarketing.org.models import Role, TeamKind
from smarketing.org.permissions import MATRIX, describe
from smarketing.people import services as people
from smarketing.scoring import services as definition_services
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    ContentAssetFactory,
    DealFactory,
    TeamFactory,
    UserFactory,
)
from tests.scoring.definition_support import stricter_yaml

ROLES = ["marketing", "sales", "marketing_leader", "sales_leader", "admin"]


@dataclass(frozen=True)
class Write:
    method: str
    url: str
    body: dict[str, Any]
    action: str


@pytest.fixture
def writes(marketer, marketing_leader) -> dict[str, Write]:
    """One valid request per write endpoint, so success and refusal differ only by role."""
    draft, proposed = (
        definition_services.definition_draft_create(
            by_user=marketing_leader, text=stricter_yaml(points)
        )
        for points in (-40, -50)
    )
    definition_services.definition_propose(version=proposed, by_user=marketing_leader)
    sla_draft, sla_proposed = (
        sla_services.policy_draft_create(by_user=marketing_leader) for _ in range(2)
    )
    sla_services.policy_propose(version=sla_proposed, by_user=marketing_leader)
    account = AccountFactory()
    contact = people.contact_create(
        email="lead@acme.example", account=account, stage="lead", by_user=marketer
    )
    campaign, asset, deal = CampaignFactory(), ContentAssetFactory(), DealFactory(account=account)
    activity = activity_create(kind="note", contact=contact, user=marketer)
    return {
        "account create": Write("post", "/api/accounts", {"name": "New"}, "account.change"),
        "account update": Write(
            "patch", f"/api/accounts/{account.pk}", {"industry": "Retail"}, "account.change"
        ),
        "contact create": Write(
            "post", "/api/contacts", {"email": "new@acme.example"}, "contact.change"
        ),
        "contact update": Write(
            "patch", f"/api/contacts/{contact.pk}", {"title": "CFO"}, "contact.change"
        ),
        "contact transition": Write(
            "post",
            f"/api/contacts/{contact.pk}/transitions",
            {"to_stage": "mql"},
            "contact.transition",
        ),
        "campaign create": Write("post", "/api/campaigns", {"name": "New"}, "campaign.change"),
        "campaign update": Write(
            "patch", f"/api/campaigns/{campaign.pk}", {"cost": "10"}, "campaign.change"
        ),
        "content create": Write(
            "post", "/api/content", {"title": "New", "funnel_stage": "tofu"}, "content.change"
        ),
        "content update": Write(
            "patch", f"/api/content/{asset.pk}", {"title": "Renamed"}, "content.change"
        ),
        "deal create": Write(
            "post", "/api/deals", {"name": "New", "account_id": account.pk}, "deal.change"
        ),
        "deal update": Write("patch", f"/api/deals/{deal.pk}", {"amount": "5"}, "deal.change"),
        "activity create": Write(
            "post",
            "/api/activities",
            {"kind": "call", "contact_id": contact.pk},
            "activity.change",
        ),
        "activity update": Write(
            "patch", f"/api/activities/{activity.pk}", {"subject": "Hi"}, "activity.change"
        ),
        "definition create": Write("post", "/api/definitions", {}, "definition.propose"),
        "definition propose": Write(
            "post", f"/api/definitions/{draft.number}/propose", {}, "definition.propose"
        ),
        "definition approve": Write(
            "post", f"/api/definitions/{proposed.number}/approve", {}, "definition.approve"
        ),
        "model train": Write("post", "/api/models/train", {}, "model.train"),
        "backtest start": Write(
            "post", f"/api/definitions/{draft.number}/backtests", {}, "definition.propose"
        ),
        **_lead_writes(account, marketer),
        "sla policy create": Write("post", "/api/sla/policies", {}, "definition.propose"),
        "sla policy propose": Write(
            "post", f"/api/sla/policies/{sla_draft.number}/propose", {}, "definition.propose"
        ),
        "sla policy approve": Write(
            "post", f"/api/sla/policies/{sla_proposed.number}/approve", {}, "definition.approve"
        ),
        **_routing_writes(contact),
        # Notifications are personal: every role manages its own (shown as "contact.view",
        # the action every role has).
        "notifications read": Write("post", "/api/notifications/read", {}, "contact.view"),
        "notification preferences update": Write(
            "patch", "/api/notifications/preferences", {"email_mode": "hourly"}, "contact.view"
        ),
        "webhook secret rotate": Write(
            "post", "/api/notifications/preferences/webhook-secret", {}, "contact.view"
        ),
        "deliveries retry": Write(
            "post", "/api/notifications/deliveries/retry", {"ids": [1]}, "contact.view"
        ),
        # A POST that only reads: every role may preview an edited definition.
        "definition preview": Write(
            "post",
            "/api/definitions/preview",
            {"contact": contact.pk, "text": stricter_yaml()},
            "definition.view",
        ),
    }


def _routing_writes(contact: Any) -> dict[str, Write]:
    seller = UserFactory(role=Role.SALES, team=TeamFactory(name="Sales", kind=TeamKind.SALES))
    rule = RoutingRule.objects.get(kind="owner")
    return {
        "routing rule create": Write(
            "post",
            "/api/routing/rules",
            {"kind": "territory", "name": "DE", "countries": ["DE"], "user_id": seller.pk},
            "routing.change",
        ),
        "routing rule update": Write(
            "patch", f"/api/routing/rules/{rule.pk}", {"active": False}, "routing.change"
        ),
        "routing region create": Write(
            "post", "/api/routing/regions", {"name": "DACH", "countries": ["DE"]}, "routing.change"
        ),
        "routing settings": Write(
            "patch", "/api/routing/settings", {"default_capacity": 5}, "routing.change"
        ),
        "routing rep capacity": Write(
            "patch", f"/api/routing/reps/{seller.pk}", {"capacity": 3}, "routing.change"
        ),
        "routing away": Write(
            "post",
            "/api/routing/away",
            {"user_id": seller.pk, "first_day": "2026-08-03", "last_day": "2026-08-07"},
            "routing.change",
        ),
        "contact reassign": Write(
            "post",
            f"/api/contacts/{contact.pk}/assignments",
            {"owner_id": seller.pk},
            "contact.assign",
        ),
        "insights refresh": Write("post", "/api/insights/refresh", {}, "analytics.view"),
        "attribution refresh": Write(
            "post", "/api/analytics/attribution/refresh", {}, "analytics.view"
        ),
        "insight draft": Write(
            "post", f"/api/insights/{_insight_stored()}/draft", {}, "definition.propose"
        ),
    }


def _insight_stored() -> str:
    """A finished scan with one insight (small companies), as the scan stores it; its id."""
    from django.utils import timezone

    from smarketing.analytics.insights.models import InsightRun, RunStatus

    condition = {"field": "account.employees", "op": "<", "value": 10}
    part = {"field": "account.employees", "label": "Small", "conditions": [condition]}
    insight = {"id": "0123456789ab", "ratio": 0.25, "direction": "worse", "parts": [part]}
    InsightRun.objects.create(
        status=RunStatus.DONE, finished_at=timezone.now(), result={"insights": [insight]}
    )
    return insight["id"]


WRITE_NAMES = [
    "routing rule create",
    "routing rule update",
    "routing region create",
    "routing settings",
    "routing rep capacity",
    "routing away",
    "contact reassign",
    "account create",
    "account update",
    "contact create",
    "contact update",
    "contact transition",
    "campaign create",
    "campaign update",
    "content create",
    "content update",
    "deal create",
    "deal update",
    "activity create",
    "activity update",
    "definition create",
    "definition propose",
    "definition approve",
    "model train",
    "definition preview",
    "backtest start",
    "notifications read",
    "notification preferences update",
    "webhook secret rotate",
    "deliveries retry",
    "lead accept",
    "lead reject",
    "lead disqualify",
    "lead recycle",
    "lead convert",
    "lead deal",
    "lead rating",
    "sla policy create",
    "sla policy propose",
    "sla policy approve",
    "insights refresh",
    "insight draft",
    "attribution refresh",
]


def _lead_writes(account, marketer) -> dict[str, Write]:
    """Decisions on an MQL nobody owns, which every role allowed to handle leads may take."""
    from smarketing.people.models import Contact
    from smarketing.scoring.scores import definition_in_force

    lead = people.contact_create(
        email="mql@acme.example", account=account, stage="mql", by_user=marketer
    )
    Contact.objects.filter(pk=lead.pk).update(owner=None)  # whatever routing chose
    base, checklist = (
        f"/api/leads/{lead.pk}",
        [i.id for i in definition_in_force()[1].sql_checklist],
    )
    return {
        "lead accept": Write("post", f"{base}/accept", {"rating": 4}, "lead.handle"),
        "lead reject": Write("post", f"{base}/reject", {"reason": "too-small"}, "lead.handle"),
        "lead disqualify": Write(
            "post", f"{base}/disqualify", {"reason": "competitor"}, "lead.handle"
        ),
        "lead recycle": Write("post", f"{base}/recycle", {"reason": "timing"}, "lead.handle"),
        "lead convert": Write("post", f"{base}/convert", {"checklist": checklist}, "lead.handle"),
        "lead deal": Write("post", f"{base}/deal", {"name": "Acme"}, "lead.handle"),
        "lead rating": Write("post", f"{base}/rating", {"rating": 2}, "lead.handle"),
    }


def _send(client, write: Write):
    return getattr(client, write.method)(write.url, write.body, content_type="application/json")


@pytest.mark.parametrize("name", WRITE_NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_write_when_role_allows_succeeds_else_403(api_for, cast, writes, role, name):
    user = cast[role]
    write = writes[name]
    response = _send(api_for(user), write)
    if write.action in MATRIX[user.role]:
        assert response.status_code in (200, 201, 202), response.content
    else:
        assert response.status_code == 403, response.content
        assert describe(write.action) in response.json()["detail"]


def test_write_names_cover_every_write_endpoint():
    paths = api.get_openapi_schema()["paths"]
    writes_in_api = sum(1 for ops in paths.values() for m in ops if m in ("post", "patch"))
    assert writes_in_api == len(WRITE_NAMES)


# The rules a change of the matrix must not drop silently.
@pytest.mark.parametrize(
    ("role", "name", "status"),
    [
        ("sales", "campaign create", 403),
        ("sales", "content update", 403),
        ("marketing", "deal create", 403),
        ("marketing", "deal update", 403),
        ("marketing", "campaign create", 201),
        ("sales", "deal create", 201),
        ("sales", "contact transition", 201),
        ("marketing_leader", "deal update", 200),
    ],
)
def test_write_when_known_rule_gives_expected_status(api_for, cast, writes, role, name, status):
    assert _send(api_for(cast[role]), writes[name]).status_code == status


def test_write_when_refused_changes_nothing(api_for, rep):
    response = _send(api_for(rep), Write("post", "/api/campaigns", {"name": "X"}, ""))
    assert response.status_code == 403
    assert not Campaign.objects.exists()


LISTS = [
    "/api/accounts",
    "/api/contacts",
    "/api/campaigns",
    "/api/content",
    "/api/deals",
    "/api/activities",
    "/api/lifecycle/reasons",
    "/api/lifecycle/stages",
    "/api/me",
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("role", ROLES)
def test_read_when_any_role_sees_the_shared_database(api_for, cast, role, url):
    assert api_for(cast[role]).get(url).status_code == 200
