"""Reads of the definition's versions: the list, one version's approvals and its diff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from smarketing.org.models import TeamKind
from smarketing.scoring import rules
from smarketing.scoring.models import DefinitionApproval, DefinitionVersion, Status


def versions_list() -> QuerySet[DefinitionVersion]:
    return (
        DefinitionVersion.objects.select_related("created_by")
        .prefetch_related("approvals__user")
        .order_by("-number")
    )


def version_by_number(number: int) -> DefinitionVersion | None:
    return versions_list().filter(number=number).first()


def version_live_on(at: dt.datetime) -> DefinitionVersion | None:
    """The version that was live at `at`: the audit trail of what "qualified" meant then."""
    return (
        DefinitionVersion.objects.exclude(status=Status.DRAFT)
        .filter(went_live_at__lte=at)
        .exclude(retired_at__lte=at)
        .first()
    )


def approvals_current(version: DefinitionVersion) -> list[DefinitionApproval]:
    """Approvals of the version's current revision (those given before an edit do not count)."""
    return [a for a in version.approvals.all() if a.revision == version.revision]


@dataclass(frozen=True)
class SignOff:
    """Where a version stands: the approvals that count, per team kind, and who is awaited."""

    approvals: list[DefinitionApproval]
    marketing: DefinitionApproval | None
    sales: DefinitionApproval | None

    @property
    def waiting_for(self) -> list[str]:
        return [
            f"the {kind} leader"
            for kind, approval in (("marketing", self.marketing), ("sales", self.sales))
            if approval is None
        ]

    def describe(self, version: DefinitionVersion) -> str:
        if version.status == Status.LIVE:
            return f"live since {version.went_live_at:%Y-%m-%d %H:%M} UTC"
        if version.status == Status.RETIRED:
            return f"retired on {version.retired_at:%Y-%m-%d %H:%M} UTC"
        if version.proposed_at is None:
            return "draft, not proposed yet"
        return "waiting for " + " and ".join(self.waiting_for)


def sign_off(version: DefinitionVersion) -> SignOff:
    current = approvals_current(version)
    first = {kind: next((a for a in current if a.team_kind == kind), None) for kind in TeamKind}
    return SignOff(current, first[TeamKind.MARKETING], first[TeamKind.SALES])


def definition_of(version: DefinitionVersion) -> rules.Definition:
    # Stored texts were written by rules.dump, so they always read back.
    return rules.load(version.text)


def definition_changes(version: DefinitionVersion) -> list[rules.Change]:
    """What the version changes against the live one (nothing, for the live one itself)."""
    live = DefinitionVersion.objects.filter(status=Status.LIVE).first()
    if live is None or live.pk == version.pk:
        return []
    return rules.definition_diff(definition_of(live), definition_of(version))
