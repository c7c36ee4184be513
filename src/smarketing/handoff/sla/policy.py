"""An SLA policy's text: parsing, validation and the canonical dump. Plain Python, no Django.

The text is YAML with a `sales` and a `marketing` section (docs/sla.md shows a whole one).
Every mistake is reported against its field path (`sales.cadence.steps[2].actions`), and
numbers that contradict each other are refused, e.g. a first touch due after the cadence ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

# A business day's length when hour limits are compared with day limits (the default
# calendar's 9-17). Only used to refuse contradictory numbers, never to run a clock.
REFERENCE_DAY_HOURS = 8
ACTIONS = ("call", "email")


class PolicyError(ValueError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {'; '.join(v)}" for k, v in errors.items()))


@dataclass(frozen=True)
class Step:
    day: int
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Cadence:
    """At least `calls` calls and `emails` emails within `within_days` business days."""

    steps: tuple[Step, ...]
    within_days: int

    @property
    def calls(self) -> int:
        return sum(step.actions.count("call") for step in self.steps)

    @property
    def emails(self) -> int:
        return sum(step.actions.count("email") for step in self.steps)


@dataclass(frozen=True)
class SalesTerms:
    accept_within_hours: float
    first_touch_within_hours: float
    cadence: Cadence
    recycle_reason: str
    recycle_within_hours: float = 8
    due_soon_hours: float = 2
    escalate_after_hours: float = 4


@dataclass(frozen=True)
class Segment:
    """Contacts whose company has between `min_employees` and `max_employees` (inclusive)."""

    name: str
    min_employees: int | None = None
    max_employees: int | None = None

    def contains(self, employees: int | None) -> bool:
        if employees is None:
            return False
        low = self.min_employees if self.min_employees is not None else 0
        high = self.max_employees if self.max_employees is not None else employees
        return low <= employees <= high


@dataclass(frozen=True)
class SalesSegment:
    segment: Segment
    terms: SalesTerms


@dataclass(frozen=True)
class MarketingSegment:
    segment: Segment
    mqls_per_month: int
    min_acceptance_rate: float | None = None


@dataclass(frozen=True)
class MarketingTerms:
    mqls_per_month: int
    content_per_month: int
    min_acceptance_rate: float | None = None
    segments: tuple[MarketingSegment, ...] = ()


@dataclass(frozen=True)
class Policy:
    sales: SalesTerms
    marketing: MarketingTerms
    sales_segments: tuple[SalesSegment, ...] = ()

    def sales_terms_for(self, employees: int | None) -> tuple[str, SalesTerms]:
        """The segment a company of that size falls in (first match) and its terms."""
        for entry in self.sales_segments:
            if entry.segment.contains(employees):
                return entry.segment.name, entry.terms
        return "", self.sales


class _Reader:
    """Collects every error instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def fail(self, path: str, reason: str) -> None:
        self.errors.setdefault(path, []).append(reason)

    def mapping(self, value: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, "must be a mapping of fields")
            return {}
        for key in value:
            if key not in allowed:
                self.fail(f"{path}.{key}", f"unknown field (known: {', '.join(sorted(allowed))})")
        return value

    def number(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        *,
        default: float | None = None,
        integer: bool = False,
        minimum: float = 0,
        positive: bool = True,
        maximum: float | None = None,
        required: bool = True,
    ) -> Any:
        value = data.get(key, default)
        where = f"{path}.{key}"
        if value is None:
            if required:
                self.fail(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(where, f"must be a number, not {value!r}")
            return default
        if integer and not float(value).is_integer():
            self.fail(where, f"must be a whole number, not {value}")
            return default
        if value < minimum or (positive and value <= 0):
            self.fail(where, "must be more than 0" if positive else f"must be at least {minimum}")
            return default
        if maximum is not None and value > maximum:
            self.fail(where, f"must be at most {maximum}")
            return default
        return int(value) if integer else value


SALES_KEYS = {
    "accept_within_hours",
    "first_touch_within_hours",
    "cadence",
    "recycle",
    "due_soon_hours",
    "escalate_after_hours",
}


def _cadence(r: _Reader, value: Any, path: str) -> Cadence | None:
    data = r.mapping(value, path, {"steps", "within_days"})
    if not data:
        r.fail(path, "is required: the steps and the number of business days")
        return None
    raw_steps = data.get("steps")
    steps: list[Step] = []
    if not isinstance(raw_steps, list) or not raw_steps:
        r.fail(f"{path}.steps", "must list at least one step, e.g. {day: 1, actions: [call]}")
    else:
        for i, raw in enumerate(raw_steps):
            where = f"{path}.steps[{i}]"
            item = r.mapping(raw, where, {"day", "actions"})
            day = r.number(item, "day", where, integer=True, minimum=1)
            actions = item.get("actions")
            if isinstance(actions, str):
                actions = [actions]
            if not isinstance(actions, list) or not actions:
                r.fail(f"{where}.actions", "must list call and/or email")
                continue
            bad = [a for a in actions if a not in ACTIONS]
            if bad:
                r.fail(f"{where}.actions", f"unknown action {bad[0]!r} (known: call, email)")
                continue
            if day is not None:
                steps.append(Step(day=day, actions=tuple(actions)))
    last = max((s.day for s in steps), default=1)
    within = r.number(data, "within_days", path, default=last, integer=True, minimum=1)
    if within is not None and within < last:
        r.fail(
            f"{path}.within_days",
            f"the cadence ends on business day {within} but has a step on day {last}",
        )
    steps.sort(key=lambda s: s.day)
    return Cadence(steps=tuple(steps), within_days=within or last)


def _sales_terms(r: _Reader, data: dict[str, Any], path: str, base: SalesTerms | None) -> Any:
    def num(key: str, default: float | None, **kw: Any) -> Any:
        return r.number(data, key, path, default=default, required=base is None, **kw)

    accept = num("accept_within_hours", base.accept_within_hours if base else None)
    touch = num("first_touch_within_hours", base.first_touch_within_hours if base else None)
    cadence = (
        _cadence(r, data.get("cadence"), f"{path}.cadence")
        if base is None or "cadence" in data
        else base.cadence
    )
    recycle = r.mapping(data.get("recycle"), f"{path}.recycle", {"reason", "within_hours"})
    reason = recycle.get("reason", base.recycle_reason if base else None)
    if not isinstance(reason, str) or not reason.strip():
        r.fail(f"{path}.recycle.reason", "is required: the reason code a lead is recycled with")
        reason = ""
    recycle_hours = r.number(
        recycle,
        "within_hours",
        f"{path}.recycle",
        default=base.recycle_within_hours if base else 8,
    )
    soon = num("due_soon_hours", base.due_soon_hours if base else 2)
    escalate = num("escalate_after_hours", base.escalate_after_hours if base else 4)
    if None in (accept, touch, cadence, recycle_hours, soon, escalate):
        return None
    assert cadence is not None
    cadence_hours = cadence.within_days * REFERENCE_DAY_HOURS
    for key, hours in (("first_touch_within_hours", touch), ("accept_within_hours", accept)):
        if hours > cadence_hours:
            r.fail(
                f"{path}.{key}",
                f"{hours:g} business hours is later than the cadence's end "
                f"({cadence.within_days} business days = {cadence_hours} hours)",
            )
    if soon >= min(accept, touch):
        r.fail(
            f"{path}.due_soon_hours",
            f"{soon:g} hours before the deadline is not before the shortest deadline "
            f"({min(accept, touch):g} hours): every lead would be due soon at once",
        )
    return SalesTerms(
        accept_within_hours=accept,
        first_touch_within_hours=touch,
        cadence=cadence,
        recycle_reason=reason.strip(),
        recycle_within_hours=recycle_hours,
        due_soon_hours=soon,
        escalate_after_hours=escalate,
    )


def _segment(r: _Reader, data: dict[str, Any], path: str, names: set[str]) -> Segment | None:
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        r.fail(f"{path}.name", "is required")
        return None
    if name in names:
        r.fail(f"{path}.name", f"segment {name!r} is defined twice")
    names.add(name)
    low = r.number(data, "min_employees", path, integer=True, positive=False, required=False)
    high = r.number(data, "max_employees", path, integer=True, minimum=1, required=False)
    if low is None and high is None:
        r.fail(path, "a segment needs min_employees and/or max_employees")
    elif low is not None and high is not None and high < low:
        r.fail(f"{path}.max_employees", f"{high} is less than min_employees {low}")
    return Segment(name=name, min_employees=low, max_employees=high)


def _segments(r: _Reader, value: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    if value is None:
        return []
    if not isinstance(value, list):
        r.fail(path, "must be a list of segments")
        return []
    return [(f"{path}[{i}]", item) for i, item in enumerate(value)]


def _marketing(r: _Reader, value: Any) -> MarketingTerms | None:
    allowed = {"mqls_per_month", "min_acceptance_rate", "content_per_month", "segments"}
    data = r.mapping(value, "marketing", allowed)
    if not data:
        r.fail("marketing", "is required: mqls_per_month and content_per_month")
        return None
    mqls = r.number(data, "mqls_per_month", "marketing", integer=True)
    content = r.number(data, "content_per_month", "marketing", integer=True)
    rate = r.number(
        data, "min_acceptance_rate", "marketing", positive=False, maximum=1, required=False
    )
    names: set[str] = set()
    segments = []
    for path, raw in _segments(r, data.get("segments"), "marketing.segments"):
        item = r.mapping(
            raw,
            path,
            {"name", "min_employees", "max_employees", "mqls_per_month", "min_acceptance_rate"},
        )
        segment = _segment(r, item, path, names)
        seg_mqls = r.number(item, "mqls_per_month", path, integer=True)
        seg_rate = r.number(
            item, "min_acceptance_rate", path, positive=False, maximum=1, required=False
        )
        if segment is not None and seg_mqls is not None:
            segments.append(MarketingSegment(segment, seg_mqls, seg_rate))
    promised = sum(s.mqls_per_month for s in segments)
    if mqls is not None and promised > mqls:
        r.fail(
            "marketing.segments",
            f"the segments promise {promised} MQLs a month, more than the total {mqls}",
        )
    if mqls is None or content is None:
        return None
    return MarketingTerms(mqls, content, rate, tuple(segments))


def policy_load(text: str) -> Policy:
    """The policy a YAML text states; PolicyError with every mistake otherwise."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise PolicyError(
            {"text": [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]}
        ) from None
    r = _Reader()
    top = r.mapping(raw, "policy", {"sales", "marketing"})
    if raw is None or not isinstance(raw, dict):
        raise PolicyError({"text": ["the policy needs a sales and a marketing section"]})
    sales_data = r.mapping(top.get("sales"), "sales", SALES_KEYS | {"segments"})
    if not sales_data:
        r.fail("sales", "is required")
    sales = _sales_terms(r, sales_data, "sales", None) if sales_data else None
    sales_segments = []
    names: set[str] = set()
    for path, raw_segment in _segments(r, sales_data.get("segments"), "sales.segments"):
        item = r.mapping(raw_segment, path, SALES_KEYS | {"name", "min_employees", "max_employees"})
        segment = _segment(r, item, path, names)
        if sales is None or segment is None:
            continue
        terms = _sales_terms(r, item, path, sales)
        if terms is not None:
            sales_segments.append(SalesSegment(segment, terms))
    marketing = _marketing(r, top.get("marketing"))
    if r.errors or sales is None or marketing is None:
        raise PolicyError(r.errors or {"text": ["the policy is incomplete"]})
    return Policy(sales=sales, marketing=marketing, sales_segments=tuple(sales_segments))


def _terms_dict(terms: SalesTerms, base: SalesTerms | None = None) -> dict[str, Any]:
    full: dict[str, Any] = {
        "accept_within_hours": terms.accept_within_hours,
        "first_touch_within_hours": terms.first_touch_within_hours,
        "due_soon_hours": terms.due_soon_hours,
        "escalate_after_hours": terms.escalate_after_hours,
        "cadence": {
            "within_days": terms.cadence.within_days,
            "steps": [{"day": s.day, "actions": list(s.actions)} for s in terms.cadence.steps],
        },
        "recycle": {"reason": terms.recycle_reason, "within_hours": terms.recycle_within_hours},
    }
    if base is None:
        return full
    # A segment states only what differs from the default terms.
    parent = _terms_dict(base)
    return {k: v for k, v in full.items() if parent[k] != v}


def _segment_dict(segment: Segment) -> dict[str, Any]:
    out: dict[str, Any] = {"name": segment.name}
    if segment.min_employees is not None:
        out["min_employees"] = segment.min_employees
    if segment.max_employees is not None:
        out["max_employees"] = segment.max_employees
    return out


def policy_as_dict(policy: Policy) -> dict[str, Any]:
    sales = _terms_dict(policy.sales)
    if policy.sales_segments:
        sales["segments"] = [
            _segment_dict(s.segment) | _terms_dict(s.terms, policy.sales)
            for s in policy.sales_segments
        ]
    marketing: dict[str, Any] = {
        "mqls_per_month": policy.marketing.mqls_per_month,
        "content_per_month": policy.marketing.content_per_month,
    }
    if policy.marketing.min_acceptance_rate is not None:
        marketing["min_acceptance_rate"] = policy.marketing.min_acceptance_rate
    if policy.marketing.segments:
        marketing["segments"] = [
            _segment_dict(s.segment)
            | {"mqls_per_month": s.mqls_per_month}
            | (
                {"min_acceptance_rate": s.min_acceptance_rate}
                if s.min_acceptance_rate is not None
                else {}
            )
            for s in policy.marketing.segments
        ]
    return {"sales": sales, "marketing": marketing}


def policy_dump(policy: Policy) -> str:
    """The canonical text: the same policy always dumps to the same text."""
    return yaml.safe_dump(policy_as_dict(policy), sort_keys=False, allow_unicode=True)


DEFAULT_POLICY_TEXT = """\
sales:
  accept_within_hours: 4
  first_touch_within_hours: 8
  due_soon_hours: 1
  escalate_after_hours: 4
  cadence:
    within_days: 10
    steps:
      - {day: 1, actions: [call, email]}
      - {day: 3, actions: [call]}
      - {day: 5, actions: [email]}
      - {day: 7, actions: [call]}
      - {day: 10, actions: [email]}
  recycle:
    reason: no-response
    within_hours: 8
marketing:
  mqls_per_month: 100
  content_per_month: 4
  min_acceptance_rate: 0.6
"""
