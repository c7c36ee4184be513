"""The definition editor's form → the definition's plain data (the rows drawn from it:
editor_rows.py).

Every input is named by the path `definition_from_dict` reports its mistakes under
(`fit_rules[2].field`, `groups[0].engagement_rules[1].when.kind`, `grades.fit[0]`), so each
mistake lands beside the input or row it concerns. Rows are read in index order and renumbered
from 0, as removing a row leaves a gap; the editor is then drawn again from the data read, so the
names and the error paths agree. Plain Python: the form is anything with `keys()` and
`getlist()` (a Django QueryDict).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Protocol

from smarketing.scoring.rules.catalogue import (
    CHANNEL_VALUES,
    FIELDS,
    FUNNEL_STAGES,
    TOUCHPOINT_KINDS,
    FieldType,
    Operator,
)
from smarketing.scoring.rules.model import FORMAT_VERSION
from smarketing.scoring.rules.schema import OPERANDS

_INT = re.compile(r"[+-]?\d+")
# The condition keys drawn as multiple choices, and those written as globs.
CHOICE_KEYS = {"kind": TOUCHPOINT_KINDS, "channel": CHANNEL_VALUES, "funnel_stage": FUNNEL_STAGES}
GLOB_KEYS = ("path", "form", "campaign", "event")


class FormData(Protocol):
    def keys(self) -> Iterable[str]: ...
    def getlist(self, key: str) -> list[str]: ...


def data_from_form(form: FormData) -> dict[str, object]:
    """The plain data `definition_from_dict` reads. Numbers are read as numbers where they parse;
    anything else is passed on as typed, so the engine names the mistake and where it is."""
    keys = list(form.keys())
    data: dict[str, object] = {
        "format": FORMAT_VERSION,
        "name": _one(form, "name") or "",
        "decay_half_life_days": _number_or_none(_one(form, "decay_half_life_days")),
        "fit_rules": [_fit_rule(form, p) for p in _rows(keys, "fit_rules")],
        "engagement_rules": [_engagement_rule(form, p) for p in _rows(keys, "engagement_rules")],
    }
    groups = [_group(form, keys, p) for p in _rows(keys, "groups")]
    if groups:
        data["groups"] = groups
    data["mql"] = [_mql(form, p) for p in _rows(keys, "mql")]
    grades = {k: b for k in ("fit", "engagement") if (b := _bands(form, f"grades.{k}"))}
    data["grades"] = grades
    data["account_score"] = {
        "engagement_cap": _number_or_none(_one(form, "account_score.engagement_cap"))
    }
    sql = [_sql_item(form, p) for p in _rows(keys, "sql_checklist")]
    if sql:
        data["sql_checklist"] = sql
    return data


def fit_rule_from_form(form: FormData, path: str) -> dict[str, object]:
    """One fit row, for drawing it again when its field or operator changes."""
    return _fit_rule(form, path)


def next_row_path(form: FormData, section: str) -> str:
    """A path for a new row of `section`, after every row the form has."""
    rows = _rows(list(form.keys()), section)
    last = max((int(p.rsplit("[", 1)[1][:-1]) for p in rows), default=-1)
    return f"{section}[{last + 1}]"


def _rows(keys: list[str], section: str) -> list[str]:
    pattern = re.compile(re.escape(section) + r"\[(\d+)\]\.")
    found = {int(m.group(1)) for k in keys if (m := pattern.match(k))}
    return [f"{section}[{i}]" for i in sorted(found)]


def _one(form: FormData, key: str) -> str | None:
    values = form.getlist(key)
    return values[-1].strip() if values else None


def _number(raw: str) -> object:
    if _INT.fullmatch(raw):
        return int(raw)
    try:
        value = float(raw)
    except ValueError:
        return raw
    return value if math.isfinite(value) else raw


def _number_or_none(raw: str | None) -> object:
    return None if not raw else _number(raw)


def _split(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _scalar(raw: str, type_: FieldType | None) -> object:
    if type_ is FieldType.NUMBER:
        return _number(raw)
    if type_ is FieldType.BOOLEAN and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return raw


def _put_id(form: FormData, path: str, out: dict[str, object]) -> None:
    rule_id = _one(form, f"{path}.id")
    if rule_id:
        out["id"] = rule_id


def _fit_rule(form: FormData, path: str) -> dict[str, object]:
    out: dict[str, object] = {}
    _put_id(form, path, out)
    out["label"] = _one(form, f"{path}.label") or ""
    name = _one(form, f"{path}.field") or ""
    operator = _one(form, f"{path}.operator") or ""
    out["field"], out["operator"] = name, operator
    spec = FIELDS.get(name)
    type_ = spec.type if spec is not None else None
    known = operator in set(Operator)
    operands = OPERANDS[Operator(operator)] if known else ("value", "min", "max")
    for key in operands:
        raw = _one(form, f"{path}.{key}")
        if key == "value" and operator in (Operator.IN, Operator.NOT_IN):
            out["value"] = [_scalar(v, type_) for v in _split(raw)]
        elif key == "value" and (known or raw):
            # Blank is passed on, so the error is "expected a number/text" at the input.
            out["value"] = _scalar(raw or "", type_)
        elif key != "value" and raw:
            out[key] = _number(raw)
    out["points"] = _number(_one(form, f"{path}.points") or "")
    return out


def _engagement_rule(form: FormData, path: str) -> dict[str, object]:
    out: dict[str, object] = {}
    _put_id(form, path, out)
    out["label"] = _one(form, f"{path}.label") or ""
    out["when"] = _conditions(form, f"{path}.when")
    out["points"] = _number(_one(form, f"{path}.points") or "")
    for key in ("cap", "window_days"):
        raw = _one(form, f"{path}.{key}")
        if raw:
            out[key] = _number(raw)
    return out


def _conditions(form: FormData, path: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in CHOICE_KEYS:
        chosen = [v.strip() for v in form.getlist(f"{path}.{key}") if v.strip()]
        if chosen:
            out[key] = chosen[0] if len(chosen) == 1 else chosen
    for key in GLOB_KEYS:
        parts = _split(_one(form, f"{path}.{key}"))
        if parts:
            out[key] = parts[0] if len(parts) == 1 else parts
    high_intent = _one(form, f"{path}.high_intent")
    if high_intent:
        out["high_intent"] = _scalar(high_intent, FieldType.BOOLEAN)
    properties = _one(form, f"{path}.properties")
    if properties:
        out["properties"] = _properties(properties)
    return out


def _properties(raw: str) -> object:
    """ "plan=pro, trial=true" → {"plan": "pro", "trial": True}; anything else as typed."""
    pairs: dict[str, object] = {}
    for part in _split(raw):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            return raw
        value = value.strip()
        lowered = value.lower()
        if lowered in ("true", "false"):
            pairs[key.strip()] = lowered == "true"
        else:
            number = _number(value)
            pairs[key.strip()] = number if value else ""
    return pairs


def _group(form: FormData, keys: list[str], path: str) -> dict[str, object]:
    section = f"{path}.engagement_rules"
    return {
        "id": _one(form, f"{path}.id") or "",
        "label": _one(form, f"{path}.label") or "",
        "engagement_rules": [_engagement_rule(form, p) for p in _rows(keys, section)],
    }


def _mql(form: FormData, path: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in ("fit", "engagement", "total", "predicted"):
        raw = _one(form, f"{path}.{key}")
        if raw:
            out[key] = _number(raw)
    return out


def _bands(form: FormData, path: str) -> list[object] | None:
    raw = [_one(form, f"{path}[{i}]") or "" for i in range(3)]
    return None if not any(raw) else [_number(v) for v in raw]


def _sql_item(form: FormData, path: str) -> dict[str, object]:
    out: dict[str, object] = {}
    _put_id(form, path, out)
    out["label"] = _one(form, f"{path}.label") or ""
    return out
