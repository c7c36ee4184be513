"""Ninja schemas of /api/sla: one per endpoint's input and output."""

import datetime as dt

from ninja import Schema


class PolicyTextIn(Schema):
    text: str


class PolicyDraftIn(Schema):
    text: str | None = None


class ApprovalOut(Schema):
    user_id: int
    user_email: str
    team_kind: str
    revision: int
    at: dt.datetime
    counts: bool


class PolicyOut(Schema):
    number: int
    status: str
    revision: int
    created_by_id: int | None
    created_at: dt.datetime
    proposed_at: dt.datetime | None
    went_live_at: dt.datetime | None
    retired_at: dt.datetime | None
    sign_off: str
    approvals: list[ApprovalOut]


class PolicyDetailOut(PolicyOut):
    text: str
    diff_against_live: list[str]


class ClockOut(Schema):
    obligation: str
    label: str
    state: str
    state_label: str
    started_at: dt.datetime
    due_at: dt.datetime
    done_at: dt.datetime | None
    hours_left: float | None
    detail: str
    assignment_id: int | None
    owner_id: int | None
    policy_number: int | None
    segment: str


class ComplianceOut(Schema):
    key: str
    label: str
    mqls_assigned: int
    accepted_in_time: int
    first_touch_in_time: int
    cadence_completed: int
    median_response_hours: float | None
    ignored: int


class SegmentProgressOut(Schema):
    name: str
    delivered: int
    promised: int


class MarketingProgressOut(Schema):
    month: str
    policy_number: int | None
    mqls_delivered: int
    mqls_promised: int | None
    accepted: int
    rejected: int
    acceptance_rate: float | None
    min_acceptance_rate: float | None
    content_delivered: int
    content_promised: int | None
    segments: list[SegmentProgressOut]
