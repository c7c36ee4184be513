"""Ninja schemas of /api/analytics/health."""

from ninja import Field, Schema

from smarketing.analytics.health.report import DEFAULT_MONTHS, MAX_MONTHS


class HealthQuery(Schema):
    months: int = Field(
        DEFAULT_MONTHS,
        ge=2,
        le=MAX_MONTHS,
        description="How many months: the running one and the complete ones before it.",
    )


class HealthMonthOut(Schema):
    month: str = Field(description="YYYY-MM, UTC.")
    numerator: int
    denominator: int
    rate: float | None = Field(description="numerator / denominator; null with no cases.")
    complete: bool = Field(description="False for the running month.")


class HealthMetricOut(Schema):
    key: str = Field(
        description="acceptance, sla, worked, feedback, lead_to_customer, sourced, influenced, "
        "content."
    )
    label: str
    statement: str = Field(description="What moved, in one sentence.")
    months: list[HealthMonthOut]


class HealthOut(Schema):
    months: list[str]
    metrics: list[HealthMetricOut]
