"""A contact's scores as of now under the live definition, each with its explanation.

Computed on read, so the contact page and the API always agree with the live version and the
current time; the stored scores (scoring.refresh) are what lists sort and filter on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from smarketing.events.models import Touchpoint
from smarketing.people.models import Contact
from smarketing.scoring import rules
from smarketing.scoring.facts import contact_facts, touchpoint_facts
from smarketing.scoring.models import DefinitionVersion
from smarketing.scoring.predictions import PredictionExplained, prediction_explained
from smarketing.scoring.queries import definition_of
from smarketing.scoring.services import definition_live


@dataclass(frozen=True, slots=True)
class ContactScore:
    """The scores and the definition version (its number) they were computed with, and the
    predicted probability explained by the model's top factors (None without a prediction)."""

    version: int
    result: rules.ScoreResult
    computed_at: dt.datetime
    prediction: PredictionExplained | None = None


def definition_in_force() -> tuple[DefinitionVersion, rules.Definition]:
    version = definition_live()
    return version, definition_of(version)


def contact_score(*, contact: Contact, now: dt.datetime) -> ContactScore:
    """Three queries: the live version, the contact's touchpoints and its prediction (the
    account comes with the contact when it was selected with it)."""
    version, definition = definition_in_force()
    prediction = prediction_explained(contact_id=contact.pk)
    result = rules.score_contact(
        definition=definition,
        contact=contact_facts(contact),
        touchpoints=touchpoint_facts(Touchpoint.objects.filter(contact=contact)),
        now=now,
        predicted=prediction.probability if prediction is not None else None,
    )
    return ContactScore(
        version=version.number, result=result, computed_at=now, prediction=prediction
    )
