"""What rules may look at: the known contact and account fields with their types, the operators
each type takes, and the touchpoint values engagement conditions are checked against.

Plain Python, no Django; a test keeps the value lists in step with the models' choices.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from smarketing.events.processing.channels import CHANNELS


class FieldType(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"


class Operator(enum.StrEnum):
    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    IN = "in"
    NOT_IN = "not_in"
    RANGE = "range"
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    IS_EMPTY = "is_empty"
    NOT_EMPTY = "not_empty"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    description: str


ACCOUNT_PREFIX = "account."

FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("email_domain", FieldType.TEXT, "Domain of the contact's email address"),
        FieldSpec("is_freemail", FieldType.BOOLEAN, "Email address at a free-mail provider"),
        FieldSpec("title", FieldType.TEXT, "Job title"),
        FieldSpec("seniority", FieldType.TEXT, "entry, senior, manager, director, vp or cxo"),
        FieldSpec("country", FieldType.TEXT, "Contact's country (ISO 3166 alpha-2 code)"),
        FieldSpec("source_channel", FieldType.TEXT, "Channel the contact first came from"),
        FieldSpec("lifecycle_stage", FieldType.TEXT, "Current lifecycle stage"),
        FieldSpec("account.employees", FieldType.NUMBER, "Number of employees of the account"),
        FieldSpec("account.annual_revenue", FieldType.NUMBER, "Annual revenue of the account"),
        FieldSpec("account.industry", FieldType.TEXT, "Industry of the account"),
        FieldSpec("account.country", FieldType.TEXT, "Account's country (ISO 3166 alpha-2)"),
    )
}

OPERATORS: dict[FieldType, tuple[Operator, ...]] = {
    FieldType.TEXT: (
        Operator.EQUALS,
        Operator.NOT_EQUALS,
        Operator.IN,
        Operator.NOT_IN,
        Operator.CONTAINS,
        Operator.NOT_CONTAINS,
        Operator.IS_EMPTY,
        Operator.NOT_EMPTY,
    ),
    FieldType.NUMBER: (
        Operator.EQUALS,
        Operator.NOT_EQUALS,
        Operator.IN,
        Operator.NOT_IN,
        Operator.RANGE,
        Operator.IS_EMPTY,
        Operator.NOT_EMPTY,
    ),
    FieldType.BOOLEAN: (Operator.EQUALS, Operator.NOT_EQUALS),
}

# TouchpointKind values.
TOUCHPOINT_KINDS: tuple[str, ...] = (
    "page_view",
    "form",
    "email_open",
    "email_click",
    "download",
    "webinar_registered",
    "webinar_attended",
    "unsubscribe",
    "other",
)
# Channel values.
CHANNEL_VALUES: tuple[str, ...] = tuple(sorted(CHANNELS))
# FunnelStage values of a content asset.
FUNNEL_STAGES: tuple[str, ...] = ("tofu", "mofu", "bofu")
