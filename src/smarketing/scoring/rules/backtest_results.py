"""What a backtest returns (rules/backtest.py computes it): MQLs per month, outcomes, flagged
customers and the contacts that would newly qualify or stop qualifying, each with a plain-data
form for storing as JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from smarketing.scoring.rules.results import GroupScore, ScoreResult


@dataclass(frozen=True, slots=True)
class MonthCount:
    """MQLs in one calendar month (UTC): what each definition would have made, and the MQL
    transitions actually recorded (a contact counted once a month)."""

    month: str
    draft: int
    live: int
    actual: int


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Of `mqls` contacts, how many actually reached SQL (or further), opportunity (or customer)
    and customer after they qualified."""

    mqls: int
    sql: int
    opportunity: int
    customer: int

    def share(self, stage: str) -> float | None:
        """The share of the MQLs that reached `stage`; None without MQLs."""
        return getattr(self, stage) / self.mqls if self.mqls else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dataclasses.asdict(self)
        for stage in ("sql", "opportunity", "customer"):
            out[f"{stage}_share"] = self.share(stage)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcomes:
        return cls(data["mqls"], data["sql"], data["opportunity"], data["customer"])


@dataclass(frozen=True, slots=True)
class FlaggedCustomers:
    """Of the `customers` who became customers in [since, now], how many each definition
    qualified before they did."""

    customers: int
    draft: int
    live: int


@dataclass(frozen=True, slots=True)
class ScoreSummary:
    """A contact's score under one definition at one moment: the group that met an MQL criterion
    (else the default group)."""

    group: str
    fit: float
    engagement: float
    total: float
    grade: str
    is_mql: bool

    @classmethod
    def of(cls, result: ScoreResult) -> ScoreSummary:
        chosen: GroupScore = next((g for g in result.groups if g.is_mql), result.default)
        return cls(
            chosen.group_id,
            chosen.fit,
            chosen.engagement,
            chosen.total,
            chosen.grade,
            result.is_mql,
        )


@dataclass(frozen=True, slots=True)
class ChangedContact:
    """A contact one definition qualifies and the other does not, with both scores at the moment
    the one qualified it."""

    contact_id: int
    qualified_at: dt.datetime
    draft: ScoreSummary
    live: ScoreSummary

    def to_dict(self) -> dict[str, Any]:
        return {
            "contact_id": self.contact_id,
            "qualified_at": self.qualified_at.isoformat(),
            "draft": dataclasses.asdict(self.draft),
            "live": dataclasses.asdict(self.live),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangedContact:
        return cls(
            data["contact_id"],
            dt.datetime.fromisoformat(data["qualified_at"]),
            ScoreSummary(**data["draft"]),
            ScoreSummary(**data["live"]),
        )


@dataclass(frozen=True, slots=True)
class BacktestResult:
    since: dt.datetime
    until: dt.datetime
    now: dt.datetime
    contacts_checked: int
    months: tuple[MonthCount, ...]
    draft: Outcomes
    live: Outcomes
    actual: Outcomes
    customers: FlaggedCustomers
    newly_count: int
    stopped_count: int
    newly: tuple[ChangedContact, ...]
    stopped: tuple[ChangedContact, ...]
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "now": self.now.isoformat(),
            "contacts_checked": self.contacts_checked,
            "months": [dataclasses.asdict(m) for m in self.months],
            "draft": self.draft.to_dict(),
            "live": self.live.to_dict(),
            "actual": self.actual.to_dict(),
            "customers": dataclasses.asdict(self.customers),
            "newly_count": self.newly_count,
            "stopped_count": self.stopped_count,
            "newly": [c.to_dict() for c in self.newly],
            "stopped": [c.to_dict() for c in self.stopped],
            "caveats": list(self.caveats),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BacktestResult:
        return cls(
            since=dt.datetime.fromisoformat(data["since"]),
            until=dt.datetime.fromisoformat(data["until"]),
            now=dt.datetime.fromisoformat(data["now"]),
            contacts_checked=data["contacts_checked"],
            months=tuple(MonthCount(**m) for m in data["months"]),
            draft=Outcomes.from_dict(data["draft"]),
            live=Outcomes.from_dict(data["live"]),
            actual=Outcomes.from_dict(data["actual"]),
            customers=FlaggedCustomers(**data["customers"]),
            newly_count=data["newly_count"],
            stopped_count=data["stopped_count"],
            newly=tuple(ChangedContact.from_dict(c) for c in data["newly"]),
            stopped=tuple(ChangedContact.from_dict(c) for c in data["stopped"]),
            caveats=tuple(data["caveats"]),
        )
