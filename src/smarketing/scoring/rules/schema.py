"""Plain data (what YAML or JSON give) ↔ `Definition`. Reading validates everything and reports
each mistake under its path (`fit_rules[3].field: unknown field 'employes' (known: …)`);
writing gives back plain data that reads to an equal definition."""

from __future__ import annotations

from typing import Any

from smarketing.scoring.rules.catalogue import (
    CHANNEL_VALUES,
    FIELDS,
    FUNNEL_STAGES,
    OPERATORS,
    TOUCHPOINT_KINDS,
    FieldSpec,
    FieldType,
    Operator,
)
from smarketing.scoring.rules.model import (
    DEFAULT_GROUP_ID,
    DEFAULT_HALF_LIFE_DAYS,
    FORMAT_VERSION,
    AccountSettings,
    Conditions,
    Definition,
    EngagementRule,
    FitRule,
    GradeBands,
    MqlCriterion,
    RuleValue,
    Scalar,
    ScoreGroup,
    SqlItem,
)
from smarketing.scoring.rules.reader import Reader, is_number, join

TOP_KEYS = (
    "format",
    "name",
    "decay_half_life_days",
    "fit_rules",
    "engagement_rules",
    "groups",
    "mql",
    "grades",
    "account_score",
    "sql_checklist",
)
FIT_KEYS = ("id", "label", "field", "operator", "value", "min", "max", "points")
ENGAGEMENT_KEYS = ("id", "label", "when", "points", "cap", "window_days")
WHEN_KEYS = (
    "kind",
    "channel",
    "path",
    "form",
    "funnel_stage",
    "campaign",
    "event",
    "high_intent",
    "properties",
)
GROUP_KEYS = ("id", "label", "engagement_rules")
MQL_KEYS = ("fit", "engagement", "total", "predicted")
GRADE_KEYS = ("fit", "engagement")
ACCOUNT_KEYS = ("engagement_cap",)
SQL_KEYS = ("id", "label")

# Which operand keys each operator takes.
OPERANDS: dict[Operator, tuple[str, ...]] = {
    Operator.EQUALS: ("value",),
    Operator.NOT_EQUALS: ("value",),
    Operator.IN: ("value",),
    Operator.NOT_IN: ("value",),
    Operator.RANGE: ("min", "max"),
    Operator.CONTAINS: ("value",),
    Operator.NOT_CONTAINS: ("value",),
    Operator.IS_EMPTY: (),
    Operator.NOT_EMPTY: (),
}
_GLOB_KEYS = ("path", "form", "campaign", "event")


def definition_from_dict(data: object) -> Definition:
    """Read and validate; raises DefinitionError with every mistake found."""
    return _DefinitionReader().definition(data)


