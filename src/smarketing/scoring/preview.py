"""A contact's scores under an edited (unsaved) definition beside its scores under the live one:
what the editor's preview and `POST /api/definitions/preview` show. Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from smarketing.errors import InvalidInput
from smarketing.events.models import Touchpoint
from smarketing.people.models import Contact
from smarketing.scoring import rules
from smarketing.scoring.facts import contact_facts, touchpoint_facts
from smarketing.scoring.scores import ContactScore, contact_score
from smarketing.scoring.services import definition_parse

SEARCH_LIMIT = 8


@dataclass(frozen=True, slots=True)
class Preview:
    """`draft` is scored with the edited definition (None when it has mistakes), `live` with
    the live version."""

    contact: Contact
    draft: rules.ScoreResult | None
    live: ContactScore

    def groups(self) -> list[GroupComparison]:
        """Per score group of either side, the draft's and the live version's scores, with
        the explanation rows of both side by side (draft order first)."""
        live = {g.group_id: g for g in self.live.result.groups}
        draft = {g.group_id: g for g in self.draft.groups} if self.draft is not None else {}
        ids = list(draft) + [g for g in live if g not in draft]
        return [_compare(draft.get(i), live.get(i)) for i in ids]


@dataclass(frozen=True, slots=True)
class RuleComparison:
    rule_id: str
    label: str
    draft: rules.ExplanationRow | None
    live: rules.ExplanationRow | None

    @property
    def changed(self) -> bool:
        a, b = self.draft, self.live
        return (a is None) != (b is None) or (
            a is not None
            and b is not None
            and (a.points, a.occurrences) != (b.points, b.occurrences)
        )


@dataclass(frozen=True, slots=True)
class GroupComparison:
    group_id: str
    label: str
    draft: rules.GroupScore | None
    live: rules.GroupScore | None
    rules: list[RuleComparison]

    @property
    def mql_changed(self) -> bool:
        return (self.draft is not None and self.draft.is_mql) != (
            self.live is not None and self.live.is_mql
        )


def _compare(draft: rules.GroupScore | None, live: rules.GroupScore | None) -> GroupComparison:
    draft_rows = {r.rule_id: r for r in draft.explanation} if draft else {}
    live_rows = {r.rule_id: r for r in live.explanation} if live else {}
    ids = list(draft_rows) + [i for i in live_rows if i not in draft_rows]
    compared = [
        RuleComparison(
            i, (draft_rows.get(i) or live_rows[i]).label, draft_rows.get(i), live_rows.get(i)
        )
        for i in ids
    ]
    some = draft or live
    assert some is not None
    return GroupComparison(some.group_id, some.label, draft, live, compared)


def definition_read(*, text: str | None = None, data: object = None) -> rules.Definition:
    """The definition from its YAML text or its plain data (exactly one); mistakes as
    InvalidInput by path (with the line, for a text)."""
    if (text is None) == (data is None):
        raise InvalidInput("give either the definition's text or its data, not both", field="text")
    if text is not None:
        return definition_parse(text)
    try:
        return rules.definition_from_dict(data)
    except rules.DefinitionError as exc:
        # The same paths as a text's mistakes (`fit_rules[3].field`), so clients read both alike.
        raise InvalidInput(
            {("definition" if p == "__all__" else p): r for p, r in exc.errors.items()}
        ) from None


def preview_contact(
    *, definition: rules.Definition | None, contact: Contact, now: dt.datetime
) -> Preview:
    """The contact scored with `definition` (None: a draft with mistakes, not scored) and with
    the live version, as of `now`. The draft gets the live score's predicted probability: the
    model does not depend on the rules."""
    live = contact_score(contact=contact, now=now)
    draft = None
    if definition is not None:
        draft = rules.score_contact(
            definition=definition,
            contact=contact_facts(contact),
            touchpoints=touchpoint_facts(Touchpoint.objects.filter(contact=contact)),
            now=now,
            predicted=live.result.default.predicted,
        )
    return Preview(contact=contact, draft=draft, live=live)


def score_dict(
    result: rules.ScoreResult, *, version: int | None, now: dt.datetime
) -> dict[str, Any]:
    """The body of `GET /api/contacts/{id}/score` for a result."""
    return {
        "contact": result.contact_id,
        "definition_version": version,
        "computed_at": now,
        "groups": [g.to_dict() for g in result.groups],
    }


def preview_default_contact(contacts: QuerySet[Contact]) -> Contact | None:
    """A contact worth previewing: the newest MQL, else the newest lead, else the newest one."""
    ranked = contacts.annotate(
        _rank=Case(
            When(lifecycle_stage="mql", then=Value(0)),
            When(lifecycle_stage="lead", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    newest = F("lifecycle_stage_at").desc(nulls_last=True)
    return ranked.order_by("_rank", newest, "-pk").first()


def preview_contacts_search(contacts: QuerySet[Contact], *, q: str) -> list[Contact]:
    """Contacts whose email or name contains each word of `q`, newest first."""
    words = q.split()
    if not words:
        return []
    for word in words:
        contacts = contacts.filter(
            Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return list(contacts.order_by("-pk")[:SEARCH_LIMIT])
