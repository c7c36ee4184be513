"""`Definition` → plain data in the file's key order, which `definition_from_dict` reads back to
an equal definition; the YAML file and the API both use it."""

from __future__ import annotations

from smarketing.scoring.rules.catalogue import Operator
from smarketing.scoring.rules.model import (
    FORMAT_VERSION,
    Conditions,
    Definition,
    EngagementRule,
    FitRule,
    MqlCriterion,
)
from smarketing.scoring.rules.schema import MQL_KEYS, OPERANDS, WHEN_KEYS


def definition_to_dict(definition: Definition) -> dict[str, object]:
    """Plain data in the file's key order; reads back (definition_from_dict) to an equal value."""
    out: dict[str, object] = {
        "format": FORMAT_VERSION,
        "name": definition.name,
        "decay_half_life_days": definition.decay_half_life_days,
        "fit_rules": [fit_rule_to_dict(r) for r in definition.fit_rules],
        "engagement_rules": [engagement_rule_to_dict(r) for r in definition.engagement_rules],
    }
    if definition.groups:
        out["groups"] = [
            {
                "id": g.id,
                "label": g.label,
                "engagement_rules": [engagement_rule_to_dict(r) for r in g.engagement_rules],
            }
            for g in definition.groups
        ]
    out["mql"] = [
        {k: v for k, v in zip(MQL_KEYS, _criterion(c), strict=True) if v is not None}
        for c in definition.mql
    ]
    out["grades"] = {
        "fit": list(definition.grades.fit),
        "engagement": list(definition.grades.engagement),
    }
    out["account_score"] = {"engagement_cap": definition.account.engagement_cap}
    if definition.sql_checklist:
        out["sql_checklist"] = [{"id": s.id, "label": s.label} for s in definition.sql_checklist]
    return out


def _criterion(c: MqlCriterion) -> tuple[float | None, ...]:
    return (c.fit, c.engagement, c.total, c.predicted)


def fit_rule_to_dict(rule: FitRule) -> dict[str, object]:
    out: dict[str, object] = {
        "id": rule.id,
        "label": rule.label,
        "field": rule.field,
        "operator": rule.operator.value,
    }
    if rule.operator in (Operator.IN, Operator.NOT_IN):
        out["value"] = list(rule.value) if isinstance(rule.value, tuple) else [rule.value]
    elif OPERANDS[rule.operator] == ("value",):
        out["value"] = rule.value
    for key, bound in (("min", rule.min), ("max", rule.max)):
        if bound is not None:
            out[key] = bound
    out["points"] = rule.points
    return out


def engagement_rule_to_dict(rule: EngagementRule) -> dict[str, object]:
    out: dict[str, object] = {
        "id": rule.id,
        "label": rule.label,
        "when": conditions_to_dict(rule.when),
    }
    out["points"] = rule.points
    if rule.cap is not None:
        out["cap"] = rule.cap
    if rule.window_days is not None:
        out["window_days"] = rule.window_days
    return out


def conditions_to_dict(when: Conditions) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in WHEN_KEYS:
        value = getattr(when, key)
        if key == "properties":
            if value:
                out[key] = dict(value)
        elif key == "high_intent":
            if value is not None:
                out[key] = value
        elif value:
            out[key] = value[0] if len(value) == 1 else list(value)
    return out
