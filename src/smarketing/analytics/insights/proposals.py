"""The change to the qualification definition an insight suggests, as a rule in its format.

Plain Python, no Django. Account and contact fields become fit rules (company size and revenue
bands as `range`, industry, country, seniority and source channel as `equals`); behaviour
becomes an engagement rule (a webinar attended, a campaign's touchpoints, a content asset's
pages), capped at its own points so it counts once however often it happens. When the
definition already has a rule on exactly that condition, the proposal changes its points
instead of adding a second rule on the same thing.

Points: `POINTS_PER_DOUBLING` per doubling (or halving) of the conversion rate against the rest,
in steps of `POINT_STEP`, at most `MAX_POINTS` either way: a segment converting at a quarter of
the rest's rate gets -20 with the defaults. The draft is a proposal: both leaders still review,
backtest and sign it off before it scores anyone.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from smarketing.analytics.insights import segments as seg
from smarketing.scoring import rules
from smarketing.scoring.rules.reader import slug
from smarketing.scoring.rules.serialize import engagement_rule_to_dict, fit_rule_to_dict

POINTS_PER_DOUBLING = 10.0
POINT_STEP = 5
MAX_POINTS = 50

_R = TypeVar("_R", rules.FitRule, rules.EngagementRule)

ADD = "add"
CHANGE = "change"

# Segment fields → the definition's fit-rule fields (docs/scoring-rules.md, "Fields").
_FIT_FIELDS = {
    seg.EMPLOYEES: "account.employees",
    seg.REVENUE: "account.annual_revenue",
    seg.INDUSTRY: "account.industry",
    seg.COUNTRY: "account.country",
    seg.SENIORITY: "seniority",
    seg.CHANNEL: "source_channel",
}


@dataclass(frozen=True, slots=True)
class Proposal:
    action: str  # ADD or CHANGE
    rule: rules.FitRule | rules.EngagementRule
    replaces: str | None  # the id of the rule whose points change
    summary: str

    @property
    def kind(self) -> str:
        return "fit" if isinstance(self.rule, rules.FitRule) else "engagement"

    def as_dict(self) -> dict[str, object]:
        rule = (
            fit_rule_to_dict(self.rule)
            if isinstance(self.rule, rules.FitRule)
            else engagement_rule_to_dict(self.rule)
        )
        return {
            "action": self.action,
            "kind": self.kind,
            "rule": rule,
            "replaces": self.replaces,
            "summary": self.summary,
        }


def points_for(ratio: float) -> int:
    """Fit or engagement points for a segment converting `ratio` x the rest's rate: whole
    points, as people write them."""
    if ratio <= 0:
        return -MAX_POINTS
    if math.isinf(ratio):
        return MAX_POINTS
    raw = POINTS_PER_DOUBLING * math.log2(ratio)
    stepped = POINT_STEP * round(raw / POINT_STEP)
    if stepped == 0:
        stepped = POINT_STEP if raw > 0 else -POINT_STEP
    return int(max(-MAX_POINTS, min(MAX_POINTS, stepped)))


def glob_escape(text: str) -> str:
    """A glob that matches exactly `text`: '*', '?' and '[' stand for themselves."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _rule_ids(definition: rules.Definition) -> set[str]:
    ids = {r.id for r in definition.fit_rules}
    ids |= {r.id for g in definition.score_groups() for r in g.engagement_rules}
    return ids


def _free_id(label: str, taken: set[str]) -> str:
    base = (slug(label) or "insight")[:56].rstrip("-")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _fit_rule(segment: seg.Segment, *, rule_id: str, points: float) -> rules.FitRule | None:
    name = _FIT_FIELDS.get(segment.field)
    if name is None:
        return None
    if segment.field in (seg.EMPLOYEES, seg.REVENUE):
        low = next((float(c.value) for c in segment.conditions if c.op == ">="), None)
        high = next((float(c.value) for c in segment.conditions if c.op == "<"), None)
        return rules.FitRule(
            rule_id, segment.label, name, rules.Operator.RANGE, points, min=low, max=high
        )
    value = segment.conditions[0].value
    if segment.field == seg.SENIORITY and value == "student":
        # Not one of the stored seniorities: the default definition's student rule reads titles.
        return rules.FitRule(
            rule_id, segment.label, "title", rules.Operator.CONTAINS, points, value="student"
        )
    assert isinstance(value, str)
    return rules.FitRule(rule_id, segment.label, name, rules.Operator.EQUALS, points, value=value)


