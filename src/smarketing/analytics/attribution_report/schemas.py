"""Ninja schemas of /api/analytics/attribution."""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from smarketing.analytics.attribution_report.params import DEFAULT_LOOKBACK_DAYS


class AttributionQuery(Schema):
    """Every value is checked by the parser the page and the CLI share, so a mistake is a 400
    naming the parameter, whichever way it came."""

    from_: str = Field(
        "",
        alias="from",
        description="First day whose won deals count, YYYY-MM-DD (UTC); default the first day "
        "of the month eleven months ago.",
    )
    until: str = Field("", description="First day not counted; default tomorrow.")
    level: str = Field(
        "contact",
        description="contact: the won deal's primary contact's touches; account: those of "
        "every contact of its account.",
    )
    by: str = Field(
        "channel", description="channel, or campaign (touches without one: their channel)."
    )
    lookback: str = Field(
        str(DEFAULT_LOOKBACK_DAYS),
        description="Days of touches counted before each journey's end (1 to 730).",
    )
    order: str = Field("1", description="Markov chain order, 1 to 3.")
    half_life: str = Field("7", description="Time decay half-life in days (> 0).")

    def params(self) -> dict[str, str]:
        return self.model_dump(by_alias=True)


class ParamsOut(Schema):
    from_: dt.date = Field(alias="from")
    until: dt.date
    level: Literal["contact", "account"]
    by: Literal["channel", "campaign"]
    lookback: int
    order: int
    half_life: float


class RunOut(Schema):
    id: int
    status: Literal["queued", "running", "done", "failed"]
    params: dict[str, Any]
    created_at: dt.datetime
    finished_at: dt.datetime | None
    error: str


class JourneysOut(Schema):
    converting: int = Field(description="Deals won with at least one touch in their lookback.")
    null: int = Field(description="Contacts (accounts) touched in the window, not converting.")
    touches: int


class CurrencyLeftOut(Schema):
    deals: int
    amount: str


class LeftOut(Schema):
    other_currencies: dict[str, CurrencyLeftOut] = Field(
        description="Deals won in other currencies than `currency`: not counted at all."
    )
    deals_without_contact: int = Field(description="Contact level: no primary contact.")
    deals_without_touches: int = Field(description="No touch in the lookback: nothing to credit.")


class ChannelCreditOut(Schema):
    channel: str = Field(description="The channel code, or campaign:<id> by campaign.")
    label: str
    conversions: float
    value: float | None = Field(description="Revenue credited, in `currency`.")


class ModelOut(Schema):
    model: str
    label: str
    details: dict[str, Any] = Field(
        description="The model's parameters; markov: removal effects per channel and the "
        "conversion probability; shapley: the method."
    )
    channels: list[ChannelCreditOut]


class AttributionOut(Schema):
    params: ParamsOut
    computed_at: dt.datetime | None = Field(description="Null: not computed yet.")
    data_version: dict[str, Any] | None = Field(description="What the result was computed from.")
    stale: bool = Field(description="The data changed since (or nothing computed yet).")
    pending: RunOut | None = Field(description="A computation waiting or running.")
    failed: RunOut | None = Field(description="The newest computation, when it failed.")
    journeys: JourneysOut | None
    deals_won: int | None = Field(description="Deals won in the window, every currency.")
    currency: str | None
    conversions: int | None
    value: float | None
    left_out: LeftOut | None
    models: list[ModelOut] = Field(description="Every model, in the same channel order.")
