"""Ninja schemas of /api/analytics/funnel: the shared query, and one output per endpoint."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class FunnelQuery(Schema):
    from_: dt.date | None = Field(
        None,
        alias="from",
        description="First day counted (UTC); default the first day of the month eleven "
        "months ago.",
    )
    until: dt.date | None = Field(
        None, description="First day not counted (UTC); default tomorrow, so today counts."
    )
    period: Literal["week", "month", "quarter"] = Field(
        "month", description="Bucket of the per-period tables: ISO weeks, months or quarters."
    )
    channel: str = Field("", description="The contacts' original source channel, e.g. email.")
    campaign: str = Field(
        "", description="The contacts' original (first-touch) campaign: id or name."
    )
    industry: str = Field("", description="Their account's industry (any case).")
    size: str = Field(
        "", description="Their account's size band: 1-9, 10-49, 50-249, 250-999 or 1000+ employees."
    )
    country: str = Field(
        "", description="Two-letter country code: the contact's, else its account's."
    )
    owner: str = Field("", description="The contacts' owner: user id or email.")
    team: str = Field("", description="The owner's team: id or name.")

    def params(self) -> dict[str, str]:
        values = self.model_dump(by_alias=True)
        return {k: "" if v is None else str(v) for k, v in values.items()}


class FiltersOut(Schema):
    from_: dt.date = Field(alias="from")
    until: dt.date
    period: str
    channel: str
    campaign_id: int | None
    industry: str
    size: str
    country: str
    owner_id: int | None
    team_id: int | None


class StageEntriesOut(Schema):
    label: str
    start: dt.datetime | None
    stages: dict[str, int]
    groups: dict[str, int]


class ReachedOut(Schema):
    stage: str
    contacts: int
    rate: float | None


class ConversionOut(Schema):
    stage: str
    entered: int
    next_stage: str | None
    next_rate: float | None
    reached: list[ReachedOut]


class FunnelOut(Schema):
    filters: FiltersOut
    groups: dict[str, list[str]]
    periods: list[StageEntriesOut]
    total: StageEntriesOut
    conversions: list[ConversionOut]


class CohortOut(Schema):
    label: str
    start: dt.datetime
    size: int
    reached: list[ReachedOut]


class CohortsOut(Schema):
    filters: FiltersOut
    cohorts: list[CohortOut]


class StageVelocityOut(Schema):
    stage: str
    stays: int
    median_days: float | None
    p75_days: float | None


class VelocityOut(Schema):
    filters: FiltersOut
    stages: list[StageVelocityOut]


class LeakOut(Schema):
    stage: str
    stopped: int
    open: int
    recycled: int
    disqualified: int


class ReasonOut(Schema):
    kind: str
    code: str
    label: str
    from_stage: str
    to_stage: str
    contacts: int


class LeakageOut(Schema):
    filters: FiltersOut
    population: int
    customers: int
    stages: list[LeakOut]
    reasons: list[ReasonOut]
