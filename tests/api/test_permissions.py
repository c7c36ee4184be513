"""The role matrix over HTTP: every member of the cast on every write endpoint, and reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from smarketing.api import api
from smarketing.campaigns.models import Campaign
from smarketing.handoff.services import activity_create
from smarketing.org.permissions import MATRIX, describe
from smarketing.people import services as people
from smarketing.scoring import services as definition_services
from tests.factories import AccountFactory, CampaignFactory, ContentAssetFactory, DealFactory
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
        # A POST that only reads: every role may preview an edited definition.
        "definition preview": Write(
            "post",
            "/api/definitions/preview",
            {"contact": contact.pk, "text": stricter_yaml()},
            "definition.view",
        ),
    }


WRITE_NAMES = [
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
]


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
