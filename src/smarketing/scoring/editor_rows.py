"""The definition editor's rows drawn from a definition's plain data (`definition_to_dict`, or
what `editor.data_from_form` read from a failed save), each mistake `definition_from_dict` names
placed beside the input, row, group or section its path points at. Plain Python."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from smarketing.scoring.editor import CHOICE_KEYS, GLOB_KEYS
from smarketing.scoring.rules.catalogue import (
    FIELDS,
    OPERATORS,
    FieldType,
    Operator,
)
from smarketing.scoring.rules.schema import OPERANDS

_LAST_PART = re.compile(r"(\.[^.\[\]]*|\[\d+\])$")
SECTIONS = (
    "fit_rules",
    "engagement_rules",
    "groups",
    "mql",
    "grades",
    "account_score",
    "sql_checklist",
)
SECTION_TITLES = {
    "fit_rules": "Fit rule",
    "engagement_rules": "Engagement rule",
    "groups": "Score group",
    "mql": "MQL criterion",
    "sql_checklist": "SQL checklist item",
}


@dataclass
class Input:
    """One form control: `value` is what it shows (a list for a multiple choice)."""

    name: str
    label: str
    value: str | list[str] = ""
    kind: str = "text"  # text, number, select, multiple
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    disabled: bool = False
    hint: str = ""

    @property
    def dom_id(self) -> str:
        return "e-" + re.sub(r"[^A-Za-z0-9_]+", "-", self.name).strip("-")


@dataclass
class Row:
    """A rule (or criterion, checklist item) as a row of inputs keyed by their last name."""

    path: str
    title: str
    inputs: dict[str, Input]
    errors: list[str] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return "row-" + re.sub(r"[^A-Za-z0-9_]+", "-", self.path).strip("-")

    def all_inputs(self) -> list[Input]:
        return list(self.inputs.values())

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(i.errors for i in self.inputs.values())


@dataclass
class Group:
    """A score group: the default one (no id or label inputs) or a further one."""

    path: str
    rules_path: str
    rules: list[Row]
    id: Input | None = None
    label: Input | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return "group-" + (re.sub(r"[^A-Za-z0-9_]+", "-", self.path).strip("-") or "default")

    @property
    def rules_dom_id(self) -> str:
        return self.dom_id + "-rules"


@dataclass
class Editor:
    name: Input
    decay: Input
    fit: list[Row]
    groups: list[Group]
    mql: list[Row]
    grades: Row
    account_cap: Input
    sql: list[Row]
    section_errors: dict[str, list[str]] = field(default_factory=dict)
    general_errors: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[Row]:
        yield from self.fit
        for group in self.groups:
            yield from group.rules
        yield from self.mql
        yield self.grades
        yield from self.sql

    def inputs(self) -> Iterator[Input]:
        yield from (self.name, self.decay, self.account_cap)
        for group in self.groups:
            yield from (i for i in (group.id, group.label) if i is not None)
        for row in self.rows():
            yield from row.inputs.values()

    def messages(self) -> list[str]:
        """Every mistake in words, naming the row and the input: for a summary above the
        editor and for the preview, which does not draw the rows again."""
        out = list(self.general_errors)
        for section, reasons in self.section_errors.items():
            out += [f"{section.replace('_', ' ').capitalize()}: {r}" for r in reasons]
        for one in (self.name, self.decay, self.account_cap):
            out += [f"{one.label}: {r}" for r in one.errors]
        for group in self.groups:
            for named in (group.id, group.label):
                if named is not None:
                    title = f"{group_title(group)}, {named.label.lower()}"
                    out += [f"{title}: {r}" for r in named.errors]
            out += [f"{group_title(group)}: {r}" for r in group.errors]
        for row in self.rows():
            out += [f"{row.title}: {r}" for r in row.errors]
            for one in row.inputs.values():
                out += [f"{row.title}, {one.label.lower()}: {r}" for r in one.errors]
        return out


def group_title(group: Group) -> str:
    label = group.label.value if group.label is not None else "Default"
    return f"Score group “{label}”" if label else "Score group"


def editor_from_data(
    data: Mapping[str, Any], *, errors: Mapping[str, list[str]] | None = None
) -> Editor:
    """The rows for a definition's plain data (`definition_to_dict`, or what `data_from_form`
    read from a failed save), with each mistake placed beside its input or row."""
    grades = data.get("grades") or {}
    account = data.get("account_score") or {}
    editor = Editor(
        name=Input("name", "Name", show(data.get("name"))),
        decay=Input(
            "decay_half_life_days",
            "Decay half-life (days)",
            show(data.get("decay_half_life_days")),
            kind="number",
            hint="Engagement points halve every this many days; empty: no decay.",
        ),
        fit=[fit_row(r, f"fit_rules[{i}]") for i, r in enumerate(_list(data.get("fit_rules")))],
        groups=[_default_group(data)]
        + [_group_rows(g, f"groups[{i}]") for i, g in enumerate(_list(data.get("groups")))],
        mql=[mql_row(c, f"mql[{i}]") for i, c in enumerate(_list(data.get("mql")))],
        grades=_grades_row(grades if isinstance(grades, Mapping) else {}),
        account_cap=Input(
            "account_score.engagement_cap",
            "Account engagement cap",
            show(account.get("engagement_cap") if isinstance(account, Mapping) else None),
            kind="number",
            hint="The account's summed engagement is held within ± this; empty: no cap.",
        ),
        sql=[
            sql_row(s, f"sql_checklist[{i}]")
            for i, s in enumerate(_list(data.get("sql_checklist")))
        ],
    )
    if errors:
        place_errors(editor, errors)
    return editor


def _list(raw: object) -> list[Mapping[str, Any]]:
    return [r if isinstance(r, Mapping) else {} for r in raw] if isinstance(raw, list) else []


def show(value: object) -> str:
    """A value as the editor shows it: as the file writes it (true, 20, 2.5), lists with
    commas, properties as key=value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={show(v)}" for k, v in value.items())
    return str(value)


