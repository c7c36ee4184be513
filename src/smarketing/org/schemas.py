"""API schemas of the org app, and the few every router shares (errors, pagination, input base)."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import TextChoices
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict

# Largest page a list endpoint returns; a bigger `limit` is a 400, not a silent clamp.
MAX_PAGE = 500
DEFAULT_PAGE = 50


class InSchema(Schema):
    """Base of every request body: an unknown field is an error naming it, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def blank_or(choices: type[TextChoices]) -> Any:
    """A choice field that may also be "" (unset): one Literal, so an error names just the field."""
    return Literal[("", *choices.values)]


class FieldError(Schema):
    field: str
    reason: str


class ErrorOut(Schema):
    """400: what was wrong (`detail`) and where (`errors`, one entry per field and reason)."""

    detail: str
    errors: list[FieldError]


class DetailOut(Schema):
    """401, 403, 404: one sentence saying why."""

    detail: str


# Every endpoint may answer these besides its success status.
ERRORS: dict[int, type[Schema]] = {401: DetailOut, 403: DetailOut, 404: DetailOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: ErrorOut}


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`; the answer is `{"items": [...], "count": <total matching>}`."""

    class Input(Schema):
        limit: int = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE, description="Page size.")
        offset: int = Field(0, ge=0, description="How many matching rows to skip.")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)


class TeamOut(Schema):
    id: int
    name: str
    kind: str


class MeOut(Schema):
    id: int
    email: str
    name: str
    full_name: str
    role: str
    team: TeamOut | None
    permissions: list[str] = Field(description="The actions this user's role allows.")
