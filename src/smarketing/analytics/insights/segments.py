"""Which segments a lead belongs to, each a list of conditions in the demo truths' vocabulary.

Plain Python, no Django. A segment is one value of one field (an industry, a size band, a
campaign…) written as conditions `{"field", "op", "value"}` that must all hold, with the field
names and operators of the demo's `--truths-out` file (docs/demo.md), so a finding can be
compared with a planted truth field by field. Two fields the truths file does not have are
added: `contact.consumed_content` (titles of the content assets a lead consumed) beside its
`contact.downloaded_asset_types`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Value = str | int | float | bool

EMPLOYEES = "account.employees"
REVENUE = "account.annual_revenue"
INDUSTRY = "account.industry"
COUNTRY = "account.country"
CHANNEL = "contact.source_channel"
CAMPAIGN = "contact.source_campaign"
SENIORITY = "contact.seniority"
WEBINAR = "contact.attended_webinar"
CONTENT = "contact.consumed_content"
ASSET_TYPES = "contact.downloaded_asset_types"
# The order segments of a pair are named in.
FIELDS = (
    EMPLOYEES,
    REVENUE,
    INDUSTRY,
    COUNTRY,
    SENIORITY,
    CHANNEL,
    CAMPAIGN,
    WEBINAR,
    ASSET_TYPES,
    CONTENT,
)

# Band boundaries: a value v is in the band [b[i-1], b[i]). The employee bands are the lead
# review's (handoff/review.py); revenue in decades from $100k, the demo's "small" line.
EMPLOYEE_BOUNDS: tuple[float, ...] = (10, 50, 250, 1000)
REVENUE_BOUNDS: tuple[float, ...] = (100_000, 1_000_000, 10_000_000, 100_000_000)

SENIORITY_WORDS: dict[str, str] = {
    "cxo": "C-level or owner",
    "vp": "VP",
    "director": "director",
    "manager": "manager",
    "senior": "senior individual contributor",
    "entry": "entry-level",
    "student": "student",
}
# Title patterns, most senior first: the first that matches decides.
_TITLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("student", re.compile(r"\b(student|intern|trainee|apprentice)\b")),
    ("vp", re.compile(r"\b(vp|svp|evp|vice[- ]president)\b")),
    (
        "cxo",
        re.compile(r"\b(chief|c[a-z]o|founder|co-?founder|owner|president|managing director)\b"),
    ),
    ("director", re.compile(r"\b(director|head of|head)\b")),
    ("manager", re.compile(r"\b(manager|lead|supervisor)\b")),
    ("senior", re.compile(r"\b(senior|sr\.?|principal|staff|executive|analyst|engineer)\b")),
)


def title_seniority(title: str) -> str:
    """The seniority a job title states: cxo, vp, director, manager, senior, entry or student;
    '' for an empty title. 'Vice President' is vp, not cxo; 'Working Student' is student."""
    text = title.strip().lower()
    if not text:
        return ""
    for level, pattern in _TITLE_PATTERNS:
        if pattern.search(text):
            return level
    return "entry"


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    op: str
    value: Value

    def as_dict(self) -> dict[str, Value]:
        return {"field": self.field, "op": self.op, "value": self.value}

    def key(self) -> str:
        return f"{self.field}{self.op}{self.value}"


@dataclass(frozen=True, slots=True)
class Segment:
    """One value of one field. `field` is the dimension: a pair never combines two segments of
    the same field."""

    field: str
    conditions: tuple[Condition, ...]
    label: str

    @property
    def key(self) -> str:
        return "&".join(c.key() for c in self.conditions)


@dataclass(frozen=True, slots=True)
class LeadFacts:
    """What the scan knows about one lead."""

    employees: float | None = None
    annual_revenue: float | None = None
    industry: str = ""
    country: str = ""
    source_channel: str = ""
    source_campaign: str = ""
    seniority: str = ""
    attended_webinar: bool = False
    content: tuple[str, ...] = ()
    asset_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Labels:
    """Display names the database knows (channel and asset-type choices)."""

    channels: Mapping[str, str] = field(default_factory=dict)
    asset_types: Mapping[str, str] = field(default_factory=dict)


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _money(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"${value / size:g}{suffix}"
    return f"${value:g}"


def _band(name: str, value: float, bounds: Sequence[float], *, unit: str, money: bool) -> Segment:
    """The band of `bounds` that holds `value`, as one or two conditions."""
    shown = _money if money else _number
    i = sum(1 for b in bounds if value >= b)
    lower = bounds[i - 1] if i > 0 else None
    upper = bounds[i] if i < len(bounds) else None
    conditions = []
    if lower is not None:
        conditions.append(Condition(name, ">=", _plain(lower)))
    if upper is not None:
        conditions.append(Condition(name, "<", _plain(upper)))
    if lower is None and upper is not None:
        words = f"{'under' if money else 'fewer than'} {shown(upper)}"
    elif upper is None and lower is not None:
        words = f"{shown(lower)} or more"
    else:
        assert lower is not None and upper is not None
        words = f"{shown(lower)}–{shown(upper - (0 if money else 1))}"
    return Segment(name, tuple(conditions), f"Companies with {words} {unit}")


def _plain(value: float) -> Value:
    """Whole numbers as int, so the JSON reads `10`, as the truths file does, not `10.0`."""
    return int(value) if float(value).is_integer() else value


def _equals(name: str, value: Value, label: str) -> Segment:
    return Segment(name, (Condition(name, "==", value),), label)


def _contains(name: str, value: str, label: str) -> Segment:
    return Segment(name, (Condition(name, "contains", value),), label)


def lead_segments(
    facts: LeadFacts,
    *,
    labels: Labels,
    employee_bounds: Sequence[float] = EMPLOYEE_BOUNDS,
    revenue_bounds: Sequence[float] = REVENUE_BOUNDS,
) -> list[Segment]:
    """Every single-field segment the lead is in; an unknown value puts it in none of that
    field's segments (it is then in the rest for each of them)."""
    out: list[Segment] = []
    if facts.employees is not None:
        out.append(
            _band(EMPLOYEES, facts.employees, employee_bounds, unit="employees", money=False)
        )
    if facts.annual_revenue is not None:
        out.append(
            _band(REVENUE, facts.annual_revenue, revenue_bounds, unit="annual revenue", money=True)
        )
    if facts.industry:
        out.append(_equals(INDUSTRY, facts.industry, f"Companies in {facts.industry.lower()}"))
    if facts.country:
        out.append(_equals(COUNTRY, facts.country, f"Companies based in {facts.country}"))
    if facts.seniority:
        words = SENIORITY_WORDS.get(facts.seniority, facts.seniority)
        out.append(_equals(SENIORITY, facts.seniority, f"Leads with {words} titles"))
    if facts.source_channel:
        name = labels.channels.get(facts.source_channel, facts.source_channel.replace("_", " "))
        out.append(_equals(CHANNEL, facts.source_channel, f"Leads first from {name.lower()}"))
    if facts.source_campaign:
        label = f"Leads from the campaign “{facts.source_campaign}”"
        out.append(_equals(CAMPAIGN, facts.source_campaign, label))
    if facts.attended_webinar:
        out.append(_equals(WEBINAR, True, "Webinar attendees"))
    for kind in sorted(set(facts.asset_types)):
        out.append(_contains(ASSET_TYPES, kind, _downloaded(kind, labels)))
    for title in sorted(set(facts.content)):
        out.append(_contains(CONTENT, title, f"Leads who consumed “{title}”"))
    return out


def _downloaded(kind: str, labels: Labels) -> str:
    """'case_study' → 'Leads who downloaded a case study'; 'other' → '… other content'."""
    name = labels.asset_types.get(kind, kind.replace("_", " ")).lower()
    if kind == "other":
        return "Leads who downloaded other content"
    article = "an" if name[:1] in "aeiou" else "a"
    return f"Leads who downloaded {article} {name}"


def pair_label(first: Segment, second: Segment) -> str:
    """'Companies in retail' + 'Webinar attendees' → 'Companies in retail and webinar
    attendees' (a leading capital is kept when the word is an acronym, as in 'VP')."""
    text = second.label
    if len(text) > 1 and text[1].islower():
        text = text[0].lower() + text[1:]
    return f"{first.label} and {text}"


def field_rank(name: str) -> int:
    return FIELDS.index(name) if name in FIELDS else len(FIELDS)
