"""What a draft changes against the live definition, for the sign-off page: rules added,
removed or changed (field by field, before and after), and changed criteria and settings."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from smarketing.scoring.rules.model import DEFAULT_GROUP_ID, Definition, ScoreGroup
from smarketing.scoring.rules.serialize import (
    definition_to_dict,
    engagement_rule_to_dict,
    fit_rule_to_dict,
)


class Action(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """`field` is the key as in the file ("points", "when.path"); None where it was or is not."""

    field: str
    before: object
    after: object


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. `section` is fit_rules, engagement_rules, groups, mql, grades, decay,
    account_score, sql_checklist or name; `group` the score group of an engagement rule."""

    action: Action
    section: str
    item_id: str | None
    label: str
    fields: tuple[FieldChange, ...]
    group: str | None = None

    def describe(self) -> str:
        what = self.label if self.item_id is None else f"{self.item_id!r} ({self.label})"
        where = f" in group {self.group!r}" if self.group not in (None, DEFAULT_GROUP_ID) else ""
        noun = _NOUNS.get(self.section, "")
        head = " ".join(part for part in (self.action.value.capitalize(), noun, what) if part)
        if self.action is not Action.CHANGED:
            return head + where
        details = "; ".join(
            ("" if f.field == self.section else f"{f.field}: ")
            + f"{_show(f.before)} → {_show(f.after)}"
            for f in self.fields
        )
        return f"{head}{where}: {details}"


_NOUNS = {
    "fit_rules": "fit rule",
    "engagement_rules": "engagement rule",
    "groups": "score group",
    "sql_checklist": "SQL checklist item",
}


def _show(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def definition_diff(old: Definition, new: Definition) -> list[Change]:
    """Changes from `old` to `new`, in file order; empty when they score alike and read alike.
    Only a change of order within a list of rules is not reported."""
    changes: list[Change] = []
    before, after = definition_to_dict(old), definition_to_dict(new)
    changes += _settings("name", "Name", {"name": before["name"]}, {"name": after["name"]})
    changes += _settings(
        "decay",
        "Decay",
        {"decay_half_life_days": old.decay_half_life_days},
        {"decay_half_life_days": new.decay_half_life_days},
    )
    changes += _items(
        "fit_rules",
        [fit_rule_to_dict(r) for r in old.fit_rules],
        [fit_rule_to_dict(r) for r in new.fit_rules],
    )
    changes += _groups(old.score_groups(), new.score_groups())
    if old.mql != new.mql:
        described = [" or ".join(c.describe() for c in d.mql) for d in (old, new)]
        fields = (FieldChange("mql", *described),)
        changes.append(Change(Action.CHANGED, "mql", None, "MQL criteria", fields))
    changes += _settings("grades", "Grade bands", _flat(before["grades"]), _flat(after["grades"]))
    changes += _settings(
        "account_score",
        "Account score",
        _flat(before["account_score"]),
        _flat(after["account_score"]),
    )
    changes += _items(
        "sql_checklist",
        [{"id": s.id, "label": s.label} for s in old.sql_checklist],
        [{"id": s.id, "label": s.label} for s in new.sql_checklist],
    )
    return changes


def _groups(old: Sequence[ScoreGroup], new: Sequence[ScoreGroup]) -> list[Change]:
    changes = _items(
        "groups",
        [{"id": g.id, "label": g.label} for g in old],
        [{"id": g.id, "label": g.label} for g in new],
    )
    old_by_id = {g.id: g for g in old}
    new_by_id = {g.id: g for g in new}
    for group_id in [*old_by_id, *(g for g in new_by_id if g not in old_by_id)]:
        rules_before = old_by_id[group_id].engagement_rules if group_id in old_by_id else ()
        rules_after = new_by_id[group_id].engagement_rules if group_id in new_by_id else ()
        changes += _items(
            "engagement_rules",
            [engagement_rule_to_dict(r) for r in rules_before],
            [engagement_rule_to_dict(r) for r in rules_after],
            group=group_id,
        )
    return changes


def _items(
    section: str,
    old: Sequence[Mapping[str, object]],
    new: Sequence[Mapping[str, object]],
    *,
    group: str | None = None,
) -> list[Change]:
    """Items matched by id: removed ones (old order), then changed and added ones (new order)."""
    old_by_id = {str(item["id"]): _flat(item) for item in old}
    new_by_id = {str(item["id"]): _flat(item) for item in new}
    changes = [
        _whole(Action.REMOVED, section, item, group)
        for item_id, item in old_by_id.items()
        if item_id not in new_by_id
    ]
    for item_id, item in new_by_id.items():
        if item_id not in old_by_id:
            changes.append(_whole(Action.ADDED, section, item, group))
            continue
        fields = _field_changes(old_by_id[item_id], item)
        if fields:
            label = str(item["label"])
            changes.append(Change(Action.CHANGED, section, item_id, label, fields, group))
    return changes


def _whole(action: Action, section: str, item: Mapping[str, object], group: str | None) -> Change:
    fields = tuple(
        FieldChange(k, None, v) if action is Action.ADDED else FieldChange(k, v, None)
        for k, v in item.items()
        if k != "id"
    )
    return Change(action, section, str(item["id"]), str(item["label"]), fields, group)


def _settings(
    section: str, label: str, old: Mapping[str, object], new: Mapping[str, object]
) -> list[Change]:
    fields = _field_changes(old, new)
    return [Change(Action.CHANGED, section, None, label, fields)] if fields else []


def _field_changes(old: Mapping[str, object], new: Mapping[str, object]) -> tuple[FieldChange, ...]:
    keys = [*old, *(k for k in new if k not in old)]
    return tuple(
        FieldChange(k, old.get(k), new.get(k)) for k in keys if _differ(old.get(k), new.get(k))
    )


def _differ(a: object, b: object) -> bool:
    # 20 and 20.0 are the same number, but true is not 1.
    return isinstance(a, bool) != isinstance(b, bool) or a != b


def _flat(item: object, prefix: str = "") -> dict[str, object]:
    """Nested mappings as dotted keys: {"when": {"path": x}} → {"when.path": x}."""
    out: dict[str, object] = {}
    assert isinstance(item, Mapping)
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(_flat(value, f"{name}."))
        else:
            out[name] = value
    return out
