"""Ninja schemas of /api/insights."""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from smarketing.org.schemas import InSchema


class ConditionOut(Schema):
    field: str = Field(description="As in the demo's truths file, e.g. account.employees.")
    op: Literal["<", "<=", ">", ">=", "==", "!=", "in", "contains"]
    value: str | int | float | bool


class ReasonOut(Schema):
    reason: str
    count: int


class FeedbackOut(Schema):
    reasons: list[ReasonOut] = Field(
        description="Sales' most given reasons for rejecting or disqualifying these leads."
    )
    rejected: int = Field(description="Leads of the segment rejected or disqualified.")
    rating: float | None = Field(description="Mean 1-5 rating of the segment's leads.")
    ratings: int
    rest_rating: float | None = Field(description="Mean rating of the other leads.")
    rest_ratings: int


class ProposalOut(Schema):
    action: Literal["add", "change"]
    kind: Literal["fit", "engagement"]
    rule: dict[str, object] = Field(description="The rule in the definition's file format.")
    replaces: str | None = Field(description="The id of the rule whose points change.")
    summary: str


class InsightOut(Schema):
    id: str
    label: str
    sentence: str
    segment: list[ConditionOut] = Field(description="Conditions that all hold.")
    same_leads_as: list[str] = Field(description="Other segments with exactly these leads.")
    direction: Literal["worse", "better"]
    rate: float = Field(description="Share of the segment's leads that became customers.")
    rate_interval: list[float] = Field(description="95% Wilson interval of `rate`.")
    baseline_rate: float = Field(description="The same share among all other leads.")
    ratio: float | None = Field(description="rate / baseline_rate (null: baseline 0).")
    n: int = Field(description="Leads in the segment.")
    conversions: int
    rest_n: int
    rest_conversions: int
    p_value: float
    q_value: float = Field(description="After Benjamini-Hochberg (docs/analytics.md).")
    confidence: float = Field(description="1 - q_value.")
    feedback: FeedbackOut
    proposal: ProposalOut | None = Field(
        description="The definition change it suggests; null for a pair of fields."
    )


class WindowOut(Schema):
    start: dt.datetime
    end: dt.datetime


class RunOut(Schema):
    id: int
    status: Literal["queued", "running", "done", "failed"]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str


class InsightsOut(Schema):
    computed_at: dt.datetime | None = Field(description="Null: never computed.")
    stale: bool = Field(description="The data changed since (or never computed).")
    pending: RunOut | None = Field(description="A scan waiting or running.")
    outcome: str | None = Field(description="What counts as converting: customer.")
    window: WindowOut | None = Field(description="When the leads scanned became leads.")
    params: dict[str, object] | None
    leads: int | None
    conversions: int | None
    overall_rate: float | None
    clustering: float | None = Field(
        description="How alike the outcomes of one company's leads are (0-1)."
    )
    singles_tested: int | None
    pairs_tested: int | None
    insights: list[InsightOut]


class RefreshIn(InSchema):
    min_n: int = Field(30, ge=1, description="Least leads in a segment, and outside it.")
    max_q: float = Field(0.05, gt=0, le=1, description="Largest q-value reported.")
    min_ratio: float = Field(1.5, ge=1, description="Least factor between rate and baseline.")
    pairs: bool = Field(True, description="Also test pairs of fields.")
    lookback_days: int = Field(365, ge=1, le=3660, description="Days of leads scanned.")
    settle_days: int = Field(30, ge=0, le=3660, description="Leads younger than this are left out.")


class DraftOut(Schema):
    number: int = Field(description="The draft definition version created.")
    url: str = Field(description="Its page, where the rule can be edited and proposed.")
