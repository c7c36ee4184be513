"""The diff shown at sign-off: what a draft adds, removes and changes against the live version."""

from __future__ import annotations

from dataclasses import replace

import yaml
from hypothesis import given

from smarketing.scoring.rules import (
    AccountSettings,
    Action,
    Change,
    Conditions,
    Definition,
    EngagementRule,
    FieldChange,
    FitRule,
    MqlCriterion,
    Operator,
    ScoreGroup,
    default_definition,
    definition_diff,
    dump,
)
from tests.scoring.test_rules_strategies import definitions

LIVE = default_definition()


def test_no_changes_no_diff():
    assert definition_diff(LIVE, LIVE) == []


def test_a_stricter_definition_shows_the_changed_points():
    rules = tuple(
        replace(r, points=-40) if r.id == "employees-under-10" else r for r in LIVE.fit_rules
    )
    (change,) = definition_diff(LIVE, replace(LIVE, fit_rules=rules))
    assert change == Change(
        Action.CHANGED,
        "fit_rules",
        "employees-under-10",
        "Fewer than 10 employees",
        (FieldChange("points", -30, -40),),
    )
    assert change.describe() == (
        "Changed fit rule 'employees-under-10' (Fewer than 10 employees): points: -30 → -40"
    )


def test_added_and_removed_rules_list_their_fields():
    added = FitRule("territory", "Territory", "country", Operator.IN, 5, ("US", "CA"))
    draft = replace(LIVE, fit_rules=(*LIVE.fit_rules[1:], added))
    removed, new = definition_diff(LIVE, draft)
    assert (removed.action, removed.item_id) == (Action.REMOVED, "employees-50-999")
    assert FieldChange("points", 20, None) in removed.fields
    assert (new.action, new.item_id) == (Action.ADDED, "territory")
    assert new.fields == (
        FieldChange("label", None, "Territory"),
        FieldChange("field", None, "country"),
        FieldChange("operator", None, "in"),
        FieldChange("value", None, ["US", "CA"]),
        FieldChange("points", None, 5),
    )
    assert new.describe() == "Added fit rule 'territory' (Territory)"


def test_engagement_conditions_show_field_by_field():
    pricing = LIVE.engagement_rules[0]
    changed = replace(pricing, when=replace(pricing.when, path=("/pricing*", "/plans*")), cap=None)
    draft = replace(LIVE, engagement_rules=(changed, *LIVE.engagement_rules[1:]))
    (change,) = definition_diff(LIVE, draft)
    assert change.section == "engagement_rules"
    assert change.group == "default"
    assert change.fields == (
        FieldChange("when.path", "/pricing*", ["/pricing*", "/plans*"]),
        FieldChange("cap", 30, None),
    )


def test_settings_and_criteria_changes():
    draft = replace(
        LIVE,
        name="Stricter",
        decay_half_life_days=14,
        mql=(MqlCriterion(fit=25, engagement=30), MqlCriterion(total=80)),
        grades=replace(LIVE.grades, fit=(40, 20, 0)),
        account=AccountSettings(engagement_cap=None),
        sql_checklist=LIVE.sql_checklist[:3],
    )
    changes = definition_diff(LIVE, draft)
    assert [(c.section, c.action) for c in changes] == [
        ("name", Action.CHANGED),
        ("decay", Action.CHANGED),
        ("mql", Action.CHANGED),
        ("grades", Action.CHANGED),
        ("account_score", Action.CHANGED),
        ("sql_checklist", Action.REMOVED),
    ]
    assert changes[1].fields == (FieldChange("decay_half_life_days", 30, 14),)
    assert changes[2].describe() == (
        "Changed MQL criteria: fit ≥ 20 and engagement ≥ 30 or total ≥ 80 → "
        "fit ≥ 25 and engagement ≥ 30 or total ≥ 80"
    )
    assert changes[1].describe() == "Changed Decay: decay_half_life_days: 30 → 14"
    assert changes[3].fields == (FieldChange("fit", [30, 15, 0], [40, 20, 0]),)
    assert changes[4].fields == (FieldChange("engagement_cap", 200, None),)


def test_a_new_score_group_comes_with_its_rules():
    rule = EngagementRule(
        "analytics-trial", "Analytics trial", Conditions(event=("Analytics*",)), 30
    )
    draft = replace(LIVE, groups=(ScoreGroup("analytics", "Analytics", (rule,)),))
    group, added = definition_diff(LIVE, draft)
    assert (group.section, group.action, group.item_id) == ("groups", Action.ADDED, "analytics")
    assert (added.section, added.action, added.group) == (
        "engagement_rules",
        Action.ADDED,
        "analytics",
    )
    assert (
        added.describe()
        == "Added engagement rule 'analytics-trial' (Analytics trial) in group 'analytics'"
    )


def test_equal_numbers_written_differently_are_no_change():
    rules = tuple(replace(r, points=float(r.points)) for r in LIVE.fit_rules)
    assert definition_diff(LIVE, replace(LIVE, fit_rules=rules)) == []


def _sorted(d: Definition) -> Definition:
    """The same definition with every list in id order (the diff ignores order)."""

    def by_id(items):
        return tuple(sorted(items, key=lambda item: item.id))

    groups = tuple(replace(g, engagement_rules=by_id(g.engagement_rules)) for g in d.groups)
    return replace(
        d,
        fit_rules=by_id(d.fit_rules),
        engagement_rules=by_id(d.engagement_rules),
        groups=by_id(groups),
        sql_checklist=by_id(d.sql_checklist),
    )


def _as_read(d: Definition) -> object:
    """The definition as its file reads, numbers compared by value (0 and 0.0 are one number,
    as for the diff) and a boolean never equal to a number."""

    def plain(value: object) -> object:
        if isinstance(value, bool):
            return ("bool", value)
        if isinstance(value, int | float):
            return ("number", float(value))
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(yaml.safe_load(dump(_sorted(d))))


@given(definitions(), definitions())
def test_the_diff_is_empty_exactly_when_nothing_but_order_differs(a, b):
    assert definition_diff(a, a) == []
    assert definition_diff(a, _sorted(a)) == []
    # Compared as files read back: dataclass equality takes a property value 1 for True, the
    # diff does not.
    assert (definition_diff(a, b) == []) == (_as_read(a) == _as_read(b))