def _when(segment: seg.Segment, *, paths: Mapping[str, Sequence[str]]) -> rules.Conditions | None:
    value = segment.conditions[0].value
    if segment.field == seg.WEBINAR:
        return rules.Conditions(kind=("webinar_attended",))
    if segment.field == seg.CAMPAIGN:
        return rules.Conditions(campaign=(glob_escape(str(value)),))
    if segment.field in (seg.CONTENT, seg.ASSET_TYPES):
        found = tuple(glob_escape(p) for p in paths.get(str(value), ()))
        if not found:
            return None
        kind = ("download",) if segment.field == seg.ASSET_TYPES else ()
        return rules.Conditions(kind=kind, path=found)
    return None


def _same_fit(a: rules.FitRule, b: rules.FitRule) -> bool:
    return (a.field, a.operator, a.value, a.min, a.max) == (
        b.field,
        b.operator,
        b.value,
        b.min,
        b.max,
    )


def _changed(
    rule: rules.FitRule | rules.EngagementRule, *, existing: rules.FitRule | rules.EngagementRule
) -> Proposal:
    points = existing.points + rule.points
    summary = (
        f"Change “{existing.label}” from {existing.points:+g} to {points:+g} points "
        f"({rule.points:+g}): the definition already scores this, and these leads still "
        f"convert {'worse' if rule.points < 0 else 'better'} than the rest."
    )
    if isinstance(existing, rules.EngagementRule):
        cap = existing.cap
        if cap is not None and abs(points) > cap:
            cap = abs(points)
        return Proposal(
            CHANGE, dataclasses.replace(existing, points=points, cap=cap), existing.id, summary
        )
    return Proposal(CHANGE, dataclasses.replace(existing, points=points), existing.id, summary)


def _describe_new(rule: rules.FitRule | rules.EngagementRule) -> str:
    what = "fit" if isinstance(rule, rules.FitRule) else "engagement"
    once = "" if isinstance(rule, rules.FitRule) else ", counted once"
    return f"Add the {what} rule “{rule.label}”: {rule.points:+g} points{once}."


def proposal_for(
    segments: Sequence[seg.Segment],
    *,
    ratio: float,
    definition: rules.Definition,
    paths: Mapping[str, Sequence[str]],
) -> Proposal | None:
    """The rule change for a finding on `segments` converting `ratio` x the rest; None for a
    pair (a rule looks at one field) or a segment no rule can express (content whose pages
    are unknown). `paths` maps a content title or asset type to its pages' paths."""
    if len(segments) != 1:
        return None
    segment = segments[0]
    points = points_for(ratio)
    rule_id = _free_id(segment.label, _rule_ids(definition))
    fit = _fit_rule(segment, rule_id=rule_id, points=points)
    if fit is not None:
        same = next((r for r in definition.fit_rules if _same_fit(r, fit)), None)
        if same is not None:
            return _changed(fit, existing=same)
        return Proposal(ADD, fit, None, _describe_new(fit))
    when = _when(segment, paths=paths)
    if when is None:
        return None
    engagement = rules.EngagementRule(rule_id, segment.label, when, points, cap=abs(points))
    same_when = next((r for r in definition.engagement_rules if r.when == when), None)
    if same_when is not None:
        return _changed(engagement, existing=same_when)
    return Proposal(ADD, engagement, None, _describe_new(engagement))


def definition_with(definition: rules.Definition, proposal: Proposal) -> rules.Definition:
    """The definition with the proposal applied: the rule added (fit rules and the default
    score group's engagement rules), or the rule it replaces swapped for it in place."""
    rule = proposal.rule
    if isinstance(rule, rules.FitRule):
        fit = _swapped(definition.fit_rules, rule, replaces=proposal.replaces)
        return dataclasses.replace(definition, fit_rules=fit)
    engagement = _swapped(definition.engagement_rules, rule, replaces=proposal.replaces)
    return dataclasses.replace(definition, engagement_rules=engagement)


def _swapped(existing: tuple[_R, ...], rule: _R, *, replaces: str | None) -> tuple[_R, ...]:
    if replaces is None:
        added = list(existing)
        added.append(rule)
        return tuple(added)
    if not any(r.id == replaces for r in existing):
        raise ValueError(f"the definition has no rule {replaces!r} to change")
    return tuple(rule if r.id == replaces else r for r in existing)
