"""Request and response bodies of /api/routing and /api/contacts/{id}/assignments."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from smarketing.handoff.routing.models import RuleKind
from smarketing.org.schemas import InSchema


class RuleOut(Schema):
    id: int
    position: int
    name: str
    kind: str
    active: bool
    countries: list[str]
    region_id: int | None
    industries: list[str]
    employees_min: int | None
    employees_max: int | None
    user_id: int | None
    team_id: int | None
    conditions: str = Field(description="The conditions in words.")
    target: str = Field(description="Who the rule gives leads to, in words.")
    updated_at: dt.datetime


class RuleIn(InSchema):
    name: str = Field("", max_length=100, description="Defaults to the team's name.")
    kind: RuleKind
    position: int | None = Field(None, ge=1, description="1 = tried first; default: last.")
    active: bool = True
    countries: list[str] = Field([], description="ISO 3166 alpha-2 codes.")
    region_id: int | None = None
    industries: list[str] = []
    employees_min: int | None = Field(None, ge=0)
    employees_max: int | None = Field(None, ge=0)
    user_id: int | None = Field(None, description="A territory's owner.")
    team_id: int | None = Field(None, description="Round robin within this sales team.")


class RulePatch(InSchema):
    name: str = Field(None, max_length=100)
    kind: RuleKind = Field(None)
    position: int = Field(None, ge=1)
    active: bool = Field(None)
    countries: list[str] = Field(None)
    region_id: int | None = None
    industries: list[str] = Field(None)
    employees_min: int | None = Field(None, ge=0)
    employees_max: int | None = Field(None, ge=0)
    user_id: int | None = None
    team_id: int | None = None


class RegionOut(Schema):
    id: int
    name: str
    countries: list[str]


class RegionIn(InSchema):
    name: str = Field(max_length=100)
    countries: list[str]


class SettingsOut(Schema):
    fallback_user_id: int | None
    default_capacity: int | None


class SettingsPatch(InSchema):
    fallback_user_id: int | None = None
    default_capacity: int | None = Field(None, ge=0)


class AwayOut(Schema):
    id: int
    user_id: int
    first_day: dt.date
    last_day: dt.date
    note: str


class AwayIn(InSchema):
    user_id: int
    first_day: dt.date
    last_day: dt.date
    note: str = Field("", max_length=200)


class RepOut(Schema):
    user_id: int
    email: str
    team: str | None
    open_leads: int = Field(description="Open MQLs and SALs the rep owns.")
    capacity: int | None = Field(description="Their limit (own or the default); null: none.")
    own_capacity: bool
    away_now: bool
    away: list[AwayOut]


class RepPatch(InSchema):
    capacity: int | None = Field(
        description="Own limit of open MQLs and SALs; null: default.", ge=0
    )


class PreviewOut(Schema):
    contact_id: int
    owner_id: int | None
    owner_email: str | None
    rule: str | None = Field(description="The rule that would choose; null: nobody at all.")
    steps: list[str] = Field(description="Rules passed over on the way, and why.")


class AssignmentOut(Schema):
    id: int
    contact_id: int
    owner_id: int
    owner_email: str
    previous_owner_id: int | None
    at: dt.datetime
    rule: str
    by_user_id: int | None
    note: str

    @staticmethod
    def resolve_owner_email(obj: object) -> str:
        return obj.owner.email  # type: ignore[attr-defined]


class AssignmentIn(InSchema):
    owner_id: int
    note: str = ""
