"""Leads as rows a model learns from: the outcome of each lead (positive, negative or not known
yet), the moment its features are observed, and the features themselves, computed only from
what was known at that moment. Plain Python and numpy, no Django: the database layer
(scoring/training.py) fills `LeadHistory` from rows, and the same `lead_features` serves
training (as of each lead's observation point) and prediction (as of now).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from smarketing.scoring.predictive.columns import Column, ColumnKind, Features
from smarketing.scoring.rules.catalogue import CHANNEL_VALUES, FUNNEL_STAGES, TOUCHPOINT_KINDS
from smarketing.scoring.rules.facts import TouchpointFacts

DAY = timedelta(days=1)
# Engagement is counted over the days before the observation point, so a lead observed a week
# after it arrived (training) and one observed months later (prediction) are counted alike.
RECENT_DAYS = 30

# Title words → the buyer's function; the first match in this order wins.
_TITLE_FUNCTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("student", ("student", "intern", "trainee")),
    ("executive", ("ceo", "cfo", "coo", "cmo", "cro", "cto", "founder", "owner", "president")),
    ("marketing", ("marketing", "growth", "demand", "brand", "content", "seo", "campaign")),
    ("sales", ("sales", "account executive", "business development", "sdr", "bdr")),
    ("revenue operations", ("revops", "revenue", "operations", "ops")),
    ("data", ("data", "analyst", "analytics", "bi ", "insight")),
    ("engineering", ("engineer", "developer", "it ", "technology", "software")),
)


@dataclass(frozen=True, slots=True)
class LeadHistory:
    """One contact that became a lead: its fit facts (as stored now: no history of field edits
    is kept) and its touchpoints (any order). `converted_at` is its first move to SQL,
    opportunity or customer after becoming a lead; None when it never made one."""

    contact_id: int
    lead_at: datetime
    converted_at: datetime | None
    employees: float | None = None
    annual_revenue: float | None = None
    industry: str = ""
    account_country: str = ""
    country: str = ""
    seniority: str = ""
    title: str = ""
    is_freemail: bool = False
    source_channel: str = ""
    source_campaign: str = ""
    touchpoints: Sequence[TouchpointFacts] = field(default_factory=tuple)


def lead_outcome(
    *, lead_at: datetime, converted_at: datetime | None, now: datetime, window_days: int
) -> int | None:
    """1 when the lead converted within `window_days` of becoming a lead, 0 when its window has
    closed without, None (censored) while the window is still open: a recent lead that has not
    converted yet may still, and one that has converted early would be over-represented if the
    open-window leads were kept only when they converted."""
    window_end = lead_at + window_days * DAY
    if window_end > now:
        return None
    if converted_at is not None and converted_at <= window_end:
        return 1
    return 0


def observation_point(*, lead_at: datetime, observe_days: int) -> datetime:
    """When a lead's features are taken: a fixed `observe_days` after it became a lead, the same
    for every lead whatever its outcome (a point that moved with the outcome would itself tell
    the outcome). Features count only what happened strictly before this moment; a lead that
    converted before it is no longer open there and is left out (training.training_set)."""
    return lead_at + observe_days * DAY


def title_function(title: str) -> str:
    """The function a job title names ("VP Marketing" → "marketing"); "" without a title."""
    text = f" {title.casefold()} "
    if not title.strip():
        return ""
    for name, words in _TITLE_FUNCTIONS:
        if any(re.search(rf"\b{re.escape(w.strip())}\b", text) for w in words):
            return name
    return "other"


# Every feature: name → (kind, label). The order is the order of the columns.
FEATURES: dict[str, tuple[ColumnKind, str]] = {
    "account_employees": ("numeric", "Account employees"),
    "account_revenue": ("numeric", "Account annual revenue"),
    "account_industry": ("categorical", "Account industry"),
    "account_country": ("categorical", "Account country"),
    "country": ("categorical", "Contact country"),
    "seniority": ("categorical", "Seniority"),
    "title_function": ("categorical", "Function in the job title"),
    "free_mail": ("numeric", "Free-mail address"),
    "source_channel": ("categorical", "Source channel"),
    "source_campaign": ("categorical", "Source campaign"),
    **{
        f"kind_{k}": ("numeric", f"{k.replace('_', ' ').capitalize()}s, last 30 days")
        for k in TOUCHPOINT_KINDS
    },
    **{
        f"channel_{c}": ("numeric", f"Touches via {c.replace('_', ' ')}, last 30 days")
        for c in CHANNEL_VALUES
    },
    **{
        f"stage_{s}": ("numeric", f"{s.upper()} content touches, last 30 days")
        for s in FUNNEL_STAGES
    },
    "high_intent": ("numeric", "High-intent page visits, last 30 days"),
    "touches_recent": ("numeric", "Touches, last 30 days"),
    "touches_total": ("numeric", "Touches, all time"),
    "days_since_last_touch": ("numeric", "Days since the last touch"),
    "days_since_first_touch": ("numeric", "Days since the first touch"),
}


# The features counted from touchpoints (every other one is a fit fact).
ENGAGEMENT: tuple[str, ...] = tuple(
    name
    for name in FEATURES
    if name.startswith(("kind_", "channel_", "stage_", "touches_", "days_since_"))
    or name == "high_intent"
)


def feature_label(name: str) -> str:
    spec = FEATURES.get(name)
    return spec[1] if spec else name


def _fit_values(lead: LeadHistory) -> dict[str, object]:
    return {
        "account_employees": lead.employees,
        "account_revenue": lead.annual_revenue,
        "account_industry": lead.industry or None,
        "account_country": lead.account_country or None,
        "country": lead.country or None,
        "seniority": lead.seniority or None,
        "title_function": title_function(lead.title) or None,
        "free_mail": 1.0 if lead.is_freemail else 0.0,
        "source_channel": lead.source_channel or None,
        "source_campaign": lead.source_campaign or None,
    }


def _engagement_values(touchpoints: Sequence[TouchpointFacts], at: datetime) -> dict[str, float]:
    values = dict.fromkeys(ENGAGEMENT, 0.0)
    recent_from = at - RECENT_DAYS * DAY
    first: datetime | None = None
    last: datetime | None = None
    total = 0
    for touch in touchpoints:
        when = touch.occurred_at
        if when >= at:  # not known yet at the observation point
            continue
        total += 1
        first = when if first is None or when < first else first
        last = when if last is None or when > last else last
        if when < recent_from:
            continue
        values["touches_recent"] += 1
        for name in (
            f"kind_{touch.kind}",
            f"channel_{touch.channel}",
            f"stage_{touch.funnel_stage}",
        ):
            if name in values:
                values[name] += 1
        if touch.high_intent:
            values["high_intent"] += 1
    values["touches_total"] = float(total)
    values["days_since_last_touch"] = (at - last) / DAY if last else math.nan
    values["days_since_first_touch"] = (at - first) / DAY if first else math.nan
    return values


def lead_feature_values(lead: LeadHistory, *, at: datetime) -> dict[str, object]:
    """One lead's features as of `at`, from touchpoints strictly before it."""
    values: dict[str, object] = {**_fit_values(lead), **_engagement_values(lead.touchpoints, at)}
    for name in ("account_employees", "account_revenue"):
        if values[name] is None:
            values[name] = math.nan
    return values


def lead_features(leads: Sequence[LeadHistory], *, at: Sequence[datetime]) -> Features:
    """The features of each lead as of its own observation moment `at[i]`."""
    if len(at) != len(leads):
        raise ValueError(f"{len(at)} observation moments for {len(leads)} leads")
    rows = [lead_feature_values(lead, at=moment) for lead, moment in zip(leads, at, strict=True)]
    columns = []
    for name, (kind, _) in FEATURES.items():
        cells = [row[name] for row in rows]
        if kind == "numeric":
            values = np.array(
                [math.nan if v is None else float(v) for v in cells],  # type: ignore[arg-type]
                dtype=np.float64,
            )
        else:
            values = np.array(cells, dtype=object)
        columns.append(Column(name, kind, values))
    return Features(tuple(columns))
