"""Lumen Analytics' qualification definition and the story of its sign-off (plain Python).

On the first day of the simulated year the company installs Smarketing, which starts from the
shipped default (version 1). The marketing leader then drafts the company's own definition from
it (version 2), proposes it, and both leaders approve it within the first week; it stays live
for the rest of the year. The simulation scores every contact with the version in force at each
moment (sim/qualify.py), and parts/definition.py writes the same story through
scoring.services, so the stored text is the one the MQLs came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from smarketing.demo.sim import catalogue
from smarketing.scoring import rules
from smarketing.scoring.rules import Conditions, EngagementRule, FitRule, MqlCriterion, Operator

DEFAULT_VERSION = 1  # the shipped default, installed at the start of the year
COMPANY_VERSION = 2  # Lumen's own, live from SignOff.approved_by_sales
COMPANY_NAME = "Lumen Analytics – qualified lead"
# The leaders' teams' time zones.
MARKETING_TZ = next(t.timezone for t in catalogue.TEAMS if t.name == "Marketing")
SALES_TZ = next(t.timezone for t in catalogue.TEAMS if t.name == "Sales Americas")
# Where Lumen has sales reps and sells in the local language.
TERRITORY = ("US", "CA", "GB", "IE", "DE", "FR", "NL", "CH", "SE")


@dataclass(frozen=True)
class SignOff:
    """When each step of the sign-off happens: at the start of the year (the installation),
    then on the following days in the leaders' working hours."""

    installed: dt.datetime
    drafted: dt.datetime
    proposed: dt.datetime
    approved_by_marketing: dt.datetime
    approved_by_sales: dt.datetime

    @classmethod
    def of(cls, start: dt.datetime) -> SignOff:
        def day(n: int, hour: int, minute: int, tz: str) -> dt.datetime:
            local = dt.datetime.combine(start.date() + dt.timedelta(days=n), dt.time(hour, minute))
            return local.replace(tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)

        return cls(
            installed=start,
            drafted=day(1, 15, 10, MARKETING_TZ),
            proposed=day(2, 9, 40, MARKETING_TZ),
            approved_by_marketing=day(3, 11, 5, MARKETING_TZ),
            approved_by_sales=day(4, 14, 30, SALES_TZ),
        )


def _replace_fit(rule_id: str, found: tuple[FitRule, ...], **changes: object) -> list[FitRule]:
    if not any(r.id == rule_id for r in found):
        raise LookupError(f"the default definition has no fit rule {rule_id!r} to edit")
    return [
        dataclasses.replace(r, **changes)  # type: ignore[arg-type]
        if r.id == rule_id
        else r
        for r in found
    ]


def company_definition() -> rules.Definition:
    """The default with Lumen's edits:

    - small teams are welcome on the Starter plan, so the default's penalty for fewer than 10
      employees is cut from 30 points to 5 (the data will show that was too kind: docs/demo.md);
    - +5 for an account in the sales territory;
    - +15 for each bottom-of-funnel download (case studies, the security overview), at most 30;
    - a hand raiser who is not a bad fit (fit ≥ 0 and engagement ≥ 40, which one demo request
      gives) is an MQL too.
    """
    default = rules.default_definition()
    fit = _replace_fit(
        "employees-under-10",
        default.fit_rules,
        points=-5,
        label="Fewer than 10 employees (Starter plan)",
    )
    fit.append(
        FitRule(
            id="territory",
            label="Account in our sales territory",
            field="account.country",
            operator=Operator.IN,
            value=TERRITORY,
            points=5,
        )
    )
    bofu = EngagementRule(
        id="bofu-download",
        label="Bottom-of-funnel download",
        when=Conditions(kind=("download",), funnel_stage=("bofu",)),
        points=15,
        cap=30,
    )
    hand_raiser = MqlCriterion(fit=0, engagement=40)
    definition = dataclasses.replace(
        default,
        name=COMPANY_NAME,
        fit_rules=tuple(fit),
        engagement_rules=(*default.engagement_rules, bofu),
        mql=(*default.mql, hand_raiser),
    )
    # What the database will hold: the canonical text, read back.
    return rules.load(rules.dump(definition))


def company_yaml() -> str:
    return rules.dump(company_definition())
