"""A qualification definition as frozen dataclasses: fit rules, engagement rules per score
group, decay, MQL criteria, grade bands, the SQL checklist and account-score settings.

Build one from plain data with `schema.definition_from_dict` (which validates and names the path
of every mistake) or from YAML with `yaml_format.load`; both give back exactly what they read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from smarketing.scoring.rules.catalogue import Operator

Scalar = str | float | bool
RuleValue = Scalar | tuple[Scalar, ...] | None

DEFAULT_GROUP_ID = "default"
DEFAULT_GROUP_LABEL = "Default"
DEFAULT_HALF_LIFE_DAYS = 30.0
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class FitRule:
    """Points when a contact or account field meets the operator. `range` is min ≤ v < max."""

    id: str
    label: str
    field: str
    operator: Operator
    points: float
    value: RuleValue = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True, slots=True)
class Conditions:
    """What a touchpoint must be for an engagement rule to count it; all given conditions hold.

    Each text condition is any-of: a touchpoint matches when its value matches one entry.
    `path`, `form`, `campaign` and `event` entries are case-insensitive globs (`/pricing*`);
    `kind`, `channel` and `funnel_stage` are exact values. Empty means "no condition"."""

    kind: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    form: tuple[str, ...] = ()
    funnel_stage: tuple[str, ...] = ()
    campaign: tuple[str, ...] = ()
    event: tuple[str, ...] = ()
    high_intent: bool | None = None
    properties: tuple[tuple[str, Scalar], ...] = ()


@dataclass(frozen=True, slots=True)
class EngagementRule:
    """`points` per matching touchpoint, each faded by the definition's decay; the rule's sum is
    then held within ±`cap`; touchpoints older than `window_days` do not count."""

    id: str
    label: str
    when: Conditions
    points: float
    cap: float | None = None
    window_days: float | None = None


@dataclass(frozen=True, slots=True)
class ScoreGroup:
    """A score of its own, for a product line, with its own engagement rules."""

    id: str
    label: str
    engagement_rules: tuple[EngagementRule, ...] = ()


@dataclass(frozen=True, slots=True)
class MqlCriterion:
    """All given minimums must be met (≥). A criterion with `predicted` is not met while there
    is no predicted probability."""

    fit: float | None = None
    engagement: float | None = None
    total: float | None = None
    predicted: float | None = None

    def describe(self) -> str:
        parts = [
            f"{name} ≥ {value:g}"
            for name, value in (
                ("fit", self.fit),
                ("engagement", self.engagement),
                ("total", self.total),
                ("predicted probability", self.predicted),
            )
            if value is not None
        ]
        return " and ".join(parts)


@dataclass(frozen=True, slots=True)
class GradeBands:
    """Lower bounds, best first: fit ≥ fit[0] is A, ≥ fit[1] B, ≥ fit[2] C, else D;
    engagement ≥ engagement[0] is 1, … , else 4."""

    fit: tuple[float, float, float] = (30.0, 15.0, 0.0)
    engagement: tuple[float, float, float] = (60.0, 30.0, 10.0)


@dataclass(frozen=True, slots=True)
class SqlItem:
    """One point of the checklist sales completes to make a lead an SQL."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class AccountSettings:
    """Account score = account fit (the account.* fit rules) + the sum of its contacts'
    engagement, held within ±`engagement_cap` when one is set."""

    engagement_cap: float | None = None


@dataclass(frozen=True, slots=True)
class Definition:
    """`engagement_rules` are the default score group's; `groups` are further score groups.
    Fit rules are shared by every group."""

    name: str = ""
    fit_rules: tuple[FitRule, ...] = ()
    engagement_rules: tuple[EngagementRule, ...] = ()
    groups: tuple[ScoreGroup, ...] = ()
    decay_half_life_days: float | None = DEFAULT_HALF_LIFE_DAYS
    mql: tuple[MqlCriterion, ...] = ()
    grades: GradeBands = field(default_factory=GradeBands)
    sql_checklist: tuple[SqlItem, ...] = ()
    account: AccountSettings = field(default_factory=AccountSettings)

    def score_groups(self) -> tuple[ScoreGroup, ...]:
        """The default group first, then the others in file order."""
        default = ScoreGroup(DEFAULT_GROUP_ID, DEFAULT_GROUP_LABEL, self.engagement_rules)
        return (default, *self.groups)
