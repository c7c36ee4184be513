"""Ninja schemas of /api/analytics/performance."""

from typing import Literal

from ninja import Field, Schema

from smarketing.analytics.funnel.schemas import FiltersOut, FunnelQuery


class PerformanceQuery(FunnelQuery):
    by: Literal["channel", "campaign", "content"] = Field(
        "channel",
        description="channel and campaign: the contacts' original source and first-touch "
        "campaign, deals by their primary contact's; content: each asset read in the window.",
    )


class CostPerOut(Schema):
    currency: str
    amount: str


class PerformanceRowOut(Schema):
    key: str = Field(description="The channel code, the campaign's or the asset's id.")
    label: str
    stages: dict[str, int] = Field(
        description="Distinct contacts entering lead, mql, sql, opportunity and customer in "
        "the window (content: after first reading the asset)."
    )
    won: int = Field(description="Deals won in the window (content: influenced).")
    revenue: dict[str, str] = Field(description="Currency → amount won.")
    pipeline: dict[str, str] = Field(description="Currency → open deals opened in the window.")
    cost: dict[str, str] = Field(description="Currency → cost of campaigns started in it.")
    cost_per: dict[str, CostPerOut | None] = Field(
        description="Cost per lead, MQL and customer, when the cost is in one currency."
    )
    roi: float | None = Field(description="(revenue - cost) / cost, in one currency.")
    funnel_stage: str | None = Field(description="Content: tofu, mofu or bofu.")
    consumers: int = Field(description="Content: contacts who read it in the window.")
    sales_sent: int = Field(
        description="Content: sales activities in the window whose text links to it."
    )
    sales_contacts: int = Field(description="Content: the contacts those activities reached.")


class PerformanceOut(Schema):
    by: str
    filters: FiltersOut
    rows: list[PerformanceRowOut]
    total: PerformanceRowOut | None
