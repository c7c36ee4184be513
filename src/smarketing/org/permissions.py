"""Who may do what: one matrix, used by every view, endpoint and command.

Everyone sees the shared database (that is the point of one system for both teams); what
differs by role is what each may change.
"""

from __future__ import annotations

from typing import Any

from smarketing.org.models import Role, Team

VIEW_ALL = frozenset(
    {
        "contact.view",
        "account.view",
        "campaign.view",
        "content.view",
        "deal.view",
        "activity.view",
        "export.run",
        "definition.view",
        # The funnel and the other shared reports: both teams see the same numbers.
        "analytics.view",
    }
)

MATRIX: dict[str, frozenset[str]] = {
    Role.MARKETING: VIEW_ALL
    | {
        "contact.change",
        "contact.transition",
        "account.change",
        "campaign.change",
        "content.change",
        "activity.change",
        "activity.import",
        "import.run",
        "events.view",
    },
    Role.SALES: VIEW_ALL
    | {
        "contact.change",
        "contact.transition",
        "account.change",
        "deal.change",
        "activity.change",
        "activity.import",
        "lead.handle",
        "contact.assign",
    },
    Role.LEADER: VIEW_ALL
    | {
        "contact.change",
        "contact.transition",
        "account.change",
        "campaign.change",
        "content.change",
        "deal.change",
        "activity.change",
        "activity.import",
        "import.run",
        "team.change",
        "reason.change",
        "events.view",
        "lead.handle",
        "feedback.review",
        "contact.assign",
        "routing.change",
        "definition.propose",
        # Counts for the leader's team kind; both kinds must approve a draft.
        "definition.approve",
        "model.train",
    },
    Role.ADMIN: VIEW_ALL
    | {
        "contact.change",
        "contact.transition",
        "account.change",
        "campaign.change",
        "content.change",
        "deal.change",
        "activity.change",
        "activity.import",
        "import.run",
        "team.change",
        "reason.change",
        "user.manage",
        "events.view",
        "source.manage",
        "lead.handle",
        "feedback.review",
        "contact.assign",
        "routing.change",
        "definition.propose",
        "model.train",
    },
}


class PermissionDenied(Exception):
    """The user's role does not allow the action; the message says which."""


def can(user: Any, action: str, obj: object | None = None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action not in MATRIX.get(user.role, frozenset()):
        return False
    # A leader leads their own team only; an admin may change any team.
    if action == "team.change" and isinstance(obj, Team) and user.role == Role.LEADER:
        return user.team_id == obj.pk
    # A rep handles their own leads, a leader their team's; a lead nobody owns, anyone allowed.
    if action == "lead.handle" and obj is not None and user.role != Role.ADMIN:
        return _lead_handler(user, obj)
    return True


def import_kinds_for(user: Any, kinds: list[str]) -> list[str]:
    """The kinds of rows the user may import: every kind with "import.run"; only activities
    (their calls, emails and meetings from another tool) with "activity.import"."""
    if can(user, "import.run"):
        return kinds
    return [k for k in kinds if k == "activities"] if can(user, "activity.import") else []


def _lead_handler(user: Any, contact: Any) -> bool:
    if contact.owner_id is None or contact.owner_id == user.pk:
        return True
    if user.role != Role.LEADER or user.team_id is None:
        return False
    return bool(contact.owner.team_id == user.team_id)


VERBS = {
    "view": "view {}s",
    "change": "create or change {}s",
    "transition": "move {}s between lifecycle stages",
    "run": "run {}s",
    "manage": "manage {}s",
    "handle": "handle {}s handed over to sales",
    "review": "review lead-quality {}",
}


def describe(action: str) -> str:
    """'campaign.change' → 'create or change campaigns'."""
    kind, _, verb = action.partition(".")
    # Pluralised by the 's'.
    kind = {
        "activity": "activitie",
        "events": "event",
        "routing": "routing rule",
        "analytics": "analytic",
    }.get(kind, kind)
    return VERBS.get(verb, verb + " {}s").format(kind)


def require(user: Any, action: str, obj: object | None = None) -> None:
    if not can(user, action, obj):
        role = getattr(user, "role", "anonymous")
        raise PermissionDenied(f"a {role} user may not {describe(action)}")


NAVIGATION: list[tuple[str, str, str]] = [
    # (label, url name, action needed)
    ("Dashboard", "web:dashboard", "contact.view"),
    ("Contacts", "web:contacts", "contact.view"),
    ("Accounts", "web:accounts", "account.view"),
    ("My leads", "handoff:mine", "lead.handle"),
    ("Deals", "web:deals", "deal.view"),
    ("Campaigns", "web:campaigns", "campaign.view"),
    ("Analytics", "health:page", "analytics.view"),
    ("Definition", "scoring:definition", "definition.view"),
    ("SLA", "sla:overview", "definition.view"),
    ("Import", "imports:upload", "import.run"),
    ("Events", "events:stream", "events.view"),
]

# Settings pages, linked beside the user's name rather than in the main navigation.
SETTINGS_NAVIGATION: list[tuple[str, str, str]] = [
    ("Teams", "web:teams", "contact.view"),
    ("Routing", "routing:rules", "contact.view"),
    ("Sources", "events:sources", "source.manage"),
    ("Notifications", "notify:preferences", "contact.view"),
    ("API tokens", "web:tokens", "contact.view"),
]


def navigation_for(
    user: Any, entries: list[tuple[str, str, str]] = NAVIGATION
) -> list[tuple[str, str]]:
    return [(label, name) for label, name, action in entries if can(user, action)]