def _title(section: str, path: str, label: object) -> str:
    number = int(path.rsplit("[", 1)[1][:-1]) + 1
    named = f" “{label}”" if isinstance(label, str) and label.strip() else ""
    return f"{SECTION_TITLES[section]} {number}{named}"


def fit_row(rule: Mapping[str, Any], path: str, *, fix_operator: bool = False) -> Row:
    """A fit rule's row. The operators offered are those of the field's type; with
    `fix_operator` (the field was just changed) one that does not suit it becomes the first
    that does, else it stays and its mistake is shown."""
    name = str(rule.get("field") or "")
    spec = FIELDS.get(name)
    operator = str(rule.get("operator") or "")
    offered = list(OPERATORS[spec.type]) if spec is not None else list(Operator)
    if fix_operator and operator not in offered:
        operator = offered[0].value
    field_choices = [(f.name, f"{f.name} ({f.type})") for f in FIELDS.values()]
    if spec is None:
        field_choices.insert(0, (name, f"{name or '(none)'} (unknown field)"))
    operator_choices = [(o.value, o.value.replace("_", " ")) for o in offered]
    if operator not in offered:
        what = f"not for a {spec.type} field" if spec is not None else "unknown"
        operator_choices.insert(0, (operator, f"{operator or '(none)'} ({what})"))
    used = OPERANDS.get(Operator(operator), ()) if operator in set(Operator) else ()
    value = rule.get("value")
    listed = operator in (Operator.IN, Operator.NOT_IN)
    value_input = Input(
        f"{path}.value",
        "Value",
        show(value),
        disabled="value" not in used,
        hint="a, b, c" if listed else "",
    )
    if spec is not None and spec.type is FieldType.BOOLEAN and "value" in used:
        value_input.kind = "select"
        value_input.choices = [("true", "true"), ("false", "false")]
    inputs = {
        "id": Input(f"{path}.id", "Id", show(rule.get("id")), hint="from the label when empty"),
        "label": Input(f"{path}.label", "Label", show(rule.get("label"))),
        "field": Input(f"{path}.field", "Field", name, kind="select", choices=field_choices),
        "operator": Input(
            f"{path}.operator", "Operator", operator, kind="select", choices=operator_choices
        ),
        "value": value_input,
        "min": Input(
            f"{path}.min", "Min", show(rule.get("min")), "number", disabled="min" not in used
        ),
        "max": Input(
            f"{path}.max", "Max", show(rule.get("max")), "number", disabled="max" not in used
        ),
        "points": Input(f"{path}.points", "Points", show(rule.get("points")), "number"),
    }
    return Row(path, _title("fit_rules", path, rule.get("label")), inputs)


