"""Reads of the definition's versions (the list, one version's approvals and its diff) and of
the stored scores (the lead list's filters and orders, a contact's score history)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.db.models import F, FilteredRelation, Q, QuerySet

from smarketing.errors import InvalidInput
from smarketing.org.models import TeamKind
from smarketing.people.models import Contact
from smarketing.scoring import rules
from smarketing.scoring.models import (
    DefinitionApproval,
    DefinitionVersion,
    RescoringRun,
    ScoreChange,
    Status,
)


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
    return definition_parsed(version.text)


@functools.lru_cache(maxsize=8)
def definition_parsed(text: str) -> rules.Definition:
    """A stored text, read once per text: it was written by rules.dump, so it reads back, and
    the lead list, the forms and every rescoring ask for the live one again and again."""
    return rules.load(text)


def definition_changes(version: DefinitionVersion) -> list[rules.Change]:
    """What the version changes against the live one (nothing, for the live one itself)."""
    live = DefinitionVersion.objects.filter(status=Status.LIVE).first()
    if live is None or live.pk == version.pk:
        return []
    return rules.definition_diff(definition_of(live), definition_of(version))


# The lead list's orders: name → ORDER BY. Scores not computed yet sort last either way.
SORTS: dict[str, tuple[str, ...]] = {
    "-score": ("-score_total", "-created_at"),
    "score": ("score_total", "-created_at"),
    "-fit": ("-score_fit", "-score_total"),
    "-engagement": ("-score_engagement", "-score_total"),
    "grade": ("score_grade", "-score_total"),
    "-predicted": ("-score_predicted", "-score_total"),
    "-created": ("-created_at",),
    "name": ("last_name", "first_name", "email"),
}
SORT_LABELS = {
    "-created": "Newest first",
    "-score": "Score, highest first",
    "score": "Score, lowest first",
    "-fit": "Fit, highest first",
    "-engagement": "Engagement, highest first",
    "grade": "Grade, best first",
    "-predicted": "Predicted probability, highest first",
    "name": "Name",
}
GRADE_PATTERN = r"^[A-D][1-4]?$"


def contacts_with_scores(
    qs: QuerySet[Contact], *, group: str = rules.model.DEFAULT_GROUP_ID
) -> QuerySet[Contact]:
    """The contacts with their stored score in `group` as score_total, score_fit,
    score_engagement, score_grade, score_is_mql and score_predicted (None before the first
    scoring), by one LEFT JOIN."""
    return qs.annotate(
        _score=FilteredRelation("current_scores", condition=Q(current_scores__group=group)),
        score_total=F("_score__total"),
        score_fit=F("_score__fit"),
        score_engagement=F("_score__engagement"),
        score_grade=F("_score__grade"),
        score_is_mql=F("_score__is_mql"),
        score_predicted=F("_score__predicted"),
    )


def contacts_score_filter(
    qs: QuerySet[Contact],
    *,
    min_total: float | None = None,
    max_total: float | None = None,
    grade: str = "",
    is_mql: bool | None = None,
) -> QuerySet[Contact]:
    """Filter contacts annotated by `contacts_with_scores`. `grade` is a letter (every grade
    with that fit letter) or a full grade such as "A1"."""
    if min_total is not None:
        qs = qs.filter(score_total__gte=min_total)
    if max_total is not None:
        qs = qs.filter(score_total__lte=max_total)
    if grade:
        qs = (
            qs.filter(score_grade=grade)
            if len(grade) == 2
            else qs.filter(score_grade__startswith=grade)
        )
    if is_mql is not None:
        qs = qs.filter(score_is_mql=is_mql)
    return qs


def contacts_sort(qs: QuerySet[Contact], sort: str) -> QuerySet[Contact]:
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}; use one of: {', '.join(SORTS)}", field="sort")
    order = [
        F(name[1:]).desc(nulls_last=True) if name.startswith("-") else F(name).asc(nulls_last=True)
        for name in SORTS[sort]
    ]
    return qs.order_by(*order, "-pk")


def score_groups_live() -> list[tuple[str, str]]:
    """(id, label) of the live version's score groups, the default first."""
    live = DefinitionVersion.objects.filter(status=Status.LIVE).first()
    if live is None:
        return [(rules.model.DEFAULT_GROUP_ID, rules.model.DEFAULT_GROUP_LABEL)]
    return [(g.id, g.label) for g in definition_of(live).score_groups()]


def score_history(*, contact: Contact, group: str) -> list[ScoreChange]:
    """The contact's score points in the group, oldest first."""
    return list(ScoreChange.objects.filter(contact=contact, group=group).order_by("at", "id"))


def rescoring_latest() -> RescoringRun | None:
    return RescoringRun.objects.select_related("version").first()
