"""Drafts, proposal and the two-leader sign-off of the qualification definition."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from smarketing.errors import InvalidInput
from smarketing.org.models import Role
from smarketing.org.permissions import PermissionDenied
from smarketing.scoring import queries, rules, services
from smarketing.scoring.models import DefinitionApproval, DefinitionVersion, Status
from tests.factories import UserFactory
from tests.scoring.definition_support import BROKEN_YAML, stricter_yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
    services.definition_propose(version=draft, by_user=marketing_leader)
    return draft


def test_live_when_none_yet_installs_the_shipped_default_as_version_1():
    live = services.definition_live()

    assert (live.number, live.status, live.created_by) == (1, Status.LIVE, None)
    assert live.went_live_at is not None
    assert rules.load(live.text) == rules.default_definition()
    assert live.text == rules.dump(rules.default_definition())
    assert services.definition_live().pk == live.pk
    assert DefinitionVersion.objects.count() == 1


def test_draft_create_without_text_copies_the_live_version(marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader)

    assert (draft.number, draft.status, draft.revision) == (2, Status.DRAFT, 1)
    assert draft.text == services.definition_live().text
    assert draft.created_by == marketing_leader


def test_draft_create_stores_the_canonical_text(sales_leader):
    messy = stricter_yaml().replace("points: -40", "points:     -40   # harsher")
    draft = services.definition_draft_create(by_user=sales_leader, text=messy)

    assert draft.text == stricter_yaml()


def test_draft_create_from_a_definition(admin_user):
    definition = rules.load(stricter_yaml())
    draft = services.definition_draft_create(by_user=admin_user, definition=definition)

    assert rules.load(draft.text) == definition


@pytest.mark.parametrize("role", [Role.MARKETING, Role.SALES])
def test_draft_create_by_a_team_member_is_refused(role):
    with pytest.raises(PermissionDenied, match="propose definitions"):
        services.definition_draft_create(by_user=UserFactory(role=role))


def test_draft_update_with_a_yaml_error_names_line_and_column(marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader)

    with pytest.raises(InvalidInput) as caught:
        services.definition_draft_update(version=draft, text=BROKEN_YAML, by_user=marketing_leader)

    assert "line 4, column 4" in caught.value.errors["text"][0]
    draft.refresh_from_db()
    assert (draft.revision, draft.text) == (1, services.definition_live().text)


def test_draft_update_with_an_unknown_field_names_the_path_and_line(marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader)
    text = stricter_yaml().replace("field: account.employees", "field: account.employes", 1)
    line = text.splitlines().index("    field: account.employes") + 1

    with pytest.raises(InvalidInput) as caught:
        services.definition_draft_update(version=draft, text=text, by_user=marketing_leader)

    (reason,) = caught.value.errors["fit_rules[0].field"]
    assert reason.startswith(f"line {line}: unknown field 'account.employes'")


def test_live_version_when_edited_is_refused(marketing_leader):
    live = services.definition_live()

    with pytest.raises(InvalidInput, match="version 1 is live and cannot be changed"):
        services.definition_draft_update(
            version=live, text=stricter_yaml(), by_user=marketing_leader
        )

    live.refresh_from_db()
    assert live.text == rules.dump(rules.default_definition())


def test_stale_draft_object_that_went_live_meanwhile_is_not_changed(
    proposed, marketing_leader, sales_leader
):
    stale = DefinitionVersion.objects.get(pk=proposed.pk)
    services.definition_approve(version=proposed, user=marketing_leader)
    services.definition_approve(version=proposed, user=sales_leader)

    with pytest.raises(InvalidInput, match="is live and cannot be changed"):
        services.definition_draft_update(
            version=stale, text=stricter_yaml(-50), by_user=marketing_leader
        )
    assert DefinitionVersion.objects.get(pk=proposed.pk).text == stricter_yaml()


def test_propose_of_a_draft_that_changes_nothing_is_refused(marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader)

    with pytest.raises(InvalidInput, match="changes nothing"):
        services.definition_propose(version=draft, by_user=marketing_leader)


def test_approve_before_proposal_is_refused(marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader, text=stricter_yaml())

    with pytest.raises(InvalidInput, match="not been proposed"):
        services.definition_approve(version=draft, user=marketing_leader)


def test_approve_by_both_leaders_makes_it_live_and_retires_the_old(marketing_leader, sales_leader):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        old = services.definition_live()
        proposed = services.definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
        services.definition_propose(version=proposed, by_user=sales_leader)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        services.definition_approve(version=proposed, user=marketing_leader)
        assert proposed.status == Status.DRAFT
        assert queries.sign_off(proposed).waiting_for == ["the sales leader"]
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC), tick=False):
        services.definition_approve(version=proposed, user=sales_leader)

    old.refresh_from_db()
    assert proposed.status == Status.LIVE
    assert proposed.went_live_at == dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC)
    assert (old.status, old.retired_at) == (Status.RETIRED, proposed.went_live_at)
    assert services.definition_live().pk == proposed.pk
    assert queries.version_live_on(dt.datetime(2026, 2, 28, tzinfo=dt.UTC)) is None
    assert queries.version_live_on(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)) == old
    assert queries.version_live_on(dt.datetime(2026, 3, 3, 12, tzinfo=dt.UTC)) == proposed
    kinds = [(a.user, a.team_kind) for a in proposed.approvals.all()]
    assert kinds == [(marketing_leader, "marketing"), (sales_leader, "sales")]


def test_approve_by_two_marketing_leaders_and_no_sales_leader_is_not_live(
    proposed, marketing_leader, marketing_team
):
    second = UserFactory(role=Role.LEADER, team=marketing_team)
    services.definition_approve(version=proposed, user=marketing_leader)
    services.definition_approve(version=proposed, user=second)

    proposed.refresh_from_db()
    assert proposed.status == Status.DRAFT
    assert proposed.approvals.count() == 2
    assert queries.sign_off(proposed).describe(proposed) == "waiting for the sales leader"
    assert services.definition_live().number == 1


def test_approve_twice_by_the_same_leader_records_one_approval(proposed, sales_leader):
    services.definition_approve(version=proposed, user=sales_leader)
    services.definition_approve(version=proposed, user=sales_leader)

    assert proposed.approvals.count() == 1


@pytest.mark.parametrize("role", [Role.MARKETING, Role.SALES, Role.ADMIN])
def test_approve_by_anyone_but_a_leader_is_refused(proposed, role):
    with pytest.raises(PermissionDenied, match="approve definitions"):
        services.definition_approve(version=proposed, user=UserFactory(role=role))


def test_approve_by_a_leader_without_a_team_is_refused(proposed):
    with pytest.raises(InvalidInput, match="no team"):
        services.definition_approve(version=proposed, user=UserFactory(role=Role.LEADER))


def test_edit_after_an_approval_voids_it_but_keeps_it_in_history(
    proposed, marketing_leader, sales_leader
):
    services.definition_approve(version=proposed, user=marketing_leader)
    services.definition_draft_update(
        version=proposed, text=stricter_yaml(-50), by_user=sales_leader
    )
    services.definition_approve(version=proposed, user=sales_leader)

    assert proposed.status == Status.DRAFT and proposed.revision == 2
    assert queries.sign_off(proposed).waiting_for == ["the marketing leader"]
    history = DefinitionApproval.objects.filter(version=proposed).order_by("id")
    assert [(a.user, a.revision) for a in history] == [(marketing_leader, 1), (sales_leader, 2)]

    services.definition_approve(version=proposed, user=marketing_leader)
    assert proposed.status == Status.LIVE


def test_approve_of_a_live_version_is_refused(proposed, marketing_leader, sales_leader):
    services.definition_approve(version=proposed, user=marketing_leader)
    services.definition_approve(version=proposed, user=sales_leader)

    with pytest.raises(InvalidInput, match="is live and cannot be approved"):
        services.definition_approve(version=proposed, user=sales_leader)


def test_import_creates_then_replaces_the_users_draft(marketing_leader, sales_leader):
    first, created = services.definition_draft_import(
        text=stricter_yaml(), by_user=marketing_leader
    )
    again, created_again = services.definition_draft_import(
        text=stricter_yaml(-50), by_user=marketing_leader
    )
    other, _ = services.definition_draft_import(text=stricter_yaml(), by_user=sales_leader)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.revision == 2 and again.text == stricter_yaml(-50)
    assert other.pk != first.pk


def test_diff_of_a_draft_against_live_names_the_changed_rule(proposed):
    (change,) = queries.definition_changes(proposed)

    assert change.item_id == "employees-under-10"
    assert "points: -30 → -40" in change.describe()
    assert queries.definition_changes(services.definition_live()) == []
