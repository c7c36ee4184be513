"""Request and response bodies of POST /api/definitions/preview."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from smarketing.org.schemas import InSchema
from smarketing.scoring.schemas import ContactScoreOut, GroupScoreOut, PredictionOut


class PreviewIn(InSchema):
    contact: int = Field(description="The contact to score.")
    text: str | None = Field(
        None, description="The edited definition as YAML (the format of the file)."
    )
    definition: dict[str, Any] | None = Field(
        None,
        description="Or the edited definition as plain data: the file's structure as JSON. "
        "Give exactly one of text and definition.",
    )


class DraftScoreOut(Schema):
    contact: int
    definition_version: int | None = Field(description="None: the edited draft is not saved.")
    computed_at: dt.datetime
    groups: list[GroupScoreOut]
    prediction: PredictionOut | None = Field(
        None, description="The live prediction: it does not depend on the rules."
    )


class PreviewOut(Schema):
    contact: int
    draft: DraftScoreOut = Field(description="Scored with the edited definition.")
    live: ContactScoreOut = Field(description="Scored with the live version.")