class _DefinitionReader(Reader):
    def __init__(self) -> None:
        super().__init__()
        self.rule_ids: dict[str, str] = {}  # rule id → path of the rule that has it

    def definition(self, data: object) -> Definition:
        if data is None:
            self.err.add("", "the definition is empty")
            self.err.raise_if_any()
        m = self.mapping(data, "", TOP_KEYS)
        if m is None:
            self.err.raise_if_any()
        assert m is not None
        if "format" in m and m["format"] != FORMAT_VERSION:
            self.err.add("format", f"unknown format {m['format']!r} (this version reads 1)")
        name = m.get("name", "")
        if not isinstance(name, str):
            self.err.add("name", f"expected text, got {name!r}")
        half_life = m.get("decay_half_life_days", DEFAULT_HALF_LIFE_DAYS)
        if half_life is not None:
            half_life = self.number(half_life, "decay_half_life_days", positive=True)
        found = Definition(
            name=name if isinstance(name, str) else "",
            fit_rules=self.fit_rules(m.get("fit_rules"), "fit_rules"),
            engagement_rules=self.engagement_rules(m.get("engagement_rules"), "engagement_rules"),
            groups=self.groups(m.get("groups"), "groups"),
            decay_half_life_days=half_life,
            mql=self.mql(m.get("mql"), "mql"),
            grades=self.grades(_or_empty(m.get("grades")), "grades"),
            sql_checklist=self.sql_checklist(m.get("sql_checklist"), "sql_checklist"),
            account=self.account(_or_empty(m.get("account_score")), "account_score"),
        )
        self.err.raise_if_any()
        return found

    # Rules

    def fit_rules(self, raw: object, path: str) -> tuple[FitRule, ...]:
        rules = (
            self.fit_rule(r, f"{path}[{i}]") for i, r in enumerate(self.items(raw, path) or ())
        )
        return tuple(r for r in rules if r is not None)

    def fit_rule(self, raw: object, path: str) -> FitRule | None:
        m = self.mapping(raw, path, FIT_KEYS, required=("label", "field", "operator", "points"))
        if m is None:
            return None
        label = self.text(m["label"], join(path, "label")) if "label" in m else None
        rule_id = self.rule_id(m, label, path)
        ref = repr(rule_id or label or path)
        points = self.number(m["points"], join(path, "points")) if "points" in m else None
        spec = self.field_spec(m, path, ref)
        operator = self.operator(m, path, ref, spec)
        if spec is None or operator is None:
            return None
        ok, value, low, high = self.operands(m, path, spec, operator)
        if not ok or label is None or rule_id is None or points is None:
            return None
        return FitRule(rule_id, label, spec.name, operator, points, value, low, high)

    def field_spec(self, m: dict[str, object], path: str, ref: str) -> FieldSpec | None:
        if "field" not in m:
            return None
        name = m["field"]
        spec = FIELDS.get(name) if isinstance(name, str) else None
        if spec is None:
            known = ", ".join(FIELDS)
            self.err.add(
                join(path, "field"), f"unknown field {name!r} in rule {ref} (known: {known})"
            )
        return spec

    def operator(
        self, m: dict[str, object], path: str, ref: str, spec: FieldSpec | None
    ) -> Operator | None:
        if "operator" not in m:
            return None
        raw = m["operator"]
        if not isinstance(raw, str) or raw not in set(Operator):
            known = ", ".join(Operator)
            self.err.add(join(path, "operator"), f"unknown operator {raw!r} (known: {known})")
            return None
        operator = Operator(str(raw))
        if spec is not None and operator not in OPERATORS[spec.type]:
            fits = ", ".join(t for t in FieldType if operator in OPERATORS[t])
            takes = ", ".join(OPERATORS[spec.type])
            self.err.add(
                join(path, "operator"),
                f"rule {ref}: operator {operator.value!r} needs a {fits} field, but "
                f"{spec.name!r} is a {spec.type} field ({spec.type} fields take: {takes})",
            )
            return None
        return operator

    def operands(
        self, m: dict[str, object], path: str, spec: FieldSpec, operator: Operator
    ) -> tuple[bool, RuleValue, float | None, float | None]:
        """(all right?, value, min, max) for the operator."""
        wanted = OPERANDS[operator]
        before = len(self.err.errors)
        for key in ("value", "min", "max"):
            if key in m and key not in wanted:
                self.err.add(join(path, key), f"not used by the operator {operator.value!r}")
        value: RuleValue = None
        low = high = None
        if operator is Operator.RANGE:
            low = None if m.get("min") is None else self.number(m["min"], join(path, "min"))
            high = None if m.get("max") is None else self.number(m["max"], join(path, "max"))
            if m.get("min") is None and m.get("max") is None:
                self.err.add(path, "a range needs min, max or both")
            elif low is not None and high is not None and low >= high:
                self.err.add(join(path, "max"), "must be greater than min (max is exclusive)")
        elif wanted and "value" not in m:
            self.err.add(path, f"missing key 'value' for the operator {operator.value!r}")
        elif operator in (Operator.IN, Operator.NOT_IN):
            raw = m["value"]
            values = raw if isinstance(raw, list) else [raw]
            if not values:
                self.err.add(join(path, "value"), "expected at least one value")
            found = [self.scalar(v, f"{path}.value[{i}]", spec.type) for i, v in enumerate(values)]
            value = tuple(v for v in found if v is not None)
        elif wanted:
            value = self.scalar(m["value"], join(path, "value"), spec.type)
        return len(self.err.errors) == before, value, low, high

    def scalar(self, raw: object, path: str, type_: FieldType) -> Scalar | None:
        if type_ is FieldType.NUMBER:
            return self.number(raw, path)
        if type_ is FieldType.BOOLEAN:
            return self.boolean(raw, path)
        return self.text(raw, path)

    def rule_id(self, m: dict[str, object], label: str | None, path: str) -> str | None:
        rule_id = self.id_or_slug(m, label, path)
        if rule_id is None:
            return None
        other = self.rule_ids.setdefault(rule_id, path)
        if other != path:
            where = join(path, "id") if "id" in m else path
            self.err.add(
                where, f"rule id {rule_id!r} is already used by {other}; give one another id"
            )
        return rule_id

    def engagement_rules(self, raw: object, path: str) -> tuple[EngagementRule, ...]:
        items = self.items(raw, path) or ()
        rules = (self.engagement_rule(r, f"{path}[{i}]") for i, r in enumerate(items))
        return tuple(r for r in rules if r is not None)

    def engagement_rule(self, raw: object, path: str) -> EngagementRule | None:
        m = self.mapping(raw, path, ENGAGEMENT_KEYS, required=("label", "points"))
        if m is None:
            return None
        label = self.text(m["label"], join(path, "label")) if "label" in m else None
        rule_id = self.rule_id(m, label, path)
        points = self.number(m["points"], join(path, "points")) if "points" in m else None
        cap = self.optional_number(m, "cap", path)
        window = self.optional_number(m, "window_days", path)
        when = self.conditions(m.get("when", {}), join(path, "when"))
        if label is None or rule_id is None or points is None or when is None:
            return None
        return EngagementRule(rule_id, label, when, points, cap, window)

    def conditions(self, raw: object, path: str) -> Conditions | None:
        m = self.mapping({} if raw is None else raw, path, WHEN_KEYS)
        if m is None:
            return None
        before = len(self.err.errors)
        known = {"kind": TOUCHPOINT_KINDS, "channel": CHANNEL_VALUES, "funnel_stage": FUNNEL_STAGES}
        found: dict[str, Any] = {}
        for key, values in known.items():
            if key in m:
                found[key] = self.choices(m[key], join(path, key), values, key.replace("_", " "))
        for key in _GLOB_KEYS:
            if key in m:
                found[key] = self.texts(m[key], join(path, key))
        if "high_intent" in m:
            found["high_intent"] = self.boolean(m["high_intent"], join(path, "high_intent"))
        if "properties" in m:
            found["properties"] = self.properties(m["properties"], join(path, "properties"))
        return Conditions(**found) if len(self.err.errors) == before else None

    def properties(self, raw: object, path: str) -> tuple[tuple[str, Scalar], ...]:
        if not isinstance(raw, dict) or not raw:
            self.err.add(path, "expected a mapping of property name → value")
            return ()
        pairs = []
        for key, value in raw.items():
            if not isinstance(key, str) or not key:
                self.err.add(path, f"property names are text, got {key!r}")
            elif isinstance(value, str | bool) or is_number(value):
                pairs.append((key, value))
            else:
                self.err.add(
                    join(path, key), f"expected text, a number or true/false, got {value!r}"
                )
        return tuple(pairs)

    # Groups, criteria and settings

    def groups(self, raw: object, path: str) -> tuple[ScoreGroup, ...]:
        found: list[ScoreGroup] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(self.items(raw, path) or ()):
            here = f"{path}[{i}]"
            m = self.mapping(item, here, GROUP_KEYS, required=("id", "label"))
            if m is None:
                continue
            group_id = self.ident(m["id"], join(here, "id")) if "id" in m else None
            if group_id == DEFAULT_GROUP_ID:
                self.err.add(
                    join(here, "id"), "'default' is the group of the top-level engagement_rules"
                )
            elif group_id is not None and seen.setdefault(group_id, here) != here:
                self.err.add(
                    join(here, "id"), f"group id {group_id!r} is already used by {seen[group_id]}"
                )
            label = self.text(m["label"], join(here, "label")) if "label" in m else None
            rules = self.engagement_rules(m.get("engagement_rules"), join(here, "engagement_rules"))
            if group_id is not None and label is not None:
                found.append(ScoreGroup(group_id, label, rules))
        return tuple(found)

    def mql(self, raw: object, path: str) -> tuple[MqlCriterion, ...]:
        items = self.items(raw, path)
        if items == []:
            what = "missing" if raw is None else "empty"
            self.err.add(path, f"{what}: give at least one criterion, e.g. {{fit: 20, total: 80}}")
        found = []
        for i, item in enumerate(items or ()):
            here = f"{path}[{i}]"
            m = self.mapping(item, here, MQL_KEYS)
            if m is None:
                continue
            if not m:
                self.err.add(here, f"give at least one of {', '.join(MQL_KEYS)}")
            values = {
                k: self.number(v, join(here, k), unit=(0, 1) if k == "predicted" else None)
                for k, v in m.items()
            }
            found.append(MqlCriterion(**values))
        return tuple(found)

    def grades(self, raw: object, path: str) -> GradeBands:
        m = self.mapping(raw, path, GRADE_KEYS) or {}
        default = GradeBands()
        bands = {k: self.bands(v, join(path, k)) for k, v in m.items()}
        return GradeBands(
            fit=bands.get("fit") or default.fit,
            engagement=bands.get("engagement") or default.engagement,
        )

    def bands(self, raw: object, path: str) -> tuple[float, float, float] | None:
        if not isinstance(raw, list) or len(raw) != 3:
            self.err.add(path, "expected three lower bounds, best first, e.g. [30, 15, 0]")
            return None
        values = [self.number(v, f"{path}[{i}]") for i, v in enumerate(raw)]
        a, b, c = values
        if a is None or b is None or c is None:
            return None
        if not a > b > c:
            self.err.add(path, "bounds must fall strictly, best first")
        return (a, b, c)

    def account(self, raw: object, path: str) -> AccountSettings:
        m = self.mapping(raw, path, ACCOUNT_KEYS) or {}
        return AccountSettings(engagement_cap=self.optional_number(m, "engagement_cap", path))

    def sql_checklist(self, raw: object, path: str) -> tuple[SqlItem, ...]:
        found: list[SqlItem] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(self.items(raw, path) or ()):
            here = f"{path}[{i}]"
            m = self.mapping(item, here, SQL_KEYS, required=("label",))
            if m is None:
                continue
            label = self.text(m["label"], join(here, "label")) if "label" in m else None
            item_id = self.id_or_slug(m, label, here)
            if item_id is not None and seen.setdefault(item_id, here) != here:
                self.err.add(here, f"item id {item_id!r} is already used by {seen[item_id]}")
            if item_id is not None and label is not None:
                found.append(SqlItem(item_id, label))
        return tuple(found)


def _or_empty(raw: object) -> object:
    """A section left out or written as null takes its defaults."""
    return {} if raw is None else raw