def engagement_row(rule: Mapping[str, Any], path: str) -> Row:
    when = rule.get("when")
    when = when if isinstance(when, Mapping) else {}
    inputs = {
        "id": Input(f"{path}.id", "Id", show(rule.get("id")), hint="from the label when empty"),
        "label": Input(f"{path}.label", "Label", show(rule.get("label"))),
        "points": Input(f"{path}.points", "Points each", show(rule.get("points")), "number"),
        "cap": Input(f"{path}.cap", "Cap", show(rule.get("cap")), "number", hint="± limit"),
        "window_days": Input(
            f"{path}.window_days", "Window (days)", show(rule.get("window_days")), "number"
        ),
    }
    for key, known in CHOICE_KEYS.items():
        chosen = when.get(key)
        values = [show(v) for v in (chosen if isinstance(chosen, list) else [chosen])]
        values = [v for v in values if v]
        choices = [(v, v.replace("_", " ")) for v in known]
        choices += [(v, f"{v} (unknown)") for v in values if v not in known]
        inputs[key] = Input(
            f"{path}.when.{key}",
            key.replace("_", " ").capitalize(),
            values,
            kind="multiple",
            choices=choices,
            hint="any" if not values else "",
        )
    for key in GLOB_KEYS:
        inputs[key] = Input(
            f"{path}.when.{key}", key.capitalize(), show(when.get(key)), hint="glob, e.g. /pricing*"
        )
    high = when.get("high_intent")
    inputs["high_intent"] = Input(
        f"{path}.when.high_intent",
        "High-intent page",
        show(high),
        kind="select",
        choices=[("", "either"), ("true", "yes"), ("false", "no")],
    )
    inputs["properties"] = Input(
        f"{path}.when.properties", "Properties", show(when.get("properties")), hint="key=value, …"
    )
    return Row(path, _title("engagement_rules", path, rule.get("label")), inputs)


def mql_row(criterion: Mapping[str, Any], path: str) -> Row:
    inputs = {
        key: Input(f"{path}.{key}", label, show(criterion.get(key)), "number", hint=hint)
        for key, label, hint in (
            ("fit", "Fit ≥", ""),
            ("engagement", "Engagement ≥", ""),
            ("total", "Total ≥", ""),
            ("predicted", "Predicted ≥", "0–1"),
        )
    }
    return Row(path, _title("mql", path, None), inputs)


def sql_row(item: Mapping[str, Any], path: str) -> Row:
    inputs = {
        "id": Input(f"{path}.id", "Id", show(item.get("id")), hint="from the label when empty"),
        "label": Input(f"{path}.label", "Label", show(item.get("label"))),
    }
    return Row(path, _title("sql_checklist", path, item.get("label")), inputs)


def _grades_row(grades: Mapping[str, Any]) -> Row:
    inputs = {}
    for key, names in (("fit", "ABC"), ("engagement", "123")):
        bands = grades.get(key)
        bands = bands if isinstance(bands, list) and len(bands) == 3 else [None] * 3
        for i, band in enumerate(bands):
            inputs[f"{key}{i}"] = Input(
                f"grades.{key}[{i}]", f"{key.capitalize()} {names[i]} from", show(band), "number"
            )
    return Row("grades", "Grades", inputs)


def _default_group(data: Mapping[str, Any]) -> Group:
    rules = _list(data.get("engagement_rules"))
    rows = [engagement_row(r, f"engagement_rules[{i}]") for i, r in enumerate(rules)]
    return Group(path="", rules_path="engagement_rules", rules=rows)


def _group_rows(group: Mapping[str, Any], path: str) -> Group:
    rules_path = f"{path}.engagement_rules"
    rules = _list(group.get("engagement_rules"))
    rows = [engagement_row(r, f"{rules_path}[{i}]") for i, r in enumerate(rules)]
    for row in rows:
        row.title = f"{show(group.get('label')) or 'Group'}: {row.title}"
    return Group(
        path=path,
        rules_path=rules_path,
        rules=rows,
        id=Input(f"{path}.id", "Id", show(group.get("id"))),
        label=Input(f"{path}.label", "Label", show(group.get("label"))),
    )


def place_errors(editor: Editor, errors: Mapping[str, list[str]]) -> None:
    """Each reason beside the input its path names, else the row, group or section holding
    it; what is none of these goes above the editor."""
    inputs = {i.name: i for i in editor.inputs()}
    rows = {r.path: r for r in editor.rows()}
    groups = {g.path: g for g in editor.groups if g.path}
    for path, reasons in errors.items():
        here = path
        while True:
            if here in inputs:
                inputs[here].errors += reasons
            elif here in rows:
                rows[here].errors += reasons
            elif here in groups:
                groups[here].errors += reasons
            elif here in SECTIONS:
                editor.section_errors.setdefault(here, []).extend(reasons)
            elif _LAST_PART.search(here):
                here = _LAST_PART.sub("", here)
                continue
            else:
                editor.general_errors += reasons
            break


def new_row(section: str, path: str) -> Row:
    """An empty row for `section` (the last part of its path names it), with the first field
    and its first operator chosen."""
    kind = section.rsplit(".", 1)[-1]
    if kind == "fit_rules":
        first = next(iter(FIELDS.values()))
        return fit_row({"field": first.name, "operator": OPERATORS[first.type][0].value}, path)
    if kind == "engagement_rules":
        return engagement_row({}, path)
    if kind == "mql":
        return mql_row({}, path)
    if kind == "sql_checklist":
        return sql_row({}, path)
    raise ValueError(f"no rows in section {section!r}")


def new_group(path: str) -> Group:
    return _group_rows({}, path)
