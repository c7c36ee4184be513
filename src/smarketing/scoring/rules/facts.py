"""The plain data rules run over: a contact (with its account) and its touchpoints.

The database layer fills these from rows; nothing here knows about Django. Datetimes must be
timezone-aware (UTC); numbers are int or float. They are slotted but not frozen dataclasses
because they are built by the million and a frozen one costs about four times as much to
build: treat them as read-only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(slots=True, kw_only=True)
class AccountFacts:
    account_id: int | None = None
    employees: float | None = None
    annual_revenue: float | None = None
    industry: str = ""
    country: str = ""


@dataclass(slots=True, kw_only=True)
class ContactFacts:
    contact_id: int
    email_domain: str = ""
    is_freemail: bool = False
    title: str = ""
    seniority: str = ""
    country: str = ""
    source_channel: str = ""
    lifecycle_stage: str = ""
    account: AccountFacts | None = None


@dataclass(slots=True, kw_only=True)
class TouchpointFacts:
    """`funnel_stage` is that of the touchpoint's content asset ("" without one); `campaign` is
    the campaign's name."""

    occurred_at: datetime
    kind: str
    channel: str = ""
    path: str = ""
    form: str = ""
    funnel_stage: str = ""
    high_intent: bool = False
    campaign: str = ""
    event: str = ""
    properties: Mapping[str, object] = field(default_factory=dict)


class TouchpointLike(Protocol):
    """What scoring reads from a touchpoint. Any object with these attributes will do, e.g. the
    rows of `values_list(..., named=True)` with funnel_stage and campaign annotated, which saves
    building a TouchpointFacts per row in a full rescoring."""

    @property
    def occurred_at(self) -> datetime: ...
    @property
    def kind(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def form(self) -> str: ...
    @property
    def funnel_stage(self) -> str: ...
    @property
    def high_intent(self) -> bool: ...
    @property
    def campaign(self) -> str: ...
    @property
    def event(self) -> str: ...
    @property
    def properties(self) -> Mapping[str, object]: ...
