"""The role matrix, and the rule that a leader changes only their own team."""

import pytest
from django.contrib.auth.models import AnonymousUser

from smarketing.org import permissions
from smarketing.org.permissions import PermissionDenied, can

pytestmark = pytest.mark.django_db

EXPECTED = {
    # action: roles allowed
    "contact.view": {"marketing", "sales", "marketing_leader", "sales_leader", "admin"},
    "contact.transition": {"marketing", "sales", "marketing_leader", "sales_leader", "admin"},
    "campaign.change": {"marketing", "marketing_leader", "sales_leader", "admin"},
    "content.change": {"marketing", "marketing_leader", "sales_leader", "admin"},
    "deal.change": {"sales", "marketing_leader", "sales_leader", "admin"},
    "import.run": {"marketing", "marketing_leader", "sales_leader", "admin"},
    "activity.import": {"marketing", "sales", "marketing_leader", "sales_leader", "admin"},
    "user.manage": {"admin"},
    "model.train": {"marketing_leader", "sales_leader", "admin"},
    "routing.change": {"marketing_leader", "sales_leader", "admin"},
    "contact.assign": {"sales", "marketing_leader", "sales_leader", "admin"},
    "lead.handle": {"sales", "marketing_leader", "sales_leader", "admin"},
    "feedback.review": {"marketing_leader", "sales_leader", "admin"},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_role_matrix(cast, action):
    allowed = {who for who, user in cast.items() if can(user, action)}
    assert allowed == EXPECTED[action]


def test_team_settings_only_by_admin_or_that_team_leader(cast, marketing_team, sales_team):
    def who_may_change(team):
        return {who for who, user in cast.items() if can(user, "team.change", team)}

    assert who_may_change(marketing_team) == {"marketing_leader", "admin"}
    assert who_may_change(sales_team) == {"sales_leader", "admin"}


def test_anonymous_and_inactive_users_may_do_nothing(rep):
    assert not can(AnonymousUser(), "contact.view")
    rep.is_active = False
    assert not can(rep, "contact.view")


def test_require_names_the_role_and_action(rep):
    with pytest.raises(PermissionDenied, match="a sales user may not create or change campaigns"):
        permissions.require(rep, "campaign.change")


def test_navigation_follows_the_role(rep, marketer):
    assert "Import" not in [label for label, _ in permissions.navigation_for(rep)]
    assert "Import" in [label for label, _ in permissions.navigation_for(marketer)]


def test_lead_handled_by_its_rep_their_team_leader_or_admin(cast, sales_team):
    from tests.factories import ContactFactory, UserFactory

    lead = ContactFactory(owner=cast["sales"])
    other_rep = UserFactory(email="olga@example.com", role="sales", team=sales_team)
    allowed = {who for who, user in cast.items() if can(user, "lead.handle", lead)}
    assert allowed == {"sales", "sales_leader", "admin"}
    assert not can(other_rep, "lead.handle", lead)
    # A lead nobody owns: anyone who handles leads may.
    assert can(other_rep, "lead.handle", ContactFactory(owner=None))
