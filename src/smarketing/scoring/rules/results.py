"""What scoring returns: per score group fit, engagement, total, grade, MQL verdict and the
explanation rows that add up to the scores. Not frozen, as a full rescoring builds millions
(see facts.py); treat them as read-only."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, NamedTuple

from smarketing.scoring.rules.model import MqlCriterion


class RowKind(enum.StrEnum):
    FIT = "fit"
    ENGAGEMENT = "engagement"


class ExplanationRow(NamedTuple):
    """One rule that gave points: `points` after decay and cap; `occurrences` counted (1 for a
    fit rule)."""

    rule_id: str
    label: str
    points: float
    occurrences: int
    kind: RowKind

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "label": self.label,
            "points": self.points,
            "occurrences": self.occurrences,
            "kind": self.kind.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExplanationRow:
        return cls(
            data["rule"], data["label"], data["points"], data["occurrences"], RowKind(data["kind"])
        )


@dataclass(slots=True)
class GroupScore:
    """fit = Σ fit rows, engagement = Σ engagement rows, total = Σ all rows (math.fsum)."""

    group_id: str
    label: str
    fit: float
    engagement: float
    total: float
    grade: str
    mql_criterion: MqlCriterion | None
    predicted: float | None
    explanation: tuple[ExplanationRow, ...]

    @property
    def is_mql(self) -> bool:
        return self.mql_criterion is not None

    def to_dict(self) -> dict[str, Any]:
        criterion = self.mql_criterion
        return {
            "group": self.group_id,
            "label": self.label,
            "fit": self.fit,
            "engagement": self.engagement,
            "total": self.total,
            "grade": self.grade,
            "is_mql": self.is_mql,
            "mql_reason": criterion.describe() if criterion is not None else None,
            "mql_criterion": _criterion_dict(criterion),
            "predicted": self.predicted,
            "explanation": [row.to_dict() for row in self.explanation],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GroupScore:
        criterion = data.get("mql_criterion")
        return cls(
            group_id=data["group"],
            label=data["label"],
            fit=data["fit"],
            engagement=data["engagement"],
            total=data["total"],
            grade=data["grade"],
            mql_criterion=MqlCriterion(**criterion) if criterion is not None else None,
            predicted=data.get("predicted"),
            explanation=tuple(ExplanationRow.from_dict(r) for r in data["explanation"]),
        )


def _criterion_dict(criterion: MqlCriterion | None) -> dict[str, float] | None:
    if criterion is None:
        return None
    pairs = {
        "fit": criterion.fit,
        "engagement": criterion.engagement,
        "total": criterion.total,
        "predicted": criterion.predicted,
    }
    return {k: v for k, v in pairs.items() if v is not None}


@dataclass(slots=True)
class ScoreResult:
    """A contact's scores, one per score group, the default group first."""

    contact_id: int
    groups: tuple[GroupScore, ...]

    @property
    def default(self) -> GroupScore:
        return self.groups[0]

    @property
    def is_mql(self) -> bool:
        """MQL when the criteria are met in any score group."""
        return any(g.mql_criterion is not None for g in self.groups)

    def group(self, group_id: str) -> GroupScore:
        for found in self.groups:
            if found.group_id == group_id:
                return found
        raise KeyError(group_id)

    def to_dict(self) -> dict[str, Any]:
        return {"contact": self.contact_id, "groups": [g.to_dict() for g in self.groups]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreResult:
        return cls(data["contact"], tuple(GroupScore.from_dict(g) for g in data["groups"]))


@dataclass(slots=True)
class AccountGroupScore:
    """fit from the account.* fit rules; engagement = Σ rows of the contacts' engagement, per
    rule, plus a cap row when the account cap held it back; `contacts` is each contact's
    engagement in this group."""

    group_id: str
    label: str
    fit: float
    engagement: float
    total: float
    explanation: tuple[ExplanationRow, ...]
    contacts: tuple[tuple[int, float], ...]


@dataclass(slots=True)
class AccountScore:
    account_id: int | None
    groups: tuple[AccountGroupScore, ...]

    @property
    def default(self) -> AccountGroupScore:
        return self.groups[0]
